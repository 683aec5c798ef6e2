//===- Npy.h - .npy file reading and writing --------------------*- C++ -*-===//
//
// NumPy .npy files: writes version 1.0, byte-identical to numpy's np.save
// (header padded to 64 bytes); reads 1.0 and 2.0. Little-endian float32
// ('<f4'), int64 ('<i8') and int32
// ('<i4'), C order, any rank (rank 0 = scalar). Reading validates the magic,
// version, header dictionary, dtype, shape and the exact file length; every
// failure is a one-line message naming the file. Little-endian hosts only.
//
//===----------------------------------------------------------------------===//
#ifndef TFCRT_NPY_H
#define TFCRT_NPY_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tfcrt {

enum class DType { F32, I64, I32 };

size_t dtypeSize(DType dtype);
/// The .npy descr string: "<f4", "<i8" or "<i4".
const char *dtypeDescr(DType dtype);

struct NpyArray {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint64_t> storage; ///< raw little-endian data, 8-byte aligned

  size_t numElements() const;
  size_t numBytes() const { return numElements() * dtypeSize(dtype); }
  const void *data() const { return storage.data(); }
  void *data() { return storage.data(); }
  /// Typed views; nullptr if the dtype does not match T.
  template <typename T> const T *as() const;
  template <typename T> T *as();
  /// Sets dtype and shape and zero-fills the data.
  void reset(DType dtype, std::vector<int64_t> shape);
};

template <typename T> struct NpyTypeOf;
template <> struct NpyTypeOf<float> {
  static constexpr DType value = DType::F32;
};
template <> struct NpyTypeOf<int64_t> {
  static constexpr DType value = DType::I64;
};
template <> struct NpyTypeOf<int32_t> {
  static constexpr DType value = DType::I32;
};

template <typename T> const T *NpyArray::as() const {
  return dtype == NpyTypeOf<T>::value
             ? reinterpret_cast<const T *>(storage.data())
             : nullptr;
}
template <typename T> T *NpyArray::as() {
  return dtype == NpyTypeOf<T>::value ? reinterpret_cast<T *>(storage.data())
                                      : nullptr;
}

/// Writes `data` (product(shape) elements of `dtype`, C order).
bool writeNpy(const std::string &path, DType dtype,
              const std::vector<int64_t> &shape, const void *data,
              std::string *error);
inline bool writeNpy(const std::string &path, const NpyArray &array,
                     std::string *error) {
  return writeNpy(path, array.dtype, array.shape, array.data(), error);
}

bool readNpy(const std::string &path, NpyArray *out, std::string *error);

/// Parses the header dictionary (the text after the length field), e.g.
/// "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".
bool parseNpyHeader(const std::string &header, DType *dtype,
                    std::vector<int64_t> *shape, std::string *error);

} // namespace tfcrt

#endif // TFCRT_NPY_H
