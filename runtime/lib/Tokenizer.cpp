//===- Tokenizer.cpp - GPT-2 byte-level BPE tokenizer ---------------------===//

#include "tfcrt/Tokenizer.h"

#include "tfcrt/Text.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <queue>
#include <unordered_map>

namespace tfcrt {

//===----------------------------------------------------------------------===//
// Character classes and the pre-tokenizer
//===----------------------------------------------------------------------===//

namespace {
struct CharRange {
  uint32_t first, last;
  CharClass cls;
};
constexpr CharClass kLetter = CharClass::Letter;
constexpr CharClass kNumber = CharClass::Number;
constexpr CharClass kSpace = CharClass::Space;
#include "UnicodeTables.inc"
} // namespace

CharClass classifyCodePoint(uint32_t cp) {
  const CharRange *end = kCharRanges + sizeof(kCharRanges) / sizeof(CharRange);
  const CharRange *it = std::upper_bound(
      kCharRanges, end, cp,
      [](uint32_t v, const CharRange &r) { return v < r.first; });
  if (it == kCharRanges || cp > (it - 1)->last)
    return CharClass::Other;
  return (it - 1)->cls;
}

const char *unicodeTablesVersion() { return TFCRT_UNICODE_VERSION; }

std::vector<std::string_view> preTokenize(std::string_view text) {
  // Decode once: code point (-1 for a byte outside well-formed UTF-8, which
  // counts as "other"), class, and byte offset of every character.
  std::vector<int32_t> cps;
  std::vector<CharClass> cls;
  std::vector<size_t> off;
  for (size_t pos = 0; pos < text.size();) {
    off.push_back(pos);
    int32_t cp = nextCodePoint(text, &pos);
    cps.push_back(cp);
    cls.push_back(cp < 0 ? CharClass::Other
                         : classifyCodePoint(static_cast<uint32_t>(cp)));
  }
  const size_t n = cps.size();
  off.push_back(text.size());

  std::vector<std::string_view> pieces;
  auto runEnd = [&](size_t j, CharClass c) {
    while (j < n && cls[j] == c)
      ++j;
    return j;
  };
  for (size_t i = 0; i < n;) {
    size_t j = i;
    // 's|'t|'re|'ve|'m|'ll|'d (lowercase only)
    if (cps[i] == '\'' && i + 1 < n) {
      int32_t a = cps[i + 1], b = i + 2 < n ? cps[i + 2] : 0;
      if (a == 's' || a == 't' || a == 'm' || a == 'd')
        j = i + 2;
      else if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') ||
               (a == 'l' && b == 'l'))
        j = i + 3;
    }
    if (j == i) {
      if (cps[i] == ' ' && i + 1 < n && cls[i + 1] != CharClass::Space) {
        // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+' with the space
        j = runEnd(i + 1, cls[i + 1]);
      } else if (cls[i] != CharClass::Space) {
        j = runEnd(i, cls[i]);
      } else {
        // '\s+(?!\S)': the whole run at the end of the text, else the run
        // minus its last character; '\s+' (one character) if that is empty.
        size_t e = runEnd(i, CharClass::Space);
        j = e == n ? e : std::max(e - 1, i + 1);
      }
    }
    pieces.push_back(text.substr(off[i], off[j] - off[i]));
    i = j;
  }
  return pieces;
}

//===----------------------------------------------------------------------===//
// Tokenizer
//===----------------------------------------------------------------------===//

namespace {
/// GPT-2's byte -> code point map: printable Latin-1 bytes stay, the other
/// 68 bytes go to U+0100.. in byte order.
uint32_t byteToCodePoint(unsigned b) {
  static const std::vector<uint32_t> table = [] {
    std::vector<uint32_t> t(256);
    uint32_t extra = 0;
    for (unsigned v = 0; v < 256; ++v) {
      bool keep = (v >= '!' && v <= '~') || (v >= 0xA1 && v <= 0xAC) ||
                  (v >= 0xAE && v <= 0xFF);
      t[v] = keep ? v : 256 + extra++;
    }
    return t;
  }();
  return table[b];
}

bool readFile(const std::string &path, std::string *out, std::string *error) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  out->clear();
  char buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof(buf), f)) > 0)
    out->append(buf, got);
  bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad)
    *error = "cannot read " + path;
  return !bad;
}

