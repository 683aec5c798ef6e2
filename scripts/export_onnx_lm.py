#!/usr/bin/python3
"""Export an HF GPT-2 or LLaMA checkpoint to ONNX the way users do.

  export_onnx_lm.py HF_DIR --out model.onnx [--opset 17] [--external-data]
                    [--check]

Builds a plain torch module from HF_DIR's config.json and safetensors (the
`transformers` package is not needed), written the way transformers writes
GPT2LMHeadModel and LlamaForCausalLM (eager attention, no KV cache), and
exports it with the TorchScript-based torch.onnx.export:

  input   input_ids  int64 [batch, seq]
  output  logits     float [batch, seq, vocab]

with batch and seq dynamic. F16/BF16 checkpoints give a float32 module.
vocab.json and merges.txt (if HF_DIR has them) are copied beside the .onnx
file, where `tfc compile model.onnx` looks for the tokenizer.

Unlike export_gpt2_onnx.py (one graph with past/present KV-cache tensors,
for the benchmark), this graph recomputes the whole sequence: what a user
gets from a plain export of an HF model. The module follows transformers'
code closely, so the graph has transformers' op patterns:

  GPT-2  Conv1D as addmm on the flattened input with [in, out] weights;
         the per-layer lower-triangular `bias` buffer (bool) sliced to
         [key_len - query_len : key_len, :key_len] and
         torch.where(mask, w, finfo(float32).min); scores divided by
         torch.full([], head_dim ** 0.5); heads split by view + permute;
         gelu_new as 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 pow(x, 3.0))))
         (gelu: F.gelu; gelu_pytorch_tanh: F.gelu(approximate="tanh"));
         F.layer_norm; lm_head a bias-free nn.Linear (tied: the wte weight).
  LLaMA  RMSNorm weight * (x * rsqrt(x.pow(2).mean(-1, keepdim) + eps));
         rotary from an inv_freq buffer: positions arange(seq), freqs by a
         batched matmul inv_freq[None, :, None] @ pos[:, None, :], transposed,
         cat(freqs, freqs), cos/sin, rotate_half by slicing at
         shape[-1] // 2 and cat(-x2, x1); repeat_kv by expand + reshape
         (only when heads != kv_heads); an additive causal mask
         triu(full((seq, seq), finfo.min), 1) (opset 13, which has no
         Trilu: older transformers' masked_fill(arange < arange + 1)
         form); softmax in float32; the
         gate/up/down SiLU MLP; lm_head tied or not as config.json says.

Every written file passes onnx.checker. --check compares the torch
module's logits with the independent numpy reference
(scripts/reference/hf_reference.py) on a random prompt before the export,
and the exported graph, run by scripts/reference/onnx_eval.py at batch 1 and
untraced lengths, with the torch module after it.
"""

import argparse
import inspect
import json
import math
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "reference"))
sys.path.insert(0, HERE)
import hf_reference  # noqa: E402
import onnx_eval  # noqa: E402
from export_gpt2_onnx import read_weights  # noqa: E402

OPSETS = (13, 14, 17)
TOKENIZER_FILES = ("vocab.json", "merges.txt")


def _param(array):
    t = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))
    return torch.nn.Parameter(t, requires_grad=False)


def _take(w, name):
    if name not in w:
        raise SystemExit("error: the checkpoint has no tensor %r" % name)
    return _param(w[name])


# ---------------------------------------------------------------------------
# GPT-2 (transformers' modeling_gpt2.py, eager attention)
# ---------------------------------------------------------------------------

class Conv1D(torch.nn.Module):
    """transformers.pytorch_utils.Conv1D: weight [in, out]."""

    def __init__(self, weight, bias):
        super().__init__()
        self.nf = weight.shape[1]
        self.weight = weight
        self.bias = bias

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class GeluNew(torch.nn.Module):
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (
            x + 0.044715 * torch.pow(x, 3.0))))


class GeluTanh(torch.nn.Module):
    def forward(self, x):
        return F.gelu(x, approximate="tanh")


class Gelu(torch.nn.Module):
    def forward(self, x):
        return F.gelu(x)


GPT2_ACT = {"gelu_new": GeluNew, "gelu_pytorch_tanh": GeluTanh,
            "gelu": Gelu}


class LayerNorm(torch.nn.Module):
    def __init__(self, weight, bias, eps):
        super().__init__()
        self.weight, self.bias, self.eps = weight, bias, eps
        self.normalized_shape = (weight.shape[0],)

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias,
                            self.eps)


