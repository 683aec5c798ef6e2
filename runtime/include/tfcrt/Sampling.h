//===- Sampling.h - next-token sampling -------------------------*- C++ -*-===//
//
// Greedy, temperature, top-k and top-p (nucleus) sampling over a logits
// vector, with a self-contained PRNG (xoshiro256** seeded through splitmix64)
// so a seed gives the same tokens with any C++ standard library.
//
// Order of operations (as in HF transformers): logits / temperature, softmax,
// keep the top-k tokens, renormalize, keep the smallest set of most likely
// tokens whose mass reaches top-p, renormalize, draw. Ranking ties are broken
// towards the lower token id everywhere. NaN logits never win and are never
// drawn; +inf logits share all the mass.
//
//===----------------------------------------------------------------------===//
#ifndef TFCRT_SAMPLING_H
#define TFCRT_SAMPLING_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tfcrt {

/// xoshiro256** (Blackman & Vigna), state seeded with splitmix64(seed).
class Rng {
public:
  explicit Rng(uint64_t seed = 0);
  uint64_t next();
  /// Uniform in [0, 1) with 53 random bits.
  double uniform();

private:
  uint64_t s[4];
};

struct SamplingParams {
  float temperature = 1.0f; ///< 0: greedy (top-k/top-p are then irrelevant)
  int32_t topK = 0;         ///< 0: no top-k filtering
  float topP = 1.0f;        ///< in (0, 1]; 1: no nucleus filtering
};

/// Checks temperature >= 0 (finite), topK >= 0, 0 < topP <= 1.
bool validateSamplingParams(const SamplingParams &params, std::string *error);

/// Index of the largest logit, the lowest such index on ties; NaN ignored.
/// Returns 0 for n == 0 or all-NaN input.
int32_t argmax(const float *logits, size_t n);

/// The distribution sample() draws from, as (token id, probability) pairs
/// with probability > 0, summing to 1. Greedy gives one pair.
std::vector<std::pair<int32_t, double>>
samplingDistribution(const float *logits, size_t n,
                     const SamplingParams &params);

/// Draws token ids. Keeps scratch buffers between calls.
class Sampler {
public:
  Sampler(const SamplingParams &params, uint64_t seed)
      : params(params), rng(seed) {}
  int32_t sample(const float *logits, size_t n);
  const SamplingParams &getParams() const { return params; }

private:
  SamplingParams params;
  Rng rng;
  std::vector<std::pair<int32_t, double>> scratch;
};

} // namespace tfcrt

#endif // TFCRT_SAMPLING_H
