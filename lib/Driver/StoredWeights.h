//===- StoredWeights.h - weight sources over f32 tensor stores --*- C++ -*-===//
//
// The part of a WeightSource that does not depend on the file format:
// checking the requested type and permuting the stored tensor into the
// layout the compiled model reads.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_DRIVER_STOREDWEIGHTS_H
#define TFC_LIB_DRIVER_STOREDWEIGHTS_H

#include "tfc/Driver/WeightBlob.h"

#include <vector>

namespace mlir::tfc {

class StoredWeights : public WeightSource {
public:
  bool read(StringRef name, ArrayRef<int64_t> permutation,
            RankedTensorType type, char *dst, std::string &error) override;

protected:
  /// Writes tensor `name` in stored order, converted to f32, into `dst`.
  virtual bool readStoredF32(StringRef name, float *dst,
                             std::string &error) = 0;
};

} // namespace mlir::tfc

#endif // TFC_LIB_DRIVER_STOREDWEIGHTS_H
