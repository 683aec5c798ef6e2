//===- Checksum.cpp - weight-blob checksum --------------------------------===//

#include "Checksum.h"

namespace {
constexpr uint64_t kP1 = 0x9e3779b185ebca87ull;
constexpr uint64_t kP2 = 0xc2b2ae3d27d4eb4full;
constexpr uint64_t kP3 = 0x165667b19e3779f9ull;
constexpr uint64_t kP4 = 0x85ebca77c2b2ae63ull;
constexpr uint64_t kP5 = 0x27d4eb2f165667c5ull;

inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// Little-endian load, independent of host byte order and alignment (compilers
// turn this into one load on little-endian hosts).
inline uint64_t load64(const unsigned char *p) {
  return uint64_t(p[0]) | uint64_t(p[1]) << 8 | uint64_t(p[2]) << 16 |
         uint64_t(p[3]) << 24 | uint64_t(p[4]) << 32 | uint64_t(p[5]) << 40 |
         uint64_t(p[6]) << 48 | uint64_t(p[7]) << 56;
}

// The rotation carries high data bits into the low half before the multiply
// spreads them upwards, so every input bit reaches every state bit.
inline uint64_t mixWord(uint64_t acc, uint64_t w) {
  return rotl(acc + w * kP2, 31) * kP1;
}
} // namespace

extern "C" uint64_t tfcrtChecksum(const void *data, size_t size) {
  const unsigned char *p = static_cast<const unsigned char *>(data);
  const unsigned char *end = p + size;
  // Four independent lanes over 32-byte stripes keep the multiplier busy.
  uint64_t lane[4] = {kP1 + kP2, kP2, 0, 0 - kP1};
  for (; end - p >= 32; p += 32)
    for (int i = 0; i < 4; ++i)
      lane[i] = mixWord(lane[i], load64(p + 8 * i));
  uint64_t h = kP5 + static_cast<uint64_t>(size);
  for (int i = 0; i < 4; ++i)
    h = (rotl(h, 27) ^ mixWord(0, lane[i])) * kP1 + kP4;
  for (; end - p >= 8; p += 8)
    h = (rotl(h, 27) ^ mixWord(0, load64(p))) * kP1 + kP4;
  for (; p < end; ++p)
    h = rotl(h ^ (*p * kP5), 11) * kP1;
  // Final avalanche.
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}
