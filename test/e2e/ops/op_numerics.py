#!/usr/bin/python3
"""End-to-end numerics of every tfm op: compile a one-op function with
`tfc compile`, run the executable on random inputs and compare with numpy.

Shapes are drawn at random (seeded) and include sizes that are not
multiples of the vector width. Usage:

  op_numerics.py --tfc build/bin/tfc --family elementwise --work DIR [--seed N]
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

# ---------------------------------------------------------------- helpers


def ttype(shape, dtype="f32"):
    if not shape:
        return f"tensor<{dtype}>"
    return "tensor<" + "x".join(str(d) for d in shape) + f"x{dtype}>"


def erf(x):
    return np.vectorize(math.erf)(x.astype(np.float64))


def gelu_tanh(x):
    x = x.astype(np.float64)
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def softmax(x, axis):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def silu(x):
    x = x.astype(np.float64)
    return x / (1 + np.exp(-x))


def rotary_ref(x, pos, theta, rot, interleaved):
    s, h, d = x.shape
    x = x.astype(np.float64)
    half = rot // 2
    inv = 1.0 / theta ** (np.arange(0, rot, 2, dtype=np.float64) / rot)
    ang = pos.astype(np.float64)[:, None] * inv[None, :]  # [s, half]
    cos, sin = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    out = x.copy()
    if interleaved:
        a, b = x[..., 0:rot:2], x[..., 1:rot:2]
        out[..., 0:rot:2] = a * cos - b * sin
        out[..., 1:rot:2] = b * cos + a * sin
    else:
        a, b = x[..., :half], x[..., half:rot]
        out[..., :half] = a * cos - b * sin
        out[..., half:rot] = b * cos + a * sin
    return out


def attention_ref(q, k, v, causal, scale):
    sq, hq, d = q.shape
    sk, hkv, _ = k.shape
    g = hq // hkv
    kk = np.repeat(k.astype(np.float64), g, axis=1)
    vv = np.repeat(v.astype(np.float64), g, axis=1)
    s = np.einsum("ihd,jhd->hij", q.astype(np.float64), kk) * scale
    if causal:
        off = sk - sq
        mask = np.arange(sk)[None, :] > (np.arange(sq)[:, None] + off)
        s = np.where(mask[None], -np.inf, s)
    p = softmax(s, -1)
    return np.einsum("hij,jhe->ihe", p, vv)


class Case:
    """One compiled function: args (name, shape, dtype, data) and the
    expected outputs."""

    def __init__(self, name, body, args, results, expected, tol=2e-5):
        self.name, self.body, self.args = name, body, args
        self.results, self.expected, self.tol = results, expected, tol

    def mlir(self):
        params = ", ".join(f"%{n}: {ttype(a.shape, dt)}" for n, a, dt in self.args)
        rtypes = ", ".join(ttype(s, dt) for s, dt in self.results)
        return (f"func.func @{self.name}({params}) -> ({rtypes}) {{\n"
                f"{self.body}\n}}\n")


# ---------------------------------------------------------------- families


def rand(rng, shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def dim(rng, lo=1, hi=40):
    return int(rng.integers(lo, hi))


def elementwise_cases(rng):
    cases = []
    ops = {"add": np.add, "sub": np.subtract, "mul": np.multiply,
           "div": np.divide}
    for op, fn in ops.items():
        for variant in range(3):
            a_shape = [dim(rng), dim(rng, 1, 70)]
            if variant == 0:
                b_shape = list(a_shape)
            elif variant == 1:
                b_shape = [a_shape[1]]
            else:
                a_shape = [dim(rng, 2, 6), 1, dim(rng, 3, 20)]
                b_shape = [dim(rng, 2, 9), 1]
            a, b = rand(rng, a_shape), rand(rng, b_shape)
            if op == "div":
                b = np.where(np.abs(b) < 0.2, 0.5, b).astype(np.float32)
            out = fn(a.astype(np.float64), b.astype(np.float64))
            body = (f"  %r = tfm.{op} %a, %b : {ttype(a.shape)}, {ttype(b.shape)}"
                    f" -> {ttype(out.shape)}\n  return %r : {ttype(out.shape)}")
            cases.append(Case(f"{op}_{variant}", body, [("a", a, "f32"), ("b", b, "f32")],
                              [(list(out.shape), "f32")], [out]))
    for name, op, ref in [("gelu_erf", "tfm.gelu %x", lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2)))),
                          ("gelu_tanh", "tfm.gelu %x {approximation = #tfm.gelu_approximation<tanh>}", gelu_tanh),
                          ("silu", "tfm.silu %x", silu)]:
        shape = [dim(rng), dim(rng, 1, 90)]
        x = rand(rng, shape, 3.0)
        body = f"  %r = {op} : {ttype(shape)}\n  return %r : {ttype(shape)}"
        cases.append(Case(name, body, [("x", x, "f32")], [(shape, "f32")], [ref(x)], tol=1e-5))
    shape = [dim(rng), dim(rng, 1, 50)]
    g, u = rand(rng, shape, 2.0), rand(rng, shape)
    body = f"  %r = tfm.swiglu %g, %u : {ttype(shape)}\n  return %r : {ttype(shape)}"
    cases.append(Case("swiglu", body, [("g", g, "f32"), ("u", u, "f32")], [(shape, "f32")],
                      [silu(g) * u]))
    # f16 / bf16 round trips through tfm.cast.
    for dt, npdt in [("f16", np.float16)]:
        shape = [dim(rng), dim(rng, 1, 33)]
        x = rand(rng, shape)
        body = (f"  %h = tfm.cast %x : {ttype(shape)} -> {ttype(shape, dt)}\n"
                f"  %s = tfm.silu %h : {ttype(shape, dt)}\n"
                f"  %r = tfm.cast %s : {ttype(shape, dt)} -> {ttype(shape)}\n"
                f"  return %r : {ttype(shape)}")
        ref = silu(x.astype(npdt).astype(np.float32)).astype(npdt).astype(np.float64)
        cases.append(Case(f"cast_{dt}", body, [("x", x, "f32")], [(shape, "f32")], [ref], tol=2e-3))
    shape = [dim(rng, 1, 20)]
    x = (rng.standard_normal(shape) * 10).astype(np.float32)
    body = (f"  %i = tfm.cast %x : {ttype(shape)} -> {ttype(shape, 'i64')}\n"
            f"  return %i : {ttype(shape, 'i64')}")
    cases.append(Case("cast_f32_i64", body, [("x", x, "f32")], [(shape, "i64")],
                      [np.trunc(x).astype(np.int64)]))
    return cases


def norm_cases(rng):
    cases = []
    for variant in range(3):
        shape = [dim(rng, 1, 9), dim(rng, 1, 9), dim(rng, 2, 100)] if variant == 2 else [dim(rng), dim(rng, 2, 130)]
        d = shape[-1]
        x = rand(rng, shape, 2.0) + 0.7
        g, b = rand(rng, [d]), rand(rng, [d])
        eps = 1e-5
        xd = x.astype(np.float64)
        mean = xd.mean(-1, keepdims=True)
        var = ((xd - mean) ** 2).mean(-1, keepdims=True)
        ln = (xd - mean) / np.sqrt(var + eps) * g + b
        body = (f"  %r = tfm.layer_norm %x, %g, %b {{epsilon = 1.0e-05 : f32}} : {ttype(shape)}, "
                f"{ttype([d])}, {ttype([d])}\n  return %r : {ttype(shape)}")
        cases.append(Case(f"layer_norm_{variant}", body, [("x", x, "f32"), ("g", g, "f32"), ("b", b, "f32")],
                          [(shape, "f32")], [ln]))
        rms = xd / np.sqrt((xd ** 2).mean(-1, keepdims=True) + 1e-6) * g
        body = (f"  %r = tfm.rms_norm %x, %g : {ttype(shape)}, {ttype([d])}\n"
                f"  return %r : {ttype(shape)}")
        cases.append(Case(f"rms_norm_{variant}", body, [("x", x, "f32"), ("g", g, "f32")],
                          [(shape, "f32")], [rms]))
    shape = [dim(rng), dim(rng, 1, 20)]
    x, g = rand(rng, shape), rand(rng, [shape[-1]])
    xd = x.astype(np.float64)
    mean = xd.mean(-1, keepdims=True)
    ln = (xd - mean) / np.sqrt(((xd - mean) ** 2).mean(-1, keepdims=True) + 1e-5) * g
    body = (f"  %r = tfm.layer_norm %x, %g : {ttype(shape)}, {ttype([shape[-1]])}\n"
            f"  return %r : {ttype(shape)}")
    cases.append(Case("layer_norm_nobias", body, [("x", x, "f32"), ("g", g, "f32")], [(shape, "f32")], [ln]))
    for axis in (-1, 0, 1):
        shape = [dim(rng, 1, 12), dim(rng, 1, 12), dim(rng, 1, 70)]
        x = rand(rng, shape, 4.0)
        body = (f"  %r = tfm.softmax %x {{axis = {axis} : i64}} : {ttype(shape)}\n"
                f"  return %r : {ttype(shape)}")
        cases.append(Case(f"softmax_axis{axis + 1}", body, [("x", x, "f32")], [(shape, "f32")],
                          [softmax(x, axis)]))
    cases += residual_norm_cases(rng)
    return cases


def residual_norm_cases(rng):
    """tfm.add_layer_norm / tfm.add_rms_norm: both results (the sum and the
    normalized sum), on odd widths. (Run-time row counts are covered by the
    whole-model tests in test/e2e/hf, whose prefill rows are dynamic.)"""
    cases = []
    for variant in range(3):
        shape = ([dim(rng, 1, 9), dim(rng, 1, 9), dim(rng, 2, 100)] if variant == 2
                 else [dim(rng), dim(rng, 2, 130)])
        d = shape[-1]
        x, r = rand(rng, shape, 2.0) + 0.7, rand(rng, shape)
        g, b = rand(rng, [d]), rand(rng, [d])
        s = (x + r).astype(np.float64)
        mean = s.mean(-1, keepdims=True)
        var = ((s - mean) ** 2).mean(-1, keepdims=True)
        ln = (s - mean) / np.sqrt(var + 1e-5) * g + b
        rms = s / np.sqrt((s ** 2).mean(-1, keepdims=True) + 1e-6) * g
        t, tg = ttype(shape), ttype([d])
        body = (f"  %s, %n = tfm.add_layer_norm %x, %r, %g, %b : {t}, {t}, {tg}, {tg}\n"
                f"  return %s, %n : {t}, {t}")
        cases.append(Case(f"add_layer_norm_{variant}", body,
                          [("x", x, "f32"), ("r", r, "f32"), ("g", g, "f32"), ("b", b, "f32")],
                          [(shape, "f32"), (shape, "f32")], [s, ln]))
        body = (f"  %s, %n = tfm.add_rms_norm %x, %r, %g {{epsilon = 1.0e-06 : f32}} : {t}, {t}, {tg}\n"
                f"  return %n, %s : {t}, {t}")
        cases.append(Case(f"add_rms_norm_{variant}", body,
                          [("x", x, "f32"), ("r", r, "f32"), ("g", g, "f32")],
                          [(shape, "f32"), (shape, "f32")], [rms, s]))
    return cases


def linear_cases(rng):
    cases = []
    for variant, (layout, bias, rank3) in enumerate(
            [("out_in", True, False), ("in_out", True, False), ("out_in", False, True), ("in_out", False, False)]):
        m, k, n = dim(rng, 1, 20), dim(rng, 1, 70), dim(rng, 1, 70)
        xs = [dim(rng, 1, 4), m, k] if rank3 else [m, k]
        x = rand(rng, xs)
        w = rand(rng, [n, k] if layout == "out_in" else [k, n], 0.3)
        wmat = w.T if layout == "out_in" else w
        y = x.astype(np.float64) @ wmat.astype(np.float64)
        args = [("x", x, "f32"), ("w", w, "f32")]
        operands, types = "%x, %w", f"{ttype(xs)}, {ttype(w.shape)}"
        if bias:
            b = rand(rng, [n])
            y = y + b
            args.append(("b", b, "f32"))
            operands += ", %b"
            types += f", {ttype([n])}"
        out_shape = xs[:-1] + [n]
        attr = " {weight_layout = #tfm.weight_layout<in_out>}" if layout == "in_out" else ""
        body = (f"  %r = tfm.linear {operands}{attr} : {types} -> {ttype(out_shape)}\n"
                f"  return %r : {ttype(out_shape)}")
        cases.append(Case(f"linear_{variant}", body, args, [(out_shape, "f32")], [y]))
    # f16 weights computed through a cast.
    m, k, n = dim(rng, 1, 9), dim(rng, 1, 40), dim(rng, 1, 40)
    x, w = rand(rng, [m, k]), rand(rng, [n, k], 0.3)
    body = (f"  %xh = tfm.cast %x : {ttype([m, k])} -> {ttype([m, k], 'f16')}\n"
            f"  %wh = tfm.cast %w : {ttype([n, k])} -> {ttype([n, k], 'f16')}\n"
            f"  %y = tfm.linear %xh, %wh : {ttype([m, k], 'f16')}, {ttype([n, k], 'f16')} -> {ttype([m, n], 'f16')}\n"
            f"  %r = tfm.cast %y : {ttype([m, n], 'f16')} -> {ttype([m, n])}\n"
            f"  return %r : {ttype([m, n])}")
    ref = x.astype(np.float16).astype(np.float64) @ w.astype(np.float16).astype(np.float64).T
    cases.append(Case("linear_f16", body, [("x", x, "f32"), ("w", w, "f32")], [([m, n], "f32")],
                      [ref.astype(np.float16).astype(np.float64)], tol=2e-3))
    v, d = dim(rng, 2, 60), dim(rng, 1, 40)
    table = rand(rng, [v, d])
    ids = rng.integers(0, v, size=[dim(rng, 1, 5), dim(rng, 1, 7)]).astype(np.int64)
    out_shape = list(ids.shape) + [d]
    body = (f"  %r = tfm.embedding %t[%i] : {ttype([v, d])}, {ttype(ids.shape, 'i64')} -> {ttype(out_shape)}\n"
            f"  return %r : {ttype(out_shape)}")
    cases.append(Case("embedding", body, [("t", table, "f32"), ("i", ids, "i64")], [(out_shape, "f32")],
                      [table[ids]]))
    return cases


def shape_cases(rng):
    cases = []
    for variant, (src, dst) in enumerate([([6, 35], [6, 5, 7]), ([4, 3, 10], [12, 10]),
                                          ([6, 10], [4, 15]), ([2, 3, 4], [4, 3, 2]), ([21], [3, 7])]):
        x = rand(rng, src)
        body = (f"  %r = tfm.reshape %x : {ttype(src)} -> {ttype(dst)}\n"
                f"  return %r : {ttype(dst)}")
        cases.append(Case(f"reshape_{variant}", body, [("x", x, "f32")], [(dst, "f32")],
                          [x.reshape(dst)], tol=0))
    for variant, perm in enumerate([[1, 0], [1, 0, 2], [2, 0, 1], [0, 2, 1, 3]]):
        shape = [dim(rng, 1, 9) for _ in perm]
        x = rand(rng, shape)
        out = np.transpose(x, perm)
        body = (f"  %r = tfm.transpose %x [{', '.join(map(str, perm))}] : {ttype(shape)} -> {ttype(out.shape)}\n"
                f"  return %r : {ttype(out.shape)}")
        cases.append(Case(f"transpose_{variant}", body, [("x", x, "f32")], [(list(out.shape), "f32")],
                          [out], tol=0))
    return cases


def attention_cases(rng):
    cases = []
    for variant, (interleaved, partial) in enumerate([(False, False), (True, False), (False, True)]):
        s, h, d = dim(rng, 1, 20), dim(rng, 1, 5), 2 * dim(rng, 1, 20)
        rot = d if not partial else 2 * max(1, d // 4)
        x = rand(rng, [s, h, d])
        pos = rng.integers(0, 500, size=[s]).astype(np.int64)
        theta = 10000.0 if variant != 2 else 500000.0
        attrs = [f"theta = {theta:.1f} : f32"]
        if partial:
            attrs.append(f"rotary_dim = {rot} : i64")
        if interleaved:
            attrs.append("interleaved")
        body = (f"  %r = tfm.rotary %x, %p {{{', '.join(attrs)}}} : {ttype([s, h, d])}, {ttype([s], 'i64')}\n"
                f"  return %r : {ttype([s, h, d])}")
        cases.append(Case(f"rotary_{variant}", body, [("x", x, "f32"), ("p", pos, "i64")], [([s, h, d], "f32")],
                          [rotary_ref(x, pos, theta, rot, interleaved)], tol=2e-4))
    for variant, (causal, g, extra_k) in enumerate([(True, 1, 0), (False, 2, 0), (True, 4, 3), (True, 3, 0)]):
        hkv, d, dv = dim(rng, 1, 4), dim(rng, 1, 30), dim(rng, 1, 30)
        sq = dim(rng, 1, 17)
        sk = sq + extra_k
        hq = hkv * g
        q, k, v = rand(rng, [sq, hq, d]), rand(rng, [sk, hkv, d]), rand(rng, [sk, hkv, dv])
        scale = 1 / math.sqrt(d) if variant != 1 else 0.37
        attrs = []
        if causal:
            attrs.append("causal")
        if variant == 1:
            attrs.append("scale = 3.700000e-01 : f32")
        attr = ("{" + ", ".join(attrs) + "}") if attrs else ""
        out_shape = [sq, hq, dv]
        body = (f"  %r = tfm.attention %q, %k, %v {attr} : {ttype([sq, hq, d])}, {ttype([sk, hkv, d])}, "
                f"{ttype([sk, hkv, dv])} -> {ttype(out_shape)}\n  return %r : {ttype(out_shape)}")
        cases.append(Case(f"attention_{variant}", body, [("q", q, "f32"), ("k", k, "f32"), ("v", v, "f32")],
                          [(out_shape, "f32")], [attention_ref(q, k, v, causal, scale)]))
    # KV cache: append S new rows at position P of a cache, attend causally.
    for variant in range(2):
        hkv, g, d = dim(rng, 1, 4), [1, 2][variant], dim(rng, 2, 24)
        hq, smax = hkv * g, dim(rng, 20, 40)
        pos = int(rng.integers(0, 12))
        snew = 1 if variant == 0 else dim(rng, 2, 8)
        kc, vc = rand(rng, [smax, hkv, d]), rand(rng, [smax, hkv, d])
        q, k, v = rand(rng, [snew, hq, d]), rand(rng, [snew, hkv, d]), rand(rng, [snew, hkv, d])
        p = np.array(pos, dtype=np.int64)
        kc2, vc2 = kc.copy(), vc.copy()
        kc2[pos:pos + snew], vc2[pos:pos + snew] = k, v
        ref = attention_ref(q, kc2[:pos + snew], vc2[:pos + snew], True, 1 / math.sqrt(d))
        qt, kt, ct = ttype([snew, hq, d]), ttype([snew, hkv, d]), ttype([smax, hkv, d])
        body = (f"  %pi = tensor.extract %p[] : tensor<i64>\n"
                f"  %pos = arith.index_cast %pi : i64 to index\n"
                f"  %o, %kc2, %vc2 = tfm.attention %q, %k, %v cache(%kc, %vc) at %pos {{causal}} : "
                f"{qt}, {kt}, {kt}, {ct}, {ct} -> {qt}, {ct}, {ct}\n"
                f"  return %o, %kc2, %vc2 : {qt}, {ct}, {ct}")
        cases.append(Case(f"attention_cache_{variant}", body,
                          [("q", q, "f32"), ("k", k, "f32"), ("v", v, "f32"), ("kc", kc, "f32"),
                           ("vc", vc, "f32"), ("p", p, "i64")],
                          [([snew, hq, d], "f32"), ([smax, hkv, d], "f32"), ([smax, hkv, d], "f32")],
                          [ref, kc2, vc2]))
    return cases


FAMILIES = {"elementwise": elementwise_cases, "norm": norm_cases, "linear": linear_cases,
            "shape": shape_cases, "attention": attention_cases}

# ---------------------------------------------------------------- driver


def run_case(tfc, work, case):
    src = os.path.join(work, case.name + ".mlir")
    exe = os.path.join(work, case.name)
    with open(src, "w") as f:
        f.write(case.mlir())
    r = subprocess.run([tfc, "compile", src, "-o", exe], capture_output=True, text=True)
    if r.returncode != 0:
        return f"compile failed:\n{r.stderr}"
    results, error = npy_runner.run(exe, [a for _, a, _ in case.args],
                                    len(case.results),
                                    os.path.join(work, case.name))
    if error:
        return error
    for i, (got, want) in enumerate(zip(results, case.expected)):
        want = np.asarray(want)
        if got.shape != want.shape:
            return f"output {i}: shape {got.shape} != expected {want.shape}"
        scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
        err = float(np.max(np.abs(got.astype(np.float64) - want))) if want.size else 0.0
        if not err <= case.tol * scale:
            return f"output {i}: max abs error {err:.3g} > {case.tol} x {scale:.3g}"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tfc", required=True)
    ap.add_argument("--family", required=True, choices=sorted(FAMILIES))
    ap.add_argument("--work", required=True)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("TFC_TEST_SEED", "0")),
                    help="shape/data seed (env TFC_TEST_SEED)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rng = np.random.default_rng([args.seed, sorted(FAMILIES).index(args.family)])
    failures = 0
    cases = FAMILIES[args.family](rng)
    for case in cases:
        err = run_case(args.tfc, args.work, case)
        print(f"{'PASS' if err is None else 'FAIL'}: {case.name}")
        if err:
            failures += 1
            print("  " + err.replace("\n", "\n  "))
    print(f"{args.family}: {len(cases) - failures}/{len(cases)} passed (seed {args.seed})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
