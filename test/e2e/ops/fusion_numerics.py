#!/usr/bin/python3
"""Numerics of the fusion passes (tfm-fuse-norms, tfm-fuse-activations,
tfm-fuse-linear-bias): each case is a primitive chain as torch.onnx.export
writes it. The script

  1. rewrites the chain with the pass (`tfc-opt`) and checks that the fused
     op replaced it,
  2. compiles the rewritten function and the original chain with
     `tfc compile` and runs both on the same random inputs,
  3. compares both results with a float64 numpy evaluation of the chain,
     op by op as written.

So the fused op computes what the chain computes (and the chain's own
lowering agrees). Usage:

  fusion_numerics.py --tfc build/bin/tfc --opt build/bin/tfc-opt --work DIR
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "scripts"))
from fusion_check import (compare_fused_and_chain, dense,  # noqa: E402
                          run_cases, ttype)


def const(name, value):
    return f"  %{name} = arith.constant {dense(np.asarray(value, np.float32))}\n"


class Case:
    def __init__(self, name, pass_name, fused_op, body, args, out_shape, ref,
                 tol=2e-5):
        self.name, self.pass_name, self.fused_op = name, pass_name, fused_op
        self.body, self.args, self.out_shape = body, args, out_shape
        self.ref, self.tol = ref, tol

    def mlir(self):
        params = ", ".join(f"%{n}: {ttype(a.shape)}" for n, a in self.args)
        out = ttype(self.out_shape)
        return (f"func.func @{self.name}({params}) -> {out} {{\n{self.body}"
                f"  return %r : {out}\n}}\n")


def f64(a):
    return np.asarray(a, np.float64)


def rand(rng, shape, scale=1.0, shift=0.0):
    return (rng.standard_normal(shape) * scale + shift).astype(np.float32)


def cases(rng):
    out = []
    b, s, d = 2, int(rng.integers(3, 9)), int(rng.integers(5, 40))
    x3 = [b, s, d]
    T = ttype(x3)
    R = ttype([b, s, 1])
    w = rand(rng, [d], 0.5, 1.0)
    bias = rand(rng, [d], 0.3)

    # LayerNorm, opset 13 form: pow(d, 2), d / sqrt(v + eps), * w + b.
    x = rand(rng, x3, 2.0, 0.5)
    body = (const("two", 2.0) + const("eps", 1e-5) + const("w", w) +
            const("b", bias) +
            f"  %m = tfm.reduce_mean %x [2] {{keep_dims}} : {T} -> {R}\n"
            f"  %d = tfm.sub %x, %m : {T}, {R} -> {T}\n"
            f"  %sq = tfm.pow %d, %two : {T}, tensor<f32> -> {T}\n"
            f"  %v = tfm.reduce_mean %sq [2] {{keep_dims}} : {T} -> {R}\n"
            f"  %ve = tfm.add %v, %eps : {R}, tensor<f32> -> {R}\n"
            f"  %sd = tfm.sqrt %ve : {R}\n"
            f"  %n = tfm.div %d, %sd : {T}, {R} -> {T}\n"
            f"  %y = tfm.mul %n, %w : {T}, {ttype([d])} -> {T}\n"
            f"  %r = tfm.add %y, %b : {T}, {ttype([d])} -> {T}\n")

    def ln_ref(x):
        x = f64(x)
        m = x.mean(-1, keepdims=True)
        dd = x - m
        v = (dd ** 2).mean(-1, keepdims=True)
        return dd / np.sqrt(v + f64(np.float32(1e-5))) * f64(w) + f64(bias)
    out.append(Case("layer_norm", "tfm-fuse-norms", "tfm.layer_norm", body,
                    [("x", x)], x3, ln_ref(x)))

    # LayerNorm without affine: d * d, d * reciprocal(sqrt(eps + v)).
    x = rand(rng, x3, 3.0)
    body = (const("eps", [1e-3]) +
            f"  %m = tfm.reduce_mean %x [2] {{keep_dims}} : {T} -> {R}\n"
            f"  %d = tfm.sub %x, %m : {T}, {R} -> {T}\n"
            f"  %sq = tfm.mul %d, %d : {T}, {T} -> {T}\n"
            f"  %v = tfm.reduce_mean %sq [2] {{keep_dims}} : {T} -> {R}\n"
            f"  %ve = tfm.add %eps, %v : tensor<1xf32>, {R} -> {R}\n"
            f"  %sd = tfm.sqrt %ve : {R}\n"
            f"  %inv = tfm.reciprocal %sd : {R}\n"
            f"  %r = tfm.mul %inv, %d : {R}, {T} -> {T}\n")

    def ln_plain_ref(x):
        x = f64(x)
        dd = x - x.mean(-1, keepdims=True)
        v = (dd * dd).mean(-1, keepdims=True)
        return dd * (1.0 / np.sqrt(f64(np.float32(1e-3)) + v))
    out.append(Case("layer_norm_plain", "tfm-fuse-norms", "tfm.layer_norm",
                    body, [("x", x)], x3, ln_plain_ref(x)))

    # LLaMA's RMSNorm: w * (x * (1 / sqrt(mean(x^2) + eps))).
    x = rand(rng, x3, 2.0)
    body = (const("two", 2.0) + const("eps", 1e-6) + const("one", 1.0) +
            const("w", w) +
            f"  %sq = tfm.pow %x, %two : {T}, tensor<f32> -> {T}\n"
            f"  %v = tfm.reduce_mean %sq [2] {{keep_dims}} : {T} -> {R}\n"
            f"  %ve = tfm.add %v, %eps : {R}, tensor<f32> -> {R}\n"
            f"  %sd = tfm.sqrt %ve : {R}\n"
            f"  %inv = tfm.div %one, %sd : tensor<f32>, {R} -> {R}\n"
            f"  %n = tfm.mul %x, %inv : {T}, {R} -> {T}\n"
            f"  %r = tfm.mul %w, %n : {ttype([d])}, {T} -> {T}\n")

    def rms_ref(x):
        x = f64(x)
        v = (x ** 2).mean(-1, keepdims=True)
        return f64(w) * (x * (1.0 / np.sqrt(v + f64(np.float32(1e-6)))))
    out.append(Case("rms_norm", "tfm-fuse-norms", "tfm.rms_norm", body,
                    [("x", x)], x3, rms_ref(x)))

    erf = np.vectorize(math.erf)
    c_sqrt2, c_k, c_cubic = (np.float32(1.41421354), np.float32(0.797884583),
                             np.float32(0.0447149985))

    # F.gelu: (x * (1 + erf(x / 1.4142135))) * 0.5.
    x = rand(rng, x3, 3.0)
    body = (const("c", c_sqrt2) + const("one", 1.0) + const("half", 0.5) +
            f"  %0 = tfm.div %x, %c : {T}, tensor<f32> -> {T}\n"
            f"  %1 = tfm.erf %0 : {T}\n"
            f"  %2 = tfm.add %1, %one : {T}, tensor<f32> -> {T}\n"
            f"  %3 = tfm.mul %x, %2 : {T}, {T} -> {T}\n"
            f"  %r = tfm.mul %3, %half : {T}, tensor<f32> -> {T}\n")
    xd = f64(x)
    out.append(Case("gelu_erf", "tfm-fuse-activations", "tfm.gelu", body,
                    [("x", x)], x3,
                    xd * (1 + erf(xd / f64(c_sqrt2))) * 0.5))

    # GPT-2's gelu_new: (x * 0.5) * (1 + tanh((x + pow(x, 3) * c) * k)).
    x = rand(rng, x3, 3.0)
    body = (const("half", 0.5) + const("three", 3.0) + const("c", c_cubic) +
            const("k", c_k) + const("one", 1.0) +
            f"  %0 = tfm.mul %x, %half : {T}, tensor<f32> -> {T}\n"
            f"  %1 = tfm.pow %x, %three : {T}, tensor<f32> -> {T}\n"
            f"  %2 = tfm.mul %1, %c : {T}, tensor<f32> -> {T}\n"
            f"  %3 = tfm.add %x, %2 : {T}, {T} -> {T}\n"
            f"  %4 = tfm.mul %3, %k : {T}, tensor<f32> -> {T}\n"
            f"  %5 = tfm.tanh %4 : {T}\n"
            f"  %6 = tfm.add %5, %one : {T}, tensor<f32> -> {T}\n"
            f"  %r = tfm.mul %0, %6 : {T}, {T} -> {T}\n")
    xd = f64(x)
    out.append(Case("gelu_new", "tfm-fuse-activations", "tfm.gelu", body,
                    [("x", x)], x3,
                    (xd * 0.5) * (1 + np.tanh((xd + xd ** 3 * f64(c_cubic)) *
                                              f64(c_k)))))

    # F.gelu(approximate="tanh"): x^3 as x * (x * x), 0.5 * (x * (1 + t)).
    x = rand(rng, x3, 3.0)
    body = (const("c", c_cubic) + const("k", c_k) + const("one", 1.0) +
            const("half", 0.5) +
            f"  %0 = tfm.mul %x, %x : {T}, {T} -> {T}\n"
            f"  %1 = tfm.mul %x, %0 : {T}, {T} -> {T}\n"
            f"  %2 = tfm.mul %c, %1 : tensor<f32>, {T} -> {T}\n"
            f"  %3 = tfm.add %x, %2 : {T}, {T} -> {T}\n"
            f"  %4 = tfm.mul %k, %3 : tensor<f32>, {T} -> {T}\n"
            f"  %5 = tfm.tanh %4 : {T}\n"
            f"  %6 = tfm.add %one, %5 : tensor<f32>, {T} -> {T}\n"
            f"  %7 = tfm.mul %x, %6 : {T}, {T} -> {T}\n"
            f"  %r = tfm.mul %half, %7 : tensor<f32>, {T} -> {T}\n")
    xd = f64(x)
    out.append(Case("gelu_tanh", "tfm-fuse-activations", "tfm.gelu", body,
                    [("x", x)], x3,
                    0.5 * (xd * (1 + np.tanh(f64(c_k) *
                                             (xd + f64(c_cubic) * (xd * (xd * xd))))))))

    # F.silu and LLaMA's silu(gate) * up.
    x = rand(rng, x3, 3.0)
    body = (f"  %s = tfm.sigmoid %x : {T}\n"
            f"  %r = tfm.mul %x, %s : {T}, {T} -> {T}\n")
    xd = f64(x)
    out.append(Case("silu", "tfm-fuse-activations", "tfm.silu", body,
                    [("x", x)], x3, xd / (1 + np.exp(-xd))))
    g, u = rand(rng, x3, 3.0), rand(rng, x3, 2.0)
    body = (f"  %s = tfm.sigmoid %g : {T}\n"
            f"  %a = tfm.mul %s, %g : {T}, {T} -> {T}\n"
            f"  %r = tfm.mul %u, %a : {T}, {T} -> {T}\n")
    gd = f64(g)
    out.append(Case("swiglu", "tfm-fuse-activations", "tfm.swiglu", body,
                    [("g", g), ("u", u)], x3, f64(u) * (gd / (1 + np.exp(-gd)))))

    # nn.Linear as exported: MatMul (in_out) then Add(bias, product), the
    # bias a [1, 1, N] constant.
    n = int(rng.integers(3, 30))
    x, wt = rand(rng, x3), rand(rng, [d, n], 0.3)
    bn = rand(rng, [1, 1, n])
    Y = ttype([b, s, n])
    body = (const("bias", bn) +
            f"  %y = tfm.linear %x, %w {{weight_layout = "
            f"#tfm.weight_layout<in_out>}} : {T}, {ttype([d, n])} -> {Y}\n"
            f"  %r = tfm.add %bias, %y : {ttype([1, 1, n])}, {Y} -> {Y}\n")
    out.append(Case("linear_bias", "tfm-fuse-linear-bias", "tfm.linear", body,
                    [("x", x), ("w", wt)], [b, s, n],
                    f64(x) @ f64(wt) + f64(bn)))
    return out


def run_case(tfc, tfc_opt, work, case):
    anchor = {"tfm-fuse-norms": "tfm.sqrt", "tfm-fuse-linear-bias": "tfm.add"}
    return compare_fused_and_chain(
        tfc, tfc_opt, work, case.name, case.mlir(), [case.pass_name],
        [case.fused_op], anchor.get(case.pass_name, "tfm.mul"),
        [a for _, a in case.args], case.ref, case.tol)


if __name__ == "__main__":
    sys.exit(run_cases("fusion", cases, run_case, salt=7))
