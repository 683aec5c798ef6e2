//===- FuseActivations.cpp - the tfm-fuse-activations pass ----------------===//
//
// Raises the activation chains torch exports write to tfm.gelu, tfm.silu and
// tfm.swiglu:
//
//   gelu (none): 0.5 * x * (1 + erf(x / sqrt(2)))       [or x * (1/sqrt(2))]
//   gelu (tanh): 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
//                                         [x^3: pow(x, 3) or x * (x * x)]
//   silu:        x * sigmoid(x)
//   swiglu:      silu(gate) * up
//
// The final product of x, 0.5 (or a division by 2) and (1 + erf/tanh) may
// be associated in any way, and adds and muls take their operands in either
// order. Each pattern starts at an anchor (tfm.erf, tfm.tanh, tfm.sigmoid,
// a tfm.silu with a mul user) and walks down the chain; the same matcher
// explains the near misses left after rewriting.
//
//===----------------------------------------------------------------------===//

#include "FusionMatchers.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/Support/MathExtras.h"

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMFUSEACTIVATIONS
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;
using namespace mlir::tfm::fusion;

namespace {

constexpr StringLiteral kGelu = "gelu";
constexpr StringLiteral kSilu = "silu";
constexpr StringLiteral kSwiGLU = "swiglu";

constexpr double kSqrt2 = llvm::numbers::sqrt2;
constexpr double kSqrt2OverPi = 0.79788456080286535588; // sqrt(2 / pi)
constexpr double kGeluCubic = 0.044715;

/// A matched activation chain: `input` is x (gate for swiglu), `up` the
/// second swiglu operand.
struct ActChain {
  Value input;
  Value up;
  SmallVector<Operation *> ops; // in chain order; the last one is replaced
  Operation *root() const { return ops.back(); }
};

/// For `op = c * v`, `v * c` (or, with `divisor`, `v / c'`) where c is a
/// scalar constant: returns v and sets `factor` to the multiplier (1/c' for a
/// division). Null when `op` is not such a scaling.
Value matchScaling(Operation *op, double &factor) {
  if (auto mul = dyn_cast_or_null<MulOp>(op)) {
    for (auto [c, v] : {std::pair(mul.getRhs(), mul.getLhs()),
                        std::pair(mul.getLhs(), mul.getRhs())})
      if (std::optional<double> k = getScalarConstant(c))
        if (keepsType(mul, v)) {
          factor = *k;
          return v;
        }
  }
  if (auto div = dyn_cast_or_null<DivOp>(op))
    if (std::optional<double> k = getScalarConstant(div.getRhs()))
      if (keepsType(div, div.getLhs()) && *k != 0.0) {
        factor = 1.0 / *k;
        return div.getLhs();
      }
  return nullptr;
}

/// The tolerance for the constants of the scaling `op`.
double tolerance(Operation *op) {
  return constantTolerance(getElementTypeOrSelf(op->getResult(0)));
}

/// Whether `op` halves `v` (`v * 0.5`, `0.5 * v` or `v / 2`). Sets `reason`
/// when `op` scales `v` by another constant.
bool isHalving(Operation *op, Value v, std::string &reason) {
  double factor;
  if (matchScaling(op, factor) != v)
    return false;
  if (approxEqual(factor, 0.5, tolerance(op)))
    return true;
  reason = "GELU constant " + formatConstant(factor) + " is not 0.5";
  return false;
}

/// The common tail of both GELU forms, from `t` = erf(...) or tanh(...):
/// `0.5 * x * (1 + t)` in any association.
LogicalResult matchGeluTail(Value t, Value x, ActChain &chain,
                            std::string &reason) {
  Operation *next = chainUser(t, "the erf/tanh", reason);
  if (!next)
    return failure();
  auto plus = dyn_cast<AddOp>(next);
  Value one = plus ? otherOperand(plus, t) : Value();
  if (!plus || !keepsType(plus, t) || !getScalarConstant(one)) {
    reason = "erf/tanh result is not incremented by a constant";
    return failure();
  }
  if (!isConstantNear(one, 1.0)) {
    reason = "GELU constant " + formatConstant(*getScalarConstant(one)) +
             " is not 1";
    return failure();
  }
  chain.ops.push_back(plus);
  Value a = plus.getResult();

  next = chainUser(a, "1 + erf/tanh", reason);
  if (!next)
    return failure();
  auto mul = dyn_cast<MulOp>(next);
  Value other = mul ? otherOperand(mul, a) : Value();
  if (!mul) {
    reason = "1 + erf/tanh is not multiplied by x";
    return failure();
  }
  chain.ops.push_back(mul);
  std::string why;
  // (1 + t) * (x * 0.5)
  if (Operation *half = other.getDefiningOp())
    if (isHalving(half, x, why)) {
      if (!onlyUsedBy(other, mul)) {
        reason = "intermediate value (x / 2) has other users";
        return failure();
      }
      chain.ops.insert(chain.ops.end() - 1, half);
      return success();
    }
  // ((1 + t) * x) * 0.5 or ((1 + t) * 0.5) * x
  double factor;
  bool timesX = other == x;
  bool timesHalf = !timesX && matchScaling(mul, factor) == a;
  if (timesHalf && !approxEqual(factor, 0.5, tolerance(mul))) {
    reason = "GELU constant " + formatConstant(factor) + " is not 0.5";
    return failure();
  }
  if (!timesX && !timesHalf) {
    reason = why.empty() ? "1 + erf/tanh is not multiplied by x" : why;
    return failure();
  }
  Value product = mul.getResult();
  next = chainUser(product, "the GELU product", reason);
  if (!next)
    return failure();
  bool ok = timesX ? isHalving(next, product, why)
                   : (isa<MulOp>(next) &&
                      otherOperand(cast<MulOp>(next), product) == x);
  if (!ok) {
    reason = !why.empty() ? why
             : timesX     ? "x * (1 + erf/tanh) is not halved"
                          : "0.5 * (1 + erf/tanh) is not multiplied by x";
    return failure();
  }
  chain.ops.push_back(next);
  return success();
}

/// GELU (none), anchored at tfm.erf.
LogicalResult matchGeluErf(ErfOp erf, ActChain &chain, std::string &reason) {
  Operation *scale = erf.getInput().getDefiningOp();
  double factor;
  Value x = matchScaling(scale, factor);
  if (!x) {
    reason = "erf argument is not x / sqrt(2)";
    return failure();
  }
  if (!approxEqual(factor, 1.0 / kSqrt2, tolerance(scale))) {
    reason =
        isa<DivOp>(scale)
            ? "GELU constant " + formatConstant(1.0 / factor) +
                  " is not sqrt(2)"
            : "GELU constant " + formatConstant(factor) + " is not 1/sqrt(2)";
    return failure();
  }
  if (!onlyUsedBy(erf.getInput(), erf)) {
    reason = "intermediate value (x / sqrt(2)) has other users";
    return failure();
  }
  chain.input = x;
  chain.ops = {scale, erf};
  return matchGeluTail(erf.getResult(), x, chain, reason);
}

/// `pow(x, 3)`, `x * (x * x)` or `(x * x) * x`: returns x and appends the
/// ops to `ops`, or null.
Value matchCube(Operation *op, SmallVectorImpl<Operation *> &ops) {
  if (auto pow = dyn_cast_or_null<PowOp>(op))
    if (isConstantNear(pow.getRhs(), 3.0) && keepsType(pow, pow.getLhs())) {
      ops.push_back(pow);
      return pow.getLhs();
    }
  auto mul = dyn_cast_or_null<MulOp>(op);
  if (!mul)
    return nullptr;
  for (auto [sq, x] : {std::pair(mul.getLhs(), mul.getRhs()),
                       std::pair(mul.getRhs(), mul.getLhs())}) {
    Operation *sqOp = sq.getDefiningOp();
    if (sqOp && matchSquare(sqOp) == x && isa<MulOp>(sqOp) &&
        onlyUsedBy(sq, mul)) {
      ops.append({sqOp, mul});
      return x;
    }
  }
  return nullptr;
}

/// GELU (tanh), anchored at tfm.tanh.
LogicalResult matchGeluTanh(TanhOp th, ActChain &chain, std::string &reason) {
  const char *form = "tanh argument is not sqrt(2/pi) * (x + 0.044715 * x^3)";
  Operation *outer = th.getInput().getDefiningOp();
  double factor;
  Value inner = matchScaling(outer, factor);
  if (!inner) {
    reason = form;
    return failure();
  }
  if (!approxEqual(factor, kSqrt2OverPi, tolerance(outer))) {
    reason = "GELU constant " + formatConstant(factor) + " is not sqrt(2/pi)";
    return failure();
  }
  auto add = inner.getDefiningOp<AddOp>();
  if (!add) {
    reason = form;
    return failure();
  }
  // x + c * x^3, either order.
  for (auto [x, term] : {std::pair(add.getLhs(), add.getRhs()),
                         std::pair(add.getRhs(), add.getLhs())}) {
    Operation *termOp = term.getDefiningOp();
    double c;
    Value cube = matchScaling(termOp, c);
    SmallVector<Operation *> cubeOps;
    if (!cube || matchCube(cube.getDefiningOp(), cubeOps) != x)
      continue;
    if (!approxEqual(c, kGeluCubic, tolerance(termOp))) {
      reason = "GELU constant " + formatConstant(c) + " is not 0.044715";
      return failure();
    }
    if (!keepsType(add, x) || !keepsType(termOp, x)) {
      reason = form;
      return failure();
    }
    struct Use {
      Value value;
      Operation *user;
      const char *what;
    };
    for (Use use : {Use{cube, termOp, "x^3"}, Use{term, add, "0.044715 * x^3"},
                    Use{inner, outer, "x + 0.044715 * x^3"},
                    Use{th.getInput(), th, "the tanh argument"}})
      if (!onlyUsedBy(use.value, use.user)) {
        reason = std::string("intermediate value (") + use.what +
                 ") has other users";
        return failure();
      }
    chain.input = x;
    chain.ops = cubeOps;
    chain.ops.append({termOp, add, outer, th});
    return matchGeluTail(th.getResult(), x, chain, reason);
  }
  reason = form;
  return failure();
}

/// SiLU, anchored at tfm.sigmoid.
LogicalResult matchSilu(SigmoidOp sigmoid, ActChain &chain,
                        std::string &reason) {
  Value s = sigmoid.getResult(), x = sigmoid.getInput();
  Operation *next = chainUser(s, "the sigmoid", reason);
  if (!next)
    return failure();
  auto mul = dyn_cast<MulOp>(next);
  if (!mul || otherOperand(mul, s) != x || !keepsType(mul, x)) {
    reason = "sigmoid(x) is not multiplied by x";
    return failure();
  }
  chain.input = x;
  chain.ops = {sigmoid, mul};
  return success();
}

/// SwiGLU, anchored at a tfm.silu with a mul user.
LogicalResult matchSwiGLU(SiluOp silu, ActChain &chain, std::string &reason) {
  Value s = silu.getResult();
  if (!llvm::any_of(s.getUsers(), [](Operation *u) { return isa<MulOp>(u); }))
    return failure();
  Operation *next = chainUser(s, "the silu", reason);
  if (!next)
    return failure();
  auto mul = cast<MulOp>(next);
  Value up = otherOperand(mul, s);
  if (up.getType() != s.getType() || mul.getType() != s.getType()) {
    reason = "gate and up have different types (broadcast)";
    return failure();
  }
  chain.input = silu.getInput();
  chain.up = up;
  chain.ops = {silu, mul};
  return success();
}

template <typename AnchorOp>
LogicalResult matchAnchor(AnchorOp anchor, ActChain &chain,
                          std::string &reason) {
  if constexpr (std::is_same_v<AnchorOp, ErfOp>)
    return matchGeluErf(anchor, chain, reason);
  else if constexpr (std::is_same_v<AnchorOp, TanhOp>)
    return matchGeluTanh(anchor, chain, reason);
  else if constexpr (std::is_same_v<AnchorOp, SigmoidOp>)
    return matchSilu(anchor, chain, reason);
  else
    return matchSwiGLU(anchor, chain, reason);
}

template <typename AnchorOp> StringRef patternName() {
  if constexpr (std::is_same_v<AnchorOp, SigmoidOp>)
    return kSilu;
  else if constexpr (std::is_same_v<AnchorOp, SiluOp>)
    return kSwiGLU;
  else
    return kGelu;
}

/// The result type must be the input's: a broadcast somewhere in the chain
/// (e.g. against a constant of higher rank) would change it.
bool typesAgree(const ActChain &chain) {
  return chain.root()->getResult(0).getType() == chain.input.getType();
}

template <typename AnchorOp>
struct FuseActivation : OpRewritePattern<AnchorOp> {
  FuseActivation(MLIRContext *ctx, FusionReport &report)
      : OpRewritePattern<AnchorOp>(ctx), report(report) {}

