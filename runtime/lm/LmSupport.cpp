//===- LmSupport.cpp - model info, weights, options, text streaming -------===//

#include "Checksum.h"
#include "LmRuntime.h"

#include "tfcrt/Cli.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <utility>

extern "C" {
int tfcrt_num_threads = 1;
// From libomp, when the compiled model uses threads (weak: a model compiled
// without them does not link libomp).
void omp_set_num_threads(int) __attribute__((weak));
}

void tfcrt::lm::setNumThreads(int n) {
  tfcrt_num_threads = n;
  if (omp_set_num_threads)
    omp_set_num_threads(n);
}

namespace tfcrt {
namespace lm {

//===----------------------------------------------------------------------===//
// Model info
//===----------------------------------------------------------------------===//

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool parseHex64(std::string_view s, uint64_t *out) {
  if (s.size() != 16)
    return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0)
      return false;
    v = v << 4 | uint64_t(d);
  }
  *out = v;
  return true;
}

} // namespace

bool parseModelInfo(std::string_view text, ModelInfo *out, std::string *error) {
  std::vector<std::pair<std::string, std::string>> entries;
  size_t lineNo = 0;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos)
      nl = text.size();
    std::string_view line = trim(text.substr(start, nl - start));
    start = nl + 1;
    ++lineNo;
    if (line.empty())
      continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || trim(line.substr(0, eq)).empty()) {
      *error = "error: model info: line " + std::to_string(lineNo) +
               " is not key=value: '" + std::string(line) + "'";
      return false;
    }
    std::string key(trim(line.substr(0, eq)));
    for (const auto &e : entries)
      if (e.first == key) {
        *error = "error: model info: key '" + key + "' given twice";
        return false;
      }
    entries.emplace_back(key, std::string(trim(line.substr(eq + 1))));
  }

  auto has = [&](const char *key) {
    for (const auto &e : entries)
      if (e.first == key)
        return true;
    return false;
  };
  auto find = [&](const char *key, std::string *value) {
    for (const auto &e : entries)
      if (e.first == key) {
        *value = e.second;
        return true;
      }
    *error = std::string("error: model info: missing key '") + key + "'";
    return false;
  };
  auto bad = [&](const char *key, const std::string &value,
                 const std::string &expected) {
    *error = std::string("error: model info: ") + key + ": expected " +
             expected + ", got '" + value + "'";
    return false;
  };
  auto getInt = [&](const char *key, int64_t min, int64_t max, int64_t *v) {
    std::string value;
    if (!find(key, &value))
      return false;
    if (!parseInt(value, v) || *v < min || *v > max)
      return bad(key, value,
                 "an integer in [" + std::to_string(min) + ", " +
                     std::to_string(max) + "]");
    return true;
  };

  ModelInfo info;
  std::string value;
  if (!find("arch", &info.arch))
    return false;
  if (info.arch.empty())
    return bad("arch", info.arch, "a name");
  const int64_t kDimMax = int64_t(1) << 30;
  int64_t bytes = 0;
  if (!getInt("vocab_size", 1, INT32_MAX, &info.vocabSize) ||
      !getInt("context", 1, kDimMax, &info.context) ||
      !getInt("num_layers", 1, kDimMax, &info.numLayers) ||
      !getInt("num_kv_heads", 1, kDimMax, &info.numKvHeads) ||
      !getInt("head_dim", 1, kDimMax, &info.headDim) ||
      !getInt("weights_bytes", 0, INT64_MAX, &bytes))
    return false;
  // Optional: config.json may not give them (-1 when absent).
  for (auto [key, id] : {std::pair("eos_token_id", &info.eosTokenId),
                         std::pair("bos_token_id", &info.bosTokenId)})
    if (has(key) && !getInt(key, 0, info.vocabSize - 1, id))
      return false;
  info.weightsBytes = uint64_t(bytes);
  if (!find("weights_checksum", &value))
    return false;
  if (!parseHex64(value, &info.weightsChecksum))
    return bad("weights_checksum", value, "16 hex digits");
  if (!find("weights_mode", &value))
    return false;
  if (value != "embed" && value != "external")
    return bad("weights_mode", value, "'embed' or 'external'");
  info.weightsEmbedded = value == "embed";
  *out = std::move(info);
  return true;
}

