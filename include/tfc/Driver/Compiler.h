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

/// How a language model's weights reach the executable.
enum class WeightsMode { Embed, External };

struct CompileOptions {
  std::string inputPath;
  std::string outputPath;
  EmitPhase emit = EmitPhase::Exe;
  std::string entry; // empty: pick the single public function
  std::string dumpIRDir;
  bool progress = false;
  TargetOptions target;
  int64_t weightAlignment = 64;
  WeightsMode weights = WeightsMode::Embed;
  /// Caps the KV-cache length of imported models (0: the model's context).
  int64_t contextCap = 0;
};

class WeightSource;

/// Runs the phases up to `options.emit` on `module` and writes the result.
/// Diagnostics go through the context's handler; returns failure after
/// reporting. A module with `tfc.model_info` is a language model (entry
/// points tfc_prefill/tfc_decode, the LM runtime, weights from `weights`);
/// otherwise the single entry function gets the generic .npy runner.
LogicalResult compileModule(ModuleOp module, const CompileOptions &options,
                            WeightSource *weights = nullptr);

/// Imports the HF model directory `options.inputPath` and compiles it.
LogicalResult compileHFModel(MLIRContext *ctx, const CompileOptions &options);

} // namespace mlir::tfc

#endif // TFC_DRIVER_COMPILER_H
