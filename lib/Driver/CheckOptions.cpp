//===- CheckOptions.cpp - validate `tfc compile` options up front ---------===//
//
// Bad target options and unwritable outputs are reported before any phase
// runs, in one line each, rather than by LLVM (as warnings, while creating
// the target machine) or by the linker (after all the phases).
//
//===----------------------------------------------------------------------===//

#include "tfc/Driver/Compiler.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/Errc.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::tfc;

LogicalResult mlir::tfc::checkTargetOptions(const TargetOptions &target,
                                            std::string &error) {
  if (target.optLevel > 3) {
    error = "-O: expected 0, 1, 2 or 3, got '" +
            std::to_string(target.optLevel) + "'";
    return failure();
  }

  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargetMCs();
  llvm::Triple triple(target.triple.empty()
                          ? llvm::sys::getDefaultTargetTriple()
                          : target.triple);
  std::string lookupError;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!llvmTarget) {
    error = "unsupported target triple '" + triple.str() + "': " + lookupError;
    return failure();
  }
  // The target's generic subtarget: asking it about names prints nothing,
  // unlike creating one for an unknown CPU or feature.
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      llvmTarget->createMCSubtargetInfo(triple, "", ""));
  if (!sti)
    return success();

  bool native = target.cpu.empty() || target.cpu == "native";
  if (!native && !sti->isCPUStringValid(target.cpu)) {
    error =
        "unknown CPU '" + target.cpu + "' for target '" + triple.str() + "'";
    return failure();
  }

  for (StringRef entry : llvm::split(target.features, ',')) {
    entry = entry.trim();
    if (entry.empty())
      continue;
    // As llvm::SubtargetFeatures reads them: "+f" or "f" enables, "-f"
    // disables; names are case-insensitive.
    std::string name =
        entry.drop_front(entry.starts_with("+") || entry.starts_with("-"))
            .lower();
    bool known = !name.empty() &&
                 llvm::any_of(sti->getAllProcessorFeatures(),
                              [&](const auto &kv) { return name == kv.Key; });
    if (!known) {
      error = "--mattr: unknown feature '" + entry.str() + "' for target '" +
              triple.str() + "'";
      return failure();
    }
  }
  return success();
}

std::error_code mlir::tfc::checkWritable(StringRef path) {
  llvm::sys::fs::file_status status;
  std::error_code ec = llvm::sys::fs::status(path, status);
  if (!ec) {
    if (llvm::sys::fs::is_directory(status))
      return llvm::make_error_code(llvm::errc::is_a_directory);
    return llvm::sys::fs::access(path, llvm::sys::fs::AccessMode::Write);
  }
  // ENOTDIR (a path under a regular file), EACCES, ...: as opening would.
  if (ec != llvm::errc::no_such_file_or_directory)
    return ec;
  StringRef parent = llvm::sys::path::parent_path(path);
  if (parent.empty())
    parent = ".";
  if ((ec = llvm::sys::fs::status(parent, status)))
    return ec;
  if (!llvm::sys::fs::is_directory(status))
    return llvm::make_error_code(llvm::errc::not_a_directory);
  return llvm::sys::fs::access(parent, llvm::sys::fs::AccessMode::Write);
}

LogicalResult mlir::tfc::checkOutputPaths(const CompileOptions &options,
                                          std::string &error) {
  // The weights file first: it is written before the executable.
  if (options.emit == EmitPhase::Exe &&
      options.weights == WeightsMode::External) {
    std::string weightsPath = options.outputPath + ".weights";
    if (std::error_code ec = checkWritable(weightsPath)) {
      error = "cannot create " + weightsPath + ": " + ec.message();
      return failure();
    }
  }
  if (std::error_code ec = checkWritable(options.outputPath)) {
    error =
        "cannot open output file '" + options.outputPath + "': " + ec.message();
    return failure();
  }
  return success();
}
