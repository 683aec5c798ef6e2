#!/usr/bin/env python3
"""Independent numpy reference for HuggingFace GPT-2 and LLaMA checkpoints.

Implements the forward pass exactly as transformers does (GPT2LMHeadModel,
LlamaForCausalLM), in float32 (F16/BF16 weights are upcast), with an explicit
KV cache for incremental decoding.

  hf_reference.py MODEL_DIR --ids 1,2,3 --out logits.npy   # logits [T, vocab]
  hf_reference.py MODEL_DIR --ids 1,2,3 --greedy 10        # continuation ids
  hf_reference.py MODEL_DIR --ids 1,2,3,4,5 --check-kv     # cache self-check

Only numpy is needed (plus safetensors_np.py next to this file).
"""

import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_np  # noqa: E402

F32 = np.float32


# ---------------------------------------------------------------------------
# config
# ---------------------------------------------------------------------------

class Config:
    """The subset of the HF config the forward pass depends on, with the
    defaults of GPT2Config / LlamaConfig."""

    def __init__(self, d):
        mt = d.get("model_type")
        if mt is None:
            archs = d.get("architectures") or []
            mt = ("gpt2" if any(a.startswith("GPT2") for a in archs) else
                  "llama" if any(a.startswith("Llama") for a in archs) else
                  None)
        if mt not in ("gpt2", "llama"):
            raise SystemExit("error: config.json: unsupported model_type %r"
                             % mt)
        self.arch = mt
        if mt == "gpt2":
            self.vocab = d.get("vocab_size", 50257)
            self.hidden = d.get("n_embd", 768)
            self.layers = d.get("n_layer", 12)
            self.heads = d.get("n_head", 12)
            self.kv_heads = self.heads
            self.inner = d.get("n_inner") or 4 * self.hidden
            self.ctx = d.get("n_positions", 1024)
            self.eps = d.get("layer_norm_epsilon", 1e-5)
            self.act = d.get("activation_function", "gelu_new")
            self.tied = d.get("tie_word_embeddings", True)
            if d.get("scale_attn_by_inverse_layer_idx") or \
                    d.get("scale_attn_weights") is False:
                raise SystemExit("error: config.json: unsupported attention "
                                 "scaling")
        else:
            self.vocab = d.get("vocab_size", 32000)
            self.hidden = d.get("hidden_size", 4096)
            self.layers = d.get("num_hidden_layers", 32)
            self.heads = d.get("num_attention_heads", 32)
            self.kv_heads = d.get("num_key_value_heads") or self.heads
            self.inner = d.get("intermediate_size", 11008)
            self.ctx = d.get("max_position_embeddings", 2048)
            self.eps = d.get("rms_norm_eps", 1e-6)
            self.act = d.get("hidden_act", "silu")
            self.tied = d.get("tie_word_embeddings", False)
            self.theta = float(d.get("rope_theta", 10000.0))
            rs = d.get("rope_scaling")
            if rs and rs.get("rope_type", rs.get("type")) != "default":
                raise SystemExit("error: config.json: unsupported rope_scaling")
            if d.get("attention_bias") or d.get("mlp_bias"):
                raise SystemExit("error: config.json: biases unsupported")
        self.head_dim = self.hidden // self.heads
        self.eos = d.get("eos_token_id")


# ---------------------------------------------------------------------------
# building blocks (float32 throughout)
# ---------------------------------------------------------------------------

def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)  # biased, as torch
    return ((x - mu) / np.sqrt(var + F32(eps))) * w + b


def rms_norm(x, w, eps):
    var = (x * x).mean(-1, keepdims=True)
    return w * (x * (F32(1.0) / np.sqrt(var + F32(eps))))


_erf = np.vectorize(math.erf, otypes=[np.float64])


def activation(x, name):
    if name in ("gelu_new", "gelu_pytorch_tanh"):
        c = F32(math.sqrt(2.0 / math.pi))
        return F32(0.5) * x * (F32(1.0) + np.tanh(c * (x + F32(0.044715) *
                                                        x * x * x)))
    if name == "gelu":
        return (0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))).astype(F32)
    if name == "silu":
        return x / (F32(1.0) + np.exp(-x))
    raise SystemExit("error: unsupported activation %r" % name)


def softmax(x):
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


def attend(q, k, v, n_past):
    """q: [nh, n, d]; k, v: [nh, n_past + n, d]. Causal: query i sits at
    absolute position n_past + i and sees keys 0..n_past + i."""
    d = q.shape[-1]
    s = (q @ k.transpose(0, 2, 1)) / F32(math.sqrt(d))
    n, t = q.shape[1], k.shape[1]
    qpos = n_past + np.arange(n)[:, None]
    kpos = np.arange(t)[None, :]
    s = np.where(kpos > qpos, F32(-np.inf), s)
    return softmax(s) @ v


