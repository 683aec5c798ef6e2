//===- Linker.cpp - link generated objects with the runtime ---------------===//

#include "tfc/Driver/Linker.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"

using namespace llvm;

// Set by CMake: where the runtime archives and the linker driver live.
#ifndef TFC_RUNTIME_LIB_DIR
#define TFC_RUNTIME_LIB_DIR ""
#endif
#ifndef TFC_LINKER_DRIVER
#define TFC_LINKER_DRIVER "c++"
#endif

namespace {

/// The directory holding libtfcrt.a: $TFC_RUNTIME_DIR, the build tree, or
/// ../lib next to the tfc binary.
std::string findRuntimeDir() {
  if (auto env = sys::Process::GetEnv("TFC_RUNTIME_DIR"))
    return *env;
  SmallString<256> built(TFC_RUNTIME_LIB_DIR);
  SmallString<256> probe(built);
  sys::path::append(probe, "libtfcrt.a");
  if (!built.empty() && sys::fs::exists(probe))
    return built.str().str();
  std::string self = sys::fs::getMainExecutable(nullptr, nullptr);
  SmallString<256> rel(sys::path::parent_path(sys::path::parent_path(self)));
  sys::path::append(rel, "lib");
  return rel.str().str();
}

} // namespace

bool mlir::tfc::linkExecutable(const std::string &objectPath,
                               const std::string &outputPath,
                               RuntimeFlavor flavor,
                               const std::vector<std::string> &extraInputs,
                               std::string &error) {
  std::string dir = findRuntimeDir();
  SmallString<256> core(dir), main(dir);
  sys::path::append(core, "libtfcrt.a");
  sys::path::append(main, flavor == RuntimeFlavor::Runner ? "libtfcrt_runner.a"
                                                          : "libtfcrt_lm.a");
  for (const SmallString<256> &lib : {core, main})
    if (!sys::fs::exists(lib)) {
      error = "runtime library " + lib.str().str() +
              " not found (set TFC_RUNTIME_DIR)";
      return false;
    }

  auto driver = sys::findProgramByName(TFC_LINKER_DRIVER);
  if (!driver) {
    error = std::string("linker driver '") + TFC_LINKER_DRIVER +
            "' not found on PATH";
    return false;
  }
  SmallVector<std::string> args{*driver, objectPath};
  args.append(extraInputs.begin(), extraInputs.end());
  args.append({main.str().str(), core.str().str(), "-o", outputPath, "-lm",
               "-lpthread"});
  // libomp, for models with parallel loops; --as-needed keeps it out of
  // executables that do not call it.
  args.append({"-L" TFC_OPENMP_LIB_DIR, "-Wl,-rpath," TFC_OPENMP_LIB_DIR,
               "-Wl,--as-needed", "-lomp", "-Wl,--no-as-needed"});
  if (StringRef(*driver).contains("clang"))
    args.push_back("-fuse-ld=lld");
  SmallVector<StringRef> argRefs(args.begin(), args.end());

  SmallString<128> logPath;
  int fd;
  if (sys::fs::createTemporaryFile("tfc-link", "log", fd, logPath)) {
    error = "cannot create a temporary file for the linker log";
    return false;
  }
  sys::Process::SafelyCloseFileDescriptor(fd);
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(logPath),
                                          StringRef(logPath)};
  std::string execError;
  int rc = sys::ExecuteAndWait(*driver, argRefs, std::nullopt, redirects, 0, 0,
                               &execError);
  if (rc != 0) {
    error = "linking " + outputPath + " failed (" + *driver + ")";
    if (!execError.empty())
      error += ": " + execError;
    if (auto log = MemoryBuffer::getFile(logPath))
      error += "\n" + (*log)->getBuffer().trim().str();
  }
  sys::fs::remove(logPath);
  return rc == 0;
}
