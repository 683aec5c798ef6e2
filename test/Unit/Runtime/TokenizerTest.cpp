//===- TokenizerTest.cpp - tests for tfcrt/Tokenizer.h --------------------===//

#include "tfcrt/Tokenizer.h"

#include "TestUtil.h"
#include "tfcrt/Text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace tfcrt;
using tfcrt_test::TempDir;

namespace {

std::string gpt2Dir() {
  return tfcrt_test::srcRoot() + "/models/gpt2-tokenizer";
}

const Tokenizer &gpt2() {
  static Tokenizer tok = [] {
    Tokenizer t;
    std::string err;
    EXPECT_TRUE(t.load(gpt2Dir(), &err)) << err;
    return t;
  }();
  return tok;
}

std::vector<std::string> pieces(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view p : preTokenize(text))
    out.emplace_back(p);
  return out;
}

using Strings = std::vector<std::string>;
using Ids = std::vector<int32_t>;

TEST(PreTokenize, Contractions) {
  EXPECT_EQ(pieces("it's we're I've I'm you'll he'd don't"),
            (Strings{"it", "'s", " we", "'re", " I", "'ve", " I", "'m", " you",
                     "'ll", " he", "'d", " don", "'t"}));
  // Uppercase forms are not contractions for the GPT-2 pattern.
  EXPECT_EQ(pieces("IT'S I'M"), (Strings{"IT", "'", "S", " I", "'", "M"}));
  EXPECT_EQ(pieces("'s'r'x"), (Strings{"'s", "'", "r", "'", "x"}));
  EXPECT_EQ(pieces("!'s"), (Strings{"!'", "s"}));
  EXPECT_EQ(pieces("'"), (Strings{"'"}));
}

TEST(PreTokenize, ClassesAndSpaces) {
  EXPECT_EQ(pieces("Hello world 123 !!"),
            (Strings{"Hello", " world", " 123", " !!"}));
  EXPECT_EQ(pieces("abc123def"), (Strings{"abc", "123", "def"}));
  EXPECT_EQ(pieces("a  b"), (Strings{"a", " ", " b"}));
  EXPECT_EQ(pieces("a   "), (Strings{"a", "   "}));
  EXPECT_EQ(pieces("a\n\nb"), (Strings{"a", "\n", "\n", "b"}));
  EXPECT_EQ(pieces("a \n b"), (Strings{"a", " \n", " b"}));
  EXPECT_EQ(pieces("\tx"), (Strings{"\t", "x"}));
  EXPECT_EQ(pieces(" "), (Strings{" "}));
  EXPECT_EQ(pieces(""), Strings{});
  // U+00A0 and U+3000 are \s; U+001F is not (it is "other").
  // Only U+0020 attaches to a following word.
  EXPECT_EQ(pieces("a\xc2\xa0\xc2\xa0"
                   "b"),
            (Strings{"a", "\xc2\xa0", "\xc2\xa0", "b"}));
  EXPECT_EQ(pieces("x\xe3\x80\x80y"), (Strings{"x", "\xe3\x80\x80", "y"}));
  EXPECT_EQ(pieces("x\x1f\x1fy"), (Strings{"x", "\x1f\x1f", "y"}));
  // Combining marks (Mn) are not letters.
  EXPECT_EQ(pieces("e\xcc\x81t\xc3\xa9"),
            (Strings{"e", "\xcc\x81", "t\xc3\xa9"}));
  // Invalid UTF-8 bytes are "other" characters.
  EXPECT_EQ(pieces("ab\xff\xfe cd"), (Strings{"ab", "\xff\xfe", " cd"}));
}

TEST(PreTokenize, Classification) {
  EXPECT_EQ(classifyCodePoint('a'), CharClass::Letter);
  EXPECT_EQ(classifyCodePoint('7'), CharClass::Number);
  EXPECT_EQ(classifyCodePoint(' '), CharClass::Space);
  EXPECT_EQ(classifyCodePoint('_'), CharClass::Other);
  EXPECT_EQ(classifyCodePoint(0x4E2D), CharClass::Letter); // CJK
  EXPECT_EQ(classifyCodePoint(0x05D0), CharClass::Letter); // Hebrew alef
  EXPECT_EQ(classifyCodePoint(0x00B2), CharClass::Number); // superscript 2
  EXPECT_EQ(classifyCodePoint(0x2167), CharClass::Number); // Roman numeral
  EXPECT_EQ(classifyCodePoint(0x0085), CharClass::Space);
  EXPECT_EQ(classifyCodePoint(0x2029), CharClass::Space);
  EXPECT_EQ(classifyCodePoint(0x001C), CharClass::Other);
  EXPECT_EQ(classifyCodePoint(0x200B), CharClass::Other);   // ZWSP is Cf
  EXPECT_EQ(classifyCodePoint(0x0301), CharClass::Other);   // Mn
  EXPECT_EQ(classifyCodePoint(0x1F600), CharClass::Other);  // emoji
  EXPECT_EQ(classifyCodePoint(0x20000), CharClass::Letter); // CJK ext B
  EXPECT_EQ(classifyCodePoint(0x10FFFF), CharClass::Other);
  EXPECT_STREQ(unicodeTablesVersion(), "14.0.0");
}

