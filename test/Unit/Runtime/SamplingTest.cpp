//===- SamplingTest.cpp - tests for tfcrt/Sampling.h ----------------------===//

#include "tfcrt/Sampling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <vector>

using namespace tfcrt;

namespace {

std::set<int32_t> support(const std::vector<float> &logits,
                          const SamplingParams &p) {
  std::set<int32_t> ids;
  for (const auto &c : samplingDistribution(logits.data(), logits.size(), p))
    ids.insert(c.first);
  return ids;
}

// log of probabilities, so softmax(logits) == probs at temperature 1.
std::vector<float> logitsOf(const std::vector<double> &probs) {
  std::vector<float> out;
  for (double p : probs)
    out.push_back(p > 0 ? static_cast<float>(std::log(p)) : -INFINITY);
  return out;
}

TEST(Rng, KnownValues) {
  // Values from an independent Python transcription of splitmix64 seeding
  // and xoshiro256**.
  Rng a(0);
  EXPECT_EQ(a.next(), 0x99ec5f36cb75f2b4ull);
  EXPECT_EQ(a.next(), 0xbf6e1f784956452aull);
  EXPECT_EQ(a.next(), 0x1a5f849d4933e6e0ull);
  Rng b(42);
  EXPECT_EQ(b.next(), 0x15780b2e0c2ec716ull);
  EXPECT_EQ(b.next(), 0x6104d9866d113a7eull);
  EXPECT_EQ(b.next(), 0xae17533239e499a1ull);
}

TEST(Rng, UniformRange) {
  Rng r(7);
  double sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
}

TEST(Sampling, ArgmaxTiesAndNaN) {
  std::vector<float> l = {1, 3, 2, 3, -1};
  EXPECT_EQ(argmax(l.data(), l.size()), 1);
  std::vector<float> nan = {NAN, 0.5f, NAN, 0.5f};
  EXPECT_EQ(argmax(nan.data(), nan.size()), 1);
  std::vector<float> allNan = {NAN, NAN};
  EXPECT_EQ(argmax(allNan.data(), allNan.size()), 0);
  EXPECT_EQ(argmax(nullptr, 0), 0);
  std::vector<float> inf = {-INFINITY, INFINITY, INFINITY};
  EXPECT_EQ(argmax(inf.data(), inf.size()), 1);
}

TEST(Sampling, GreedyIsArgmax) {
  Rng gen(3);
  Sampler greedy({0.0f, 5, 0.5f}, 123);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<float> l(50);
    for (float &v : l)
      v = static_cast<float>(gen.uniform() * 10 - 5);
    if (trial % 3 == 0)
      l[trial % 50] = l[(trial + 7) % 50] = 9; // a tie
    EXPECT_EQ(greedy.sample(l.data(), l.size()), argmax(l.data(), l.size()));
  }
  std::vector<float> tie = {0, 2, 2};
  auto d = samplingDistribution(tie.data(), tie.size(), {0.0f, 0, 1.0f});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].first, 1);
  EXPECT_EQ(d[0].second, 1.0);
}

TEST(Sampling, TemperatureDistribution) {
  std::vector<float> l = {1.0f, 2.0f, 0.5f, -1.0f};
  for (float t : {1.0f, 0.5f, 2.0f}) {
    auto d = samplingDistribution(l.data(), l.size(), {t, 0, 1.0f});
    ASSERT_EQ(d.size(), 4u);
    double z = 0;
    for (float v : l)
      z += std::exp(double(v) / t);
    for (size_t i = 0; i < 4; ++i) {
      EXPECT_EQ(d[i].first, static_cast<int32_t>(i));
      EXPECT_NEAR(d[i].second, std::exp(double(l[i]) / t) / z, 1e-12);
    }
  }
}

TEST(Sampling, EmpiricalFrequencies) {
  std::vector<double> probs = {0.1, 0.4, 0.2, 0.3};
  std::vector<float> l = logitsOf(probs);
  Sampler s({1.0f, 0, 1.0f}, 2024);
  const int n = 200000;
  std::vector<int> counts(4);
  for (int i = 0; i < n; ++i)
    ++counts[s.sample(l.data(), l.size())];
  for (size_t i = 0; i < 4; ++i) {
    double sd = std::sqrt(probs[i] * (1 - probs[i]) / n);
    EXPECT_NEAR(counts[i] / double(n), probs[i], 5 * sd) << i;
  }
}

