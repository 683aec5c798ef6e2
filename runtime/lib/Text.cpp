//===- Text.cpp - UTF-8 and JSON string helpers ---------------------------===//

#include "tfcrt/Text.h"

namespace tfcrt {

int32_t nextCodePoint(std::string_view s, size_t *pos) {
  size_t i = *pos;
  auto byte = [&](size_t k) -> uint32_t {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0x100;
  };
  uint32_t b0 = byte(0);
  if (b0 < 0x80) {
    *pos = i + 1;
    return static_cast<int32_t>(b0);
  }
  // Length and the allowed range of the second byte (Unicode Table 3-7).
  size_t len = 0;
  uint32_t lo = 0x80, hi = 0xBF, cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0)
      lo = 0xA0;
    else if (b0 == 0xED)
      hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0)
      lo = 0x90;
    else if (b0 == 0xF4)
      hi = 0x8F;
  } else {
    *pos = i + 1;
    return -1;
  }
  for (size_t k = 1; k < len; ++k) {
    uint32_t b = byte(k);
    if (b < lo || b > hi) {
      *pos = i + 1;
      return -1;
    }
    lo = 0x80;
    hi = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
  }
  *pos = i + len;
  return static_cast<int32_t>(cp);
}

void appendUtf8(uint32_t cp, std::string *out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

static void appendEscape(uint32_t unit, std::string *out) {
  static const char hex[] = "0123456789abcdef";
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4)
    out->push_back(hex[(unit >> shift) & 0xF]);
}

std::string toJsonString(std::string_view bytes) {
  std::string out = "\"";
  for (size_t i = 0; i < bytes.size();) {
    size_t start = i;
    int32_t cp = nextCodePoint(bytes, &i);
    if (cp < 0) {
      appendEscape(0xDC00 | static_cast<unsigned char>(bytes[start]), &out);
      continue;
    }
    switch (cp) {
    case '"':
      out += "\\\"";
      continue;
    case '\\':
      out += "\\\\";
      continue;
    case '\n':
      out += "\\n";
      continue;
    case '\r':
      out += "\\r";
      continue;
    case '\t':
      out += "\\t";
      continue;
    case '\b':
      out += "\\b";
      continue;
    case '\f':
      out += "\\f";
      continue;
    default:
      break;
    }
    if (cp >= 0x20 && cp <= 0x7E) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x10000) {
      appendEscape(static_cast<uint32_t>(cp), &out);
    } else {
      uint32_t v = static_cast<uint32_t>(cp) - 0x10000;
      appendEscape(0xD800 | (v >> 10), &out);
      appendEscape(0xDC00 | (v & 0x3FF), &out);
    }
  }
  out.push_back('"');
  return out;
}

static bool fail(std::string *error, size_t *pos, size_t offset,
                 const char *what) {
  if (error)
    *error = what;
  *pos = offset;
  return false;
}

// Reads the four hex digits of a \u escape at text[pos..pos+4).
static bool readHex4(std::string_view text, size_t pos, uint32_t *unit) {
  if (pos + 4 > text.size())
    return false;
  uint32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    char c = text[pos + k];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= static_cast<uint32_t>(c - 'A' + 10);
    else
      return false;
  }
  *unit = v;
  return true;
}

bool parseJsonString(std::string_view text, size_t *pos, std::string *out,
                     std::string *error) {
  size_t i = *pos;
  if (i >= text.size() || text[i] != '"')
    return fail(error, pos, i, "expected '\"'");
  ++i;
  while (true) {
    if (i >= text.size())
      return fail(error, pos, i, "unterminated string");
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"') {
      *pos = i + 1;
      return true;
    }
    if (c < 0x20)
      return fail(error, pos, i, "control character in string");
    if (c != '\\') {
      size_t start = i;
      if (nextCodePoint(text, &i) < 0)
        return fail(error, pos, start, "invalid UTF-8 in string");
      out->append(text.substr(start, i - start));
      continue;
    }
    if (i + 1 >= text.size())
      return fail(error, pos, i, "unterminated string");
    char e = text[i + 1];
    const char *simple = nullptr;
    switch (e) {
    case '"':
      simple = "\"";
      break;
    case '\\':
      simple = "\\";
      break;
    case '/':
      simple = "/";
      break;
    case 'b':
      simple = "\b";
      break;
    case 'f':
      simple = "\f";
      break;
    case 'n':
      simple = "\n";
      break;
    case 'r':
      simple = "\r";
      break;
    case 't':
      simple = "\t";
      break;
    case 'u':
      break;
    default:
      return fail(error, pos, i, "invalid escape");
    }
    if (simple) {
      out->append(simple);
      i += 2;
      continue;
    }
    uint32_t unit;
    if (!readHex4(text, i + 2, &unit))
      return fail(error, pos, i, "invalid \\u escape");
    size_t escStart = i;
    i += 6;
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      uint32_t low;
      if (i + 1 < text.size() && text[i] == '\\' && text[i + 1] == 'u' &&
          readHex4(text, i + 2, &low) && low >= 0xDC00 && low <= 0xDFFF) {
        appendUtf8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), out);
        i += 6;
        continue;
      }
      return fail(error, pos, escStart, "unpaired surrogate");
    }
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      if (unit < 0xDC80 || unit > 0xDCFF)
        return fail(error, pos, escStart, "unpaired surrogate");
      out->push_back(static_cast<char>(unit & 0xFF)); // surrogateescape byte
      continue;
    }
    appendUtf8(unit, out);
  }
}

} // namespace tfcrt