class GPT2Attention(torch.nn.Module):
    def __init__(self, cfg, w, p):
        super().__init__()
        c = cfg.ctx
        self.register_buffer("bias", torch.tril(torch.ones(
            (c, c), dtype=torch.bool)).view(1, 1, c, c), persistent=False)
        self.embed_dim, self.num_heads = cfg.hidden, cfg.heads
        self.head_dim, self.split_size = cfg.head_dim, cfg.hidden
        self.c_attn = Conv1D(_take(w, p + "attn.c_attn.weight"),
                             _take(w, p + "attn.c_attn.bias"))
        self.c_proj = Conv1D(_take(w, p + "attn.c_proj.weight"),
                             _take(w, p + "attn.c_proj.bias"))

    def _attn(self, query, key, value):
        attn_weights = torch.matmul(query, key.transpose(-1, -2))
        attn_weights = attn_weights / torch.full(
            [], value.size(-1) ** 0.5, dtype=attn_weights.dtype)
        query_length, key_length = query.size(-2), key.size(-2)
        causal_mask = self.bias[:, :, key_length - query_length:key_length,
                                :key_length]
        mask_value = torch.finfo(attn_weights.dtype).min
        mask_value = torch.full([], mask_value, dtype=attn_weights.dtype)
        attn_weights = torch.where(causal_mask, attn_weights, mask_value)
        attn_weights = F.softmax(attn_weights, dim=-1)
        attn_weights = attn_weights.type(value.dtype)
        return torch.matmul(attn_weights, value)

    def _split_heads(self, tensor):
        new_shape = tensor.size()[:-1] + (self.num_heads, self.head_dim)
        return tensor.view(new_shape).permute(0, 2, 1, 3)

    def _merge_heads(self, tensor):
        tensor = tensor.permute(0, 2, 1, 3).contiguous()
        new_shape = tensor.size()[:-2] + (self.num_heads * self.head_dim,)
        return tensor.view(new_shape)

    def forward(self, hidden_states):
        query, key, value = self.c_attn(hidden_states).split(
            self.split_size, dim=2)
        query = self._split_heads(query)
        key = self._split_heads(key)
        value = self._split_heads(value)
        attn_output = self._attn(query, key, value)
        return self.c_proj(self._merge_heads(attn_output))


class GPT2MLP(torch.nn.Module):
    def __init__(self, cfg, w, p):
        super().__init__()
        self.c_fc = Conv1D(_take(w, p + "mlp.c_fc.weight"),
                           _take(w, p + "mlp.c_fc.bias"))
        self.c_proj = Conv1D(_take(w, p + "mlp.c_proj.weight"),
                             _take(w, p + "mlp.c_proj.bias"))
        self.act = GPT2_ACT[cfg.act]()

    def forward(self, x):
        return self.c_proj(self.act(self.c_fc(x)))


class GPT2Block(torch.nn.Module):
    def __init__(self, cfg, w, p):
        super().__init__()
        self.ln_1 = LayerNorm(_take(w, p + "ln_1.weight"),
                              _take(w, p + "ln_1.bias"), cfg.eps)
        self.attn = GPT2Attention(cfg, w, p)
        self.ln_2 = LayerNorm(_take(w, p + "ln_2.weight"),
                              _take(w, p + "ln_2.bias"), cfg.eps)
        self.mlp = GPT2MLP(cfg, w, p)

    def forward(self, hidden_states):
        residual = hidden_states
        hidden_states = self.attn(self.ln_1(hidden_states))
        hidden_states = hidden_states + residual
        residual = hidden_states
        feed_forward = self.mlp(self.ln_2(hidden_states))
        return residual + feed_forward


class GPT2Model(torch.nn.Module):
    def __init__(self, cfg, w):
        super().__init__()
        self.wte = torch.nn.Embedding(cfg.vocab, cfg.hidden)
        self.wte.weight = _take(w, "wte.weight")
        self.wpe = torch.nn.Embedding(cfg.ctx, cfg.hidden)
        self.wpe.weight = _take(w, "wpe.weight")
        self.h = torch.nn.ModuleList(
            GPT2Block(cfg, w, "h.%d." % i) for i in range(cfg.layers))
        self.ln_f = LayerNorm(_take(w, "ln_f.weight"), _take(w, "ln_f.bias"),
                              cfg.eps)

    def forward(self, input_ids):
        input_shape = input_ids.size()
        input_ids = input_ids.view(-1, input_shape[-1])
        position_ids = torch.arange(0, input_shape[-1], dtype=torch.long)
        position_ids = position_ids.unsqueeze(0)
        hidden_states = self.wte(input_ids) + self.wpe(position_ids)
        output_shape = (-1,) + input_shape[1:] + (hidden_states.size(-1),)
        for block in self.h:
            hidden_states = block(hidden_states)
        hidden_states = self.ln_f(hidden_states)
        return hidden_states.view(output_shape)


