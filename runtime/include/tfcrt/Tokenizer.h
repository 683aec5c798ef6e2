//===- Tokenizer.h - GPT-2 byte-level BPE tokenizer -------------*- C++ -*-===//
//
// Encodes UTF-8 text into GPT-2 token ids and back, exactly as OpenAI's
// reference encoder does: the GPT-2 pre-tokenizer regex (implemented by hand
// over Unicode tables), the byte -> printable-character mapping, and BPE
// merges in rank order.
//
// Input bytes that are not valid UTF-8 are still encoded: each such byte is a
// character of class "other" for the pre-tokenizer, and BPE works on raw bytes
// anyway, so decode(encode(s)) == s holds for every byte string.
//
// No exceptions cross this API: loaders and decode report failure through a
// bool and a one-line message naming the file or id.
//
//===----------------------------------------------------------------------===//
#ifndef TFCRT_TOKENIZER_H
#define TFCRT_TOKENIZER_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tfcrt {

class Tokenizer {
public:
  Tokenizer();
  ~Tokenizer();
  Tokenizer(Tokenizer &&) noexcept;
  Tokenizer &operator=(Tokenizer &&) noexcept;
  Tokenizer(const Tokenizer &) = delete;
  Tokenizer &operator=(const Tokenizer &) = delete;

  /// Loads `dir`/vocab.json and `dir`/merges.txt. On failure the tokenizer
  /// is left unloaded (encode gives nothing, decode fails).
  bool load(const std::string &dir, std::string *error);
  /// Loads a vocab.json (JSON object: token -> id) and a merges.txt (optional
  /// first line starting with '#', then one "left right" pair per line in
  /// rank order; blank lines ignored).
  bool loadFiles(const std::string &vocabPath, const std::string &mergesPath,
                 std::string *error);
  bool loaded() const;

  /// Token ids of `text`. Thread-safe; results of BPE are cached per word.
  std::vector<int32_t> encode(std::string_view text) const;

  /// Appends the bytes of `ids` to `out`. Fails (leaving `out` with the bytes
  /// of the ids before the bad one) on an id that is not in the vocabulary.
  bool decode(const std::vector<int32_t> &ids, std::string *out,
              std::string *error) const;
  /// Bytes of one token, or nullptr if the id is not in the vocabulary.
  const std::string *tokenBytes(int32_t id) const;

  /// Id of a vocabulary entry given by its vocab.json key (e.g.
  /// "<|endoftext|>"), or -1.
  int32_t tokenId(std::string_view token) const;
  /// One past the largest id in the vocabulary.
  size_t vocabSize() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// Splits `text` with the GPT-2 pre-tokenizer pattern
///   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
/// The pieces are views into `text` and concatenate to it.
std::vector<std::string_view> preTokenize(std::string_view text);

/// Character classes used by preTokenize (exposed for tests).
enum class CharClass : uint8_t { Other, Letter, Number, Space };
CharClass classifyCodePoint(uint32_t cp);
/// Unicode version of the classification tables.
const char *unicodeTablesVersion();

} // namespace tfcrt

#endif // TFCRT_TOKENIZER_H
