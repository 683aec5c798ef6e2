//===- ModelInfoTest.cpp - tests for parseModelInfo -----------------------===//

#include "LmRuntime.h"
#include "LmTestUtil.h"

#include <gtest/gtest.h>

#include <string>

using tfcrt::lm::ModelInfo;
using tfcrt::lm::parseModelInfo;
using tfcrt_lm_test::modelInfoText;

namespace {

std::string replaceLine(std::string text, const std::string &key,
                        const std::string &line) {
  size_t at = text.find(key + "=");
  size_t end = text.find('\n', at);
  return text.replace(at, end + 1 - at, line);
}

std::string errorOf(const std::string &text) {
  ModelInfo info;
  std::string error;
  EXPECT_FALSE(parseModelInfo(text, &info, &error)) << text;
  return error;
}

TEST(ModelInfo, Gpt2) {
  ModelInfo info;
  std::string error;
  ASSERT_TRUE(parseModelInfo(modelInfoText(497759232, "0123456789abcdef"),
                             &info, &error))
      << error;
  EXPECT_EQ(info.arch, "gpt2");
  EXPECT_EQ(info.vocabSize, 50257);
  EXPECT_EQ(info.context, 1024);
  EXPECT_EQ(info.numLayers, 12);
  EXPECT_EQ(info.numKvHeads, 12);
  EXPECT_EQ(info.headDim, 64);
  EXPECT_EQ(info.eosTokenId, 50256);
  EXPECT_EQ(info.bosTokenId, 50256);
  EXPECT_EQ(info.weightsBytes, 497759232u);
  EXPECT_EQ(info.weightsChecksum, 0x0123456789abcdefull);
  EXPECT_FALSE(info.weightsEmbedded);

  ASSERT_TRUE(parseModelInfo(modelInfoText(1, "FFFFFFFFFFFFFFFF", "embed"),
                             &info, &error));
  EXPECT_TRUE(info.weightsEmbedded);
  EXPECT_EQ(info.weightsChecksum, ~0ull);
}

TEST(ModelInfo, Tolerated) {
  // Order, blank lines, spaces, CRLF, unknown keys and a missing final
  // newline are all fine.
  std::string text =
      "\r\nweights_mode = embed\r\n\n future_key=1\n" + modelInfoText();
  text = replaceLine(text, "weights_mode", "");
  text.pop_back();
  ModelInfo info;
  std::string error;
  ASSERT_TRUE(parseModelInfo(text, &info, &error)) << error;
  EXPECT_TRUE(info.weightsEmbedded);
  EXPECT_EQ(info.headDim, 64);
}

TEST(ModelInfo, OptionalTokenIds) {
  // config.json may lack bos_token_id / eos_token_id: -1 then.
  std::string text = replaceLine(
      replaceLine(modelInfoText(), "bos_token_id", ""), "eos_token_id", "");
  ModelInfo info;
  std::string error;
  ASSERT_TRUE(parseModelInfo(text, &info, &error)) << error;
  EXPECT_EQ(info.bosTokenId, -1);
  EXPECT_EQ(info.eosTokenId, -1);
  // Either alone.
  ASSERT_TRUE(parseModelInfo(replaceLine(modelInfoText(), "bos_token_id", ""),
                             &info, &error))
      << error;
  EXPECT_EQ(info.bosTokenId, -1);
  EXPECT_EQ(info.eosTokenId, 50256);
}

TEST(ModelInfo, Errors) {
  const std::string good = modelInfoText();
  struct Case {
    std::string key, line, message;
  } cases[] = {
      {"context", "", "error: model info: missing key 'context'"},
      {"arch", "", "error: model info: missing key 'arch'"},
      {"weights_mode", "", "error: model info: missing key 'weights_mode'"},
      {"context", "context=0\n",
       "error: model info: context: expected an integer in [1, 1073741824], "
       "got '0'"},
      {"vocab_size", "vocab_size=12k\n",
       "error: model info: vocab_size: expected an integer in [1, "
       "2147483647], got '12k'"},
      {"eos_token_id", "eos_token_id=50257\n",
       "error: model info: eos_token_id: expected an integer in [0, 50256], "
       "got '50257'"},
      {"bos_token_id", "bos_token_id=-1\n",
       "error: model info: bos_token_id: expected an integer in [0, 50256], "
       "got '-1'"},
      {"weights_bytes", "weights_bytes=-1\n",
       "error: model info: weights_bytes: expected an integer in [0, "
       "9223372036854775807], got '-1'"},
      {"weights_checksum", "weights_checksum=123\n",
       "error: model info: weights_checksum: expected 16 hex digits, got "
       "'123'"},
      {"weights_checksum", "weights_checksum=0123456789abcdeg\n",
       "error: model info: weights_checksum: expected 16 hex digits, got "
       "'0123456789abcdeg'"},
      {"weights_mode", "weights_mode=inline\n",
       "error: model info: weights_mode: expected 'embed' or 'external', got "
       "'inline'"},
      {"arch", "arch=\n", "error: model info: arch: expected a name, got ''"},
      {"arch", "gpt2\n", "error: model info: line 1 is not key=value: 'gpt2'"},
      {"arch", "=gpt2\n",
       "error: model info: line 1 is not key=value: '=gpt2'"},
      {"arch", "arch=a\narch=b\n", "error: model info: key 'arch' given twice"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(errorOf(replaceLine(good, c.key, c.line)), c.message) << c.line;
  EXPECT_EQ(errorOf(""), "error: model info: missing key 'arch'");
}

} // namespace
