//===- FuseAttention.cpp - the tfm-fuse-attention pass --------------------===//
//
// Raises the attention core of exported graphs,
//
//   scores = scale * matmul(Q, transpose(K))      (scale on the scores, on
//                                                  Q and K separately, or 1)
//   scores = where(causal, scores, -big)  |  scores + causal_mask  |  scores
//   out    = matmul(softmax(scores, axis = -1), V)
//
// to `tfm.attention`. Q, K and V are traced back through the head-split
// transposes and reshapes (and GQA's unsqueeze/expand/reshape of K and V) to
// values that reshape to the op's [seq, heads, head_dim] layout; the result
// goes back to the layout of `out` or, when `out` feeds only the merge-heads
// transpose, replaces that transpose with a reshape.
//
// A mask is accepted only when it is provably causal: it is evaluated
// symbolically as a triangle `(col - row <= k) ? in : out` from constants
// (including sliced lower-triangular buffers), trilu, comparisons of ranges,
// where, casts and arithmetic; it must keep exactly col <= row and set the
// rest to -1e4 or below (-inf, finfo.min, ...). With a mask, the query and
// key lengths must provably be equal, since the op's causal mask is aligned
// at the end of the keys.
//
//===----------------------------------------------------------------------===//

#include "AttentionMatchers.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"
#include "tfc/Dialect/Tfm/Transforms/FusionReport.h"
#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::tfm {
#define GEN_PASS_DEF_TFMFUSEATTENTION
#include "tfc/Dialect/Tfm/Transforms/Passes.h.inc"
} // namespace mlir::tfm

using namespace mlir;
using namespace mlir::tfm;
using namespace mlir::tfm::match;

