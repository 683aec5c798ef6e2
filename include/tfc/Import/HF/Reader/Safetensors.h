//===- Safetensors.h - Read-only safetensors checkpoints --------*- C++ -*-===//
//
// A small, dependency-free (no LLVM/MLIR) reader for HuggingFace safetensors
// files and sharded checkpoints (model.safetensors.index.json).
//
// Files are mmap'ed read-only and never copied; TensorInfo::data points into
// the mapping and stays valid while the owning SafetensorsFile / Checkpoint is
// alive (moving the owner keeps the pointers valid). No exception escapes the
// API: every fallible call returns false and sets a one-line error message of
// the form "<file>: tensor '<name>': <what>" or "<file>: <what>" (without an
// "error: " prefix; the caller adds it).
//
//===----------------------------------------------------------------------===//

#ifndef TFC_IMPORT_HF_READER_SAFETENSORS_H
#define TFC_IMPORT_HF_READER_SAFETENSORS_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tfc {
namespace hf {

/// Element types of the safetensors format.
enum class DType {
  BOOL,
  U8,
  I8,
  F8_E5M2,
  F8_E4M3,
  I16,
  U16,
  F16,
  BF16,
  I32,
  U32,
  F32,
  F64,
  I64,
  U64,
};

/// The safetensors spelling of a dtype ("F32", "BF16", ...).
const char *dtypeName(DType dtype);
/// Size of one element in bytes.
size_t dtypeSize(DType dtype);
/// Parses a safetensors dtype name; returns false if unknown.
bool parseDType(std::string_view name, DType &dtype);
/// True for the dtypes readAsF32 accepts: F32, F16 and BF16.
bool isFloatConvertible(DType dtype);

/// One tensor of a safetensors file. `data` points into the read-only file
/// mapping and is NOT necessarily aligned to the element size (use memcpy or
/// the conversion helpers below).
struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  const void *data = nullptr;
  size_t nbytes = 0;
  /// Path of the file the tensor lives in (for diagnostics).
  std::string file;

  /// Product of the shape (1 for a scalar).
  int64_t numElements() const;
};

/// Exact IEEE binary16 -> binary32 (subnormals, +-0, inf and NaN payloads).
float halfToFloat(uint16_t bits);
/// Exact bfloat16 -> binary32.
float bfloat16ToFloat(uint16_t bits);
/// Bulk versions; `src` may be unaligned, holds `n` little-endian elements.
void convertF16ToF32(const void *src, float *dst, size_t n);
void convertBF16ToF32(const void *src, float *dst, size_t n);

/// Converts an F32/F16/BF16 tensor to float32 into `dst`, which must hold
/// t.numElements() floats. Other dtypes fail with
/// "unsupported dtype X for tensor 'Y' in FILE".
bool readAsF32(const TensorInfo &t, float *dst, std::string &err);
bool readAsF32(const TensorInfo &t, std::vector<float> &out, std::string &err);

/// One safetensors file, mmap'ed read-only.
class SafetensorsFile {
public:
  SafetensorsFile();
  ~SafetensorsFile();
  SafetensorsFile(SafetensorsFile &&other) noexcept;
  SafetensorsFile &operator=(SafetensorsFile &&other) noexcept;
  SafetensorsFile(const SafetensorsFile &) = delete;
  SafetensorsFile &operator=(const SafetensorsFile &) = delete;

  /// Maps and validates `path`. On failure returns false, sets `err` and
  /// leaves the object closed. Re-opening closes the previous file first.
  bool open(const std::string &path, std::string &err);
  void close();
  bool isOpen() const { return map_ != nullptr; }

  const std::string &path() const { return path_; }
  /// Total file size in bytes.
  size_t fileSize() const { return size_; }

  /// All tensors, sorted by name.
  const std::vector<TensorInfo> &tensors() const { return tensors_; }
  size_t size() const { return tensors_.size(); }
  /// Lookup by name; nullptr if absent.
  const TensorInfo *find(std::string_view name) const;
  /// The optional "__metadata__" string map (e.g. {"format": "pt"}).
  const std::map<std::string, std::string> &metadata() const {
    return metadata_;
  }

private:
  std::string path_;
  void *map_ = nullptr;
  size_t size_ = 0;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, size_t, std::less<>> index_;
  std::map<std::string, std::string> metadata_;
};

/// A whole checkpoint: one model.safetensors file, or the shards listed by a
/// model.safetensors.index.json, behind a single name lookup.
class Checkpoint {
public:
  Checkpoint();
  ~Checkpoint();
  Checkpoint(Checkpoint &&) noexcept;
  Checkpoint &operator=(Checkpoint &&) noexcept;
  Checkpoint(const Checkpoint &) = delete;
  Checkpoint &operator=(const Checkpoint &) = delete;

  /// `path` is one of:
  ///  - a directory: uses DIR/model.safetensors.index.json if it exists,
  ///    else DIR/model.safetensors;
  ///  - a file whose name ends in ".index.json": a shard index, shard paths
  ///    are relative to the index's directory;
  ///  - any other file: a single safetensors file.
  /// For an index, checks that every weight_map entry exists in its shard,
  /// that shards hold no tensor missing from the index and that no tensor
  /// is stored twice.
  bool open(const std::string &path, std::string &err);
  void close();

  /// Lookup by name across all files; nullptr if absent.
  const TensorInfo *find(std::string_view name) const;
  /// All tensors of the checkpoint, sorted by name.
  std::vector<const TensorInfo *> tensors() const;
  size_t size() const { return index_.size(); }
  /// The opened files (one, or the shards in index order).
  const std::vector<std::unique_ptr<SafetensorsFile>> &files() const {
    return files_;
  }
  bool isSharded() const { return !indexPath_.empty(); }
  /// The index file, empty for a single-file checkpoint.
  const std::string &indexPath() const { return indexPath_; }

private:
  std::string indexPath_;
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, const TensorInfo *, std::less<>> index_;
};

} // namespace hf
} // namespace tfc

#endif // TFC_IMPORT_HF_READER_SAFETENSORS_H
