//===- LoweringUtils.cpp - helpers shared by the tfm lowerings ------------===//

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"

using namespace mlir;

namespace mlir::tfc::lowering {

SmallVector<utils::IteratorType> parallelIters(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                  ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> dyn;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dyn.push_back(getValueOrCreateConstantIndexOp(b, loc, sizes[i]));
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(),
                                 dyn);
}

Value createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                   ArrayRef<OpFoldResult> sizes, Value fillValue) {
  Value empty = createEmpty(b, loc, type, sizes);
  return linalg::FillOp::create(b, loc, ValueRange{fillValue},
                                ValueRange{empty})
      .getResult(0);
}

Value floatConst(OpBuilder &b, Location loc, Type t, double v) {
  return arith::ConstantOp::create(b, loc, t, b.getFloatAttr(t, v));
}

Value extendToF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

Value truncateTo(OpBuilder &b, Location loc, Value v, Type t) {
  if (v.getType() == t)
    return v;
  return arith::TruncFOp::create(b, loc, t, v);
}

Type accumulatorType(Type t) { return Float32Type::get(t.getContext()); }

AffineMap identityMap(MLIRContext *ctx, unsigned n) {
  return AffineMap::getMultiDimIdentityMap(n, ctx);
}

AffineMap dropLastDimMap(MLIRContext *ctx, unsigned n) {
  SmallVector<AffineExpr> exprs;
  for (unsigned i = 0; i + 1 < n; ++i)
    exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(n, 0, exprs, ctx);
}

Value truncateTensor(OpBuilder &b, Location loc, Value f32Tensor,
                     RankedTensorType target) {
  auto srcType = cast<RankedTensorType>(f32Tensor.getType());
  if (srcType.getElementType() == target.getElementType())
    return f32Tensor;
  unsigned r = srcType.getRank();
  auto resultType =
      RankedTensorType::get(srcType.getShape(), target.getElementType());
  Value empty =
      createEmpty(b, loc, resultType, tensor::getMixedSizes(b, loc, f32Tensor));
  SmallVector<AffineMap> maps(2, identityMap(b.getContext(), r));
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{f32Tensor},
             ValueRange{empty}, maps, parallelIters(r),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l, truncateTo(nb, l, args[0], target.getElementType()));
             })
      .getResult(0);
}

Value indexToF32(OpBuilder &b, Location loc, Value index) {
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  return arith::SIToFPOp::create(b, loc, b.getF32Type(), i64);
}

/// Map reading `operand` (aligned at the trailing dimension) inside a loop
/// nest of the result's rank.
AffineMap broadcastMap(RankedTensorType operand, RankedTensorType result) {
  MLIRContext *ctx = result.getContext();
  int64_t r = result.getRank(), t = operand.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t j = 0; j < t; ++j) {
    int64_t i = r - t + j;
    if (operand.getDimSize(j) == 1 && result.getDimSize(i) != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(i, ctx));
  }
  return AffineMap::get(r, 0, exprs, ctx);
}

/// Emits result = fn(operands...) elementwise with numpy broadcasting.
Value emitElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                      ValueRange operands, ScalarFn fn) {
  int64_t r = resultType.getRank();
  // A dynamic dimension that only size-1 operands reach is 1.
  SmallVector<OpFoldResult> sizes(r, b.getIndexAttr(1));
  for (int64_t i = 0; i < r; ++i) {
    if (!resultType.isDynamicDim(i))
      continue;
    // Dynamic dimensions are never broadcast: take one from an operand
    // that has this dimension.
    for (Value v : operands) {
      auto t = cast<RankedTensorType>(v.getType());
      int64_t j = i - (r - t.getRank());
      if (j >= 0 && t.getDimSize(j) != 1) {
        sizes[i] = tensor::getMixedSize(b, loc, v, j);
        break;
      }
    }
  }
  SmallVector<AffineMap> maps;
  for (Value v : operands)
    maps.push_back(
        broadcastMap(cast<RankedTensorType>(v.getType()), resultType));
  maps.push_back(identityMap(b.getContext(), r));
  Value init = createEmpty(b, loc, resultType, sizes);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
      parallelIters(r), [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value v = fn(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, v);
      });
  return generic.getResult(0);
}

/// Applies a float function in f32 and converts back to the element type.
Value inF32(OpBuilder &b, Location loc, ValueRange args, Type elemType,
            function_ref<Value(ValueRange)> fn) {
  SmallVector<Value> ext;
  for (Value a : args)
    ext.push_back(extendToF32(b, loc, a));
  return truncateTo(b, loc, fn(ext), elemType);
}

} // namespace mlir::tfc::lowering

void mlir::tfc::lowering::yieldMultiplyAccumulate(OpBuilder &b, Location loc,
                                                  ValueRange args) {
  Value p = arith::MulFOp::create(b, loc, extendToF32(b, loc, args[0]),
                                  extendToF32(b, loc, args[1]));
  auto fm = arith::FastMathFlagsAttr::get(b.getContext(),
                                          arith::FastMathFlags::reassoc |
                                              arith::FastMathFlags::contract);
  linalg::YieldOp::create(b, loc,
                          Value(arith::AddFOp::create(b, loc, args[2], p, fm)));
}
