//===- LinearToLinalg.cpp - linear layers and embedding lookups -----------===//

#include "LoweringUtils.h"

#include "tfc/Conversion/TfmToLinalg/TfmToLinalg.h"
#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::tfc::lowering;

namespace {

/// The bias broadcast over the rows of `init` (f32, [..., N]), in f32:
/// written over `init`, or added to it with `accumulate`.
Value broadcastBias(OpBuilder &b, Location loc, Value bias, Value init,
                    bool accumulate) {
  MLIRContext *ctx = b.getContext();
  unsigned r = cast<RankedTensorType>(init.getType()).getRank();
  SmallVector<AffineMap> maps{
      AffineMap::get(r, 0, {getAffineDimExpr(r - 1, ctx)}, ctx),
      identityMap(ctx, r)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{bias},
             ValueRange{init}, maps, parallelIters(r),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value v = extendToF32(nb, l, args[0]);
               if (accumulate)
                 v = arith::AddFOp::create(nb, l, args[1], v);
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

/// The accumulator of a linear layer: the broadcast bias, or zeros, in f32.
Value createAccumulator(OpBuilder &b, Location loc, RankedTensorType accType,
                        ArrayRef<OpFoldResult> sizes, Value bias) {
  if (!bias)
    return createFilled(b, loc, accType, sizes,
                        floatConst(b, loc, b.getF32Type(), 0.0));
  return broadcastBias(b, loc, bias, createEmpty(b, loc, accType, sizes),
                       /*accumulate=*/false);
}

/// acc[M, N] + x[M, K] . W where W is stored as panels w[N / P, K, P]: a
/// generic over (m, b, p, k) that writes acc viewed as [M, N / P, P].
Value panelMatmul(OpBuilder &b, Location loc, Value x, Value w, Value acc,
                  OpFoldResult m) {
  MLIRContext *ctx = b.getContext();
  auto wType = cast<RankedTensorType>(w.getType());
  auto accType = cast<RankedTensorType>(acc.getType());
  int64_t blocks = wType.getDimSize(0), p = wType.getDimSize(2);
  auto acc3Type = RankedTensorType::get({accType.getDimSize(0), blocks, p},
                                        accType.getElementType());
  SmallVector<ReassociationIndices> split{{0}, {1, 2}};
  Value acc3 = tensor::ExpandShapeOp::create(
      b, loc, acc3Type, acc, split,
      SmallVector<OpFoldResult>{m, b.getIndexAttr(blocks), b.getIndexAttr(p)});
  AffineExpr dm = getAffineDimExpr(0, ctx), db = getAffineDimExpr(1, ctx),
             dp = getAffineDimExpr(2, ctx), dk = getAffineDimExpr(3, ctx);
  SmallVector<AffineMap> maps{AffineMap::get(4, 0, {dm, dk}, ctx),
                              AffineMap::get(4, 0, {db, dk, dp}, ctx),
                              AffineMap::get(4, 0, {dm, db, dp}, ctx)};
  SmallVector<utils::IteratorType> iters = parallelIters(4);
  iters.back() = utils::IteratorType::reduction;
  Value y = linalg::GenericOp::create(b, loc, TypeRange{acc3Type},
                                      ValueRange{x, w}, ValueRange{acc3}, maps,
                                      iters, yieldMultiplyAccumulate)
                .getResult(0);
  return tensor::CollapseShapeOp::create(b, loc, accType, y, split);
}

/// linear with an [K, N] or panel weight: one 2-D linalg.matmul (or panel
/// contraction) over the flattened leading dimensions, accumulating in f32
/// on top of the bias. This is the form the CPU tiling and vectorization
/// passes target.
Value lowerPacked(OpBuilder &b, Location loc, tfm::LinearOp op, Value x,
                  Value w, Value bias) {
  auto resultType = op.getType();
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t r = xType.getRank();
  int64_t k = op.getInFeatures(), n = op.getOutFeatures();
  SmallVector<OpFoldResult> xSizes = tensor::getMixedSizes(b, loc, x);

  // x as [M, K].
  Value x2 = x;
  OpFoldResult m = b.getIndexAttr(1);
  if (r == 1) {
    x2 = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1, k}, xType.getElementType()), x,
        SmallVector<ReassociationIndices>{{0, 1}},
        SmallVector<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(k)});
  } else if (r > 2) {
    ReassociationIndices lead;
    for (int64_t i = 0; i + 1 < r; ++i)
      lead.push_back(i);
    x2 = tensor::CollapseShapeOp::create(
        b, loc, x, SmallVector<ReassociationIndices>{lead, {r - 1}});
  }
  if (r >= 2)
    m = tensor::getMixedSize(b, loc, x2, 0);

  int64_t rows = cast<RankedTensorType>(x2.getType()).getDimSize(0);
  auto accType = RankedTensorType::get({rows, n}, b.getF32Type());
  Value y;
  if (op.getWeightLayout() != tfm::WeightLayout::Panels) {
    Value acc =
        createAccumulator(b, loc, accType, {m, b.getIndexAttr(n)}, bias);
    y = linalg::MatmulOp::create(b, loc, TypeRange{accType}, ValueRange{x2, w},
                                 ValueRange{acc})
            .getResult(0);
  } else {
    // A padded last panel (N not a multiple of P) computes its extra columns
    // into a wider accumulator; the result is its first N columns, and the
    // bias is added to those.
    auto wType = cast<RankedTensorType>(w.getType());
    int64_t padded = wType.getDimSize(0) * wType.getDimSize(2);
    bool isPadded = op.hasPaddedPanels();
    auto fullType = RankedTensorType::get({rows, padded}, b.getF32Type());
    Value acc = createAccumulator(b, loc, fullType, {m, b.getIndexAttr(padded)},
                                  isPadded ? Value() : bias);
    y = panelMatmul(b, loc, x2, w, acc, m);
    if (isPadded) {
      y = tensor::ExtractSliceOp::create(
          b, loc, accType, y, {b.getIndexAttr(0), b.getIndexAttr(0)},
          {m, b.getIndexAttr(n)}, {b.getIndexAttr(1), b.getIndexAttr(1)});
      if (bias)
        y = broadcastBias(b, loc, bias, y, /*accumulate=*/true);
    }
  }

  // Back to the input's leading dimensions.
  auto yType = RankedTensorType::get(resultType.getShape(), b.getF32Type());
  if (r == 1) {
    y = tensor::CollapseShapeOp::create(
        b, loc, y, SmallVector<ReassociationIndices>{{0, 1}});
  } else if (r > 2) {
    ReassociationIndices lead;
    for (int64_t i = 0; i + 1 < r; ++i)
      lead.push_back(i);
    SmallVector<OpFoldResult> outSizes(xSizes.begin(), xSizes.end() - 1);
    outSizes.push_back(b.getIndexAttr(n));
    y = tensor::ExpandShapeOp::create(
        b, loc, yType, y, SmallVector<ReassociationIndices>{lead, {r - 1}},
        outSizes);
  }
  if (y.getType() != yType)
    y = tensor::CastOp::create(b, loc, yType, y);
  return truncateTensor(b, loc, y, resultType);
}

