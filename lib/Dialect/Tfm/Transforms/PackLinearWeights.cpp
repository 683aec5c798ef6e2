//===- PackLinearWeights.cpp - the tfm-pack-linear-weights pass -----------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMPACKLINEARWEIGHTS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;

namespace {

/// linear(x, weight "w" : [N, K]) {out_in}
///   -> linear(x, weight "w" {permutation = [1, 0]} : [K, N]) {in_out}
struct PackOutInWeight : OpRewritePattern<LinearOp> {
  PackOutInWeight(MLIRContext *ctx, llvm::Statistic &count)
      : OpRewritePattern(ctx), count(count) {}

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getWeightLayout() != WeightLayout::OutIn)
      return rewriter.notifyMatchFailure(op, "already in_out");
    auto weight = op.getWeight().getDefiningOp<WeightOp>();
    if (!weight || weight.getPermutation())
      return rewriter.notifyMatchFailure(op,
                                         "weight is not a plain tfm.weight");
    auto type = cast<RankedTensorType>(weight.getType());
    auto packedType = RankedTensorType::get(
        {type.getDimSize(1), type.getDimSize(0)}, type.getElementType());
    auto packed = WeightOp::create(rewriter, weight.getLoc(), packedType,
                                   weight.getNameAttr(),
                                   rewriter.getDenseI64ArrayAttr({1, 0}));
    rewriter.modifyOpInPlace(op, [&] {
      op.getWeightMutable().assign(packed);
      op.setWeightLayout(WeightLayout::InOut);
    });
    ++count;
    return success();
  }

  llvm::Statistic &count;
};

struct TfmPackLinearWeightsPass
    : tfm::impl::TfmPackLinearWeightsBase<TfmPackLinearWeightsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PackOutInWeight>(&getContext(), numPacked);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
