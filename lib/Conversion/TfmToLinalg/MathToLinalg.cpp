//===- MathToLinalg.cpp - the fine-grained math ops of imported graphs ----===//
//
// Unary math, pow, comparisons and where become one elementwise generic
// each (the broadcasting helpers of ElementwiseToLinalg); reductions a
// reduction generic (f32 accumulation for float types) plus an
// expand_shape for keep_dims; matmul a contraction with broadcast batch
// dimensions; range and trilu generics that read linalg.index.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "tfc/Conversion/TfmToLinalg/TfmToLinalg.h"
#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <optional>

using namespace mlir;
using namespace mlir::tfc::lowering;

namespace {

/// Scalar constant of an integer or float element type.
Value scalarConst(OpBuilder &b, Location loc, Type t, double v) {
  if (isa<FloatType>(t))
    return floatConst(b, loc, t, v);
  return arith::ConstantOp::create(
      b, loc, t, b.getIntegerAttr(t, static_cast<int64_t>(v)));
}

//===----------------------------------------------------------------------===//
// Unary math
//===----------------------------------------------------------------------===//

/// Scalar body of a unary op: float bodies get an f32 value, integer
/// bodies the element itself.
using UnaryFn = Value (*)(OpBuilder &, Location, Value);

template <typename OpTy> struct UnaryLowering : OpConversionPattern<OpTy> {
  UnaryLowering(MLIRContext *ctx, UnaryFn floatFn, UnaryFn intFn)
      : OpConversionPattern<OpTy>(ctx), floatFn(floatFn), intFn(intFn) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type et = type.getElementType();
    bool isFloat = isa<FloatType>(et);
    if (isFloat ? !floatFn : !intFn)
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    Value v =
        emitElementwise(rewriter, op.getLoc(), type, {adaptor.getInput()},
                        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
                          if (!isFloat)
                            return intFn(b, loc, a[0]);
                          return inF32(b, loc, a, et, [&](ValueRange x) {
                            return floatFn(b, loc, x[0]);
                          });
                        });
    rewriter.replaceOp(op, v);
    return success();
  }

  UnaryFn floatFn, intFn;
};

template <typename MathOp> Value mathBody(OpBuilder &b, Location loc, Value x) {
  return MathOp::create(b, loc, x);
}

Value reciprocalBody(OpBuilder &b, Location loc, Value x) {
  return arith::DivFOp::create(b, loc, floatConst(b, loc, x.getType(), 1.0), x);
}

Value sigmoidBody(OpBuilder &b, Location loc, Value x) {
  Value one = floatConst(b, loc, x.getType(), 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, e));
}

Value reluBody(OpBuilder &b, Location loc, Value x) {
  return arith::MaximumFOp::create(b, loc, x,
                                   floatConst(b, loc, x.getType(), 0.0));
}

Value negFloatBody(OpBuilder &b, Location loc, Value x) {
  return arith::NegFOp::create(b, loc, x);
}

Value negIntBody(OpBuilder &b, Location loc, Value x) {
  return arith::SubIOp::create(b, loc, scalarConst(b, loc, x.getType(), 0), x);
}

Value notBody(OpBuilder &b, Location loc, Value x) {
  Value t = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  return arith::XOrIOp::create(b, loc, x, t);
}

//===----------------------------------------------------------------------===//
// Pow
//===----------------------------------------------------------------------===//

/// The exponent when `v` is a constant holding one value (a splat).
std::optional<double> constantExponent(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  Type t = attr.getElementType();
  if (isa<FloatType>(t))
    return attr.getSplatValue<APFloat>().convertToDouble();
  if (t.isInteger(1))
    return std::nullopt;
  return static_cast<double>(attr.getSplatValue<APInt>().getSExtValue());
}

