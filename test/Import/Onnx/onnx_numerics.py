#!/usr/bin/python3
"""Numerics of imported ONNX graphs: generate a model with
scripts/gen_onnx_model.py, compile it with `tfc compile model.onnx -o exe`
(the .npy runner), run it and compare every output with numpy.

  onnx_numerics.py --tfc build/bin/tfc --scripts scripts --work DIR
"""
import argparse
import math
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "scripts"))
import npy_runner  # noqa: E402


def erf(x):
    return np.vectorize(math.erf)(x)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def cases(gen):
    r = np.random.default_rng(7)

    def f32(*shape, scale=1.0, shift=0.0):
        return (r.standard_normal(shape) * scale + shift).astype(np.float32)

    out = []
    x = f32(5, 8)
    out.append(("block", 17, [x], gen.reference_block(x, 17)))
    x = f32(5, 8)
    out.append(("block", 13, [x], gen.reference_block(x, 13)))

    x = np.abs(f32(3, 5)) + 0.3
    y = f32(5)
    xi = np.array([-3, 0, 5, -1], np.int64)
    xd = x.astype(np.float64)
    out.append(("unary", 17, [x, y, xi],
                [np.sqrt(xd), 1 / xd, -xd, np.exp(xd), np.tanh(xd), erf(xd),
                 1 / (1 + np.exp(-xd)), np.maximum(xd, 0), np.cos(xd),
                 np.sin(xd), np.abs(xd), np.log(xd), xd ** 3,
                 np.power(xd, y.astype(np.float64)), xd ** 2,
                 np.maximum(xi, 0)]))

    # 'seq' bound to 7 (the runner needs static result shapes).
    x, b, p, q = f32(7, 4), f32(4), f32(2, 1, 3), f32(4, 1)
    xd = x.astype(np.float64)
    out.append(("binary", 14, [x, b, p, q],
                [xd + b, xd - b, p.astype(np.float64) * q, xd / xd]))

    x = f32(4, 6, scale=2.0)
    xd = x.astype(np.float64)
    g = gen.rng_array([6], 1).astype(np.float64)
    bb = gen.rng_array([6], 2).astype(np.float64)
    mu = xd.mean(-1, keepdims=True)
    ln = (xd - mu) / np.sqrt(((xd - mu) ** 2).mean(-1, keepdims=True) + 1e-5)
    out.append(("norm", 17, [x],
                [softmax(xd, -1), softmax(xd, 0), mu, np.array(xd.mean()),
                 ln * g + bb]))

    x = f32(6, 8)
    xd = x.astype(np.float64)
    out.append(("shape", 13, [x],
                [xd.reshape(6, 2, 4).transpose(1, 0, 2), xd.reshape(6, 2, 4),
                 xd, np.trunc(xd).astype(np.int64), xd,
                 np.array([1.5, 2.5]), np.concatenate([xd, xd], -1)]))
    x = f32(5, 6)
    xd = x.astype(np.float64)
    fut = np.arange(5)[None, :] > np.arange(5)[:, None]
    bq = xd[:, 2:]
    sc = np.where(fut, -np.inf, bq @ bq.T)
    out.append(("mask", 15, [x],
                [softmax(sc, -1), np.where(xd[:, :2] < 0, xd[:, :2], 0.0),
                 (~fut).astype(np.int64), np.eye(5, dtype=np.int64)]))
    x, x3, row = f32(5, 8), f32(2, 3, 4), f32(1, 5)
    xd, x3d = x.astype(np.float64), x3.astype(np.float64)
    out.append(("reshape-ops", 13, [x, x3, row],
                [xd.sum(-1), xd.max(0, keepdims=True), x3d.reshape(2, 12),
                 np.tril(np.ones((5, 5))), np.broadcast_to(row, (5, 5)),
                 xd[1:3, 2:8], xd[-2:], np.zeros(8), np.triu(x3d, 1)]))
    # 'n' stays dynamic: the mean divides by the run-time count, the Gram
    # matrix contracts over it.
    x, a, b = f32(5, 6), f32(2, 3, 4), f32(1, 4, 5)
    neg = np.array([-2.0, -0.5, 0.0, 1.5], np.float32)
    xd = x.astype(np.float64)
    out.append(("math", 17, [x, a, b, neg],
                [xd.mean(0, keepdims=True), xd.max(0), xd.T @ xd,
                 a.astype(np.float64) @ b, neg.astype(np.float64) ** 3]))
    x = f32(5, 8)
    xd = x.astype(np.float64)
    gelu = 0.5 * xd * (1 + erf(xd / math.sqrt(2)))
    out.append(("fusion", 17, [x], [gelu / (1 + np.exp(-xd))]))
    x = f32(4, 7)
    xd = x.astype(np.float64)
    out.append(("opset18", 18, [x],
                [xd.mean(-1, keepdims=True), xd.max(0), xd[:, :3],
                 xd[:, 3:6], xd[:, 6:]]))
    return out


def run(tfc, gen_script, work, name, opset, inputs, expected, tol=2e-5):
    seq = str(inputs[0].shape[0])
    tag = f"{name}_opset{opset}"
    model = os.path.join(work, tag + ".onnx")
    exe = os.path.join(work, tag)
    subprocess.run([sys.executable, gen_script, name, model, "--opset",
                    str(opset), "--seq", seq], check=True)
    r = subprocess.run([tfc, "compile", model, "-o", exe], capture_output=True,
                       text=True)
    if r.returncode != 0:
        return f"compile failed:\n{r.stderr}"
    results, error = npy_runner.run(exe, inputs, len(expected),
                                    os.path.join(work, tag))
    if error:
        return error
    for i, (got, want) in enumerate(zip(results, expected)):
        want = np.asarray(want)
        if got.shape != want.shape:
            return f"output {i}: shape {got.shape} != expected {want.shape}"
        if got.dtype.kind != want.dtype.kind:
            return f"output {i}: dtype {got.dtype} != expected {want.dtype}"
        scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
        err = float(np.max(np.abs(got.astype(np.float64) - want))) if want.size else 0.0
        if not err <= tol * scale:
            return f"output {i}: max abs error {err:.3g} > {tol} x {scale:.3g}"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tfc", required=True)
    ap.add_argument("--scripts", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    sys.path.insert(0, args.scripts)
    import gen_onnx_model as gen
    gen_script = os.path.join(args.scripts, "gen_onnx_model.py")
    failures = 0
    for name, opset, inputs, expected in cases(gen):
        err = run(args.tfc, gen_script, args.work, name, opset, inputs, expected)
        print(f"{'FAIL' if err else 'PASS'}: {name} (opset {opset})")
        if err:
            print(err)
            failures += 1
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
