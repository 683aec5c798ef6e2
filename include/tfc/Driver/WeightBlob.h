//===- WeightBlob.h - write the weight blob of a compiled model -*- C++ -*-===//

#ifndef TFC_DRIVER_WEIGHTBLOB_H
#define TFC_DRIVER_WEIGHTBLOB_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::tfc {

/// Supplies tensor data by name, converted to the requested element type.
class WeightSource {
public:
  virtual ~WeightSource() = default;
  /// Writes the tensor `name`, with its dimensions permuted by
  /// `permutation` (empty: as stored), as `type` into `dst` (type's byte
  /// size). On failure `error` names the tensor and file.
  virtual bool read(StringRef name, ArrayRef<int64_t> permutation,
                    RankedTensorType type, char *dst, std::string &error) = 0;
  /// The stored shape of tensor `name`; false (with `error`) if absent.
  virtual bool storedShape(StringRef name, std::vector<int64_t> &shape,
                           std::string &error) = 0;
};

struct BlobInfo {
  uint64_t bytes = 0;
  uint64_t checksum = 0;
};

/// What `writeWeightBlob` writes: the blob alone (a weights file), or an
/// ELF relocatable object (x86-64, little endian) whose section
/// `.rodata.tfc_weights` (64-byte aligned) holds the blob between the global
/// symbols `tfc_weights` and `tfc_weights_end`, for the linker. Writing the
/// object directly spares the assembler a second copy of the weights.
enum class BlobContainer { Raw, ElfObjectX86_64 };

/// Writes the blob laid out by --tfm-bind-weights (the module's
/// tfm.weight_table) into `path` and returns its size and checksum. A
/// composite entry (`parts` and `axis`, from a concatenation of weights) is
/// assembled from its parts: each is read with its permutation into a
/// temporary and copied into place along `axis`. Malformed entries are
/// reported in `error` by their index in the table.
FailureOr<BlobInfo>
writeWeightBlob(ModuleOp module, WeightSource &source, StringRef path,
                std::string &error,
                BlobContainer container = BlobContainer::Raw);

} // namespace mlir::tfc

#endif // TFC_DRIVER_WEIGHTBLOB_H
