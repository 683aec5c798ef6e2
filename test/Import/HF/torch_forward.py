#!/usr/bin/env python3
"""Cross-check of scripts/reference/hf_reference.py against PyTorch.

A straightforward torch (1.13) implementation of GPT2LMHeadModel and
LlamaForCausalLM, written independently of the numpy reference: its own
safetensors parsing (torch.frombuffer), float64 math, torch.nn.functional
layer_norm / gelu / silu, a causal tril mask, GQA via repeat_interleave and
rotary embeddings in complex form. For each --check DIR=REF.npy it computes
the logits for --ids and compares them with REF.npy (the numpy reference's
float32 logits): max |diff| must be <= --tol * max |logit|. It also checks
that the logits are not degenerate (0.5 <= max|logit| <= 100, spread across
the vocabulary).
"""

import argparse
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

DT = torch.float64
TORCH_DTYPES = {"F32": torch.float32, "F16": torch.float16,
                "BF16": torch.bfloat16, "F64": torch.float64,
                "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8,
                "I8": torch.int8, "BOOL": torch.bool}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = bytearray(f.read())
    (n,) = struct.unpack_from("<Q", blob, 0)
    header = json.loads(bytes(blob[8:8 + n]))
    header.pop("__metadata__", None)
    base = 8 + n
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        dt = TORCH_DTYPES[e["dtype"]]
        if end == b:
            t = torch.zeros(e["shape"], dtype=dt)
        else:
            t = torch.frombuffer(blob, dtype=dt, offset=base + b,
                                 count=(end - b) // torch.tensor(
                                     [], dtype=dt).element_size())
        out[name] = t.reshape(e["shape"]).clone()
    return out


def read_weights(model_dir):
    idx = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(idx):
        with open(idx) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    w = {}
    for fn in files:
        w.update(read_safetensors(os.path.join(model_dir, fn)))
    return {k: v.to(DT) if v.is_floating_point() else v for k, v in w.items()}


def causal_attention(q, k, v):
    """q, k, v: [heads, T, d] -> [T, heads * d]."""
    t, d = q.shape[1], q.shape[2]
    scores = torch.matmul(q, k.transpose(1, 2)) / math.sqrt(d)
    allowed = torch.tril(torch.ones(t, t, dtype=torch.bool))
    scores = scores.masked_fill(~allowed, float("-inf"))
    out = torch.matmul(torch.softmax(scores, dim=-1), v)
    return out.transpose(0, 1).reshape(t, -1)


def gpt2_forward(cfg, w, ids):
    w = {k.replace("transformer.", "", 1) if k.startswith("transformer.")
         else k: v for k, v in w.items()}
    H, nh = cfg["n_embd"], cfg["n_head"]
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    act = cfg.get("activation_function", "gelu_new")
    T = len(ids)
    x = w["wte.weight"][ids] + w["wpe.weight"][torch.arange(T)]
    for i in range(cfg["n_layer"]):
        p = "h.%d." % i
        a = F.layer_norm(x, (H,), w[p + "ln_1.weight"], w[p + "ln_1.bias"],
                         eps)
        # Conv1D [in, out]  ==  Linear with the transposed weight.
        qkv = F.linear(a, w[p + "attn.c_attn.weight"].t(),
                       w[p + "attn.c_attn.bias"])
        q, k, v = (t.reshape(T, nh, H // nh).transpose(0, 1)
                   for t in qkv.split(H, dim=-1))
        x = x + F.linear(causal_attention(q, k, v),
                         w[p + "attn.c_proj.weight"].t(),
                         w[p + "attn.c_proj.bias"])
        m = F.layer_norm(x, (H,), w[p + "ln_2.weight"], w[p + "ln_2.bias"],
                         eps)
        m = F.linear(m, w[p + "mlp.c_fc.weight"].t(), w[p + "mlp.c_fc.bias"])
        m = F.gelu(m, approximate="none" if act == "gelu" else "tanh")
        x = x + F.linear(m, w[p + "mlp.c_proj.weight"].t(),
                         w[p + "mlp.c_proj.bias"])
    x = F.layer_norm(x, (H,), w["ln_f.weight"], w["ln_f.bias"], eps)
    head = w.get("lm_head.weight") if cfg.get("tie_word_embeddings") is False \
        else w["wte.weight"]
    return F.linear(x, head)


def rms(x, weight, eps):
    return weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)


