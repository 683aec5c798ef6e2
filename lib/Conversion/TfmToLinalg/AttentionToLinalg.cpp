//===- AttentionToLinalg.cpp - rotary embedding and attention -------------===//
//
// Attention lowers to: optional KV-cache update (insert_slice) and read-back
// of the valid prefix (extract_slice), Q.K^T as a contraction whose key map
// folds grouped-query heads (h floordiv group), scale + causal mask, a
// tfm.softmax (lowered by its own pattern) and P.V as a second contraction.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "tfc/Conversion/TfmToLinalg/TfmToLinalg.h"
#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfc::lowering;

namespace {

struct RotaryLowering : OpConversionPattern<tfm::RotaryOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::RotaryOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = op.getType();
    Value x = adaptor.getInput();
    int64_t rot = op.getEffectiveRotaryDim();
    int64_t half = rot / 2;
    bool interleaved = op.getInterleaved();

    // inv_freq[j] = theta^(-2j / rot), rounded to f32 as HF computes it.
    float theta = op.getTheta().convertToFloat();
    SmallVector<float> invFreq;
    for (int64_t j = 0; j < half; ++j)
      invFreq.push_back(1.0f / std::pow(theta, static_cast<float>(2 * j) /
                                                   static_cast<float>(rot)));
    auto freqType = RankedTensorType::get({half}, rewriter.getF32Type());
    Value freqs = arith::ConstantOp::create(
        rewriter, loc, freqType,
        DenseElementsAttr::get(freqType, ArrayRef<float>(invFreq)));

    AffineExpr s = getAffineDimExpr(0, ctx), i = getAffineDimExpr(2, ctx);
    AffineExpr pair = interleaved ? (i % rot).floorDiv(2) : i % half;
    SmallVector<AffineMap> maps{
        identityMap(ctx, 3), AffineMap::get(3, 0, {s}, ctx),
        AffineMap::get(3, 0, {pair}, ctx), identityMap(ctx, 3)};
    Value init = createEmpty(rewriter, loc, type,
                             tensor::getMixedSizes(rewriter, loc, x));
    Value out =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type},
            ValueRange{x, adaptor.getPositions(), freqs}, ValueRange{init},
            maps, parallelIters(3),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value si = linalg::IndexOp::create(b, l, 0);
              Value hi = linalg::IndexOp::create(b, l, 1);
              Value di = linalg::IndexOp::create(b, l, 2);
              auto cst = [&](int64_t v) {
                return arith::ConstantIndexOp::create(b, l, v);
              };
              Value rotated = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::slt, di, cst(rot));
              // The first element of each pair gets -partner * sin.
              Value first;
              Value partner;
              if (interleaved) {
                Value odd = arith::RemUIOp::create(b, l, di, cst(2));
                first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                              odd, cst(0));
                partner = arith::SelectOp::create(
                    b, l, first, arith::AddIOp::create(b, l, di, cst(1)),
                    arith::SubIOp::create(b, l, di, cst(1)));
              } else {
                first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                              di, cst(half));
                partner = arith::SelectOp::create(
                    b, l, first, arith::AddIOp::create(b, l, di, cst(half)),
                    arith::SubIOp::create(b, l, di, cst(half)));
              }
              // Pass-through features read themselves (always in bounds).
              partner = arith::SelectOp::create(b, l, rotated, partner, di);
              Value xv = extendToF32(b, l, args[0]);
              Value pv = extendToF32(b, l,
                                     tensor::ExtractOp::create(
                                         b, l, x, ValueRange{si, hi, partner}));
              Value posF =
                  arith::SIToFPOp::create(b, l, b.getF32Type(), args[1]);
              Value angle = arith::MulFOp::create(b, l, posF, args[2]);
              Value c = math::CosOp::create(b, l, angle);
              Value sn = math::SinOp::create(b, l, angle);
              Value ps = arith::MulFOp::create(b, l, pv, sn);
              Value signedPs = arith::SelectOp::create(
                  b, l, first, arith::NegFOp::create(b, l, ps), ps);
              Value y = arith::AddFOp::create(
                  b, l, arith::MulFOp::create(b, l, xv, c), signedPs);
              y = arith::SelectOp::create(b, l, rotated, y, xv);
              linalg::YieldOp::create(
                  b, l, truncateTo(b, l, y, type.getElementType()));
            })
            .getResult(0);
    rewriter.replaceOp(op, out);
    return success();
  }
};

