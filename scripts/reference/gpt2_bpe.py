#!/usr/bin/env python3
"""Reference GPT-2 byte-level BPE encoder/decoder in plain Python (+ `regex`),
written after OpenAI's published algorithm (gpt-2/src/encoder.py). Used to
check tfcrt's C++ tokenizer; never used at run time.

Library:  enc = Encoder.load(DIR); enc.encode(str) -> [int]; enc.decode([int]) -> bytes
CLI:      gpt2_bpe.py --vocab DIR --encode   < lines of JSON strings
          gpt2_bpe.py --vocab DIR --decode   < lines of comma-separated ids
(same line formats as tfcrt-tokenize; --decode prints JSON strings with
invalid UTF-8 bytes as \\udcXX, i.e. Python's surrogateescape).
Needs Debian's python3-regex for \\p{L} / \\p{N}.
"""
import argparse
import json
import os
import sys

import regex

PATTERN = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
)


def byte_to_unicode():
    """Maps every byte to a printable character: printable Latin-1 bytes map
    to themselves, the remaining ones to U+0100 onwards in byte order."""
    keep = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("\u00a1"), ord("\u00ac") + 1))
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    )
    table = {}
    extra = 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


class Encoder:
    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.inverse = {i: t for t, i in vocab.items()}
        # A later duplicate overrides an earlier one, as dict(zip(...)) does.
        self.ranks = {pair: r for r, pair in enumerate(merges)}
        self.b2u = byte_to_unicode()
        self.u2b = {u: b for b, u in self.b2u.items()}
        self.cache = {}

    @classmethod
    def load(cls, directory):
        with open(os.path.join(directory, "vocab.json"), encoding="utf-8") as f:
            vocab = json.load(f)
        with open(os.path.join(directory, "merges.txt"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        merges = [tuple(l.split()) for l in lines[1:] if l.strip()]
        return cls(vocab, merges)

    def bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            pairs = set(zip(parts, parts[1:]))
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged = []
            i = 0
            while i < len(parts):
                if i + 1 < len(parts) and (parts[i], parts[i + 1]) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        self.cache[word] = parts
        return parts

    def encode(self, text):
        ids = []
        for piece in PATTERN.findall(text):
            word = "".join(self.b2u[b] for b in piece.encode("utf-8"))
            ids.extend(self.vocab[t] for t in self.bpe(word))
        return ids

    def decode(self, ids):
        return bytes(self.u2b[c] for i in ids for c in self.inverse[i])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vocab", required=True, help="dir with vocab.json, merges.txt")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--encode", action="store_true")
    mode.add_argument("--decode", action="store_true")
    args = ap.parse_args()
    enc = Encoder.load(args.vocab)
    out = []
    for line in sys.stdin.read().split("\n")[:-1]:
        if args.encode:
            out.append(",".join(map(str, enc.encode(json.loads(line)))))
        else:
            ids = [int(x) for x in line.split(",")] if line else []
            text = enc.decode(ids).decode("utf-8", "surrogateescape")
            out.append(json.dumps(text))
    sys.stdout.write("".join(l + "\n" for l in out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