  LogicalResult matchAndRewrite(AnchorOp anchor,
                                PatternRewriter &rewriter) const override {
    ActChain chain;
    std::string reason;
    if (failed(matchAnchor(anchor, chain, reason)))
      return rewriter.notifyMatchFailure(anchor, reason);
    if (!typesAgree(chain))
      return rewriter.notifyMatchFailure(anchor, "types differ");
    Operation *root = chain.root();
    Location loc = chainLoc(rewriter, chain.ops);
    rewriter.setInsertionPoint(root);
    Type type = chain.input.getType();
    Value fused;
    if constexpr (std::is_same_v<AnchorOp, ErfOp>)
      fused = GeluOp::create(rewriter, loc, type, chain.input,
                             GeluApproximation::None);
    else if constexpr (std::is_same_v<AnchorOp, TanhOp>)
      fused = GeluOp::create(rewriter, loc, type, chain.input,
                             GeluApproximation::Tanh);
    else if constexpr (std::is_same_v<AnchorOp, SigmoidOp>)
      fused = SiluOp::create(rewriter, loc, type, chain.input);
    else
      fused = SwiGLUOp::create(rewriter, loc, type, chain.input, chain.up);
    report.fused(anchor.getLoc(), patternName<AnchorOp>());
    rewriter.replaceOp(root, fused);
    return success();
  }

  FusionReport &report;
};

template <typename AnchorOp>
void reportNearMisses(Operation *root, FusionReport &report) {
  root->walk([&](AnchorOp anchor) {
    ActChain chain;
    std::string reason;
    if (succeeded(matchAnchor(anchor, chain, reason)) && !typesAgree(chain))
      reason = "the result type differs from the input type";
    if (!reason.empty())
      report.nearMiss(anchor.getLoc(), patternName<AnchorOp>(), reason);
  });
}

struct FuseActivationsPass
    : tfm::impl::TfmFuseActivationsBase<FuseActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    FusionReport fusion(this->report);
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseActivation<ErfOp>, FuseActivation<TanhOp>,
                 FuseActivation<SigmoidOp>, FuseActivation<SiluOp>>(
        &getContext(), fusion);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    Operation *op = getOperation();
    reportNearMisses<ErfOp>(op, fusion);
    reportNearMisses<TanhOp>(op, fusion);
    reportNearMisses<SigmoidOp>(op, fusion);
    reportNearMisses<SiluOp>(op, fusion);
    numFused = fusion.numFused();
    numNearMisses = fusion.numNearMisses();
  }
};

} // namespace