std::string checksumHex(uint64_t checksum) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx",
                static_cast<unsigned long long>(checksum));
  return buf;
}

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

bool validateWeights(const std::string &name, const void *data, size_t size,
                     const ModelInfo &info, std::string *error) {
  if (uint64_t(size) != info.weightsBytes) {
    *error = "error: " + name + ": expected " +
             std::to_string(info.weightsBytes) + " bytes, found " +
             std::to_string(size);
    return false;
  }
  if (tfcrtChecksum(data, size) != info.weightsChecksum) {
    *error = "error: " + name +
             ": checksum mismatch (file corrupted or from another model)";
    return false;
  }
  return true;
}

WeightsBlob::~WeightsBlob() { release(); }

void WeightsBlob::release() {
  if (mapping)
    munmap(mapping, mappingLength);
  mapping = nullptr;
  mappingLength = 0;
  bytes = nullptr;
  length = 0;
}

namespace {

constexpr size_t kHugePage = size_t(2) << 20;

/// Anonymous memory for `size` bytes of weights, 2 MiB aligned and advised
/// to use transparent huge pages. Decode streams every weight once per
/// token: over 4 KiB page-cache pages (a mapped file, or the executable's
/// own segment) one thread reads ~15 GB/s on the development machine, over
/// huge pages ~27 GB/s. Returns the mapping (to munmap `*mappedBytes`) and
/// the aligned start in `*aligned`, or null.
void *allocateHugePages(size_t size, size_t *mappedBytes, void **aligned) {
  size_t bytes = size + kHugePage;
  void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return nullptr;
  uintptr_t start = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) &
                    ~(uintptr_t(kHugePage) - 1);
  *aligned = reinterpret_cast<void *>(start);
  madvise(*aligned, size, MADV_HUGEPAGE);
  *mappedBytes = bytes;
  return p;
}

/// Reads `size` bytes at `offset` of `fd` into `dst` with pread (the file's
/// pages are never mapped into this process, so they do not count towards
/// its resident set).
bool readAll(int fd, off_t offset, unsigned char *dst, size_t size) {
  while (size > 0) {
    ssize_t n = pread(fd, dst, std::min<size_t>(size, size_t(1) << 30), offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    dst += n;
    offset += n;
    size -= size_t(n);
  }
  return true;
}

/// The offset in the executable's file of the `size` bytes at `addr` (in a
/// loaded segment of the main program), or -1.
off_t executableFileOffset(const void *addr, size_t size) {
  struct Query {
    uintptr_t begin, end;
    off_t offset = -1;
  } q{reinterpret_cast<uintptr_t>(addr),
      reinterpret_cast<uintptr_t>(addr) + size};
  dl_iterate_phdr(
      [](struct dl_phdr_info *info, size_t, void *data) -> int {
        auto *q = static_cast<Query *>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD)
            continue;
          uintptr_t seg = info->dlpi_addr + ph.p_vaddr;
          if (q->begin >= seg && q->end <= seg + ph.p_filesz) {
            q->offset = off_t(ph.p_offset + (q->begin - seg));
            return 1;
          }
        }
        return 1; // the main program comes first; stop after it
      },
      &q);
  return q.offset;
}

} // namespace

bool WeightsBlob::loadFrom(int fd, off_t offset, size_t size,
                           const std::string &name, const ModelInfo &info,
                           std::string *error) {
  void *aligned = nullptr;
  size_t mapped = 0;
  void *p = allocateHugePages(std::max<size_t>(size, 1), &mapped, &aligned);
  if (!p) {
    *error = "error: cannot allocate " + std::to_string(size) +
             " bytes for the weights of " + name + ": " + std::strerror(errno);
    return false;
  }
  mapping = p;
  mappingLength = mapped;
  auto *data = static_cast<unsigned char *>(aligned);
  errno = 0;
  if (!readAll(fd, offset, data, size)) {
    *error = "error: cannot read " + name + ": " +
             (errno ? std::strerror(errno) : "unexpected end of file");
    release();
    return false;
  }
  if (!validateWeights(name, data, size, info, error)) {
    release();
    return false;
  }
  bytes = data;
  length = size;
  return true;
}

