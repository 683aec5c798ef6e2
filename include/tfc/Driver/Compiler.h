//===- Compiler.h - the phases of `tfc compile` -----------------*- C++ -*-===//

#ifndef TFC_DRIVER_COMPILER_H
#define TFC_DRIVER_COMPILER_H

#include "tfc/Target/HostTarget.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::tfc {

/// Where `tfc compile` stops; each phase writes its own artefact.
enum class EmitPhase { Tfm, Linalg, LLVMDialect, LLVMIR, Asm, Obj, Exe };

/// Parses "tfm", "linalg", ... ; fails on an unknown name.
FailureOr<EmitPhase> parseEmitPhase(StringRef name);

struct CompileOptions {
  std::string inputPath;
  std::string outputPath;
  EmitPhase emit = EmitPhase::Exe;
  std::string entry;  // empty: pick the single public function
  std::string dumpIRDir;
  bool progress = false;
  TargetOptions target;
  int64_t weightAlignment = 64;
};

/// Runs the phases up to `options.emit` on `module` and writes the result.
/// Diagnostics go through the context's handler; returns failure after
/// reporting.
LogicalResult compileModule(ModuleOp module, const CompileOptions &options);

} // namespace mlir::tfc

#endif // TFC_DRIVER_COMPILER_H
