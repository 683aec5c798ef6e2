//===- FusionMatchers.h - helpers shared by the chain-fusion passes -*- C++
//-*-===//
//
// Small matchers the fusion passes (FuseNorms, FuseActivations,
// FuseLinearBias) use to recognise the primitive chains exporters write:
// scalar constants, single-user intermediates, operands of commutative ops
// and per-feature vectors. Header-only: every helper is a few lines.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_DIALECT_TFM_TRANSFORMS_FUSIONMATCHERS_H
#define TFC_LIB_DIALECT_TFM_TRANSFORMS_FUSIONMATCHERS_H

#include "tfc/Dialect/Tfm/IR/TfmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <optional>
#include <string>

namespace mlir::tfm::fusion {

/// The value of a float constant with one element (rank 0 or all dimensions
/// 1, e.g. `tensor<f32>`, `tensor<1xf32>`), or of a float splat.
inline std::optional<double> getScalarConstant(Value v) {
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  if (!isa<FloatType>(attr.getElementType()) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

/// The relative tolerance for comparing a constant of type `elem` with the
/// exact value the pattern expects: 1e-4 for f32 (exporters round constants
/// such as sqrt(2/pi) to f32), about one rounding step for f16 and bf16.
inline double constantTolerance(Type elem) {
  if (elem.isF16())
    return 1e-3;
  if (elem.isBF16())
    return 1e-2;
  return 1e-4;
}

/// Whether `value` equals `expected` within the relative tolerance `tol`.
inline bool approxEqual(double value, double expected, double tol = 1e-4) {
  return std::fabs(value - expected) <= tol * std::fabs(expected);
}

/// Whether the scalar constant `v` is approximately `expected`.
inline bool isConstantNear(Value v, double expected) {
  std::optional<double> c = getScalarConstant(v);
  return c &&
         approxEqual(*c, expected, constantTolerance(getElementTypeOrSelf(v)));
}

/// Formats a constant for a near-miss reason, to 6 significant digits
/// ("0.6", "1.41421", "2").
inline std::string formatConstant(double v) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%g", v);
  return s;
}

/// Whether every use of `v` is in `user` (one op may use it twice, as
/// `mul(d, d)` does).
inline bool onlyUsedBy(Value v, Operation *user) {
  return llvm::all_of(v.getUsers(), [&](Operation *u) { return u == user; }) &&
         !v.use_empty();
}

/// The single op using `v` (possibly several times), or null.
inline Operation *soleUser(Value v) {
  if (v.use_empty())
    return nullptr;
  Operation *first = *v.getUsers().begin();
  return onlyUsedBy(v, first) ? first : nullptr;
}

/// The next op of a chain after `v`: its single user. Otherwise null, with
/// `reason` saying that `v` (described by `what`) has other users.
inline Operation *chainUser(Value v, llvm::StringRef what,
                            std::string &reason) {
  if (Operation *user = soleUser(v))
    return user;
  reason = v.use_empty()
               ? (what + " is unused").str()
               : ("intermediate value (" + what + ") has other users").str();
  return nullptr;
}

/// For a binary op with operands (a, b): the operand that is not `v`, or null
/// when neither is `v`. With `commutative` false, `v` must be the lhs.
template <typename BinOp>
Value otherOperand(BinOp op, Value v, bool commutative = true) {
  if (op.getLhs() == v)
    return op.getRhs();
  if (commutative && op.getRhs() == v)
    return op.getLhs();
  return nullptr;
}

/// Whether the binary op `op` leaves the type of its operand `v` unchanged,
/// i.e. the other operand broadcasts into `v` without growing it.
inline bool keepsType(Operation *op, Value v) {
  return op->getResult(0).getType() == v.getType();
}

/// `pow(x, 2)` or `mul(x, x)`: returns x, or null.
inline Value matchSquare(Operation *op) {
  if (auto pow = dyn_cast_or_null<PowOp>(op))
    return isConstantNear(pow.getRhs(), 2.0) && keepsType(pow, pow.getLhs())
               ? pow.getLhs()
               : Value();
  if (auto mul = dyn_cast_or_null<MulOp>(op))
    return mul.getLhs() == mul.getRhs() ? mul.getLhs() : Value();
  return nullptr;
}

/// Whether `reduce` reduces only the last dimension of its input, keeping
/// it. Otherwise sets `reason`.
inline bool reducesLastAxisKeepingIt(ReduceMeanOp reduce, std::string &reason) {
  auto type = cast<RankedTensorType>(reduce.getInput().getType());
  ArrayRef<int64_t> axes = reduce.getAxes();
  int64_t last = type.getRank() - 1;
  if (axes.size() != 1 || axes[0] != last) {
    std::string list;
    llvm::raw_string_ostream os(list);
    llvm::interleaveComma(axes, os);
    reason = llvm::formatv("reduction is over axes [{0}], not the last axis "
                           "({1})",
                           list, last)
                 .str();
    return false;
  }
  if (!reduce.getKeepDims()) {
    reason = "reduction drops the reduced dimension (no keep_dims)";
    return false;
  }
  return true;
}

/// Whether `v` has the shape of a vector over the last dimension of `target`:
/// `[N]` or `[1, ..., 1, N]` (rank at most that of `target`), N static and
/// equal to the last dimension of `target` (or that dimension dynamic), with
/// the same element type.
inline bool isFeatureVector(Value v, RankedTensorType target) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() < 1 || type.getRank() > target.getRank() ||
      !type.hasStaticShape() ||
      type.getElementType() != target.getElementType())
    return false;
  ArrayRef<int64_t> shape = type.getShape();
  for (int64_t d : shape.drop_back())
    if (d != 1)
      return false;
  int64_t n = target.getShape().back();
  return ShapedType::isDynamic(n) || n == shape.back();
}

