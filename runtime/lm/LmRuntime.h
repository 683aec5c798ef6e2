//===- LmRuntime.h - main() of compiled language models ---------*- C++ -*-===//
//
// A language model compiled by tfc exports (see LmMain.cpp for the exact C
// declarations):
//   tfc_model_info                 key=value lines describing the model
//   _mlir_ciface_tfc_prefill(...)  S >= 1 new tokens at positions pos..
//   _mlir_ciface_tfc_decode(...)   exactly one new token at position pos
//   tfc_weights/tfc_weights_end    the blob, when weights_mode=embed
// This library parses the command line, loads and validates the weights,
// tokenizes, runs prefill + decode with a KV cache owned here, samples and
// streams the text (or computes perplexity). Every failure is one line on
// stderr starting with "error: " and exit status 1.
//
//===----------------------------------------------------------------------===//
#ifndef TFCRT_LM_LMRUNTIME_H
#define TFCRT_LM_LMRUNTIME_H

#include "tfcrt/Sampling.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

/// Worker threads requested with --threads (default: the hardware's); read
/// by generated code.
extern "C" int tfcrt_num_threads;

namespace tfcrt {
namespace lm {

/// The parsed tfc_model_info.
struct ModelInfo {
  std::string arch;
  int64_t vocabSize = 0;
  int64_t context = 0;
  int64_t numLayers = 0;
  int64_t numKvHeads = 0;
  int64_t headDim = 0;
  int64_t eosTokenId = -1; ///< -1: none given
  int64_t bosTokenId = -1; ///< -1: none given
  uint64_t weightsBytes = 0;
  uint64_t weightsChecksum = 0;
  bool weightsEmbedded = false; ///< weights_mode=embed (else external)
};

/// Parses "key=value" lines. Every key listed in ModelInfo is required but
/// eos_token_id and bos_token_id (-1 when absent); unknown keys are ignored.
/// Messages start with "error: model info: ".
bool parseModelInfo(std::string_view text, ModelInfo *out, std::string *error);

/// 16 lowercase hex digits.
std::string checksumHex(uint64_t checksum);

/// Sets the number of threads the compiled model's parallel loops use.
void setNumThreads(int n);

/// Checks that `size` and the checksum of `data` match the model info.
/// `name` (a path, or "embedded weights") starts the message.
bool validateWeights(const std::string &name, const void *data, size_t size,
                     const ModelInfo &info, std::string *error);

/// The weight blob: a weights file, or the bytes embedded in the executable,
/// read into huge-page memory (the embedded bytes are used in place where
/// the executable's file cannot be read). Validated before it is handed out.
class WeightsBlob {
public:
  WeightsBlob() = default;
  ~WeightsBlob();
  WeightsBlob(const WeightsBlob &) = delete;
  WeightsBlob &operator=(const WeightsBlob &) = delete;

  /// Reads the weights file `path` into huge-page memory and validates it.
  bool loadFile(const std::string &path, const ModelInfo &info,
                std::string *error);
  bool useEmbedded(const unsigned char *begin, const unsigned char *end,
                   const ModelInfo &info, std::string *error);
  const unsigned char *data() const { return bytes; }
  size_t size() const { return length; }

private:
  /// Reads `size` bytes at `offset` of `fd` into huge-page memory and
  /// validates them; `name` is the file in errors.
  bool loadFrom(int fd, off_t offset, size_t size, const std::string &name,
                const ModelInfo &info, std::string *error);
  void release();
  const unsigned char *bytes = nullptr;
  size_t length = 0;
  void *mapping = nullptr;
  size_t mappingLength = 0;
};

/// The command line of a compiled language model.
struct Options {
  bool help = false;
  std::string helpText;
  bool hasPrompt = false;
  std::string prompt;
  bool hasPromptIds = false;
  std::vector<int32_t> promptIds;
  int64_t nPredict = 32;
  SamplingParams sampling{0.8f, 40, 0.95f};
  bool hasSeed = false;
  uint64_t seed = 0;
  int threads = 1;
  bool printIds = false;
  std::string dumpLogits;
  std::string perplexityFile;
  int64_t pplWindow = 0; ///< the model context unless --ppl-window
  std::string weightsFile;
  std::string vocabDir;
};

/// Parses argv[1..argc) against the model (token ids and --ppl-window are
/// range-checked with it). On --help sets out->help and out->helpText.
bool parseOptions(int argc, const char *const *argv, const ModelInfo &info,
                  Options *out, std::string *error);

/// "1, 2,3" -> {1, 2, 3}; "" -> {}. Ids must be in [0, vocabSize).
bool parseTokenIds(const std::string &text, int64_t vocabSize,
                   std::vector<int32_t> *out, std::string *error);

/// Consecutive non-overlapping windows of `window` tokens covering
/// `numTokens` (the last one may be shorter).
struct Window {
  size_t begin;
  size_t length;
};
std::vector<Window> perplexityWindows(size_t numTokens, size_t window);
/// Tokens scored over the windows: every token after the first of its window.
size_t scoredTokens(const std::vector<Window> &windows);
/// -log softmax(logits)[target], in double precision.
double tokenNll(const float *logits, size_t vocabSize, int32_t target);

/// Streams token bytes as text without splitting a UTF-8 sequence between
/// writes: trailing bytes that start a well-formed but unfinished sequence
/// are held back until the next push or finish. Bytes that cannot become
/// valid UTF-8 pass through unchanged, so the concatenated output always
/// equals the concatenated input.
class Utf8Stream {
public:
  /// Appends what can be shown now to `out`.
  void push(std::string_view bytes, std::string *out);
  /// Appends the held bytes, if any.
  void finish(std::string *out);
  /// Length of the unfinished UTF-8 sequence at the end of `s` (0..3).
  static size_t unfinishedTail(std::string_view s);

private:
  char held[4] = {};
  size_t numHeld = 0;
};

/// Absolute path of the running executable (/proc/self/exe), else argv0.
std::string executablePath(const char *argv0);

using StepFn = void (*)(void *weights, void *tokens, int64_t pos, void *kcache,
                        void *vcache, void *logits);

/// What the compiled model provides.
struct ModelEntry {
  const char *info = nullptr;
  StepFn prefill = nullptr;
  StepFn prefillLast = nullptr; ///< logits of the last position; optional
  StepFn decode = nullptr;
  const unsigned char *embeddedBegin = nullptr; ///< null when not linked in
  const unsigned char *embeddedEnd = nullptr;
};

/// The whole program: returns the exit status.
int lmMain(int argc, const char *const *argv, const ModelEntry &model);

} // namespace lm
} // namespace tfcrt

#endif // TFCRT_LM_LMRUNTIME_H
