//===- StoredWeights.cpp - weight sources over f32 tensor stores ----------===//

#include "StoredWeights.h"

using namespace mlir;
using namespace mlir::tfc;

/// out[i_p0, i_p1, ...] = in[i_0, i_1, ...] with out dim d = in dim p[d].
static void permute(const float *in, const std::vector<int64_t> &shape,
                    ArrayRef<int64_t> perm, float *out) {
  size_t rank = shape.size();
  std::vector<int64_t> outShape(rank), outStrides(rank, 1);
  for (size_t d = 0; d < rank; ++d)
    outShape[d] = shape[perm[d]];
  for (size_t d = rank; d-- > 1;)
    outStrides[d - 1] = outStrides[d] * outShape[d];
  // Stride in `out` of each input dimension.
  std::vector<int64_t> strideOfIn(rank);
  for (size_t d = 0; d < rank; ++d)
    strideOfIn[perm[d]] = outStrides[d];
  int64_t n = 1;
  for (int64_t s : shape)
    n *= s;
  std::vector<int64_t> idx(rank, 0);
  int64_t o = 0;
  for (int64_t i = 0; i < n; ++i) {
    out[o] = in[i];
    // Increment the input index odometer, tracking the output offset.
    for (size_t d = rank; d-- > 0;) {
      o += strideOfIn[d];
      if (++idx[d] < shape[d])
        break;
      o -= strideOfIn[d] * shape[d];
      idx[d] = 0;
    }
  }
}

bool StoredWeights::read(StringRef name, ArrayRef<int64_t> permutation,
                         RankedTensorType type, char *dst, std::string &error) {
  std::vector<int64_t> shape;
  if (!storedShape(name, shape, error))
    return false;
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  if (!type.getElementType().isF32() || count != type.getNumElements()) {
    error = "tensor '" + name.str() +
            "' does not match the type the model reads it with";
    return false;
  }
  float *out = reinterpret_cast<float *>(dst);
  if (permutation.empty())
    return readStoredF32(name, out, error);
  // Read in stored order, then scatter into the permuted layout.
  std::vector<float> stored(count);
  if (!readStoredF32(name, stored.data(), error))
    return false;
  permute(stored.data(), shape, permutation, out);
  return true;
}