bool WeightsBlob::loadFile(const std::string &path, const ModelInfo &info,
                           std::string *error) {
  release();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "error: cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *error = "error: cannot stat " + path + ": " + std::strerror(errno);
    close(fd);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    *error = "error: " + path + ": not a regular file";
    return false;
  }
  size_t size = static_cast<size_t>(st.st_size);
  // Check the size before reading: a wrong file is reported cheaply.
  if (uint64_t(st.st_size) != info.weightsBytes) {
    close(fd);
    return validateWeights(path, nullptr, size, info, error);
  }
  bool ok = loadFrom(fd, 0, size, path, info, error);
  close(fd);
  return ok;
}

bool WeightsBlob::useEmbedded(const unsigned char *begin,
                              const unsigned char *end, const ModelInfo &info,
                              std::string *error) {
  release();
  if (!begin || !end || end < begin) {
    *error = "error: the model says weights_mode=embed but the executable "
             "has no embedded weights";
    return false;
  }
  size_t size = static_cast<size_t>(end - begin);
  // Read the weights from the executable's file into huge pages; where that
  // is not possible (no /proc), use them in place.
  off_t offset = size > 0 ? executableFileOffset(begin, size) : -1;
  int fd = offset >= 0 ? open("/proc/self/exe", O_RDONLY | O_CLOEXEC) : -1;
  if (fd >= 0) {
    bool ok = loadFrom(fd, offset, size, "embedded weights", info, error);
    close(fd);
    return ok;
  }
  if (!validateWeights("embedded weights", begin, size, info, error))
    return false;
  bytes = begin;
  length = size;
  return true;
}

//===----------------------------------------------------------------------===//
// Command line
//===----------------------------------------------------------------------===//

bool parseTokenIds(const std::string &text, int64_t vocabSize,
                   std::vector<int32_t> *out, std::string *error) {
  out->clear();
  if (trim(text).empty())
    return true;
  for (size_t start = 0; start <= text.size();) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos)
      comma = text.size();
    std::string item(trim(std::string_view(text).substr(start, comma - start)));
    start = comma + 1;
    int64_t id;
    if (!parseInt(item, &id)) {
      *error =
          "error: --prompt-ids: expected comma-separated token ids, got '" +
          item + "'";
      return false;
    }
    if (id < 0 || id >= vocabSize) {
      *error = "error: --prompt-ids: token id " + std::to_string(id) +
               " out of range [0, " + std::to_string(vocabSize) + ")";
      return false;
    }
    out->push_back(static_cast<int32_t>(id));
  }
  return true;
}

