//===- PerplexityTest.cpp - tests for perplexity windowing and scoring ----===//

#include "LmRuntime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using tfcrt::lm::perplexityWindows;
using tfcrt::lm::scoredTokens;
using tfcrt::lm::tokenNll;
using tfcrt::lm::Window;

namespace {

std::vector<std::pair<size_t, size_t>> flat(const std::vector<Window> &ws) {
  std::vector<std::pair<size_t, size_t>> out;
  for (const Window &w : ws)
    out.emplace_back(w.begin, w.length);
  return out;
}

using Pairs = std::vector<std::pair<size_t, size_t>>;

TEST(Perplexity, Windows) {
  EXPECT_EQ(flat(perplexityWindows(10, 4)), (Pairs{{0, 4}, {4, 4}, {8, 2}}));
  EXPECT_EQ(flat(perplexityWindows(8, 4)), (Pairs{{0, 4}, {4, 4}}));
  EXPECT_EQ(flat(perplexityWindows(9, 4)), (Pairs{{0, 4}, {4, 4}, {8, 1}}));
  EXPECT_EQ(flat(perplexityWindows(3, 1024)), (Pairs{{0, 3}}));
  EXPECT_TRUE(perplexityWindows(0, 4).empty());
  EXPECT_TRUE(perplexityWindows(5, 0).empty());
}

TEST(Perplexity, ScoredTokens) {
  // Every token after the first of its window.
  EXPECT_EQ(scoredTokens(perplexityWindows(10, 4)), 3u + 3u + 1u);
  EXPECT_EQ(scoredTokens(perplexityWindows(9, 4)), 3u + 3u + 0u);
  EXPECT_EQ(scoredTokens(perplexityWindows(1, 4)), 0u);
  EXPECT_EQ(scoredTokens(perplexityWindows(0, 4)), 0u);
  EXPECT_EQ(scoredTokens(perplexityWindows(155, 64)), 152u);
  EXPECT_EQ(scoredTokens(perplexityWindows(155, 2)), 77u);
  // The windows cover the tokens exactly once, in order.
  for (size_t n = 0; n < 50; ++n)
    for (size_t w = 1; w < 12; ++w) {
      size_t next = 0;
      for (const Window &win : perplexityWindows(n, w)) {
        EXPECT_EQ(win.begin, next);
        EXPECT_GE(win.length, 1u);
        EXPECT_LE(win.length, w);
        next += win.length;
      }
      EXPECT_EQ(next, n);
    }
}

TEST(Perplexity, TokenNll) {
  const float uniform[4] = {2, 2, 2, 2};
  EXPECT_NEAR(tokenNll(uniform, 4, 3), std::log(4.0), 1e-12);
  const float logits[3] = {1.0f, 2.0f, 3.0f};
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  for (int t = 0; t < 3; ++t)
    EXPECT_NEAR(tokenNll(logits, 3, t), std::log(z) - (t + 1.0), 1e-12);
  // Large logits do not overflow.
  const float big[2] = {1000.0f, 1000.0f};
  EXPECT_NEAR(tokenNll(big, 2, 0), std::log(2.0), 1e-12);
  // A -inf target is infinitely unlikely; NaN logits give NaN.
  const float inf = std::numeric_limits<float>::infinity();
  const float masked[2] = {0.0f, -inf};
  EXPECT_EQ(tokenNll(masked, 2, 0), 0.0);
  EXPECT_TRUE(std::isinf(tokenNll(masked, 2, 1)));
  const float nan[2] = {0.0f, std::numeric_limits<float>::quiet_NaN()};
  EXPECT_TRUE(std::isnan(tokenNll(nan, 2, 0)));
}

} // namespace
