#!/usr/bin/python3
"""End-to-end numerics of `tfc compile` on random HF checkpoints.

For each preset: generate the model (scripts/gen_hf_model.py, seeded),
compile it (alternating --weights=embed / --weights=external over the
preset list), then

  1. run `EXE --prompt-ids P -n 20 --temp 0 --print-ids --dump-logits` and
     compare every dumped row (prefill rows, then each KV-cache decode step)
     with the numpy reference recomputed over the whole sequence in one
     full forward: max|diff| <= TOL * max|ref logit|;
  2. the greedy continuation equals the reference's own (KV-cached) greedy
     decoding; a divergence is accepted only where the reference's top-2
     margin at that step is < 1e-4 * max|logit| (and is reported);
  3. the same sequence evaluated in ONE prefill (`--prompt-ids P+gen -n 1`)
     gives the same logits as the incremental run (and the reference), and
     predicts the last generated token (run with 3 threads, the incremental
     run with 1 or 2);
  4. a prompt of context - 3 ids with -n 20 stops after 3 tokens and its
     logits (up to position context - 2) match the reference.

One `PASS`/`FAIL` line per preset with the measured errors; exit status 1
if any preset fails.

  check_model.py --tfc build/bin/tfc --work DIR --presets gpt2-tiny,gpt2-odd
"""
import argparse
import os
import subprocess
import sys
import time
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SCRIPTS = os.path.join(ROOT, "scripts")
sys.path.insert(0, os.path.join(SCRIPTS, "reference"))
import hf_reference as ref  # noqa: E402

# Every preset, in a fixed order: the weights mode alternates along it so
# that each family gets both modes.
ALL_PRESETS = ["gpt2-tiny", "gpt2-odd", "gpt2-hublike", "gpt2-bf16-sharded",
               "gpt2-gelu", "llama-tiny", "llama-gqa2", "llama-gqa4",
               "llama-odd"]

TOL = 1e-3          # logits vs reference, relative to max|ref logit|
PREFILL_TOL = 1e-4  # one prefill vs incremental decoding, same scale
MARGIN_TOL = 1e-4   # greedy tie tolerance, relative to max|logit|
N_PREDICT = 20


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, **kw)
    if p.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s%s" % (
            p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p


def parse_ids(text):
    text = text.strip()
    return [int(t) for t in text.split(",")] if text else []


def rel_err(a, b, scale):
    if a.shape != b.shape:
        raise AssertionError("shape %s != %s" % (a.shape, b.shape))
    if not np.isfinite(a).all():
        raise AssertionError("non-finite logits")
    return float(np.abs(a.astype(np.float64) - b).max() / scale)