std::string lineCol(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

constexpr int64_t kMaxId = (1 << 24) - 1;

struct Merge {
  uint32_t rank;
  int32_t id;
};

uint64_t pairKey(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) |
         static_cast<uint32_t>(b);
}
} // namespace

struct Tokenizer::Impl {
  std::unordered_map<std::string, int32_t> tokenToId; // vocab.json keys
  std::vector<std::string> idBytes;
  std::vector<uint8_t> idPresent;
  int32_t byteId[256] = {};
  std::unordered_map<uint64_t, Merge> merges;

  mutable std::mutex cacheMutex;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache;
  static constexpr size_t kMaxCachedWord = 128, kMaxCacheEntries = 1 << 16;

  bool loadVocab(const std::string &path, std::string *error);
  bool loadMerges(const std::string &path, std::string *error);
  void bpe(std::string_view word, std::vector<int32_t> *out) const;
};

bool Tokenizer::Impl::loadVocab(const std::string &path, std::string *error) {
  std::string text;
  if (!readFile(path, &text, error))
    return false;
  size_t i = 0;
  auto fail = [&](size_t at, const std::string &what) {
    *error = path + ":" + lineCol(text, at) + ": " + what;
    return false;
  };
  auto skipWs = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' ||
                               text[i] == '\n' || text[i] == '\r'))
      ++i;
  };
  constexpr int32_t kInverseSize = 0x144; // byteToCodePoint's image < 0x144
  int16_t inverse[kInverseSize];
  std::fill(inverse, inverse + kInverseSize, int16_t(-1));
  for (unsigned b = 0; b < 256; ++b)
    inverse[byteToCodePoint(b)] = static_cast<int16_t>(b);
  skipWs();
  if (i >= text.size() || text[i] != '{')
    return fail(i, "expected '{' (vocab.json must be a JSON object)");
  ++i;
  skipWs();
  bool first = true;
  while (true) {
    if (i < text.size() && text[i] == '}' && first) {
      ++i;
      break;
    }
    std::string key, msg;
    size_t keyAt = i;
    if (!parseJsonString(text, &i, &key, &msg))
      return fail(i, msg);
    skipWs();
    if (i >= text.size() || text[i] != ':')
      return fail(i, "expected ':'");
    ++i;
    skipWs();
    size_t numAt = i;
    int64_t value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      if (value > kMaxId)
        return fail(numAt,
                    "token id too large (max " + std::to_string(kMaxId) + ")");
      ++i;
    }
    if (i == numAt || (i - numAt > 1 && text[numAt] == '0') ||
        (i < text.size() &&
         (text[i] == '.' || text[i] == 'e' || text[i] == 'E')))
      return fail(numAt, "expected a non-negative integer token id");
    int32_t id = static_cast<int32_t>(value);
    if (!tokenToId.emplace(key, id).second)
      return fail(keyAt, "duplicate token " + toJsonString(key));
    if (static_cast<size_t>(id) >= idPresent.size()) {
      idPresent.resize(static_cast<size_t>(id) + 1);
      idBytes.resize(static_cast<size_t>(id) + 1);
    }
    if (idPresent[id])
      return fail(numAt, "duplicate token id " + std::to_string(id));
    idPresent[id] = 1;
    // Token text -> bytes through the inverse byte map; a token holding a
    // character outside that map (not produced by GPT-2's BPE) decodes to
    // its own UTF-8 text.
    std::string &bytes = idBytes[id];
    for (size_t p = 0; p < key.size();) {
      int32_t cp = nextCodePoint(key, &p);
      int b = cp >= 0 && cp < kInverseSize ? inverse[cp] : -1;
      if (b < 0) {
        bytes = key;
        break;
      }
      bytes.push_back(static_cast<char>(b));
    }
    first = false;
    skipWs();
    if (i < text.size() && text[i] == ',') {
      ++i;
      skipWs();
      continue;
    }
    if (i < text.size() && text[i] == '}') {
      ++i;
      break;
    }
    return fail(i, "expected ',' or '}'");
  }
  skipWs();
  if (i != text.size())
    return fail(i, "trailing data after the JSON object");
  for (unsigned b = 0; b < 256; ++b) {
    std::string key;
    appendUtf8(byteToCodePoint(b), &key);
    auto it = tokenToId.find(key);
    if (it == tokenToId.end()) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%02X", b);
      *error = path + ": no token for byte " + hex + " (key " +
               toJsonString(key) + ")";
      return false;
    }
    byteId[b] = it->second;
  }
  return true;
}

