//===- PackLinearWeights.cpp - the tfm-pack-linear-weights pass -----------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

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
  PackOutInWeight(MLIRContext *ctx, llvm::Statistic &count,
                  const llvm::StringSet<> &shared)
      : OpRewritePattern(ctx), count(count), shared(shared) {}

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getWeightLayout() != WeightLayout::OutIn)
      return rewriter.notifyMatchFailure(op, "already in_out");
    auto weight = op.getWeight().getDefiningOp<WeightOp>();
    if (!weight || weight.getPermutation())
      return rewriter.notifyMatchFailure(op,
                                         "weight is not a plain tfm.weight");
    if (shared.contains(weight.getName()))
      return rewriter.notifyMatchFailure(
          op, "weight also read in its stored layout (tied embedding)");
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
  /// Weights some other op reads in the stored layout: a packed copy would
  /// store them twice (a tied LM head is as large as the embedding table).
  const llvm::StringSet<> &shared;
};

struct TfmPackLinearWeightsPass
    : tfm::impl::TfmPackLinearWeightsBase<TfmPackLinearWeightsPass> {
  void runOnOperation() override {
    llvm::StringSet<> shared;
    getOperation()->walk([&](WeightOp w) {
      if (w.getPermutation())
        return;
      for (Operation *user : w->getUsers())
        if (!isa<LinearOp>(user))
          shared.insert(w.getName());
    });
    RewritePatternSet patterns(&getContext());
    patterns.add<PackOutInWeight>(&getContext(), numPacked, shared);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
