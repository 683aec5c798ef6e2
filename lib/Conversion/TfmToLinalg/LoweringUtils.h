//===- LoweringUtils.h - helpers shared by the tfm lowerings ----*- C++ -*-===//

#ifndef TFC_LIB_CONVERSION_TFMTOLINALG_LOWERINGUTILS_H
#define TFC_LIB_CONVERSION_TFMTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::tfc::lowering {

/// All-parallel iterator list of length n.
SmallVector<utils::IteratorType> parallelIters(unsigned n);

/// tensor.empty of `type`, taking each dynamic size from `sizes` (one
/// OpFoldResult per dimension; static entries are ignored).
Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                  ArrayRef<OpFoldResult> sizes);

/// A filled tensor of `type` (dynamic sizes as in createEmpty).
Value createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                   ArrayRef<OpFoldResult> sizes, Value fillValue);

/// Scalar float constant of type `t`.
Value floatConst(OpBuilder &b, Location loc, Type t, double v);

/// Math is done in f32 for f16/bf16 tensors: extend / truncate scalars.
Value extendToF32(OpBuilder &b, Location loc, Value v);
Value truncateTo(OpBuilder &b, Location loc, Value v, Type t);

/// Body of a contraction's linalg.generic: yields acc + a * b (args a, b,
/// acc), a and b extended to f32. The add is reassociable so that a dot
/// product whose reduction is the innermost, contiguous loop vectorizes.
void yieldMultiplyAccumulate(OpBuilder &b, Location loc, ValueRange args);

/// The accumulator type for reductions over tensors of element type `t`.
Type accumulatorType(Type t);

/// Identity map of rank n, and the map (d0..dn-1) -> (d0..dn-2) that drops
/// the last dimension (per-row reductions).
AffineMap identityMap(MLIRContext *ctx, unsigned n);
AffineMap dropLastDimMap(MLIRContext *ctx, unsigned n);

/// Converts an f32 tensor to `target` (same shape) elementwise; returns the
/// input unchanged when it already has that element type.
Value truncateTensor(OpBuilder &b, Location loc, Value f32Tensor,
                     RankedTensorType target);

/// Index scalar to f32 (through i64).
Value indexToF32(OpBuilder &b, Location loc, Value index);

/// Scalar body of an elementwise generic: the operands' elements in, the
/// result element out.
using ScalarFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// Map reading `operand` (aligned at the trailing dimension) inside a loop
/// nest of the result's rank; its size-1 dimensions that the result
/// stretches read index 0.
AffineMap broadcastMap(RankedTensorType operand, RankedTensorType result);

/// Emits result = fn(operands...) elementwise with numpy broadcasting as one
/// all-parallel linalg.generic. Dynamic result sizes come from an operand
/// that has the dimension (dynamic dimensions are never broadcast).
Value emitElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                      ValueRange operands, ScalarFn fn);

/// Applies a float function in f32 and converts back to `elemType`.
Value inF32(OpBuilder &b, Location loc, ValueRange args, Type elemType,
            function_ref<Value(ValueRange)> fn);

} // namespace mlir::tfc::lowering

#endif // TFC_LIB_CONVERSION_TFMTOLINALG_LOWERINGUTILS_H
