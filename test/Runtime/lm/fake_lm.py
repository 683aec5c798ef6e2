#!/usr/bin/env python3
"""Independent Python model of test/Runtime/lm/fake_model.c, used by the
lm-*.test lit tests to check tfcrt_lm's main(). It recomputes every position
from the whole token sequence (no KV cache), so it also checks the runtime's
cache and position handling.

Commands (W = the fake model's weight blob, by default the one beside
tfcrt-fake-lm-external on PATH; DIR defaults to models/gpt2-tokenizer):
  greedy [W] (--prompt-ids IDS | --prompt TEXT) [--vocab DIR] -n N [--decode]
      greedy continuation: ids joined by ',' (or the decoded bytes), then \\n
  check-logits [W] --npy F --prompt-ids IDS --generated FILE
      F must hold exactly the logits of prompt + generated[:-1]
  same-npy A B
      the two .npy files hold identical arrays
  check-perplexity [W] [--vocab DIR] --text FILE --window N --output OUT
      OUT (the runtime's stdout) must match the perplexity computed here
  checksum FILE         the weight checksum of runtime/lm/Checksum.h
  info EXE              the tfc_model_info text embedded in EXE
  install TOOL DEST     copy the program TOOL found on PATH (or TOOL.weights
                        beside it) to DEST
  corrupt SRC DEST      copy SRC to DEST with one byte in the middle flipped
  run-with-ids IDSFILE TOOL ARGS...
                        run TOOL --prompt-ids <contents of IDSFILE> ARGS...
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

import numpy as np

VOCAB = 50257
CONTEXT = 64
LAYERS, HEADS, HEAD_DIM = 2, 2, 4
MASK = (1 << 64) - 1
G1, G2, G3 = 0x9E3779B97F4A7C15, 0xD1B54A32D192ED03, 0x8CB92BA72F3D8DD7
G4 = 0xA24BAED4963EE407


def weights_checksum(data):
    """The blob checksum of runtime/lm/Checksum.h, from its definition."""
    p1, p2, p3 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
    p4, p5 = 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5

    def rotl(x, r):
        return ((x << r) | (x >> (64 - r))) & MASK

    def mix(acc, w):
        return rotl((acc + w * p2) & MASK, 31) * p1 & MASK

    def word(i):
        return int.from_bytes(data[i:i + 8], "little")

    lanes = [(p1 + p2) & MASK, p2, 0, -p1 & MASK]
    i = 0
    while len(data) - i >= 32:
        lanes = [mix(lanes[j], word(i + 8 * j)) for j in range(4)]
        i += 32
    h = (p5 + len(data)) & MASK
    for lane in lanes:
        h = ((rotl(h, 27) ^ mix(0, lane)) * p1 + p4) & MASK
    while len(data) - i >= 8:
        h = ((rotl(h, 27) ^ mix(0, word(i))) * p1 + p4) & MASK
        i += 8
    for byte in data[i:]:
        h = rotl(h ^ (byte * p5 & MASK), 11) * p1 & MASK
    h ^= h >> 33
    h = h * p2 & MASK
    h ^= h >> 29
    h = h * p3 & MASK
    return h ^ (h >> 32)


def mix64(z):
    """splitmix64's finalizer on a uint64 numpy array (wrapping)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class FakeLM:
    def __init__(self, weights_path):
        with open(weights_path, "rb") as f:
            self.w = np.frombuffer(f.read(), dtype=np.int8).astype(np.int64)
        self.nb = len(self.w)
        self.vocab_ids = np.arange(VOCAB, dtype=np.uint64)

    def sw(self, index):
        return self.w[np.asarray(index) % self.nb]

    def row_term(self, t, p):
        """Contribution of the token t at position p to acc of later rows."""
        l, h, d = np.meshgrid(np.arange(LAYERS), np.arange(HEADS),
                              np.arange(HEAD_DIM), indexing="ij")
        k = self.sw(131 * t + 17 * p + 7 * l + 3 * h + d)
        v = self.sw(37 * t + 11 * p + 5 * l + 13 * h + 29 * d + 1000)
        return int((k * (p + 1)).sum() + (v * (l + h + d + 1)).sum())

    def logits_at(self, seq, p):
        """Logits of position p, from seq[0..p] alone."""
        acc = sum(self.row_term(seq[j], j) for j in range(p + 1))
        seed = ((acc & MASK) * G1 + seq[p] * G2 + p * G3) & MASK
        x = mix64(np.uint64(seed) ^ (self.vocab_ids * np.uint64(G4)))
        r = (x >> np.uint64(44)).astype(np.int64)
        b = self.sw(np.arange(VOCAB) + p)
        return (r + 4096 * b).astype(np.float32) / np.float32(65536)

    def logits(self, seq):
        return np.stack([self.logits_at(seq, p) for p in range(len(seq))])

    def greedy(self, prompt, n):
        seq = list(prompt)
        out = []
        while len(out) < n and len(seq) < CONTEXT:
            nxt = int(np.argmax(self.logits_at(seq, len(seq) - 1)))
            out.append(nxt)
            seq.append(nxt)
        # The last token is produced but never fed back; so is one that
        # fills the context.
        return out


ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                    "..")