bool Tokenizer::Impl::loadMerges(const std::string &path, std::string *error) {
  std::string text;
  if (!readFile(path, &text, error))
    return false;
  uint32_t rank = 0;
  size_t lineNo = 0;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos)
      nl = text.size();
    std::string_view line(text.data() + start, nl - start);
    start = nl + 1;
    ++lineNo;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (lineNo == 1 && !line.empty() && line[0] == '#')
      continue; // "#version: 0.2"
    std::vector<std::string_view> fields;
    for (size_t p = 0; p < line.size();) {
      while (p < line.size() && (line[p] == ' ' || line[p] == '\t'))
        ++p;
      size_t q = p;
      while (q < line.size() && line[q] != ' ' && line[q] != '\t')
        ++q;
      if (q > p)
        fields.push_back(line.substr(p, q - p));
      p = q;
    }
    if (fields.empty())
      continue;
    std::string where = path + ":" + std::to_string(lineNo) + ": ";
    if (fields.size() != 2) {
      *error = where + "expected two tokens separated by a space";
      return false;
    }
    int32_t ids[3];
    std::string names[3] = {std::string(fields[0]), std::string(fields[1]),
                            std::string(fields[0]) + std::string(fields[1])};
    for (int k = 0; k < 3; ++k) {
      auto it = tokenToId.find(names[k]);
      if (it == tokenToId.end()) {
        *error = where + (k < 2 ? "unknown token " : "merged token ") +
                 toJsonString(names[k]) +
                 (k < 2 ? "" : " is not in the vocabulary");
        return false;
      }
      ids[k] = it->second;
    }
    // Like the reference's dict(zip(merges, range(...))), a repeated pair
    // takes its later rank.
    merges[pairKey(ids[0], ids[1])] = Merge{rank++, ids[2]};
  }
  return true;
}