TEST(Gpt2, KnownEncodings) {
  const Tokenizer &t = gpt2();
  ASSERT_TRUE(t.loaded());
  EXPECT_EQ(t.vocabSize(), 50257u);
  EXPECT_EQ(t.tokenId("<|endoftext|>"), 50256);
  EXPECT_EQ(t.tokenId("no such token"), -1);
  EXPECT_EQ(t.encode("Hello world"), (Ids{15496, 995}));
  EXPECT_EQ(t.encode(""), Ids{});
  EXPECT_EQ(t.encode(" "), (Ids{220}));
  EXPECT_EQ(t.encode("\n\n"), (Ids{628}));
  EXPECT_EQ(t.encode("<|endoftext|>"), (Ids{27, 91, 437, 1659, 5239, 91, 29}));
  EXPECT_EQ(*t.tokenBytes(50256), "<|endoftext|>");
  EXPECT_EQ(*t.tokenBytes(220), " ");
  EXPECT_EQ(t.tokenBytes(50257), nullptr);
  EXPECT_EQ(t.tokenBytes(-1), nullptr);
}

TEST(Gpt2, RoundTripBytes) {
  const Tokenizer &t = gpt2();
  std::vector<std::string> texts = {
      "The quick brown fox\n\tjumps  over   ",
      "\xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9",
      "caf\xc3\xa9 e\xcc\x81 \xc2\xa0\xe3\x80\x80",
      std::string("nul\0byte\xff\xfe\x80 tail", 17),
  };
  std::string all;
  for (int b = 0; b < 256; ++b)
    all.push_back(static_cast<char>(b));
  texts.push_back(all);
  for (const std::string &s : texts) {
    std::string out, err;
    ASSERT_TRUE(t.decode(t.encode(s), &out, &err)) << err;
    EXPECT_EQ(out, s);
  }
}

TEST(Gpt2, DecodeErrors) {
  const Tokenizer &t = gpt2();
  std::string out, err;
  EXPECT_FALSE(t.decode({15496, 50257, 995}, &out, &err));
  EXPECT_EQ(err, "token id 50257 is not in the vocabulary (size 50257)");
  EXPECT_EQ(out, "Hello");
  EXPECT_FALSE(t.decode({-3}, &out, &err));
  EXPECT_EQ(err, "token id -3 is not in the vocabulary (size 50257)");
  Tokenizer empty;
  EXPECT_FALSE(empty.decode({1}, &out, &err));
  EXPECT_EQ(err, "tokenizer not loaded");
  EXPECT_TRUE(empty.encode("abc").empty());
}

TEST(Gpt2, LongInputsAreFast) {
  const Tokenizer &t = gpt2();
  std::string letters, spaces(20000, ' ');
  uint32_t x = 1;
  for (int i = 0; i < 200000; ++i) {
    x = x * 1103515245u + 12345u;
    letters.push_back(static_cast<char>('a' + (x >> 16) % 26));
  }
  auto start = std::chrono::steady_clock::now();
  Ids ids = t.encode(letters);
  Ids sp = t.encode(spaces);
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  EXPECT_LT(secs, 5.0);
  std::string out, err;
  ASSERT_TRUE(t.decode(ids, &out, &err));
  EXPECT_EQ(out, letters);
  out.clear();
  ASSERT_TRUE(t.decode(sp, &out, &err));
  EXPECT_EQ(out, spaces);
}

TEST(Gpt2, ThreadSafe) {
  const Tokenizer &t = gpt2();
  std::string text;
  for (int i = 0; i < 300; ++i)
    text += "word" + std::to_string(i % 37) + " it's \xc3\xa9t\xc3\xa9 ";
  Ids want = t.encode(text);
  std::vector<Ids> got(4);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      for (int r = 0; r < 20; ++r)
        got[k] = t.encode(text);
    });
  for (std::thread &th : threads)
    th.join();
  for (const Ids &g : got)
    EXPECT_EQ(g, want);
}

// A tiny vocabulary: the 256 byte tokens plus the given extra tokens.
std::string vocabJson(const std::vector<std::string> &extra) {
  std::string json = "{";
  int id = 0;
  unsigned remapped = 256;
  for (unsigned b = 0; b < 256; ++b) {
    bool keep = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) ||
                (b >= 0xAE && b <= 0xFF);
    std::string key;
    appendUtf8(keep ? b : remapped++, &key);
    json += toJsonString(key) + ": " + std::to_string(id++) + ", ";
  }
  for (const std::string &e : extra)
    json += toJsonString(e) + ": " + std::to_string(id++) + ", ";
  json.resize(json.size() - 2);
  return json + "}";
}

