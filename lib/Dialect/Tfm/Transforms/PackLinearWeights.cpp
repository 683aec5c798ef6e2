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

/// Outputs from which a linear whose N is not a multiple of the panel size
/// still gets panels, the last one padded with zeros (at most 1.6% more
/// columns; vocabulary-sized LM heads). Smaller ones stay [K, N].
constexpr int64_t kPaddedPanelsMinColumns = 4096;

/// The panel weight of the [K, N] matrix `weight` (read with `permutation`)
/// in panels of `p`: [ceil(N / p), K, p].
WeightOp createPanels(PatternRewriter &rewriter, WeightOp weight,
                      DenseI64ArrayAttr permutation, int64_t k, int64_t n,
                      int64_t p) {
  auto type = cast<RankedTensorType>(weight.getType());
  auto packedType = RankedTensorType::get(
      {static_cast<int64_t>(llvm::divideCeil(n, p)), k, p},
      type.getElementType());
  return WeightOp::create(rewriter, weight.getLoc(), packedType,
                          weight.getNameAttr(), permutation,
                          rewriter.getI64IntegerAttr(p));
}

/// A tied table: a plain [V, D] tfm.weight read by embeddings (as their
/// table) and by out_in linears (LM heads) only. Both switch to one panel
/// weight [ceil(V / P), D, P]: the heads stream it like any panel weight,
/// the embeddings gather their rows from it.
struct PackTiedTable : OpRewritePattern<WeightOp> {
  PackTiedTable(MLIRContext *ctx, int64_t panelSize, llvm::Statistic &count)
      : OpRewritePattern(ctx), panelSize(panelSize), count(count) {}

  LogicalResult matchAndRewrite(WeightOp weight,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(weight.getType());
    if (weight.getPermutation() || weight.getPanels() || type.getRank() != 2)
      return rewriter.notifyMatchFailure(weight, "not a plain matrix");
    bool embedding = false, linear = false;
    for (OpOperand &use : weight->getUses()) {
      if (auto e = dyn_cast<EmbeddingOp>(use.getOwner());
          e && use.getOperandNumber() == 0) {
        embedding = true;
        continue;
      }
      auto l = dyn_cast<LinearOp>(use.getOwner());
      if (!l || use.getOperandNumber() != 1 ||
          l.getWeightLayout() != WeightLayout::OutIn)
        return rewriter.notifyMatchFailure(weight, "read by another op");
      linear = true;
    }
    if (!embedding || !linear)
      return rewriter.notifyMatchFailure(weight, "not a tied table");
    int64_t v = type.getDimSize(0), d = type.getDimSize(1);
    rewriter.setInsertionPoint(weight);
    WeightOp packed =
        createPanels(rewriter, weight, rewriter.getDenseI64ArrayAttr({1, 0}), d,
                     v, panelSize);
    for (OpOperand &use : llvm::make_early_inc_range(weight->getUses())) {
      Operation *user = use.getOwner();
      rewriter.modifyOpInPlace(user, [&] {
        use.set(packed);
        if (auto l = dyn_cast<LinearOp>(user))
          l.setWeightLayout(WeightLayout::Panels);
      });
    }
    rewriter.eraseOp(weight);
    ++count;
    return success();
  }

  int64_t panelSize;
  llvm::Statistic &count;
};

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
    bool panels =
        panelSize > 0 && (n % panelSize == 0 || n >= kPaddedPanelsMinColumns);
    if (!panels && layout == WeightLayout::InOut)
      return rewriter.notifyMatchFailure(op, "already in_out");

    auto type = cast<RankedTensorType>(weight.getType());
    DenseI64ArrayAttr permutation = weight.getPermutationAttr();
    if (layout == WeightLayout::OutIn)
      permutation = rewriter.getDenseI64ArrayAttr({1, 0});
    WeightOp packed =
        panels ? createPanels(rewriter, weight, permutation, k, n, panelSize)
               : WeightOp::create(
                     rewriter, weight.getLoc(),
                     RankedTensorType::get({k, n}, type.getElementType()),
                     weight.getNameAttr(), permutation, /*panels=*/nullptr);
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
    if (panelSize > 0)
      patterns.add<PackTiedTable>(&getContext(), panelSize, numPacked);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
