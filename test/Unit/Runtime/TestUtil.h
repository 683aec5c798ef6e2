//===- TestUtil.h - helpers shared by the runtime unit tests ----*- C++ -*-===//
#ifndef TFCRT_TEST_TESTUTIL_H
#define TFCRT_TEST_TESTUTIL_H

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

namespace tfcrt_test {

/// The repository root: $TFC_SRC_ROOT (set by lit), else derived from this
/// file's location (test/Unit/Runtime/TestUtil.h).
inline std::string srcRoot() {
  if (const char *env = std::getenv("TFC_SRC_ROOT"))
    if (*env)
      return env;
  std::string here = __FILE__;
  size_t cut = here.rfind("/test/Unit/Runtime/");
  return cut == std::string::npos ? "." : here.substr(0, cut);
}

/// A fresh temporary directory, removed with its (flat) contents at the end.
class TempDir {
public:
  TempDir() {
    const char *base = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(base && *base ? base : "/tmp") + "/tfcrt-test-XXXXXX";
    if (mkdtemp(&tmpl[0]))
      dir = tmpl;
  }
  ~TempDir() {
    for (const std::string &f : files)
      std::remove(f.c_str());
    if (!dir.empty())
      rmdir(dir.c_str());
  }
  /// Path of `name` inside the directory (registered for cleanup).
  std::string path(const std::string &name) {
    files.push_back(dir + "/" + name);
    return files.back();
  }
  /// Writes `content` to `name` and returns its path.
  std::string write(const std::string &name, const std::string &content) {
    std::string p = path(name);
    if (FILE *f = std::fopen(p.c_str(), "wb")) {
      std::fwrite(content.data(), 1, content.size(), f);
      std::fclose(f);
    }
    return p;
  }
  const std::string &str() const { return dir; }

private:
  std::string dir;
  std::vector<std::string> files;
};

inline std::string readAll(const std::string &path) {
  std::string out;
  if (FILE *f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
      out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

} // namespace tfcrt_test

#endif // TFCRT_TEST_TESTUTIL_H
