//===- CompileHF.cpp - `tfc compile <hf-model-dir>` -----------------------===//

#include "tfc/Driver/Compiler.h"
#include "tfc/Driver/WeightBlob.h"
#include "tfc/Import/HF/HFImporter.h"
#include "tfc/Pipelines/Pipelines.h"

#include "StoredWeights.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::tfc;
namespace hf = ::tfc::hf;

namespace {

/// Serves checkpoint tensors, converted to f32.
class CheckpointWeights : public StoredWeights {
public:
  explicit CheckpointWeights(const hf::Checkpoint &ckpt) : ckpt(ckpt) {}

private:
  bool storedShape(StringRef name, std::vector<int64_t> &shape,
                   std::string &error) override {
    const hf::TensorInfo *info = ckpt.find(std::string_view(name));
    if (!info) {
      error = "tensor '" + name.str() + "' is not in the checkpoint";
      return false;
    }
    shape = info->shape;
    return true;
  }

  bool readStoredF32(StringRef name, float *dst, std::string &error) override {
    const hf::TensorInfo &info = *ckpt.find(std::string_view(name));
    if (hf::readAsF32(info, dst, error))
      return true;
    error = info.file + ": " + error;
    return false;
  }

  const hf::Checkpoint &ckpt;
};

} // namespace

LogicalResult mlir::tfc::compileHFModel(MLIRContext *ctx,
                                        const CompileOptions &options) {
  TimingScope importTiming =
      options.timing ? options.timing->nest("import") : TimingScope();
  HFModel model;
  std::string error;
  if (!loadHFModel(options.inputPath, options.contextCap, model, error)) {
    emitError(UnknownLoc::get(ctx)) << error;
    return failure();
  }
  OwningOpRef<ModuleOp> module = importHFModel(ctx, model);
  if (failed(verify(*module)))
    return failure();
  importTiming.stop();
  CheckpointWeights weights(model.checkpoint);
  // The importer emits layer ops already; the fusion pipeline adds what it
  // raises beyond them (residual norms), so that HF and ONNX imports of one
  // model reach the same tfm ops.
  CompileOptions phases = options;
  FusionPipelineOptions fusion;
  phases.importPasses = [&fusion](OpPassManager &pm) {
    buildTfmFusionPipeline(pm, fusion);
  };
  if (failed(compileModule(*module, phases, &weights)))
    return failure();
  if (options.emit == EmitPhase::Exe)
    return copyTokenizer(UnknownLoc::get(ctx), options.inputPath,
                         options.outputPath);
  return success();
}