TEST(Bpe, MergeSemanticsMatchReference) {
  TempDir tmp;
  // Merging (a, a) takes non-overlapping pairs left to right, and pairs
  // formed by a merge wait for the next round.
  std::string v =
      tmp.write("vocab.json", vocabJson({"aa", "aaaa", "ab", "bc", "abc"}));
  std::string m =
      tmp.write("merges.txt", "#version: 0.2\naa aa\na a\nb c\na b\nab c\n");
  Tokenizer t;
  std::string err;
  ASSERT_TRUE(t.loadFiles(v, m, &err)) << err;
  auto id = [&](const char *s) { return t.tokenId(s); };
  EXPECT_EQ(t.encode("aaa"), (Ids{id("aa"), id("a")}));
  EXPECT_EQ(t.encode("aaaaa"), (Ids{id("aaaa"), id("a")}));
  EXPECT_EQ(t.encode("aaaaaa"), (Ids{id("aaaa"), id("aa")}));
  // (b, c) outranks (a, b): "abc" -> a + bc, never ab + c.
  EXPECT_EQ(t.encode("abc"), (Ids{id("a"), id("bc")}));
  EXPECT_EQ(t.encode("abd"), (Ids{id("ab"), id("d")}));

  // A pair formed during a round waits for the next round even when it
  // outranks the pair being merged: "aaaa" -> aa + aa, not aaa + a.
  std::string v2 = tmp.write("vocab2.json", vocabJson({"aa", "aaa"}));
  std::string m2 = tmp.write("merges2.txt", "#version: 0.2\naa a\na a\n");
  Tokenizer t2;
  ASSERT_TRUE(t2.loadFiles(v2, m2, &err)) << err;
  EXPECT_EQ(t2.encode("aaaa"), (Ids{t2.tokenId("aa"), t2.tokenId("aa")}));
  EXPECT_EQ(t2.encode("aaa"), (Ids{t2.tokenId("aaa")}));
}

TEST(Bpe, LoadErrorsAreOneLine) {
  TempDir tmp;
  std::string goodVocab = vocabJson({"ab"});
  std::string goodMerges = "#version: 0.2\na b\n";
  struct Case {
    std::string vocab, merges, expect; // expect: after "<file>:"
    bool inMerges;
  } cases[] = {
      {"[1, 2]", goodMerges,
       "1:1: expected '{' (vocab.json must be a JSON object)", false},
      {"{\"a\": 1,}", goodMerges, "1:9: expected '\"'", false},
      {"{\"a\" 1}", goodMerges, "1:6: expected ':'", false},
      {"{\"a\": -1}", goodMerges,
       "1:7: expected a non-negative integer token id", false},
      {"{\"a\": 1.5}", goodMerges,
       "1:7: expected a non-negative integer token id", false},
      {"{\"a\": 99999999999}", goodMerges,
       "1:7: token id too large (max 16777215)", false},
      {"{\"a\": 1\n\"b\": 2}", goodMerges, "2:1: expected ',' or '}'", false},
      {"{\"a\": 1, \"a\": 2}", goodMerges, "1:10: duplicate token \"a\"",
       false},
      {"{\"a\": 1, \"b\": 1}", goodMerges, "1:15: duplicate token id 1", false},
      {"{\"a\": 1} x", goodMerges, "1:10: trailing data after the JSON object",
       false},
      {"{\"a\\q\": 1}", goodMerges, "1:4: invalid escape", false},
      {"{\"a\": 1}", goodMerges, " no token for byte 0x00 (key \"\\u0100\")",
       false},
      {goodVocab, "#version: 0.2\na b c\n",
       "2: expected two tokens separated by a space", true},
      {goodVocab, "#version: 0.2\na\n",
       "2: expected two tokens separated by a space", true},
      {goodVocab, "#version: 0.2\na b\n\nab zz\n", "4: unknown token \"zz\"",
       true},
      {goodVocab, "#version: 0.2\nb a\n",
       "2: merged token \"ba\" is not in the vocabulary", true},
  };
  int k = 0;
  for (const Case &c : cases) {
    std::string v = tmp.write("v" + std::to_string(k) + ".json", c.vocab);
    std::string m = tmp.write("m" + std::to_string(k++) + ".txt", c.merges);
    Tokenizer t;
    std::string err;
    EXPECT_FALSE(t.loadFiles(v, m, &err)) << c.expect;
    EXPECT_FALSE(t.loaded());
    EXPECT_EQ(err, (c.inMerges ? m : v) + ":" + c.expect);
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  }
  Tokenizer t;
  std::string err;
  EXPECT_FALSE(t.load(tmp.str() + "/nowhere", &err));
  EXPECT_EQ(err, "cannot open " + tmp.str() +
                     "/nowhere/vocab.json: No such file or directory");
  std::string v = tmp.write("vocab.json", goodVocab);
  EXPECT_FALSE(t.loadFiles(v, tmp.str() + "/none.txt", &err));
  EXPECT_EQ(err, "cannot open " + tmp.str() +
                     "/none.txt: No such file or directory");
  // Without a '#' header the first line is a merge; CRLF is accepted.
  std::string m = tmp.write("crlf.txt", "a b\r\n");
  ASSERT_TRUE(t.loadFiles(v, m, &err)) << err;
  EXPECT_EQ(t.encode("ab"), (Ids{t.tokenId("ab")}));
}

} // namespace
