//===- FuseElementwise.cpp - the tfc-fuse-elementwise pass ----------------===//

#include "tfc/Codegen/Contractions.h"
#include "tfc/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_TFCFUSEELEMENTWISE
#include "tfc/Codegen/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;

namespace {

/// Named linalg ops (matmul) and panel matmuls are what the kernels target;
/// rewriting them (into generics, or over reshaped operands) would hide them
/// from tfc-tile-and-vectorize-matmul.
bool isGenericOrNotLinalg(Operation *op) {
  if (auto generic = dyn_cast_or_null<linalg::GenericOp>(op))
    return !tfc::isPanelMatmul(generic);
  return !op || !isa<linalg::LinalgOp>(op);
}

struct TfcFuseElementwisePass
    : tfc::impl::TfcFuseElementwiseBase<TfcFuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    auto control = [](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      // A producer with other uses would be recomputed in every consumer.
      if (producer && !producer->hasOneUse())
        return false;
      return isGenericOrNotLinalg(producer) &&
             isGenericOrNotLinalg(operand->getOwner());
    };
    auto fuseControl = [&](OpOperand *operand) {
      if (!control(operand))
        return false;
      // A consumer that reads the producer's value at fewer loops than it
      // has, and reduces, would recompute the producer for every iteration
      // of the missing loops (softmax's exp inside P.V, once per head
      // dimension): keep such producers apart.
      auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
      if (consumer && consumer.getNumReductionLoops() > 0 &&
          !consumer.getMatchingIndexingMap(operand).isPermutation())
        return false;
      return true;
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, fuseControl);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
