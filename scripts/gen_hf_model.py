#!/usr/bin/env python3
"""Generate a small random HuggingFace-format model directory.

Writes config.json (as transformers' save_pretrained would for
GPT2LMHeadModel / LlamaForCausalLM) and the weights as safetensors in HF
naming and layout, single-file or sharded with model.safetensors.index.json.
numpy only (the `transformers` package is not used); the safetensors writer
is our own.

  gen_hf_model.py --arch gpt2 --out DIR [--seed N] [size flags]
  gen_hf_model.py --preset llama-gqa4 --out DIR [overrides]
  gen_hf_model.py --list-presets

Weights are random normal, scaled so that activations stay O(1) and the
logits are O(1)-O(10) (neither uniform nor saturated softmax).
"""

import argparse
import json
import os
import shutil
import sys

import numpy as np

# Presets used by the tests. Each value is a dict of option defaults; command
# line flags override them.
PRESETS = {
    # GPT-2
    "gpt2-tiny": dict(arch="gpt2", vocab=256, hidden=64, layers=2, heads=4,
                      ctx=64, dtype="f32"),
    "gpt2-odd": dict(arch="gpt2", vocab=1031, hidden=120, heads=5, layers=3,
                     ctx=48, dtype="f16", prefix=True),          # head_dim 24
    "gpt2-hublike": dict(arch="gpt2", vocab=1031, hidden=84, heads=6,
                         layers=2, ctx=128, dtype="f32",
                         attn_bias_buffers=True),                 # head_dim 14
    "gpt2-bf16-sharded": dict(arch="gpt2", vocab=512, hidden=96, heads=3,
                              layers=3, ctx=64, dtype="bf16", shards=2,
                              inner=200),                         # head_dim 32
    "gpt2-gelu": dict(arch="gpt2", vocab=300, hidden=48, heads=2, layers=1,
                      ctx=32, dtype="f32", activation="gelu"),    # erf GELU
    # LLaMA
    "llama-tiny": dict(arch="llama", vocab=256, hidden=64, heads=4,
                       kv_heads=4, inner=176, layers=2, ctx=128, dtype="f32",
                       tied=False),                               # GQA 1
    "llama-gqa2": dict(arch="llama", vocab=1031, hidden=84, heads=6,
                       kv_heads=3, inner=224, layers=2, ctx=128, dtype="f16",
                       tied=True),                                # head_dim 14
    "llama-gqa4": dict(arch="llama", vocab=1000, hidden=128, heads=8,
                       kv_heads=2, inner=344, layers=3, ctx=256,
                       dtype="bf16", tied=False, shards=3),       # head_dim 16
    "llama-odd": dict(arch="llama", vocab=1031, hidden=120, heads=5,
                      kv_heads=1, inner=330, layers=2, ctx=64, dtype="f32",
                      tied=True, rope_theta=500000.0),            # MQA, hd 24
}

DEFAULTS = dict(arch=None, seed=0, vocab=None, hidden=64, layers=2, heads=4,
                kv_heads=None, inner=None, ctx=128, dtype="f32", tied=None,
                shards=1, prefix=False, attn_bias_buffers=False, eps=None,
                rope_theta=10000.0, activation="gelu_new", tokenizer=None)

TORCH_DTYPE = {"f32": "float32", "f16": "float16", "bf16": "bfloat16"}
ST_DTYPE = {"f32": "F32", "f16": "F16", "bf16": "BF16"}


# ---------------------------------------------------------------------------
# safetensors writer
# ---------------------------------------------------------------------------

