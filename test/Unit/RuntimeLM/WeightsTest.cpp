//===- WeightsTest.cpp - tests for weight validation and loading ----------===//

#include "Checksum.h"
#include "LmRuntime.h"
#include "LmTestUtil.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

using tfcrt::lm::ModelInfo;
using tfcrt::lm::WeightsBlob;
using tfcrt_lm_test::TempDir;

namespace {

ModelInfo infoFor(const std::string &blob) {
  ModelInfo info = tfcrt_lm_test::gpt2Info();
  info.weightsBytes = blob.size();
  info.weightsChecksum = tfcrtChecksum(blob.data(), blob.size());
  return info;
}

std::string sampleBlob(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>((i * 2654435761u) >> 13);
  return s;
}

TEST(Weights, Validate) {
  const std::string blob = sampleBlob(100);
  const ModelInfo info = infoFor(blob);
  std::string error;
  EXPECT_TRUE(
      tfcrt::lm::validateWeights("w", blob.data(), blob.size(), info, &error));
  EXPECT_FALSE(tfcrt::lm::validateWeights("w", blob.data(), 99, info, &error));
  EXPECT_EQ(error, "error: w: expected 100 bytes, found 99");
  std::string bad = blob;
  bad[99] ^= 0x80;
  EXPECT_FALSE(
      tfcrt::lm::validateWeights("w", bad.data(), bad.size(), info, &error));
  EXPECT_EQ(error,
            "error: w: checksum mismatch (file corrupted or from another "
            "model)");
}

TEST(Weights, LoadFile) {
  TempDir dir;
  const std::string blob = sampleBlob(4133);
  const ModelInfo info = infoFor(blob);
  const std::string path = dir.write("m.weights", blob);
  WeightsBlob w;
  std::string error;
  ASSERT_TRUE(w.loadFile(path, info, &error)) << error;
  ASSERT_EQ(w.size(), blob.size());
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(w.data()), w.size()),
            blob);
  // Read into huge-page memory: 2 MiB aligned.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w.data()) % (2 << 20), 0u);
  // Loading again (another file) releases the first copy.
  const std::string path2 = dir.write("copy.weights", blob);
  ASSERT_TRUE(w.loadFile(path2, info, &error)) << error;
  EXPECT_EQ(w.size(), blob.size());
}

TEST(Weights, LoadFileErrors) {
  TempDir dir;
  const std::string blob = sampleBlob(64);
  const ModelInfo info = infoFor(blob);
  WeightsBlob w;
  std::string error;

  const std::string missing = dir.str() + "/gpt2.weights";
  EXPECT_FALSE(w.loadFile(missing, info, &error));
  EXPECT_EQ(error,
            "error: cannot open " + missing + ": No such file or directory");

  const std::string shortFile = dir.write("short.weights", "0123456789ab");
  EXPECT_FALSE(w.loadFile(shortFile, info, &error));
  EXPECT_EQ(error, "error: " + shortFile + ": expected 64 bytes, found 12");

  const std::string empty = dir.write("empty.weights", "");
  EXPECT_FALSE(w.loadFile(empty, info, &error));
  EXPECT_EQ(error, "error: " + empty + ": expected 64 bytes, found 0");

  std::string corrupt = blob;
  corrupt[0] ^= 1;
  const std::string bad = dir.write("bad.weights", corrupt);
  EXPECT_FALSE(w.loadFile(bad, info, &error));
  EXPECT_EQ(error, "error: " + bad +
                       ": checksum mismatch (file corrupted or from another "
                       "model)");
  EXPECT_EQ(w.data(), nullptr);
  EXPECT_EQ(w.size(), 0u);

  EXPECT_FALSE(w.loadFile(dir.str(), info, &error));
  EXPECT_EQ(error, "error: " + dir.str() + ": not a regular file");
}

TEST(Weights, EmptyBlob) {
  TempDir dir;
  const ModelInfo info = infoFor("");
  WeightsBlob w;
  std::string error;
  ASSERT_TRUE(w.loadFile(dir.write("e.weights", ""), info, &error)) << error;
  EXPECT_EQ(w.size(), 0u);
  EXPECT_NE(w.data(), nullptr);
}

/// Bytes in the test executable's own file (a loaded segment), like the
/// weights a compiled model embeds.
const unsigned char kInExecutable[300] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

// Weights in the executable's file are read from /proc/self/exe into
// huge-page memory, not used in place.
TEST(Weights, EmbeddedReadFromExecutable) {
  const std::string blob(reinterpret_cast<const char *>(kInExecutable),
                         sizeof(kInExecutable));
  const ModelInfo info = infoFor(blob);
  WeightsBlob w;
  std::string error;
  ASSERT_TRUE(w.useEmbedded(
      kInExecutable, kInExecutable + sizeof(kInExecutable), info, &error))
      << error;
  EXPECT_NE(w.data(), kInExecutable);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w.data()) % (2 << 20), 0u);
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(w.data()), w.size()),
            blob);
}

// Anything else (here heap memory) is used in place.
TEST(Weights, Embedded) {
  const std::string blob = sampleBlob(300);
  const ModelInfo info = infoFor(blob);
  const auto *begin = reinterpret_cast<const unsigned char *>(blob.data());
  WeightsBlob w;
  std::string error;
  ASSERT_TRUE(w.useEmbedded(begin, begin + blob.size(), info, &error)) << error;
  EXPECT_EQ(w.data(), begin);
  EXPECT_EQ(w.size(), blob.size());

  EXPECT_FALSE(w.useEmbedded(begin, begin + 299, info, &error));
  EXPECT_EQ(error, "error: embedded weights: expected 300 bytes, found 299");
  EXPECT_FALSE(w.useEmbedded(nullptr, nullptr, info, &error));
  EXPECT_EQ(error, "error: the model says weights_mode=embed but the "
                   "executable has no embedded weights");
}

} // namespace
