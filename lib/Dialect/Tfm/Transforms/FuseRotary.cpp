//===- FuseRotary.cpp - the tfm-fuse-rotary pass --------------------------===//
//
// Raises HF's rotary embedding, as exporters write it,
//
//   freqs = outer(positions, inv_freq)        (matmul, or a broadcast mul)
//   emb   = concat(freqs, freqs, axis = -1)
//   y     = x * cos(emb) + concat(-x[..., d/2:], x[..., :d/2]) * sin(emb)
//
// to `tfm.rotary` when inv_freq is a constant equal to theta^(-2i/d) for one
// theta and the positions are an integer tensor converted to float. x is
// [1?, heads, seq, d] (LLaMA) or [1?, seq, heads, d]; the op works on
// [seq, heads, d], so the rewrite reshapes/transposes around it (reading
// through the head-split transpose when x is one, so that the attention
// fusion sees one layout chain).
//
//===----------------------------------------------------------------------===//

#include "AttentionMatchers.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMFUSEROTARY
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;
using namespace mlir::tfm::match;

namespace {

constexpr StringLiteral kPattern = "rotary";

struct RotaryMatch {
  Value x;         // the rotated tensor
  bool headsFirst; // x is [1?, H, S, D] rather than [1?, S, H, D]
  Value positions; // integer tensor with S elements
  double theta;
  // Partial rotary: x has more features than the rotated ones, which end
  // at rotaryDim, and `replace` (the concat with the pass-through features)
  // is the op to replace.
  std::optional<int64_t> rotaryDim;
  Operation *replace = nullptr;
};

/// `v` without reshapes around it (they keep the row-major element order).
Value peelReshapes(Value v) {
  while (Operation *op = skipIdentityOps(v).getDefiningOp()) {
    if (!isa<ReshapeOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op))
      break;
    v = op->getOperand(0);
  }
  return skipIdentityOps(v);
}

