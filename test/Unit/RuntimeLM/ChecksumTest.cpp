//===- ChecksumTest.cpp - tests for tfcrtChecksum -------------------------===//

#include "Checksum.h"
#include "LmRuntime.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

uint64_t sum(const std::string &s) { return tfcrtChecksum(s.data(), s.size()); }

// Expected values computed independently (Python, from the definition).
TEST(Checksum, KnownValues) {
  EXPECT_EQ(sum(""), 0xcbf29ce484222325ull); // the offset basis
  // Shorter than a word: plain byte-wise FNV-1a 64 (published vectors).
  EXPECT_EQ(sum("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(sum("foobar"), 0x85944171f73967e8ull);
  // One little-endian word, then a word and a tail byte.
  EXPECT_EQ(sum("12345678"), 0x49f2564e2d0004fcull);
  EXPECT_EQ(sum("123456789"), 0xa6cd6bd677081abfull);
  EXPECT_EQ(sum(std::string(8, '\xff')), 0x509c41b379fe466eull);
  std::string big;
  for (int r = 0; r < 3; ++r)
    for (int b = 0; b < 256; ++b)
      big += static_cast<char>(b);
  big += "xyz";
  EXPECT_EQ(sum(big), 0x09967091d8567920ull);
}

TEST(Checksum, WordsAreNotBytes) {
  // From 8 bytes on, the value differs from byte-wise FNV-1a.
  const std::string s = "12345678";
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s)
    h = (h ^ c) * 0x100000001b3ull;
  EXPECT_NE(sum(s), h);
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
