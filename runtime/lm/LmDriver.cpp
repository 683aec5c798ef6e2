//===- LmDriver.cpp - generation and perplexity loops ---------------------===//
//
// Memory is set up once: the KV caches ([num_layers, context, num_kv_heads,
// head_dim] f32 each) and one logits buffer. Generation prefills the prompt
// at pos 0 and then decodes one token per call at pos = tokens so far; the
// decode loop does not allocate. With --dump-logits every call writes its
// rows straight into their place in the [T, vocab] array that is saved.
//
//===----------------------------------------------------------------------===//

#include "LmRuntime.h"

#include "tfcrt/Npy.h"
#include "tfcrt/Tokenizer.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <sys/mman.h>

namespace tfcrt {
namespace lm {
namespace {

/// A ranked memref descriptor as MLIR's C interface passes it.
template <int R> struct MemRef {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[R];
  int64_t strides[R];
};

template <int R>
MemRef<R> makeMemRef(const void *data, const int64_t (&shape)[R]) {
  MemRef<R> m;
  m.allocated = m.aligned = const_cast<void *>(data);
  m.offset = 0;
  int64_t stride = 1;
  for (int i = R - 1; i >= 0; --i) {
    m.sizes[i] = shape[i];
    m.strides[i] = stride;
    stride *= shape[i];
  }
  return m;
}

int fail(const std::string &message) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", message.c_str());
  return 1;
}

/// Zero-filled, page-aligned memory (anonymous mapping: untouched pages
/// cost nothing).
class Buffer {
public:
  Buffer() = default;
  ~Buffer() {
    if (ptr)
      munmap(ptr, bytes);
  }
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;

  bool allocate(size_t size, const char *what, std::string *error) {
    bytes = std::max<size_t>(size, 1);
    void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      *error = "error: cannot allocate " + std::to_string(size) +
               " bytes for the " + what + ": " + std::strerror(errno);
      return false;
    }
    ptr = p;
    return true;
  }
  float *floats() const { return static_cast<float *>(ptr); }

private:
  void *ptr = nullptr;
  size_t bytes = 0;
};

/// Product of `dims` times `elemSize`, or false on overflow.
bool sizeOf(std::initializer_list<int64_t> dims, size_t elemSize, size_t *out) {
  size_t n = elemSize;
  for (int64_t d : dims)
    if (d < 0 || __builtin_mul_overflow(n, static_cast<size_t>(d), &n))
      return false;
  *out = n;
  return true;
}

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

bool readFile(const std::string &path, std::string *out, std::string *error) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "error: cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
    out->append(buf, n);
  bool ok = !std::ferror(f);
  std::fclose(f);
  if (!ok)
    *error = "error: cannot read " + path;
  return ok;
}

/// Everything the model calls share.
struct Model {
  const ModelEntry &entry;
  const ModelInfo &info;
  MemRef<1> weights;
  MemRef<4> kcache, vcache;
  Buffer kbuf, vbuf;

  Model(const ModelEntry &entry, const ModelInfo &info)
      : entry(entry), info(info) {}

  bool init(const WeightsBlob &blob, std::string *error) {
    weights = makeMemRef<1>(blob.data(), {static_cast<int64_t>(blob.size())});
    const int64_t shape[4] = {info.numLayers, info.context, info.numKvHeads,
                              info.headDim};
    size_t bytes;
    if (!sizeOf({shape[0], shape[1], shape[2], shape[3]}, sizeof(float),
                &bytes)) {
      *error = "error: the KV cache size overflows";
      return false;
    }
    if (!kbuf.allocate(bytes, "key cache", error) ||
        !vbuf.allocate(bytes, "value cache", error))
      return false;
    kcache = makeMemRef<4>(kbuf.floats(), shape);
    vcache = makeMemRef<4>(vbuf.floats(), shape);
    return true;
  }

  /// Zeroes rows [0, rows) of every layer of both caches.
  void clearCache(int64_t rows) {
    size_t rowFloats = static_cast<size_t>(info.numKvHeads * info.headDim);
    size_t layerFloats = static_cast<size_t>(info.context) * rowFloats;
    for (int64_t l = 0; l < info.numLayers; ++l) {
      size_t at = static_cast<size_t>(l) * layerFloats;
      size_t n = static_cast<size_t>(rows) * rowFloats * sizeof(float);
      std::memset(kbuf.floats() + at, 0, n);
      std::memset(vbuf.floats() + at, 0, n);
    }
  }

  /// Runs `count` tokens at `pos`; the entry writes `logitRows` rows of
  /// logits (count, or 1 for tfc_prefill_last).
  void call(StepFn fn, int64_t *tokens, int64_t count, int64_t pos,
            float *logits, int64_t logitRows) {
    MemRef<1> t = makeMemRef<1>(tokens, {count});
    MemRef<2> l = makeMemRef<2>(logits, {logitRows, info.vocabSize});
    fn(&weights, &t, pos, &kcache, &vcache, &l);
  }
};

