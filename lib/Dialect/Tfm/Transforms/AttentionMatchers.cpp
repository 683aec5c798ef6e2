//===- AttentionMatchers.cpp - shared matchers of the attention passes ----===//

#include "AttentionMatchers.h"

#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/AffineMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfm;

namespace mlir::tfm::match {

namespace {

/// Rounds `x` to the precision of `elt`, as the op producing it would.
std::optional<double> roundTo(Type elt, double x) {
  if (elt.isF32())
    return static_cast<double>(static_cast<float>(x));
  if (isa<FloatType>(elt))
    return x;
  if (elt.isInteger(1))
    return x != 0.0 ? 1.0 : 0.0;
  if (isa<IntegerType>(elt)) {
    if (!std::isfinite(x))
      return std::nullopt;
    return std::trunc(x);
  }
  return std::nullopt;
}

Type elementTypeOf(Value v) { return getElementTypeOrSelf(v.getType()); }

std::optional<double> attrScalar(Attribute a) {
  if (auto f = dyn_cast<FloatAttr>(a))
    return f.getValue().convertToDouble();
  if (auto i = dyn_cast<IntegerAttr>(a)) {
    if (i.getType().isInteger(1))
      return i.getValue().isZero() ? 0.0 : 1.0;
    return static_cast<double>(i.getValue().getSExtValue());
  }
  return std::nullopt;
}

std::optional<double> splatValueImpl(Value v, int depth) {
  if (depth > 24)
    return std::nullopt;
  Operation *op = v.getDefiningOp();
  if (!op)
    return std::nullopt;
  auto rec = [&](Value x) { return splatValueImpl(x, depth + 1); };
  if (auto c = dyn_cast<arith::ConstantOp>(op)) {
    if (auto dense = dyn_cast<DenseElementsAttr>(c.getValue()))
      return dense.isSplat() ? attrScalar(dense.getSplatValue<Attribute>())
                             : std::nullopt;
    return attrScalar(c.getValue());
  }
  if (op->getName().getStringRef() == "linalg.fill" &&
      op->getNumOperands() == 2)
    return rec(op->getOperand(0));
  if (Value src = broadcastSource(v))
    return rec(src);
  Type elt = elementTypeOf(v);
  auto unary = [&](Value x, auto fn) -> std::optional<double> {
    auto a = rec(x);
    if (!a)
      return std::nullopt;
    double r = fn(*a);
    if (std::isnan(r))
      return std::nullopt;
    return roundTo(elt, r);
  };
  auto binary = [&](Operation *o, auto fn) -> std::optional<double> {
    auto a = rec(o->getOperand(0)), c = rec(o->getOperand(1));
    if (!a || !c)
      return std::nullopt;
    std::optional<double> r = fn(*a, *c);
    if (!r || std::isnan(*r))
      return std::nullopt;
    return roundTo(elt, *r);
  };
  bool isInt = isa<IntegerType>(elt);
  return TypeSwitch<Operation *, std::optional<double>>(op)
      .Case<ReshapeOp, TransposeOp>(
          [&](auto o) { return rec(o->getOperand(0)); })
      .Case<tensor::ExtractSliceOp, tensor::ExpandShapeOp,
            tensor::CollapseShapeOp>(
          [&](auto o) { return rec(o->getOperand(0)); })
      .Case<CastOp>([&](CastOp o) {
        return unary(o.getInput(), [](double x) { return x; });
      })
      .Case<NegOp>([&](NegOp o) {
        return unary(o.getInput(), [](double x) { return -x; });
      })
      .Case<SqrtOp>([&](SqrtOp o) {
        return unary(o.getInput(), [](double x) { return std::sqrt(x); });
      })
      .Case<ReciprocalOp>([&](ReciprocalOp o) {
        return unary(o.getInput(), [](double x) { return 1.0 / x; });
      })
      .Case<AddOp>([&](AddOp o) {
        return binary(o, [](double a, double b) -> std::optional<double> {
          return a + b;
        });
      })
      .Case<SubOp>([&](SubOp o) {
        return binary(o, [](double a, double b) -> std::optional<double> {
          return a - b;
        });
      })
      .Case<MulOp>([&](MulOp o) {
        return binary(o, [](double a, double b) -> std::optional<double> {
          return a * b;
        });
      })
      .Case<DivOp>([&](DivOp o) {
        return binary(o, [&](double a, double b) -> std::optional<double> {
          if (isInt && b == 0.0)
            return std::nullopt;
          return a / b;
        });
      })
      .Case<PowOp>([&](PowOp o) {
        return binary(o, [](double a, double b) -> std::optional<double> {
          return std::pow(a, b);
        });
      })
      .Default([](Operation *) { return std::nullopt; });
}

int64_t staticProduct(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    if (!ShapedType::isDynamic(d))
      p *= d;
  return p;
}

int64_t firstDynamic(ArrayRef<int64_t> shape) {
  for (auto [i, d] : llvm::enumerate(shape))
    if (ShapedType::isDynamic(d))
      return i;
  return -1;
}

/// One step back from dimension `d` of `v` to a dimension of an operand that
/// provably has the same size; false when there is none.
bool stepBack(Value &v, int64_t &d) {
  Operation *op = v.getDefiningOp();
  if (!op)
    return false;
  auto rt = cast<RankedTensorType>(v.getType());
  int64_t rank = rt.getRank();
  // An operand dimension aligned with `d` under numpy broadcasting that is
  // dynamic too (dynamic dimensions are never broadcast).
  auto alignedDynamic = [&](ValueRange operands) {
    for (Value o : operands) {
      auto ot = dyn_cast<RankedTensorType>(o.getType());
      if (!ot)
        continue;
      int64_t od = d - (rank - ot.getRank());
      if (od >= 0 && ot.isDynamicDim(od)) {
        v = o;
        d = od;
        return true;
      }
    }
    return false;
  };
  auto sameShapeOperand = [&](Value o) {
    auto ot = dyn_cast<RankedTensorType>(o.getType());
    if (!ot || ot.getShape() != rt.getShape())
      return false;
    v = o;
    return true;
  };
  if (Value src = broadcastSource(v)) {
    auto st = cast<RankedTensorType>(src.getType());
    int64_t sd = d - (rank - st.getRank());
    if (sd < 0 || !st.isDynamicDim(sd))
      return false;
    v = src;
    d = sd;
    return true;
  }
  return TypeSwitch<Operation *, bool>(op)
      .Case<TransposeOp>([&](TransposeOp t) {
        d = t.getPermutation()[d];
        v = t.getInput();
        return true;
      })
      .Case<ReshapeOp>([&](ReshapeOp r) {
        auto in = r.getInput().getType();
        if (in.getNumDynamicDims() != 1 || rt.getNumDynamicDims() != 1)
          return false;
        int64_t id = firstDynamic(in.getShape());
        ArrayRef<int64_t> is = in.getShape(), os = rt.getShape();
        if (staticProduct(is.take_front(id)) !=
                staticProduct(os.take_front(d)) ||
            staticProduct(is.drop_front(id + 1)) !=
                staticProduct(os.drop_front(d + 1)))
          return false;
        v = r.getInput();
        d = id;
        return true;
      })
      .Case<CastOp, SqrtOp, ReciprocalOp, ExpOp, LogOp, TanhOp, ErfOp,
            SigmoidOp, ReluOp, CosOp, SinOp, NegOp, AbsOp, SoftmaxOp,
            LayerNormOp, RMSNormOp, GeluOp, SiluOp, RotaryOp>(
          [&](Operation *o) { return sameShapeOperand(o->getOperand(0)); })
      .Case<AddOp, SubOp, MulOp, DivOp, PowOp, WhereOp, EqualOp, LessOp,
            GreaterOp>(
          [&](Operation *o) { return alignedDynamic(o->getOperands()); })
      .Case<LinearOp>([&](LinearOp l) {
        if (d == rank - 1 || l.getInput().getType().getRank() != rank)
          return false;
        v = l.getInput();
        return true;
      })
      .Case<MatmulOp>([&](MatmulOp m) {
        auto lt = cast<RankedTensorType>(m.getLhs().getType());
        auto rt2 = cast<RankedTensorType>(m.getRhs().getType());
        if (d == rank - 2) {
          v = m.getLhs();
          d = lt.getRank() - 2;
          return true;
        }
        if (d == rank - 1) {
          v = m.getRhs();
          d = rt2.getRank() - 1;
          return true;
        }
        // Batch dimensions broadcast like elementwise operands, but only
        // over the leading dimensions.
        for (Value o : {m.getLhs(), m.getRhs()}) {
          auto ot = cast<RankedTensorType>(o.getType());
          int64_t od = d - (rank - ot.getRank());
          if (od >= 0 && od < ot.getRank() - 2 && ot.isDynamicDim(od)) {
            v = o;
            d = od;
            return true;
          }
        }
        return false;
      })
      .Case<EmbeddingOp>([&](EmbeddingOp e) {
        Value idx = e->getOperand(1);
        if (d >= cast<RankedTensorType>(idx.getType()).getRank())
          return false;
        v = idx;
        return true;
      })
      .Case<tensor::ExtractSliceOp>([&](tensor::ExtractSliceOp s) {
        if (s.getSourceType().getRank() != rank)
          return false;
        auto off = constantIndex(s.getMixedOffsets()[d]);
        auto stride = constantIndex(s.getMixedStrides()[d]);
        if (!off || *off != 0 || !stride || *stride != 1 ||
            !isWholeDim(s.getMixedSizes()[d], s.getSource(), d))
          return false;
        v = s.getSource();
        return true;
      })
      .Case<tensor::ConcatOp>([&](tensor::ConcatOp c) {
        if (static_cast<int64_t>(c.getDim()) == d)
          return false;
        return alignedDynamic(c.getInputs());
      })
      .Case<AttentionOp>([&](AttentionOp a) {
        if (v != a.getResult() || d != 0)
          return false;
        v = a.getQuery();
        return true;
      })
      .Default([](Operation *) { return false; });
}

} // namespace

std::optional<double> splatValue(Value v) { return splatValueImpl(v, 0); }

std::optional<SmallVector<double>> floatElements(Value v) {
  for (int depth = 0; depth < 24; ++depth) {
    Operation *op = v.getDefiningOp();
    if (!op)
      return std::nullopt;
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
      if (!dense || !isa<FloatType>(dense.getElementType()))
        return std::nullopt;
      SmallVector<double> out;
      for (const APFloat &f : dense.getValues<APFloat>())
        out.push_back(f.convertToDouble());
      return out;
    }
    if (auto r = dyn_cast<ReshapeOp>(op)) {
      v = r.getInput();
      continue;
    }
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
      v = op->getOperand(0);
      continue;
    }
    if (auto t = dyn_cast<TransposeOp>(op)) {
      // Only a vector (one non-unit dimension) keeps its element order.
      if (squeezedShape(t.getType().getShape()).size() > 1)
        return std::nullopt;
      v = t.getInput();
      continue;
    }
    if (auto c = dyn_cast<CastOp>(op)) {
      if (!isa<FloatType>(elementTypeOf(c.getInput())) ||
          !isa<FloatType>(elementTypeOf(c.getResult())))
        return std::nullopt;
      auto inner = floatElements(c.getInput());
      if (!inner)
        return std::nullopt;
      for (double &x : *inner)
        x = *roundTo(elementTypeOf(c.getResult()), x);
      return inner;
    }
    if (Value src = broadcastSource(v)) {
      auto st = cast<RankedTensorType>(src.getType());
      auto vt = cast<RankedTensorType>(v.getType());
      if (!st.hasStaticShape() || !vt.hasStaticShape() ||
          st.getNumElements() != vt.getNumElements())
        return std::nullopt;
      v = src;
      continue;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

Value broadcastSource(Value v) {
  Operation *op = v.getDefiningOp();
  if (!op || op->getName().getStringRef() != "linalg.generic" ||
      op->getNumOperands() != 2 || op->getNumResults() != 1 ||
      op->getNumRegions() != 1)
    return {};
  auto maps = op->getAttrOfType<ArrayAttr>("indexing_maps");
  if (!maps || maps.size() != 2)
    return {};
  auto inMap = dyn_cast<AffineMapAttr>(maps[0]);
  auto outMap = dyn_cast<AffineMapAttr>(maps[1]);
  Value src = op->getOperand(0);
  auto st = dyn_cast<RankedTensorType>(src.getType());
  auto rt = dyn_cast<RankedTensorType>(v.getType());
  if (!inMap || !outMap || !st || !rt || st.getRank() > rt.getRank() ||
      !outMap.getValue().isIdentity() ||
      outMap.getValue().getNumDims() != rt.getRank() ||
      st.getElementType() != rt.getElementType())
    return {};
  // The body yields the input element unchanged.
  Region &body = op->getRegion(0);
  if (!body.hasOneBlock())
    return {};
  Block &block = body.front();
  if (block.getNumArguments() != 2 || block.getOperations().size() != 1)
    return {};
  Operation &yield = block.front();
  if (yield.getName().getStringRef() != "linalg.yield" ||
      yield.getNumOperands() != 1 ||
      yield.getOperand(0) != block.getArgument(0))
    return {};
  // Each input dimension reads its own loop (aligned at the end, as numpy
  // broadcasts), or index 0 when it has size 1.
  AffineMap m = inMap.getValue();
  if (m.getNumResults() != st.getRank())
    return {};
  int64_t lead = rt.getRank() - st.getRank();
  for (auto [i, e] : llvm::enumerate(m.getResults())) {
    if (auto dim = dyn_cast<AffineDimExpr>(e)) {
      if (dim.getPosition() != lead + i)
        return {};
      continue;
    }
    auto c = dyn_cast<AffineConstantExpr>(e);
    if (!c || c.getValue() != 0 || st.getDimSize(i) != 1)
      return {};
  }
  return src;
}

std::pair<Value, int64_t> dimOrigin(Value v, int64_t d) {
  for (int i = 0; i < 256 && stepBack(v, d); ++i) {
  }
  return {v, d};
}

bool sameDimSize(Value a, int64_t da, Value b, int64_t db) {
  auto at = cast<RankedTensorType>(a.getType());
  auto bt = cast<RankedTensorType>(b.getType());
  if (!at.isDynamicDim(da) || !bt.isDynamicDim(db))
    return at.getDimSize(da) == bt.getDimSize(db);
  return dimOrigin(a, da) == dimOrigin(b, db);
}

LinearIndex addLinear(LinearIndex a, const LinearIndex &b, int64_t sign) {
  a.constant += sign * b.constant;
  for (auto [atom, c] : b.terms)
    if ((a.terms[atom] += sign * c) == 0)
      a.terms.erase(atom);
  return a;
}

namespace {

/// True for an integer or index scalar, or an integer tensor of one element.
bool isScalarInt(Value v) {
  Type t = v.getType();
  if (t.isIndex() || isa<IntegerType>(t))
    return true;
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && rt.hasStaticShape() && rt.getNumElements() == 1 &&
         isa<IntegerType>(rt.getElementType());
}

std::optional<LinearIndex> linearIndexImpl(Value v, int depth) {
  if (depth > 32 || !isScalarInt(v))
    return std::nullopt;
  auto rec = [&](Value x) { return linearIndexImpl(x, depth + 1); };
  auto constant = [](int64_t c) {
    LinearIndex l;
    l.constant = c;
    return l;
  };
  Operation *op = v.getDefiningOp();
  if (!op)
    return std::nullopt;
  if (isa<arith::ConstantOp>(op)) {
    auto c = splatValue(v);
    if (!c || *c != std::trunc(*c))
      return std::nullopt;
    return constant(static_cast<int64_t>(*c));
  }
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp,
          arith::TruncIOp, CastOp, ReshapeOp, tensor::FromElementsOp>(op) &&
      op->getNumOperands() == 1)
    return rec(op->getOperand(0));
  if (auto e = dyn_cast<tensor::ExtractOp>(op)) {
    Value t = e.getTensor();
    if (auto fe = t.getDefiningOp<tensor::FromElementsOp>()) {
      // The element at constant indices of a small tensor.
      auto type = fe.getType();
      if (!type.hasStaticShape())
        return std::nullopt;
      int64_t flat = 0;
      for (auto [i, idx] : llvm::enumerate(e.getIndices())) {
        auto c = getConstantIntValue(idx);
        if (!c)
          return std::nullopt;
        flat = flat * type.getDimSize(i) + *c;
      }
      if (flat < 0 || flat >= static_cast<int64_t>(fe.getElements().size()))
        return std::nullopt;
      return rec(fe.getElements()[flat]);
    }
    return rec(t);
  }
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    // One element of a 1-D shape tensor (ONNX's Slice of a Shape).
    auto fe = slice.getSource().getDefiningOp<tensor::FromElementsOp>();
    if (!fe || slice.getSourceType().getRank() != 1)
      return std::nullopt;
    auto off = getConstantIntValue(slice.getMixedOffsets()[0]);
    if (!off || *off < 0 ||
        *off >= static_cast<int64_t>(fe.getElements().size()))
      return std::nullopt;
    return rec(fe.getElements()[*off]);
  }
  if (auto dim = dyn_cast<tensor::DimOp>(op)) {
    auto idx = dim.getConstantIndex();
    auto st = dyn_cast<RankedTensorType>(dim.getSource().getType());
    if (!idx || !st)
      return std::nullopt;
    if (!st.isDynamicDim(*idx))
      return constant(st.getDimSize(*idx));
    auto [root, rd] = dimOrigin(dim.getSource(), *idx);
    LinearIndex l;
    l.terms[{root.getAsOpaquePointer(), rd}] = 1;
    return l;
  }
  if (isa<arith::AddIOp, arith::SubIOp, AddOp, SubOp>(op)) {
    auto a = rec(op->getOperand(0)), b = rec(op->getOperand(1));
    if (!a || !b)
      return std::nullopt;
    return addLinear(*a, *b, isa<arith::SubIOp, SubOp>(op) ? -1 : 1);
  }
  if (isa<arith::MulIOp, MulOp>(op)) {
    auto a = rec(op->getOperand(0)), b = rec(op->getOperand(1));
    if (!a || !b || (!a->isConstant() && !b->isConstant()))
      return std::nullopt;
    if (!a->isConstant())
      std::swap(a, b);
    LinearIndex out = *b;
    out.constant *= a->constant;
    for (auto &[atom, c] : out.terms)
      c *= a->constant;
    if (a->constant == 0)
      out.terms.clear();
    return out;
  }
  return std::nullopt;
}

} // namespace