TEST(Sampling, TopKMask) {
  std::vector<float> l = {0.1f, 3.0f, 2.0f, 5.0f, 2.0f, -4.0f};
  EXPECT_EQ(support(l, {1.0f, 1, 1.0f}), (std::set<int32_t>{3}));
  EXPECT_EQ(support(l, {1.0f, 2, 1.0f}), (std::set<int32_t>{1, 3}));
  // Tie at the boundary (ids 2 and 4): the lower id stays.
  EXPECT_EQ(support(l, {1.0f, 3, 1.0f}), (std::set<int32_t>{1, 2, 3}));
  EXPECT_EQ(support(l, {1.0f, 6, 1.0f}).size(), 6u);
  EXPECT_EQ(support(l, {1.0f, 100, 1.0f}).size(), 6u);
  auto d = samplingDistribution(l.data(), l.size(), {1.0f, 2, 1.0f});
  double z = std::exp(3.0) + std::exp(5.0), total = 0;
  for (auto &c : d) {
    EXPECT_NEAR(c.second, std::exp(double(l[c.first])) / z, 1e-12);
    total += c.second;
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(Sampling, TopPMask) {
  std::vector<float> l = logitsOf({0.05, 0.5, 0.15, 0.3});
  // Sorted: id1 0.5, id3 0.3, id2 0.15, id0 0.05.
  EXPECT_EQ(support(l, {1.0f, 0, 0.01f}), (std::set<int32_t>{1}));
  EXPECT_EQ(support(l, {1.0f, 0, 0.49f}), (std::set<int32_t>{1}));
  EXPECT_EQ(support(l, {1.0f, 0, 0.51f}), (std::set<int32_t>{1, 3}));
  EXPECT_EQ(support(l, {1.0f, 0, 0.79f}), (std::set<int32_t>{1, 3}));
  EXPECT_EQ(support(l, {1.0f, 0, 0.81f}), (std::set<int32_t>{1, 2, 3}));
  EXPECT_EQ(support(l, {1.0f, 0, 0.96f}), (std::set<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(support(l, {1.0f, 0, 1.0f}), (std::set<int32_t>{0, 1, 2, 3}));
  auto d = samplingDistribution(l.data(), l.size(), {1.0f, 0, 0.7f});
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].first, 1);
  EXPECT_NEAR(d[0].second, 0.5 / 0.8, 1e-6);
  EXPECT_NEAR(d[1].second, 0.3 / 0.8, 1e-6);
  // Ties: equal probabilities rank by id.
  std::vector<float> flat(4, 0.0f);
  EXPECT_EQ(support(flat, {1.0f, 0, 0.5f}), (std::set<int32_t>{0, 1}));
}

TEST(Sampling, TopKThenTopP) {
  std::vector<float> l = logitsOf({0.4, 0.3, 0.2, 0.1});
  // top-k 2 renormalizes to 4/7, 3/7; top-p 0.5 then keeps only id 0.
  EXPECT_EQ(support(l, {1.0f, 2, 0.5f}), (std::set<int32_t>{0}));
  EXPECT_EQ(support(l, {1.0f, 2, 0.6f}), (std::set<int32_t>{0, 1}));
  EXPECT_EQ(support(l, {1.0f, 3, 0.6f}), (std::set<int32_t>{0, 1}));
}

TEST(Sampling, NeverDrawsMasked) {
  std::vector<float> l = {NAN, 1.0f, -INFINITY, 1.5f, 0.2f, 3.0f};
  Sampler s({1.3f, 3, 0.9f}, 99);
  std::set<int32_t> allowed = support(l, s.getParams());
  EXPECT_EQ(allowed.count(0), 0u);
  EXPECT_EQ(allowed.count(2), 0u);
  for (int i = 0; i < 2000; ++i)
    EXPECT_EQ(allowed.count(s.sample(l.data(), l.size())), 1u);
  std::vector<float> infs = {0.0f, INFINITY, 1.0f, INFINITY};
  EXPECT_EQ(support(infs, {1.0f, 0, 1.0f}), (std::set<int32_t>{1, 3}));
  std::vector<float> dead = {-INFINITY, -INFINITY};
  EXPECT_EQ(Sampler({1.0f, 0, 1.0f}, 1).sample(dead.data(), 2), 0);
}

TEST(Sampling, SeedReproducible) {
  std::vector<float> l(1000);
  Rng g(5);
  for (float &v : l)
    v = static_cast<float>(g.uniform() * 4);
  auto draw = [&](uint64_t seed) {
    Sampler s({0.8f, 50, 0.95f}, seed);
    std::vector<int32_t> out;
    for (int i = 0; i < 64; ++i)
      out.push_back(s.sample(l.data(), l.size()));
    return out;
  };
  EXPECT_EQ(draw(11), draw(11));
  EXPECT_NE(draw(11), draw(12));
}

TEST(Sampling, ValidateParams) {
  std::string err;
  EXPECT_TRUE(validateSamplingParams({0.0f, 0, 1.0f}, &err));
  EXPECT_TRUE(validateSamplingParams({0.7f, 40, 0.9f}, &err));
  EXPECT_FALSE(validateSamplingParams({-1.0f, 0, 1.0f}, &err));
  EXPECT_EQ(err, "temperature must be a finite number >= 0");
  EXPECT_FALSE(validateSamplingParams({NAN, 0, 1.0f}, &err));
  EXPECT_FALSE(validateSamplingParams({1.0f, -1, 1.0f}, &err));
  EXPECT_EQ(err, "top-k must be >= 0");
  EXPECT_FALSE(validateSamplingParams({1.0f, 0, 0.0f}, &err));
  EXPECT_EQ(err, "top-p must be in (0, 1]");
  EXPECT_FALSE(validateSamplingParams({1.0f, 0, 1.5f}, &err));
}

} // namespace
