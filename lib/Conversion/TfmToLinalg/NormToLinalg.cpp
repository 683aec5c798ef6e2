//===- NormToLinalg.cpp - norms, residual norms and softmax ---------------===//
//
// Reductions accumulate in f32 whatever the storage type. Each op becomes a
// short chain of linalg.generic ops: row statistics (reductions over one
// axis) followed by one elementwise normalization. The residual norms
// (add_layer_norm, add_rms_norm) compute the sum and its first row statistic
// in one generic with two outputs, so that x and the residual are read once.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "tfc/Conversion/TfmToLinalg/TfmToLinalg.h"
#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace mlir::tfc::lowering;

namespace {

/// Map of the rank-n loop nest onto a tensor without dimension `axis`.
AffineMap dropDimMap(MLIRContext *ctx, unsigned n, unsigned axis) {
  SmallVector<AffineExpr> exprs;
  for (unsigned i = 0; i < n; ++i)
    if (i != axis)
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(n, 0, exprs, ctx);
}

/// Map of the rank-n loop nest onto a 1-D tensor indexed by dimension `dim`.
AffineMap singleDimMap(MLIRContext *ctx, unsigned n, unsigned dim) {
  return AffineMap::get(n, 0, {getAffineDimExpr(dim, ctx)}, ctx);
}

/// Reduces `input` along `axis` into an f32 tensor (the input shape without
/// `axis`), starting from `init`; `combine(acc, x, extraScalars)` gives the
/// new accumulator. `extras` are read with the reduced map (row values).
Value reduceAlongAxis(
    OpBuilder &b, Location loc, Value input, unsigned axis, double init,
    ValueRange extras,
    function_ref<Value(OpBuilder &, Location, Value, Value, ValueRange)>
        combine) {
  auto inType = cast<RankedTensorType>(input.getType());
  unsigned rank = inType.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  SmallVector<OpFoldResult> inSizes = tensor::getMixedSizes(b, loc, input);
  for (unsigned i = 0; i < rank; ++i)
    if (i != axis) {
      shape.push_back(inType.getDimSize(i));
      sizes.push_back(inSizes[i]);
    }
  auto accType = RankedTensorType::get(shape, b.getF32Type());
  Value acc = createFilled(b, loc, accType, sizes,
                           floatConst(b, loc, b.getF32Type(), init));
  SmallVector<AffineMap> maps{identityMap(ctx, rank)};
  SmallVector<Value> inputs{input};
  for (Value e : extras) {
    inputs.push_back(e);
    maps.push_back(dropDimMap(ctx, rank, axis));
  }
  maps.push_back(dropDimMap(ctx, rank, axis));
  SmallVector<utils::IteratorType> iters = parallelIters(rank);
  iters[axis] = utils::IteratorType::reduction;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{accType}, inputs, ValueRange{acc}, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value x = extendToF32(nb, nl, args[0]);
        Value r =
            combine(nb, nl, args.back(), x, args.drop_front().drop_back());
        linalg::YieldOp::create(nb, nl, r);
      });
  return generic.getResult(0);
}

/// The size of dimension `dim` of `v` as an f32 scalar.
Value dimAsF32(OpBuilder &b, Location loc, Value v, unsigned dim) {
  auto t = cast<RankedTensorType>(v.getType());
  if (!t.isDynamicDim(dim))
    return floatConst(b, loc, b.getF32Type(),
                      static_cast<double>(t.getDimSize(dim)));
  return indexToF32(b, loc, tensor::DimOp::create(b, loc, v, dim));
}

/// Emits the final elementwise pass over the input's shape. Row tensors are
/// read without the last dimension, per-feature tensors by the last one.
Value emitRowwise(
    OpBuilder &b, Location loc, Value input, ValueRange rows,
    ValueRange features,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange, ValueRange)>
        fn) {
  auto type = cast<RankedTensorType>(input.getType());
  unsigned rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> inputs{input};
  SmallVector<AffineMap> maps{identityMap(ctx, rank)};
  for (Value r : rows) {
    inputs.push_back(r);
    maps.push_back(dropLastDimMap(ctx, rank));
  }
  for (Value f : features) {
    inputs.push_back(f);
    maps.push_back(singleDimMap(ctx, rank, rank - 1));
  }
  maps.push_back(identityMap(ctx, rank));
  Value init = createEmpty(b, loc, type, tensor::getMixedSizes(b, loc, input));
  size_t nRows = rows.size();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, inputs, ValueRange{init}, maps,
      parallelIters(rank), [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value x = extendToF32(nb, nl, args[0]);
        SmallVector<Value> feats;
        for (Value f : args.slice(1 + nRows, features.size()))
          feats.push_back(extendToF32(nb, nl, f));
        Value r = fn(nb, nl, x, args.slice(1, nRows), feats);
        linalg::YieldOp::create(nb, nl,
                                truncateTo(nb, nl, r, type.getElementType()));
      });
  return generic.getResult(0);
}

