//===- WeightBlob.cpp - write the weight blob of a compiled model ---------===//

#include "tfc/Driver/WeightBlob.h"

#include "tfc/Dialect/Tfm/Transforms/Passes.h"

#include "Checksum.h"

#include "llvm/Support/FileOutputBuffer.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::tfc;

FailureOr<BlobInfo> mlir::tfc::writeWeightBlob(ModuleOp module,
                                               WeightSource &source,
                                               StringRef path,
                                               std::string &error) {
  auto table = module->getAttrOfType<ArrayAttr>(tfm::kWeightTableAttrName);
  auto bytes = module->getAttrOfType<IntegerAttr>(tfm::kWeightBytesAttrName);
  if (!table || !bytes) {
    error = "the module has no weight table (run --tfm-bind-weights)";
    return failure();
  }
  BlobInfo info;
  info.bytes = bytes.getInt();
  // An empty blob still gets one byte so that the file can be mapped.
  auto buffer =
      llvm::FileOutputBuffer::create(path, std::max<uint64_t>(info.bytes, 1));
  if (!buffer) {
    error = "cannot create " + path.str() + ": " +
            llvm::toString(buffer.takeError());
    return failure();
  }
  char *base = reinterpret_cast<char *>((*buffer)->getBufferStart());
  std::memset(base, 0, std::max<uint64_t>(info.bytes, 1));
  for (Attribute entry : table) {
    auto dict = cast<DictionaryAttr>(entry);
    auto name = dict.getAs<StringAttr>("name");
    auto offset = dict.getAs<IntegerAttr>("offset");
    auto type = dict.getAs<TypeAttr>("type");
    if (!name || !offset || !type) {
      error = "malformed tfm.weight_table entry";
      return failure();
    }
    auto tensorType = cast<RankedTensorType>(type.getValue());
    ArrayRef<int64_t> permutation;
    if (auto perm = dict.getAs<DenseI64ArrayAttr>("permutation"))
      permutation = perm.asArrayRef();
    if (!source.read(name.getValue(), permutation, tensorType,
                     base + offset.getInt(), error))
      return failure();
  }
  info.checksum = tfcrtChecksum(base, info.bytes);
  if (llvm::Error e = (*buffer)->commit()) {
    error = "cannot write " + path.str() + ": " + llvm::toString(std::move(e));
    return failure();
  }
  return info;
}
