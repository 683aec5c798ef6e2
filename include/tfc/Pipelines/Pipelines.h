//===- Pipelines.h - tfc's named pass pipelines -----------------*- C++ -*-===//
//
// The compilation phases (see docs/architecture.md), each a function that
// appends passes to a pass manager, so that `tfc --emit=<phase>` and
// `tfc-opt --tfc-<phase>` run exactly the same passes.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_PIPELINES_PIPELINES_H
#define TFC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::tfc {

struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  Option<int64_t> weightAlignment{
      *this, "weight-alignment",
      llvm::cl::desc("Byte alignment of each tensor in the weight blob"),
      llvm::cl::init(64)};
  Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Tile and vectorize matmuls for the host's vector unit"),
      llvm::cl::init(true)};
  Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Split matmul cache tiles over OpenMP threads"),
      llvm::cl::init(true)};
  Option<bool> approximateMath{
      *this, "approximate-math",
      llvm::cl::desc("Use vectorizable polynomial approximations for "
                     "tanh/erf/exp/..."),
      llvm::cl::init(true)};
};

struct FusionPipelineOptions
    : public PassPipelineOptions<FusionPipelineOptions> {
  Option<bool> report{
      *this, "report",
      llvm::cl::desc("Emit a remark for each fusion and each near miss"),
      llvm::cl::init(false)};
};

/// The fusion passes that raise an imported graph (ONNX) to the layer ops
/// of the HF import: norms, activations, rotary, attention, bias epilogues.
void buildTfmFusionPipeline(OpPassManager &pm,
                            const FusionPipelineOptions &options);

/// Registers tfm-fuse.
void registerTfmFusionPipeline();

/// tfm -> linalg on tensors: bind weights, lower tfm ops, clean up, fuse.
void buildTfmToLinalgPipeline(OpPassManager &pm,
                              const CPUPipelineOptions &options);

/// linalg on tensors -> LLVM dialect: bufferize, lower loops, convert.
void buildLinalgToLLVMPipeline(OpPassManager &pm,
                               const CPUPipelineOptions &options);

/// Both of the above.
void buildTfmToLLVMPipeline(OpPassManager &pm,
                            const CPUPipelineOptions &options);

/// Registers tfc-tfm-to-linalg, tfc-linalg-to-llvm and tfc-cpu-pipeline.
void registerTfcPipelines();

} // namespace mlir::tfc

#endif // TFC_PIPELINES_PIPELINES_H
