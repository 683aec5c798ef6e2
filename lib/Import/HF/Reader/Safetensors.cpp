//===- Safetensors.cpp - Read-only safetensors files ----------------------===//
//
// Format: 8-byte little-endian header length N, N bytes of JSON header
// {"name": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}, ...,
//  "__metadata__": {"k": "v"}}, then the byte buffer; offsets are relative to
// the buffer start. Like the reference implementation we require the tensors
// to tile the buffer exactly (no overlap, no gap, no trailing bytes).
//
//===----------------------------------------------------------------------===//

#include "tfc/Import/HF/Reader/Safetensors.h"

#include "JsonUtil.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using json = nlohmann::json;

namespace tfc {
namespace hf {

namespace {
struct DTypeEntry {
  DType dtype;
  const char *name;
  size_t size;
};
constexpr DTypeEntry kDTypes[] = {
    {DType::BOOL, "BOOL", 1},       {DType::U8, "U8", 1},
    {DType::I8, "I8", 1},           {DType::F8_E5M2, "F8_E5M2", 1},
    {DType::F8_E4M3, "F8_E4M3", 1}, {DType::I16, "I16", 2},
    {DType::U16, "U16", 2},         {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},       {DType::I32, "I32", 4},
    {DType::U32, "U32", 4},         {DType::F32, "F32", 4},
    {DType::F64, "F64", 8},         {DType::I64, "I64", 8},
    {DType::U64, "U64", 8},
};

/// Safetensors caps the header at 100 MB; so do we.
constexpr uint64_t kMaxHeaderSize = 100u * 1000u * 1000u;

std::string shapeStr(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

uint16_t loadU16(const unsigned char *p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}
} // namespace

const char *dtypeName(DType dtype) {
  for (const DTypeEntry &e : kDTypes)
    if (e.dtype == dtype)
      return e.name;
  return "?";
}

size_t dtypeSize(DType dtype) {
  for (const DTypeEntry &e : kDTypes)
    if (e.dtype == dtype)
      return e.size;
  return 0;
}

bool parseDType(std::string_view name, DType &dtype) {
  for (const DTypeEntry &e : kDTypes) {
    if (name == e.name) {
      dtype = e.dtype;
      return true;
    }
  }
  return false;
}

bool isFloatConvertible(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

int64_t TensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

float halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  if (exp == 0x1f) // inf / NaN, keep the payload
    return bitsToFloat(sign | 0x7f800000u | (mant << 13));
  if (exp != 0) // normal
    return bitsToFloat(sign | ((exp + 112u) << 23) | (mant << 13));
  if (mant == 0) // +-0
    return bitsToFloat(sign);
  // Subnormal: mant * 2^-24. Normalise so the leading 1 is at bit 10.
  uint32_t e = 113; // biased f32 exponent of 2^-14
  while ((mant & 0x400u) == 0) {
    mant <<= 1;
    --e;
  }
  return bitsToFloat(sign | (e << 23) | ((mant & 0x3ffu) << 13));
}

float bfloat16ToFloat(uint16_t bits) {
  return bitsToFloat(static_cast<uint32_t>(bits) << 16);
}

void convertF16ToF32(const void *src, float *dst, size_t n) {
  const auto *p = static_cast<const unsigned char *>(src);
  for (size_t i = 0; i < n; ++i)
    dst[i] = halfToFloat(loadU16(p + 2 * i));
}

void convertBF16ToF32(const void *src, float *dst, size_t n) {
  const auto *p = static_cast<const unsigned char *>(src);
  for (size_t i = 0; i < n; ++i)
    dst[i] = bfloat16ToFloat(loadU16(p + 2 * i));
}

bool readAsF32(const TensorInfo &t, float *dst, std::string &err) {
  size_t n = static_cast<size_t>(t.numElements());
  switch (t.dtype) {
  case DType::F32: {
    // Safetensors is little-endian, as are all hosts we support.
    if (n)
      std::memcpy(dst, t.data, n * sizeof(float));
    return true;
  }
  case DType::F16:
    convertF16ToF32(t.data, dst, n);
    return true;
  case DType::BF16:
    convertBF16ToF32(t.data, dst, n);
    return true;
  default:
    break;
  }
  err = "unsupported dtype " + std::string(dtypeName(t.dtype)) +
        " for tensor '" + t.name + "' in " + t.file;
  return false;
}

bool readAsF32(const TensorInfo &t, std::vector<float> &out, std::string &err) {
  if (!isFloatConvertible(t.dtype))
    return readAsF32(t, static_cast<float *>(nullptr), err);
  try {
    out.resize(static_cast<size_t>(t.numElements()));
  } catch (...) {
    err = t.file + ": tensor '" + t.name + "': out of memory";
    return false;
  }
  return readAsF32(t, out.data(), err);
}

//===----------------------------------------------------------------------===//
// SafetensorsFile
//===----------------------------------------------------------------------===//

SafetensorsFile::SafetensorsFile() = default;
SafetensorsFile::~SafetensorsFile() { close(); }

SafetensorsFile::SafetensorsFile(SafetensorsFile &&other) noexcept {
  *this = std::move(other);
}

SafetensorsFile &SafetensorsFile::operator=(SafetensorsFile &&other) noexcept {
  if (this != &other) {
    close();
    path_ = std::move(other.path_);
    map_ = other.map_;
    size_ = other.size_;
    tensors_ = std::move(other.tensors_);
    index_ = std::move(other.index_);
    metadata_ = std::move(other.metadata_);
    other.map_ = nullptr;
    other.size_ = 0;
    other.close();
  }
  return *this;
}

void SafetensorsFile::close() {
  if (map_)
    ::munmap(map_, size_);
  map_ = nullptr;
  size_ = 0;
  tensors_.clear();
  index_.clear();
  metadata_.clear();
}

const TensorInfo *SafetensorsFile::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

namespace {
/// Parses one header entry into `t` (minus data pointer). Returns false and
/// sets `what` (without the file/tensor prefix) on failure.
bool parseEntry(const json &v, TensorInfo &t, uint64_t &begin, uint64_t &end,
                std::string &what) {
  if (!v.is_object()) {
    what = "entry is " + detail::jsonTypeName(v) + ", expected an object";
    return false;
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.key() != "dtype" && it.key() != "shape" &&
        it.key() != "data_offsets") {
      what = "unexpected key '" + it.key() + "'";
      return false;
    }
  }
  auto dt = v.find("dtype");
  if (dt == v.end()) {
    what = "missing 'dtype'";
    return false;
  }
  if (!dt->is_string()) {
    what = "'dtype' is " + detail::jsonTypeName(*dt) + ", expected a string";
    return false;
  }
  const std::string &dtName = dt->get_ref<const std::string &>();
  if (!parseDType(dtName, t.dtype)) {
    what = "unknown dtype '" + dtName + "'";
    return false;
  }

