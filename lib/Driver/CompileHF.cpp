//===- CompileHF.cpp - `tfc compile <hf-model-dir>` -----------------------===//

#include "tfc/Driver/Compiler.h"
#include "tfc/Driver/WeightBlob.h"
#include "tfc/Import/HF/HFImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::tfc;
namespace hf = ::tfc::hf;

namespace {

/// Serves checkpoint tensors, converted to f32.
class CheckpointWeights : public WeightSource {
public:
  explicit CheckpointWeights(const hf::Checkpoint &ckpt) : ckpt(ckpt) {}

  bool read(StringRef name, ArrayRef<int64_t> permutation,
            RankedTensorType type, char *dst, std::string &error) override {
    const hf::TensorInfo *info = ckpt.find(std::string_view(name));
    if (!info) {
      error = "tensor '" + name.str() + "' is not in the checkpoint";
      return false;
    }
    if (!type.getElementType().isF32() ||
        info->numElements() != type.getNumElements()) {
      error = info->file + ": tensor '" + name.str() +
              "' does not match the type the model reads it with";
      return false;
    }
    float *out = reinterpret_cast<float *>(dst);
    if (permutation.empty())
      return readF32(*info, out, error);
    // Read in stored order, then scatter into the permuted layout.
    std::vector<float> stored(info->numElements());
    if (!readF32(*info, stored.data(), error))
      return false;
    permute(stored.data(), info->shape, permutation, out);
    return true;
  }

private:
  static bool readF32(const hf::TensorInfo &info, float *dst,
                      std::string &error) {
    if (hf::readAsF32(info, dst, error))
      return true;
    error = info.file + ": " + error;
    return false;
  }

  /// out[i_p0, i_p1, ...] = in[i_0, i_1, ...] with out dim d = in dim p[d].
  static void permute(const float *in, const std::vector<int64_t> &shape,
                      ArrayRef<int64_t> perm, float *out) {
    size_t rank = shape.size();
    std::vector<int64_t> inStrides(rank, 1), outShape(rank),
        outStrides(rank, 1);
    for (size_t d = rank; d-- > 1;)
      inStrides[d - 1] = inStrides[d] * shape[d];
    for (size_t d = 0; d < rank; ++d)
      outShape[d] = shape[perm[d]];
    for (size_t d = rank; d-- > 1;)
      outStrides[d - 1] = outStrides[d] * outShape[d];
    // Stride in `out` of each input dimension.
    std::vector<int64_t> strideOfIn(rank);
    for (size_t d = 0; d < rank; ++d)
      strideOfIn[perm[d]] = outStrides[d];
    int64_t n = 1;
    for (int64_t s : shape)
      n *= s;
    std::vector<int64_t> idx(rank, 0);
    int64_t o = 0;
    for (int64_t i = 0; i < n; ++i) {
      out[o] = in[i];
      // Increment the input index odometer, tracking the output offset.
      for (size_t d = rank; d-- > 0;) {
        o += strideOfIn[d];
        if (++idx[d] < shape[d])
          break;
        o -= strideOfIn[d] * shape[d];
        idx[d] = 0;
      }
    }
  }

  const hf::Checkpoint &ckpt;
};

/// Copies vocab.json / merges.txt beside the executable, where the runtime
/// looks for them.
void copyTokenizer(const std::string &dir, const std::string &exe) {
  for (const char *file : {"vocab.json", "merges.txt"}) {
    llvm::SmallString<256> src(dir);
    llvm::sys::path::append(src, file);
    std::string dst = exe + "." + file;
    if (!llvm::sys::fs::exists(src)) {
      llvm::errs() << "tfc: warning: " << src
                   << " not found; the executable will need --vocab DIR for "
                      "text input and output\n";
      continue;
    }
    if (std::error_code ec = llvm::sys::fs::copy_file(src, dst))
      llvm::errs() << "tfc: warning: cannot copy " << src << " to " << dst
                   << ": " << ec.message() << "\n";
  }
}

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
  if (failed(compileModule(*module, options, &weights)))
    return failure();
  if (options.emit == EmitPhase::Exe)
    copyTokenizer(options.inputPath, options.outputPath);
  return success();
}
