//===- FuseResidualNorm.cpp - the tfm-fuse-residual-norm pass -------------===//
//
// `n = layer_norm(s, g[, b])` / `rms_norm(s, g)` with `s = add(x, r)`, where
// x, r and s have one type, becomes `sum, n = add_layer_norm(x, r, g[, b])` /
// `add_rms_norm(x, r, g)`; every other user of s (the residual stream goes on
// to the next block) reads `sum`. The lowering then reads x and r once per
// row instead of writing s and reading it back for the statistics.
//
// The norm may also read a tensor.extract_slice of s (the HF import's last-row
// slice before the final norm of prefill_last): when s has no other user (but
// tensor.dim), the add commutes with the slice and `add_*_norm(slice(x),
// slice(r), ...)` adds only the sliced rows.
//
// The anchor is a norm whose input is a tfm.add; those left after rewriting
// are reported as near misses.
//
//===----------------------------------------------------------------------===//

#include "FusionMatchers.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
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

/// A norm's input chain: the add and, in the sliced form, the
/// tensor.extract_slice of the sum that the norm reads.
struct Match {
  AddOp add;
  tensor::ExtractSliceOp slice; // null: the norm reads the sum itself
  Operation *insertAt = nullptr;
};

/// Where the fused op goes: at `def` (the op defining the norm's input)
/// when the norm's parameters are available there (the usual case: weights
/// come first), otherwise at the norm when no other user of the norm's input
/// comes before it. Null (with `reason`) when neither works.
Operation *insertionPoint(Operation *def, Operation *norm, ValueRange params,
                          std::string &reason) {
  DominanceInfo dom;
  if (llvm::all_of(params,
                   [&](Value p) { return dom.properlyDominates(p, def); }))
    return def;
  for (Operation *user : def->getResult(0).getUsers())
    if (user != norm && !dom.properlyDominates(norm, user)) {
      reason = "the norm's scale or bias is defined after another user of "
               "the sum";
      return nullptr;
    }
  return norm;
}

/// Whether another norm reads `v` before `norm` does: of several norms
/// reading one sum, the first fuses; the others then read the fused op's
/// sum.
bool earlierNormReads(Value v, Operation *norm) {
  return llvm::any_of(v.getUsers(), [&](Operation *user) {
    return user != norm && isa<LayerNormOp, RMSNormOp>(user) &&
           user->getBlock() == norm->getBlock() && user->isBeforeInBlock(norm);
  });
}

/// Matches a norm reading a residual add, directly or through a
/// tensor.extract_slice of the sum (the HF import's last-row slice before the
/// final norm). Fails with an empty
/// `reason` when the norm's input is neither (not an anchor).
template <typename NormOp>
std::optional<Match> matchResidualNorm(NormOp norm, ValueRange params,
                                       std::string &reason) {
  Match m;
  Value input = norm.getInput();
  m.add = input.template getDefiningOp<AddOp>();
  if (!m.add) {
    m.slice = input.template getDefiningOp<tensor::ExtractSliceOp>();
    if (!m.slice)
      return std::nullopt;
    m.add = m.slice.getSource().template getDefiningOp<AddOp>();
    if (!m.add)
      return std::nullopt;
  }
  if (earlierNormReads(input, norm))
    return std::nullopt;
  Type t = m.add.getType();
  if (m.add.getLhs().getType() != t || m.add.getRhs().getType() != t) {
    reason = "the add broadcasts";
    return std::nullopt;
  }
  if (m.slice) {
    // The slice commutes with the add (same-typed operands), so the fused op
    // adds only the sliced rows; the whole sum must then be needed by no one
    // else (tensor.dim of it reads an operand's size instead).
    for (Operation *user : m.add.getResult().getUsers())
      if (user != m.slice && !isa<tensor::DimOp>(user)) {
        reason = "the sum has users other than the slice";
        return std::nullopt;
      }
  }
  Operation *def = m.slice ? m.slice.getOperation() : m.add.getOperation();
  m.insertAt = insertionPoint(def, norm, params, reason);
  if (!m.insertAt)
    return std::nullopt;
  return m;
}

SmallVector<Value> normParams(LayerNormOp norm) {
  SmallVector<Value> params{norm.getScale()};
  if (norm.getBias())
    params.push_back(norm.getBias());
  return params;
}
SmallVector<Value> normParams(RMSNormOp norm) { return {norm.getScale()}; }

AddLayerNormOp buildFused(PatternRewriter &rewriter, Location loc,
                          LayerNormOp norm, Value lhs, Value rhs) {
  Type t = lhs.getType();
  return AddLayerNormOp::create(rewriter, loc, t, t, lhs, rhs, norm.getScale(),
                                norm.getBias(), norm.getEpsilonAttr());
}
AddRMSNormOp buildFused(PatternRewriter &rewriter, Location loc, RMSNormOp norm,
                        Value lhs, Value rhs) {
  Type t = lhs.getType();
  return AddRMSNormOp::create(rewriter, loc, t, t, lhs, rhs, norm.getScale(),
                              norm.getEpsilonAttr());
}

/// `slice` applied to `source` (a value of the sliced tensor's type).
Value sliceOf(PatternRewriter &rewriter, tensor::ExtractSliceOp slice,
              Value source) {
  auto clone = cast<tensor::ExtractSliceOp>(rewriter.clone(*slice));
  clone.getSourceMutable().assign(source);
  return clone.getResult();
}

template <typename NormOp> struct FuseResidual : OpRewritePattern<NormOp> {
  FuseResidual(MLIRContext *ctx, FusionReport &report)
      : OpRewritePattern<NormOp>(ctx), report(report) {}

  LogicalResult matchAndRewrite(NormOp norm,
                                PatternRewriter &rewriter) const override {
    std::string reason;
    std::optional<Match> m = matchResidualNorm(norm, normParams(norm), reason);
    if (!m)
      return rewriter.notifyMatchFailure(norm, reason);
    AddOp add = m->add;
    SmallVector<Operation *> chain{add};
    if (m->slice)
      chain.push_back(m->slice);
    chain.push_back(norm);
    Location loc = chainLoc(rewriter, chain);
    rewriter.setInsertionPoint(m->insertAt);
    Value lhs = add.getLhs(), rhs = add.getRhs();
    if (m->slice) {
      lhs = sliceOf(rewriter, m->slice, lhs);
      rhs = sliceOf(rewriter, m->slice, rhs);
    }
    auto fused = buildFused(rewriter, loc, norm, lhs, rhs);
    report.fused(norm.getLoc(), kPattern);
    rewriter.replaceOp(norm, fused.getNormalized());
    if (m->slice) {
      rewriter.replaceOp(m->slice, fused.getSum());
      // The operands have the sum's type, hence its sizes.
      for (Operation *user : llvm::make_early_inc_range(add->getUsers()))
        rewriter.modifyOpInPlace(user, [&] {
          cast<tensor::DimOp>(user).getSourceMutable().assign(add.getLhs());
        });
      rewriter.eraseOp(add);
    } else {
      rewriter.replaceOp(add, fused.getSum());
    }
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
      if (!matchResidualNorm(norm, normParams(norm), reason) && !reason.empty())
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
