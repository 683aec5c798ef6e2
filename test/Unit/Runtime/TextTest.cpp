//===- TextTest.cpp - tests for tfcrt/Text.h ------------------------------===//

#include "tfcrt/Text.h"

#include <gtest/gtest.h>

#include <vector>

using namespace tfcrt;

namespace {

std::vector<int32_t> codePoints(std::string_view s) {
  std::vector<int32_t> out;
  for (size_t i = 0; i < s.size();)
    out.push_back(nextCodePoint(s, &i));
  return out;
}

TEST(Text, Utf8Decoding) {
  EXPECT_EQ(codePoints("a\xc3\xa9\xe4\xbd\xa0\xf0\x9f\x98\x80"),
            (std::vector<int32_t>{'a', 0xE9, 0x4F60, 0x1F600}));
  EXPECT_EQ(codePoints("\xf4\x8f\xbf\xbf\xef\xbf\xbf"),
            (std::vector<int32_t>{0x10FFFF, 0xFFFF}));
  // Each byte of an ill-formed sequence is reported on its own.
  EXPECT_EQ(codePoints("\xc0\xaf"), (std::vector<int32_t>{-1, -1}));
  EXPECT_EQ(codePoints("\xed\xa0\x80"), (std::vector<int32_t>{-1, -1, -1}));
  EXPECT_EQ(codePoints("\xf4\x90\x80\x80"),
            (std::vector<int32_t>{-1, -1, -1, -1}));
  EXPECT_EQ(codePoints("\xe0\x9f\x80"), (std::vector<int32_t>{-1, -1, -1}));
  EXPECT_EQ(codePoints("\xe2\x82"
                       "A"),
            (std::vector<int32_t>{-1, -1, 'A'}));
  EXPECT_EQ(codePoints("\xf0\x9f\x98"), (std::vector<int32_t>{-1, -1, -1}));
  EXPECT_EQ(codePoints("\x80\xff"), (std::vector<int32_t>{-1, -1}));
  EXPECT_EQ(codePoints(std::string_view("\0", 1)), (std::vector<int32_t>{0}));
}

TEST(Text, AppendUtf8) {
  std::string s;
  for (uint32_t cp : {0x24u, 0xA2u, 0x20ACu, 0x10348u})
    appendUtf8(cp, &s);
  EXPECT_EQ(s, "$\xc2\xa2\xe2\x82\xac\xf0\x90\x8d\x88");
}

TEST(Text, ToJsonMatchesPythonDumps) {
  EXPECT_EQ(toJsonString(""), "\"\"");
  EXPECT_EQ(toJsonString("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
  EXPECT_EQ(toJsonString("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(toJsonString(std::string("\0\x01\x1f\x7f", 4)),
            "\"\\u0000\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(toJsonString("caf\xc3\xa9 \xe4\xbd\xa0"), "\"caf\\u00e9 \\u4f60\"");
  EXPECT_EQ(toJsonString("\xf0\x9f\x98\x80"), "\"\\ud83d\\ude00\"");
  EXPECT_EQ(toJsonString("\xff"
                         "a\xc3"),
            "\"\\udcffa\\udcc3\"");
}

TEST(Text, ParseJsonString) {
  auto parse = [](std::string_view in, std::string *out, std::string *err) {
    size_t pos = 0;
    out->clear();
    return parseJsonString(in, &pos, out, err) && pos == in.size();
  };
  std::string out, err;
  ASSERT_TRUE(parse("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\"", &out, &err)) << err;
  EXPECT_EQ(out, "a\"\\/\b\f\n\r\t");
  ASSERT_TRUE(parse("\"\\u00E9\\u4f60\\ud83d\\ude00\\u0000\"", &out, &err));
  EXPECT_EQ(out, std::string("\xc3\xa9\xe4\xbd\xa0\xf0\x9f\x98\x80\0", 10));
  ASSERT_TRUE(parse("\"raw \xc3\xa9\"", &out, &err));
  EXPECT_EQ(out, "raw \xc3\xa9");
  ASSERT_TRUE(parse("\"\\udcff\\udc80x\"", &out, &err));
  EXPECT_EQ(out, "\xff\x80x");

  // Round trip of arbitrary bytes.
  std::string all;
  for (int b = 0; b < 256; ++b)
    all.push_back(static_cast<char>(b));
  all += "\xe4\xbd\xa0\xf0\x9f\x98\x80\xed\xa0\x80";
  ASSERT_TRUE(parse(toJsonString(all), &out, &err)) << err;
  EXPECT_EQ(out, all);
}

TEST(Text, ParseJsonStringErrors) {
  struct Case {
    const char *in;
    size_t at;
    const char *msg;
  } cases[] = {
      {"abc", 0, "expected '\"'"},
      {"\"abc", 4, "unterminated string"},
      {"\"a\\", 2, "unterminated string"},
      {"\"\\x\"", 1, "invalid escape"},
      {"\"\\u12g4\"", 1, "invalid \\u escape"},
      {"\"\\u12\"", 1, "invalid \\u escape"},
      {"\"ab\\ud800\"", 3, "unpaired surrogate"},
      {"\"\\ud800\\u0041\"", 1, "unpaired surrogate"},
      {"\"\\udc00\"", 1, "unpaired surrogate"},
      {"\"\\udfff\"", 1, "unpaired surrogate"},
      {"\"a\nb\"", 2, "control character in string"},
      {"\"\xff\"", 1, "invalid UTF-8 in string"},
  };
  for (const Case &c : cases) {
    size_t pos = 0;
    std::string out, err;
    EXPECT_FALSE(parseJsonString(c.in, &pos, &out, &err)) << c.in;
    EXPECT_EQ(err, c.msg) << c.in;
    EXPECT_EQ(pos, c.at) << c.in;
  }
}

} // namespace