  auto sh = v.find("shape");
  if (sh == v.end()) {
    what = "missing 'shape'";
    return false;
  }
  if (!sh->is_array()) {
    what = "'shape' is " + detail::jsonTypeName(*sh) + ", expected an array";
    return false;
  }
  // Elements, with overflow check against 2^62.
  constexpr uint64_t kLimit = uint64_t(1) << 62;
  for (const json &d : *sh) {
    uint64_t u;
    if (!detail::asNonNegativeInt(d, u) || u >= kLimit) {
      what = "'shape' must be an array of non-negative integers, got " +
             sh->dump();
      return false;
    }
    t.shape.push_back(static_cast<int64_t>(u));
  }
  uint64_t elems = 1;
  bool overflow = false;
  if (std::find(t.shape.begin(), t.shape.end(), 0) != t.shape.end()) {
    elems = 0;
  } else {
    for (int64_t d : t.shape) {
      uint64_t u = static_cast<uint64_t>(d);
      if (elems > kLimit / u) {
        overflow = true;
        break;
      }
      elems *= u;
    }
  }

  auto off = v.find("data_offsets");
  if (off == v.end()) {
    what = "missing 'data_offsets'";
    return false;
  }
  if (!off->is_array() || off->size() != 2 ||
      !detail::asNonNegativeInt((*off)[0], begin) ||
      !detail::asNonNegativeInt((*off)[1], end)) {
    what =
        "'data_offsets' must be two non-negative integers, got " + off->dump();
    return false;
  }
  if (begin > end) {
    what = "data_offsets [" + std::to_string(begin) + ", " +
           std::to_string(end) + "] have begin > end";
    return false;
  }
  uint64_t esize = dtypeSize(t.dtype);
  if (overflow || elems > kLimit / esize || elems * esize != end - begin) {
    what = "data_offsets [" + std::to_string(begin) + ", " +
           std::to_string(end) + "] do not match shape " + shapeStr(t.shape) +
           " x " + dtypeName(t.dtype) + " (" +
           (overflow ? std::string("overflowing")
                     : std::to_string(elems * esize)) +
           " bytes)";
    return false;
  }
  t.nbytes = static_cast<size_t>(end - begin);
  return true;
}
} // namespace

bool SafetensorsFile::open(const std::string &path, std::string &err) {
  close();
  path_ = path;
  try {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      err = path + ": cannot open: " + std::strerror(errno);
      return false;
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      err = path + ": cannot stat: " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (!S_ISREG(st.st_mode)) {
      err = path + ": not a regular file";
      ::close(fd);
      return false;
    }
    size_t fileSize = static_cast<size_t>(st.st_size);
    if (fileSize < 8) {
      err = path + ": file too small (" + std::to_string(fileSize) +
            " bytes) for a safetensors header";
      ::close(fd);
      return false;
    }
    void *m = ::mmap(nullptr, fileSize, PROT_READ, MAP_PRIVATE, fd, 0);
    int mapErrno = errno;
    ::close(fd);
    if (m == MAP_FAILED) {
      err = path + ": cannot mmap: " + std::strerror(mapErrno);
      return false;
    }
    map_ = m;
    size_ = fileSize;
    const auto *bytes = static_cast<const unsigned char *>(map_);

    uint64_t headerLen = 0;
    for (int i = 7; i >= 0; --i)
      headerLen = (headerLen << 8) | bytes[i];
    if (headerLen > fileSize - 8) {
      err = path + ": header length " + std::to_string(headerLen) +
            " exceeds the file size (" + std::to_string(fileSize) + " bytes)";
      close();
      return false;
    }
    if (headerLen > kMaxHeaderSize) {
      err = path + ": header length " + std::to_string(headerLen) +
            " exceeds the 100 MB limit";
      close();
      return false;
    }
    const char *hdr = reinterpret_cast<const char *>(bytes + 8);
    const unsigned char *buffer = bytes + 8 + headerLen;
    uint64_t bufferLen = fileSize - 8 - headerLen;

    // Parse, catching duplicate top-level keys (nlohmann keeps the last).
    std::string dupKey;
    json::parser_callback_t cb = [&dupKey, seen = std::set<std::string>()](
                                     int depth, json::parse_event_t event,
                                     json &parsed) mutable {
      if (depth == 1 && event == json::parse_event_t::key &&
          parsed.is_string() && dupKey.empty()) {
        const std::string &k = parsed.get_ref<const std::string &>();
        if (!seen.insert(k).second)
          dupKey = k;
      }
      return true;
    };
    json header = json::parse(hdr, hdr + headerLen, cb,
                              /*allow_exceptions=*/false);
    if (header.is_discarded()) {
      err = path + ": header is not valid JSON";
      close();
      return false;
    }
    if (!header.is_object()) {
      err = path + ": header is " + detail::jsonTypeName(header) +
            ", expected a JSON object";
      close();
      return false;
    }
    if (!dupKey.empty()) {
      err = path + ": duplicate header key '" + dupKey + "'";
      close();
      return false;
    }

    struct Range {
      uint64_t begin, end;
      size_t idx;
    };
    std::vector<Range> ranges;
    std::vector<TensorInfo> tensors;
    for (auto it = header.begin(); it != header.end(); ++it) {
      if (it.key() == "__metadata__") {
        const json &md = it.value();
        if (!md.is_object()) {
          err = path + ": '__metadata__' is " + detail::jsonTypeName(md) +
                ", expected an object of strings";
          close();
          return false;
        }
        for (auto m2 = md.begin(); m2 != md.end(); ++m2) {
          if (!m2.value().is_string()) {
            err = path + ": '__metadata__' value for '" + m2.key() + "' is " +
                  detail::jsonTypeName(m2.value()) + ", expected a string";
            close();
            return false;
          }
          metadata_[m2.key()] = m2.value().get<std::string>();
        }
        continue;
      }
      TensorInfo t;
      t.name = it.key();
      t.file = path;
      uint64_t b = 0, e = 0;
      std::string what;
      if (!parseEntry(it.value(), t, b, e, what)) {
        err = path + ": tensor '" + t.name + "': " + what;
        close();
        return false;
      }
      if (e > bufferLen) {
        err = path + ": tensor '" + t.name + "': data_offsets [" +
              std::to_string(b) + ", " + std::to_string(e) +
              "] exceed the data buffer (" + std::to_string(bufferLen) +
              " bytes)";
        close();
        return false;
      }
      t.data = buffer + b;
      ranges.push_back({b, e, tensors.size()});
      tensors.push_back(std::move(t));
    }

    // Tensors must tile [0, bufferLen) exactly.
    std::sort(ranges.begin(), ranges.end(), [](const Range &a, const Range &b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    uint64_t pos = 0;
    const std::string *prev = nullptr;
    for (const Range &r : ranges) {
      const std::string &name = tensors[r.idx].name;
      if (r.begin < pos) {
        err = path + ": tensor '" + name + "': data_offsets [" +
              std::to_string(r.begin) + ", " + std::to_string(r.end) +
              "] overlap tensor '" + (prev ? *prev : std::string()) + "'";
        close();
        return false;
      }
      if (r.begin > pos) {
        err = path + ": tensor '" + name + "': data_offsets [" +
              std::to_string(r.begin) + ", " + std::to_string(r.end) +
              "] leave a gap of " + std::to_string(r.begin - pos) +
              " bytes before it";
        close();
        return false;
      }
      pos = r.end;
      prev = &name;
    }
    if (pos != bufferLen) {
      err = path + ": " + std::to_string(bufferLen - pos) +
            " trailing bytes after the last tensor";
      close();
      return false;
    }

    std::sort(tensors.begin(), tensors.end(),
              [](const TensorInfo &a, const TensorInfo &b) {
                return a.name < b.name;
              });
    tensors_ = std::move(tensors);
    for (size_t i = 0; i < tensors_.size(); ++i)
      index_.emplace(tensors_[i].name, i);
    return true;
  } catch (const std::exception &e) {
    err = path + ": " + e.what();
  } catch (...) {
    err = path + ": unexpected error while reading";
  }
  close();
  return false;
}

} // namespace hf
} // namespace tfc