Value addF(OpBuilder &b, Location l, Value a, Value c) {
  return arith::AddFOp::create(b, l, a, c);
}
Value mulF(OpBuilder &b, Location l, Value a, Value c) {
  return arith::MulFOp::create(b, l, a, c);
}

/// Combines a row accumulator with one f32 element.
using RowCombine = function_ref<Value(OpBuilder &, Location, Value, Value)>;

Value sumCombine(OpBuilder &b, Location l, Value acc, Value v) {
  return addF(b, l, acc, v);
}
Value sumSquaresCombine(OpBuilder &b, Location l, Value acc, Value v) {
  return addF(b, l, acc, mulF(b, l, v, v));
}

/// One pass over `x` and `residual` (same type): returns the elementwise sum
/// (added in f32 and stored in the storage type, as tfm.add computes it) and
/// its row reduction along the last dimension (in f32), from one linalg.generic
/// with two outputs.
std::pair<Value, Value> addAndReduceRows(OpBuilder &b, Location loc, Value x,
                                         Value residual, RowCombine combine) {
  auto type = cast<RankedTensorType>(x.getType());
  unsigned rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  SmallVector<OpFoldResult> rowSizes(sizes.begin(), sizes.end() - 1);
  auto accType =
      RankedTensorType::get(type.getShape().drop_back(), b.getF32Type());
  Value sumInit = createEmpty(b, loc, type, sizes);
  Value acc = createFilled(b, loc, accType, rowSizes,
                           floatConst(b, loc, b.getF32Type(), 0.0));
  SmallVector<AffineMap> maps{identityMap(ctx, rank), identityMap(ctx, rank),
                              identityMap(ctx, rank),
                              dropLastDimMap(ctx, rank)};
  SmallVector<utils::IteratorType> iters = parallelIters(rank);
  iters.back() = utils::IteratorType::reduction;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type, accType}, ValueRange{x, residual},
      ValueRange{sumInit, acc}, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        // Rounded to the storage type first, as tfm.add does: the
        // statistics are those of the stored sum.
        Value s = inF32(nb, nl, args.take_front(2), type.getElementType(),
                        [&](ValueRange v) { return addF(nb, nl, v[0], v[1]); });
        Value r = combine(nb, nl, args[3], extendToF32(nb, nl, s));
        linalg::YieldOp::create(nb, nl, ValueRange{s, r});
      });
  return {generic.getResult(0), generic.getResult(1)};
}

/// layer_norm of `x` given its width `n` and row sums `sum` (f32): a second
/// reduction for the variance, then the normalization.
Value emitLayerNorm(OpBuilder &builder, Location loc, Value x, Value n,
                    Value sum, Value scale, Value bias, float eps) {
  unsigned last = cast<RankedTensorType>(x.getType()).getRank() - 1;
  // Two-pass variance: sum((x - mean)^2), stable for large means.
  Value sq = reduceAlongAxis(
      builder, loc, x, last, 0.0, {sum},
      [&](OpBuilder &b, Location l, Value acc, Value v, ValueRange row) {
        Value mean = arith::DivFOp::create(b, l, row[0], n);
        Value d = arith::SubFOp::create(b, l, v, mean);
        return addF(b, l, acc, mulF(b, l, d, d));
      });
  SmallVector<Value> features{scale};
  if (bias)
    features.push_back(bias);
  return emitRowwise(
      builder, loc, x, {sum, sq}, features,
      [&](OpBuilder &b, Location l, Value v, ValueRange row, ValueRange feat) {
        Value mean = arith::DivFOp::create(b, l, row[0], n);
        Value var = arith::DivFOp::create(b, l, row[1], n);
        Value inv = math::RsqrtOp::create(
            b, l, addF(b, l, var, floatConst(b, l, b.getF32Type(), eps)));
        Value y = mulF(b, l, arith::SubFOp::create(b, l, v, mean), inv);
        y = mulF(b, l, y, feat[0]);
        return feat.size() > 1 ? addF(b, l, y, feat[1]) : y;
      });
}

/// rms_norm of `x` given its width `n` and row sums of squares `sq` (f32).
Value emitRMSNorm(OpBuilder &builder, Location loc, Value x, Value n, Value sq,
                  Value scale, float eps) {
  return emitRowwise(
      builder, loc, x, {sq}, {scale},
      [&](OpBuilder &b, Location l, Value v, ValueRange row, ValueRange feat) {
        Value ms = arith::DivFOp::create(b, l, row[0], n);
        Value inv = math::RsqrtOp::create(
            b, l, addF(b, l, ms, floatConst(b, l, b.getF32Type(), eps)));
        return mulF(b, l, mulF(b, l, v, inv), feat[0]);
      });
}