/// Whether `v` is a model parameter: computed from `tfm.weight`s and
/// constants only (through casts, reshapes, `1 + w` and the like), never from
/// an activation. Bias and scale vectors must be parameters, so that a
/// residual add of shape [1, 1, N] is not mistaken for a bias.
inline bool isParameter(Value v, unsigned depth = 0) {
  Operation *def = v.getDefiningOp();
  if (!def || depth > 8)
    return false;
  if (isa<WeightOp>(def) || def->hasTrait<OpTrait::ConstantLike>())
    return true;
  if (!isPure(def) || def->getNumRegions() != 0 || def->getNumOperands() == 0)
    return false;
  return llvm::all_of(def->getOperands(), [&](Value operand) {
    return isParameter(operand, depth + 1);
  });
}

/// `v` as a rank-1 tensor: itself when already 1-D, a reshaped constant for
/// a constant, otherwise a `tfm.reshape`.
inline Value asRank1(PatternRewriter &rewriter, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() == 1)
    return v;
  auto flat =
      RankedTensorType::get({type.getShape().back()}, type.getElementType());
  DenseElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr)))
    return arith::ConstantOp::create(rewriter, loc, flat, attr.reshape(flat));
  return ReshapeOp::create(rewriter, loc, flat, v);
}

/// A constant `[n]` vector of `value` with element type `elem`.
inline Value splatVector(PatternRewriter &rewriter, Location loc, int64_t n,
                         Type elem, double value) {
  auto type = RankedTensorType::get({n}, elem);
  auto attr = DenseElementsAttr::get(
      type, rewriter.getFloatAttr(elem, value).getValue());
  return arith::ConstantOp::create(rewriter, loc, type, attr);
}

/// The fused location of the ops of a matched chain.
inline Location chainLoc(PatternRewriter &rewriter, ArrayRef<Operation *> ops) {
  SmallVector<Location> locs;
  for (Operation *op : ops)
    locs.push_back(op->getLoc());
  return rewriter.getFusedLoc(locs);
}

} // namespace mlir::tfm::fusion

#endif // TFC_LIB_DIALECT_TFM_TRANSFORMS_FUSIONMATCHERS_H