/// pow(x, y). A constant integer exponent 1..4 becomes multiplications
/// (x^3 of a negative x is defined, unlike powf's), 0.5 a square root.
/// Integer powers need a constant exponent 1..4.
struct PowLowering : OpConversionPattern<tfm::PowOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::PowOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    Type et = type.getElementType();
    bool isFloat = isa<FloatType>(et);
    Location loc = op.getLoc();
    std::optional<double> p = constantExponent(op.getRhs());
    if (p && *p == std::floor(*p) && *p >= 1 && *p <= 4) {
      int n = static_cast<int>(*p);
      auto times = [&](OpBuilder &b, Location l, Value x) {
        Value r = x;
        for (int i = 1; i < n; ++i)
          r = isFloat ? Value(arith::MulFOp::create(b, l, r, x))
                      : Value(arith::MulIOp::create(b, l, r, x));
        return r;
      };
      Value v =
          emitElementwise(rewriter, loc, type, {adaptor.getLhs()},
                          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                            if (!isFloat)
                              return times(b, l, a[0]);
                            return inF32(b, l, a, et, [&](ValueRange x) {
                              return times(b, l, x[0]);
                            });
                          });
      rewriter.replaceOp(op, v);
      return success();
    }
    if (!isFloat)
      return rewriter.notifyMatchFailure(
          op, "integer pow needs a constant exponent 1..4");
    bool isSqrt = p && *p == 0.5;
    SmallVector<Value> operands{adaptor.getLhs()};
    if (!isSqrt)
      operands.push_back(adaptor.getRhs());
    Value v =
        emitElementwise(rewriter, loc, type, operands,
                        [&](OpBuilder &b, Location l, ValueRange a) {
                          return inF32(b, l, a, et, [&](ValueRange x) -> Value {
                            if (isSqrt)
                              return math::SqrtOp::create(b, l, x[0]);
                            return math::PowFOp::create(b, l, x[0], x[1]);
                          });
                        });
    rewriter.replaceOp(op, v);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Comparisons and where
//===----------------------------------------------------------------------===//

template <typename OpTy, arith::CmpFPredicate FPred, arith::CmpIPredicate SPred,
          arith::CmpIPredicate UPred>
struct CompareLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type et = getElementTypeOrSelf(op.getLhs().getType());
    Value v = emitElementwise(
        rewriter, op.getLoc(), cast<RankedTensorType>(op.getType()),
        {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (isa<FloatType>(et))
            return arith::CmpFOp::create(b, l, FPred, a[0], a[1]);
          // i1 compares as unsigned (true > false).
          return arith::CmpIOp::create(b, l, et.isInteger(1) ? UPred : SPred,
                                       a[0], a[1]);
        });
    rewriter.replaceOp(op, v);
    return success();
  }
};

struct WhereLowering : OpConversionPattern<tfm::WhereOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::WhereOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value v = emitElementwise(
        rewriter, op.getLoc(), op.getType(),
        {adaptor.getCondition(), adaptor.getTrueValue(),
         adaptor.getFalseValue()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::SelectOp::create(b, l, a[0], a[1], a[2]);
        });
    rewriter.replaceOp(op, v);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

enum class ReduceKind { Sum, Mean, Max };