def encoder(vocab_dir):
    sys.path.insert(0, os.path.join(ROOT, "scripts", "reference"))
    vocab_dir = vocab_dir or os.path.join(ROOT, "models", "gpt2-tokenizer")
    import gpt2_bpe
    return gpt2_bpe.Encoder.load(vocab_dir)


def parse_ids(text):
    text = text.strip()
    return [int(x) for x in text.split(",")] if text else []


def log_softmax_nll(row, target):
    row = row.astype(np.float64)
    m = row.max()
    return m + np.log(np.exp(row - m).sum()) - row[target]


def main():
    if sys.argv[1:2] == ["run-with-ids"]:
        # run-with-ids IDSFILE TOOL ARGS...: TOOL --prompt-ids <IDSFILE> ARGS
        ids = open(sys.argv[2]).read().strip()
        tool = shutil.which(sys.argv[3]) or sys.argv[3]
        return subprocess.call([tool, "--prompt-ids", ids] + sys.argv[4:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command")
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--prompt-ids")
    ap.add_argument("--prompt")
    ap.add_argument("--vocab")
    ap.add_argument("-n", type=int, default=32)
    ap.add_argument("--decode", action="store_true")
    ap.add_argument("--text")
    ap.add_argument("--npy")
    ap.add_argument("--generated")
    ap.add_argument("--window", type=int, default=CONTEXT)
    ap.add_argument("--output")
    a = ap.parse_args()
    out = sys.stdout.buffer

    if a.command == "checksum":
        h = weights_checksum(open(a.paths[0], "rb").read())
        print("%016x" % h)
        return 0
    if a.command == "install":
        name = a.paths[0]
        if name.endswith(".weights"):
            src = shutil.which(name[:-len(".weights")]) + ".weights"
        else:
            src = shutil.which(name)
        shutil.copy(src, a.paths[1])
        return 0
    if a.command == "corrupt":
        data = bytearray(open(a.paths[0], "rb").read())
        data[len(data) // 2] ^= 0x01
        open(a.paths[1], "wb").write(data)
        return 0
    if a.command == "info":
        data = open(a.paths[0], "rb").read()
        m = re.search(rb"arch=[^\0]*weights_mode=[a-z]+\n", data)
        sys.stdout.write(m.group(0).decode() if m else "no model info\n")
        return 0 if m else 1
    if a.command == "same-npy":
        x, y = np.load(a.paths[0]), np.load(a.paths[1])
        if x.dtype != y.dtype or x.shape != y.shape or not np.array_equal(x, y):
            print("DIFFERENT: %s %s vs %s %s" % (x.dtype, x.shape, y.dtype, y.shape))
            return 1
        print("identical: %s %s" % (x.dtype, "x".join(map(str, x.shape))))
        return 0

    model = FakeLM(a.paths[0] if a.paths else
                   shutil.which("tfcrt-fake-lm-external") + ".weights")
    if a.command == "greedy":
        if a.prompt is not None:
            enc = encoder(a.vocab)
            prompt = enc.encode(a.prompt)
        else:
            prompt = parse_ids(a.prompt_ids)
        if not prompt:
            prompt = [50256]
        ids = model.greedy(prompt, a.n)
        if a.decode:
            out.write(encoder(a.vocab).decode(ids) + (b"\n" if ids else b""))
        else:
            out.write((",".join(map(str, ids)) + "\n").encode())
        return 0
    if a.command == "check-logits":
        prompt = parse_ids(a.prompt_ids)
        generated = parse_ids(open(a.generated).read())
        seq = prompt + generated[:-1]
        got = np.load(a.npy)
        want = model.logits(seq)
        if got.dtype != np.float32 or got.shape != want.shape:
            print("FAIL: got %s %s, want float32 %s" % (got.dtype, got.shape, want.shape))
            return 1
        bad = np.argwhere(got != want)
        if len(bad):
            print("FAIL: %d values differ, first at %s" % (len(bad), bad[0]))
            return 1
        print("logits identical: %d rows x %d" % want.shape)
        return 0
    if a.command == "check-perplexity":
        ids = encoder(a.vocab).encode(open(a.text, "rb").read().decode("utf-8"))
        nll, count = 0.0, 0
        for begin in range(0, len(ids), a.window):
            win = ids[begin:begin + a.window]
            if len(win) < 2:
                continue
            logits = model.logits(win)
            for j in range(1, len(win)):
                nll += log_softmax_nll(logits[j - 1], win[j])
                count += 1
        ppl = float(np.exp(nll / count))
        got = open(a.output).read()
        m = re.fullmatch(r"perplexity: ([0-9.]+) over ([0-9]+) tokens\n", got)
        if not m:
            print("FAIL: unexpected output %r" % got)
            return 1
        if int(m.group(2)) != count or abs(float(m.group(1)) - ppl) > 1e-6 * ppl + 1e-6:
            print("FAIL: runtime says %s over %s tokens, expected %.6f over %d"
                  % (m.group(1), m.group(2), ppl, count))
            return 1
        print("perplexity matches: %.6f over %d tokens in %d windows"
              % (ppl, count, (len(ids) + a.window - 1) // a.window))
        return 0
    print("unknown command %r" % a.command)
    return 2


if __name__ == "__main__":
    sys.exit(main())
