//===- HostTarget.h - LLVM target machine and object emission ---*- C++ -*-===//

#ifndef TFC_TARGET_HOSTTARGET_H
#define TFC_TARGET_HOSTTARGET_H

#include "llvm/Support/CodeGen.h"
#include "llvm/Support/Error.h"
#include "llvm/TargetParser/Triple.h"
#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
class raw_pwrite_stream;
} // namespace llvm

namespace mlir::tfc {

struct TargetOptions {
  /// Empty: the host triple.
  std::string triple;
  /// Empty or "native": the host CPU and its features.
  std::string cpu;
  /// Extra "+feature,-feature" list appended to the CPU's.
  std::string features;
  unsigned optLevel = 3;

  /// `triple`, or the host's when it is empty.
  llvm::Triple getTriple() const;
};

/// A PIC target machine for `options`; errors name the triple/CPU.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &options);

/// Sets triple and data layout, then runs the LLVM O<optLevel> pipeline.
llvm::Error optimizeModule(llvm::Module &module, llvm::TargetMachine &tm,
                           unsigned optLevel);

/// Emits assembly or an object file for `module`.
llvm::Error emitCode(llvm::Module &module, llvm::TargetMachine &tm,
                     llvm::CodeGenFileType type, llvm::raw_pwrite_stream &os);

} // namespace mlir::tfc

#endif // TFC_TARGET_HOSTTARGET_H