std::optional<LinearIndex> linearIndex(Value v) {
  return linearIndexImpl(v, 0);
}

std::optional<LinearIndex> linearIndex(OpFoldResult ofr) {
  if (auto c = getConstantIntValue(ofr)) {
    LinearIndex l;
    l.constant = *c;
    return l;
  }
  return linearIndex(cast<Value>(ofr));
}

Value skipIdentityOp(Value v) {
  Operation *op = v.getDefiningOp();
  if (!op)
    return {};
  if (auto c = dyn_cast<CastOp>(op))
    return c.getInput().getType() == c.getType() ? c.getInput() : Value();
  if (!isa<MulOp, DivOp>(op))
    return {};
  // x * 1, 1 * x, x / 1.
  for (int i = 1; i >= (isa<MulOp>(op) ? 0 : 1); --i) {
    Value other = op->getOperand(1 - i);
    auto c = splatValue(op->getOperand(i));
    if (c && *c == 1.0 && other.getType() == v.getType())
      return other;
  }
  return {};
}

Value skipIdentityOps(Value v) {
  while (Value in = skipIdentityOp(v))
    v = in;
  return v;
}

Value reshapeTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getShape() == shape)
    return v;
  return ReshapeOp::create(b, loc,
                           RankedTensorType::get(shape, t.getElementType()), v);
}

