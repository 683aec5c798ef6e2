//===- tfcrt-tokenize.cpp - GPT-2 tokenizer command-line tool -------------===//
//
// Encodes JSON-string lines to comma-separated token ids, or decodes id lines
// back to JSON strings; used by the tokenizer tests.
//
//===----------------------------------------------------------------------===//

#include "tfcrt/Cli.h"
#include "tfcrt/Text.h"
#include "tfcrt/Tokenizer.h"

#include <cstdio>
#include <string>

static const char kUsage[] =
    "usage: tfcrt-tokenize --vocab DIR (--encode | --decode) < IN > OUT\n"
    "\n"
    "GPT-2 byte-level BPE. DIR holds vocab.json and merges.txt.\n"
    "Line formats (one output line per input line; a final line without a\n"
    "newline counts, a trailing \\r is ignored):\n"
    "  --encode  in:  a JSON string literal, e.g. \"Hello\\u00a0w\\n\"\n"
    "            out: token ids joined by ',' (empty line for \"\")\n"
    "  --decode  in:  token ids joined by ',' (spaces allowed; empty = none)\n"
    "            out: the decoded bytes as a JSON string literal\n"
    "JSON strings are exact for any byte string: the output is ASCII only,\n"
    "identical to Python's json.dumps(bytes.decode('utf-8',\n"
    "'surrogateescape')): \\\" \\\\ \\n \\r \\t \\b \\f, other characters\n"
    "outside 0x20..0x7e as \\uXXXX (surrogate pairs above U+FFFF), and bytes\n"
    "that are not valid UTF-8 as \\udc80..\\udcff. Input accepts any JSON\n"
    "string plus those \\udcXX byte escapes.\n"
    "Exit status 1 with a one-line 'error: ...' message on bad input.";

// Prints what was produced so far, then the one-line message.
static int fail(const std::string &msg, const std::string &out = "") {
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", msg.c_str());
  return 1;
}

int main(int argc, char **argv) {
  tfcrt::ArgParser args(kUsage);
  args.addOption("vocab", 'v', "DIR", "directory with vocab.json, merges.txt");
  args.addFlag("encode", 'e', "JSON string lines -> id lines");
  args.addFlag("decode", 'd', "id lines -> JSON string lines");
  args.addFlag("help", 'h', "show this help");
  std::string error;
  if (!args.parse(argc, argv, &error))
    return fail(error + " (see --help)");
  if (args.has("help")) {
    std::fputs(args.help().c_str(), stdout);
    return 0;
  }
  if (!args.positional().empty())
    return fail("error: unexpected argument '" + args.positional()[0] + "'");
  if (args.has("encode") == args.has("decode"))
    return fail("error: give exactly one of --encode and --decode");
  if (!args.has("vocab"))
    return fail("error: --vocab DIR is required");

  tfcrt::Tokenizer tok;
  if (!tok.load(args.get("vocab"), &error))
    return fail("error: " + error);

  std::string input;
  char buf[1 << 16];
  for (size_t got; (got = std::fread(buf, 1, sizeof(buf), stdin)) > 0;)
    input.append(buf, got);
  std::string out;
  size_t lineNo = 0;
  for (size_t start = 0; start < input.size();) {
    size_t nl = input.find('\n', start);
    if (nl == std::string::npos)
      nl = input.size();
    std::string line = input.substr(start, nl - start);
    start = nl + 1;
    ++lineNo;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    std::string where = "error: <stdin>:" + std::to_string(lineNo) + ": ";
    if (args.has("encode")) {
      size_t pos = 0;
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
        ++pos;
      std::string text;
      if (!tfcrt::parseJsonString(line, &pos, &text, &error))
        return fail(where + "column " + std::to_string(pos + 1) + ": " + error,
                    out);
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
        ++pos;
      if (pos != line.size())
        return fail(where + "trailing characters after the JSON string", out);
      std::vector<int32_t> ids = tok.encode(text);
      for (size_t k = 0; k < ids.size(); ++k) {
        if (k)
          out.push_back(',');
        out += std::to_string(ids[k]);
      }
    } else {
      std::vector<int32_t> ids;
      size_t pos = 0;
      while (pos < line.size()) {
        size_t comma = line.find(',', pos);
        if (comma == std::string::npos)
          comma = line.size();
        std::string field = line.substr(pos, comma - pos);
        size_t a = field.find_first_not_of(" \t"),
               b = field.find_last_not_of(" \t");
        field = a == std::string::npos ? "" : field.substr(a, b - a + 1);
        int64_t id;
        if (!tfcrt::parseInt(field, &id) || id < 0 || id > INT32_MAX)
          return fail(where + "expected a token id, got '" + field + "'", out);
        ids.push_back(static_cast<int32_t>(id));
        pos = comma + 1;
        if (comma + 1 == line.size())
          return fail(where + "trailing ','", out);
      }
      std::string bytes;
      if (!tok.decode(ids, &bytes, &error))
        return fail(where + error, out);
      out += tfcrt::toJsonString(bytes);
    }
    out.push_back('\n');
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