class GPT2LMHeadModel(torch.nn.Module):
    """Parameter names as transformers' state dict: transformer.wte.weight,
    transformer.h.0.attn.c_attn.weight, ..., lm_head.weight."""

    def __init__(self, cfg, w):
        super().__init__()
        if cfg.act not in GPT2_ACT:
            raise SystemExit("error: unsupported activation_function %r"
                             % cfg.act)
        w = {k[len("transformer."):] if k.startswith("transformer.") else k: v
             for k, v in w.items()}
        self.cfg = cfg
        self.transformer = GPT2Model(cfg, w)
        self.lm_head = torch.nn.Linear(cfg.hidden, cfg.vocab, bias=False)
        # As the HF reference: a tied head, or a checkpoint without one,
        # reads the token embedding.
        self.lm_head.weight = (self.transformer.wte.weight
                               if cfg.tied or "lm_head.weight" not in w else
                               _take(w, "lm_head.weight"))

    def forward(self, input_ids):
        return self.lm_head(self.transformer(input_ids))


# ---------------------------------------------------------------------------
# LLaMA (transformers' modeling_llama.py, eager attention)
# ---------------------------------------------------------------------------

class LlamaRMSNorm(torch.nn.Module):
    def __init__(self, weight, eps):
        super().__init__()
        self.weight, self.variance_epsilon = weight, eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(
            variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)


class LlamaRotaryEmbedding(torch.nn.Module):
    def __init__(self, dim, base):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(
            0, dim, 2, dtype=torch.int64).float() / dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, x, position_ids):
        inv_freq_expanded = self.inv_freq[None, :, None].float().expand(
            position_ids.shape[0], -1, 1)
        position_ids_expanded = position_ids[:, None, :].float()
        freqs = (inv_freq_expanded.float() @
                 position_ids_expanded.float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        return cos.to(dtype=x.dtype), sin.to(dtype=x.dtype)


def rotate_half(x):
    x1 = x[..., :x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin, unsqueeze_dim=1):
    cos = cos.unsqueeze(unsqueeze_dim)
    sin = sin.unsqueeze(unsqueeze_dim)
    q_embed = (q * cos) + (rotate_half(q) * sin)
    k_embed = (k * cos) + (rotate_half(k) * sin)
    return q_embed, k_embed


def repeat_kv(hidden_states, n_rep):
    batch, num_key_value_heads, slen, head_dim = hidden_states.shape
    if n_rep == 1:
        return hidden_states
    hidden_states = hidden_states[:, :, None, :, :].expand(
        batch, num_key_value_heads, n_rep, slen, head_dim)
    return hidden_states.reshape(batch, num_key_value_heads * n_rep, slen,
                                 head_dim)


def _linear(w, name, fan_in, fan_out):
    lin = torch.nn.Linear(fan_in, fan_out, bias=False)
    lin.weight = _take(w, name)
    return lin


class LlamaAttention(torch.nn.Module):
    def __init__(self, cfg, w, p):
        super().__init__()
        self.num_heads, self.head_dim = cfg.heads, cfg.head_dim
        self.num_key_value_heads = cfg.kv_heads
        self.num_key_value_groups = cfg.heads // cfg.kv_heads
        H, kv = cfg.hidden, cfg.kv_heads * cfg.head_dim
        self.q_proj = _linear(w, p + "self_attn.q_proj.weight", H, H)
        self.k_proj = _linear(w, p + "self_attn.k_proj.weight", H, kv)
        self.v_proj = _linear(w, p + "self_attn.v_proj.weight", H, kv)
        self.o_proj = _linear(w, p + "self_attn.o_proj.weight", H, H)

    def forward(self, hidden_states, attention_mask, position_embeddings):
        bsz, q_len, _ = hidden_states.size()
        query_states = self.q_proj(hidden_states)
        key_states = self.k_proj(hidden_states)
        value_states = self.v_proj(hidden_states)
        nh, nkv, hd = self.num_heads, self.num_key_value_heads, self.head_dim
        query_states = query_states.view(bsz, q_len, nh, hd).transpose(1, 2)
        key_states = key_states.view(bsz, q_len, nkv, hd).transpose(1, 2)
        value_states = value_states.view(bsz, q_len, nkv, hd).transpose(1, 2)
        cos, sin = position_embeddings
        query_states, key_states = apply_rotary_pos_emb(
            query_states, key_states, cos, sin)
        key_states = repeat_kv(key_states, self.num_key_value_groups)
        value_states = repeat_kv(value_states, self.num_key_value_groups)
        attn_weights = torch.matmul(
            query_states, key_states.transpose(2, 3)) / math.sqrt(
                self.head_dim)
        causal_mask = attention_mask[:, :, :, :key_states.shape[-2]]
        attn_weights = attn_weights + causal_mask
        attn_weights = F.softmax(attn_weights, dim=-1,
                                 dtype=torch.float32).to(query_states.dtype)
        attn_output = torch.matmul(attn_weights, value_states)
        attn_output = attn_output.transpose(1, 2).contiguous()
        attn_output = attn_output.reshape(bsz, q_len, -1)
        return self.o_proj(attn_output)


class LlamaMLP(torch.nn.Module):
    def __init__(self, cfg, w, p):
        super().__init__()
        H, I = cfg.hidden, cfg.inner
        self.gate_proj = _linear(w, p + "mlp.gate_proj.weight", H, I)
        self.up_proj = _linear(w, p + "mlp.up_proj.weight", H, I)
        self.down_proj = _linear(w, p + "mlp.down_proj.weight", I, H)
        self.act_fn = torch.nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) *
                              self.up_proj(x))


