//===- OnnxWeights.h - initializer data of an ONNX model --------*- C++ -*-===//
//
// Reads the float initializers that the importer turned into tfm.weight ops,
// for the weight blob of an executable: raw_data, the typed fields, or
// external data files (resolved relative to the model), converted to f32.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_IMPORT_ONNX_ONNXWEIGHTS_H
#define TFC_IMPORT_ONNX_ONNXWEIGHTS_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir::tfc {

class OnnxWeights {
public:
  /// Loads the model at `path`; on failure `error` is one line naming it.
  static std::unique_ptr<OnnxWeights> open(llvm::StringRef path,
                                           std::string &error);
  virtual ~OnnxWeights() = default;

  /// Whether the graph is a full-sequence language model: its inputs are
  /// input_ids and at most position_ids and attention_mask (a graph with
  /// KV-cache inputs is compiled as a plain graph: tfc adds its own cache).
  virtual bool isLanguageModel() const = 0;
  /// The shape of initializer `name`; false (with `error`) if there is none.
  virtual bool shape(llvm::StringRef name, std::vector<int64_t> &shape,
                     std::string &error) = 0;
  /// Writes initializer `name` as f32 into `dst` (its element count).
  virtual bool readF32(llvm::StringRef name, float *dst,
                       std::string &error) = 0;
};

} // namespace mlir::tfc

#endif // TFC_IMPORT_ONNX_ONNXWEIGHTS_H
