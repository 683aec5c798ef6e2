#!/usr/bin/python3
"""End-to-end numerics of `tfc compile model.onnx` on exported language
models (graphs from scripts/export_onnx_lm.py: input_ids -> logits, no KV
cache; tfc derives the cached prefill/decode entry points).

  onnx_lm_check.py --tfc TFC --work DIR --model model.onnx [--torch-ref HF_DIR]
  onnx_lm_check.py --tfc TFC --work DIR --cases gpt2-tiny:14,llama-gqa2:17
  onnx_lm_check.py --make-tokenizer 256 DIR

--cases PRESET:OPSET[:ext],...: generate each preset
(scripts/gen_hf_model.py, seeded, with the GPT-2 tokenizer cut to the
preset's vocabulary beside it), export it at OPSET with export_onnx_lm.py
(`:ext`: --external-data) and check the .onnx file. The executables embed
their weights and write them to EXE.weights in turn (--weights).

The reference is the torch module of export_onnx_lm.py built from the HF
directory (--torch-ref, or the generated preset), evaluated by full
recomputation; with --model and no --torch-ref (or --ref onnx) it is the
.onnx graph itself, run by scripts/reference/onnx_eval.py. Checks, after
`TFC compile model.onnx -o EXE`:

  1. logits: `EXE --prompt-ids P -n 20 --temp 0 --print-ids --dump-logits`
     on a random prompt of odd length: every dumped row (the prefill's, then
     each KV-cache decode step's) against the reference logits of
     P + generated[:-1], max|diff| <= 1e-3 * max|reference logit|;
  2. greedy: the 20 generated ids equal the reference's greedy decoding
     (a divergence is accepted only on a near-tie, as test/e2e/hf does);
  3. one prefill: the same sequence in one prefill (`-n 1`, 3 threads)
     gives the incremental run's logits (1e-4) and next token;
  4. text: the tokenizer beside the .onnx (or --tokenizer) went with the
     executable: `EXE -p TEXT -n 4 --temp 0 --print-ids` (no --vocab)
     continues the reference BPE's ids as the reference does.

One PASS/FAIL line per model with the measured errors; exit status 1 if any
fails.

--via-hf compiles the HF directory (`TFC compile HF_DIR`, same weights)
instead of the .onnx file: a check of this harness itself, and of the
exported graph's weights, while `tfc compile model.onnx` cannot build
language models yet.
"""
import argparse
import json
import os
import sys
import time
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SCRIPTS = os.path.join(ROOT, "scripts")
sys.path.insert(0, os.path.join(SCRIPTS, "reference"))
sys.path.insert(0, SCRIPTS)
sys.path.insert(0, os.path.join(ROOT, "test", "e2e", "hf"))
import gpt2_bpe  # noqa: E402
import onnx_eval  # noqa: E402
from check_model import (MARGIN_TOL, N_PREDICT, PREFILL_TOL, TOL,  # noqa: E402
                         parse_ids, rel_err, run)

GPT2_TOKENIZER = os.path.join(ROOT, "models", "gpt2-tokenizer")
TEXT = "Hello world, it's"
N_TEXT = 4


class TorchRef:
    """The exporter's torch module (full recomputation)."""

    def __init__(self, hf_dir):
        import export_onnx_lm
        self.mod = export_onnx_lm
        self.model, cfg = export_onnx_lm.load(hf_dir)
        self.vocab, self.ctx = cfg.vocab, cfg.ctx
        self.name = "torch module"

    def logits(self, ids):
        return self.mod.torch_logits(self.model, ids)


class OnnxRef:
    """The .onnx graph, run by the numpy interpreter."""

    def __init__(self, path):
        import onnx
        self.model = onnx.load(path)
        # The vocabulary from the logits' static last dimension.
        dims = self.model.graph.output[0].type.tensor_type.shape.dim
        if not dims or not dims[-1].dim_value:
            raise SystemExit("error: %s: the logits have no static vocabulary "
                             "size; pass --torch-ref" % path)
        self.vocab, self.ctx = dims[-1].dim_value, None
        self.name = "onnx graph (numpy)"

    def logits(self, ids):
        out = onnx_eval.run(self.model,
                            {"input_ids": np.array([ids], np.int64)})
        return out["logits"][0]


def greedy(ref, ids, steps):
    """Greedy continuation by full recomputation, stopping at the context
    length (if known) as the executable does. Returns (ids, last logits of
    each step)."""
    seq, out, rows = list(ids), [], []
    while len(out) < steps and (ref.ctx is None or len(seq) < ref.ctx):
        row = ref.logits(seq)[-1]
        rows.append(row)
        out.append(int(np.argmax(row)))
        seq.append(out[-1])
    return out, rows