/// Reduces over `axes` into a tensor without the reduced dimensions (f32
/// for float inputs), divides by the element count for the mean, converts
/// back to the element type and re-inserts size-1 dimensions for
/// keep_dims.
template <typename OpTy, ReduceKind Kind>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type et = resultType.getElementType();
    bool isFloat = isa<FloatType>(et);
    Type accElt = isFloat ? accumulatorType(et) : et;
    ArrayRef<int64_t> axes = op.getAxes();
    bool keep = op.getKeepDims();
    int64_t rank = inType.getRank();

    // The reduced shape, taken from the result type (it may be more static
    // than the input's).
    SmallVector<int64_t> shape;
    SmallVector<OpFoldResult> sizes;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iters;
    int64_t resultDim = 0;
    for (int64_t d = 0; d < rank; ++d) {
      bool reduced = llvm::is_contained(axes, d);
      iters.push_back(reduced ? utils::IteratorType::reduction
                              : utils::IteratorType::parallel);
      if (reduced) {
        resultDim += keep;
        continue;
      }
      shape.push_back(resultType.getDimSize(resultDim++));
      sizes.push_back(tensor::getMixedSize(rewriter, loc, x, d));
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
    auto accType = RankedTensorType::get(shape, accElt);

    // i1 (max is "or") starts at false too.
    Value start;
    if (Kind != ReduceKind::Max || accElt.isInteger(1))
      start = scalarConst(rewriter, loc, accElt, 0);
    else if (isFloat)
      start = arith::ConstantOp::create(
          rewriter, loc, accElt,
          rewriter.getFloatAttr(
              accElt, APFloat::getInf(
                          cast<FloatType>(accElt).getFloatSemantics(), true)));
    else
      start = arith::ConstantOp::create(
          rewriter, loc, accElt,
          rewriter.getIntegerAttr(accElt, APInt::getSignedMinValue(
                                              accElt.getIntOrFloatBitWidth())));
    Value init = createFilled(rewriter, loc, accType, sizes, start);
    SmallVector<AffineMap> maps{identityMap(ctx, rank),
                                AffineMap::get(rank, 0, outExprs, ctx)};
    Value r =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{accType}, ValueRange{x}, ValueRange{init},
            maps, iters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value v = args[0], acc = args[1];
              Value s;
              if (isFloat) {
                v = extendToF32(b, l, v);
                s = Kind == ReduceKind::Max
                        ? Value(arith::MaximumFOp::create(b, l, acc, v))
                        : Value(arith::AddFOp::create(b, l, acc, v));
              } else {
                s = Kind == ReduceKind::Max
                        ? (et.isInteger(1)
                               ? Value(arith::OrIOp::create(b, l, acc, v))
                               : Value(arith::MaxSIOp::create(b, l, acc, v)))
                        : Value(arith::AddIOp::create(b, l, acc, v));
              }
              linalg::YieldOp::create(b, l, s);
            })
            .getResult(0);

    auto outType = RankedTensorType::get(shape, et);
    if (Kind == ReduceKind::Mean) {
      // The element count of the reduced dimensions, at run time where
      // they are dynamic.
      int64_t staticCount = 1;
      Value dynCount;
      for (int64_t a : axes) {
        if (!inType.isDynamicDim(a)) {
          staticCount *= inType.getDimSize(a);
          continue;
        }
        Value dim = tensor::DimOp::create(rewriter, loc, x, a);
        dynCount =
            dynCount
                ? Value(arith::MulIOp::create(rewriter, loc, dynCount, dim))
                : dim;
      }
      Value count = floatConst(rewriter, loc, rewriter.getF32Type(),
                               static_cast<double>(staticCount));
      if (dynCount)
        count = arith::MulFOp::create(rewriter, loc, count,
                                      indexToF32(rewriter, loc, dynCount));
      r = emitElementwise(rewriter, loc, outType, {r},
                          [&](OpBuilder &b, Location l, ValueRange a) {
                            return truncateTo(
                                b, l, arith::DivFOp::create(b, l, a[0], count),
                                et);
                          });
    } else if (isFloat) {
      r = truncateTensor(rewriter, loc, r, outType);
    }

    if (keep) {
      // Each reduced (size-1) dimension joins the group of the next kept
      // one, trailing ones the last group.
      SmallVector<ReassociationIndices> groups;
      ReassociationIndices pending;
      SmallVector<OpFoldResult> outSizes;
      int64_t j = 0;
      for (int64_t d = 0; d < rank; ++d) {
        pending.push_back(d);
        if (llvm::is_contained(axes, d)) {
          outSizes.push_back(rewriter.getIndexAttr(1));
          continue;
        }
        outSizes.push_back(tensor::getMixedSize(rewriter, loc, r, j++));
        groups.push_back(pending);
        pending.clear();
      }
      if (!groups.empty())
        groups.back().append(pending.begin(), pending.end());
      // Reduced dimensions are 1 (the result type may leave them dynamic).
      SmallVector<int64_t> keptShape(resultType.getShape());
      for (int64_t a : axes)
        keptShape[a] = 1;
      auto keptType = RankedTensorType::get(keptShape, et);
      r = tensor::ExpandShapeOp::create(rewriter, loc, keptType, r, groups,
                                        outSizes);
      if (keptType != resultType)
        r = tensor::CastOp::create(rewriter, loc, resultType, r);
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

/// lhs[..., M, K] x rhs[..., K, N]. Two 2-D operands become linalg.matmul
/// (the form the CPU tiling targets); batched ones a generic contraction
/// over (batch..., m, n, k) whose size-1 batch dimensions read index 0. Both
/// accumulate in f32.
struct MatmulLowering : OpConversionPattern<tfm::MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value a = adaptor.getLhs(), w = adaptor.getRhs();
    auto at = cast<RankedTensorType>(a.getType());
    auto wt = cast<RankedTensorType>(w.getType());
    auto resultType = op.getType();
    int64_t rank = resultType.getRank(), batchRank = rank - 2;

    // Result sizes: batch dimensions from an operand that has them (not
    // size 1), then M from lhs and N from rhs.
    SmallVector<OpFoldResult> sizes(rank, rewriter.getIndexAttr(1));
    for (int64_t i = 0; i < batchRank; ++i) {
      for (auto [v, t] : {std::pair(a, at), std::pair(w, wt)}) {
        int64_t j = i - (batchRank - (t.getRank() - 2));
        if (j >= 0 && t.getDimSize(j) != 1) {
          sizes[i] = tensor::getMixedSize(rewriter, loc, v, j);
          break;
        }
      }
    }
    sizes[rank - 2] = tensor::getMixedSize(rewriter, loc, a, at.getRank() - 2);
    sizes[rank - 1] = tensor::getMixedSize(rewriter, loc, w, wt.getRank() - 1);
    auto accType =
        RankedTensorType::get(resultType.getShape(), rewriter.getF32Type());
    Value acc =
        createFilled(rewriter, loc, accType, sizes,
                     floatConst(rewriter, loc, rewriter.getF32Type(), 0.0));

    Value y;
    if (at.getRank() == 2 && wt.getRank() == 2) {
      y = linalg::MatmulOp::create(rewriter, loc, TypeRange{accType},
                                   ValueRange{a, w}, ValueRange{acc})
              .getResult(0);
    } else {
      int64_t loops = batchRank + 3;
      auto operandMap = [&](RankedTensorType t, AffineExpr r0, AffineExpr r1) {
        SmallVector<AffineExpr> exprs;
        int64_t br = t.getRank() - 2;
        for (int64_t j = 0; j < br; ++j) {
          int64_t i = batchRank - br + j;
          exprs.push_back(t.getDimSize(j) == 1 && resultType.getDimSize(i) != 1
                              ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(i, ctx));
        }
        exprs.push_back(r0);
        exprs.push_back(r1);
        return AffineMap::get(loops, 0, exprs, ctx);
      };
      AffineExpr m = getAffineDimExpr(batchRank, ctx),
                 n = getAffineDimExpr(batchRank + 1, ctx),
                 k = getAffineDimExpr(batchRank + 2, ctx);
      SmallVector<AffineExpr> outExprs;
      for (int64_t i = 0; i < rank; ++i)
        outExprs.push_back(getAffineDimExpr(i, ctx));
      SmallVector<AffineMap> maps{operandMap(at, m, k), operandMap(wt, k, n),
                                  AffineMap::get(loops, 0, outExprs, ctx)};
      SmallVector<utils::IteratorType> iters = parallelIters(loops);
      iters.back() = utils::IteratorType::reduction;
      y = linalg::GenericOp::create(rewriter, loc, TypeRange{accType},
                                    ValueRange{a, w}, ValueRange{acc}, maps,
                                    iters, yieldMultiplyAccumulate)
              .getResult(0);
    }
    rewriter.replaceOp(op, truncateTensor(rewriter, loc, y, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Range and trilu
//===----------------------------------------------------------------------===//

/// result[i] = start + i * delta for max(ceil((limit - start) / delta), 0)
/// values.
struct RangeLowering : OpConversionPattern<tfm::RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::RangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Value start = adaptor.getStart(), delta = adaptor.getDelta();
    Value diff =
        arith::SubIOp::create(rewriter, loc, adaptor.getLimit(), start);
    Value n = arith::CeilDivSIOp::create(rewriter, loc, diff, delta);
    n = arith::MaxSIOp::create(
        rewriter, loc, n, arith::ConstantIndexOp::create(rewriter, loc, 0));
    Value init = createEmpty(rewriter, loc, type, {OpFoldResult(n)});
    Type et = type.getElementType();
    Value v =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
            SmallVector<AffineMap>{identityMap(rewriter.getContext(), 1)},
            parallelIters(1),
            [&](OpBuilder &b, Location l, ValueRange) {
              Value i = linalg::IndexOp::create(b, l, 0);
              Value e = arith::AddIOp::create(
                  b, l, start, arith::MulIOp::create(b, l, i, delta));
              linalg::YieldOp::create(
                  b, l, arith::IndexCastOp::create(b, l, et, e).getResult());
            })
            .getResult(0);
    rewriter.replaceOp(op, v);
    return success();
  }
};

