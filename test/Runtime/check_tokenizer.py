#!/usr/bin/env python3
"""Checks tfcrt-tokenize against the Python GPT-2 reference.

For a fixed list of strings plus seeded random mixes it requires
  * identical token ids from both implementations,
  * decode(encode(s)) == s exactly, and the tool's JSON output to be exactly
    json.dumps(s),
  * decoding of ids whose bytes are not valid UTF-8 to match
    json.dumps(ref_bytes.decode("utf-8", "surrogateescape")),
  * byte strings that are not UTF-8 (fed as \\udcXX escapes) to round-trip.
Exits 1 with a readable diff of the first mismatches.
"""
import argparse
import importlib.util
import json
import random
import shutil
import subprocess
import sys
import unicodedata

FIXED = [
    "",
    " ",
    "  ",
    "\n",
    "\t",
    "Hello world",
    "Hello, world!",
    "hello  world",
    "hello   world   ",
    "trailing space ",
    "trailing spaces   ",
    " leading space",
    "   leading spaces",
    "tabs\tand\t\ttabs",
    "line one\nline two\n",
    "para one\n\npara two\n\n\n",
    "windows\r\nline endings\r\n",
    "mixed \t\n \t whitespace",
    " \n \n ",
    "a\u00a0b",
    "\u00a0\u00a0leading nbsp",
    "ideographic\u3000space",
    "\u3000\u3000",
    "en\u2002em\u2003thin\u2009hair\u200a",
    "line\u2028sep\u2029para",
    "narrow\u202fnbsp\u205fmath",
    "ogham\u1680space",
    "next\u0085line",
    "zero\u200bwidth\u200cjoiners\u200d",
    "bom\ufeffinside",
    "info\x1cseps\x1d\x1e\x1f end",
    "\x1c\x1d \x1e",
    "vertical\x0btab\x0cfeed",
    "nul\x00byte",
    "bell\x07 esc\x1b[0m del\x7f",
    "it's",
    "It's don't they're we've I'm you'll he'd",
    "IT'S DON'T THEY'RE WE'VE I'M YOU'LL HE'D",
    "It'S it'T we'Ve I'M",
    "'s's's",
    "''s '''",
    "x'sy 're've'm'll'd",
    "'",
    "' s",
    "can't won't shan't",
    "rock 'n' roll",
    "the cat's pajamas, the dogs' bones",
    "O'Reilly's O\u2019Reilly\u2019s",
    "0",
    "123",
    "1234567890",
    "3.14159",
    "1,000,000",
    "-42 +7 1e-9",
    "v1.2.3-rc4",
    "2024-01-15T12:34:56Z",
    " 12 345  6789",
    "\u0661\u0662\u0663 \u0967\u0968\u0969",
    "\u00bd \u2153 \u2167 \u2460\u2461",
    "\uff11\uff12\uff13",
    "!!!",
    "...",
    "?!?! ;;; ::",
    "(parens) [brackets] {braces} <angles>",
    "\"quoted\" 'single'",
    "a+b=c; d*e/f",
    "#hashtag @mention $money %percent ^caret &amp;",
    "~tilde `backtick` |pipe| \\backslash\\",
    "email@example.com https://example.org/path?q=1&r=2#frag",
    "---- ==== ____ ****",
    "def f(x):\n    return x * 2\n",
    "int main() {\n\tprintf(\"%d\\n\", 42);\n\treturn 0;\n}\n",
    "for (int i = 0; i < n; ++i) { a[i] += b[i]; }",
    "    indented four\n        indented eight",
    "<html><body class=\"x\">Hi &nbsp;</body></html>",
    "SELECT * FROM t WHERE id = 1;",
    '{"key": [1, 2, 3], "nested": {"a": null}}',
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00fcber Stra\u00dfe",
    "cafe\u0301 nai\u0308ve",
    "a\u0300\u0301\u0302\u0303\u0304 z\u0351\u0352\u0353",
    "Z\u0351\u0313\u034c\u0308a\u0308\u0301l\u0327g\u0301o\u0302",
    "\u00c5ngstr\u00f6m \u212b",
    "\ufb01 ligature \ufb02",
    "\u4f60\u597d\u4e16\u754c",
    "\u4f60\u597d\uff0c\u4e16\u754c\uff01",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3002",
    "\u30ab\u30bf\u30ab\u30ca \u3072\u3089\u304c\u306a",
    "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8",
    "\u1100\u1161\u11a8",
    "\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439, \u043c\u0438\u0440!",
    "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03ba\u03cc\u03c3\u03bc\u03b5",
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
    "mixed \u05e2\u05d1\u05e8\u05d9\u05ea and English",
    "\u200f\u05d0\u200e LTR/RTL marks \u202b\u202c",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e",
    "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e0a\u0e32\u0e27\u0e42\u0e25\u0e01",
    "\u10d2\u10d0\u10db\u10d0\u10e0\u10ef\u10dd\u10d1\u10d0",
    "\u1200\u120d\u120e \u12a0\u121b\u122d\u129b",
    "\U00020000\U00020001 \U0002a6d6",
    "\U0001d400\U0001d401 \U0001d7ce\U0001d7cf",
    "\U00010380\U00010381 ugaritic",
    "\ue000\uf8ff private use",
    "\U000f0000\U0010fffd plane 15/16",
    "\ufffd replacement \ufffe\uffff nonchars",
    "\U0001f600",
    "\U0001f600\U0001f601\U0001f602",
    "smile \U0001f60a wink \U0001f609",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "\U0001f469\U0001f3fd\u200d\U0001f4bb coder",
    "\U0001f3f3\ufe0f\u200d\U0001f308 flag",
    "\U0001f1fa\U0001f1f8\U0001f1ef\U0001f1f5",
    "\u2764\ufe0f \u2764 \u263a\ufe0e",
    "1\ufe0f\u20e3 #\ufe0f\u20e3",
    "\U0001f44d\U0001f3fb\U0001f44d\U0001f3ff",
    "emoji\U0001f525in\U0001f525word",
    " \U0001f600 \U0001f600  \U0001f600",
    "\u2200x\u2208\u211d: x\u00b2 \u2265 0",
    "\u00a9 \u00ae \u2122 \u00a7 \u00b6 \u2020",
    "\u20ac100 \u00a350 \u00a51000 \u20b9",
    "\u2190\u2191\u2192\u2193 \u21d2 \u27f6",
    "\u2500\u2502\u250c\u2510 \u2588\u2591",
    "\u00abguillemets\u00bb \u201cquotes\u201d \u2018single\u2019",
    "em\u2014dash en\u2013dash \u2026ellipsis",
    "Ab1!Cd2?Ef3.",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "The quick brown fox jumps over the lazy dog.",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG",
    "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    "<|endoftext|>",
    "<|endoftext|> after special",
    "\u00ff\u0100\u0101 byte-map boundary \u0120\u0121\u0143",
    "\u0100\u0120\u010a",
    "\u00ad soft hyphen \u00ad",
    " " * 40,
    "\n" * 17,
    "a" + " " * 33 + "b",
    "x" * 3000,
    "ab" * 1500,
    "9" * 500,
    "!?" * 400,
    " \t" * 300 + "end",
    "\u4e00" * 700,
    "\U0001f600" * 200,
]