class LlamaDecoderLayer(torch.nn.Module):
    def __init__(self, cfg, w, p):
        super().__init__()
        self.self_attn = LlamaAttention(cfg, w, p)
        self.mlp = LlamaMLP(cfg, w, p)
        self.input_layernorm = LlamaRMSNorm(
            _take(w, p + "input_layernorm.weight"), cfg.eps)
        self.post_attention_layernorm = LlamaRMSNorm(
            _take(w, p + "post_attention_layernorm.weight"), cfg.eps)

    def forward(self, hidden_states, attention_mask, position_embeddings):
        residual = hidden_states
        hidden_states = self.input_layernorm(hidden_states)
        hidden_states = self.self_attn(hidden_states, attention_mask,
                                       position_embeddings)
        hidden_states = residual + hidden_states
        residual = hidden_states
        hidden_states = self.post_attention_layernorm(hidden_states)
        hidden_states = self.mlp(hidden_states)
        return residual + hidden_states


class LlamaModel(torch.nn.Module):
    def __init__(self, cfg, w):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(cfg.vocab, cfg.hidden)
        self.embed_tokens.weight = _take(w, "model.embed_tokens.weight")
        self.layers = torch.nn.ModuleList(
            LlamaDecoderLayer(cfg, w, "model.layers.%d." % i)
            for i in range(cfg.layers))
        self.norm = LlamaRMSNorm(_take(w, "model.norm.weight"), cfg.eps)
        self.rotary_emb = LlamaRotaryEmbedding(cfg.head_dim, cfg.theta)
        self.triu_mask = True  # set_opset() may change it

    def forward(self, input_ids):
        inputs_embeds = self.embed_tokens(input_ids)
        seq = inputs_embeds.shape[1]
        cache_position = torch.arange(0, seq)
        position_ids = cache_position.unsqueeze(0)
        min_dtype = torch.finfo(inputs_embeds.dtype).min
        causal_mask = torch.full((seq, seq), fill_value=min_dtype,
                                 dtype=inputs_embeds.dtype)
        if self.triu_mask:
            causal_mask = torch.triu(causal_mask, diagonal=1)
        else:
            # transformers <= 4.35's _make_causal_mask (no aten::triu,
            # which torch exports from opset 14 on only).
            mask_cond = torch.arange(causal_mask.size(-1))
            causal_mask = causal_mask.masked_fill(
                mask_cond < (mask_cond + 1).view(causal_mask.size(-1), 1), 0)
        causal_mask = causal_mask[None, None, :, :].expand(
            inputs_embeds.shape[0], 1, -1, -1)
        hidden_states = inputs_embeds
        position_embeddings = self.rotary_emb(hidden_states, position_ids)
        for layer in self.layers:
            hidden_states = layer(hidden_states, causal_mask,
                                  position_embeddings)
        return self.norm(hidden_states)