/// Prints generated tokens as they come: ids, or text that never splits a
/// UTF-8 sequence between writes.
class TokenPrinter {
public:
  TokenPrinter(const Tokenizer *tokenizer) : tokenizer(tokenizer) {
    chunk.reserve(1024);
  }
  void print(int32_t id) {
    if (!tokenizer) {
      std::printf(count ? ",%d" : "%d", id);
    } else {
      chunk.clear();
      if (const std::string *bytes = tokenizer->tokenBytes(id))
        stream.push(*bytes, &chunk);
      std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    }
    ++count;
    std::fflush(stdout);
  }
  void finish() {
    chunk.clear();
    stream.finish(&chunk);
    if (count)
      chunk += '\n';
    std::fwrite(chunk.data(), 1, chunk.size(), stdout);
    std::fflush(stdout);
  }

private:
  const Tokenizer *tokenizer;
  Utf8Stream stream;
  std::string chunk;
  int64_t count = 0;
};

int generate(Model &model, const Options &opt, const Tokenizer *tokenizer,
             const std::vector<int32_t> &prompt) {
  const ModelInfo &info = model.info;
  const int64_t vocab = info.vocabSize;
  const int64_t numPrompt = static_cast<int64_t>(prompt.size());
  const int64_t maxNew = std::min(opt.nPredict, info.context - numPrompt);
  const int64_t decodeCalls = std::max<int64_t>(0, maxNew - 1);
  const bool dump = !opt.dumpLogits.empty();
  const int64_t rows = dump ? numPrompt + decodeCalls : numPrompt;

  std::string error;
  size_t logitsBytes;
  if (!sizeOf({rows, vocab}, sizeof(float), &logitsBytes))
    return fail("error: the logits size overflows");
  Buffer logits;
  if (!logits.allocate(logitsBytes, "logits", &error))
    return fail(error);
  std::vector<int64_t> tokens(prompt.begin(), prompt.end());

  // Without --dump-logits only the last position's distribution is needed.
  const bool lastOnly = !dump && model.entry.prefillLast;
  auto t0 = Clock::now();
  model.call(lastOnly ? model.entry.prefillLast : model.entry.prefill,
             tokens.data(), numPrompt, 0, logits.floats(),
             lastOnly ? 1 : numPrompt);
  double prefillSeconds = secondsSince(t0);

  uint64_t seed = opt.seed;
  if (!opt.hasSeed)
    seed = (uint64_t(std::random_device()()) << 32) ^ std::random_device()();
  Sampler sampler(opt.sampling, seed);
  TokenPrinter printer(tokenizer);
  double decodeSeconds = 0;
  if (maxNew > 0) {
    const float *row =
        logits.floats() + (lastOnly ? 0 : (numPrompt - 1) * vocab);
    int64_t next = sampler.sample(row, static_cast<size_t>(vocab));
    printer.print(static_cast<int32_t>(next));
    for (int64_t k = 1; k < maxNew; ++k) {
      const int64_t pos = numPrompt + k - 1;
      float *out = logits.floats() + (dump ? pos * vocab : 0);
      auto t1 = Clock::now();
      model.call(model.entry.decode, &next, 1, pos, out, 1);
      decodeSeconds += secondsSince(t1);
      next = sampler.sample(out, static_cast<size_t>(vocab));
      printer.print(static_cast<int32_t>(next));
    }
  }
  printer.finish();

  auto rate = [](double n, double s) { return s > 0 ? n / s : 0.0; };
  std::fprintf(stderr,
               "prompt tokens: %lld, prefill: %.2f tok/s, decode: %.2f tok/s\n",
               static_cast<long long>(numPrompt),
               rate(double(numPrompt), prefillSeconds),
               rate(double(decodeCalls), decodeSeconds));
  if (dump && !writeNpy(opt.dumpLogits, DType::F32, {rows, vocab},
                        logits.floats(), &error))
    return fail("error: " + error);
  return 0;
}

