#!/usr/bin/python3
"""A torch.onnx.export of GPT-2 (scripts/export_gpt2_onnx.py) imported by
tfc and run against the torch module it was exported from.

The .npy runner takes no weights and needs static result shapes, so the
sequence and past lengths are bound in the model and every initializer is
inlined (tfc --onnx-inline-limit=-1); the graph itself is the export's,
unchanged (shape subgraphs, Range, causal mask, Where, Split, KV concat).

  gpt2_numerics.py --tfc build/bin/tfc --scripts scripts --model DIR --work DIR
"""
import argparse
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "scripts"))
import npy_runner  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tfc", required=True)
    ap.add_argument("--scripts", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--seq", type=int, default=3)
    ap.add_argument("--past", type=int, default=2)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    sys.path.insert(0, args.scripts)
    import onnx
    import torch
    import export_gpt2_onnx as exp

    model, cfg = exp.load(args.model)
    dynamic = os.path.join(args.work, "gpt2.onnx")
    meta = exp.export(model, cfg, dynamic)
    m = onnx.load(dynamic)
    sizes = {"seq": args.seq, "past_seq": args.past}
    for v in m.graph.input:
        for d in v.type.tensor_type.shape.dim:
            if d.dim_param in sizes:
                d.dim_value = sizes[d.dim_param]
    static = os.path.join(args.work, "gpt2-static.onnx")
    onnx.save_model(m, static)

    exe = os.path.join(args.work, "gpt2")
    r = subprocess.run([args.tfc, "compile", static, "-o", exe,
                        "--onnx-inline-limit=-1"], capture_output=True, text=True)
    if r.returncode != 0:
        print("compile failed:\n" + r.stderr)
        return 1

    rng = np.random.default_rng(3)
    ids = np.array([[5, 17, 300 % cfg.vocab][:args.seq]], np.int64)
    past = [(rng.standard_normal((1, cfg.heads, args.past, cfg.head_dim)) * 0.5)
            .astype(np.float32) for _ in range(2 * cfg.layers)]
    results, error = npy_runner.run(exe, [ids] + past, len(meta["outputs"]),
                                    os.path.join(args.work, "gpt2"))
    if error:
        print(error)
        return 1
    with torch.no_grad():
        want = model(torch.from_numpy(ids), *[torch.from_numpy(p) for p in past])
    failures = 0
    for name, got, w in zip(meta["outputs"], results, want):
        w = w.numpy().astype(np.float64)
        scale = float(np.abs(w).max())
        err = float(np.abs(got - w).max()) if got.shape == w.shape else np.inf
        ok = err <= 1e-4 * max(scale, 1.0)
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: {name} {list(got.shape)} "
              f"max abs error {err:.3g} (max |ref| {scale:.3g})")
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
