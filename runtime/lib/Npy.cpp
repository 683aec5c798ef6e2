//===- Npy.cpp - .npy file reading and writing ----------------------------===//

#include "tfcrt/Npy.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tfcrt's .npy support assumes a little-endian host"
#endif

namespace tfcrt {

static const char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicLen = 6;
static constexpr uint64_t kMaxBytes = uint64_t(1) << 48;

size_t dtypeSize(DType dtype) { return dtype == DType::I64 ? 8 : 4; }

const char *dtypeDescr(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::I64:
    return "<i8";
  case DType::I32:
    return "<i4";
  }
  return "?";
}

size_t NpyArray::numElements() const {
  size_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<size_t>(d);
  return n;
}

void NpyArray::reset(DType newType, std::vector<int64_t> newShape) {
  dtype = newType;
  shape = std::move(newShape);
  storage.assign((numBytes() + 7) / 8, 0);
}

namespace {
struct FileCloser {
  void operator()(FILE *f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

// A tiny scanner for the Python-literal header dictionary.
struct HeaderScanner {
  const std::string &s;
  size_t i = 0;
  void skipWs() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
      ++i;
  }
  bool eat(char c) {
    skipWs();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool quoted(std::string *out) {
    skipWs();
    if (i >= s.size() || (s[i] != '\'' && s[i] != '"'))
      return false;
    char q = s[i];
    size_t end = i + 1;
    while (end < s.size() && s[end] != q) {
      if (s[end] < 0x20 || s[end] > 0x7E) // keeps error messages one line
        return false;
      ++end;
    }
    if (end >= s.size())
      return false;
    *out = s.substr(i + 1, end - i - 1);
    i = end + 1;
    return true;
  }
  bool word(std::string *out) {
    skipWs();
    size_t j = i;
    while (j < s.size() &&
           ((s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= 'a' && s[j] <= 'z')))
      ++j;
    *out = s.substr(i, j - i);
    i = j;
    return !out->empty();
  }
  bool integer(int64_t *out) {
    skipWs();
    size_t j = i;
    int64_t v = 0;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
      if (v > (INT64_MAX - 9) / 10)
        return false;
      v = v * 10 + (s[j++] - '0');
    }
    if (j == i)
      return false;
    i = j;
    *out = v;
    return true;
  }
};
} // namespace

bool parseNpyHeader(const std::string &header, DType *dtype,
                    std::vector<int64_t> *shape, std::string *error) {
  HeaderScanner sc{header};
  bool haveDescr = false, haveOrder = false, haveShape = false;
  auto fail = [&](const std::string &what) {
    *error = "bad header (" + what + ")";
    return false;
  };
  if (!sc.eat('{'))
    return fail("expected '{'");
  while (!sc.eat('}')) {
    std::string key;
    if (!sc.quoted(&key) || !sc.eat(':'))
      return fail("expected 'key':");
    if (key == "descr") {
      std::string d;
      if (!sc.quoted(&d))
        return fail("descr is not a string");
      if (d == "<f4")
        *dtype = DType::F32;
      else if (d == "<i8")
        *dtype = DType::I64;
      else if (d == "<i4")
        *dtype = DType::I32;
      else {
        *error = "unsupported dtype '" + d + "' (want <f4, <i8 or <i4)";
        return false;
      }
      haveDescr = true;
    } else if (key == "fortran_order") {
      std::string w;
      if (!sc.word(&w) || (w != "False" && w != "True"))
        return fail("fortran_order is not True/False");
      if (w == "True") {
        *error = "Fortran-order arrays are not supported";
        return false;
      }
      haveOrder = true;
    } else if (key == "shape") {
      if (!sc.eat('('))
        return fail("shape is not a tuple");
      shape->clear();
      while (!sc.eat(')')) {
        int64_t d;
        if (!sc.integer(&d))
          return fail("shape entries must be non-negative integers");
        shape->push_back(d);
        if (!sc.eat(',')) {
          if (!sc.eat(')'))
            return fail("expected ',' or ')' in shape");
          break;
        }
      }
      haveShape = true;
    } else {
      return fail("unknown key '" + key + "'");
    }
    if (!sc.eat(',')) {
      if (!sc.eat('}'))
        return fail("expected ',' or '}'");
      break;
    }
  }
  sc.skipWs();
  if (sc.i != header.size())
    return fail("trailing characters");
  if (!haveDescr || !haveOrder || !haveShape)
    return fail("needs descr, fortran_order and shape");
  return true;
}

bool writeNpy(const std::string &path, DType dtype,
              const std::vector<int64_t> &shape, const void *data,
              std::string *error) {
  std::string dict = std::string("{'descr': '") + dtypeDescr(dtype) +
                     "', 'fortran_order': False, 'shape': (";
  uint64_t count = 1;
  for (size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] < 0) {
      *error = path + ": negative dimension in shape";
      return false;
    }
    count *= static_cast<uint64_t>(shape[k]);
    dict += (k ? ", " : "") + std::to_string(shape[k]);
  }
  dict += shape.size() == 1 ? ",), }" : "), }";
  // Byte-identical to numpy's np.save: spare room for the first dimension to
  // grow to 21 digits, then spaces up to a multiple of 64 bytes (a full 64
  // when already aligned) for magic + version + length + header + '\n'.
  if (!shape.empty())
    dict.append(21 - std::to_string(shape[0]).size(), ' ');
  dict.append(64 - (kMagicLen + 4 + dict.size() + 1) % 64, ' ');
  dict.push_back('\n');
  if (dict.size() > 0xFFFF) {
    *error = path + ": header too long for .npy v1.0";
    return false;
  }
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) {
    *error = "cannot open " + path + " for writing: " + std::strerror(errno);
    return false;
  }
  unsigned char pre[10];
  std::memcpy(pre, kMagic, kMagicLen);
  pre[6] = 1;
  pre[7] = 0;
  pre[8] = static_cast<unsigned char>(dict.size() & 0xFF);
  pre[9] = static_cast<unsigned char>(dict.size() >> 8);
  size_t bytes = static_cast<size_t>(count) * dtypeSize(dtype);
  bool ok = std::fwrite(pre, 1, sizeof(pre), f.get()) == sizeof(pre) &&
            std::fwrite(dict.data(), 1, dict.size(), f.get()) == dict.size() &&
            (bytes == 0 || std::fwrite(data, 1, bytes, f.get()) == bytes);
  ok = std::fclose(f.release()) == 0 && ok;
  if (!ok)
    *error = "cannot write " + path + ": " + std::strerror(errno);
  return ok;
}

