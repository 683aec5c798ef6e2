//===- ChecksumTest.cpp - tests for tfcrtChecksum -------------------------===//

#include "Checksum.h"
#include "LmRuntime.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

uint64_t sum(const std::string &s) { return tfcrtChecksum(s.data(), s.size()); }

// Expected values computed independently (Python, from the definition in
// Checksum.h).
TEST(Checksum, KnownValues) {
  EXPECT_EQ(sum(""), 0x6222febc4f71fd4bull);
  EXPECT_EQ(sum("a"), 0x2dec1a8f42e1a13cull);
  EXPECT_EQ(sum("foobar"), 0xae3249a2f1b52391ull);
  // One little-endian word, then a word and a tail byte.
  EXPECT_EQ(sum("12345678"), 0x0fa4ec0ac21fa8d4ull);
  EXPECT_EQ(sum("123456789"), 0x1f686645fad495c8ull);
  EXPECT_EQ(sum(std::string(8, '\xff')), 0x3cb27982bb9bd5d7ull);
  // Full 32-byte stripes, leftover words and tail bytes.
  std::string big;
  for (int r = 0; r < 3; ++r)
    for (int b = 0; b < 256; ++b)
      big += static_cast<char>(b);
  big += "xyz";
  EXPECT_EQ(sum(big), 0xaebf8657ee446c8aull);
}

// A plain FNV-1a over words lets two flips of the same high bit cancel (bit k
// of the hash depends only on bits <= k of the data): e.g. the sign bits of
// two f32 weights. Every pair of single-bit flips must change the sum.
TEST(Checksum, PairsOfFlipsDoNotCancel) {
  std::vector<unsigned char> buf(80);
  for (size_t i = 0; i < buf.size(); ++i)
    buf[i] = static_cast<unsigned char>(i * 37 + 11);
  const uint64_t base = tfcrtChecksum(buf.data(), buf.size());
  const int bits[] = {0, 7, 31, 32, 62, 63};
  for (size_t w1 = 0; w1 < buf.size() / 8; ++w1)
    for (size_t w2 = w1 + 1; w2 < buf.size() / 8; ++w2)
      for (int bit : bits) {
        std::vector<unsigned char> t = buf;
        t[w1 * 8 + bit / 8] ^= 1u << (bit % 8);
        t[w2 * 8 + bit / 8] ^= 1u << (bit % 8);
        EXPECT_NE(tfcrtChecksum(t.data(), t.size()), base)
            << "words " << w1 << "," << w2 << " bit " << bit;
      }
}

TEST(Checksum, IndependentOfAlignment) {
  std::vector<unsigned char> buf(1000 + 16);
  for (size_t i = 0; i < buf.size(); ++i)
    buf[i] = static_cast<unsigned char>(i * 131 + 7);
  std::vector<unsigned char> copy(buf.begin() + 3, buf.begin() + 3 + 1000);
  EXPECT_EQ(tfcrtChecksum(buf.data() + 3, 1000),
            tfcrtChecksum(copy.data(), copy.size()));
  EXPECT_NE(tfcrtChecksum(buf.data() + 3, 1000),
            tfcrtChecksum(buf.data() + 4, 1000));
}

TEST(Checksum, EveryByteMatters) {
  std::string s(37, 'q');
  const uint64_t base = sum(s);
  for (size_t i = 0; i < s.size(); ++i) {
    std::string t = s;
    t[i] ^= 1;
    EXPECT_NE(sum(t), base) << "byte " << i;
  }
}

TEST(Checksum, Hex) {
  EXPECT_EQ(tfcrt::lm::checksumHex(0x0123456789abcdefull), "0123456789abcdef");
  EXPECT_EQ(tfcrt::lm::checksumHex(0), "0000000000000000");
  EXPECT_EQ(tfcrt::lm::checksumHex(~0ull), "ffffffffffffffff");
}

} // namespace