RankedTensorType ttype(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

/// True when `v` is a slice of `x` that keeps every dimension whole except
/// the last, of which it takes [offset, offset + size).
bool isLastDimSlice(Value v, Value x, int64_t offset, int64_t size) {
  auto s = v.getDefiningOp<tensor::ExtractSliceOp>();
  if (!s || s.getSource() != x)
    return false;
  int64_t rank = ttype(x).getRank();
  if (s.getType().getRank() != rank)
    return false;
  auto offsets = s.getMixedOffsets(), sizes = s.getMixedSizes(),
       strides = s.getMixedStrides();
  for (int64_t d = 0; d < rank; ++d) {
    auto off = constantIndex(offsets[d]), stride = constantIndex(strides[d]);
    if (!off || !stride || *stride != 1)
      return false;
    if (d == rank - 1) {
      auto sz = constantIndex(sizes[d]);
      if (*off != offset || !sz || *sz != size)
        return false;
    } else if (*off != 0 || !isWholeDim(sizes[d], x, d)) {
      return false;
    }
  }
  return true;
}

/// The float positions operand of the outer product: an integer tensor
/// converted to float, behind reshapes.
Value integerPositions(Value v) {
  v = peelReshapes(v);
  while (auto t = v.getDefiningOp<TransposeOp>()) {
    if (squeezedShape(t.getType().getShape()).size() > 1)
      return {};
    v = peelReshapes(t.getInput());
  }
  // f32 holds every position below 2^24 exactly (f16 would not).
  auto cast = v.getDefiningOp<CastOp>();
  if (!cast || !ttype(cast.getResult()).getElementType().isF32())
    return {};
  Value p = peelReshapes(cast.getInput());
  Type elt = ttype(p).getElementType();
  if (!elt.isInteger(32) && !elt.isInteger(64))
    return {};
  return p;
}

/// Reads `f`, logically [seq, n] (up to unit dimensions), as
/// outer(positions, inv_freq).
LogicalResult matchFrequencies(Value f, int64_t n, SmallVector<double> &inv,
                               Value &positions, std::string &why) {
  why = "the angle table is not outer(positions, inv_freq)";
  f = peelReshapes(f);
  bool invRows = false; // the table is built [n, seq] and transposed
  if (auto t = f.getDefiningOp<TransposeOp>()) {
    // The two non-unit dimensions swap places.
    SmallVector<int64_t> moved;
    for (auto [i, p] : llvm::enumerate(t.getPermutation()))
      if (t.getType().getDimSize(i) != 1)
        moved.push_back(p);
    if (moved.size() != 2 || moved[0] < moved[1])
      return failure();
    invRows = true;
    f = peelReshapes(t.getInput());
  }
  auto ft = ttype(f);
  if (!ft || ft.getRank() < 2)
    return failure();
  int64_t rank = ft.getRank();
  Value rows, cols;
  if (auto m = f.getDefiningOp<MatmulOp>()) {
    // [.., M, 1] x [.., 1, N] is the outer product of two vectors.
    auto lt = ttype(m.getLhs()), rt = ttype(m.getRhs());
    if (lt.getDimSize(lt.getRank() - 1) != 1 ||
        rt.getDimSize(rt.getRank() - 2) != 1)
      return failure();
    for (auto t : {lt, rt})
      for (int64_t d = 0; d < t.getRank() - 2; ++d)
        if (t.getDimSize(d) != 1)
          return failure();
    rows = m.getLhs();
    cols = m.getRhs();
  } else if (auto m = f.getDefiningOp<MulOp>()) {
    // A broadcast product of a column and a row.
    auto axisOf = [&](Value v) -> int64_t {
      auto t = ttype(v);
      int64_t found = -1;
      for (int64_t d = 0; d < t.getRank(); ++d) {
        if (t.getDimSize(d) == 1)
          continue;
        if (found >= 0)
          return -2;
        found = d + (rank - t.getRank());
      }
      return found;
    };
    int64_t a0 = axisOf(m.getLhs()), a1 = axisOf(m.getRhs());
    if (a0 == rank - 2 && a1 == rank - 1) {
      rows = m.getLhs();
      cols = m.getRhs();
    } else if (a0 == rank - 1 && a1 == rank - 2) {
      rows = m.getRhs();
      cols = m.getLhs();
    } else {
      return failure();
    }
  } else {
    return failure();
  }
  Value invV = invRows ? rows : cols, posV = invRows ? cols : rows;
  auto values = floatElements(invV);
  positions = integerPositions(posV);
  if (!values || !positions) {
    why = !values ? "inv_freq is not a constant"
                  : "positions are not an integer tensor converted to float";
    return failure();
  }
  if (static_cast<int64_t>(values->size()) != n) {
    why = "inv_freq has " + std::to_string(values->size()) +
          " entries, expected head_dim / 2 = " + std::to_string(n);
    return failure();
  }
  inv = std::move(*values);
  return success();
}

/// The theta with inv[i] == theta^(-2i/d) for every i (d = 2 * inv.size()),
/// within float rounding; none when inv_freq is anything else (scaled RoPE
/// variants, a wrong constant).
std::optional<double> recoverTheta(ArrayRef<double> inv) {
  int64_t n = inv.size();
  double d = 2.0 * n;
  for (double v : inv)
    if (!(v > 0.0) || !std::isfinite(v))
      return std::nullopt;
  double theta = 10000.0; // any theta fits a single pair
  if (n > 1) {
    // Least squares on log(inv[i]) = -(2i/d) log(theta).
    double num = 0, den = 0;
    for (int64_t i = 1; i < n; ++i) {
      double x = 2.0 * i / d;
      num += x * -std::log(inv[i]);
      den += x * x;
    }
    theta = std::exp(num / den);
    if (std::abs(theta - std::round(theta)) <= 1e-5 * theta)
      theta = std::round(theta);
  }
  for (int64_t i = 0; i < n; ++i) {
    double expected = std::pow(theta, -2.0 * i / d);
    if (std::abs(inv[i] - expected) > 2e-5 * expected)
      return std::nullopt;
  }
  return theta;
}

/// Matches `add` as x * cos(emb) + rotate_half(x) * sin(emb).
FailureOr<RotaryMatch> matchRotary(AddOp add, std::string &why) {
  why = "not x * cos + rotate_half(x) * sin";
  auto m0 = add.getLhs().getDefiningOp<MulOp>();
  auto m1 = add.getRhs().getDefiningOp<MulOp>();
  if (!m0 || !m1)
    return failure();
  // Splits a product into its cos/sin table operand and the other operand.
  auto split = [](MulOp m, Value &table, Value &other) -> Operation * {
    for (int i = 0; i < 2; ++i) {
      Value t = peelReshapes(m->getOperand(i));
      if (Operation *op = t.getDefiningOp(); op && isa<CosOp, SinOp>(op)) {
        table = m->getOperand(i);
        other = m->getOperand(1 - i);
        return op;
      }
    }
    return nullptr;
  };
  Value t0, t1, o0, o1;
  Operation *f0 = split(m0, t0, o0), *f1 = split(m1, t1, o1);
  if (!f0 || !f1)
    return failure();
  if (isa<SinOp>(f0)) {
    std::swap(f0, f1);
    std::swap(t0, t1);
    std::swap(o0, o1);
  }
  auto cosOp = dyn_cast<CosOp>(f0);
  auto sinOp = dyn_cast<SinOp>(f1);
  if (!cosOp || !sinOp)
    return failure();
  Value x = o0, rotated = o1, cosTable = t0;
  auto xt = ttype(x);
  if (!xt || ttype(add.getResult()) != xt || ttype(rotated) != xt ||
      ttype(m0.getResult()) != xt || ttype(m1.getResult()) != xt ||
      ttype(t0) != ttype(t1)) {
    why = "x * cos + rotate_half(x) * sin broadcasts x";
    return failure();
  }
  int64_t rank = xt.getRank();
  if ((rank != 3 && rank != 4) || (rank == 4 && xt.getDimSize(0) != 1)) {
    why = "x is not [1, heads, seq, head_dim] or [1, seq, heads, head_dim]";
    return failure();
  }
  int64_t headDim = xt.getDimSize(rank - 1);
  if (ShapedType::isDynamic(headDim) || headDim % 2 != 0) {
    why = "head_dim is not static and even";
    return failure();
  }
  if (cosOp.getInput() != sinOp.getInput()) {
    why = "cos and sin are taken of different angles";
    return failure();
  }

  // The table broadcasts over batch and heads: [seq, head_dim] placed at
  // the sequence axis of x.
  auto tt = ttype(cosTable);
  if (tt.getRank() > rank || squeezedShape(tt.getShape()) !=
                                 squeezedShape(cosOp.getType().getShape())) {
    why = "the cos/sin table is not [seq, head_dim]";
    return failure();
  }
  auto tdim = [&](int64_t d) -> int64_t {
    int64_t td = d - (rank - tt.getRank());
    return td >= 0 ? tt.getDimSize(td) : 1;
  };
  int64_t a = rank - 3, b = rank - 2;
  bool headsFirst;
  if (tdim(a) == 1 && tdim(b) != 1)
    headsFirst = true;
  else if (tdim(b) == 1 && tdim(a) != 1)
    headsFirst = false;
  else if (tdim(a) == 1 && tdim(b) == 1 && xt.getDimSize(b) == 1)
    headsFirst = true;
  else if (tdim(a) == 1 && tdim(b) == 1 && xt.getDimSize(a) == 1)
    headsFirst = false;
  else {
    why = "the cos/sin table is not [seq, head_dim]";
    return failure();
  }
  if ((rank == 4 && tdim(0) != 1) || tdim(rank - 1) != headDim) {
    why = "the cos/sin table is not [seq, head_dim]";
    return failure();
  }

  // emb = concat(freqs, freqs) on the last axis.
  Value emb = cosOp.getInput();
  auto cat = emb.getDefiningOp<tensor::ConcatOp>();
  if (!cat || cat.getInputs().size() != 2 ||
      cat.getInputs()[0] != cat.getInputs()[1] ||
      static_cast<int64_t>(cat.getDim()) != ttype(emb).getRank() - 1) {
    why = "the angle table is not concat(freqs, freqs)";
    return failure();
  }
  SmallVector<double> inv;
  Value positions;
  if (failed(matchFrequencies(cat.getInputs()[0], headDim / 2, inv, positions,
                              why)))
    return failure();
  SmallVector<int64_t> posShape = squeezedShape(ttype(positions).getShape());
  int64_t seqLen = xt.getDimSize(headsFirst ? b : a);
  if (posShape.size() > 1 ||
      (!ShapedType::isDynamic(seqLen) &&
       (posShape.empty() ? 1 : posShape[0]) != seqLen &&
       !(posShape.size() == 1 && ShapedType::isDynamic(posShape[0])))) {
    why = "positions are not a vector of the sequence length";
    return failure();
  }

  // rotate_half(x) = concat(-x[..., d/2:], x[..., :d/2]).
  int64_t half = headDim / 2;
  auto rcat = rotated.getDefiningOp<tensor::ConcatOp>();
  if (!rcat || rcat.getInputs().size() != 2 ||
      static_cast<int64_t>(rcat.getDim()) != rank - 1) {
    why = "the sin operand is not rotate_half(x)";
    return failure();
  }
  auto neg = rcat.getInputs()[0].getDefiningOp<NegOp>();
  if (!neg || !isLastDimSlice(neg.getInput(), x, half, half) ||
      !isLastDimSlice(rcat.getInputs()[1], x, 0, half)) {
    why = "the sin operand is not rotate_half(x)";
    return failure();
  }

  // Intermediate values used elsewhere would be recomputed.
  std::pair<Value, const char *> intermediates[] = {
      {m0.getResult(), "x * cos"},
      {m1.getResult(), "rotate_half(x) * sin"},
      {rotated, "rotate_half(x)"},
      {neg.getResult(), "-x2"}};
  for (auto [v, name] : intermediates) {
    if (!v.hasOneUse()) {
      why = std::string("intermediate value (") + name + ") has other users";
      return failure();
    }
  }

  std::optional<double> theta = recoverTheta(inv);
  if (!theta) {
    why = "inv_freq is not theta^(-2i/d) for any theta";
    return failure();
  }
  RotaryMatch m{x, headsFirst, positions, *theta, std::nullopt, nullptr};
  // Partial rotary (GPT-NeoX, Phi): x = q[..., :r] and the result is
  // concatenated with the pass-through q[..., r:].
  if (auto s = x.getDefiningOp<tensor::ExtractSliceOp>();
      s && add->hasOneUse()) {
    Value full = s.getSource();
    auto ft = ttype(full);
    auto outer = dyn_cast<tensor::ConcatOp>(*add->getUsers().begin());
    if (ft.getRank() == rank && !ft.isDynamicDim(rank - 1) &&
        ft.getDimSize(rank - 1) > headDim &&
        isLastDimSlice(x, full, 0, headDim) && outer &&
        static_cast<int64_t>(outer.getDim()) == rank - 1 &&
        outer.getInputs().size() == 2 &&
        outer.getInputs()[0] == add.getResult() &&
        isLastDimSlice(outer.getInputs()[1], full, headDim,
                       ft.getDimSize(rank - 1) - headDim) &&
        ttype(outer.getResult()) == ft) {
      m.x = full;
      m.rotaryDim = headDim;
      m.replace = outer;
    }
  }
  return m;
}

struct FuseRotaryPattern : OpRewritePattern<AddOp> {
  FuseRotaryPattern(MLIRContext *ctx, FusionReport &report)
      : OpRewritePattern(ctx), report(report) {}

  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    std::string why;
    FailureOr<RotaryMatch> m = matchRotary(add, why);
    if (failed(m))
      return rewriter.notifyMatchFailure(add, why);
    Location loc = add.getLoc();
    Value x = m->x;
    auto xt = ttype(x);
    int64_t rank = xt.getRank();
    // y: x in [1?, seq, heads, head_dim] order.
    SmallVector<int64_t> perm = rank == 4 ? SmallVector<int64_t>{0, 2, 1, 3}
                                          : SmallVector<int64_t>{1, 0, 2};
    Value y = x;
    if (m->headsFirst) {
      auto t = x.getDefiningOp<TransposeOp>();
      y = t && t.getPermutation() == ArrayRef<int64_t>(perm)
              ? t.getInput()
              : transposeBy(rewriter, loc, x, perm);
    }
    ArrayRef<int64_t> yShape = ttype(y).getShape();
    Value input = reshapeTo(rewriter, loc, y, yShape.take_back(3));
    Value positions = m->positions;
    SmallVector<int64_t> posShape = squeezedShape(ttype(positions).getShape());
    positions = reshapeTo(rewriter, loc, positions,
                          {posShape.empty() ? 1 : posShape[0]});
    IntegerAttr rotaryDim;
    if (m->rotaryDim)
      rotaryDim = rewriter.getI64IntegerAttr(*m->rotaryDim);
    auto rot =
        RotaryOp::create(rewriter, loc, input.getType(), input, positions,
                         rewriter.getF32FloatAttr(static_cast<float>(m->theta)),
                         rotaryDim, /*interleaved=*/nullptr);
    Value out = reshapeTo(rewriter, loc, rot, yShape);
    if (m->headsFirst)
      out = transposeBy(rewriter, loc, out, perm);
    report.fused(loc, kPattern);
    rewriter.replaceOp(m->replace ? m->replace : add.getOperation(), out);
    return success();
  }

  FusionReport &report;
};

