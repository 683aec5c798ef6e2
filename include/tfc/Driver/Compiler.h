//===- Compiler.h - the phases of `tfc compile` -----------------*- C++ -*-===//

#ifndef TFC_DRIVER_COMPILER_H
#define TFC_DRIVER_COMPILER_H

#include "tfc/Target/HostTarget.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/LLVM.h"
#include "mlir/Support/Timing.h"

#include <functional>
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
  /// ONNX import: float initializers with more elements than this become
  /// tfm.weight ops, smaller ones dense constants (-1: inline all).
  int64_t onnxInlineLimit = 64;
  /// --fusion-report: print the fusion passes' rewrites and near misses.
  bool fusionReport = false;
  /// ONNX language models: where vocab.json and merges.txt are (empty: the
  /// model's directory).
  std::string tokenizerDir;
  /// Passes an importer adds to the tfm phase, after canonicalization (the
  /// ONNX path: fusion and the LM entry points). Their IR is what
  /// --emit=tfm prints.
  std::function<void(OpPassManager &)> importPasses;
  /// --mlir-timing: the phases, and the passes within them, are timed under
  /// this scope (null: no timing).
  TimingScope *timing = nullptr;
};

/// Checks the target options before any work: the triple, that `cpu` is a
/// CPU of that target ("native" and empty always are), that every
/// `features` entry names one of its features, and the optimization level.
/// On failure `error` is one line naming the option and value.
LogicalResult checkTargetOptions(const TargetOptions &target,
                                 std::string &error);

/// Checks that the file `path` can be written (its directory exists and is
/// writable, and it is not a directory itself) without creating it.
std::error_code checkWritable(StringRef path);

/// Checks, before any work, that the outputs of `options` can be written:
/// the output file and, for an executable with external weights, the
/// weights file beside it. On failure `error` is one line naming the file.
LogicalResult checkOutputPaths(const CompileOptions &options,
                               std::string &error);

class WeightSource;

/// Copies vocab.json and merges.txt from `dir` beside the executable `exe`
/// (`<exe>.vocab.json`, `<exe>.merges.txt`), where the LM runtime looks for
/// them. A file missing from `dir` is an error ending in `missingHint` when
/// one is given, else a warning (text then needs the executable's --vocab).
/// With `checkOnly`, nothing is copied: the check runs before compiling.
LogicalResult copyTokenizer(Location loc, StringRef dir, StringRef exe,
                            StringRef missingHint = "", bool checkOnly = false);

/// Runs the phases up to `options.emit` on `module` and writes the result.
/// Diagnostics go through the context's handler; returns failure after
/// reporting. A module with `tfc.model_info` is a language model (entry
/// points tfc_prefill/tfc_decode, the LM runtime, weights from `weights`);
/// otherwise the single entry function gets the generic .npy runner.
LogicalResult compileModule(ModuleOp module, const CompileOptions &options,
                            WeightSource *weights = nullptr);

/// Imports the HF model directory `options.inputPath` and compiles it.
LogicalResult compileHFModel(MLIRContext *ctx, const CompileOptions &options);

/// Imports the ONNX model `options.inputPath` and compiles it. Graphs with
/// weights (large initializers) stop before the executable for now.
LogicalResult compileOnnxModel(MLIRContext *ctx, const CompileOptions &options);

} // namespace mlir::tfc

#endif // TFC_DRIVER_COMPILER_H