POOLS = {
    "ascii": [chr(c) for c in range(0x20, 0x7F)],
    "space": list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001"
                  "\u2005\u200a\u2028\u2029\u202f\u205f\u3000\u200b\ufeff"
                  "\u180e"),
    "digit": list("0123456789\u0660\u06f5\u0966\u0e51\uff10\u00b2\u2155"
                  "\u2160\u3007\u3021"),
    "contraction": ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T",
                    "'RE", "'Ve", "'M", "'LL", "'D", "'", "''", "\u2019s"],
    "word": ["the", "The", " of", " and", "hello", "World", "tokenizer",
             "GPT", "r\u00e9sum\u00e9", "na\u00efve", "\u00fcber", "fa\u00e7ade",
             "ma\u00f1ana", "\u4f60\u597d", "\u65e5\u672c", "\uc548\ub155",
             "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
             "\u043f\u0440\u0438\u0432\u0435\u0442", "\u03b1\u03b2\u03b3"],
    "emoji": ["\U0001f600", "\U0001f44d\U0001f3fd",
              "\U0001f468\u200d\U0001f469\u200d\U0001f467",
              "\U0001f3f3\ufe0f\u200d\U0001f308", "\U0001f1e9\U0001f1ea",
              "\u2764\ufe0f", "\U0001f9d1\u200d\U0001f680", "\u2b50",
              "\U0001f525"],
    "combining": ["\u0301", "\u0308", "\u0327", "\u20dd", "\u0951",
                  "\u093f", "\u0e31", "\u302a"],
    "punct": list("!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\u00a1\u00bf\u2014\u2026"
                  "\u3001\u3002\uff01\u300c\u300d\u00b7"),
}

# Old, stable blocks for random code points (kept to characters assigned in
# every Unicode version the tools might use, so classifications agree).
BLOCKS = [
    (0x00A0, 0x024F), (0x0250, 0x036F), (0x0370, 0x03FF), (0x0400, 0x052F),
    (0x0530, 0x058F), (0x0590, 0x05FF), (0x0600, 0x06FF), (0x0900, 0x097F),
    (0x0E00, 0x0E7F), (0x10A0, 0x10FF), (0x1100, 0x11FF), (0x1E00, 0x1FFF),
    (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x218F), (0x2190, 0x22FF),
    (0x2460, 0x24FF), (0x2500, 0x25FF), (0x3000, 0x30FF), (0x4E00, 0x9FA5),
    (0xAC00, 0xD7A3), (0xE000, 0xE0FF), (0xFB00, 0xFB4F), (0xFF00, 0xFFEF),
    (0x10000, 0x1007F), (0x1D400, 0x1D7FF), (0x1F300, 0x1F64F),
    (0x20000, 0x2A6D6),
]


def random_codepoint(rng):
    while True:
        lo, hi = rng.choice(BLOCKS)
        c = chr(rng.randint(lo, hi))
        if unicodedata.category(c) not in ("Cn", "Cs"):
            return c