struct AttentionLowering : OpConversionPattern<tfm::AttentionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type f32 = rewriter.getF32Type();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    Value q = adaptor.getQuery();
    Value k = adaptor.getKey();
    Value v = adaptor.getValue();
    auto qType = op.getQuery().getType();
    int64_t hq = qType.getDimSize(1);
    int64_t hkv = op.getKey().getType().getDimSize(1);
    int64_t group = hq / hkv;
    int64_t dv = op.getValue().getType().getDimSize(2);

    SmallVector<Value> replacements;
    Value keys = k, values = v;
    if (op.hasKVCache()) {
      Value pos = adaptor.getCachePosition();
      auto write = [&](Value cache, Value rows) {
        SmallVector<OpFoldResult> offsets{pos, rewriter.getIndexAttr(0),
                                          rewriter.getIndexAttr(0)};
        SmallVector<OpFoldResult> strides(3, rewriter.getIndexAttr(1));
        return tensor::InsertSliceOp::create(
                   rewriter, loc, rows, cache, offsets,
                   tensor::getMixedSizes(rewriter, loc, rows), strides)
            .getResult();
      };
      Value kc = write(adaptor.getKeyCache(), k);
      Value vc = write(adaptor.getValueCache(), v);
      Value newRows = tensor::DimOp::create(rewriter, loc, k, 0);
      Value total = arith::AddIOp::create(rewriter, loc, pos, newRows);
      auto read = [&](Value cache) {
        auto cacheType = cast<RankedTensorType>(cache.getType());
        SmallVector<OpFoldResult> offsets(3, rewriter.getIndexAttr(0));
        SmallVector<OpFoldResult> sizes{
            total, rewriter.getIndexAttr(cacheType.getDimSize(1)),
            rewriter.getIndexAttr(cacheType.getDimSize(2))};
        SmallVector<OpFoldResult> strides(3, rewriter.getIndexAttr(1));
        auto sliceType = RankedTensorType::get({ShapedType::kDynamic,
                                                cacheType.getDimSize(1),
                                                cacheType.getDimSize(2)},
                                               cacheType.getElementType());
        return tensor::ExtractSliceOp::create(rewriter, loc, sliceType, cache,
                                              offsets, sizes, strides)
            .getResult();
      };
      keys = read(kc);
      values = read(vc);
      replacements = {Value(), kc, vc};
    }

    Value sq = tensor::DimOp::create(rewriter, loc, q, 0);
    Value skv = tensor::DimOp::create(rewriter, loc, keys, 0);
    // Queries are the last Sq positions of the key sequence.
    Value offset = arith::SubIOp::create(rewriter, loc, skv, sq);

    // scores[h, i, j] = scale * sum_d q[i, h, d] * k[j, h / group, d], with
    // masked entries set to -inf.
    AffineExpr h = getAffineDimExpr(0, ctx), i = getAffineDimExpr(1, ctx),
               j = getAffineDimExpr(2, ctx), d = getAffineDimExpr(3, ctx);
    auto scoresType = RankedTensorType::get(
        {hq, ShapedType::kDynamic, ShapedType::kDynamic}, f32);
    SmallVector<OpFoldResult> scoreSizes{rewriter.getIndexAttr(hq), sq, skv};
    Value zero = floatConst(rewriter, loc, f32, 0.0);
    Value acc = createFilled(rewriter, loc, scoresType, scoreSizes, zero);
    Value scores =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{scoresType}, ValueRange{q, keys},
            ValueRange{acc},
            SmallVector<AffineMap>{
                AffineMap::get(4, 0, {i, h, d}, ctx),
                AffineMap::get(4, 0, {j, h.floorDiv(group), d}, ctx),
                AffineMap::get(4, 0, {h, i, j}, ctx)},
            SmallVector<utils::IteratorType>{
                utils::IteratorType::parallel, utils::IteratorType::parallel,
                utils::IteratorType::parallel, utils::IteratorType::reduction},
            yieldMultiplyAccumulate)
            .getResult(0);

    double scale = op.getEffectiveScale();
    bool causal = op.getCausal();
    Value masked =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{scoresType}, ValueRange{scores},
            ValueRange{createEmpty(rewriter, loc, scoresType, scoreSizes)},
            SmallVector<AffineMap>(2, identityMap(ctx, 3)), parallelIters(3),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value s = arith::MulFOp::create(b, l, args[0],
                                              floatConst(b, l, f32, scale));
              if (causal) {
                Value row = linalg::IndexOp::create(b, l, 1);
                Value col = linalg::IndexOp::create(b, l, 2);
                Value limit = arith::AddIOp::create(b, l, row, offset);
                Value hidden = arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::sgt, col, limit);
                Value ninf = floatConst(
                    b, l, f32, -std::numeric_limits<double>::infinity());
                s = arith::SelectOp::create(b, l, hidden, ninf, s);
              }
              linalg::YieldOp::create(b, l, s);
            })
            .getResult(0);
    Value probs = tfm::SoftmaxOp::create(rewriter, loc, masked,
                                         rewriter.getI64IntegerAttr(-1));

    // out[i, h, e] = sum_j probs[h, i, j] * v[j, h / group, e]. The
    // reduction over j is not innermost: the inner loop over e then runs
    // along contiguous rows of v and of the output (a vectorizable axpy).
    AffineExpr oi = getAffineDimExpr(0, ctx), oh = getAffineDimExpr(1, ctx),
               oj = getAffineDimExpr(2, ctx), oe = getAffineDimExpr(3, ctx);
    auto outF32 = RankedTensorType::get(resultType.getShape(), f32);
    SmallVector<OpFoldResult> outSizes{sq, rewriter.getIndexAttr(hq),
                                       rewriter.getIndexAttr(dv)};
    Value outAcc = createFilled(rewriter, loc, outF32, outSizes, zero);
    Value out =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{outF32}, ValueRange{probs, values},
            ValueRange{outAcc},
            SmallVector<AffineMap>{
                AffineMap::get(4, 0, {oh, oi, oj}, ctx),
                AffineMap::get(4, 0, {oj, oh.floorDiv(group), oe}, ctx),
                AffineMap::get(4, 0, {oi, oh, oe}, ctx)},
            SmallVector<utils::IteratorType>{
                utils::IteratorType::parallel, utils::IteratorType::parallel,
                utils::IteratorType::reduction, utils::IteratorType::parallel},
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value p = arith::MulFOp::create(b, l, args[0],
                                              extendToF32(b, l, args[1]));
              linalg::YieldOp::create(
                  b, l, Value(arith::AddFOp::create(b, l, args[2], p)));
            })
            .getResult(0);
    out = truncateTensor(rewriter, loc, out, resultType);
    if (replacements.empty()) {
      rewriter.replaceOp(op, ValueRange{out});
    } else {
      replacements[0] = out;
      rewriter.replaceOp(op, replacements);
    }
    return success();
  }
};

} // namespace

void mlir::tfc::populateTfmAttentionToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<RotaryLowering, AttentionLowering>(patterns.getContext());
}