struct FuseRotaryPass : tfm::impl::TfmFuseRotaryBase<FuseRotaryPass> {
  using Base::Base;

  void runOnOperation() override {
    FusionReport report(this->report);
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseRotaryPattern>(&getContext(), report);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    // Near misses: a cos table that still feeds products, with the reason
    // the first of its chains failed for.
    getOperation()->walk([&](CosOp cos) {
      SmallVector<Value> tables = {cos.getResult()};
      std::string reason;
      bool anchor = false;
      while (!tables.empty() && reason.empty()) {
        Value t = tables.pop_back_val();
        for (Operation *user : t.getUsers()) {
          if (isa<ReshapeOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp>(
                  user)) {
            tables.push_back(user->getResult(0));
            continue;
          }
          if (!isa<MulOp>(user))
            continue;
          anchor = true;
          AddOp add;
          for (Operation *u : user->getUsers())
            if (auto a = dyn_cast<AddOp>(u); a && !add)
              add = a;
          if (!add) {
            reason = "x * cos is not added to rotate_half(x) * sin";
            break;
          }
          std::string why;
          if (failed(matchRotary(add, why))) {
            reason = why;
            break;
          }
        }
      }
      if (anchor && !reason.empty())
        report.nearMiss(cos.getLoc(), kPattern, reason);
    });
    numFused = report.numFused();
    numNearMisses = report.numNearMisses();
  }
};

} // namespace