def compare_greedy(gen, want, rows, ctx_known=True):
    """(ok, note): equal, or diverging only on a near-tie of the reference.
    Without a known context length, the executable may stop first."""
    for k, (a, b) in enumerate(zip(gen, want)):
        if a == b:
            continue
        top2 = np.sort(rows[k])[-2:]
        margin = float(top2[1] - top2[0])
        if margin < MARGIN_TOL * float(np.abs(rows[k]).max()):
            return True, ("greedy diverges at step %d (%d vs reference %d) on "
                          "a near-tie, margin %.3g" % (k, a, b, margin))
        return False, ("greedy step %d: got %d, reference %d (margin %.3g)"
                       % (k, a, b, margin))
    if len(gen) < len(want) and not ctx_known:
        return True, ("stopped after %d tokens (the end of the context?)"
                      % len(gen))
    if len(gen) != len(want):
        return False, "generated %d tokens, reference %d" % (
            len(gen), len(want))
    return True, None


def make_tokenizer(vocab, dst):
    """The GPT-2 byte-level BPE cut to ids < vocab: GPT-2's token 256 + k is
    merge k, so the first vocab - 256 merges keep it self-consistent."""
    with open(os.path.join(GPT2_TOKENIZER, "vocab.json"),
              encoding="utf-8") as f:
        full = json.load(f)
    with open(os.path.join(GPT2_TOKENIZER, "merges.txt"),
              encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not 256 <= vocab:
        raise SystemExit("error: a byte-level tokenizer needs a vocabulary "
                         "of at least 256, not %d" % vocab)
    os.makedirs(dst, exist_ok=True)
    with open(os.path.join(dst, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({t: i for t, i in full.items() if i < vocab}, f,
                  ensure_ascii=False)
    merges = [l for l in lines[1:] if l][:max(0, vocab - 256)]
    with open(os.path.join(dst, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("".join(l + "\n" for l in [lines[0]] + merges))
    return dst


def prepare_case(a, case, index):
    """Generates and exports PRESET:OPSET; returns (onnx path, hf dir)."""
    parts = case.split(":")
    try:
        preset, opset = parts[0], int(parts[1])
        external = parts[2:] == ["ext"]
        if len(parts) > 2 and not external:
            raise ValueError
    except (ValueError, IndexError):
        raise SystemExit("error: --cases: expected PRESET:OPSET[:ext], got "
                         "%r" % case)
    work = os.path.join(a.work, "%s-opset%d" % (preset, opset))
    hf_dir, onnx_path = os.path.join(work, "hf"), os.path.join(
        work, "onnx", "model.onnx")
    gen = os.path.join(SCRIPTS, "gen_hf_model.py")
    import gen_hf_model
    if preset not in gen_hf_model.PRESETS:
        raise SystemExit("error: --cases: unknown preset %r" % preset)
    vocab = gen_hf_model.PRESETS[preset]["vocab"]
    tok = make_tokenizer(vocab, os.path.join(work, "tokenizer"))
    run([sys.executable, gen, "--preset", preset, "--seed", str(2000 + index),
         "--tokenizer", tok, "--out", hf_dir])
    cmd = [sys.executable, os.path.join(SCRIPTS, "export_onnx_lm.py"),
           hf_dir, "--out", onnx_path, "--opset", str(opset)]
    if external:
        cmd.append("--external-data")
    run(cmd)
    return onnx_path, hf_dir


def check_model(a, name, onnx_path, hf_dir, index):
    t0 = time.time()
    work = os.path.join(a.work, name.replace(":", "_").replace("/", "_"))
    os.makedirs(work, exist_ok=True)
    exe = os.path.join(work, "model.exe")
    src = hf_dir if a.via_hf else onnx_path
    weights = a.weights
    if weights == "alternate":
        weights = "embed" if index % 2 == 0 else "external"
    cmd = [a.tfc, "compile", src, "-o", exe, "--weights=" + weights]
    if a.tokenizer and not a.via_hf:
        cmd += ["--tokenizer", a.tokenizer]
    run(cmd)
    t_compile = time.time() - t0
    ref = TorchRef(hf_dir) if hf_dir and a.ref != "onnx" else \
        OnnxRef(onnx_path)
    vocab = ref.vocab

    rng = np.random.default_rng(zlib.crc32(name.encode()))
    hi = 17 if ref.ctx is None else max(5, min(17, ref.ctx - N_PREDICT - 1))
    plen = 2 * int(rng.integers(2, (hi - 1) // 2 + 1)) + 1  # odd, 5..hi
    prompt = [int(t) for t in rng.integers(0, vocab, plen)]
    prompt[int(rng.integers(0, plen))] = vocab - 1  # the largest id
    threads = 1 + index % 2
    common = ["--temp", "0", "--print-ids", "--threads", str(threads)]

    # 1. prefill + decode steps, every row dumped.
    inc_path = os.path.join(work, "inc.npy")
    p = run([exe, "--prompt-ids", ",".join(map(str, prompt)), "-n",
             str(N_PREDICT), "--dump-logits", inc_path] + common)
    gen = parse_ids(p.stdout)
    if not gen:
        raise AssertionError("no tokens generated: %r" % p.stdout)
    seq = prompt + gen[:-1]
    inc = np.load(inc_path)
    want = ref.logits(seq)
    scale = float(np.abs(want).max())
    err_inc = rel_err(inc, want, scale)
    err_prefill = rel_err(inc[:plen], want[:plen], scale)

    # 2. greedy, full recomputation.
    want_gen, rows = greedy(ref, prompt, N_PREDICT)
    ok_greedy, note = compare_greedy(gen, want_gen, rows,
                                     ref.ctx is not None)
    notes = [note] if note else []

    # 3. the whole sequence in one prefill.
    one_path = os.path.join(work, "one.npy")
    p = run([exe, "--prompt-ids", ",".join(map(str, seq)), "-n", "1",
             "--dump-logits", one_path, "--temp", "0", "--print-ids",
             "--threads", "3"])
    one = np.load(one_path)
    err_one = rel_err(one, inc, scale)
    ok_last = parse_ids(p.stdout) == gen[-1:]
    if not ok_last:
        notes.append("one-prefill next token %s, incremental %d" % (
            p.stdout.strip(), gen[-1]))

    # 4. text through the tokenizer that came with the model.
    tok_dir = a.tokenizer or os.path.dirname(os.path.abspath(
        hf_dir if a.via_hf else onnx_path))
    if a.via_hf:
        tok_dir = hf_dir
    text = "skipped (no tokenizer)"
    ok_text = True
    if os.path.exists(os.path.join(tok_dir, "vocab.json")):
        ids = gpt2_bpe.Encoder.load(tok_dir).encode(TEXT)
        want_text, text_rows = greedy(ref, ids, N_TEXT)
        p = run([exe, "-p", TEXT, "-n", str(N_TEXT), "--temp", "0",
                 "--print-ids"])
        got_text = parse_ids(p.stdout)
        ok_text, note = compare_greedy(got_text, want_text, text_rows)
        text = "%s (%d prompt ids)" % ("ok" if ok_text else "MISMATCH",
                                       len(ids))
        if note:
            notes.append("text: " + note)

    ok = (err_inc <= TOL and err_one <= PREFILL_TOL and ok_greedy and
          ok_last and ok_text)
    print("%s: %-22s %s prompt=%2d gen=%2d  max|diff|/max|ref|: "
          "all rows %.2e (prefill rows %.2e) one-prefill-vs-incremental "
          "%.2e  greedy %s  text %s  [vs %s; %.1fs compile, %.1fs total]" % (
              "PASS" if ok else "FAIL", name, "via-hf" if a.via_hf else
              "onnx", plen, len(gen), err_inc, err_prefill, err_one,
              "ok" if ok_greedy else "MISMATCH", text, ref.name, t_compile,
              time.time() - t0))
    for n in notes:
        print("  note: " + n)
    sys.stdout.flush()
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tfc")
    ap.add_argument("--work")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--model", help="an .onnx language model")
    what.add_argument("--cases", help="PRESET:OPSET[:ext],... to generate, "
                      "export and check")
    what.add_argument("--make-tokenizer", nargs=2, metavar=("VOCAB", "DIR"),
                      help="only write the GPT-2 tokenizer cut to VOCAB ids "
                      "into DIR (for tests that generate models)")
    ap.add_argument("--torch-ref", help="with --model: the HF directory it "
                    "was exported from (reference: its torch module)")
    ap.add_argument("--tokenizer", help="pass --tokenizer DIR to tfc compile")
    ap.add_argument("--weights", default="alternate",
                    choices=["embed", "external", "alternate"])
    ap.add_argument("--ref", choices=["torch", "onnx"],
                    help="the reference (default: torch where the HF "
                    "directory is known)")
    ap.add_argument("--via-hf", action="store_true",
                    help="compile the HF directory instead of the .onnx "
                    "(checks the harness)")
    a = ap.parse_args()
    if a.make_tokenizer:
        make_tokenizer(int(a.make_tokenizer[0]), a.make_tokenizer[1])
        return 0
    if not a.tfc or not a.work:
        ap.error("--tfc and --work are required")
    if a.via_hf and a.model and not a.torch_ref:
        ap.error("--via-hf needs the HF directory: --torch-ref or --cases")
    if a.ref == "torch" and a.model and not a.torch_ref:
        ap.error("--ref torch needs --torch-ref")
    os.makedirs(a.work, exist_ok=True)
    if a.model:
        todo = [(os.path.basename(a.model), lambda: (a.model, a.torch_ref))]
    else:
        todo = [(c, (lambda c=c, i=i: prepare_case(a, c, i)))
                for i, c in enumerate(a.cases.split(","))]
    failed = 0
    for index, (name, prepare) in enumerate(todo):
        try:
            onnx_path, hf_dir = prepare()
            ok = check_model(a, name, onnx_path, hf_dir, index)
        except (AssertionError, RuntimeError) as e:
            print("FAIL: %-22s %s" % (name, e))
            ok = False
        failed += not ok
    print("%d of %d models passed" % (len(todo) - failed, len(todo)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