void Tokenizer::Impl::bpe(std::string_view word,
                          std::vector<int32_t> *out) const {
  // Reference semantics: repeatedly take the lowest-ranked adjacent pair and
  // merge all of its non-overlapping occurrences left to right. Done with a
  // heap ordered by (rank, position) over a linked list of symbols; one
  // "round" pops every candidate of the current lowest rank, and pairs formed
  // during a round join the heap only after it (no pair formed in round r
  // has rank r, since token ids are distinct per string).
  struct Node {
    int32_t id, prev, next;
  };
  struct Cand {
    uint32_t rank;
    int32_t pos, left, right;
    bool operator>(const Cand &o) const {
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  const int32_t n = static_cast<int32_t>(word.size());
  std::vector<Node> nodes(static_cast<size_t>(n));
  for (int32_t k = 0; k < n; ++k)
    nodes[k] = Node{byteId[static_cast<unsigned char>(word[k])], k - 1,
                    k + 1 < n ? k + 1 : -1};
  std::priority_queue<Cand, std::vector<Cand>, std::greater<Cand>> heap;
  std::vector<Cand> pending;
  auto consider = [&](int32_t pos, std::vector<Cand> *into) {
    if (pos < 0 || nodes[pos].next < 0)
      return;
    int32_t l = nodes[pos].id, r = nodes[nodes[pos].next].id;
    auto it = merges.find(pairKey(l, r));
    if (it != merges.end())
      into->push_back(Cand{it->second.rank, pos, l, r});
  };
  for (int32_t k = 0; k + 1 < n; ++k)
    consider(k, &pending);
  while (true) {
    for (const Cand &c : pending)
      heap.push(c);
    pending.clear();
    if (heap.empty())
      break;
    const uint32_t rank = heap.top().rank;
    while (!heap.empty() && heap.top().rank == rank) {
      Cand c = heap.top();
      heap.pop();
      Node &node = nodes[c.pos];
      // Dead nodes have id -1; a stale candidate no longer matches its ids.
      if (node.id != c.left || node.next < 0 || nodes[node.next].id != c.right)
        continue;
      Node &gone = nodes[node.next];
      node.id = merges.find(pairKey(c.left, c.right))->second.id;
      node.next = gone.next;
      if (gone.next >= 0)
        nodes[gone.next].prev = c.pos;
      gone.id = -1;
      consider(node.prev, &pending);
      consider(c.pos, &pending);
    }
  }
  for (int32_t k = n > 0 ? 0 : -1; k >= 0; k = nodes[k].next)
    out->push_back(nodes[k].id);
}

Tokenizer::Tokenizer() = default;
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer &&) noexcept = default;
Tokenizer &Tokenizer::operator=(Tokenizer &&) noexcept = default;

bool Tokenizer::load(const std::string &dir, std::string *error) {
  std::string base = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  return loadFiles(base + "vocab.json", base + "merges.txt", error);
}

bool Tokenizer::loadFiles(const std::string &vocabPath,
                          const std::string &mergesPath, std::string *error) {
  std::string scratch;
  if (!error)
    error = &scratch;
  impl.reset();
  auto fresh = std::make_unique<Impl>();
  if (!fresh->loadVocab(vocabPath, error) ||
      !fresh->loadMerges(mergesPath, error))
    return false;
  impl = std::move(fresh);
  return true;
}

bool Tokenizer::loaded() const { return impl != nullptr; }

std::vector<int32_t> Tokenizer::encode(std::string_view text) const {
  std::vector<int32_t> ids;
  if (!impl)
    return ids;
  for (std::string_view piece : preTokenize(text)) {
    if (piece.size() > Impl::kMaxCachedWord) {
      impl->bpe(piece, &ids);
      continue;
    }
    std::string key(piece);
    {
      std::lock_guard<std::mutex> lock(impl->cacheMutex);
      auto it = impl->cache.find(key);
      if (it != impl->cache.end()) {
        ids.insert(ids.end(), it->second.begin(), it->second.end());
        continue;
      }
    }
    size_t before = ids.size();
    impl->bpe(piece, &ids);
    std::lock_guard<std::mutex> lock(impl->cacheMutex);
    if (impl->cache.size() >= Impl::kMaxCacheEntries)
      impl->cache.clear();
    impl->cache.emplace(std::move(key),
                        std::vector<int32_t>(ids.begin() + before, ids.end()));
  }
  return ids;
}

const std::string *Tokenizer::tokenBytes(int32_t id) const {
  if (!impl || id < 0 || static_cast<size_t>(id) >= impl->idPresent.size() ||
      !impl->idPresent[id])
    return nullptr;
  return &impl->idBytes[id];
}

bool Tokenizer::decode(const std::vector<int32_t> &ids, std::string *out,
                       std::string *error) const {
  for (int32_t id : ids) {
    const std::string *bytes = tokenBytes(id);
    if (!bytes) {
      if (error)
        *error = !impl ? std::string("tokenizer not loaded")
                       : "token id " + std::to_string(id) +
                             " is not in the vocabulary (size " +
                             std::to_string(vocabSize()) + ")";
      return false;
    }
    out->append(*bytes);
  }
  return true;
}

int32_t Tokenizer::tokenId(std::string_view token) const {
  if (!impl)
    return -1;
  auto it = impl->tokenToId.find(std::string(token));
  return it == impl->tokenToId.end() ? -1 : it->second;
}

size_t Tokenizer::vocabSize() const {
  return impl ? impl->idPresent.size() : 0;
}

} // namespace tfcrt
