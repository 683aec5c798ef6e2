//===- LinearToLinalg.cpp - linear layers and embedding lookups -----------===//

#include "LoweringUtils.h"

#include "tfc/Conversion/TfmToLinalg/TfmToLinalg.h"
#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::tfc::lowering;

namespace {

/// linear(x[..., K], W) -> y[..., N] as one contraction. The accumulator is
/// initialized with the broadcast bias (or zero), so the bias add costs no
/// extra pass. Narrow float types accumulate in f32 and are truncated once.
struct LinearLowering : OpConversionPattern<tfm::LinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = op.getType();
    unsigned r = resultType.getRank(); // loops: r result dims + k
    Value x = adaptor.getInput();

    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, x);
    sizes.back() = rewriter.getIndexAttr(op.getOutFeatures());
    auto accType = RankedTensorType::get(resultType.getShape(),
                                         rewriter.getF32Type());

    Value acc;
    Value zero = floatConst(rewriter, loc, rewriter.getF32Type(), 0.0);
    if (Value bias = adaptor.getBias()) {
      Value empty = createEmpty(rewriter, loc, accType, sizes);
      SmallVector<AffineMap> maps{
          AffineMap::get(r, 0, {getAffineDimExpr(r - 1, ctx)}, ctx),
          identityMap(ctx, r)};
      acc = linalg::GenericOp::create(
                rewriter, loc, TypeRange{accType}, ValueRange{bias},
                ValueRange{empty}, maps, parallelIters(r),
                [&](OpBuilder &b, Location l, ValueRange args) {
                  linalg::YieldOp::create(b, l, extendToF32(b, l, args[0]));
                })
                .getResult(0);
    } else {
      acc = createFilled(rewriter, loc, accType, sizes, zero);
    }

    SmallVector<AffineExpr> xExprs, outExprs;
    for (unsigned i = 0; i + 1 < r; ++i) {
      xExprs.push_back(getAffineDimExpr(i, ctx));
      outExprs.push_back(getAffineDimExpr(i, ctx));
    }
    AffineExpr n = getAffineDimExpr(r - 1, ctx), k = getAffineDimExpr(r, ctx);
    xExprs.push_back(k);
    outExprs.push_back(n);
    AffineMap wMap =
        op.getWeightLayout() == tfm::WeightLayout::OutIn
            ? AffineMap::get(r + 1, 0, {n, k}, ctx)
            : AffineMap::get(r + 1, 0, {k, n}, ctx);
    SmallVector<AffineMap> maps{AffineMap::get(r + 1, 0, xExprs, ctx), wMap,
                                AffineMap::get(r + 1, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iters = parallelIters(r + 1);
    iters.back() = utils::IteratorType::reduction;
    Value y = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{accType},
                  ValueRange{x, adaptor.getWeight()}, ValueRange{acc}, maps,
                  iters,
                  [&](OpBuilder &b, Location l, ValueRange args) {
                    Value p = arith::MulFOp::create(
                        b, l, extendToF32(b, l, args[0]),
                        extendToF32(b, l, args[1]));
                    linalg::YieldOp::create(b, l, Value(arith::AddFOp::create(b, l, args[2], p)));
                  })
                  .getResult(0);

    y = truncateTensor(rewriter, loc, y, resultType);
    rewriter.replaceOp(op, y);
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
    int64_t vocab = op.getTable().getType().getDimSize(0);

    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, ids);
    sizes.push_back(tensor::getMixedSize(rewriter, loc, table, 1));
    Value init = createEmpty(rewriter, loc, resultType, sizes);
    SmallVector<AffineMap> maps{dropLastDimMap(ctx, r), identityMap(ctx, r)};
    Value out =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{resultType}, ValueRange{ids},
            ValueRange{init}, maps, parallelIters(r),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value id = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                    args[0]);
              Value lo = arith::ConstantIndexOp::create(b, l, 0);
              Value hi = arith::ConstantIndexOp::create(b, l, vocab - 1);
              id = arith::MaxSIOp::create(b, l, id, lo);
              id = arith::MinSIOp::create(b, l, id, hi);
              Value col = linalg::IndexOp::create(b, l, r - 1);
              Value v = tensor::ExtractOp::create(b, l, table,
                                                  ValueRange{id, col});
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void mlir::tfc::populateTfmLinearToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LinearLowering, EmbeddingLowering>(patterns.getContext());
}