int perplexity(Model &model, const Options &opt,
               const std::vector<int32_t> &text) {
  const int64_t vocab = model.info.vocabSize;
  std::vector<Window> windows =
      perplexityWindows(text.size(), static_cast<size_t>(opt.pplWindow));
  const size_t scored = scoredTokens(windows);
  const int64_t maxLen =
      std::min<int64_t>(opt.pplWindow, static_cast<int64_t>(text.size()));

  std::string error;
  size_t logitsBytes;
  if (!sizeOf({maxLen, vocab}, sizeof(float), &logitsBytes))
    return fail("error: the logits size overflows");
  Buffer logits;
  if (!logits.allocate(logitsBytes, "logits", &error))
    return fail(error);
  std::vector<int64_t> tokens(static_cast<size_t>(maxLen));

  double nll = 0;
  int64_t used = 0; // cache rows the previous window wrote
  for (const Window &w : windows) {
    if (w.length < 2)
      continue;
    model.clearCache(used); // every window starts from an empty cache
    for (size_t i = 0; i < w.length; ++i)
      tokens[i] = text[w.begin + i];
    const int64_t len = static_cast<int64_t>(w.length);
    model.call(model.entry.prefill, tokens.data(), len, 0, logits.floats(),
               len);
    used = len;
    for (size_t j = 1; j < w.length; ++j)
      nll += tokenNll(logits.floats() + (j - 1) * size_t(vocab),
                      static_cast<size_t>(vocab), text[w.begin + j]);
  }
  std::printf("perplexity: %.6f over %zu tokens\n",
              std::exp(nll / double(scored)), scored);
  std::fflush(stdout);
  return 0;
}

} // namespace

int lmMain(int argc, const char *const *argv, const ModelEntry &model) {
  std::string error;
  ModelInfo info;
  if (!model.info || !model.prefill || !model.decode)
    return fail("error: the executable does not contain a compiled model");
  if (!parseModelInfo(model.info, &info, &error))
    return fail(error);
  Options opt;
  if (!parseOptions(argc, argv, info, &opt, &error))
    return fail(error);
  if (opt.help) {
    std::fputs(opt.helpText.c_str(), stdout);
    return 0;
  }
  setNumThreads(opt.threads);
  const std::string exe = executablePath(argc > 0 ? argv[0] : nullptr);
  const bool doPerplexity = !opt.perplexityFile.empty();

  // Cheap checks first: tokenizer, prompt, output file; then the weights.
  Tokenizer tokenizer;
  const bool needTokenizer =
      doPerplexity || (opt.hasPrompt && !opt.prompt.empty()) || !opt.printIds;
  if (needTokenizer) {
    bool ok = opt.vocabDir.empty()
                  ? tokenizer.loadFiles(exe + ".vocab.json",
                                        exe + ".merges.txt", &error)
                  : tokenizer.load(opt.vocabDir, &error);
    if (!ok)
      return fail("error: " + error +
                  (opt.vocabDir.empty()
                       ? " (the tokenizer is needed for text; see --vocab, "
                         "--prompt-ids and --print-ids)"
                       : ""));
  }

  std::vector<int32_t> tokens;
  if (doPerplexity) {
    std::string text;
    if (!readFile(opt.perplexityFile, &text, &error))
      return fail(error);
    tokens = tokenizer.encode(text);
  } else if (opt.hasPromptIds) {
    tokens = opt.promptIds;
  } else if (opt.hasPrompt) {
    tokens = tokenizer.encode(opt.prompt);
  }
  for (int32_t id : tokens)
    if (id < 0 || id >= info.vocabSize)
      return fail("error: the tokenizer gave token id " + std::to_string(id) +
                  ", outside the model vocabulary [0, " +
                  std::to_string(info.vocabSize) + ")");
  if (doPerplexity) {
    if (scoredTokens(perplexityWindows(
            tokens.size(), static_cast<size_t>(opt.pplWindow))) == 0)
      return fail("error: " + opt.perplexityFile + ": " +
                  std::to_string(tokens.size()) +
                  " tokens, not enough for perplexity (with --ppl-window " +
                  std::to_string(opt.pplWindow) + ")");
  } else {
    if (tokens.empty()) {
      if (info.bosTokenId < 0)
        return fail("error: the prompt is empty and the model has no "
                    "bos_token_id to start from (see --prompt and "
                    "--prompt-ids)");
      tokens.push_back(static_cast<int32_t>(info.bosTokenId));
    }
    if (static_cast<int64_t>(tokens.size()) > info.context)
      return fail("error: prompt has " + std::to_string(tokens.size()) +
                  " tokens but the model context is " +
                  std::to_string(info.context));
  }
  if (!opt.dumpLogits.empty()) {
    FILE *f = std::fopen(opt.dumpLogits.c_str(), "wb");
    if (!f)
      return fail("error: cannot open " + opt.dumpLogits +
                  " for writing: " + std::strerror(errno));
    std::fclose(f);
  }

  WeightsBlob blob;
  bool ok =
      !opt.weightsFile.empty() ? blob.loadFile(opt.weightsFile, info, &error)
      : info.weightsEmbedded ? blob.useEmbedded(model.embeddedBegin,
                                                model.embeddedEnd, info, &error)
                             : blob.loadFile(exe + ".weights", info, &error);
  if (!ok)
    return fail(error);

  Model m(model, info);
  if (!m.init(blob, &error))
    return fail(error);
  return doPerplexity
             ? perplexity(m, opt, tokens)
             : generate(m, opt,
                        needTokenizer && !opt.printIds ? &tokenizer : nullptr,
                        tokens);
}

} // namespace lm
} // namespace tfcrt
