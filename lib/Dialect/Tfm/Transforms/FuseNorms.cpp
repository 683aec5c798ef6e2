//===- FuseNorms.cpp - the tfm-fuse-norms pass ----------------------------===//
//
// Raises the chains torch exports write for LayerNorm (opsets < 17) and
// RMSNorm to tfm.layer_norm and tfm.rms_norm:
//
//   m = reduce_mean(x, last)         v = reduce_mean(x^2, last)
//   d = x - m                        n = x / sqrt(v + eps)
//   v = reduce_mean(d^2, last)       [n * scale]
//   n = d / sqrt(v + eps)
//   [n * scale] [+ bias]
//
// `y / s` may also be `y * reciprocal(s)` or `y * (1 / s)` (torch.rsqrt),
// `d^2` may be `d * d`, and adds and muls take their operands in either
// order. Matching starts at an anchor (the mean subtracted from its input
// for LayerNorm, the mean of a square for RMSNorm) and walks down the chain;
// the same matcher explains the near misses left after rewriting.
//
//===----------------------------------------------------------------------===//

#include "FusionMatchers.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMFUSENORMS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;
using namespace mlir::tfm::fusion;

namespace {

constexpr StringLiteral kLayerNorm = "layer_norm";
constexpr StringLiteral kRMSNorm = "rms_norm";

/// A matched normalization chain.
struct NormChain {
  Value input;
  Value scale; // null: none
  Value bias;  // null: none (LayerNorm only)
  double epsilon = 0;
  SmallVector<Operation *> ops; // in chain order; the last one is replaced
  Operation *root() const { return ops.back(); }
};

/// Matches `sqrt(variance + eps)` dividing `y` (`y / s`, `y * reciprocal(s)`
/// or `y * (1 / s)`), starting at `variance`. Appends the ops to `chain` and
/// returns the op whose result is the normalized value, or null with
/// `reason` set.
Operation *matchNormalize(Value variance, Value y, NormChain &chain,
                          std::string &reason) {
  Operation *next = chainUser(variance, "the variance", reason);
  if (!next)
    return nullptr;
  auto add = dyn_cast<AddOp>(next);
  if (!add) {
    reason = "the variance is not followed by an epsilon add";
    return nullptr;
  }
  Value epsValue = otherOperand(add, variance);
  std::optional<double> eps = getScalarConstant(epsValue);
  if (!eps || !keepsType(add, variance)) {
    reason = "epsilon is not a constant";
    return nullptr;
  }
  if (!(*eps > 0.0) || !std::isfinite(*eps)) {
    reason = "epsilon " + formatConstant(*eps) + " is not positive";
    return nullptr;
  }
  chain.epsilon = *eps;
  chain.ops.push_back(add);

  next = chainUser(add.getResult(), "variance plus epsilon", reason);
  if (!next)
    return nullptr;
  auto sqrt = dyn_cast<SqrtOp>(next);
  if (!sqrt) {
    reason = "variance plus epsilon is not square-rooted";
    return nullptr;
  }
  chain.ops.push_back(sqrt);

  Operation *user =
      chainUser(sqrt.getResult(), "the standard deviation", reason);
  if (!user)
    return nullptr;
  // y / s
  if (auto div = dyn_cast<DivOp>(user)) {
    if (div.getRhs() == sqrt.getResult() && div.getLhs() == y &&
        keepsType(div, y)) {
      chain.ops.push_back(div);
      return div;
    }
    // 1 / s, then y * (1 / s)
    if (div.getRhs() == sqrt.getResult() && isConstantNear(div.getLhs(), 1.0))
      user = div;
    else
      user = nullptr;
  } else if (!isa<ReciprocalOp>(user)) {
    user = nullptr;
  }
  if (user) {
    Value inv = user->getResult(0);
    Operation *next =
        chainUser(inv, "the reciprocal standard deviation", reason);
    if (!next)
      return nullptr;
    auto mul = dyn_cast<MulOp>(next);
    if (mul && otherOperand(mul, inv) == y && keepsType(mul, y)) {
      chain.ops.push_back(user);
      chain.ops.push_back(mul);
      return mul;
    }
  }
  reason = "the standard deviation does not divide the normalized input";
  return nullptr;
}

/// Extends `chain` (ending in the normalized value) by a multiplication with
/// a per-feature scale and, with `withBias`, an addition of a per-feature
/// bias. Both must be parameters (weights or constants).
void matchAffine(NormChain &chain, bool withBias) {
  auto type = cast<RankedTensorType>(chain.input.getType());
  auto accept = [&](Operation *op, Value v) {
    Value current = chain.root()->getResult(0);
    return isFeatureVector(v, type) && isParameter(v) && keepsType(op, current);
  };
  // Identity casts (transformers' `.to(input_dtype)` in a float32 model)
  // are part of the chain, whatever order the rewriter folds them in.
  auto skipIdentityCasts = [&] {
    Value current = chain.root()->getResult(0);
    while (auto castOp = dyn_cast_or_null<CastOp>(soleUser(current))) {
      if (castOp.getType() != current.getType())
        break;
      chain.ops.push_back(castOp);
      current = castOp.getResult();
    }
    return current;
  };
  Value current = skipIdentityCasts();
  if (auto mul = dyn_cast_or_null<MulOp>(soleUser(current))) {
    Value scale = otherOperand(mul, current);
    if (accept(mul, scale)) {
      chain.scale = scale;
      chain.ops.push_back(mul);
      current = mul.getResult();
    }
  }
  if (!withBias)
    return;
  current = skipIdentityCasts();
  if (auto add = dyn_cast_or_null<AddOp>(soleUser(current))) {
    Value bias = otherOperand(add, current);
    if (accept(add, bias)) {
      chain.bias = bias;
      chain.ops.push_back(add);
    }
  }
}

/// `sub(x, mean)` among the users of `mean`, where `mean` reduces x.
SubOp centeringSub(ReduceMeanOp mean) {
  for (Operation *user : mean.getResult().getUsers())
    if (auto sub = dyn_cast<SubOp>(user))
      if (sub.getLhs() == mean.getInput() && sub.getRhs() == mean.getResult())
        return sub;
  return nullptr;
}

/// LayerNorm, anchored at the mean that is subtracted from its input.
/// Returns failure with an empty `reason` when `mean` is no anchor.
LogicalResult matchLayerNorm(ReduceMeanOp mean, NormChain &chain,
                             std::string &reason) {
  SubOp sub = centeringSub(mean);
  if (!sub)
    return failure();
  if (!reducesLastAxisKeepingIt(mean, reason))
    return failure();
  if (!onlyUsedBy(mean.getResult(), sub)) {
    reason = "intermediate value (the mean) has other users";
    return failure();
  }
  Value x = mean.getInput(), d = sub.getResult();
  chain.input = x;
  chain.ops = {mean, sub};
  if (!keepsType(sub, x)) {
    reason = "the centered input has another type than the input";
    return failure();
  }

  llvm::SetVector<Operation *> users;
  for (Operation *user : d.getUsers())
    users.insert(user);
  Operation *square = nullptr;
  for (Operation *user : users)
    if (matchSquare(user) == d)
      square = user;
  if (!square) {
    reason = "the centered input is not squared";
    return failure();
  }
  chain.ops.push_back(square);
  Operation *next = chainUser(square->getResult(0), "the square", reason);
  if (!next)
    return failure();
  auto variance = dyn_cast<ReduceMeanOp>(next);
  if (!variance) {
    reason = "the squared centered input is not averaged";
    return failure();
  }
  std::string why;
  if (!reducesLastAxisKeepingIt(variance, why)) {
    reason = "variance " + why;
    return failure();
  }
  chain.ops.push_back(variance);
  Operation *normalized =
      matchNormalize(variance.getResult(), d, chain, reason);
  if (!normalized)
    return failure();
  if (users.size() != 2) {
    reason = "intermediate value (the centered input) has other users";
    return failure();
  }
  matchAffine(chain, /*withBias=*/true);
  return success();
}

/// RMSNorm, anchored at the mean of a square. The variance mean of a
/// LayerNorm (the mean of a centered square) is no anchor: LayerNorm
/// explains it.
LogicalResult matchRMSNorm(ReduceMeanOp variance, NormChain &chain,
                           std::string &reason) {
  Operation *square = variance.getInput().getDefiningOp();
  Value x = matchSquare(square);
  if (!x)
    return failure();
  if (auto sub = x.getDefiningOp<SubOp>())
    if (auto mean = sub.getRhs().getDefiningOp<ReduceMeanOp>())
      if (mean.getInput() == sub.getLhs())
        return failure();
  if (!reducesLastAxisKeepingIt(variance, reason))
    return failure();
  if (!onlyUsedBy(square->getResult(0), variance)) {
    reason = "intermediate value (the square) has other users";
    return failure();
  }
  chain.input = x;
  chain.ops = {square, variance};
  if (!matchNormalize(variance.getResult(), x, chain, reason))
    return failure();
  matchAffine(chain, /*withBias=*/false);
  return success();
}

/// The scale and bias operands of the fused op: rank 1, ones for a missing
/// scale. Returns failure when a ones scale cannot be built (dynamic width).
LogicalResult normParams(PatternRewriter &rewriter, Location loc,
                         const NormChain &chain, Value &scale, Value &bias) {
  auto type = cast<RankedTensorType>(chain.input.getType());
  if (chain.scale) {
    scale = asRank1(rewriter, loc, chain.scale);
  } else {
    int64_t width = type.getShape().back();
    if (ShapedType::isDynamic(width))
      return failure();
    scale = splatVector(rewriter, loc, width, type.getElementType(), 1.0);
  }
  if (chain.bias)
    bias = asRank1(rewriter, loc, chain.bias);
  return success();
}

/// Why a matched chain cannot be rewritten, or "" when it can.
std::string rewriteBlocker(const NormChain &chain) {
  auto type = cast<RankedTensorType>(chain.input.getType());
  if (chain.root()->getResult(0).getType() != type)
    return "the result type differs from the input type";
  if (!chain.scale && ShapedType::isDynamic(type.getShape().back()))
    return "no scale and the normalized dimension is dynamic";
  return "";
}

template <bool IsLayerNorm> struct FuseNorm : OpRewritePattern<ReduceMeanOp> {
  FuseNorm(MLIRContext *ctx, FusionReport &report)
      : OpRewritePattern(ctx), report(report) {}

  LogicalResult matchAndRewrite(ReduceMeanOp anchor,
                                PatternRewriter &rewriter) const override {
    NormChain chain;
    std::string reason;
    if (failed(IsLayerNorm ? matchLayerNorm(anchor, chain, reason)
                           : matchRMSNorm(anchor, chain, reason)))
      return rewriter.notifyMatchFailure(anchor, reason);
    if (!rewriteBlocker(chain).empty())
      return rewriter.notifyMatchFailure(anchor, rewriteBlocker(chain));

    Operation *root = chain.root();
    Location loc = chainLoc(rewriter, chain.ops);
    rewriter.setInsertionPoint(root);
    Value scale, bias;
    if (failed(normParams(rewriter, loc, chain, scale, bias)))
      return failure();
    FloatAttr eps = rewriter.getF32FloatAttr(chain.epsilon);
    Type type = chain.input.getType();
    Operation *fused;
    if (IsLayerNorm)
      fused = LayerNormOp::create(rewriter, loc, type, chain.input, scale, bias,
                                  eps);
    else
      fused = RMSNormOp::create(rewriter, loc, type, chain.input, scale, eps);
    report.fused(anchor.getLoc(), IsLayerNorm ? kLayerNorm : kRMSNorm);
    rewriter.replaceOp(root, fused->getResults());
    return success();
  }

  FusionReport &report;
};

struct FuseNormsPass : tfm::impl::TfmFuseNormsBase<FuseNormsPass> {
  using Base::Base;

  void runOnOperation() override {
    FusionReport fusion(this->report);
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseNorm<true>, FuseNorm<false>>(&getContext(), fusion);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    // Near misses: the anchors left after rewriting, in IR order.
    getOperation()->walk([&](ReduceMeanOp mean) {
      NormChain chain;
      std::string reason;
      StringRef pattern = kLayerNorm;
      LogicalResult matched = matchLayerNorm(mean, chain, reason);
      if (failed(matched) && reason.empty()) {
        pattern = kRMSNorm;
        chain = NormChain();
        matched = matchRMSNorm(mean, chain, reason);
      }
      if (succeeded(matched))
        reason = rewriteBlocker(chain);
      if (!reason.empty())
        fusion.nearMiss(mean.getLoc(), pattern, reason);
    });
    numFused = fusion.numFused();
    numNearMisses = fusion.numNearMisses();
  }
};

} // namespace