bool parseOptions(int argc, const char *const *argv, const ModelInfo &info,
                  Options *out, std::string *error) {
  std::string prog = argc > 0 && argv[0] ? argv[0] : "model";
  size_t slash = prog.rfind('/');
  if (slash != std::string::npos)
    prog = prog.substr(slash + 1);
  ArgParser args(
      "usage: " + prog +
      " [options]\n\n"
      "Generates text with the compiled " +
      info.arch + " model (context " + std::to_string(info.context) +
      ", vocabulary " + std::to_string(info.vocabSize) +
      "), or measures perplexity.\n"
      "The weights are <executable>.weights unless embedded; the tokenizer "
      "is\n<executable>.vocab.json and <executable>.merges.txt.");
  args.addOption("prompt", 'p', "TEXT", "prompt text");
  args.addOption("prompt-ids", 0, "IDS",
                 "prompt as comma-separated token ids (no tokenizer needed)");
  args.addOption("n-predict", 'n', "N",
                 "tokens to generate (fewer if the context fills up)", "32");
  args.addOption("temp", 0, "T", "sampling temperature; 0 = greedy", "0.8");
  args.addOption("top-k", 0, "K", "sample from the K most likely; 0 = off",
                 "40");
  args.addOption("top-p", 0, "P", "nucleus sampling mass; 1 = off", "0.95");
  args.addOption("seed", 0, "N", "sampling seed (default: random)");
  args.addOption("threads", 0, "N", "worker threads (default: all cores)");
  args.addFlag("print-ids", 0,
               "print the generated token ids, comma-separated, not text");
  args.addOption("dump-logits", 0, "FILE.npy",
                 "write the float32 logits [T, vocab] of every evaluated "
                 "position");
  args.addOption("perplexity", 0, "FILE",
                 "print the perplexity of FILE's text and exit");
  args.addOption("ppl-window", 0, "N",
                 "perplexity window in tokens (default: the model context)");
  args.addOption("weights", 0, "FILE", "weight file to use");
  args.addOption("vocab", 0, "DIR",
                 "tokenizer directory with vocab.json and merges.txt");
  args.addFlag("help", 'h', "show this help");

  if (!args.parse(argc, argv, error)) {
    *error += " (see --help)";
    return false;
  }
  Options o;
  if (args.has("help")) {
    o.help = true;
    o.helpText = args.help();
    *out = std::move(o);
    return true;
  }
  if (!args.positional().empty()) {
    *error = "error: unexpected argument '" + args.positional()[0] +
             "' (see --help)";
    return false;
  }

  int64_t n, topK, threads;
  double temp, topP;
  if (!args.getInt("n-predict", 0, 1000000000, &n, error) ||
      !args.getFloat("temp", 0, 100, true, true, &temp, error) ||
      !args.getInt("top-k", 0, INT32_MAX, &topK, error) ||
      !args.getFloat("top-p", 0, 1, false, true, &topP, error))
    return false;
  o.nPredict = n;
  o.sampling.temperature = static_cast<float>(temp);
  o.sampling.topK = static_cast<int32_t>(topK);
  o.sampling.topP = static_cast<float>(topP);
  if (!validateSamplingParams(o.sampling, error)) {
    *error = "error: " + *error;
    return false;
  }
  if ((o.hasSeed = args.has("seed"))) {
    int64_t seed;
    if (!args.getInt("seed", 0, INT64_MAX, &seed, error))
      return false;
    o.seed = static_cast<uint64_t>(seed);
  }
  if (args.has("threads")) {
    if (!args.getInt("threads", 1, 4096, &threads, error))
      return false;
    o.threads = static_cast<int>(threads);
  } else {
    o.threads = std::max(1u, std::thread::hardware_concurrency());
  }

  o.hasPrompt = args.has("prompt");
  o.prompt = args.get("prompt");
  o.hasPromptIds = args.has("prompt-ids");
  if (o.hasPrompt && o.hasPromptIds) {
    *error = "error: give at most one of --prompt and --prompt-ids";
    return false;
  }
  if (o.hasPromptIds && !parseTokenIds(args.get("prompt-ids"), info.vocabSize,
                                       &o.promptIds, error))
    return false;
  o.printIds = args.has("print-ids");
  o.dumpLogits = args.get("dump-logits");
  if (args.has("dump-logits") && o.dumpLogits.empty()) {
    *error = "error: --dump-logits: empty file name";
    return false;
  }
  o.perplexityFile = args.get("perplexity");
  if (args.has("perplexity")) {
    if (o.perplexityFile.empty()) {
      *error = "error: --perplexity: empty file name";
      return false;
    }
    if (o.hasPrompt || o.hasPromptIds || args.has("dump-logits")) {
      *error = "error: --perplexity cannot be combined with --prompt, "
               "--prompt-ids or --dump-logits";
      return false;
    }
  }
  o.pplWindow = info.context;
  if (args.has("ppl-window")) {
    if (!args.has("perplexity")) {
      *error = "error: --ppl-window needs --perplexity";
      return false;
    }
    if (info.context < 2) {
      *error = "error: --perplexity: the model context (" +
               std::to_string(info.context) + ") is too short";
      return false;
    }
    if (!args.getInt("ppl-window", 2, info.context, &o.pplWindow, error))
      return false;
  }
  o.weightsFile = args.get("weights");
  o.vocabDir = args.get("vocab");
  if (args.has("weights") && o.weightsFile.empty()) {
    *error = "error: --weights: empty file name";
    return false;
  }
  if (args.has("vocab") && o.vocabDir.empty()) {
    *error = "error: --vocab: empty directory name";
    return false;
  }
  *out = std::move(o);
  return true;
}