/// Keeps col - row <= diagonal (>= for upper) in the last two dimensions,
/// zero (false) elsewhere.
struct TriluLowering : OpConversionPattern<tfm::TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = op.getType();
    int64_t rank = type.getRank();
    int64_t diagonal = op.getDiagonal();
    bool upper = op.getUpper();
    Type et = type.getElementType();
    Value v = emitElementwise(
        rewriter, op.getLoc(), type, {adaptor.getInput()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value row = linalg::IndexOp::create(b, l, rank - 2);
          Value col = linalg::IndexOp::create(b, l, rank - 1);
          Value diff = arith::SubIOp::create(b, l, col, row);
          Value keep = arith::CmpIOp::create(
              b, l,
              upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
              diff, arith::ConstantIndexOp::create(b, l, diagonal));
          return arith::SelectOp::create(b, l, keep, a[0],
                                         scalarConst(b, l, et, 0));
        });
    rewriter.replaceOp(op, v);
    return success();
  }
};

} // namespace

void mlir::tfc::populateTfmMathToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<UnaryLowering<tfm::SqrtOp>>(ctx, mathBody<math::SqrtOp>,
                                           nullptr);
  patterns.add<UnaryLowering<tfm::ReciprocalOp>>(ctx, reciprocalBody, nullptr);
  patterns.add<UnaryLowering<tfm::ExpOp>>(ctx, mathBody<math::ExpOp>, nullptr);
  patterns.add<UnaryLowering<tfm::LogOp>>(ctx, mathBody<math::LogOp>, nullptr);
  patterns.add<UnaryLowering<tfm::TanhOp>>(ctx, mathBody<math::TanhOp>,
                                           nullptr);
  patterns.add<UnaryLowering<tfm::ErfOp>>(ctx, mathBody<math::ErfOp>, nullptr);
  patterns.add<UnaryLowering<tfm::SigmoidOp>>(ctx, sigmoidBody, nullptr);
  patterns.add<UnaryLowering<tfm::ReluOp>>(ctx, reluBody, nullptr);
  patterns.add<UnaryLowering<tfm::CosOp>>(ctx, mathBody<math::CosOp>, nullptr);
  patterns.add<UnaryLowering<tfm::SinOp>>(ctx, mathBody<math::SinOp>, nullptr);
  patterns.add<UnaryLowering<tfm::NegOp>>(ctx, negFloatBody, negIntBody);
  patterns.add<UnaryLowering<tfm::AbsOp>>(ctx, mathBody<math::AbsFOp>,
                                          mathBody<math::AbsIOp>);
  patterns.add<UnaryLowering<tfm::NotOp>>(ctx, nullptr, notBody);
  patterns.add<
      PowLowering,
      CompareLowering<tfm::EqualOp, arith::CmpFPredicate::OEQ,
                      arith::CmpIPredicate::eq, arith::CmpIPredicate::eq>,
      CompareLowering<tfm::LessOp, arith::CmpFPredicate::OLT,
                      arith::CmpIPredicate::slt, arith::CmpIPredicate::ult>,
      CompareLowering<tfm::GreaterOp, arith::CmpFPredicate::OGT,
                      arith::CmpIPredicate::sgt, arith::CmpIPredicate::ugt>,
      WhereLowering, ReduceLowering<tfm::ReduceSumOp, ReduceKind::Sum>,
      ReduceLowering<tfm::ReduceMeanOp, ReduceKind::Mean>,
      ReduceLowering<tfm::ReduceMaxOp, ReduceKind::Max>, MatmulLowering,
      RangeLowering, TriluLowering>(ctx);
}
