//===- TfmMathOps.cpp - verifiers of the fine-grained math ops ------------===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "VerifyUtils.h"

using namespace mlir;
using namespace mlir::tfm;
using tfm::verify::formatShape;
using tfm::verify::verifyBroadcastResult;

//===----------------------------------------------------------------------===//
// Comparisons and selection
//===----------------------------------------------------------------------===//

static LogicalResult verifyCompare(Operation *op) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  if (getElementTypeOrSelf(lhs) != getElementTypeOrSelf(rhs))
    return op->emitOpError("operand element types must match, got ")
           << getElementTypeOrSelf(lhs) << " and " << getElementTypeOrSelf(rhs);
  return verifyBroadcastResult(op, {lhs, rhs},
                               cast<RankedTensorType>(op->getResultTypes()[0]));
}

LogicalResult EqualOp::verify() { return verifyCompare(*this); }
LogicalResult LessOp::verify() { return verifyCompare(*this); }
LogicalResult GreaterOp::verify() { return verifyCompare(*this); }

LogicalResult WhereOp::verify() {
  Type elt = getElementTypeOrSelf(getResult());
  if (getElementTypeOrSelf(getTrueValue()) != elt ||
      getElementTypeOrSelf(getFalseValue()) != elt)
    return emitOpError("value and result element types must match, got ")
           << getElementTypeOrSelf(getTrueValue()) << ", "
           << getElementTypeOrSelf(getFalseValue()) << " -> " << elt;
  return verifyBroadcastResult(
      *this, {getCondition(), getTrueValue(), getFalseValue()},
      getResult().getType());
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

static LogicalResult verifyReduce(Operation *op, ArrayRef<int64_t> axes,
                                  bool keepDims) {
  auto in = cast<RankedTensorType>(op->getOperand(0).getType());
  auto out = cast<RankedTensorType>(op->getResultTypes()[0]);
  if (in.getElementType() != out.getElementType())
    return op->emitOpError("result element type ")
           << out.getElementType() << " differs from the input's "
           << in.getElementType();
  for (auto [i, a] : llvm::enumerate(axes)) {
    if (a < 0 || a >= in.getRank())
      return op->emitOpError("axis ")
             << a << " is out of range for an input of rank " << in.getRank();
    if (i && axes[i - 1] >= a)
      return op->emitOpError("axes must be sorted and unique");
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(in.getDimSize(d));
    else if (keepDims)
      shape.push_back(1);
  }
  bool ok = out.getRank() == static_cast<int64_t>(shape.size());
  for (int64_t i = 0; ok && i < out.getRank(); ++i)
    ok = tfm::verify::dimsCompatible(out.getDimSize(i), shape[i]);
  if (!ok)
    return op->emitOpError("result shape ")
           << formatShape(out) << " does not match the reduced shape "
           << formatShape(shape);
  return success();
}

LogicalResult ReduceSumOp::verify() {
  return verifyReduce(*this, getAxes(), getKeepDims());
}
LogicalResult ReduceMeanOp::verify() {
  if (!isa<FloatType>(getElementTypeOrSelf(getInput())))
    return emitOpError("needs a float input, got ")
           << getElementTypeOrSelf(getInput());
  return verifyReduce(*this, getAxes(), getKeepDims());
}
LogicalResult ReduceMaxOp::verify() {
  return verifyReduce(*this, getAxes(), getKeepDims());
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  auto lhs = getLhs().getType(), rhs = getRhs().getType();
  auto out = getResult().getType();
  if (lhs.getElementType() != rhs.getElementType() ||
      lhs.getElementType() != out.getElementType())
    return emitOpError("operand and result element types must match");
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOpError("operands must have rank 2 or more, got ")
           << formatShape(lhs) << " and " << formatShape(rhs);
  int64_t k1 = lhs.getDimSize(lhs.getRank() - 1);
  int64_t k2 = rhs.getDimSize(rhs.getRank() - 2);
  if (!tfm::verify::dimsCompatible(k1, k2))
    return emitOpError("contraction dimensions differ: ")
           << formatShape(lhs) << " x " << formatShape(rhs);
  int64_t badDim = 0;
  auto batch = tfm::verify::broadcastShapes(
      lhs.getShape().drop_back(2), rhs.getShape().drop_back(2), badDim);
  if (failed(batch))
    return emitOpError("batch dimensions of ")
           << formatShape(lhs) << " and " << formatShape(rhs)
           << " are not broadcast-compatible";
  SmallVector<int64_t> shape(*batch);
  shape.push_back(lhs.getDimSize(lhs.getRank() - 2));
  shape.push_back(rhs.getDimSize(rhs.getRank() - 1));
  bool ok = out.getRank() == static_cast<int64_t>(shape.size());
  for (int64_t i = 0; ok && i < out.getRank(); ++i)
    ok = tfm::verify::dimsCompatible(out.getDimSize(i), shape[i]);
  if (!ok)
    return emitOpError("result shape ")
           << formatShape(out) << " does not match the product shape "
           << formatShape(shape);
  return success();
}

//===----------------------------------------------------------------------===//
// TriluOp
//===----------------------------------------------------------------------===//

LogicalResult TriluOp::verify() {
  if (getInput().getType().getRank() < 2)
    return emitOpError("needs an input of rank 2 or more, got ")
           << formatShape(getInput().getType());
  return success();
}
