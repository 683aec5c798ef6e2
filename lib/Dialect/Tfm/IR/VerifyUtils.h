//===- VerifyUtils.h - shared helpers for tfm verifiers ---------*- C++ -*-===//
//
// Formatting and shape helpers so every verifier prints shapes the same way
// ("[?, 768]") and checks dynamic dimensions with the same rule.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_DIALECT_TFM_IR_VERIFYUTILS_H
#define TFC_LIB_DIALECT_TFM_IR_VERIFYUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"
#include <string>

namespace mlir::tfm::verify {

/// "[?, 12, 64]"
std::string formatShape(ArrayRef<int64_t> shape);
inline std::string formatShape(Type type) {
  return formatShape(cast<ShapedType>(type).getShape());
}

/// Two dimensions are compatible when equal or when either is dynamic.
inline bool dimsCompatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Numpy broadcast of two shapes; fails when a pair of static dimensions
/// differs and neither is 1. On failure `badDim` is the offending dimension
/// counted from the end (-1 = last).
FailureOr<SmallVector<int64_t>>
broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b, int64_t &badDim);

/// Checks that `result` has the numpy broadcast shape of `operands`
/// ("operand shapes [3] and [4] are not broadcast-compatible (dimension -1:
/// 3 vs 4)" / "result shape ... does not match the broadcast shape ...").
LogicalResult verifyBroadcastResult(Operation *op, ArrayRef<Value> operands,
                                    RankedTensorType result);

} // namespace mlir::tfm::verify

#endif // TFC_LIB_DIALECT_TFM_IR_VERIFYUTILS_H
