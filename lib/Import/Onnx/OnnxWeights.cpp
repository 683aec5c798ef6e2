//===- OnnxWeights.cpp - initializer data of an ONNX model ----------------===//

#include "tfc/Import/Onnx/OnnxWeights.h"

#include "tfc/Import/HF/Reader/Safetensors.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <limits>

using namespace mlir::tfc;

namespace {

class OnnxWeightsImpl : public OnnxWeights {
public:
  bool load(llvm::StringRef path, std::string &error);

  bool shape(llvm::StringRef name, std::vector<int64_t> &shape,
             std::string &error) override {
    const onnx::TensorProto *t = find(name, error);
    if (!t)
      return false;
    shape.assign(t->dims().begin(), t->dims().end());
    return true;
  }

  bool readF32(llvm::StringRef name, float *dst, std::string &error) override;

  bool isLanguageModel() const override {
    bool ids = false;
    for (const onnx::ValueInfoProto &in : model.graph().input()) {
      if (byName.count(in.name()))
        continue;
      if (in.name() == "input_ids")
        ids = true;
      else if (in.name() != "position_ids" && in.name() != "attention_mask")
        return false;
    }
    return ids;
  }

private:
  const onnx::TensorProto *find(llvm::StringRef name, std::string &error) {
    auto it = byName.find(name);
    if (it == byName.end()) {
      error = path + ": no initializer '" + name.str() + "'";
      return nullptr;
    }
    return it->second;
  }
  /// The tensor's bytes as stored (raw_data or the external file);
  /// empty `bytes` and true for tensors held in the typed fields.
  bool storedBytes(const onnx::TensorProto &t, size_t need, std::string &bytes,
                   std::string &error);

  std::string path, dir;
  onnx::ModelProto model;
  llvm::StringMap<const onnx::TensorProto *> byName;
};

bool OnnxWeightsImpl::load(llvm::StringRef modelPath, std::string &error) {
  path = modelPath.str();
  dir = llvm::sys::path::parent_path(modelPath).str();
  auto buffer = llvm::MemoryBuffer::getFile(modelPath);
  if (!buffer) {
    error = path + ": " + buffer.getError().message();
    return false;
  }
  llvm::StringRef data = (*buffer)->getBuffer();
  if (data.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
    error = path + ": not a valid ONNX model";
    return false;
  }
  for (const onnx::TensorProto &t : model.graph().initializer())
    byName[t.name()] = &t;
  return true;
}

bool OnnxWeightsImpl::storedBytes(const onnx::TensorProto &t, size_t need,
                                  std::string &bytes, std::string &error) {
  std::string what = path + ": initializer '" + t.name() + "'";
  if (t.data_location() != onnx::TensorProto::EXTERNAL) {
    if (!t.has_raw_data())
      return true;
    if (t.raw_data().size() != need) {
      error = what + " holds " + std::to_string(t.raw_data().size()) +
              " bytes, its shape needs " + std::to_string(need);
      return false;
    }
    bytes = t.raw_data();
    return true;
  }
  std::string location;
  uint64_t offset = 0;
  for (const auto &kv : t.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset" &&
             llvm::StringRef(kv.value()).getAsInteger(10, offset)) {
      error = what + ": invalid external data offset '" + kv.value() + "'";
      return false;
    }
  }
  llvm::SmallString<256> file(dir);
  llvm::sys::path::append(file, location);
  std::ifstream in(file.str().str(), std::ios::binary);
  bytes.resize(need);
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(bytes.data(), static_cast<std::streamsize>(need));
  if (location.empty() || !in) {
    error = what + ": cannot read " + std::to_string(need) +
            " bytes at offset " + std::to_string(offset) +
            " of external data file '" + file.str().str() + "'";
    return false;
  }
  return true;
}

bool OnnxWeightsImpl::readF32(llvm::StringRef name, float *dst,
                              std::string &error) {
  const onnx::TensorProto *t = find(name, error);
  if (!t)
    return false;
  size_t n = 1;
  for (int64_t d : t->dims())
    n *= static_cast<size_t>(d);
  size_t width;
  switch (t->data_type()) {
  case onnx::TensorProto::FLOAT:
    width = 4;
    break;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    width = 2;
    break;
  default:
    error = path + ": initializer '" + t->name() +
            "' is not a float16, bfloat16 or float32 tensor";
    return false;
  }
  std::string bytes;
  if (!storedBytes(*t, n * width, bytes, error))
    return false;
  std::vector<uint16_t> halves;
  const void *src = bytes.data();
  if (bytes.empty()) {
    // The typed fields: float_data, or 16-bit values widened in int32_data.
    if (width == 4 && static_cast<size_t>(t->float_data_size()) == n) {
      std::copy(t->float_data().begin(), t->float_data().end(), dst);
      return true;
    }
    if (width == 2 && static_cast<size_t>(t->int32_data_size()) == n) {
      for (int32_t v : t->int32_data())
        halves.push_back(static_cast<uint16_t>(v));
      src = halves.data();
    } else {
      error = path + ": initializer '" + t->name() +
              "' holds fewer values than its shape needs";
      return false;
    }
  }
  if (t->data_type() == onnx::TensorProto::FLOAT)
    std::memcpy(dst, src, n * 4);
  else if (t->data_type() == onnx::TensorProto::FLOAT16)
    ::tfc::hf::convertF16ToF32(src, dst, n);
  else
    ::tfc::hf::convertBF16ToF32(src, dst, n);
  return true;
}

} // namespace

std::unique_ptr<OnnxWeights> OnnxWeights::open(llvm::StringRef path,
                                               std::string &error) {
  auto weights = std::make_unique<OnnxWeightsImpl>();
  if (!weights->load(path, error))
    return nullptr;
  return weights;
}
