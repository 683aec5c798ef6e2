//===- CliTest.cpp - tests for tfcrt/Cli.h --------------------------------===//

#include "tfcrt/Cli.h"

#include <gtest/gtest.h>

#include <vector>

using tfcrt::ArgParser;

namespace {

ArgParser makeParser() {
  ArgParser p("usage: prog [options] FILE...");
  p.addOption("top-p", 'p', "P", "nucleus mass", "1");
  p.addOption("top-k", 'k', "K", "keep K tokens", "0");
  p.addOption("prompt", 0, "TEXT", "a prompt", "", /*repeatable=*/true);
  p.addFlag("verbose", 'v', "talk more");
  return p;
}

bool parse(ArgParser &p, std::vector<const char *> args, std::string *error) {
  args.insert(args.begin(), "prog");
  return p.parse(static_cast<int>(args.size()), args.data(), error);
}

TEST(Cli, FormsOfValues) {
  ArgParser p = makeParser();
  std::string err;
  ASSERT_TRUE(parse(p,
                    {"--top-p", "0.5", "-k40", "--prompt=a=b", "--prompt", "-x",
                     "-v", "in.txt", "--", "--verbose", "-"},
                    &err))
      << err;
  EXPECT_EQ(p.get("top-p"), "0.5");
  EXPECT_EQ(p.get("top-k"), "40");
  EXPECT_EQ(p.getAll("prompt"), (std::vector<std::string>{"a=b", "-x"}));
  EXPECT_TRUE(p.has("verbose"));
  EXPECT_EQ(p.positional(),
            (std::vector<std::string>{"in.txt", "--verbose", "-"}));
}

TEST(Cli, ShortWithSeparateValueAndDefaults) {
  ArgParser p = makeParser();
  std::string err;
  ASSERT_TRUE(parse(p, {"-p", "0.25"}, &err)) << err;
  EXPECT_EQ(p.get("top-p"), "0.25");
  EXPECT_FALSE(p.has("top-k"));
  EXPECT_EQ(p.get("top-k"), "0");
  EXPECT_FALSE(p.has("verbose"));
  EXPECT_TRUE(p.getAll("prompt").empty());
}

TEST(Cli, ParseErrors) {
  struct Case {
    std::vector<const char *> args;
    const char *message;
  } cases[] = {
      {{"--nope"}, "error: unknown option '--nope'"},
      {{"--nope=3"}, "error: unknown option '--nope'"},
      {{"-z"}, "error: unknown option '-z'"},
      {{"--top-k"}, "error: --top-k: missing value"},
      {{"--verbose=1"}, "error: --verbose does not take a value"},
      {{"-vv"}, "error: -v does not take a value (in '-vv')"},
      {{"--top-k", "1", "-k", "2"}, "error: --top-k given more than once"},
  };
  for (const Case &c : cases) {
    ArgParser p = makeParser();
    std::string err;
    EXPECT_FALSE(parse(p, c.args, &err)) << c.message;
    EXPECT_EQ(err, c.message);
  }
}

TEST(Cli, FloatRange) {
  ArgParser p = makeParser();
  std::string err;
  ASSERT_TRUE(parse(p, {"--top-p", "1.5"}, &err));
  double v = 0;
  EXPECT_FALSE(p.getFloat("top-p", 0, 1, false, true, &v, &err));
  EXPECT_EQ(err, "error: --top-p: expected a number in (0, 1], got '1.5'");

  for (const char *bad :
       {"0", "abc", "", "0.5x", " 0.5", "nan", "inf", "1e999"}) {
    ArgParser q = makeParser();
    ASSERT_TRUE(parse(q, {"--top-p", bad}, &err));
    EXPECT_FALSE(q.getFloat("top-p", 0, 1, false, true, &v, &err)) << bad;
    EXPECT_EQ(err, std::string("error: --top-p: expected a number in (0, 1], "
                               "got '") +
                       bad + "'");
  }
  for (const char *good : {"1", "0.9", "1e-3", ".5"}) {
    ArgParser q = makeParser();
    ASSERT_TRUE(parse(q, {"--top-p", good}, &err));
    EXPECT_TRUE(q.getFloat("top-p", 0, 1, false, true, &v, &err)) << good;
  }
  ArgParser d = makeParser();
  ASSERT_TRUE(parse(d, {}, &err));
  ASSERT_TRUE(d.getFloat("top-p", 0, 1, false, true, &v, &err));
  EXPECT_EQ(v, 1.0); // the default
  EXPECT_FALSE(d.getFloat("top-p", 0, 1, false, false, &v, &err));
  EXPECT_EQ(err, "error: --top-p: expected a number in (0, 1), got '1'");
  EXPECT_FALSE(d.getFloat("top-p", 1, 2.5, false, true, &v, &err));
  EXPECT_EQ(err, "error: --top-p: expected a number in (1, 2.5], got '1'");
}

TEST(Cli, IntRange) {
  std::string err;
  int64_t v = 0;
  for (const char *bad :
       {"-1", "50258", "4.0", "x", "", "99999999999999999999"}) {
    ArgParser p = makeParser();
    ASSERT_TRUE(parse(p, {"--top-k", bad}, &err));
    EXPECT_FALSE(p.getInt("top-k", 0, 50257, &v, &err)) << bad;
    EXPECT_EQ(err, std::string("error: --top-k: expected an integer in "
                               "[0, 50257], got '") +
                       bad + "'");
  }
  ArgParser p = makeParser();
  ASSERT_TRUE(parse(p, {"--top-k=+40"}, &err));
  ASSERT_TRUE(p.getInt("top-k", 0, 50257, &v, &err)) << err;
  EXPECT_EQ(v, 40);
}

TEST(Cli, Help) {
  ArgParser p = makeParser();
  std::string h = p.help();
  EXPECT_NE(h.find("usage: prog [options] FILE..."), std::string::npos);
  EXPECT_NE(h.find("-p, --top-p P"), std::string::npos);
  EXPECT_NE(h.find("--prompt TEXT"), std::string::npos);
  EXPECT_NE(h.find("(repeatable)"), std::string::npos);
  EXPECT_NE(h.find("(default: 1)"), std::string::npos);
}

TEST(Cli, NumberParsing) {
  int64_t i = 0;
  double d = 0;
  EXPECT_TRUE(tfcrt::parseInt("-9223372036854775808", &i));
  EXPECT_EQ(i, INT64_MIN);
  EXPECT_FALSE(tfcrt::parseInt("9223372036854775808", &i));
  EXPECT_FALSE(tfcrt::parseInt("12 ", &i));
  EXPECT_TRUE(tfcrt::parseFloat("-2.5e3", &d));
  EXPECT_EQ(d, -2500.0);
  EXPECT_FALSE(tfcrt::parseFloat("1.0.0", &d));
}

} // namespace
