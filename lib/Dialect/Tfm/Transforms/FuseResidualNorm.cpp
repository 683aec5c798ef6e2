//===- FuseResidualNorm.cpp - the tfm-fuse-residual-norm pass -------------===//
//
// `n = layer_norm(s, g[, b])` / `rms_norm(s, g)` with `s = add(x, r)`, where
// x, r and s have one type, becomes `sum, n = add_layer_norm(x, r, g[, b])` /
// `add_rms_norm(x, r, g)`; every other user of s (the residual stream goes on
// to the next block) reads `sum`. The lowering then reads x and r once per
// row instead of writing s and reading it back for the statistics.
//
// The anchor is a norm whose input is a tfm.add; those left after rewriting
// are reported as near misses.
//
//===----------------------------------------------------------------------===//

#include "FusionMatchers.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMFUSERESIDUALNORM
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;
using namespace mlir::tfm::fusion;

namespace {

constexpr StringLiteral kPattern = "residual_norm";

/// Where the fused op goes: at the add when the norm's parameters are
/// available there (the usual case: weights come first), otherwise at the
/// norm when no other user of the sum comes before it. Null (with `reason`)
/// when neither works. `add` and `norm` are already matched.
Operation *insertionPoint(AddOp add, Operation *norm, ValueRange params,
                          std::string &reason) {
  DominanceInfo dom;
  if (llvm::all_of(params,
                   [&](Value p) { return dom.properlyDominates(p, add); }))
    return add;
  for (Operation *user : add.getResult().getUsers())
    if (user != norm && !dom.properlyDominates(norm, user)) {
      reason = "the norm's scale or bias is defined after another user of "
               "the sum";
      return nullptr;
    }
  return norm;
}

/// Matches a norm reading a residual add. Fails with an empty `reason` when
/// the norm's input is no tfm.add (not an anchor).
template <typename NormOp>
AddOp matchResidualNorm(NormOp norm, ValueRange params, Operation *&insertAt,
                        std::string &reason) {
  auto add = norm.getInput().template getDefiningOp<AddOp>();
  if (!add)
    return nullptr;
  // Of several norms reading one sum, the first fuses; the others then read
  // the fused op's sum.
  for (Operation *user : add.getResult().getUsers())
    if (user != norm && isa<LayerNormOp, RMSNormOp>(user) &&
        user->getBlock() == norm->getBlock() && user->isBeforeInBlock(norm))
      return nullptr;
  Type t = add.getType();
  if (add.getLhs().getType() != t || add.getRhs().getType() != t) {
    reason = "the add broadcasts";
    return nullptr;
  }
  insertAt = insertionPoint(add, norm, params, reason);
  return insertAt ? add : nullptr;
}

SmallVector<Value> normParams(LayerNormOp norm) {
  SmallVector<Value> params{norm.getScale()};
  if (norm.getBias())
    params.push_back(norm.getBias());
  return params;
}
SmallVector<Value> normParams(RMSNormOp norm) { return {norm.getScale()}; }

AddLayerNormOp buildFused(PatternRewriter &rewriter, Location loc,
                          LayerNormOp norm, AddOp add) {
  Type t = add.getType();
  return AddLayerNormOp::create(rewriter, loc, t, t, add.getLhs(), add.getRhs(),
                                norm.getScale(), norm.getBias(),
                                norm.getEpsilonAttr());
}
AddRMSNormOp buildFused(PatternRewriter &rewriter, Location loc, RMSNormOp norm,
                        AddOp add) {
  Type t = add.getType();
  return AddRMSNormOp::create(rewriter, loc, t, t, add.getLhs(), add.getRhs(),
                              norm.getScale(), norm.getEpsilonAttr());
}

template <typename NormOp> struct FuseResidual : OpRewritePattern<NormOp> {
  FuseResidual(MLIRContext *ctx, FusionReport &report)
      : OpRewritePattern<NormOp>(ctx), report(report) {}

  LogicalResult matchAndRewrite(NormOp norm,
                                PatternRewriter &rewriter) const override {
    std::string reason;
    Operation *insertAt = nullptr;
    AddOp add = matchResidualNorm(norm, normParams(norm), insertAt, reason);
    if (!add)
      return rewriter.notifyMatchFailure(norm, reason);
    Location loc = chainLoc(rewriter, {add, norm});
    rewriter.setInsertionPoint(insertAt);
    auto fused = buildFused(rewriter, loc, norm, add);
    report.fused(norm.getLoc(), kPattern);
    rewriter.replaceOp(norm, fused.getNormalized());
    rewriter.replaceOp(add, fused.getSum());
    return success();
  }

  FusionReport &report;
};

struct FuseResidualNormPass
    : tfm::impl::TfmFuseResidualNormBase<FuseResidualNormPass> {
  using Base::Base;

  void runOnOperation() override {
    FusionReport fusion(this->report);
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseResidual<LayerNormOp>, FuseResidual<RMSNormOp>>(
        &getContext(), fusion);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    auto nearMiss = [&](auto norm) {
      std::string reason;
      Operation *insertAt = nullptr;
      if (!matchResidualNorm(norm, normParams(norm), insertAt, reason) &&
          !reason.empty())
        fusion.nearMiss(norm.getLoc(), kPattern, reason);
    };
    getOperation()->walk([&](Operation *op) {
      if (auto ln = dyn_cast<LayerNormOp>(op))
        nearMiss(ln);
      else if (auto rms = dyn_cast<RMSNormOp>(op))
        nearMiss(rms);
    });
    numFused = fusion.numFused();
    numNearMisses = fusion.numNearMisses();
  }
};

} // namespace