class Cache:
    """Per-layer K/V, [kv_heads, T, head_dim] each, appended as we go."""

    def __init__(self, layers):
        self.k = [None] * layers
        self.v = [None] * layers
        self.pos = 0

    def append(self, layer, k, v):
        if self.k[layer] is None:
            self.k[layer], self.v[layer] = k, v
        else:
            self.k[layer] = np.concatenate([self.k[layer], k], axis=1)
            self.v[layer] = np.concatenate([self.v[layer], v], axis=1)
        return self.k[layer], self.v[layer]


# ---------------------------------------------------------------------------
# models
# ---------------------------------------------------------------------------

class GPT2:
    def __init__(self, cfg, w):
        self.cfg = cfg
        # GPT2LMHeadModel state dicts use "transformer."; GPT2Model none.
        w = {k[len("transformer."):] if k.startswith("transformer.") else k: v
             for k, v in w.items()}
        self.w = w
        self.lm_head = w["wte.weight"] if cfg.tied or "lm_head.weight" not \
            in w else w["lm_head.weight"]

    def forward(self, ids, cache):
        c, w = self.cfg, self.w
        n, p0 = len(ids), cache.pos
        if p0 + n > c.ctx:
            raise SystemExit("error: sequence length %d exceeds n_positions "
                             "%d" % (p0 + n, c.ctx))
        h = w["wte.weight"][ids] + w["wpe.weight"][p0:p0 + n]
        nh, hd = c.heads, c.head_dim
        for i in range(c.layers):
            pre = "h.%d." % i
            a = layer_norm(h, w[pre + "ln_1.weight"], w[pre + "ln_1.bias"],
                           c.eps)
            qkv = a @ w[pre + "attn.c_attn.weight"] + w[pre + "attn.c_attn.bias"]
            q, k, v = np.split(qkv, 3, axis=-1)
            q, k, v = (x.reshape(n, nh, hd).transpose(1, 0, 2)
                       for x in (q, k, v))
            k, v = cache.append(i, k, v)
            o = attend(q, k, v, p0).transpose(1, 0, 2).reshape(n, c.hidden)
            h = h + (o @ w[pre + "attn.c_proj.weight"] +
                     w[pre + "attn.c_proj.bias"])
            m = layer_norm(h, w[pre + "ln_2.weight"], w[pre + "ln_2.bias"],
                           c.eps)
            m = activation(m @ w[pre + "mlp.c_fc.weight"] +
                           w[pre + "mlp.c_fc.bias"], c.act)
            h = h + (m @ w[pre + "mlp.c_proj.weight"] +
                     w[pre + "mlp.c_proj.bias"])
        h = layer_norm(h, w["ln_f.weight"], w["ln_f.bias"], c.eps)
        cache.pos += n
        return h @ self.lm_head.T


def rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


class Llama:
    def __init__(self, cfg, w):
        self.cfg = cfg
        self.w = w
        self.lm_head = w["model.embed_tokens.weight"] if cfg.tied else \
            w["lm_head.weight"]
        d = cfg.head_dim
        # As LlamaRotaryEmbedding: computed in float32.
        self.inv_freq = (F32(1.0) / (F32(cfg.theta) ** (
            np.arange(0, d, 2, dtype=np.int64).astype(F32) / F32(d)))
        ).astype(F32)

    def rope(self, x, pos):
        freqs = pos.astype(F32)[:, None] * self.inv_freq[None, :]
        emb = np.concatenate([freqs, freqs], axis=-1)
        cos, sin = np.cos(emb).astype(F32), np.sin(emb).astype(F32)
        return x * cos + rotate_half(x) * sin  # broadcast over heads

    def forward(self, ids, cache):
        c, w = self.cfg, self.w
        n, p0 = len(ids), cache.pos
        pos = np.arange(p0, p0 + n)
        h = w["model.embed_tokens.weight"][ids]
        nh, nkv, hd = c.heads, c.kv_heads, c.head_dim
        for i in range(c.layers):
            pre = "model.layers.%d." % i
            x = rms_norm(h, w[pre + "input_layernorm.weight"], c.eps)
            q = (x @ w[pre + "self_attn.q_proj.weight"].T).reshape(n, nh, hd)
            k = (x @ w[pre + "self_attn.k_proj.weight"].T).reshape(n, nkv, hd)
            v = (x @ w[pre + "self_attn.v_proj.weight"].T).reshape(n, nkv, hd)
            q, k, v = (t.transpose(1, 0, 2) for t in (q, k, v))
            q, k = self.rope(q, pos), self.rope(k, pos)
            k, v = cache.append(i, k, v)
            # repeat_kv: query head j uses kv head j // (nh / nkv).
            rep = nh // nkv
            k, v = np.repeat(k, rep, axis=0), np.repeat(v, rep, axis=0)
            o = attend(q, k, v, p0).transpose(1, 0, 2).reshape(n, nh * hd)
            h = h + o @ w[pre + "self_attn.o_proj.weight"].T
            x = rms_norm(h, w[pre + "post_attention_layernorm.weight"], c.eps)
            g = activation(x @ w[pre + "mlp.gate_proj.weight"].T, c.act)
            u = x @ w[pre + "mlp.up_proj.weight"].T
            h = h + (g * u) @ w[pre + "mlp.down_proj.weight"].T
        h = rms_norm(h, w["model.norm.weight"], c.eps)
        cache.pos += n
        return h @ self.lm_head.T