def random_string(rng):
    parts = []
    for _ in range(rng.randint(1, 24)):
        kind = rng.random()
        if kind < 0.12:
            parts.append(random_codepoint(rng))
        elif kind < 0.2:
            parts.append("".join(rng.choice(POOLS["space"])
                                 for _ in range(rng.randint(1, 4))))
        else:
            pool = POOLS[rng.choice(sorted(POOLS))]
            parts.append(rng.choice(pool))
            if rng.random() < 0.3:
                parts.append(" ")
    return "".join(parts)


def cases(count, seed):
    rng = random.Random(seed)
    return FIXED + [random_string(rng) for _ in range(count)]


def run_tool(tool, vocab, mode, lines):
    try:
        proc = subprocess.run([tool, "--vocab", vocab, mode],
                              input="".join(l + "\n" for l in lines).encode(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        sys.exit("FAIL: cannot run %s: %s" % (tool, e))
    if proc.returncode != 0:
        sys.exit("FAIL: %s %s exited %d: %s" % (
            tool, mode, proc.returncode, proc.stderr.decode(errors="replace")))
    out = proc.stdout.decode("ascii").split("\n")
    if out[-1] != "" or len(out) - 1 != len(lines):
        sys.exit("FAIL: %s %s printed %d lines for %d inputs" %
                 (tool, mode, len(out) - 1, len(lines)))
    return out[:-1]


def parse_ids(line):
    return [int(x) for x in line.split(",")] if line else []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tool", default="tfcrt-tokenize")
    ap.add_argument("--vocab", required=True)
    ap.add_argument("--reference", required=True, help="path of gpt2_bpe.py")
    ap.add_argument("--random", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()

    tool = shutil.which(args.tool) or args.tool
    spec = importlib.util.spec_from_file_location("gpt2_bpe", args.reference)
    ref_mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref_mod)
    ref = ref_mod.Encoder.load(args.vocab)

    strings = cases(args.random, args.seed)
    errors = []

    def report(msg):
        errors.append(msg)

    got = [parse_ids(l) for l in
           run_tool(tool, args.vocab, "--encode", [json.dumps(s) for s in strings])]
    for i, (s, ids) in enumerate(zip(strings, got)):
        want = ref.encode(s)
        if ids != want:
            k = next((j for j, (a, b) in enumerate(zip(ids, want)) if a != b),
                     min(len(ids), len(want)))
            report("case %d %s:\n  tfcrt:     %s\n  reference: %s\n"
                   "  first difference at index %d: tfcrt %r vs reference %r"
                   % (i, json.dumps(s)[:200], ids[:k + 8], want[:k + 8], k,
                      ref.inverse.get(ids[k]) if k < len(ids) else None,
                      ref.inverse.get(want[k]) if k < len(want) else None))

    decoded = run_tool(tool, args.vocab, "--decode",
                       [",".join(map(str, ids)) for ids in got])
    for i, (s, line) in enumerate(zip(strings, decoded)):
        if json.loads(line) != s or line != json.dumps(s):
            report("case %d: decode(encode(s)) != s\n  s:       %s\n  decoded: %s"
                   % (i, json.dumps(s)[:200], line[:200]))

    # Ids whose bytes are partial UTF-8 sequences.
    rng = random.Random(args.seed + 1)
    partial = [[i] for i in range(256)]  # the 256 single-byte tokens
    partial += [[rng.randrange(50257) for _ in range(rng.randint(1, 6))]
                for _ in range(100)]
    partial.append([])
    lines = run_tool(tool, args.vocab, "--decode",
                     [",".join(map(str, ids)) for ids in partial])
    for ids, line in zip(partial, lines):
        want = json.dumps(ref.decode(ids).decode("utf-8", "surrogateescape"))
        if line != want:
            report("decode %s:\n  tfcrt:     %s\n  reference: %s"
                   % (ids, line, want))

    # Byte strings that are not UTF-8 round-trip through encode/decode.
    raw = [b"\xff", b"\x80abc", b"a\xc3", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80",
           b"\xf4\x90\x80\x80", b"\xc0\xaf", b"ok \xfe\xfe ok", b"\xe4\xbd\xa0\xe5"]
    raw += [bytes(rng.randrange(256) for _ in range(rng.randint(1, 20)))
            for _ in range(40)]
    texts = [b.decode("utf-8", "surrogateescape") for b in raw]
    ids = run_tool(tool, args.vocab, "--encode", [json.dumps(t) for t in texts])
    back = run_tool(tool, args.vocab, "--decode", ids)
    for t, line in zip(texts, back):
        if line != json.dumps(t):
            report("raw bytes %r did not round-trip: got %s" %
                   (t.encode("utf-8", "surrogateescape"), line))

    total = len(strings) + len(partial) + len(raw)
    if errors:
        for e in errors[:20]:
            print(e)
        print("FAIL: %d of %d checks failed (%d strings, seed %d)"
              % (len(errors), total, len(strings), args.seed))
        return 1
    print("PASS: %d strings identical to the reference and round-trip; "
          "%d partial-UTF-8 decodes, %d raw byte strings" %
          (len(strings), len(partial), len(raw)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
