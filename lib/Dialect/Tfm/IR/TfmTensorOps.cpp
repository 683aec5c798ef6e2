//===- TfmTensorOps.cpp - weight, cast, reshape, transpose, arithmetic ----===//

#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "VerifyUtils.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::tfm;
using tfm::verify::formatShape;

#define GET_OP_CLASSES
#include "tfc/Dialect/Tfm/IR/TfmOps.cpp.inc"

//===----------------------------------------------------------------------===//
// WeightOp
//===----------------------------------------------------------------------===//

LogicalResult WeightOp::verify() {
  if (getName().empty())
    return emitOpError("weight name must not be empty");
  auto type = getType();
  std::optional<uint64_t> panels = getPanels();
  if (panels && (type.getRank() != 3 ||
                 type.getDimSize(2) != static_cast<int64_t>(*panels)))
    return emitOpError("with panels ")
           << *panels << " the result must be [N / " << *panels << ", K, "
           << *panels << "], got " << formatShape(type);
  if (auto perm = getPermutation()) {
    // With panels, the permutation applies to the [K, N] matrix the panels
    // are cut from.
    int64_t rank = panels ? 2 : type.getRank();
    SmallVector<bool> seen(rank, false);
    bool ok = static_cast<int64_t>(perm->size()) == rank;
    for (int64_t p : *perm) {
      ok = ok && p >= 0 && p < rank && !seen[p];
      if (ok)
        seen[p] = true;
    }
    if (!ok)
      return emitOpError("permutation ")
             << formatShape(*perm) << " is not a permutation of [0, " << rank
             << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // cast(cast(x : A -> B) : B -> A) is x when A -> B was a lossless float
  // widening (e.g. f16 -> f32 -> f16).
  if (auto inner = getInput().getDefiningOp<CastOp>()) {
    Type a = getElementTypeOrSelf(inner.getInput().getType());
    Type b = getElementTypeOrSelf(inner.getType());
    auto fa = dyn_cast<FloatType>(a);
    auto fb = dyn_cast<FloatType>(b);
    if (inner.getInput().getType() == getType() && fa && fb &&
        fb.getFPMantissaWidth() >= fa.getFPMantissaWidth() &&
        fb.getWidth() > fa.getWidth())
      return inner.getInput();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

static int64_t staticProduct(ArrayRef<int64_t> shape) {
  int64_t p = 1;
  for (int64_t d : shape)
    if (!ShapedType::isDynamic(d))
      p *= d;
  return p;
}

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType();
  auto out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("result element type ")
           << out.getElementType() << " must match the input element type "
           << in.getElementType();
  if (out.getNumDynamicDims() > 1)
    return emitOpError("result may have at most one dynamic dimension, got ")
           << out.getNumDynamicDims() << " in " << formatShape(out);
  int64_t inProd = staticProduct(in.getShape());
  int64_t outProd = staticProduct(out.getShape());
  if (in.hasStaticShape() && out.hasStaticShape() && inProd != outProd)
    return emitOpError("cannot reshape ")
           << formatShape(in) << " (" << inProd << " elements) into "
           << formatShape(out) << " (" << outProd << " elements)";
  if (in.hasStaticShape() && !out.hasStaticShape() &&
      (outProd == 0 || inProd % outProd != 0))
    return emitOpError("cannot reshape ")
           << formatShape(in) << " (" << inProd << " elements) into "
           << formatShape(out) << ": " << inProd
           << " is not a multiple of the static dimensions' product "
           << outProd;
  if (!in.hasStaticShape() && out.hasStaticShape() &&
      (inProd == 0 || outProd % inProd != 0))
    return emitOpError("cannot reshape ")
           << formatShape(in) << " into " << formatShape(out) << " (" << outProd
           << " elements): not a multiple of " << inProd;
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  // A reshape is determined by the element count alone, so a chain of
  // reshapes is one reshape and a reshape to the same type is the identity.
  if (getInput().getType() == getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (getType().hasStaticShape())
      return dense.reshape(getType());
  return {};
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::verify() {
  auto in = getInput().getType();
  auto out = getType();
  ArrayRef<int64_t> perm = getPermutation();
  int64_t rank = in.getRank();
  if (static_cast<int64_t>(perm.size()) != rank)
    return emitOpError("permutation has ")
           << perm.size() << " entries but the input has rank " << rank;
  SmallVector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitOpError("permutation ")
             << formatShape(perm) << " is not a permutation of [0, " << rank
             << ")";
    seen[p] = true;
  }
  if (out.getRank() != rank)
    return emitOpError("result rank ")
           << out.getRank() << " does not match the input rank " << rank;
  if (in.getElementType() != out.getElementType())
    return emitOpError("result element type ")
           << out.getElementType() << " must match the input element type "
           << in.getElementType();
  for (int64_t i = 0; i < rank; ++i)
    if (!tfm::verify::dimsCompatible(out.getDimSize(i), in.getDimSize(perm[i])))
      return emitOpError("result dimension ")
             << i << " is " << out.getDimSize(i) << " but input dimension "
             << perm[i] << " is " << in.getDimSize(perm[i]);
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())) &&
      getInput().getType() == getType())
    return getInput();
  // transpose(transpose(x, p), q) == transpose(x, p o q).
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> innerPerm = inner.getPermutation();
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(innerPerm[p]);
    getInputMutable().assign(inner.getInput());
    setPermutation(composed);
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Broadcasting binary ops
//===----------------------------------------------------------------------===//

static LogicalResult verifyBroadcastBinary(Operation *op) {
  auto lhs = cast<RankedTensorType>(op->getOperand(0).getType());
  auto rhs = cast<RankedTensorType>(op->getOperand(1).getType());
  auto res = cast<RankedTensorType>(op->getResult(0).getType());
  if (lhs.getElementType() != rhs.getElementType() ||
      lhs.getElementType() != res.getElementType())
    return op->emitOpError("operand and result element types must match, got ")
           << lhs.getElementType() << ", " << rhs.getElementType() << " -> "
           << res.getElementType();
  return tfm::verify::verifyBroadcastResult(
      op, {op->getOperand(0), op->getOperand(1)}, res);
}

/// The splat right operand that makes `x op c` exactly x.
enum class Identity { NegZero, PosZero, One };

static bool isIdentity(Attribute v, Identity id) {
  if (auto f = dyn_cast<FloatAttr>(v)) {
    const APFloat &x = f.getValue();
    switch (id) {
    case Identity::NegZero: // x + -0.0 == x, also for x = -0.0
      return x.isZero() && x.isNegative();
    case Identity::PosZero: // x - +0.0 == x, also for x = -0.0
      return x.isZero() && !x.isNegative();
    case Identity::One:
      return x.isExactlyValue(1.0);
    }
  }
  if (auto i = dyn_cast<IntegerAttr>(v))
    return id == Identity::One ? i.getValue().isOne() : i.getValue().isZero();
  return false;
}

/// `x op c` where c is an identity splat folds to x (when no broadcast
/// changes x's type); two constants of the result type fold.
template <typename FloatFn, typename IntFn>
static OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands,
                               Identity identity, FloatFn fFn, IntFn iFn) {
  Value lhs = op->getOperand(0);
  Type resultType = op->getResult(0).getType();
  if (lhs.getType() == resultType)
    if (auto splat = dyn_cast_or_null<SplatElementsAttr>(operands[1]))
      if (isIdentity(splat.getSplatValue<Attribute>(), identity))
        return lhs;
  if (op->getOperand(0).getType() != resultType ||
      op->getOperand(1).getType() != resultType)
    return {};
  if (isa<FloatType>(getElementTypeOrSelf(resultType)))
    return constFoldBinaryOpConditional<FloatAttr, APFloat, void>(
        operands, resultType, fFn);
  if (isa<IntegerType>(getElementTypeOrSelf(resultType)))
    return constFoldBinaryOpConditional<IntegerAttr, APInt, void>(
        operands, resultType, iFn);
  return {};
}

#define TFM_BINARY_VERIFY(OP)                                                  \
  LogicalResult OP::verify() { return verifyBroadcastBinary(*this); }
TFM_BINARY_VERIFY(AddOp)
TFM_BINARY_VERIFY(SubOp)
TFM_BINARY_VERIFY(MulOp)
TFM_BINARY_VERIFY(DivOp)
TFM_BINARY_VERIFY(PowOp)
#undef TFM_BINARY_VERIFY

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), Identity::NegZero,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a + b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a + b;
      });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), Identity::PosZero,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a - b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a - b;
      });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), Identity::One,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a * b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a * b;
      });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  // Integer division is not folded: division by zero has no value.
  return foldBinary(
      *this, adaptor.getOperands(), Identity::One,
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a / b;
      },
      [](const APInt &, const APInt &) -> std::optional<APInt> {
        return std::nullopt;
      });
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  // x ^ 1 == x; constants are left to the lowering (pow is rare in folds).
  return foldBinary(
      *this, adaptor.getOperands(), Identity::One,
      [](const APFloat &, const APFloat &) -> std::optional<APFloat> {
        return std::nullopt;
      },
      [](const APInt &, const APInt &) -> std::optional<APInt> {
        return std::nullopt;
      });
}
