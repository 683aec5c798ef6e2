//===- OptionsTest.cpp - tests for the LM command line --------------------===//

#include "LmRuntime.h"
#include "LmTestUtil.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using tfcrt::lm::ModelInfo;
using tfcrt::lm::Options;

namespace {

bool parse(std::vector<const char *> args, Options *out, std::string *error,
           const ModelInfo &info = tfcrt_lm_test::gpt2Info()) {
  args.insert(args.begin(), "/some/dir/gpt2");
  return tfcrt::lm::parseOptions(static_cast<int>(args.size()), args.data(),
                                 info, out, error);
}

std::string errorOf(std::vector<const char *> args) {
  Options o;
  std::string error;
  EXPECT_FALSE(parse(args, &o, &error));
  return error;
}

TEST(Options, Defaults) {
  Options o;
  std::string error;
  ASSERT_TRUE(parse({}, &o, &error)) << error;
  EXPECT_FALSE(o.help);
  EXPECT_FALSE(o.hasPrompt);
  EXPECT_FALSE(o.hasPromptIds);
  EXPECT_EQ(o.nPredict, 32);
  EXPECT_FLOAT_EQ(o.sampling.temperature, 0.8f);
  EXPECT_EQ(o.sampling.topK, 40);
  EXPECT_FLOAT_EQ(o.sampling.topP, 0.95f);
  EXPECT_FALSE(o.hasSeed);
  EXPECT_GE(o.threads, 1);
  EXPECT_FALSE(o.printIds);
  EXPECT_EQ(o.dumpLogits, "");
  EXPECT_EQ(o.perplexityFile, "");
  EXPECT_EQ(o.pplWindow, 1024); // the model context
  EXPECT_EQ(o.weightsFile, "");
  EXPECT_EQ(o.vocabDir, "");
}

TEST(Options, Everything) {
  Options o;
  std::string error;
  ASSERT_TRUE(
      parse({"-p",    "Hello",     "-n",      "7",           "--temp",
             "0",     "--top-k=5", "--top-p", "1",           "--seed",
             "99",    "--threads", "3",       "--print-ids", "--dump-logits",
             "x.npy", "--weights", "w.bin",   "--vocab",     "tok"},
            &o, &error))
      << error;
  EXPECT_TRUE(o.hasPrompt);
  EXPECT_EQ(o.prompt, "Hello");
  EXPECT_EQ(o.nPredict, 7);
  EXPECT_EQ(o.sampling.temperature, 0.0f);
  EXPECT_EQ(o.sampling.topK, 5);
  EXPECT_EQ(o.sampling.topP, 1.0f);
  EXPECT_TRUE(o.hasSeed);
  EXPECT_EQ(o.seed, 99u);
  EXPECT_EQ(o.threads, 3);
  EXPECT_TRUE(o.printIds);
  EXPECT_EQ(o.dumpLogits, "x.npy");
  EXPECT_EQ(o.weightsFile, "w.bin");
  EXPECT_EQ(o.vocabDir, "tok");

  ASSERT_TRUE(
      parse({"--prompt-ids", "0, 1,50256", "--n-predict=0"}, &o, &error))
      << error;
  EXPECT_TRUE(o.hasPromptIds);
  EXPECT_EQ(o.promptIds, (std::vector<int32_t>{0, 1, 50256}));
  EXPECT_EQ(o.nPredict, 0);

  ASSERT_TRUE(parse({"--prompt-ids", ""}, &o, &error)) << error;
  EXPECT_TRUE(o.hasPromptIds);
  EXPECT_TRUE(o.promptIds.empty());

  ASSERT_TRUE(parse({"--perplexity", "t.txt", "--ppl-window", "2"}, &o, &error))
      << error;
  EXPECT_EQ(o.perplexityFile, "t.txt");
  EXPECT_EQ(o.pplWindow, 2);
}

TEST(Options, Help) {
  Options o;
  std::string error;
  ASSERT_TRUE(parse({"--temp", "-5", "-h"}, &o, &error)) << error;
  EXPECT_TRUE(o.help);
  EXPECT_EQ(o.helpText.rfind("usage: gpt2 [options]", 0), 0u) << o.helpText;
  for (const char *opt :
       {"--prompt TEXT", "--prompt-ids IDS", "--n-predict N", "--temp T",
        "--top-k K", "--top-p P", "--seed N", "--threads N", "--print-ids",
        "--dump-logits FILE.npy", "--perplexity FILE", "--ppl-window N",
        "--weights FILE", "--vocab DIR", "--help"})
    EXPECT_NE(o.helpText.find(opt), std::string::npos) << opt;
}

TEST(Options, Errors) {
  struct Case {
    std::vector<const char *> args;
    const char *message;
  } cases[] = {
      {{"--prompt-ids", "1,99999"},
       "error: --prompt-ids: token id 99999 out of range [0, 50257)"},
      {{"--prompt-ids=-1"},
       "error: --prompt-ids: token id -1 out of range [0, 50257)"},
      {{"--prompt-ids", "1,,2"},
       "error: --prompt-ids: expected comma-separated token ids, got ''"},
      {{"--prompt-ids", "1,"},
       "error: --prompt-ids: expected comma-separated token ids, got ''"},
      {{"--prompt-ids", "0x10"},
       "error: --prompt-ids: expected comma-separated token ids, got '0x10'"},
      {{"--temp", "-0.1"},
       "error: --temp: expected a number in [0, 100], got '-0.1'"},
      {{"--temp", "inf"},
       "error: --temp: expected a number in [0, 100], got 'inf'"},
      {{"--top-p", "0"},
       "error: --top-p: expected a number in (0, 1], got '0'"},
      {{"--top-p", "1.01"},
       "error: --top-p: expected a number in (0, 1], got '1.01'"},
      {{"--top-k", "-1"},
       "error: --top-k: expected an integer in [0, 2147483647], got '-1'"},
      {{"-n", "-1"},
       "error: --n-predict: expected an integer in [0, 1000000000], got '-1'"},
      {{"-n", "1.5"},
       "error: --n-predict: expected an integer in [0, 1000000000], got "
       "'1.5'"},
      {{"--seed", "x"},
       "error: --seed: expected an integer in [0, 9223372036854775807], got "
       "'x'"},
      {{"--threads", "0"},
       "error: --threads: expected an integer in [1, 4096], got '0'"},
      {{"--perplexity", "f", "--ppl-window", "1"},
       "error: --ppl-window: expected an integer in [2, 1024], got '1'"},
      {{"--perplexity", "f", "--ppl-window", "1025"},
       "error: --ppl-window: expected an integer in [2, 1024], got '1025'"},
      {{"--ppl-window", "8"}, "error: --ppl-window needs --perplexity"},
      {{"--perplexity", "f", "--prompt-ids", "1"},
       "error: --perplexity cannot be combined with --prompt, --prompt-ids "
       "or --dump-logits"},
      {{"--perplexity", "f", "--dump-logits", "x.npy"},
       "error: --perplexity cannot be combined with --prompt, --prompt-ids "
       "or --dump-logits"},
      {{"--perplexity", ""}, "error: --perplexity: empty file name"},
      {{"--dump-logits="}, "error: --dump-logits: empty file name"},
      {{"--weights", ""}, "error: --weights: empty file name"},
      {{"--vocab", ""}, "error: --vocab: empty directory name"},
      {{"-p", "a", "--prompt-ids", "1"},
       "error: give at most one of --prompt and --prompt-ids"},
      {{"--nope"}, "error: unknown option '--nope' (see --help)"},
      {{"--print-ids=1"},
       "error: --print-ids does not take a value (see --help)"},
      {{"--temp"}, "error: --temp: missing value (see --help)"},
      {{"-n", "1", "-n", "2"},
       "error: --n-predict given more than once (see --help)"},
      {{"prompt text"},
       "error: unexpected argument 'prompt text' (see --help)"},
  };
  for (const Case &c : cases) {
    std::string joined;
    for (const char *a : c.args)
      joined += std::string(a) + " ";
    EXPECT_EQ(errorOf(c.args), c.message) << joined;
  }
}

TEST(Options, TokenIds) {
  std::vector<int32_t> ids;
  std::string error;
  ASSERT_TRUE(tfcrt::lm::parseTokenIds(" 3 ,4,5 ", 6, &ids, &error));
  EXPECT_EQ(ids, (std::vector<int32_t>{3, 4, 5}));
  ASSERT_TRUE(tfcrt::lm::parseTokenIds("  ", 6, &ids, &error));
  EXPECT_TRUE(ids.empty());
  EXPECT_FALSE(tfcrt::lm::parseTokenIds("6", 6, &ids, &error));
  EXPECT_EQ(error, "error: --prompt-ids: token id 6 out of range [0, 6)");
  EXPECT_FALSE(
      tfcrt::lm::parseTokenIds("99999999999999999999", 6, &ids, &error));
  EXPECT_EQ(error, "error: --prompt-ids: expected comma-separated token ids, "
                   "got '99999999999999999999'");
}

} // namespace
