//===- ShapeToTensor.cpp - reshape and transpose --------------------------===//

#include "LoweringUtils.h"

#include "tfc/Conversion/TfmToLinalg/TfmToLinalg.h"
#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::tfc::lowering;

namespace {

/// Number of elements of `v` as an index value.
Value numElements(OpBuilder &b, Location loc, Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  Value n = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t i = 0; i < t.getRank(); ++i)
    n = arith::MulIOp::create(b, loc, n,
                              getValueOrCreateConstantIndexOp(
                                  b, loc, tensor::getMixedSize(b, loc, v, i)));
  return n;
}

Value castIfNeeded(OpBuilder &b, Location loc, Value v, Type t) {
  if (v.getType() == t)
    return v;
  return tensor::CastOp::create(b, loc, t, v);
}

/// Row-major reshape: one collapse_shape or expand_shape when the two shapes
/// are related by grouping dimensions, otherwise collapse to 1-D and expand.
/// The single dynamic result dimension is numel / (product of the others).
struct ReshapeLowering : OpConversionPattern<tfm::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value src = adaptor.getInput();
    auto srcType = cast<RankedTensorType>(src.getType());
    auto dstType = op.getType();

    // With a static source the dynamic result dimension is known.
    RankedTensorType refined = dstType;
    int64_t staticProd = 1;
    int64_t dynIdx = -1;
    for (int64_t i = 0; i < dstType.getRank(); ++i) {
      if (dstType.isDynamicDim(i))
        dynIdx = i;
      else
        staticProd *= dstType.getDimSize(i);
    }
    if (dynIdx >= 0 && srcType.hasStaticShape() && staticProd != 0) {
      SmallVector<int64_t> shape(dstType.getShape());
      shape[dynIdx] = srcType.getNumElements() / staticProd;
      refined = RankedTensorType::get(shape, dstType.getElementType());
    }

    // Output sizes of the expansion, computed once.
    auto outputSizes = [&]() {
      SmallVector<OpFoldResult> sizes;
      for (int64_t i = 0; i < refined.getRank(); ++i) {
        if (!refined.isDynamicDim(i)) {
          sizes.push_back(rewriter.getIndexAttr(refined.getDimSize(i)));
          continue;
        }
        Value n = numElements(rewriter, loc, src);
        Value p = arith::ConstantIndexOp::create(rewriter, loc, staticProd);
        sizes.push_back(
            arith::DivUIOp::create(rewriter, loc, n, p).getResult());
      }
      return sizes;
    };

    Value result;
    if (srcType.getRank() == 0 || refined.getRank() == 0) {
      // Scalars: every dimension is 1; expand/collapse with no groups.
      if (srcType.getRank() == 0) {
        auto t =
            RankedTensorType::get(SmallVector<int64_t>(refined.getRank(), 1),
                                  refined.getElementType());
        result = tensor::ExpandShapeOp::create(
            rewriter, loc, t, src, SmallVector<ReassociationIndices>{},
            SmallVector<OpFoldResult>(refined.getRank(),
                                      rewriter.getIndexAttr(1)));
      } else {
        Value s = castIfNeeded(
            rewriter, loc, src,
            RankedTensorType::get(SmallVector<int64_t>(srcType.getRank(), 1),
                                  srcType.getElementType()));
        result = tensor::CollapseShapeOp::create(
            rewriter, loc, s, SmallVector<ReassociationIndices>{});
      }
    } else if (srcType.getRank() > refined.getRank()) {
      if (auto re = getReassociationIndicesForReshape(srcType, refined))
        result = tensor::CollapseShapeOp::create(rewriter, loc, src, *re);
    } else if (srcType.getRank() < refined.getRank()) {
      if (auto re = getReassociationIndicesForReshape(refined, srcType))
        result = tensor::ExpandShapeOp::create(rewriter, loc, refined, src, *re,
                                               outputSizes());
    }
    if (!result) {
      // General case through 1-D.
      ReassociationIndices all;
      for (int64_t i = 0; i < srcType.getRank(); ++i)
        all.push_back(i);
      Value flat = tensor::CollapseShapeOp::create(
          rewriter, loc, src, SmallVector<ReassociationIndices>{all});
      if (refined.hasStaticShape())
        flat = castIfNeeded(rewriter, loc, flat,
                            RankedTensorType::get({refined.getNumElements()},
                                                  refined.getElementType()));
      if (refined.getRank() == 1) {
        result = flat;
      } else {
        ReassociationIndices out;
        for (int64_t i = 0; i < refined.getRank(); ++i)
          out.push_back(i);
        result = tensor::ExpandShapeOp::create(
            rewriter, loc, refined, flat,
            SmallVector<ReassociationIndices>{out}, outputSizes());
      }
    }
    rewriter.replaceOp(op, castIfNeeded(rewriter, loc, result, dstType));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<tfm::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(tfm::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value src = adaptor.getInput();
    ArrayRef<int64_t> perm = op.getPermutation();
    SmallVector<OpFoldResult> srcSizes =
        tensor::getMixedSizes(rewriter, loc, src);
    SmallVector<OpFoldResult> sizes;
    for (int64_t p : perm)
      sizes.push_back(srcSizes[p]);
    Value init = createEmpty(rewriter, loc, op.getType(), sizes);
    auto t = linalg::TransposeOp::create(rewriter, loc, src, init, perm);
    rewriter.replaceOp(op, t.getResult()[0]);
    return success();
  }
};

} // namespace

void mlir::tfc::populateTfmShapeToTensorPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering>(patterns.getContext());
}