def rotary(x, theta):
    """x: [heads, T, d] in HF's half-split layout. Pairs (x_j, x_{j+d/2}) are
    rotated by angle pos * theta^(-2j/d), via complex multiplication."""
    d = x.shape[-1]
    pos = torch.arange(x.shape[1], dtype=DT)
    freq = theta ** (-torch.arange(0, d, 2, dtype=DT) / d)
    rot = torch.polar(torch.ones(len(pos), d // 2, dtype=DT),
                      torch.outer(pos, freq))
    z = torch.complex(x[..., :d // 2], x[..., d // 2:]) * rot
    return torch.cat([z.real, z.imag], dim=-1)


def llama_forward(cfg, w, ids):
    H, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads") or nh
    hd = H // nh
    eps = cfg.get("rms_norm_eps", 1e-6)
    theta = float(cfg.get("rope_theta", 10000.0))
    T = len(ids)
    x = w["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        a = rms(x, w[p + "input_layernorm.weight"], eps)
        q = F.linear(a, w[p + "self_attn.q_proj.weight"])
        k = F.linear(a, w[p + "self_attn.k_proj.weight"])
        v = F.linear(a, w[p + "self_attn.v_proj.weight"])
        q = rotary(q.view(T, nh, hd).transpose(0, 1), theta)
        k = rotary(k.view(T, nkv, hd).transpose(0, 1), theta)
        v = v.view(T, nkv, hd).transpose(0, 1)
        k = k.repeat_interleave(nh // nkv, dim=0)
        v = v.repeat_interleave(nh // nkv, dim=0)
        x = x + F.linear(causal_attention(q, k, v),
                         w[p + "self_attn.o_proj.weight"])
        m = rms(x, w[p + "post_attention_layernorm.weight"], eps)
        m = F.silu(F.linear(m, w[p + "mlp.gate_proj.weight"])) * \
            F.linear(m, w[p + "mlp.up_proj.weight"])
        x = x + F.linear(m, w[p + "mlp.down_proj.weight"])
    x = rms(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") \
        else w["lm_head.weight"]
    return F.linear(x, head)


def forward(model_dir, ids):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    w = read_weights(model_dir)
    fn = gpt2_forward if cfg["model_type"] == "gpt2" else llama_forward
    with torch.no_grad():
        return fn(cfg, w, torch.tensor(ids)).numpy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ids", required=True)
    ap.add_argument("--check", action="append", required=True,
                    metavar="DIR=REF.npy")
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    ids = [int(t) for t in a.ids.split(",")]
    ok = True
    for spec in a.check:
        model_dir, ref_path = spec.split("=", 1)
        want = forward(model_dir, ids)
        got = np.load(ref_path).astype(np.float64)
        name = os.path.basename(os.path.normpath(model_dir))
        if got.shape != want.shape:
            print("%s: FAIL shape %s != %s" % (name, got.shape, want.shape))
            ok = False
            continue
        scale = float(np.abs(want).max())
        rel = float(np.abs(got - want).max()) / scale
        spread = float(want.std(axis=-1).min())
        good = rel <= a.tol and 0.5 <= scale <= 100 and spread > 0.05
        ok = ok and good
        print("%s: %s (max|logit| %.3f, min row std %.3f, max diff / "
              "max|logit| %.2e, tol %g)" % (name, "OK" if good else "FAIL",
                                            scale, spread, rel, a.tol))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
