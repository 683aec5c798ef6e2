//===- OnnxModelFile.h - a loaded ONNX model and its tensor data -*- C++
//-*-===//
//
// One parse of a `.onnx` file serves both the importer (the graph) and the
// weight blob (initializer data): raw_data, the typed fields, or external
// data files resolved relative to the model. Every error is one line that
// names the file and the initializer.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_IMPORT_ONNX_ONNXMODELFILE_H
#define TFC_IMPORT_ONNX_ONNXMODELFILE_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
class TensorProto;
} // namespace onnx

namespace mlir::tfc {

class OnnxModelFile {
public:
  /// Loads and parses the model at `path`; on failure `error` is one line
  /// naming the file.
  static std::unique_ptr<OnnxModelFile> open(llvm::StringRef path,
                                             std::string &error);
  ~OnnxModelFile();

  const std::string &path() const { return filePath; }
  const onnx::ModelProto &proto() const { return *model; }

  /// Whether the graph is a full-sequence language model: its inputs are
  /// input_ids and at most position_ids and attention_mask (a graph with
  /// KV-cache inputs is compiled as a plain graph: tfc adds its own cache).
  bool isLanguageModel() const;

  /// Where an externally stored tensor lives, checked against the file.
  struct ExternalData {
    std::string file;
    int64_t offset = 0;
    int64_t length = 0;          ///< bytes to read
    int64_t declaredLength = -1; ///< the "length" entry, -1 if absent
  };
  /// Resolves `t`'s external_data entries; `need` (bytes, or -1 when
  /// unknown) defaults the length.
  bool externalData(const onnx::TensorProto &t, int64_t need, ExternalData &d,
                    std::string &error) const;
  /// The raw little-endian bytes of `t`, from raw_data, the typed fields or
  /// the external data file.
  bool tensorBytes(const onnx::TensorProto &t, std::string &bytes,
                   std::string &error) const;

  /// The shape of initializer `name`; false (with `error`) if there is none.
  bool shape(llvm::StringRef name, std::vector<int64_t> &shape,
             std::string &error) const;
  /// Writes initializer `name` (float32, float16 or bfloat16) as f32 into
  /// `dst` (its element count).
  bool readF32(llvm::StringRef name, float *dst, std::string &error) const;

  /// "FLOAT16", ... for an ONNX TensorProto data type.
  static std::string typeName(int32_t onnxType);

private:
  OnnxModelFile();
  const onnx::TensorProto *initializer(llvm::StringRef name,
                                       std::string &error) const;

  std::string filePath, dir;
  std::unique_ptr<onnx::ModelProto> model;
  llvm::StringMap<const onnx::TensorProto *> initializers;
};

} // namespace mlir::tfc

#endif // TFC_IMPORT_ONNX_ONNXMODELFILE_H