bool readNpy(const std::string &path, NpyArray *out, std::string *error) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  auto fail = [&](const std::string &what) {
    *error = path + ": " + what;
    return false;
  };
  unsigned char pre[12];
  if (std::fread(pre, 1, 8, f.get()) != 8 ||
      std::memcmp(pre, kMagic, kMagicLen) != 0)
    return fail("not a .npy file (bad magic)");
  unsigned major = pre[6];
  if ((major != 1 && major != 2) || pre[7] != 0)
    return fail("unsupported .npy version " + std::to_string(major) + "." +
                std::to_string(pre[7]));
  size_t lenBytes = major == 1 ? 2 : 4;
  if (std::fread(pre + 8, 1, lenBytes, f.get()) != lenBytes)
    return fail("truncated header");
  uint64_t headerLen = pre[8] | (uint64_t(pre[9]) << 8);
  if (major == 2)
    headerLen |= (uint64_t(pre[10]) << 16) | (uint64_t(pre[11]) << 24);
  if (headerLen > (1u << 20))
    return fail("header length " + std::to_string(headerLen) + " too large");
  std::string header(static_cast<size_t>(headerLen), '\0');
  if (std::fread(&header[0], 1, header.size(), f.get()) != header.size())
    return fail("truncated header");
  if (header.empty() || header.back() != '\n')
    return fail("bad header (no terminating newline)");
  std::string msg;
  DType dtype;
  std::vector<int64_t> shape;
  if (!parseNpyHeader(header, &dtype, &shape, &msg))
    return fail(msg);
  uint64_t count = 1;
  for (int64_t d : shape) {
    if (d != 0 && count > kMaxBytes / static_cast<uint64_t>(d))
      return fail("shape too large");
    count *= static_cast<uint64_t>(d);
  }
  if (count > kMaxBytes / dtypeSize(dtype))
    return fail("shape too large");
  uint64_t want = count * dtypeSize(dtype);
  long dataStart = std::ftell(f.get());
  if (dataStart < 0 || std::fseek(f.get(), 0, SEEK_END) != 0)
    return fail("cannot seek");
  long end = std::ftell(f.get());
  uint64_t have = static_cast<uint64_t>(end - dataStart);
  if (have != want)
    return fail("expected " + std::to_string(want) + " data bytes for the " +
                "shape in the header, found " + std::to_string(have));
  std::fseek(f.get(), dataStart, SEEK_SET);
  out->reset(dtype, std::move(shape));
  if (want &&
      std::fread(out->data(), 1, static_cast<size_t>(want), f.get()) != want)
    return fail("read error");
  return true;
}

} // namespace tfcrt