//===----------------------------------------------------------------------===//
// Perplexity
//===----------------------------------------------------------------------===//

std::vector<Window> perplexityWindows(size_t numTokens, size_t window) {
  std::vector<Window> windows;
  if (window == 0)
    return windows;
  for (size_t begin = 0; begin < numTokens; begin += window)
    windows.push_back({begin, std::min(window, numTokens - begin)});
  return windows;
}

size_t scoredTokens(const std::vector<Window> &windows) {
  size_t n = 0;
  for (const Window &w : windows)
    n += w.length - 1;
  return n;
}

double tokenNll(const float *logits, size_t vocabSize, int32_t target) {
  double maxLogit = -std::numeric_limits<double>::infinity();
  bool nan = false;
  for (size_t i = 0; i < vocabSize; ++i) {
    nan |= std::isnan(logits[i]);
    maxLogit = std::max(maxLogit, double(logits[i]));
  }
  if (nan || std::isinf(maxLogit))
    return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (size_t i = 0; i < vocabSize; ++i)
    sum += std::exp(double(logits[i]) - maxLogit);
  return maxLogit + std::log(sum) - double(logits[target]);
}

//===----------------------------------------------------------------------===//
// UTF-8 streaming
//===----------------------------------------------------------------------===//

size_t Utf8Stream::unfinishedTail(std::string_view s) {
  size_t n = s.size();
  for (size_t k = 1; k <= 3 && k <= n; ++k) {
    unsigned char lead = static_cast<unsigned char>(s[n - k]);
    if ((lead & 0xC0) == 0x80)
      continue; // a continuation byte: look further back for the lead
    size_t need = lead >= 0xC2 && lead <= 0xDF   ? 2
                  : lead >= 0xE0 && lead <= 0xEF ? 3
                  : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                 : 0;
    if (need <= k)
      return 0; // complete, or not a lead byte: nothing to wait for
    if (k >= 2) {
      // The second byte's range depends on the lead (Unicode Table 3-7).
      unsigned char second = static_cast<unsigned char>(s[n - k + 1]);
      unsigned char lo = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
      unsigned char hi = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
      if (second < lo || second > hi)
        return 0;
    }
    return k;
  }
  return 0;
}

void Utf8Stream::push(std::string_view bytes, std::string *out) {
  size_t start = out->size();
  out->append(held, numHeld);
  out->append(bytes.data(), bytes.size());
  size_t tail = unfinishedTail(std::string_view(*out).substr(start));
  numHeld = tail;
  std::memcpy(held, out->data() + out->size() - tail, tail);
  out->resize(out->size() - tail);
}

void Utf8Stream::finish(std::string *out) {
  out->append(held, numHeld);
  numHeld = 0;
}

//===----------------------------------------------------------------------===//
// Misc
//===----------------------------------------------------------------------===//

std::string executablePath(const char *argv0) {
  std::vector<char> buf(4096);
  for (;;) {
    ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size());
    if (n < 0)
      return argv0 ? argv0 : "";
    if (static_cast<size_t>(n) < buf.size())
      return std::string(buf.data(), static_cast<size_t>(n));
    buf.resize(buf.size() * 2);
  }
}

} // namespace lm
} // namespace tfcrt