struct LayerNormLowering : OpConversionPattern<tfm::LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    unsigned last = op.getType().getRank() - 1;
    Value n = dimAsF32(rewriter, loc, x, last);
    Value sum = reduceAlongAxis(rewriter, loc, x, last, 0.0, {},
                                [](OpBuilder &b, Location l, Value acc, Value v,
                                   ValueRange) { return addF(b, l, acc, v); });
    rewriter.replaceOp(op, emitLayerNorm(rewriter, loc, x, n, sum,
                                         adaptor.getScale(), adaptor.getBias(),
                                         op.getEpsilon().convertToFloat()));
    return success();
  }
};

struct RMSNormLowering : OpConversionPattern<tfm::RMSNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::RMSNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    unsigned last = op.getType().getRank() - 1;
    Value n = dimAsF32(rewriter, loc, x, last);
    Value sq = reduceAlongAxis(
        rewriter, loc, x, last, 0.0, {},
        [](OpBuilder &b, Location l, Value acc, Value v, ValueRange) {
          return sumSquaresCombine(b, l, acc, v);
        });
    rewriter.replaceOp(op,
                       emitRMSNorm(rewriter, loc, x, n, sq, adaptor.getScale(),
                                   op.getEpsilon().convertToFloat()));
    return success();
  }
};

/// The sum and its row sums in one generic; the variance and the
/// normalization then read the sum.
struct AddLayerNormLowering : OpConversionPattern<tfm::AddLayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::AddLayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    Value n = dimAsF32(rewriter, loc, x, op.getSum().getType().getRank() - 1);
    auto [sum, rowSum] =
        addAndReduceRows(rewriter, loc, x, adaptor.getResidual(), sumCombine);
    Value out =
        emitLayerNorm(rewriter, loc, sum, n, rowSum, adaptor.getScale(),
                      adaptor.getBias(), op.getEpsilon().convertToFloat());
    rewriter.replaceOp(op, ValueRange{sum, out});
    return success();
  }
};

/// The sum and its row sums of squares in one generic; the normalization
/// then reads the sum.
struct AddRMSNormLowering : OpConversionPattern<tfm::AddRMSNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::AddRMSNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    Value n = dimAsF32(rewriter, loc, x, op.getSum().getType().getRank() - 1);
    auto [sum, sq] = addAndReduceRows(rewriter, loc, x, adaptor.getResidual(),
                                      sumSquaresCombine);
    Value out = emitRMSNorm(rewriter, loc, sum, n, sq, adaptor.getScale(),
                            op.getEpsilon().convertToFloat());
    rewriter.replaceOp(op, ValueRange{sum, out});
    return success();
  }
};

struct SoftmaxLowering : OpConversionPattern<tfm::SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = op.getType();
    unsigned rank = type.getRank();
    unsigned axis = op.getNormalizedAxis();
    MLIRContext *ctx = rewriter.getContext();
    Value max = reduceAlongAxis(
        rewriter, loc, x, axis, -std::numeric_limits<double>::infinity(), {},
        [](OpBuilder &b, Location l, Value acc, Value v, ValueRange) {
          return Value(arith::MaximumFOp::create(b, l, acc, v));
        });
    Value sum = reduceAlongAxis(
        rewriter, loc, x, axis, 0.0, {max},
        [](OpBuilder &b, Location l, Value acc, Value v, ValueRange row) {
          Value e =
              math::ExpOp::create(b, l, arith::SubFOp::create(b, l, v, row[0]));
          return addF(b, l, acc, e);
        });
    Value init = createEmpty(rewriter, loc, type,
                             tensor::getMixedSizes(rewriter, loc, x));
    SmallVector<AffineMap> maps{
        identityMap(ctx, rank), dropDimMap(ctx, rank, axis),
        dropDimMap(ctx, rank, axis), identityMap(ctx, rank)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{x, max, sum},
        ValueRange{init}, maps, parallelIters(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = extendToF32(b, l, args[0]);
          Value e = math::ExpOp::create(
              b, l, arith::SubFOp::create(b, l, v, args[1]));
          Value p = arith::DivFOp::create(b, l, e, args[2]);
          linalg::YieldOp::create(b, l,
                                  truncateTo(b, l, p, type.getElementType()));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::tfc::populateTfmNormToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LayerNormLowering, RMSNormLowering, AddLayerNormLowering,
               AddRMSNormLowering, SoftmaxLowering>(patterns.getContext());
}
