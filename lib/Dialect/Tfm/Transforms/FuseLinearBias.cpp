//===- FuseLinearBias.cpp - the tfm-fuse-linear-bias pass -----------------===//
//
// `add(linear(x, w), b)` (either operand order) becomes `linear(x, w, b)`
// when the linear has no bias and no other user, and b is a parameter (a
// tfm.weight, a constant, or computed from those only) with the shape of a
// vector over the N output features: `[N]` or `[1, ..., 1, N]`. The bias is
// then added in the matmul kernel's epilogue instead of by a separate pass
// over the result. Torch exports write nn.Linear without Gemm this way
// (`MatMul` then `Add(bias, ...)`).
//
// The anchor is a tfm.add of a tfm.linear's result and a parameter or a
// bias-shaped value (not a residual add); those left after rewriting are
// reported as near misses.
//
//===----------------------------------------------------------------------===//

#include "FusionMatchers.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMFUSELINEARBIAS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;
using namespace mlir::tfm::fusion;

namespace {

constexpr StringLiteral kPattern = "linear_bias";

struct BiasMatch {
  LinearOp linear;
  Value bias;
};

/// Matches `add` as the bias addition of the linear defining `operand`. The
/// add is an anchor (a candidate worth a near miss) when the other operand
/// is a parameter or has the shape of a bias; a residual add (an activation
/// of the result's shape) is none and fails with an empty `reason`.
LogicalResult matchOperand(AddOp add, Value operand, BiasMatch &match,
                           std::string &reason) {
  auto linear = operand.getDefiningOp<LinearOp>();
  if (!linear)
    return failure();
  Value bias = otherOperand(add, operand);
  bool vector =
      isFeatureVector(bias, linear.getType()) && keepsType(add, operand);
  bool parameter = isParameter(bias);
  if (!vector && !parameter)
    return failure();
  if (linear.getBias()) {
    reason = "the linear already has a bias";
    return failure();
  }
  if (!onlyUsedBy(operand, add)) {
    reason = "intermediate value (the linear's result) has other users";
    return failure();
  }
  if (!vector) {
    std::string shape;
    llvm::raw_string_ostream os(shape);
    os << bias.getType();
    reason = "the added value (" + shape + ") is not a vector over the " +
             std::to_string(linear.getOutFeatures()) + " output features";
    return failure();
  }
  if (!parameter) {
    reason = "the bias is not a weight or constant";
    return failure();
  }
  match = {linear, bias};
  return success();
}

/// Returns failure with an empty `reason` when `add` reads no linear.
LogicalResult matchLinearBias(AddOp add, BiasMatch &match,
                              std::string &reason) {
  std::string first;
  if (succeeded(matchOperand(add, add.getLhs(), match, first)))
    return success();
  if (succeeded(matchOperand(add, add.getRhs(), match, reason)))
    return success();
  // Report the lhs linear's reason when both operands are linears.
  if (!first.empty())
    reason = first;
  return failure();
}

struct FuseBias : OpRewritePattern<AddOp> {
  FuseBias(MLIRContext *ctx, FusionReport &report)
      : OpRewritePattern(ctx), report(report) {}

  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    BiasMatch match;
    std::string reason;
    if (failed(matchLinearBias(add, match, reason)))
      return rewriter.notifyMatchFailure(add, reason);
    LinearOp linear = match.linear;
    Location loc = chainLoc(rewriter, {linear, add});
    rewriter.setInsertionPoint(add);
    Value bias = asRank1(rewriter, loc, match.bias);
    auto fused = LinearOp::create(rewriter, loc, add.getType(),
                                  linear.getInput(), linear.getWeight(), bias,
                                  linear.getWeightLayoutAttr());
    report.fused(add.getLoc(), kPattern);
    rewriter.replaceOp(add, fused.getResult());
    rewriter.eraseOp(linear);
    return success();
  }

  FusionReport &report;
};

struct FuseLinearBiasPass
    : tfm::impl::TfmFuseLinearBiasBase<FuseLinearBiasPass> {
  using Base::Base;

  void runOnOperation() override {
    FusionReport fusion(this->report);
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseBias>(&getContext(), fusion);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    getOperation()->walk([&](AddOp add) {
      BiasMatch match;
      std::string reason;
      if (failed(matchLinearBias(add, match, reason)) && !reason.empty())
        fusion.nearMiss(add.getLoc(), kPattern, reason);
    });
    numFused = fusion.numFused();
    numNearMisses = fusion.numNearMisses();
  }
};

} // namespace