def f32_to_bf16_bits(x):
    """float32 array -> uint16 bfloat16 bits, round to nearest even."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    u = u.astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def encode(x, dtype):
    """Returns the little-endian bytes of float32 array x stored as dtype."""
    if dtype == "f32":
        return np.ascontiguousarray(x, dtype="<f4").tobytes()
    if dtype == "f16":
        return np.ascontiguousarray(x.astype("<f2")).tobytes()
    if dtype == "bf16":
        return f32_to_bf16_bits(x).astype("<u2").tobytes()
    raise ValueError(dtype)


def write_safetensors(path, tensors):
    """tensors: list of (name, st_dtype, shape, bytes). Laid out in name
    order; the JSON header has sorted keys and is padded with spaces so the
    data starts at an 8-byte boundary (as the safetensors library does)."""
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    ordered = sorted(tensors, key=lambda t: t[0])
    for name, st, shape, data in ordered:
        header[name] = {"dtype": st, "shape": list(shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, sort_keys=True, separators=(",", ":"))
    raw = text.encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(raw).to_bytes(8, "little"))
        f.write(raw)
        for _, _, _, data in ordered:
            f.write(data)


# ---------------------------------------------------------------------------
# weights
# ---------------------------------------------------------------------------

class Init:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def normal(self, shape, std):
        return (self.rng.standard_normal(shape) * std).astype(np.float32)

    def norm_weight(self, n):
        return (1.0 + self.rng.standard_normal(n) * 0.1).astype(np.float32)

    def linear(self, fan_in, shape, gain=1.0):
        return self.normal(shape, gain / np.sqrt(fan_in))


def gpt2_weights(a, init):
    H, V, L, I, C = a.hidden, a.vocab, a.layers, a.inner, a.ctx
    p = "transformer." if a.prefix else ""
    w = [(p + "wte.weight", init.normal((V, H), 1.5 / np.sqrt(H))),
         (p + "wpe.weight", init.normal((C, H), 0.5 / np.sqrt(H)))]
    for i in range(L):
        h = "%sh.%d." % (p, i)
        w += [
            (h + "ln_1.weight", init.norm_weight(H)),
            (h + "ln_1.bias", init.normal(H, 0.05)),
            # Conv1D: weight is [in, out], y = x @ W + b.
            (h + "attn.c_attn.weight", init.linear(H, (H, 3 * H))),
            (h + "attn.c_attn.bias", init.normal(3 * H, 0.05)),
            (h + "attn.c_proj.weight", init.linear(H, (H, H), 0.7)),
            (h + "attn.c_proj.bias", init.normal(H, 0.05)),
            (h + "ln_2.weight", init.norm_weight(H)),
            (h + "ln_2.bias", init.normal(H, 0.05)),
            (h + "mlp.c_fc.weight", init.linear(H, (H, I))),
            (h + "mlp.c_fc.bias", init.normal(I, 0.05)),
            (h + "mlp.c_proj.weight", init.linear(I, (I, H), 0.7)),
            (h + "mlp.c_proj.bias", init.normal(H, 0.05)),
        ]
        if a.attn_bias_buffers:
            # The non-persistent buffers older checkpoints (e.g. the hub's
            # gpt2) carry: the causal mask and the masked fill value.
            mask = np.tril(np.ones((C, C), np.float32))[None, None]
            w += [(h + "attn.bias", mask),
                  (h + "attn.masked_bias", np.array(-1e4, np.float32))]
    w += [(p + "ln_f.weight", init.norm_weight(H)),
          (p + "ln_f.bias", init.normal(H, 0.05))]
    if not a.tied:
        w.append(("lm_head.weight", init.normal((V, H), 1.5 / np.sqrt(H))))
    return w


def llama_weights(a, init):
    H, V, L, I = a.hidden, a.vocab, a.layers, a.inner
    hd = H // a.heads
    kv = a.kv_heads * hd
    w = [("model.embed_tokens.weight", init.normal((V, H), 1.5 / np.sqrt(H)))]
    for i in range(L):
        h = "model.layers.%d." % i
        w += [
            (h + "input_layernorm.weight", init.norm_weight(H)),
            # nn.Linear: weight is [out, in], y = x @ W.T.
            (h + "self_attn.q_proj.weight", init.linear(H, (H, H))),
            (h + "self_attn.k_proj.weight", init.linear(H, (kv, H))),
            (h + "self_attn.v_proj.weight", init.linear(H, (kv, H))),
            (h + "self_attn.o_proj.weight", init.linear(H, (H, H), 0.7)),
            (h + "post_attention_layernorm.weight", init.norm_weight(H)),
            (h + "mlp.gate_proj.weight", init.linear(H, (I, H))),
            (h + "mlp.up_proj.weight", init.linear(H, (I, H))),
            (h + "mlp.down_proj.weight", init.linear(I, (H, I), 0.7)),
        ]
    w.append(("model.norm.weight", init.norm_weight(H)))
    if not a.tied:
        w.append(("lm_head.weight", init.normal((V, H), 1.5 / np.sqrt(H))))
    return w


# ---------------------------------------------------------------------------
# config.json
# ---------------------------------------------------------------------------

def gpt2_config(a):
    return {
        "activation_function": a.activation,
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.1,
        "bos_token_id": a.vocab - 1,
        "embd_pdrop": 0.1,
        "eos_token_id": a.vocab - 1,
        "initializer_range": 0.02,
        "layer_norm_epsilon": a.eps,
        "model_type": "gpt2",
        "n_embd": a.hidden,
        "n_head": a.heads,
        "n_inner": a.inner_arg,
        "n_layer": a.layers,
        "n_positions": a.ctx,
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.1,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "tie_word_embeddings": a.tied,
        "torch_dtype": TORCH_DTYPE[a.dtype],
        "transformers_version": "4.45.0",
        "use_cache": True,
        "vocab_size": a.vocab,
    }


def llama_config(a):
    return {
        "architectures": ["LlamaForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "head_dim": a.hidden // a.heads,
        "hidden_act": "silu",
        "hidden_size": a.hidden,
        "initializer_range": 0.02,
        "intermediate_size": a.inner,
        "max_position_embeddings": a.ctx,
        "mlp_bias": False,
        "model_type": "llama",
        "num_attention_heads": a.heads,
        "num_hidden_layers": a.layers,
        "num_key_value_heads": a.kv_heads,
        "pretraining_tp": 1,
        "rms_norm_eps": a.eps,
        "rope_scaling": None,
        "rope_theta": float(a.rope_theta),
        "tie_word_embeddings": a.tied,
        "torch_dtype": TORCH_DTYPE[a.dtype],
        "transformers_version": "4.45.0",
        "use_cache": True,
        "vocab_size": a.vocab,
    }


# ---------------------------------------------------------------------------

def split_shards(items, k):
    """Splits [(name, nbytes)] (model order) into k contiguous, non-empty
    groups of roughly equal byte size."""
    if k > len(items):
        raise SystemExit("error: --shards %d exceeds the number of tensors "
                         "(%d)" % (k, len(items)))
    total = sum(n for _, n in items)
    groups, cur, acc = [], [], 0
    for idx, (name, n) in enumerate(items):
        cur.append(name)
        acc += n
        remaining_items = len(items) - idx - 1
        remaining_groups = k - len(groups) - 1
        if remaining_groups > 0 and (
                acc >= total * (len(groups) + 1) / k
                or remaining_items == remaining_groups):
            groups.append(cur)
            cur = []
    groups.append(cur)
    assert len(groups) == k and all(groups)
    return groups


def resolve(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", choices=sorted(PRESETS))
    ap.add_argument("--list-presets", action="store_true")
    ap.add_argument("--arch", choices=["gpt2", "llama"])
    ap.add_argument("--out")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--vocab", type=int)
    ap.add_argument("--hidden", type=int)
    ap.add_argument("--layers", type=int)
    ap.add_argument("--heads", type=int)
    ap.add_argument("--kv-heads", dest="kv_heads", type=int,
                    help="llama only (default: --heads)")
    ap.add_argument("--inner", type=int,
                    help="MLP size (gpt2 default: n_inner null = 4*hidden)")
    ap.add_argument("--ctx", type=int, help="n_positions / "
                    "max_position_embeddings")
    ap.add_argument("--dtype", choices=["f32", "f16", "bf16"])
    ap.add_argument("--tied", dest="tied", action="store_true", default=None)
    ap.add_argument("--untied", dest="tied", action="store_false")
    ap.add_argument("--shards", type=int)
    ap.add_argument("--prefix", action="store_true", default=None,
                    help="gpt2: name weights transformer.* (GPT2LMHeadModel "
                    "state dict) instead of the bare GPT2Model names")
    ap.add_argument("--attn-bias-buffers", dest="attn_bias_buffers",
                    action="store_true", default=None,
                    help="gpt2: also store h.N.attn.bias / attn.masked_bias "
                    "buffers like the hub's gpt2 checkpoint")
    ap.add_argument("--eps", type=float)
    ap.add_argument("--rope-theta", dest="rope_theta", type=float)
    ap.add_argument("--activation",
                    choices=["gelu_new", "gelu", "gelu_pytorch_tanh"],
                    help="gpt2 activation_function")
    ap.add_argument("--tokenizer", help="copy vocab.json/merges.txt (and "
                    "tokenizer files) from this directory")
    a = ap.parse_args(argv)
    if a.list_presets:
        for name in sorted(PRESETS):
            print("%-18s %s" % (name, " ".join(
                "%s=%s" % kv for kv in sorted(PRESETS[name].items()))))
        sys.exit(0)
    merged = dict(DEFAULTS)
    if a.preset:
        merged.update(PRESETS[a.preset])
    for k, v in vars(a).items():
        if v is not None and k not in ("preset", "list_presets"):
            merged[k] = v
    a = argparse.Namespace(**merged)
    if not a.arch:
        ap.error("--arch or --preset is required")
    if not a.out:
        ap.error("--out is required")
    if a.vocab is None:
        a.vocab = 256
    if a.tied is None:
        a.tied = True if a.arch == "gpt2" else False
    if a.eps is None:
        a.eps = 1e-5 if a.arch == "gpt2" else 1e-6
    if a.arch == "gpt2":
        if a.kv_heads not in (None, a.heads):
            ap.error("--kv-heads is llama only")
        a.kv_heads = a.heads
        a.inner_arg = a.inner
        if a.inner is None:
            a.inner = 4 * a.hidden
    else:
        if a.kv_heads is None:
            a.kv_heads = a.heads
        if a.inner is None:
            a.inner = 4 * a.hidden
        if a.prefix or a.attn_bias_buffers:
            ap.error("--prefix / --attn-bias-buffers are gpt2 only")
    for k in ("vocab", "hidden", "layers", "heads", "kv_heads", "inner",
              "ctx", "shards"):
        if getattr(a, k) <= 0:
            ap.error("--%s must be positive" % k.replace("_", "-"))
    if a.hidden % a.heads:
        ap.error("--heads must divide --hidden")
    if a.heads % a.kv_heads:
        ap.error("--kv-heads must divide --heads")
    if a.arch == "llama" and (a.hidden // a.heads) % 2:
        ap.error("llama head_dim must be even")
    return a


def main(argv=None):
    a = resolve(argv if argv is not None else sys.argv[1:])
    os.makedirs(a.out, exist_ok=True)
    init = Init(a.seed)
    if a.arch == "gpt2":
        weights, config = gpt2_weights(a, init), gpt2_config(a)
    else:
        weights, config = llama_weights(a, init), llama_config(a)

    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")

    tensors = {}
    for name, x in weights:
        # model.to(dtype) casts float buffers too, so everything is stored
        # in --dtype.
        tensors[name] = (ST_DTYPE[a.dtype], x.shape, encode(x, a.dtype))

    for stale in os.listdir(a.out):
        if stale.startswith("model") and (stale.endswith(".safetensors") or
                                          stale.endswith(".index.json")):
            os.remove(os.path.join(a.out, stale))
    if a.shards == 1:
        write_safetensors(os.path.join(a.out, "model.safetensors"),
                          [(n,) + tensors[n] for n, _ in weights])
    else:
        groups = split_shards([(n, len(tensors[n][2])) for n, _ in weights],
                              a.shards)
        weight_map = {}
        for i, names in enumerate(groups):
            fname = "model-%05d-of-%05d.safetensors" % (i + 1, a.shards)
            write_safetensors(os.path.join(a.out, fname),
                              [(n,) + tensors[n] for n in names])
            for n in names:
                weight_map[n] = fname
        total = sum(len(t[2]) for t in tensors.values())
        with open(os.path.join(a.out, "model.safetensors.index.json"),
                  "w") as f:
            json.dump({"metadata": {"total_size": total},
                       "weight_map": weight_map}, f, indent=2, sort_keys=True)
            f.write("\n")

    if a.tokenizer:
        copied = 0
        for fn in ("vocab.json", "merges.txt", "tokenizer.json",
                   "tokenizer_config.json", "special_tokens_map.json",
                   "tokenizer.model"):
            src = os.path.join(a.tokenizer, fn)
            if os.path.exists(src):
                shutil.copyfile(src, os.path.join(a.out, fn))
                copied += 1
        if not copied:
            raise SystemExit("error: no tokenizer files in %s" % a.tokenizer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
