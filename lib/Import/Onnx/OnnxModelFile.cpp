//===- OnnxModelFile.cpp - a loaded ONNX model and its tensor data --------===//

#include "tfc/Import/Onnx/OnnxModelFile.h"

#include "tfc/Import/HF/Reader/Safetensors.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <limits>

using namespace mlir::tfc;

OnnxModelFile::OnnxModelFile() : model(std::make_unique<onnx::ModelProto>()) {}
OnnxModelFile::~OnnxModelFile() = default;

std::unique_ptr<OnnxModelFile> OnnxModelFile::open(llvm::StringRef path,
                                                   std::string &error) {
  std::unique_ptr<OnnxModelFile> file(new OnnxModelFile());
  file->filePath = path.str();
  file->dir = llvm::sys::path::parent_path(path).str();
  if (file->dir.empty())
    file->dir = ".";
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    error = file->filePath + ": " + buffer.getError().message();
    return nullptr;
  }
  llvm::StringRef data = (*buffer)->getBuffer();
  if (data.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    error = file->filePath +
            ": larger than 2 GB, the protobuf limit; save the weights as "
            "external data (onnx.save_model(..., "
            "save_as_external_data=True))";
    return nullptr;
  }
  if (!file->model->ParseFromArray(data.data(),
                                   static_cast<int>(data.size())) ||
      !file->model->has_graph()) {
    error = file->filePath + ": not a valid ONNX model (the protobuf does "
                             "not parse as a ModelProto with a graph)";
    return nullptr;
  }
  for (const onnx::TensorProto &t : file->model->graph().initializer())
    file->initializers[t.name()] = &t;
  return file;
}

bool OnnxModelFile::isLanguageModel() const {
  bool ids = false;
  for (const onnx::ValueInfoProto &in : model->graph().input()) {
    if (initializers.count(in.name()))
      continue;
    if (in.name() == "input_ids")
      ids = true;
    else if (in.name() != "position_ids" && in.name() != "attention_mask")
      return false;
  }
  return ids;
}

std::string OnnxModelFile::typeName(int32_t onnxType) {
  if (onnx::TensorProto_DataType_IsValid(onnxType))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(onnxType));
  return "type " + std::to_string(onnxType);
}

bool OnnxModelFile::externalData(const onnx::TensorProto &t, int64_t need,
                                 ExternalData &d, std::string &error) const {
  std::string what = filePath + ": initializer '" + t.name() + "'";
  std::string location;
  d = ExternalData();
  for (const auto &kv : t.external_data()) {
    int64_t *field = kv.key() == "offset"   ? &d.offset
                     : kv.key() == "length" ? &d.declaredLength
                                            : nullptr;
    if (kv.key() == "location")
      location = kv.value();
    else if (field && (llvm::StringRef(kv.value()).getAsInteger(10, *field) ||
                       *field < 0)) {
      error = what + ": invalid external data " + kv.key() + " '" + kv.value() +
              "'";
      return false;
    }
  }
  if (location.empty()) {
    error = what + " is stored externally but names no file";
    return false;
  }
  llvm::SmallString<256> file(dir);
  llvm::sys::path::append(file, location);
  d.file = file.str().str();
  std::string where = what + ": external data file '" + d.file + "'";
  uint64_t size = 0;
  if (llvm::sys::fs::file_size(file, size)) {
    error = where + " does not exist";
    return false;
  }
  d.length = need >= 0               ? need
             : d.declaredLength >= 0 ? d.declaredLength
                                     : static_cast<int64_t>(size) - d.offset;
  if (d.offset + d.length > static_cast<int64_t>(size)) {
    error = where + " is too small (" + std::to_string(size) +
            " bytes; the tensor needs bytes " + std::to_string(d.offset) +
            " to " + std::to_string(d.offset + d.length) + ")";
    return false;
  }
  return true;
}

bool OnnxModelFile::tensorBytes(const onnx::TensorProto &t, std::string &bytes,
                                std::string &error) const {
  bytes.clear();
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    ExternalData d;
    if (!externalData(t, /*need=*/-1, d, error))
      return false;
    bytes.resize(d.length);
    std::ifstream f(d.file, std::ios::binary);
    f.seekg(d.offset);
    f.read(bytes.data(), d.length);
    if (!f) {
      error = filePath + ": initializer '" + t.name() +
              "': external data file '" + d.file + "' cannot be read";
      return false;
    }
    return true;
  }
  if (t.has_raw_data()) {
    bytes = t.raw_data();
    return true;
  }
  auto append = [&](const void *p, size_t size) {
    bytes.append(static_cast<const char *>(p), size);
  };
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    for (float v : t.float_data())
      append(&v, 4);
    return true;
  case onnx::TensorProto::INT64:
    for (int64_t v : t.int64_data())
      append(&v, 8);
    return true;
  case onnx::TensorProto::INT32:
    for (int32_t v : t.int32_data())
      append(&v, 4);
    return true;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::BOOL:
    for (int32_t v : t.int32_data()) {
      int8_t c = static_cast<int8_t>(v);
      append(&c, 1);
    }
    return true;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    for (int32_t v : t.int32_data()) {
      uint16_t h = static_cast<uint16_t>(v);
      append(&h, 2);
    }
    return true;
  default:
    error = filePath + ": initializer '" + t.name() +
            "' has unsupported type " + typeName(t.data_type());
    return false;
  }
}

const onnx::TensorProto *OnnxModelFile::initializer(llvm::StringRef name,
                                                    std::string &error) const {
  auto it = initializers.find(name);
  if (it != initializers.end())
    return it->second;
  error = filePath + ": no initializer '" + name.str() + "'";
  return nullptr;
}

bool OnnxModelFile::shape(llvm::StringRef name, std::vector<int64_t> &shape,
                          std::string &error) const {
  const onnx::TensorProto *t = initializer(name, error);
  if (!t)
    return false;
  shape.assign(t->dims().begin(), t->dims().end());
  return true;
}

bool OnnxModelFile::readF32(llvm::StringRef name, float *dst,
                            std::string &error) const {
  const onnx::TensorProto *t = initializer(name, error);
  if (!t)
    return false;
  size_t n = 1;
  for (int64_t d : t->dims())
    n *= static_cast<size_t>(d);
  int32_t type = t->data_type();
  size_t width = type == onnx::TensorProto::FLOAT ? 4 : 2;
  if (type != onnx::TensorProto::FLOAT && type != onnx::TensorProto::FLOAT16 &&
      type != onnx::TensorProto::BFLOAT16) {
    error = filePath + ": initializer '" + t->name() +
            "' is not a float16, bfloat16 or float32 tensor";
    return false;
  }
  std::string bytes;
  if (!tensorBytes(*t, bytes, error))
    return false;
  if (bytes.size() != n * width) {
    error = filePath + ": initializer '" + t->name() + "' holds " +
            std::to_string(bytes.size()) + " bytes, its shape needs " +
            std::to_string(n * width);
    return false;
  }
  if (type == onnx::TensorProto::FLOAT)
    std::memcpy(dst, bytes.data(), n * 4);
  else if (type == onnx::TensorProto::FLOAT16)
    ::tfc::hf::convertF16ToF32(bytes.data(), dst, n);
  else
    ::tfc::hf::convertBF16ToF32(bytes.data(), dst, n);
  return true;
}