class LlamaForCausalLM(torch.nn.Module):
    """Parameter names as transformers' state dict: model.embed_tokens.weight,
    model.layers.0.self_attn.q_proj.weight, ..., lm_head.weight."""

    def __init__(self, cfg, w):
        super().__init__()
        if cfg.act != "silu":
            raise SystemExit("error: unsupported hidden_act %r" % cfg.act)
        if cfg.heads % cfg.kv_heads:
            raise SystemExit("error: num_attention_heads %d is not a "
                             "multiple of num_key_value_heads %d"
                             % (cfg.heads, cfg.kv_heads))
        self.cfg = cfg
        self.model = LlamaModel(cfg, w)
        self.lm_head = torch.nn.Linear(cfg.hidden, cfg.vocab, bias=False)
        self.lm_head.weight = (self.model.embed_tokens.weight if cfg.tied
                               else _take(w, "lm_head.weight"))

    def forward(self, input_ids):
        return self.lm_head(self.model(input_ids))


# ---------------------------------------------------------------------------

def set_opset(model, opset):
    """Opset 13 has no Trilu: the LLaMA mask is then built as older
    transformers built it (the graph users exporting at opset 13 get)."""
    if isinstance(model, LlamaForCausalLM):
        model.model.triu_mask = opset >= 14


def load(model_dir):
    """Returns (torch module in eval mode, hf_reference.Config)."""
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = hf_reference.Config(json.load(f))
    w = read_weights(model_dir)
    cls = GPT2LMHeadModel if cfg.arch == "gpt2" else LlamaForCausalLM
    return cls(cfg, w).eval(), cfg


def torch_logits(model, ids):
    """float32 logits [T, vocab] of the full (recomputed) forward."""
    with torch.no_grad():
        return model(torch.tensor([ids], dtype=torch.int64))[0].numpy()


def torch_greedy(model, ids, steps, ctx):
    """Greedy continuation by full recomputation (no cache), stopping at the
    context length like the compiled executable."""
    seq, out = list(ids), []
    while len(out) < steps and len(seq) <= ctx:
        nxt = int(np.argmax(torch_logits(model, seq)[-1]))
        out.append(nxt)
        seq.append(nxt)
    return out