def check_preset(args, name, index):
    mode = "embed" if index % 2 == 0 else "external"
    threads = 1 + index % 2  # 1 or 2 worker threads
    seed = 1000 + index
    work = os.path.join(args.work, name)
    os.makedirs(work, exist_ok=True)
    mdir = os.path.join(work, "model")
    exe = os.path.join(work, "model.exe")
    t0 = time.time()
    run([sys.executable, os.path.join(SCRIPTS, "gen_hf_model.py"),
         "--preset", name, "--seed", str(seed), "--out", mdir])
    run([args.tfc, "compile", mdir, "-o", exe, "--weights=" + mode])
    if (mode == "external") != os.path.exists(exe + ".weights"):
        raise AssertionError("--weights=%s: %s.weights %s" % (
            mode, exe, "missing" if mode == "external" else "written"))
    t_compile = time.time() - t0

    model = ref.load_model(mdir)
    vocab, ctx = model.cfg.vocab, model.cfg.ctx
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    plen = int(rng.integers(5, 18))
    prompt = [int(t) for t in rng.integers(0, vocab, plen)]
    prompt[int(rng.integers(0, plen))] = vocab - 1  # the largest id
    n_expect = min(N_PREDICT, ctx - plen)
    common = ["--temp", "0", "--print-ids", "--threads", str(threads)]

    # 1. incremental: prefill + (n - 1) decode steps, every row dumped.
    inc_path = os.path.join(work, "inc.npy")
    p = run([exe, "--prompt-ids", ",".join(map(str, prompt)),
             "-n", str(N_PREDICT), "--dump-logits", inc_path] + common)
    gen = parse_ids(p.stdout)
    if len(gen) != n_expect:
        raise AssertionError("generated %d tokens, expected %d: %r" % (
            len(gen), n_expect, p.stdout))
    seq = prompt + gen[:-1]  # the positions the executable evaluated
    inc = np.load(inc_path)
    want = ref.logits(model, seq)
    scale = float(np.abs(want).max())
    err_inc = rel_err(inc, want, scale)
    # Prefill rows and decode rows separately, for the report.
    err_prefill_rows = rel_err(inc[:plen], want[:plen], scale)

    # 2. greedy agreement with the reference's own cached decoding.
    ref_gen = ref.greedy(model, prompt, n_expect)
    notes = []
    ok_greedy = True
    for k, (a, b) in enumerate(zip(gen, ref_gen)):
        if a == b:
            continue
        row = want[plen - 1 + k]
        top2 = np.sort(row)[-2:]
        margin = float(top2[1] - top2[0])
        if margin < MARGIN_TOL * float(np.abs(row).max()):
            notes.append("greedy diverges at step %d (%d vs ref %d) on a "
                         "near-tie, margin %.3g" % (k, a, b, margin))
        else:
            ok_greedy = False
            notes.append("greedy step %d: got %d, reference %d (margin "
                         "%.3g)" % (k, a, b, margin))
        break

    # 3. the whole sequence in one prefill.
    one_path = os.path.join(work, "one.npy")
    # (with 3 worker threads: the results must not depend on the split)
    p = run([exe, "--prompt-ids", ",".join(map(str, seq)), "-n", "1",
             "--dump-logits", one_path, "--temp", "0", "--print-ids",
             "--threads", "3"])
    one = np.load(one_path)
    err_one_ref = rel_err(one, want, scale)
    err_one_inc = rel_err(one, inc, scale)
    last = parse_ids(p.stdout)
    ok_last = last == gen[-1:]
    if not ok_last:
        notes.append("one-prefill next token %r, incremental %d" % (
            last, gen[-1]))

    # 4. up to the end of the context: a prompt of ctx - 3 ids and -n 20
    # generate exactly 3 tokens; the last evaluated position is ctx - 2.
    fill = [int(t) for t in rng.integers(0, vocab, ctx - 3)]
    fill_path = os.path.join(work, "fill.npy")
    p = run([exe, "--prompt-ids", ",".join(map(str, fill)), "-n",
             str(N_PREDICT), "--dump-logits", fill_path] + common)
    fill_gen = parse_ids(p.stdout)
    if len(fill_gen) != 3:
        raise AssertionError("context fill: generated %r, expected 3 tokens"
                             % p.stdout)
    fill_want = ref.logits(model, fill + fill_gen[:-1])
    err_fill = rel_err(np.load(fill_path), fill_want,
                       float(np.abs(fill_want).max()))

    ok = (err_inc <= TOL and err_one_ref <= TOL and err_fill <= TOL and
          err_one_inc <= PREFILL_TOL and ok_greedy and ok_last)
    print("%s: %-18s weights=%-8s threads=%d prompt=%2d gen=%2d  "
          "max|diff|/max|ref|: incremental %.2e (prefill rows %.2e) "
          "one-prefill %.2e one-vs-incremental %.2e context-fill(%d) %.2e  "
          "greedy %s  [%.1fs compile, %.1fs total]" % (
              "PASS" if ok else "FAIL", name, mode, threads, plen, len(gen),
              err_inc, err_prefill_rows, err_one_ref, err_one_inc, ctx,
              err_fill,
              "ok" if ok_greedy else "MISMATCH", t_compile,
              time.time() - t0))
    for n in notes:
        print("  note: " + n)
    sys.stdout.flush()
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tfc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--presets", required=True,
                    help="comma-separated, from: " + ", ".join(ALL_PRESETS))
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    failed = 0
    for name in a.presets.split(","):
        if name not in ALL_PRESETS:
            ap.error("unknown preset %r" % name)
        try:
            ok = check_preset(a, name, ALL_PRESETS.index(name))
        except (AssertionError, RuntimeError) as e:
            print("FAIL: %-18s %s" % (name, e))
            ok = False
        failed += not ok
    print("%d of %d presets passed" % (
        len(a.presets.split(",")) - failed, len(a.presets.split(","))))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
