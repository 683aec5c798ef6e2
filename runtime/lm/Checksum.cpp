//===- Checksum.cpp - weight-blob checksum --------------------------------===//

#include "Checksum.h"

namespace {
constexpr uint64_t kOffsetBasis = 0xcbf29ce484222325ull;
constexpr uint64_t kPrime = 0x100000001b3ull;
} // namespace

extern "C" uint64_t tfcrtChecksum(const void *data, size_t size) {
  const unsigned char *p = static_cast<const unsigned char *>(data);
  uint64_t h = kOffsetBasis;
  size_t words = size / 8;
  for (size_t i = 0; i < words; ++i, p += 8) {
    // Little-endian load, independent of host byte order and alignment
    // (compilers turn this into one load on little-endian hosts).
    uint64_t w = uint64_t(p[0]) | uint64_t(p[1]) << 8 | uint64_t(p[2]) << 16 |
                 uint64_t(p[3]) << 24 | uint64_t(p[4]) << 32 |
                 uint64_t(p[5]) << 40 | uint64_t(p[6]) << 48 |
                 uint64_t(p[7]) << 56;
    h = (h ^ w) * kPrime;
  }
  for (size_t i = 0; i < size % 8; ++i)
    h = (h ^ p[i]) * kPrime;
  return h;
}