namespace {

constexpr StringLiteral kPattern = "attention";

/// Masked scores must be at most this (GPT-2's legacy masked_bias is -1e4;
/// exp(-1e4 - max) is 0 in every float type).
constexpr double kMaskedLimit = -1.0e4;

RankedTensorType ttype(Value v) {
  return dyn_cast<RankedTensorType>(v.getType());
}

//===----------------------------------------------------------------------===//
// Masks
//===----------------------------------------------------------------------===//

/// A tensor whose last two dimensions are (row i, col j) and whose value is
/// `(j - i <= k) ? in : out` everywhere (booleans are 0 and 1). A splat has
/// in == out.
struct Triangle {
  int64_t k;
  double in, out;
  bool isSplat() const { return in == out; }
};

/// An index vector along one axis: value = index + offset, where the index
/// runs along the last axis (col) or the one before it (row).
struct AxisIndex {
  bool isRow;
  int64_t offset;
};

std::optional<Triangle> combine(ArrayRef<Triangle> parts,
                                function_ref<double(ArrayRef<double>)> fn) {
  std::optional<int64_t> k;
  for (const Triangle &t : parts)
    if (!t.isSplat()) {
      if (k && *k != t.k)
        return std::nullopt;
      k = t.k;
    }
  SmallVector<double> ins, outs;
  for (const Triangle &t : parts) {
    ins.push_back(t.in);
    outs.push_back(t.out);
  }
  double in = fn(ins), out = fn(outs);
  if (std::isnan(in) || std::isnan(out))
    return std::nullopt;
  return Triangle{k.value_or(0), in, out};
}

/// Rounds to the element type's precision and range.
double roundTo(Type elt, double x) {
  if (elt.isInteger(1))
    return x != 0.0 ? 1.0 : 0.0;
  if (isa<IntegerType>(elt))
    return std::trunc(x);
  if (elt.isF32())
    return static_cast<double>(static_cast<float>(x));
  return x;
}

/// True when `a` and `b` have the same last two dimensions (the rows and
/// columns of a mask; dynamic sizes are never broadcast).
bool sameGrid(RankedTensorType a, RankedTensorType b) {
  return a && b && a.getRank() >= 2 && b.getRank() >= 2 &&
         a.getShape().take_back(2) == b.getShape().take_back(2);
}

/// True when all but the last two dimensions of `t` are 1.
bool onlyLastTwo(RankedTensorType t) {
  if (t.getRank() < 2)
    return false;
  for (int64_t d = 0; d < t.getRank() - 2; ++d)
    if (t.getDimSize(d) != 1)
      return false;
  return true;
}

std::optional<AxisIndex> classifyIndex(Value v, int depth = 0) {
  if (depth > 16)
    return std::nullopt;
  Operation *op = v.getDefiningOp();
  if (!op)
    return std::nullopt;
  if (auto r = dyn_cast<RangeOp>(op)) {
    auto start = constantIndex(r.getStart());
    auto delta = constantIndex(r.getDelta());
    if (!start || !delta || *delta != 1)
      return std::nullopt;
    return AxisIndex{false, *start};
  }
  if (isa<ReshapeOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
    auto in = ttype(op->getOperand(0)), out = ttype(op->getResult(0));
    auto inner = classifyIndex(op->getOperand(0), depth + 1);
    if (!inner || squeezedShape(in.getShape()).size() != 1 ||
        squeezedShape(out.getShape()).size() != 1)
      return std::nullopt;
    int64_t pos = -1;
    for (int64_t d = 0; d < out.getRank(); ++d)
      if (out.getDimSize(d) != 1)
        pos = d;
    int64_t fromEnd = out.getRank() - 1 - pos;
    if (fromEnd > 1)
      return std::nullopt;
    return AxisIndex{fromEnd == 1, inner->offset};
  }
  if (Value src = broadcastSource(v))
    return classifyIndex(src, depth + 1);
  if (auto c = dyn_cast<CastOp>(op)) {
    // Integer indices convert exactly (positions stay far below 2^24).
    if (!isa<IntegerType>(ttype(c.getInput()).getElementType()) &&
        c.getInput().getType() != c.getType())
      return std::nullopt;
    return classifyIndex(c.getInput(), depth + 1);
  }
  if (isa<AddOp, SubOp>(op)) {
    for (int i = 0; i < 2; ++i) {
      if (isa<SubOp>(op) && i == 0)
        continue; // c - index is not an index
      auto c = splatValue(op->getOperand(i));
      if (!c || *c != std::trunc(*c) ||
          ttype(op->getOperand(1 - i)) != ttype(op->getResult(0)))
        continue;
      auto inner = classifyIndex(op->getOperand(1 - i), depth + 1);
      if (!inner)
        return std::nullopt;
      inner->offset +=
          isa<SubOp>(op) ? -static_cast<int64_t>(*c) : static_cast<int64_t>(*c);
      return inner;
    }
  }
  return std::nullopt;
}

/// A comparison of a column index with a row index, as a boolean triangle.
std::optional<Triangle> compareIndices(Operation *op) {
  auto x = classifyIndex(op->getOperand(0));
  auto y = classifyIndex(op->getOperand(1));
  if (!x || !y || x->isRow == y->isRow || isa<EqualOp>(op))
    return std::nullopt;
  // x - y = sigma * (j - i) + c.
  int64_t c = x->offset - y->offset;
  bool less = isa<LessOp>(op);
  if (!x->isRow) {
    // j - i + c < 0  <=>  j - i <= -c - 1;  j - i + c > 0  <=>  !(j-i <= -c).
    return less ? Triangle{-c - 1, 1, 0} : Triangle{-c, 0, 1};
  }
  // -(j - i) + c < 0  <=>  !(j - i <= c);  -(j - i) + c > 0  <=>  j-i <= c-1.
  return less ? Triangle{c, 0, 1} : Triangle{c - 1, 1, 0};
}

/// The triangle of a constant [1.., R, C] tensor, if it is lower-triangular
/// (diagonal included) with two distinct values.
std::optional<Triangle> constantTriangle(DenseElementsAttr dense) {
  auto t = cast<RankedTensorType>(dense.getType());
  if (!onlyLastTwo(t) || !t.hasStaticShape())
    return std::nullopt;
  int64_t rows = t.getDimSize(t.getRank() - 2);
  int64_t cols = t.getDimSize(t.getRank() - 1);
  if (rows < 2 || cols < 2 || rows * cols > (int64_t(1) << 24))
    return std::nullopt;
  SmallVector<double> values;
  values.reserve(rows * cols);
  Type elt = dense.getElementType();
  if (elt.isInteger(1)) {
    for (bool b : dense.getValues<bool>())
      values.push_back(b ? 1.0 : 0.0);
  } else if (isa<IntegerType>(elt)) {
    for (const APInt &i : dense.getValues<APInt>())
      values.push_back(static_cast<double>(i.getSExtValue()));
  } else if (isa<FloatType>(elt)) {
    for (const APFloat &f : dense.getValues<APFloat>())
      values.push_back(f.convertToDouble());
  } else {
    return std::nullopt;
  }
  double in = values[0], out = values[1];
  if (in == out || std::isnan(in) || std::isnan(out))
    return std::nullopt;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      if (values[i * cols + j] != (j - i <= 0 ? in : out))
        return std::nullopt;
  return Triangle{0, in, out};
}

std::optional<Triangle> classifyMask(Value v, int depth = 0) {
  if (depth > 32)
    return std::nullopt;
  if (auto c = splatValue(v))
    return Triangle{0, *c, *c};
  Operation *op = v.getDefiningOp();
  if (!op)
    return std::nullopt;
  auto rec = [&](Value x) { return classifyMask(x, depth + 1); };
  auto vt = ttype(v);
  if (!vt || vt.getRank() < 2)
    return std::nullopt;
  // An operand of an elementwise op: a triangle only if it is not broadcast
  // along the rows or columns (a splat may be anything).
  auto onGrid = [&](Value x) -> std::optional<Triangle> {
    auto t = rec(x);
    if (t && !t->isSplat() && !sameGrid(ttype(x), vt))
      return std::nullopt;
    return t;
  };
  Type elt = vt.getElementType();

  if (auto c = dyn_cast<arith::ConstantOp>(op)) {
    auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
    return dense ? constantTriangle(dense) : std::nullopt;
  }
  if (auto s = dyn_cast<tensor::ExtractSliceOp>(op)) {
    // Shifting rows and columns by (r0, c0) moves the diagonal by r0 - c0.
    int64_t rank = s.getSourceType().getRank();
    if (s.getType().getRank() != rank)
      return std::nullopt;
    // The offsets may be run-time values whose difference is known, as in
    // GPT-2's bias[key_len - query_len : key_len, :key_len] when the query
    // and key lengths are the same dimension.
    auto offsets = s.getMixedOffsets(), strides = s.getMixedStrides();
    auto r0 = linearIndex(offsets[rank - 2]);
    auto c0 = linearIndex(offsets[rank - 1]);
    auto rs = constantIndex(strides[rank - 2]);
    auto cs = constantIndex(strides[rank - 1]);
    if (!r0 || !c0 || !rs || !cs || *rs != 1 || *cs != 1)
      return std::nullopt;
    LinearIndex shift = addLinear(*r0, *c0, -1);
    auto inner = rec(s.getSource());
    if (!inner || !shift.isConstant())
      return std::nullopt;
    if (!inner->isSplat())
      inner->k += shift.constant;
    return inner;
  }
  if (isa<ReshapeOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
    auto in = ttype(op->getOperand(0));
    if (!onlyLastTwo(in) || !onlyLastTwo(vt) ||
        in.getShape().take_back(2) != vt.getShape().take_back(2))
      return std::nullopt;
    return rec(op->getOperand(0));
  }
  if (Value src = broadcastSource(v)) {
    auto st = ttype(src);
    if (st.getRank() < 2 ||
        st.getShape().take_back(2) != vt.getShape().take_back(2))
      return std::nullopt;
    return rec(src);
  }
  if (auto t = dyn_cast<TriluOp>(op)) {
    auto c = splatValue(t.getInput());
    if (!c)
      return std::nullopt;
    int64_t diag = t.getDiagonal();
    // upper keeps j - i >= diag, i.e. zeroes j - i <= diag - 1.
    return t.getUpper() ? Triangle{diag - 1, 0.0, *c} : Triangle{diag, *c, 0.0};
  }
  if (isa<EqualOp, LessOp, GreaterOp>(op)) {
    if (auto tri = compareIndices(op))
      return tri;
    auto a = onGrid(op->getOperand(0)), b = onGrid(op->getOperand(1));
    if (!a || !b)
      return std::nullopt;
    return combine({*a, *b}, [&](ArrayRef<double> x) -> double {
      if (isa<EqualOp>(op))
        return x[0] == x[1];
      if (isa<LessOp>(op))
        return x[0] < x[1];
      return x[0] > x[1];
    });
  }
  if (auto w = dyn_cast<WhereOp>(op)) {
    auto c = onGrid(w.getCondition()), a = onGrid(w.getTrueValue()),
         b = onGrid(w.getFalseValue());
    if (!c || !a || !b)
      return std::nullopt;
    return combine({*c, *a, *b}, [](ArrayRef<double> x) {
      return x[0] != 0.0 ? x[1] : x[2];
    });
  }
  if (isa<NotOp, NegOp, CastOp>(op)) {
    auto a = onGrid(op->getOperand(0));
    if (!a)
      return std::nullopt;
    return combine({*a}, [&](ArrayRef<double> x) {
      if (isa<NotOp>(op))
        return x[0] != 0.0 ? 0.0 : 1.0;
      if (isa<NegOp>(op))
        return -x[0];
      return roundTo(elt, x[0]);
    });
  }
  if (isa<AddOp, SubOp, MulOp, DivOp>(op)) {
    if (isa<IntegerType>(elt) && isa<DivOp>(op))
      return std::nullopt;
    auto a = onGrid(op->getOperand(0)), b = onGrid(op->getOperand(1));
    if (!a || !b)
      return std::nullopt;
    return combine({*a, *b}, [&](ArrayRef<double> x) {
      double r = isa<AddOp>(op)   ? x[0] + x[1]
                 : isa<SubOp>(op) ? x[0] - x[1]
                 : isa<MulOp>(op) ? x[0] * x[1]
                                  : x[0] / x[1];
      return roundTo(elt, r);
    });
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Q, K and V layouts
//===----------------------------------------------------------------------===//

/// What a dimension of a traced value holds.
/// (Ordered as the op wants them: seq, heads, features.)
enum Label : int8_t { kUnit, kSeq, kHeads, kFeature };

/// `x * c`, `c * x` or `x / c` (`op`, a tfm.mul or tfm.div) with `c` a
/// nonzero splat constant and `x` of the result's type: folds `c` into
/// `scale` and returns `x`; null otherwise.
Value peelConstantFactor(Operation *op, double &scale) {
  for (int i = isa<DivOp>(op) ? 1 : 0; i < 2; ++i) {
    Value other = op->getOperand(1 - i);
    auto c = splatValue(op->getOperand(i));
    if (!c || ttype(other) != ttype(op->getResult(0)) || *c == 0.0)
      continue;
    scale = isa<DivOp>(op) ? scale / *c : scale * *c;
    return other;
  }
  return {};
}

/// A Q/K/V operand traced back to `base`, whose dimension d holds
/// labels[d]; `groups` > 1 when the heads were repeated (GQA) on the way.
struct Traced {
  Value base;
  SmallVector<Label> labels;
  int64_t groups = 1;
};

/// Looks through layout ops and, when `scale` is given, multiplications by
/// constants (folded into `*scale`).
Traced trace(Value v, SmallVector<Label> labels, double *scale) {
  Traced t;
  for (int step = 0; step < 64; ++step) {
    v = skipIdentityOps(v);
    Operation *op = v.getDefiningOp();
    if (!op)
      break;
    if (auto tr = dyn_cast<TransposeOp>(op)) {
      SmallVector<Label> in(labels.size());
      for (auto [i, p] : llvm::enumerate(tr.getPermutation()))
        in[p] = labels[i];
      labels = in;
      v = tr.getInput();
      continue;
    }
    if (scale && isa<MulOp, DivOp>(op)) {
      if (Value other = peelConstantFactor(op, *scale)) {
        v = other;
        continue;
      }
      break;
    }
    auto vt = ttype(v);
    if (auto r = dyn_cast<ReshapeOp>(op)) {
      auto in = r.getInput().getType();
      // GQA: [.., kv, n, ..] -> [.., kv * n, ..] of a broadcast along n.
      auto h = llvm::find(labels, kHeads);
      if (in.getRank() == vt.getRank() + 1 && h != labels.end()) {
        int64_t hi = h - labels.begin();
        bool split = true;
        for (int64_t d = 0; d < vt.getRank() && split; ++d)
          if (d < hi)
            split = in.getDimSize(d) == vt.getDimSize(d);
          else if (d > hi)
            split = in.getDimSize(d + 1) == vt.getDimSize(d);
        int64_t kv = in.getDimSize(hi), n = in.getDimSize(hi + 1);
        split = split && !ShapedType::isDynamic(kv) &&
                !ShapedType::isDynamic(n) && kv * n == vt.getDimSize(hi);
        Value src = split ? broadcastSource(r.getInput()) : Value();
        if (src && ttype(src).getRank() == in.getRank()) {
          auto st = ttype(src);
          bool ok = st.getDimSize(hi + 1) == 1;
          for (int64_t d = 0; d < st.getRank() && ok; ++d)
            if (d != hi + 1)
              ok = st.getDimSize(d) == in.getDimSize(d);
          if (ok) {
            labels.insert(labels.begin() + hi + 1, kUnit);
            t.groups *= n;
            v = src;
            continue;
          }
        }
      }
      // Reshapes that add or drop size-1 dimensions.
      SmallVector<int64_t> is = squeezedShape(in.getShape());
      if (is != squeezedShape(vt.getShape()))
        break;
      SmallVector<Label> next;
      SmallVector<Label> kept;
      for (auto [i, d] : llvm::enumerate(vt.getShape()))
        if (d != 1)
          kept.push_back(labels[i]);
      size_t k = 0;
      for (int64_t d : in.getShape())
        next.push_back(d != 1 ? kept[k++] : kUnit);
      labels = next;
      v = r.getInput();
      continue;
    }
    // An expand along the heads dimension alone (multi-query).
    if (Value src = broadcastSource(v);
        src && ttype(src).getRank() == vt.getRank()) {
      auto st = ttype(src);
      bool ok = true;
      int64_t n = 1;
      for (int64_t d = 0; d < st.getRank() && ok; ++d) {
        if (st.getDimSize(d) == vt.getDimSize(d))
          continue;
        ok = labels[d] == kHeads && st.getDimSize(d) == 1 &&
             !ShapedType::isDynamic(vt.getDimSize(d));
        n = vt.getDimSize(d);
      }
      if (!ok)
        break;
      t.groups *= n;
      v = src;
      continue;
    }
    break;
  }
  t.base = v;
  t.labels = std::move(labels);
  return t;
}

/// The size a traced value has along `label` (1 when the label was lost on
/// a size-1 dimension).
int64_t sizeOf(const Traced &t, Label label) {
  auto it = llvm::find(t.labels, label);
  return it == t.labels.end() ? 1
                              : ttype(t.base).getDimSize(it - t.labels.begin());
}

/// False when a dimension that is neither seq, heads nor features is not 1.
bool onlyUnitExtras(const Traced &t) {
  for (auto [i, l] : llvm::enumerate(t.labels))
    if (l == kUnit && ttype(t.base).getDimSize(i) != 1)
      return false;
  return true;
}

/// `t` as [seq, heads, features].
Value emitSHD(OpBuilder &b, Location loc, const Traced &t) {
  auto bt = ttype(t.base);
  // Size-1 dimensions may sit anywhere; the others must be in seq, heads,
  // features order for a plain reshape.
  SmallVector<Label> order;
  for (auto [i, l] : llvm::enumerate(t.labels))
    if (bt.getDimSize(i) != 1)
      order.push_back(l);
  Value v = t.base;
  if (!llvm::is_sorted(order)) {
    SmallVector<int64_t> perm;
    for (Label want : {kUnit, kSeq, kHeads, kFeature})
      for (auto [i, l] : llvm::enumerate(t.labels))
        if (l == want)
          perm.push_back(i);
    v = transposeBy(b, loc, v, perm);
  }
  return reshapeTo(b, loc, v,
                   {sizeOf(t, kSeq), sizeOf(t, kHeads), sizeOf(t, kFeature)});
}

//===----------------------------------------------------------------------===//
// The match
//===----------------------------------------------------------------------===//

struct AttentionMatch {
  MatmulOp pv;
  Traced q, k, v;
  bool causal;
  double scale;
  int64_t heads, kvHeads;
};

/// `v` and the identity ops (skipIdentityOps) it is computed by, appended
/// to `chain`.
void appendIdentityChain(Value v, SmallVectorImpl<Value> &chain) {
  chain.push_back(v);
  while ((v = skipIdentityOp(v)))
    chain.push_back(v);
}

/// Peels constant scale factors off the scores down to the QK^T matmul; the
/// values on the way (the matmul's result included) go to `chain`.
MatmulOp peelScale(Value s, double &scale, std::string &why,
                   SmallVectorImpl<Value> &chain) {
  for (int step = 0; step < 16; ++step) {
    appendIdentityChain(s, chain);
    s = skipIdentityOps(s);
    Operation *op = s.getDefiningOp();
    if (auto m = dyn_cast_or_null<MatmulOp>(op))
      return m;
    if (!op || !isa<MulOp, DivOp>(op)) {
      why = "the scores are not scale * Q K^T";
      return {};
    }
    s = peelConstantFactor(op, scale);
    if (!s) {
      why = "scale is not a constant";
      return {};
    }
  }
  why = "the scores are not scale * Q K^T";
  return {};
}

/// The matmul that multiplies the probabilities `p` with V (through casts
/// to the same type, appended to `chain` with `p`).
MatmulOp findPV(Value p, SmallVectorImpl<Value> &chain) {
  for (int step = 0; step < 4; ++step) {
    chain.push_back(p);
    Value next;
    for (OpOperand &use : p.getUses()) {
      if (auto m = dyn_cast<MatmulOp>(use.getOwner());
          m && use.getOperandNumber() == 0)
        return m;
      if (auto c = dyn_cast<CastOp>(use.getOwner());
          c && c.getType() == p.getType())
        next = c.getResult();
    }
    if (!next)
      return {};
    p = next;
  }
  return {};
}

/// The triangle `mask` is when it covers the grid of `scores` element for
/// element; a mask broadcast along rows or columns is none.
std::optional<Triangle> classifyMaskOver(Value mask, Value scores) {
  std::optional<Triangle> t = classifyMask(mask);
  if (t && !t->isSplat() && !sameGrid(ttype(mask), ttype(scores)))
    return std::nullopt;
  return t;
}

FailureOr<AttentionMatch> matchAttention(SoftmaxOp sm, std::string &why) {
  auto st = ttype(sm.getResult());
  int64_t rank = st.getRank();
  if (sm.getNormalizedAxis() != rank - 1) {
    why = "softmax is not over the last axis";
    return failure();
  }
  if (rank != 3 && rank != 4) {
    why = "the scores are not [1, heads, seq, seq] or [heads, seq, seq]";
    return failure();
  }
  // The values from QK^T to the probabilities; each must feed only the
  // next op, or fusing would recompute it.
  SmallVector<Value> probs, scoresChain, maskChain;
  MatmulOp pv = findPV(sm.getResult(), probs);
  if (!pv) {
    why = "the probabilities do not multiply V";
    return failure();
  }

  // The mask, if any, and the scaled scores under it.
  appendIdentityChain(sm.getInput(), maskChain);
  Value x = skipIdentityOps(sm.getInput());
  double scale = 1.0;
  MatmulOp qk;
  std::optional<Triangle> mask;
  bool where = false, scoresIfTrue = true, hasMask = false;
  double fill = 0.0;
  // Takes `scores` as scale * Q K^T; on failure `reason` says why not.
  auto peelScores = [&](Value scores, std::string &reason) {
    double s = 1.0;
    SmallVector<Value> chain;
    MatmulOp m = peelScale(scores, s, reason, chain);
    if (!m)
      return false;
    qk = m;
    scale = s;
    scoresChain = std::move(chain);
    return true;
  };
  if (auto w = x.getDefiningOp<WhereOp>()) {
    where = true;
    for (int i = 0; i < 2 && !qk; ++i) {
      Value scores = i == 0 ? w.getTrueValue() : w.getFalseValue();
      Value other = i == 0 ? w.getFalseValue() : w.getTrueValue();
      auto f = splatValue(other);
      if (!f || ttype(scores) != ttype(w.getResult()))
        continue;
      std::string reason;
      if (peelScores(scores, reason)) {
        fill = *f;
        scoresIfTrue = i == 0;
      } else {
        why = reason;
      }
    }
    if (!qk) {
      if (why.empty())
        why = "where() does not choose between the scores and a constant";
      return failure();
    }
    mask = classifyMaskOver(w.getCondition(), w.getResult());
    hasMask = true;
  } else if (auto a = x.getDefiningOp<AddOp>()) {
    for (int i = 0; i < 2 && !qk; ++i) {
      Value scores = a->getOperand(i), m = a->getOperand(1 - i);
      if (ttype(scores) != ttype(a.getResult()))
        continue;
      std::string reason;
      if (peelScores(scores, reason))
        mask = classifyMaskOver(m, a.getResult());
      else if (why.empty() || reason == "scale is not a constant") {
        why = reason;
      }
    }
    if (!qk) {
      if (why.empty())
        why = "the scores are not scale * Q K^T (+ mask)";
      return failure();
    }
    hasMask = true;
  } else {
    qk = peelScale(x, scale, why, scoresChain);
    if (!qk)
      return failure();
  }

  // The mask must be exactly causal.
  bool causal = hasMask;
  if (causal) {
    if (!mask) {
      why = "mask is not causal (not a triangle known at compile time)";
      return failure();
    }
    // The values allowed positions (j <= i) get and masked ones get.
    double allowed, masked;
    if (mask->isSplat()) {
      why = "mask is not causal (it masks nothing or everything)";
      return failure();
    }
    if (mask->k != 0) {
      why = "mask is not causal (its diagonal is offset by " +
            std::to_string(mask->k) + ")";
      return failure();
    }
    allowed = mask->in;
    masked = mask->out;
    if (where) {
      if (allowed != (scoresIfTrue ? 1.0 : 0.0) ||
          masked != (scoresIfTrue ? 0.0 : 1.0)) {
        why = "mask is not causal (it keeps the upper triangle)";
        return failure();
      }
      masked = fill;
    } else if (allowed != 0.0) {
      why = "mask is not causal (it changes unmasked scores)";
      return failure();
    }
    if (!(masked <= kMaskedLimit)) {
      why = "masked scores are not set to -1e4 or below";
      return failure();
    }
  }

  // Operands: Q [.., H, Sq, D] x K^T [.., H, D, Sk]; V [.., H, Sk, Dv].
  auto lead = [&](SmallVector<Label> tail) {
    SmallVector<Label> l(rank - 3, kUnit);
    l.append(tail);
    return l;
  };
  auto qt = ttype(qk.getLhs()), kt = ttype(qk.getRhs()),
       vt = ttype(pv.getRhs());
  if (qt.getRank() != rank || kt.getRank() != rank || vt.getRank() != rank ||
      ttype(qk.getResult()) != ttype(x) || ttype(pv.getLhs()) != st) {
    why = "Q, K and V are not [1, heads, seq, head_dim]";
    return failure();
  }
  for (auto t : {qt, kt, vt, st})
    if (rank == 4 && t.getDimSize(0) != 1) {
      why = "the batch is not 1";
      return failure();
    }
  double qScale = 1.0, kScale = 1.0;
  AttentionMatch m;
  m.pv = pv;
  m.q = trace(qk.getLhs(), lead({kHeads, kSeq, kFeature}), &qScale);
  m.k = trace(qk.getRhs(), lead({kHeads, kFeature, kSeq}), &kScale);
  m.v = trace(pv.getRhs(), lead({kHeads, kSeq, kFeature}), nullptr);
  for (Traced *t : {&m.q, &m.k, &m.v})
    if (!onlyUnitExtras(*t)) {
      why = "Q, K or V has a batch dimension other than 1";
      return failure();
    }
  int64_t hq = qt.getDimSize(rank - 3);
  int64_t hkLevel = kt.getDimSize(rank - 3), hvLevel = vt.getDimSize(rank - 3);
  int64_t hk = sizeOf(m.k, kHeads), hv = sizeOf(m.v, kHeads);
  if (ShapedType::isDynamic(hq) || m.q.groups != 1 ||
      sizeOf(m.q, kHeads) != hq) {
    why = "the query heads are not static";
    return failure();
  }
  // K and V heads: repeated to hq (GQA) or broadcast by the matmul.
  if (hk != hv || ShapedType::isDynamic(hk) || hk <= 0 || hq % hk != 0 ||
      (hkLevel != hq && hkLevel != 1) || (hvLevel != hq && hvLevel != 1) ||
      hk * m.k.groups != hkLevel || hv * m.v.groups != hvLevel) {
    why = "key/value heads do not map onto query heads";
    return failure();
  }
  for (Traced *t : {&m.q, &m.k, &m.v})
    if (ShapedType::isDynamic(sizeOf(*t, kFeature))) {
      why = "head_dim is not static";
      return failure();
    }
  if (causal &&
      !sameDimSize(qk.getResult(), rank - 2, qk.getResult(), rank - 1)) {
    why = "cannot prove that the query and key lengths are equal";
    return failure();
  }
  for (auto [chain, name] : {std::pair{&scoresChain, "the scores"},
                             std::pair{&maskChain, "the masked scores"},
                             std::pair{&probs, "the probabilities"}})
    for (Value v : *chain)
      if (!v.hasOneUse()) {
        why = std::string("intermediate value (") + name + ") has other users";
        return failure();
      }
  m.scale = scale * qScale * kScale;
  if (!(m.scale > 0.0) || !std::isfinite(m.scale)) {
    why = "scale is not positive";
    return failure();
  }
  m.causal = causal;
  m.heads = hq;
  m.kvHeads = hk;
  return m;
}

struct FuseAttentionPattern : OpRewritePattern<SoftmaxOp> {
  FuseAttentionPattern(MLIRContext *ctx, FusionReport &report)
      : OpRewritePattern(ctx), report(report) {}

  LogicalResult matchAndRewrite(SoftmaxOp sm,
                                PatternRewriter &rewriter) const override {
    std::string why;
    FailureOr<AttentionMatch> m = matchAttention(sm, why);
    if (failed(m))
      return rewriter.notifyMatchFailure(sm, why);
    MatmulOp pv = m->pv;
    Location loc = pv.getLoc();
    rewriter.setInsertionPoint(pv);
    Value q = emitSHD(rewriter, loc, m->q);
    Value k = emitSHD(rewriter, loc, m->k);
    Value v = emitSHD(rewriter, loc, m->v);
    auto qt = ttype(q), vt = ttype(v);
    auto resultType = RankedTensorType::get(
        {qt.getDimSize(0), m->heads, vt.getDimSize(2)}, qt.getElementType());
    Value attn = AttentionOp::create(
                     rewriter, loc, resultType, /*key_cache_result=*/{},
                     /*value_cache_result=*/{}, q, k, v, Value(), Value(),
                     Value(), m->causal, rewriter.getF32FloatAttr(m->scale))
                     .getResult();
    report.fused(sm.getLoc(), kPattern);

    // Back to the layout of `out` = [1?, H, Sq, Dv]; a merge-heads transpose
    // to [1?, Sq, H, Dv] becomes a reshape.
    Value out = pv.getResult();
    auto ot = ttype(out);
    int64_t rank = ot.getRank();
    SmallVector<int64_t> perm = rank == 4 ? SmallVector<int64_t>{0, 2, 1, 3}
                                          : SmallVector<int64_t>{1, 0, 2};
    if (out.hasOneUse())
      if (auto t = dyn_cast<TransposeOp>(*out.getUsers().begin());
          t && t.getPermutation() == ArrayRef<int64_t>(perm)) {
        rewriter.setInsertionPoint(t);
        rewriter.replaceOpWithNewOp<ReshapeOp>(t, t.getType(), attn);
        return success();
      }
    SmallVector<int64_t> shd;
    for (int64_t p : perm)
      shd.push_back(ot.getDimSize(p));
    Value back = reshapeTo(rewriter, loc, attn, shd);
    rewriter.replaceOp(pv, transposeBy(rewriter, loc, back, perm));
    return success();
  }

  FusionReport &report;
};

/// True when a tfm.matmul feeds `v` within a few ops: the softmax is the
/// start of an attention chain, so a failed match is a near miss.
bool fedByMatmul(Value v, int depth = 0) {
  Operation *op = v.getDefiningOp();
  if (!op || depth > 6)
    return false;
  if (isa<MatmulOp>(op))
    return true;
  return llvm::any_of(op->getOperands(),
                      [&](Value o) { return fedByMatmul(o, depth + 1); });
}

struct FuseAttentionPass : tfm::impl::TfmFuseAttentionBase<FuseAttentionPass> {
  using Base::Base;

  void runOnOperation() override {
    FusionReport report(this->report);
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseAttentionPattern>(&getContext(), report);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation()->walk([&](SoftmaxOp sm) {
      if (!fedByMatmul(sm.getInput()))
        return;
      std::string why;
      if (failed(matchAttention(sm, why)))
        report.nearMiss(sm.getLoc(), kPattern, why);
    });
    numFused = report.numFused();
    numNearMisses = report.numNearMisses();
  }
};

} // namespace
