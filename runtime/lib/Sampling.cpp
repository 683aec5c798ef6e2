//===- Sampling.cpp - next-token sampling ---------------------------------===//

#include "tfcrt/Sampling.h"

#include <algorithm>
#include <cmath>

namespace tfcrt {

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t v, int k) { return (v << k) | (v >> (64 - k)); }

Rng::Rng(uint64_t seed) {
  for (uint64_t &w : s)
    w = splitmix64(&seed);
}

uint64_t Rng::next() {
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

bool validateSamplingParams(const SamplingParams &p, std::string *error) {
  std::string msg;
  if (!std::isfinite(p.temperature) || p.temperature < 0)
    msg = "temperature must be a finite number >= 0";
  else if (p.topK < 0)
    msg = "top-k must be >= 0";
  else if (!(p.topP > 0 && p.topP <= 1))
    msg = "top-p must be in (0, 1]";
  if (!msg.empty() && error)
    *error = msg;
  return msg.empty();
}

int32_t argmax(const float *logits, size_t n) {
  int32_t best = -1;
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(logits[i]))
      continue;
    if (best < 0 || logits[i] > logits[best])
      best = static_cast<int32_t>(i);
  }
  return best < 0 ? 0 : best;
}

// Fills `out` with (id, weight) for every token that can be drawn; weights
// sum to 1. Listed in id order without top-k/top-p, else by rank.
static void buildDistribution(const float *logits, size_t n,
                              const SamplingParams &p,
                              std::vector<std::pair<int32_t, double>> *out) {
  out->clear();
  int32_t best = argmax(logits, n);
  if (n == 0 || p.temperature <= 0 || std::isnan(logits[best]) ||
      logits[best] == -INFINITY) {
    out->emplace_back(best, 1.0);
    return;
  }
  const double maxLogit = logits[best], invT = 1.0 / p.temperature;
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    double l = logits[i], w;
    if (std::isnan(l))
      w = 0;
    else if (maxLogit == INFINITY)
      w = l == INFINITY ? 1 : 0;
    else
      w = std::exp((l - maxLogit) * invT);
    if (w > 0) {
      out->emplace_back(static_cast<int32_t>(i), w);
      total += w;
    }
  }
  const bool topK = p.topK > 0 && static_cast<size_t>(p.topK) < out->size();
  const bool topP = p.topP < 1;
  if (topK || topP) {
    auto byRank = [](const std::pair<int32_t, double> &a,
                     const std::pair<int32_t, double> &b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    if (topK) {
      std::partial_sort(out->begin(), out->begin() + p.topK, out->end(),
                        byRank);
      out->resize(static_cast<size_t>(p.topK));
      total = 0;
      for (auto &c : *out)
        total += c.second;
    } else {
      std::sort(out->begin(), out->end(), byRank);
    }
    if (topP) {
      // Keep tokens while the mass before them is below top-p.
      double before = 0, limit = p.topP * total;
      size_t keep = 0;
      while (keep < out->size() && before < limit)
        before += (*out)[keep++].second;
      out->resize(std::max<size_t>(keep, 1));
      total = 0;
      for (auto &c : *out)
        total += c.second;
    }
  }
  for (auto &c : *out)
    c.second /= total;
}

std::vector<std::pair<int32_t, double>>
samplingDistribution(const float *logits, size_t n,
                     const SamplingParams &params) {
  std::vector<std::pair<int32_t, double>> dist;
  buildDistribution(logits, n, params, &dist);
  return dist;
}

int32_t Sampler::sample(const float *logits, size_t n) {
  buildDistribution(logits, n, params, &scratch);
  if (scratch.size() == 1)
    return scratch[0].first;
  double u = rng.uniform(), acc = 0;
  for (const auto &c : scratch) {
    acc += c.second;
    if (u < acc)
      return c.first;
  }
  return scratch.back().first; // u beyond the rounded total
}

} // namespace tfcrt