/// linear(x[..., K], W) -> y[..., N]. An [N, K] (out_in) weight that was not
/// repacked (e.g. a function argument) gets one generic contraction.
struct LinearLowering : OpConversionPattern<tfm::LinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (op.getWeightLayout() != tfm::WeightLayout::OutIn) {
      rewriter.replaceOp(op,
                         lowerPacked(rewriter, loc, op, adaptor.getInput(),
                                     adaptor.getWeight(), adaptor.getBias()));
      return success();
    }
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = op.getType();
    unsigned r = resultType.getRank(); // loops: r result dims + k
    Value x = adaptor.getInput();

    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, x);
    sizes.back() = rewriter.getIndexAttr(op.getOutFeatures());
    auto accType =
        RankedTensorType::get(resultType.getShape(), rewriter.getF32Type());
    Value acc =
        createAccumulator(rewriter, loc, accType, sizes, adaptor.getBias());

    SmallVector<AffineExpr> xExprs, outExprs;
    for (unsigned i = 0; i + 1 < r; ++i) {
      xExprs.push_back(getAffineDimExpr(i, ctx));
      outExprs.push_back(getAffineDimExpr(i, ctx));
    }
    AffineExpr n = getAffineDimExpr(r - 1, ctx), k = getAffineDimExpr(r, ctx);
    xExprs.push_back(k);
    outExprs.push_back(n);
    SmallVector<AffineMap> maps{AffineMap::get(r + 1, 0, xExprs, ctx),
                                AffineMap::get(r + 1, 0, {n, k}, ctx),
                                AffineMap::get(r + 1, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iters = parallelIters(r + 1);
    iters.back() = utils::IteratorType::reduction;
    Value y = linalg::GenericOp::create(rewriter, loc, TypeRange{accType},
                                        ValueRange{x, adaptor.getWeight()},
                                        ValueRange{acc}, maps, iters,
                                        yieldMultiplyAccumulate)
                  .getResult(0);
    rewriter.replaceOp(op, truncateTensor(rewriter, loc, y, resultType));
    return success();
  }
};

/// embedding(table[V, D], ids[...]) -> out[..., D]: a generic over the
/// output whose body gathers with tensor.extract. Ids are clamped to
/// [0, V) so a bad id can never read outside the table (the runtime rejects
/// out-of-range ids before they get here).
struct EmbeddingLowering : OpConversionPattern<tfm::EmbeddingOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::EmbeddingOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = op.getType();
    unsigned r = resultType.getRank();
    Value table = adaptor.getTable();
    Value ids = adaptor.getIndices();
    auto tableType = op.getTable().getType();
    // A panel table [V / P, D, P] holds row v at [v / P, :, v % P].
    int64_t panel = tableType.getRank() == 3 ? tableType.getDimSize(2) : 0;
    int64_t vocab =
        panel ? tableType.getDimSize(0) * panel : tableType.getDimSize(0);

    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, ids);
    sizes.push_back(tensor::getMixedSize(rewriter, loc, table, 1));
    Value init = createEmpty(rewriter, loc, resultType, sizes);
    SmallVector<AffineMap> maps{dropLastDimMap(ctx, r), identityMap(ctx, r)};
    Value out =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{resultType}, ValueRange{ids},
            ValueRange{init}, maps, parallelIters(r),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value id =
                  arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
              Value lo = arith::ConstantIndexOp::create(b, l, 0);
              Value hi = arith::ConstantIndexOp::create(b, l, vocab - 1);
              id = arith::MaxSIOp::create(b, l, id, lo);
              id = arith::MinSIOp::create(b, l, id, hi);
              Value col = linalg::IndexOp::create(b, l, r - 1);
              SmallVector<Value> at{id, col};
              if (panel) {
                Value p = arith::ConstantIndexOp::create(b, l, panel);
                at = {arith::DivUIOp::create(b, l, id, p), col,
                      arith::RemUIOp::create(b, l, id, p)};
              }
              Value v = tensor::ExtractOp::create(b, l, table, at);
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void mlir::tfc::populateTfmLinearToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LinearLowering, EmbeddingLowering>(patterns.getContext());
}
