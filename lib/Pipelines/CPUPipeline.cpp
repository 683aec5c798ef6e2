//===- CPUPipeline.cpp - tfm to LLVM for the host CPU ---------------------===//

#include "tfc/Pipelines/Pipelines.h"

#include "tfc/Codegen/Passes.h"
#include "tfc/Conversion/Passes.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Largest buffer promoted to the stack (a [1, 3072] f32 activation is
/// 12 KiB), and the most stack a function's buffers may take (the 8 MiB main
/// stack also holds the runtime's frames).
static constexpr int64_t kMaxStackBufferBytes = 64 * 1024;
static constexpr int64_t kStackBudgetBytes = 1024 * 1024;

/// The bytes of `op` if it is a static memref.alloc or memref.alloca at the
/// top level of a function, else 0.
static int64_t topLevelStaticBytes(Operation *op) {
  if (!isa<memref::AllocOp, memref::AllocaOp>(op) ||
      !isa<func::FuncOp>(op->getParentOp()))
    return 0;
  auto type = cast<MemRefType>(op->getResult(0).getType());
  if (!type.hasStaticShape())
    return 0;
  return type.getNumElements() *
         llvm::divideCeil(type.getElementTypeBitWidth(), 8);
}

/// Whether `alloc` goes on the stack: a static buffer of at most
/// kMaxStackBufferBytes at the top level of a function, with the function's
/// stack buffers before it (earlier promotions included) and itself within
/// kStackBudgetBytes. Stateless, so that functions may run in parallel.
static bool fitsOnStack(Value alloc) {
  Operation *def = alloc.getDefiningOp();
  int64_t bytes = def ? topLevelStaticBytes(def) : 0;
  if (bytes == 0 || bytes > kMaxStackBufferBytes)
    return false;
  // The stack already taken: the allocas before it (promoted or not).
  int64_t before = 0;
  for (Operation &op : *def->getBlock()) {
    if (&op == def)
      break;
    if (isa<memref::AllocaOp>(op))
      before += topLevelStaticBytes(&op);
  }
  return before + bytes <= kStackBudgetBytes;
}

void mlir::tfc::buildTfmToLinalgPipeline(OpPassManager &pm,
                                         const CPUPipelineOptions &options) {
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(tfm::createTfmPackLinearWeights());
  // After packing, so that the merged weights' parts carry their
  // permutations.
  pm.addNestedPass<func::FuncOp>(tfm::createTfmMergeParallelLinears());
  tfm::TfmBindWeightsOptions bind;
  bind.alignment = options.weightAlignment;
  pm.addPass(tfm::createTfmBindWeights(bind));
  pm.addPass(tfc::createConvertTfmToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(tfc::createTfcFuseElementwise());
  pm.addPass(createCanonicalizerPass());
}

void mlir::tfc::buildLinalgToLLVMPipeline(OpPassManager &pm,
                                          const CPUPipelineOptions &options) {
  if (options.vectorize) {
    pm.addPass(tfc::createTfcOutlineKernels());
    tfc::TfcTileAndVectorizeMatmulOptions tiling;
    tiling.parallel = options.parallel;
    pm.addNestedPass<func::FuncOp>(
        tfc::createTfcTileAndVectorizeMatmul(tiling));
    if (options.parallel)
      pm.addNestedPass<func::FuncOp>(tfc::createTfcParallelizeGenerics());
    // Masks move into the transfers they guard: bufferization's
    // deallocation cannot handle vector.mask regions.
    pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMaskPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  if (options.approximateMath)
    pm.addNestedPass<func::FuncOp>(tfc::createTfcApproximateMath());

  // Bufferize; tensor results become caller-provided out-parameters.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Identical subviews of in-place updated buffers merge, so that the
  // copies between them fold away.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(bufferization::createDropEquivalentBufferResultsPass());
  pm.addPass(tfc::createTfcDropReturnedArguments());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // Small static buffers at the top level of a function (a decode step's
  // activations and norm statistics) live on the stack: no malloc/free per
  // token. Not inside loops, whose allocas would pile up per iteration, and
  // at most kStackBudgetBytes per function (the allocas get no lifetime
  // markers, so the frame is their sum; a 7B model has ~400 such buffers).
  pm.addNestedPass<func::FuncOp>(
      bufferization::createPromoteBuffersToStackPass(fitsOnStack));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createCanonicalizerPass());

  // What stayed in place on tensors (ops on strided views) is shared now,
  // and so are the copies bufferization made.
  pm.addNestedPass<func::FuncOp>(tfc::createTfcCopyToLinalg());
  if (options.vectorize)
    pm.addPass(tfc::createTfcOutlineKernels());

  // Loops, then the LLVM dialect.
  // Fully unrolled: n-D transfers become 1-D ones without the temporary
  // stack buffers the loop form needs (which would keep the alloca scopes
  // of parallel loop bodies alive).
  VectorTransferToSCFOptions transfers;
  transfers.enableFullUnroll();
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(transfers));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Thread-parallel tile loops: scf.forall -> scf.parallel -> OpenMP. The
  // canonicalizer inlines the alloca scopes the conversion wraps loop bodies
  // in (they hold no allocas once vector transfers are lowered), which
  // scf-to-cf could not handle.
  if (options.parallel) {
    pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
    pm.addPass(createConvertSCFToOpenMPPass());
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void mlir::tfc::buildTfmToLLVMPipeline(OpPassManager &pm,
                                       const CPUPipelineOptions &options) {
  buildTfmToLinalgPipeline(pm, options);
  buildLinalgToLLVMPipeline(pm, options);
}

void mlir::tfc::registerTfcPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "tfc-tfm-to-linalg",
      "tfm to linalg on tensors: bind weights, lower, fuse elementwise ops",
      buildTfmToLinalgPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "tfc-linalg-to-llvm",
      "linalg on tensors to the LLVM dialect: bufferize, lower, convert",
      buildLinalgToLLVMPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "tfc-cpu-pipeline", "tfm to the LLVM dialect for the host CPU",
      buildTfmToLLVMPipeline);
}
