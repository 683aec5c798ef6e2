#!/usr/bin/python3
"""Numerics of tfm-fuse-rotary and tfm-fuse-attention: each case is an
attention or RoPE chain as torch.onnx.export writes it (GPT-2, LLaMA with
GQA and RoPE, SDPA, cross-attention without a mask, RoPE in the
[1, S, H, D] layout). The script

  1. rewrites the chain with the passes (`tfc-opt`) and checks that
     tfm.attention / tfm.rotary replaced it,
  2. compiles the rewritten function and the original chain with
     `tfc compile` and runs both on the same random inputs,
  3. compares both results with a float64 numpy evaluation of the chain.

Usage: attention_numerics.py --tfc build/bin/tfc --opt build/bin/tfc-opt
                             --work DIR
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "..", "scripts"))
from fusion_check import (compare_fused_and_chain, dense,  # noqa: E402
                          run_cases, ttype)

MIN = float(np.finfo(np.float32).min)


class Case:
    def __init__(self, name, passes, fused_ops, body, args, out_shape, ref,
                 tol=1e-4):
        self.name, self.passes, self.fused_ops = name, passes, fused_ops
        self.body, self.args, self.out_shape = body, args, out_shape
        self.ref, self.tol = ref, tol

    def mlir(self):
        params = ", ".join(f"%{n}: {ttype(a.shape, elt)}"
                           for n, a, elt in self.args)
        out = ttype(self.out_shape)
        return (f"#bc5 = affine_map<(d0, d1, d2, d3, d4) -> "
                f"(d0, d1, 0, d3, d4)>\n"
                f"#id5 = affine_map<(d0, d1, d2, d3, d4) -> "
                f"(d0, d1, d2, d3, d4)>\n"
                f"#bc2 = affine_map<(d0, d1) -> (0)>\n"
                f"#id2 = affine_map<(d0, d1) -> (d0, d1)>\n"
                f"func.func @{self.name}({params}) -> {out} {{\n{self.body}"
                f"  return %r : {out}\n}}\n")


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def rope_ref(x, pos, theta, heads_axis_first):
    """HF's q * cos + rotate_half(q) * sin on [1, H, S, D] or [1, S, H, D]."""
    d = x.shape[-1]
    inv = 1.0 / (np.float32(theta) ** (np.arange(0, d, 2, dtype=np.float32) /
                                       np.float32(d)))
    freqs = np.outer(pos.astype(np.float64), inv.astype(np.float64))
    emb = np.concatenate([freqs, freqs], -1)
    cos, sin = np.cos(emb), np.sin(emb)
    if heads_axis_first:
        cos, sin = cos[None, None], sin[None, None]
    else:
        cos, sin = cos[None, :, None], sin[None, :, None]
    rot = np.concatenate([-x[..., d // 2:], x[..., :d // 2]], -1)
    return x * cos + rot * sin, inv


def rope_mlir(x, xt, s, d, heads, pos_expr, inv, prefix):
    """x * cos + rotate_half(x) * sin for x [1, heads, s, d] as the export
    writes it; `pos_expr` defines %{prefix}pos : tensor<?xi64>."""
    h = d // 2
    X, C = ttype(xt), ttype([1, 1, "?", d])
    Hh = ttype([1, heads, s, h])
    p = prefix
    return (
        pos_expr +
        f"  %{p}pos1 = tfm.reshape %{p}pos : tensor<?xi64> -> "
        f"tensor<1x1x?xi64>\n"
        f"  %{p}posf = tfm.cast %{p}pos1 : tensor<1x1x?xi64> -> "
        f"tensor<1x1x?xf32>\n"
        f"  %{p}inv = arith.constant {dense(inv.reshape(1, h, 1))}\n"
        f"  %{p}fr = tfm.matmul %{p}inv, %{p}posf : {ttype([1, h, 1])}, "
        f"tensor<1x1x?xf32> -> tensor<1x{h}x?xf32>\n"
        f"  %{p}frt = tfm.transpose %{p}fr [0, 2, 1] : tensor<1x{h}x?xf32> -> "
        f"tensor<1x?x{h}xf32>\n"
        f"  %{p}emb = tensor.concat dim(2) %{p}frt, %{p}frt : "
        f"(tensor<1x?x{h}xf32>, tensor<1x?x{h}xf32>) -> tensor<1x?x{d}xf32>\n"
        f"  %{p}cos = tfm.cos %{p}emb : tensor<1x?x{d}xf32>\n"
        f"  %{p}sin = tfm.sin %{p}emb : tensor<1x?x{d}xf32>\n"
        f"  %{p}cos4 = tfm.reshape %{p}cos : tensor<1x?x{d}xf32> -> {C}\n"
        f"  %{p}sin4 = tfm.reshape %{p}sin : tensor<1x?x{d}xf32> -> {C}\n"
        f"  %{p}xc = tfm.mul %{x}, %{p}cos4 : {X}, {C} -> {X}\n"
        f"  %{p}xa = tensor.extract_slice %{x}[0, 0, 0, 0] [1, {heads}, {s}, "
        f"{h}] [1, 1, 1, 1] : {X} to {Hh}\n"
        f"  %{p}xb = tensor.extract_slice %{x}[0, 0, 0, {h}] [1, {heads}, {s}, "
        f"{h}] [1, 1, 1, 1] : {X} to {Hh}\n"
        f"  %{p}xn = tfm.neg %{p}xb : {Hh}\n"
        f"  %{p}xh = tensor.concat dim(3) %{p}xn, %{p}xa : ({Hh}, {Hh}) -> "
        f"{X}\n"
        f"  %{p}xs = tfm.mul %{p}xh, %{p}sin4 : {X}, {C} -> {X}\n"
        f"  %{p}out = tfm.add %{p}xc, %{p}xs : {X}, {X} -> {X}\n")


def heads_split(name, src, s, heads, d, out):
    """view(1, s, heads, d).transpose(1, 2)."""
    return (f"  %{name}4 = tfm.reshape %{src} : {ttype([1, s, heads * d])} -> "
            f"{ttype([1, s, heads, d])}\n"
            f"  %{out} = tfm.transpose %{name}4 [0, 2, 1, 3] : "
            f"{ttype([1, s, heads, d])} -> {ttype([1, heads, s, d])}\n")


def cases(rng):
    out = []

    # GPT-2: split of c_attn's output, k permuted (0, 2, 3, 1), / sqrt(D),
    # the lower-triangular bias buffer sliced to [S, S], where(mask, w, min).
    s, hq, d, ctx = 6, 4, 8, 8
    e = hq * d
    qkv = rng.standard_normal([1, s, 3 * e]).astype(np.float32)
    bias = np.tril(np.ones([ctx, ctx], bool))[None, None]
    S4, SS = ttype([1, hq, s, d]), ttype([1, hq, s, s])
    body = (
        f"  %q0 = tensor.extract_slice %qkv[0, 0, 0] [1, {s}, {e}] [1, 1, 1] "
        f": {ttype([1, s, 3 * e])} to {ttype([1, s, e])}\n"
        f"  %k0 = tensor.extract_slice %qkv[0, 0, {e}] [1, {s}, {e}] "
        f"[1, 1, 1] : {ttype([1, s, 3 * e])} to {ttype([1, s, e])}\n"
        f"  %v0 = tensor.extract_slice %qkv[0, 0, {2 * e}] [1, {s}, {e}] "
        f"[1, 1, 1] : {ttype([1, s, 3 * e])} to {ttype([1, s, e])}\n" +
        heads_split("q", "q0", s, hq, d, "q") +
        heads_split("v", "v0", s, hq, d, "v") +
        f"  %k4 = tfm.reshape %k0 : {ttype([1, s, e])} -> "
        f"{ttype([1, s, hq, d])}\n"
        f"  %kt = tfm.transpose %k4 [0, 2, 3, 1] : {ttype([1, s, hq, d])} -> "
        f"{ttype([1, hq, d, s])}\n"
        f"  %w = tfm.matmul %q, %kt : {S4}, {ttype([1, hq, d, s])} -> {SS}\n"
        f"  %div = arith.constant {dense(np.float32(np.sqrt(d)))}\n"
        f"  %ws = tfm.div %w, %div : {SS}, tensor<f32> -> {SS}\n"
        f"  %bias = arith.constant {dense(bias, 'i1')}\n"
        f"  %mask = tensor.extract_slice %bias[0, 0, 0, 0] [1, 1, {s}, {s}] "
        f"[1, 1, 1, 1] : {ttype([1, 1, ctx, ctx], 'i1')} to "
        f"{ttype([1, 1, s, s], 'i1')}\n"
        f"  %min = arith.constant {dense(np.float32(MIN))}\n"
        f"  %wm = tfm.where %mask, %ws, %min : {ttype([1, 1, s, s], 'i1')}, "
        f"{SS}, tensor<f32> -> {SS}\n"
        f"  %p = tfm.softmax %wm {{axis = -1 : i64}} : {SS}\n"
        f"  %o = tfm.matmul %p, %v : {SS}, {S4} -> {S4}\n"
        f"  %ot = tfm.transpose %o [0, 2, 1, 3] : {S4} -> "
        f"{ttype([1, s, hq, d])}\n"
        f"  %r = tfm.reshape %ot : {ttype([1, s, hq, d])} -> "
        f"{ttype([1, s, e])}\n")
    x = qkv.astype(np.float64)
    q, k, v = (x[..., i * e:(i + 1) * e].reshape(1, s, hq, d)
               .transpose(0, 2, 1, 3) for i in range(3))
    w = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
    w = np.where(bias[:, :, :s, :s], w, MIN)
    ref = (softmax(w) @ v).transpose(0, 2, 1, 3).reshape(1, s, e)
    out.append(Case("gpt2", ["tfm-fuse-attention"], ["tfm.attention"], body,
                    [("qkv", qkv, "f32")], [1, s, e], ref))

    # LLaMA: RoPE (theta 10000) on q and k with positions range(S), GQA
    # repeat_kv by unsqueeze + expand + reshape, / sqrt(D), an additive
    # triu(full(min), 1) mask.
    s, hq, hkv, d = 5, 4, 2, 8
    n = hq // hkv
    xq = rng.standard_normal([1, s, hq * d]).astype(np.float32)
    xk = rng.standard_normal([1, s, hkv * d]).astype(np.float32)
    xv = rng.standard_normal([1, s, hkv * d]).astype(np.float32)
    _, inv = rope_ref(np.zeros([1, 1, s, d]), np.arange(s), 10000.0, True)
    pos = ("  %c0 = arith.constant 0 : index\n"
           "  %c1 = arith.constant 1 : index\n"
           f"  %cs = arith.constant {s} : index\n"
           "  %rpos = tfm.range %c0, %cs, %c1 : tensor<?xi64>\n")
    Q4, K4 = ttype([1, hq, s, d]), ttype([1, hkv, s, d])
    K5, E5 = ttype([1, hkv, 1, s, d]), ttype([1, hkv, n, s, d])
    SS = ttype([1, hq, s, s])

    def repeat_kv(src, name):
        return (f"  %{name}5 = tfm.reshape %{src} : {K4} -> {K5}\n"
                f"  %{name}e = tensor.empty() : {E5}\n"
                f"  %{name}x = linalg.generic {{indexing_maps = [#bc5, #id5], "
                f"iterator_types = [\"parallel\", \"parallel\", \"parallel\", "
                f"\"parallel\", \"parallel\"]}} ins(%{name}5 : {K5}) "
                f"outs(%{name}e : {E5}) {{\n"
                f"  ^bb0(%in: f32, %o: f32):\n"
                f"    linalg.yield %in : f32\n"
                f"  }} -> {E5}\n"
                f"  %{name}r = tfm.reshape %{name}x : {E5} -> {Q4}\n")
    body = (
        heads_split("q", "xq", s, hq, d, "q") +
        heads_split("k", "xk", s, hkv, d, "k") +
        heads_split("v", "xv", s, hkv, d, "v") + pos +
        rope_mlir("q", [1, hq, s, d], s, d, hq,
                  "  %qpos = tfm.reshape %rpos : tensor<?xi64> -> "
                  "tensor<?xi64>\n", inv, "q") +
        rope_mlir("k", [1, hkv, s, d], s, d, hkv,
                  "  %kpos = tfm.reshape %rpos : tensor<?xi64> -> "
                  "tensor<?xi64>\n", inv, "k") +
        repeat_kv("kout", "kk") + repeat_kv("v", "vv") +
        f"  %kt = tfm.transpose %kkr [0, 1, 3, 2] : {Q4} -> "
        f"{ttype([1, hq, d, s])}\n"
        f"  %w = tfm.matmul %qout, %kt : {Q4}, {ttype([1, hq, d, s])} -> "
        f"{SS}\n"
        f"  %div = arith.constant {dense(np.float32(np.sqrt(d)))}\n"
        f"  %ws = tfm.div %w, %div : {SS}, tensor<f32> -> {SS}\n"
        f"  %full = arith.constant {dense(np.full([s, s], MIN, np.float32))}\n"
        f"  %tri = tfm.trilu %full {{diagonal = 1 : i64, upper}} : "
        f"{ttype([s, s])}\n"
        f"  %m4 = tfm.reshape %tri : {ttype([s, s])} -> "
        f"{ttype([1, 1, s, s])}\n"
        f"  %wm = tfm.add %ws, %m4 : {SS}, {ttype([1, 1, s, s])} -> {SS}\n"
        f"  %p = tfm.softmax %wm {{axis = -1 : i64}} : {SS}\n"
        f"  %o = tfm.matmul %p, %vvr : {SS}, {Q4} -> {Q4}\n"
        f"  %ot = tfm.transpose %o [0, 2, 1, 3] : {Q4} -> "
        f"{ttype([1, s, hq, d])}\n"
        f"  %r = tfm.reshape %ot : {ttype([1, s, hq, d])} -> "
        f"{ttype([1, s, hq * d])}\n")
    q = xq.astype(np.float64).reshape(1, s, hq, d).transpose(0, 2, 1, 3)
    k = xk.astype(np.float64).reshape(1, s, hkv, d).transpose(0, 2, 1, 3)
    v = xv.astype(np.float64).reshape(1, s, hkv, d).transpose(0, 2, 1, 3)
    q, _ = rope_ref(q, np.arange(s), 10000.0, True)
    k, _ = rope_ref(k, np.arange(s), 10000.0, True)
    k, v = np.repeat(k, n, axis=1), np.repeat(v, n, axis=1)
    w = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
    w = w + np.triu(np.full([s, s], MIN), 1)
    ref = (softmax(w) @ v).transpose(0, 2, 1, 3).reshape(1, s, hq * d)
    out.append(Case("llama", ["tfm-fuse-rotary", "tfm-fuse-attention"],
                    ["tfm.attention", "tfm.rotary"], body,
                    [("xq", xq, "f32"), ("xk", xk, "f32"), ("xv", xv, "f32")],
                    [1, s, hq * d], ref))

    # SDPA (is_causal): q and k^T each times sqrt(1 / sqrt(D)), the mask
    # where(tril(expand(1.0)) == 0, -inf, 0) added.
    s, hq, d = 7, 2, 16
    q, k, v = (rng.standard_normal([1, hq, s, d]).astype(np.float32)
               for _ in range(3))
    Q4, SS, KT = ttype([1, hq, s, d]), ttype([1, hq, s, s]), ttype(
        [1, hq, d, s])
    body = (
        f"  %one = arith.constant {dense(np.ones([1], np.float32))}\n"
        f"  %dd = arith.constant dense<{d}> : tensor<1xi64>\n"
        f"  %df = tfm.cast %dd : tensor<1xi64> -> tensor<1xf32>\n"
        f"  %sd = tfm.sqrt %df : tensor<1xf32>\n"
        f"  %sc = tfm.div %one, %sd : tensor<1xf32>, tensor<1xf32> -> "
        f"tensor<1xf32>\n"
        f"  %root = tfm.sqrt %sc : tensor<1xf32>\n"
        f"  %kt = tfm.transpose %k [0, 1, 3, 2] : {Q4} -> {KT}\n"
        f"  %qs = tfm.mul %q, %root : {Q4}, tensor<1xf32> -> {Q4}\n"
        f"  %ks = tfm.mul %kt, %root : {KT}, tensor<1xf32> -> {KT}\n"
        f"  %w = tfm.matmul %qs, %ks : {Q4}, {KT} -> {SS}\n"
        f"  %e = tensor.empty() : {ttype([s, s])}\n"
        f"  %ones = linalg.generic {{indexing_maps = [#bc2, #id2], "
        f"iterator_types = [\"parallel\", \"parallel\"]}} "
        f"ins(%one : tensor<1xf32>) outs(%e : {ttype([s, s])}) {{\n"
        f"  ^bb0(%in: f32, %o: f32):\n"
        f"    linalg.yield %in : f32\n"
        f"  }} -> {ttype([s, s])}\n"
        f"  %tril = tfm.trilu %ones : {ttype([s, s])}\n"
        f"  %zero = arith.constant {dense(np.zeros([1], np.float32))}\n"
        f"  %ninf = arith.constant dense<0xFF800000> : tensor<1xf32>\n"
        f"  %up = tfm.equal %tril, %zero : {ttype([s, s])}, tensor<1xf32> -> "
        f"{ttype([s, s], 'i1')}\n"
        f"  %mask = tfm.where %up, %ninf, %zero : {ttype([s, s], 'i1')}, "
        f"tensor<1xf32>, tensor<1xf32> -> {ttype([s, s])}\n"
        f"  %wm = tfm.add %w, %mask : {SS}, {ttype([s, s])} -> {SS}\n"
        f"  %p = tfm.softmax %wm {{axis = -1 : i64}} : {SS}\n"
        f"  %r = tfm.matmul %p, %v : {SS}, {Q4} -> {Q4}\n")
    qd, kd, vd = (a.astype(np.float64) for a in (q, k, v))
    w = qd @ kd.transpose(0, 1, 3, 2) / np.sqrt(d)
    w = np.where(np.tril(np.ones([s, s])) == 0, -np.inf, w)
    out.append(Case("sdpa", ["tfm-fuse-attention"], ["tfm.attention"], body,
                    [("q", q, "f32"), ("k", k, "f32"), ("v", v, "f32")],
                    [1, hq, s, d], softmax(w) @ vd))

    # Cross-attention: no mask, 3 queries over 9 keys, value head_dim 5,
    # one key/value head broadcast by the matmuls, scores * 0.3.
    sq, sk, hq, d, dv = 3, 9, 4, 8, 5
    q = rng.standard_normal([1, hq, sq, d]).astype(np.float32)
    k = rng.standard_normal([1, 1, sk, d]).astype(np.float32)
    v = rng.standard_normal([1, 1, sk, dv]).astype(np.float32)
    SS = ttype([1, hq, sq, sk])
    body = (
        f"  %kt = tfm.transpose %k [0, 1, 3, 2] : {ttype([1, 1, sk, d])} -> "
        f"{ttype([1, 1, d, sk])}\n"
        f"  %w = tfm.matmul %q, %kt : {ttype([1, hq, sq, d])}, "
        f"{ttype([1, 1, d, sk])} -> {SS}\n"
        f"  %c = arith.constant {dense(np.float32(0.3))}\n"
        f"  %ws = tfm.mul %c, %w : tensor<f32>, {SS} -> {SS}\n"
        f"  %p = tfm.softmax %ws {{axis = 3 : i64}} : {SS}\n"
        f"  %r = tfm.matmul %p, %v : {SS}, {ttype([1, 1, sk, dv])} -> "
        f"{ttype([1, hq, sq, dv])}\n")
    w = q.astype(np.float64) @ k.astype(np.float64).transpose(0, 1, 3, 2)
    ref = softmax(np.float64(np.float32(0.3)) * w) @ v.astype(np.float64)
    out.append(Case("cross", ["tfm-fuse-attention"], ["tfm.attention"], body,
                    [("q", q, "f32"), ("k", k, "f32"), ("v", v, "f32")],
                    [1, hq, sq, dv], ref))

    # RoPE in [1, S, H, D] with position_ids an input (positions 100..),
    # theta 500000, freqs as a broadcast product.
    s, h, d = 6, 3, 16
    x = rng.standard_normal([1, s, h, d]).astype(np.float32)
    pos = (np.arange(s) + 100).astype(np.int64)[None]
    ref, inv = rope_ref(x.astype(np.float64), pos[0], 500000.0, False)
    X, C = ttype([1, s, h, d]), ttype([1, s, 1, d])
    Hh = ttype([1, s, h, d // 2])
    body = (
        f"  %p1 = tfm.reshape %pos : {ttype([1, s], 'i64')} -> "
        f"{ttype([s, 1], 'i64')}\n"
        f"  %pf = tfm.cast %p1 : {ttype([s, 1], 'i64')} -> {ttype([s, 1])}\n"
        f"  %inv = arith.constant {dense(inv)}\n"
        f"  %fr = tfm.mul %pf, %inv : {ttype([s, 1])}, {ttype([d // 2])} -> "
        f"{ttype([s, d // 2])}\n"
        f"  %emb = tensor.concat dim(1) %fr, %fr : ({ttype([s, d // 2])}, "
        f"{ttype([s, d // 2])}) -> {ttype([s, d])}\n"
        f"  %cos = tfm.cos %emb : {ttype([s, d])}\n"
        f"  %sin = tfm.sin %emb : {ttype([s, d])}\n"
        f"  %cos4 = tfm.reshape %cos : {ttype([s, d])} -> {C}\n"
        f"  %sin4 = tfm.reshape %sin : {ttype([s, d])} -> {C}\n"
        f"  %xc = tfm.mul %x, %cos4 : {X}, {C} -> {X}\n"
        f"  %xa = tensor.extract_slice %x[0, 0, 0, 0] [1, {s}, {h}, {d // 2}] "
        f"[1, 1, 1, 1] : {X} to {Hh}\n"
        f"  %xb = tensor.extract_slice %x[0, 0, 0, {d // 2}] [1, {s}, {h}, "
        f"{d // 2}] [1, 1, 1, 1] : {X} to {Hh}\n"
        f"  %xn = tfm.neg %xb : {Hh}\n"
        f"  %xh = tensor.concat dim(3) %xn, %xa : ({Hh}, {Hh}) -> {X}\n"
        f"  %xs = tfm.mul %xh, %sin4 : {X}, {C} -> {X}\n"
        f"  %r = tfm.add %xs, %xc : {X}, {X} -> {X}\n")
    out.append(Case("rope_seq_heads", ["tfm-fuse-rotary"], ["tfm.rotary"],
                    body, [("x", x, "f32"), ("pos", pos, "i64")],
                    [1, s, h, d], ref))

    # Partial rotary (GPT-NeoX): the first 8 of 12 features rotated
    # (positions range(S), theta 10000), the rest passed through.
    s, h, d, rd = 5, 2, 12, 8
    x = rng.standard_normal([1, h, s, d]).astype(np.float32)
    xd = x.astype(np.float64)
    rot, inv = rope_ref(xd[..., :rd], np.arange(s), 10000.0, True)
    ref = np.concatenate([rot, xd[..., rd:]], -1)
    X, XR, XP = (ttype([1, h, s, n]) for n in (d, rd, d - rd))
    body = (
        f"  %xr = tensor.extract_slice %x[0, 0, 0, 0] [1, {h}, {s}, {rd}] "
        f"[1, 1, 1, 1] : {X} to {XR}\n"
        f"  %xp = tensor.extract_slice %x[0, 0, 0, {rd}] [1, {h}, {s}, "
        f"{d - rd}] [1, 1, 1, 1] : {X} to {XP}\n"
        "  %c0 = arith.constant 0 : index\n"
        "  %c1 = arith.constant 1 : index\n"
        f"  %cs = arith.constant {s} : index\n" +
        rope_mlir("xr", [1, h, s, rd], s, rd, h,
                  "  %ppos = tfm.range %c0, %cs, %c1 : tensor<?xi64>\n",
                  inv, "p") +
        f"  %r = tensor.concat dim(3) %pout, %xp : ({XR}, {XP}) -> {X}\n")
    out.append(Case("rope_partial", ["tfm-fuse-rotary"], ["tfm.rotary"],
                    body, [("x", x, "f32")], [1, h, s, d], ref))
    return out


def run_case(tfc, tfc_opt, work, case):
    gone = "tfm.softmax" if "tfm.attention" in case.fused_ops else "tfm.cos"
    return compare_fused_and_chain(
        tfc, tfc_opt, work, case.name, case.mlir(), case.passes,
        case.fused_ops, gone, [a for _, a, _ in case.args], case.ref,
        case.tol)


if __name__ == "__main__":
    sys.exit(run_cases("attention", cases, run_case, salt=11))
