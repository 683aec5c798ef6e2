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
///   -> linear(x, weight "w" {permutation = [1, 0], panels = P}
///             : [N / P, K, P]) {panels}
/// linear(x, weight "w" : [K, N]) {in_out}
///   -> linear(x, weight "w" {panels = P} : [N / P, K, P]) {panels}
/// When N is not a multiple of P, or P is 0, the result is `in_out` instead.
struct PackWeight : OpRewritePattern<LinearOp> {
  PackWeight(MLIRContext *ctx, int64_t panelSize, llvm::Statistic &count,
             const llvm::StringSet<> &shared)
      : OpRewritePattern(ctx), panelSize(panelSize), count(count),
        shared(shared) {}

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    WeightLayout layout = op.getWeightLayout();
    if (layout == WeightLayout::Panels)
      return rewriter.notifyMatchFailure(op, "already in panels");
    auto weight = op.getWeight().getDefiningOp<WeightOp>();
    if (!weight || weight.getPanels() ||
        (layout == WeightLayout::OutIn && weight.getPermutation()))
      return rewriter.notifyMatchFailure(op,
                                         "weight is not a plain tfm.weight");
    if (shared.contains(weight.getName()))
      return rewriter.notifyMatchFailure(
          op, "weight also read in its stored layout (tied embedding)");
    int64_t k = op.getInFeatures(), n = op.getOutFeatures();
    bool panels = panelSize > 0 && n % panelSize == 0;
    if (!panels && layout == WeightLayout::InOut)
      return rewriter.notifyMatchFailure(op, "already in_out");

    auto type = cast<RankedTensorType>(weight.getType());
    DenseI64ArrayAttr permutation = weight.getPermutationAttr();
    if (layout == WeightLayout::OutIn)
      permutation = rewriter.getDenseI64ArrayAttr({1, 0});
    RankedTensorType packedType;
    IntegerAttr panelsAttr;
    if (panels) {
      packedType = RankedTensorType::get({n / panelSize, k, panelSize},
                                         type.getElementType());
      panelsAttr = rewriter.getI64IntegerAttr(panelSize);
    } else {
      packedType = RankedTensorType::get({k, n}, type.getElementType());
    }
    auto packed =
        WeightOp::create(rewriter, weight.getLoc(), packedType,
                         weight.getNameAttr(), permutation, panelsAttr);
    rewriter.modifyOpInPlace(op, [&] {
      op.getWeightMutable().assign(packed);
      op.setWeightLayout(panels ? WeightLayout::Panels : WeightLayout::InOut);
    });
    ++count;
    return success();
  }

  int64_t panelSize;
  llvm::Statistic &count;
  /// Weights some other op reads in the stored layout: a packed copy would
  /// store them twice (a tied LM head is as large as the embedding table).
  const llvm::StringSet<> &shared;
};

struct TfmPackLinearWeightsPass
    : tfm::impl::TfmPackLinearWeightsBase<TfmPackLinearWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (panelSize < 0) {
      getOperation()->emitError("tfm-pack-linear-weights: panel-size must "
                                "be positive, or 0 for none; got ")
          << static_cast<int64_t>(panelSize);
      return signalPassFailure();
    }
    llvm::StringSet<> shared;
    getOperation()->walk([&](WeightOp w) {
      if (w.getPermutation() || w.getPanels())
        return;
      for (Operation *user : w->getUsers())
        if (!isa<LinearOp>(user))
          shared.insert(w.getName());
    });
    RewritePatternSet patterns(&getContext());
    patterns.add<PackWeight>(&getContext(), panelSize, numPacked, shared);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