Value transposeBy(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> perm) {
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return v;
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(t.getDimSize(p));
  return TransposeOp::create(b, loc,
                             RankedTensorType::get(shape, t.getElementType()),
                             v, b.getDenseI64ArrayAttr(perm));
}

SmallVector<int64_t> squeezedShape(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> out;
  for (int64_t d : shape)
    if (d != 1)
      out.push_back(d);
  return out;
}

std::optional<int64_t> constantIndex(OpFoldResult ofr) {
  auto l = linearIndex(ofr);
  if (!l || !l->isConstant())
    return std::nullopt;
  return l->constant;
}

bool isWholeDim(OpFoldResult size, Value src, int64_t dim) {
  auto st = cast<RankedTensorType>(src.getType());
  if (auto c = constantIndex(size))
    return !st.isDynamicDim(dim) && *c == st.getDimSize(dim);
  auto dimOp = dyn_cast_or_null<tensor::DimOp>(
      dyn_cast<Value>(size) ? cast<Value>(size).getDefiningOp() : nullptr);
  if (!dimOp)
    return false;
  auto idx = dimOp.getConstantIndex();
  if (!idx)
    return false;
  if (dimOp.getSource() == src)
    return *idx == dim;
  // The size of another tensor's dimension that provably has the same size.
  auto other = dyn_cast<RankedTensorType>(dimOp.getSource().getType());
  return other && *idx >= 0 && *idx < other.getRank() &&
         sameDimSize(dimOp.getSource(), *idx, src, dim);
}

} // namespace mlir::tfm::match
