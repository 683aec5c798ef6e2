//===- AttentionMatchers.h - shared matchers of the attention passes -*- C++
//-*-===//
//
// Helpers that tfm-fuse-attention and tfm-fuse-rotary share to read the
// fine-grained graphs an exporter writes: constants behind layout and
// arithmetic ops, numpy-style broadcasts (the importer's Expand), and proofs
// that two dynamic dimensions hold the same size at run time.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_DIALECT_TFM_TRANSFORMS_ATTENTIONMATCHERS_H
#define TFC_DIALECT_TFM_TRANSFORMS_ATTENTIONMATCHERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <map>

#include <optional>

namespace mlir::tfm::match {

/// The value of every element of `v` when they are all equal and known at
/// compile time: splat constants, fills of a constant, broadcasts, reshapes
/// and casts of such values, and tfm arithmetic on them (the exporters'
/// `1 / sqrt(Cast(Shape(q)[-1]))` scale computations).
std::optional<double> splatValue(Value v);

/// The elements of a float constant in row-major order, looking through
/// reshapes, broadcasts that add no elements and casts between float types.
std::optional<SmallVector<double>> floatElements(Value v);

/// When `v` is a numpy broadcast of another tensor (the importer's Expand: a
/// `linalg.generic` that yields its input, which is aligned with the result
/// at the last dimension and read at index 0 along its size-1 dimensions),
/// that tensor; otherwise null. The tensor may have a lower rank.
Value broadcastSource(Value v);

/// True when dimension `da` of `a` and dimension `db` of `b` are provably the
/// same size: equal static sizes, or dynamic sizes that follow the data flow
/// back to the same dimension of one value.
bool sameDimSize(Value a, int64_t da, Value b, int64_t db);

/// The dimension that dimension `d` of `v` provably has the size of, found
/// by following the data flow back as far as it goes.
std::pair<Value, int64_t> dimOrigin(Value v, int64_t d);

/// An integer computed at run time as a sum of constant multiples of tensor
/// dimensions (identified by their dimOrigin) plus a constant: slice offsets
/// like `key_len - query_len`, whichever of index arithmetic, tensor.extract
/// or one-element tfm arithmetic computes them.
struct LinearIndex {
  std::map<std::pair<void *, int64_t>, int64_t> terms;
  int64_t constant = 0;
  bool isConstant() const { return terms.empty(); }
};
std::optional<LinearIndex> linearIndex(Value v);
/// a + sign * b.
LinearIndex addLinear(LinearIndex a, const LinearIndex &b, int64_t sign);
std::optional<LinearIndex> linearIndex(OpFoldResult ofr);

/// `v` without ops that return their input unchanged: `tfm.cast`s to the
/// type it already has (exporters write `.float()` and `.to(dtype)` as Cast
/// nodes) and multiplications or divisions by a splat 1 that do not
/// broadcast (HF's `cos * attention_scaling`).
Value skipIdentityOps(Value v);
/// The input of `v`'s defining op when that op is one of the above, else
/// null.
Value skipIdentityOp(Value v);

/// A `tfm.reshape` of `v` to `shape` (at most one dynamic dimension), or `v`
/// itself when it already has that shape.
Value reshapeTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape);

/// A `tfm.transpose` of `v` by `perm`, or `v` itself for the identity.
Value transposeBy(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> perm);

/// `shape` without its static size-1 dimensions.
SmallVector<int64_t> squeezedShape(ArrayRef<int64_t> shape);

/// True when `size` (the size operand of a slice) keeps dimension `dim` of
/// `src` whole: the static size, `tensor.dim %src, dim`, or the dim of
/// another tensor that provably has the same size.
bool isWholeDim(OpFoldResult size, Value src, int64_t dim);

/// The constant an OpFoldResult holds (an attribute or a value that
/// linearIndex reduces to a constant).
std::optional<int64_t> constantIndex(OpFoldResult ofr);

} // namespace mlir::tfm::match

#endif // TFC_DIALECT_TFM_TRANSFORMS_ATTENTIONMATCHERS_H
