//===- LmTestUtil.h - helpers for the tfcrt_lm unit tests -------*- C++ -*-===//
#ifndef TFCRT_LM_TEST_LMTESTUTIL_H
#define TFCRT_LM_TEST_LMTESTUTIL_H

#include "LmRuntime.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

namespace tfcrt_lm_test {

/// A fresh temporary directory, removed with its (flat) contents at the end.
class TempDir {
public:
  TempDir() {
    const char *base = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(base && *base ? base : "/tmp") + "/tfcrt-lm-test-XXXXXX";
    if (mkdtemp(&tmpl[0]))
      dir = tmpl;
  }
  ~TempDir() {
    for (const std::string &f : files)
      std::remove(f.c_str());
    if (!dir.empty())
      rmdir(dir.c_str());
  }
  std::string path(const std::string &name) {
    files.push_back(dir + "/" + name);
    return files.back();
  }
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

/// Model info of a small model whose weights are `bytes`/`checksum`.
inline std::string
modelInfoText(uint64_t bytes = 12,
              const std::string &checksum = "0123456789abcdef",
              const std::string &mode = "external") {
  return "arch=gpt2\nvocab_size=50257\ncontext=1024\nnum_layers=12\n"
         "num_kv_heads=12\nhead_dim=64\neos_token_id=50256\n"
         "bos_token_id=50256\nweights_bytes=" +
         std::to_string(bytes) + "\nweights_checksum=" + checksum +
         "\nweights_mode=" + mode + "\n";
}

inline tfcrt::lm::ModelInfo gpt2Info() {
  tfcrt::lm::ModelInfo info;
  std::string error;
  if (!tfcrt::lm::parseModelInfo(modelInfoText(), &info, &error))
    std::abort();
  return info;
}

} // namespace tfcrt_lm_test

#endif // TFCRT_LM_TEST_LMTESTUTIL_H
