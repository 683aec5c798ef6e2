//===- Utf8StreamTest.cpp - tests for streaming token text ----------------===//

#include "LmRuntime.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using tfcrt::lm::Utf8Stream;

namespace {

/// What each push shows, then what finish shows.
std::vector<std::string> run(const std::vector<std::string> &pieces) {
  Utf8Stream s;
  std::vector<std::string> out;
  for (const std::string &p : pieces) {
    out.emplace_back();
    s.push(p, &out.back());
  }
  out.emplace_back();
  s.finish(&out.back());
  return out;
}

using Strings = std::vector<std::string>;

TEST(Utf8Stream, UnfinishedTail) {
  EXPECT_EQ(Utf8Stream::unfinishedTail(""), 0u);
  EXPECT_EQ(Utf8Stream::unfinishedTail("abc"), 0u);
  EXPECT_EQ(Utf8Stream::unfinishedTail("a\xC3"), 1u);        // é, 1 of 2
  EXPECT_EQ(Utf8Stream::unfinishedTail("a\xC3\xA9"), 0u);    // é
  EXPECT_EQ(Utf8Stream::unfinishedTail("\xE2\x82"), 2u);     // €, 2 of 3
  EXPECT_EQ(Utf8Stream::unfinishedTail("\xE2"), 1u);         // €, 1 of 3
  EXPECT_EQ(Utf8Stream::unfinishedTail("\xF0\x9F\x98"), 3u); // 😀, 3 of 4
  EXPECT_EQ(Utf8Stream::unfinishedTail("\xF0\x9F\x98\x80"), 0u);
  // Never valid: nothing to wait for.
  EXPECT_EQ(Utf8Stream::unfinishedTail("\x80"), 0u);         // lone cont.
  EXPECT_EQ(Utf8Stream::unfinishedTail("\xC0"), 0u);         // overlong lead
  EXPECT_EQ(Utf8Stream::unfinishedTail("\xF5"), 0u);         // > U+10FFFF
  EXPECT_EQ(Utf8Stream::unfinishedTail("\xE0\x80"), 0u);     // overlong
  EXPECT_EQ(Utf8Stream::unfinishedTail("\xED\xA0"), 0u);     // surrogate
  EXPECT_EQ(Utf8Stream::unfinishedTail("\xF4\x90"), 0u);     // > U+10FFFF
  EXPECT_EQ(Utf8Stream::unfinishedTail("\xC3\xA9\x80"), 0u); // extra cont.
  EXPECT_EQ(Utf8Stream::unfinishedTail("\x80\x80\x80"), 0u);
}

TEST(Utf8Stream, HoldsSplitSequences) {
  // "é" split over two tokens, "€" over three, "😀" as 2 + 2.
  EXPECT_EQ(run({"caf", "\xC3", "\xA9!"}),
            (Strings{"caf", "", "\xC3\xA9!", ""}));
  EXPECT_EQ(run({"\xE2", "\x82", "\xAC"}),
            (Strings{"", "", "\xE2\x82\xAC", ""}));
  EXPECT_EQ(run({"x\xF0\x9F", "\x98\x80y"}),
            (Strings{"x", "\xF0\x9F\x98\x80y", ""}));
}

TEST(Utf8Stream, PassesInvalidBytes) {
  // A sequence that is broken off is shown as it is once that is known.
  EXPECT_EQ(run({"a\xE2\x82", "b"}), (Strings{"a",
                                              "\xE2\x82"
                                              "b",
                                              ""}));
  EXPECT_EQ(run({"\xFF", "\x80"}), (Strings{"\xFF", "\x80", ""}));
  // Unfinished at the end: finish() shows the held bytes.
  EXPECT_EQ(run({"ok\xF0\x9F\x98"}), (Strings{"ok", "\xF0\x9F\x98"}));
}

TEST(Utf8Stream, ConcatenationIsPreserved) {
  // Any split of any bytes comes out unchanged.
  const std::string text = "h\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xFF\xE2 z";
  for (size_t a = 0; a <= text.size(); ++a)
    for (size_t b = a; b <= text.size(); ++b) {
      std::string all;
      for (const std::string &s :
           run({text.substr(0, a), text.substr(a, b - a), text.substr(b)}))
        all += s;
      EXPECT_EQ(all, text) << a << " " << b;
    }
}

} // namespace