def check(model, model_dir, seed=0):
    """The torch module vs the numpy reference on a random prompt of odd
    length. Returns (max|diff| / max|ref|, prompt length)."""
    ref = hf_reference.load_model(model_dir)
    rng = np.random.default_rng(seed)
    vocab, ctx = model.cfg.vocab, model.cfg.ctx
    n = min(ctx, int(rng.integers(3, 12)) * 2 + 1)
    ids = [int(t) for t in rng.integers(0, vocab, n)]
    ids[n // 2] = vocab - 1
    want = hf_reference.logits(ref, ids)
    got = torch_logits(model, ids)
    return float(np.abs(got - want).max() / np.abs(want).max()), n


def check_onnx(model, path, seed=0):
    """The exported graph, run by the numpy interpreter (onnx_eval.py) at
    batch 1 on an odd-length prompt and on one token (neither the traced
    shape), vs the torch module. Returns max|diff| / max|torch|."""
    import onnx
    m = onnx.load(path)
    rng = np.random.default_rng(seed + 1)
    vocab, ctx = model.cfg.vocab, model.cfg.ctx
    err = 0.0
    for n in (min(ctx, 2 * int(rng.integers(2, 8)) + 1), 1):
        ids = [int(t) for t in rng.integers(0, vocab, n)]
        want = torch_logits(model, ids)
        got = onnx_eval.run(m, {"input_ids": np.array([ids], np.int64)})
        got = got["logits"]
        if got.shape != (1,) + want.shape:
            raise SystemExit("error: %s: logits shape %s for %d tokens"
                             % (path, list(got.shape), n))
        err = max(err, float(np.abs(got[0] - want).max() /
                             np.abs(want).max()))
    return err


def _export_kwargs():
    kw = {}
    # torch >= 2.5 defaults to the dynamo exporter elsewhere; the
    # TorchScript one is what these graphs are meant to come from.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kw["dynamo"] = False
    return kw


# Protobuf cannot hold 2 GB; with a tied head the exporter also stores a
# transposed copy of the embedding, so switch well before.
INLINE_LIMIT = 1_500_000_000


def export(model, out, opset, external_data):
    """Writes `out` (and `out`.data with external data, which models over
    INLINE_LIMIT bytes of parameters always get). Returns (number of
    parameters, whether external data was written)."""
    params = sum(p.numel() for p in model.parameters())
    external_data = external_data or params * 4 > INLINE_LIMIT
    # Trace with batch 2 and an odd length so neither is specialized.
    ids = torch.arange(2 * 7, dtype=torch.int64).reshape(2, 7) % \
        model.cfg.vocab
    dyn = {"input_ids": {0: "batch", 1: "seq"},
           "logits": {0: "batch", 1: "seq"}}
    data = out + ".data"
    out_dir = os.path.dirname(os.path.abspath(out))
    os.makedirs(out_dir, exist_ok=True)
    for stale in (out, data):
        if os.path.exists(stale):
            os.remove(stale)
    import onnx
    # With external data, export into a scratch directory first (torch
    # itself writes one file per tensor beside a model over 2 GB), then save
    # all the tensors into the one file <out>.data.
    tmp_dir = tempfile.mkdtemp(prefix=".export-", dir=out_dir) \
        if external_data else None
    try:
        tmp = os.path.join(tmp_dir, "model.onnx") if tmp_dir else out
        with torch.no_grad():
            torch.onnx.export(model, (ids,), tmp, input_names=["input_ids"],
                              output_names=["logits"], dynamic_axes=dyn,
                              opset_version=opset, do_constant_folding=True,
                              **_export_kwargs())
        if tmp_dir:
            onnx.save_model(onnx.load(tmp), out, save_as_external_data=True,
                            all_tensors_to_one_file=True,
                            location=os.path.basename(data),
                            size_threshold=1024)
    finally:
        if tmp_dir:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    onnx.checker.check_model(out)  # by path: works with external data too
    return params, external_data


def op_types(path):
    import onnx
    m = onnx.load(path, load_external_data=False)
    counts = {}
    for n in m.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return counts


def copy_tokenizer(model_dir, out):
    dst_dir = os.path.dirname(os.path.abspath(out))
    copied = []
    for f in TOKENIZER_FILES:
        src = os.path.join(model_dir, f)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(dst_dir, f))
            copied.append(f)
    return copied


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir", help="HF model directory (config.json + "
                    "safetensors)")
    ap.add_argument("--out", required=True, help="output .onnx file")
    ap.add_argument("--opset", type=int, default=17, choices=OPSETS)
    ap.add_argument("--external-data", action="store_true",
                    help="store the weights in <out>.data (always for over "
                    "1.5 GB of parameters)")
    ap.add_argument("--check", action="store_true",
                    help="compare the torch module with the numpy reference")
    ap.add_argument("--tol", type=float, default=1e-4,
                    help="--check tolerance, relative to max|logit|")
    ap.add_argument("--ops", action="store_true",
                    help="print the graph's op types with their counts")
    a = ap.parse_args(argv)
    t0 = time.time()
    model, cfg = load(a.model_dir)
    set_opset(model, a.opset)
    if a.check:
        err, n = check(model, a.model_dir)
        ok = err <= a.tol
        print("check: %s: max|torch - numpy reference| / max|reference| = "
              "%.3g over %d tokens (tol %g)" % ("OK" if ok else "FAIL", err,
                                                n, a.tol))
        if not ok:
            print("error: the torch module disagrees with the reference",
                  file=sys.stderr)
            return 1
    t1 = time.time()
    params, external = export(model, a.out, a.opset, a.external_data)
    copied = copy_tokenizer(a.model_dir, a.out)
    t2 = time.time()
    if a.check:
        err = check_onnx(model, a.out)
        ok = err <= a.tol
        print("check: %s: the .onnx graph (numpy interpreter, batch 1) vs "
              "the torch module: max|diff| / max|logit| = %.3g" % (
                  "OK" if ok else "FAIL", err))
        if not ok:
            print("error: the exported graph disagrees with the torch module",
                  file=sys.stderr)
            return 1
    print("wrote %s (%s, %d layers, %.2fM params, opset %d, %s%s) in %.1f s "
          "(export %.1f s)" % (
              a.out, cfg.arch, cfg.layers, params / 1e6, a.opset,
              "external data" if external else "inline weights",
              ", tokenizer copied" if len(copied) == 2 else
              ", NO tokenizer" if not copied else
              ", only " + copied[0], t2 - t0, t2 - t1))
    if a.ops:
        for op, n in sorted(op_types(a.out).items()):
            print("  %-22s %d" % (op, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