def load_model(path):
    with open(os.path.join(path, "config.json")) as f:
        cfg = Config(json.load(f))
    w = {k: np.ascontiguousarray(v, dtype=F32)
         for k, v in safetensors_np.load_checkpoint(path).items()}
    return (GPT2 if cfg.arch == "gpt2" else Llama)(cfg, w)


def logits(model, ids):
    """Full (non-incremental) forward: float32 logits [T, vocab]."""
    return model.forward(np.asarray(ids), Cache(model.cfg.layers)).astype(F32)


def greedy(model, ids, steps):
    cache = Cache(model.cfg.layers)
    out = []
    last = model.forward(np.asarray(ids), cache)[-1]
    for _ in range(steps):
        nxt = int(np.argmax(last))
        out.append(nxt)
        if len(out) == steps:
            break
        last = model.forward(np.asarray([nxt]), cache)[-1]
    return out


def check_kv(model, ids, tol):
    """Compares the full forward with a prefill of the first half followed by
    one-token cached steps; returns (max abs diff / max |logit|, ok)."""
    full = logits(model, ids)
    cache = Cache(model.cfg.layers)
    split = max(1, len(ids) // 2)
    rows = [model.forward(np.asarray(ids[:split]), cache)]
    for t in ids[split:]:
        rows.append(model.forward(np.asarray([t]), cache))
    inc = np.concatenate(rows, axis=0)
    rel = float(np.abs(full - inc).max() / max(np.abs(full).max(), 1e-30))
    return rel, rel <= tol


def parse_ids(s):
    try:
        ids = [int(t) for t in s.replace(" ", "").split(",") if t != ""]
    except ValueError:
        raise SystemExit("error: --ids must be comma-separated integers")
    if not ids:
        raise SystemExit("error: --ids is empty")
    return ids


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", help="model directory (config.json + "
                    "safetensors)")
    ap.add_argument("--ids", required=True, help="comma-separated token ids")
    ap.add_argument("--out", help="write float32 logits [T, vocab] (.npy)")
    ap.add_argument("--greedy", type=int, metavar="N",
                    help="print N greedy continuation ids")
    ap.add_argument("--check-kv", action="store_true",
                    help="compare full recomputation with cached decoding")
    ap.add_argument("--tol", type=float, default=1e-4,
                    help="--check-kv tolerance relative to max|logit|")
    a = ap.parse_args(argv)

    model = load_model(a.model)
    ids = parse_ids(a.ids)
    bad = [t for t in ids if not 0 <= t < model.cfg.vocab]
    if bad:
        raise SystemExit("error: token id %d out of range [0, %d)"
                         % (bad[0], model.cfg.vocab))
    rc = 0
    if a.out or not (a.greedy or a.check_kv):
        lg = logits(model, ids)
        if a.out:
            np.save(a.out, lg)
        else:
            print("logits %s max|logit| %.4f argmax %s" % (
                list(lg.shape), float(np.abs(lg).max()),
                ",".join(str(int(i)) for i in lg.argmax(-1))))
    if a.check_kv:
        if len(ids) < 2:
            raise SystemExit("error: --check-kv needs at least 2 ids")
        rel, ok = check_kv(model, ids, a.tol)
        print("check-kv: %s (max diff / max|logit| = %.3g, tol %g)"
              % ("OK" if ok else "FAIL", rel, a.tol))
        rc = rc or (0 if ok else 1)
    if a.greedy:
        print(",".join(str(t) for t in greedy(model, ids, a.greedy)))
    return rc


if __name__ == "__main__":
    sys.exit(main())
