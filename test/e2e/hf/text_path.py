#!/usr/bin/python3
"""The text path of a compiled GPT-2: tokenizer + greedy generation +
perplexity, against the reference BPE (scripts/reference/gpt2_bpe.py) and the
numpy model (scripts/reference/hf_reference.py).

  text_path.py --tfc build/bin/tfc --tokenizer models/gpt2-tokenizer --work DIR
               [--model DIR] [--prompt TEXT]

Checks, on a random gpt2-tiny with the real 50257-token vocabulary (or on
the HF model --model, e.g. the bundled one):
  * `-p PROMPT --temp 0 --print-ids` prints the reference's greedy
    continuation of the reference tokenizer's ids;
  * without --print-ids the text printed is the reference decoding of them;
  * `--perplexity FILE --ppl-window 16` (and 7) equals the reference perplexity with
    the documented windowing (consecutive non-overlapping windows of 16
    tokens, each from an empty cache, every token after the first of its
    window scored), within 1e-3 relative; the token count matches.
"""
import argparse
import math
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SCRIPTS = os.path.join(ROOT, "scripts")
sys.path.insert(0, os.path.join(SCRIPTS, "reference"))
import gpt2_bpe  # noqa: E402
import hf_reference as ref  # noqa: E402

PROMPT = "Hello world, it's a test"
N_PREDICT = 20
WINDOW = 16
# ~70 tokens: several full windows, a short last one; punctuation, digits,
# contractions, non-ASCII and a trailing newline.
PPL_TEXT = ("The quick brown fox jumps over the lazy dog. It's 2024, and "
            "we'll compile 3 models -- naïve café, déjà vu!\n"
            "Second line:   spaces,\ttabs and numbers 1234567 end here.\n")


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise SystemExit("FAIL: command failed (%d): %s\n%s%s" % (
            p.returncode, " ".join(cmd), p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace")))
    return p.stdout


def ref_perplexity(model, ids, window):
    nll, scored = 0.0, 0
    for begin in range(0, len(ids), window):
        w = ids[begin:begin + window]
        if len(w) < 2:
            continue
        lg = ref.logits(model, w).astype(np.float64)
        m = lg.max(-1, keepdims=True)
        logp = lg - m - np.log(np.exp(lg - m).sum(-1, keepdims=True))
        for j in range(1, len(w)):
            nll -= logp[j - 1, w[j]]
            scored += 1
    return math.exp(nll / scored), scored


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tfc", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--model", help="an HF model directory to use instead "
                    "of a random gpt2-tiny")
    ap.add_argument("--prompt", default=PROMPT)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    mdir = a.model or os.path.join(a.work, "model")
    exe = os.path.join(a.work, "gpt2.exe")
    if not a.model:
        run([sys.executable, os.path.join(SCRIPTS, "gen_hf_model.py"),
             "--preset", "gpt2-tiny", "--vocab", "50257", "--seed", "7",
             "--tokenizer", a.tokenizer, "--out", mdir])
    run([a.tfc, "compile", mdir, "-o", exe, "--weights=external"])
    model = ref.load_model(mdir)
    enc = gpt2_bpe.Encoder.load(a.tokenizer)
    failed = 0

    # Greedy generation from a text prompt.
    prompt = a.prompt
    prompt_ids = enc.encode(prompt)
    want = ref.greedy(model, prompt_ids, N_PREDICT)
    out = run([exe, "-p", prompt, "-n", str(N_PREDICT), "--temp", "0",
               "--print-ids"]).decode()
    got = [int(t) for t in out.strip().split(",")]
    ok = got == want
    failed += not ok
    print("%s: prompt %r -> ids %s; greedy ids %s%s" % (
        "PASS" if ok else "FAIL", prompt, prompt_ids, got,
        "" if ok else " (reference %s)" % want))

    text = run([exe, "-p", prompt, "-n", str(N_PREDICT), "--temp", "0"])
    want_text = enc.decode(want) + b"\n"
    ok = text == want_text
    failed += not ok
    print("%s: greedy text %r%s" % (
        "PASS" if ok else "FAIL", text,
        "" if ok else " (reference %r)" % want_text))

    # Perplexity: window 16 (the last window is short), and 7 (50 tokens =
    # 7 * 7 + 1: the last window has a single token, which scores nothing).
    path = os.path.join(a.work, "ppl.txt")
    with open(path, "wb") as f:
        f.write(PPL_TEXT.encode("utf-8"))
    ids = enc.encode(PPL_TEXT)
    for window in (WINDOW, 7):
        want_ppl, want_n = ref_perplexity(model, ids, window)
        out = run([exe, "--perplexity", path, "--ppl-window", str(window)])
        m = re.fullmatch(rb"perplexity: ([0-9.eE+-]+) over (\d+) tokens\n",
                         out)
        if not m:
            print("FAIL: perplexity output %r" % out)
            failed += 1
            continue
        got_ppl, got_n = float(m.group(1)), int(m.group(2))
        rel = abs(got_ppl - want_ppl) / want_ppl
        ok = got_n == want_n and rel <= 1e-3
        failed += not ok
        print("%s: perplexity %.6f over %d tokens (%d text tokens, window "
              "%d); reference %.6f over %d; rel diff %.2e" % (
                  "PASS" if ok else "FAIL", got_ppl, got_n, len(ids), window,
                  want_ppl, want_n, rel))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
