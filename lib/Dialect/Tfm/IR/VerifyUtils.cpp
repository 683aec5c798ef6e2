//===- VerifyUtils.cpp - shared helpers for tfm verifiers -----------------===//

#include "VerifyUtils.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

std::string mlir::tfm::verify::formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

FailureOr<SmallVector<int64_t>>
mlir::tfm::verify::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                                   int64_t &badDim) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Walk from the trailing dimension; missing dimensions act as 1.
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    int64_t r;
    if (da == 1)
      r = db;
    else if (db == 1)
      r = da;
    else if (ShapedType::isDynamic(da))
      r = db; // static non-1 wins; dynamic vs dynamic stays dynamic
    else if (ShapedType::isDynamic(db) || da == db)
      r = da;
    else {
      badDim = -static_cast<int64_t>(i) - 1;
      return failure();
    }
    out[rank - 1 - i] = r;
  }
  return out;
}

LogicalResult mlir::tfm::verify::verifyBroadcastResult(
    Operation *op, ArrayRef<Value> operands, RankedTensorType result) {
  SmallVector<int64_t> shape;
  std::string seen;
  for (auto [i, v] : llvm::enumerate(operands)) {
    auto t = cast<RankedTensorType>(v.getType());
    int64_t badDim = 0;
    auto next = broadcastShapes(shape, t.getShape(), badDim);
    if (failed(next))
      return op->emitOpError("operand shapes ")
             << seen << " and " << formatShape(t)
             << " are not broadcast-compatible (dimension " << badDim << ": "
             << shape[shape.size() + badDim] << " vs "
             << t.getDimSize(t.getRank() + badDim) << ")";
    seen += (i ? " and " : "") + formatShape(t);
    shape = *next;
  }
  bool ok = result.getRank() == static_cast<int64_t>(shape.size());
  for (int64_t i = 0; ok && i < result.getRank(); ++i)
    ok = dimsCompatible(result.getDimSize(i), shape[i]);
  if (!ok)
    return op->emitOpError("result shape ")
           << formatShape(result) << " does not match the broadcast shape "
           << formatShape(shape);
  return success();
}
