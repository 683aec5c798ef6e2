//===- Text.h - UTF-8 and JSON string helpers -------------------*- C++ -*-===//
//
// Strict UTF-8 decoding (Unicode Table 3-7: no overlongs, no surrogates,
// nothing above U+10FFFF) and JSON string literals that can carry any byte
// string: bytes that are not part of well-formed UTF-8 are written as
// \udc80..\udcff (the convention of Python's "surrogateescape" handler), so
//   json.loads(toJsonString(b)).encode("utf-8", "surrogateescape") == b.
//
//===----------------------------------------------------------------------===//
#ifndef TFCRT_TEXT_H
#define TFCRT_TEXT_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tfcrt {

/// Decodes the code point starting at s[*pos] and advances *pos past it.
/// Returns -1 (advancing by one byte) if s[*pos] does not start a well-formed
/// UTF-8 sequence. Requires *pos < s.size().
int32_t nextCodePoint(std::string_view s, size_t *pos);

/// Appends the UTF-8 encoding of `cp` (<= 0x10FFFF) to `out`.
void appendUtf8(uint32_t cp, std::string *out);

/// Quotes `bytes` as an ASCII-only JSON string, byte-identical to Python's
/// json.dumps(bytes.decode("utf-8", "surrogateescape")): \" \\ \n \r \t \b \f,
/// other code points outside 0x20..0x7E as \uXXXX (lowercase hex, surrogate
/// pairs above U+FFFF), invalid bytes as \udcXX.
std::string toJsonString(std::string_view bytes);

/// Parses the JSON string literal starting at text[*pos] (which must be '"'),
/// appends its bytes to `out` and leaves *pos after the closing quote.
/// Escaped lone surrogates \udc80..\udcff become the raw bytes 0x80..0xff;
/// other lone surrogates, raw control characters, bad escapes and invalid
/// UTF-8 are errors: then `error` gets the message and *pos the offending
/// offset.
bool parseJsonString(std::string_view text, size_t *pos, std::string *out,
                     std::string *error);

} // namespace tfcrt

#endif // TFCRT_TEXT_H
