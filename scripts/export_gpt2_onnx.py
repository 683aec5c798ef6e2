#!/usr/bin/env python3
"""Export a HuggingFace GPT-2 checkpoint to ONNX with a KV cache.

  export_gpt2_onnx.py MODEL_DIR --out gpt2.onnx [--check]

A plain torch implementation of GPT2LMHeadModel (batch 1, float32) that
loads config.json and the safetensors directly (the `transformers` package is
not needed), exported with torch.onnx.export at opset 17 as ONE graph that
serves both phases:

  inputs   input_ids                 int64 [1, seq]
           past.<i>.key / .value     float [1, heads, past_seq, head_dim]
  outputs  logits                    float [1, seq, vocab]
           present.<i>.key / .value  float [1, heads, past_seq + seq, head_dim]

Prefill passes past tensors with past_seq = 0; each decode step passes one
token and the previous step's presents. Positions are past_seq + 0..seq-1.
The weights are stored inline, or as external data (<out>.data) when they
exceed protobuf's 2 GB limit. A sidecar <out>.json records the shapes a
runner needs (layers, heads, head_dim, vocab, input/output names).

The tied lm_head is kept once, as [hidden, vocab]: the embedding lookup
gathers columns of it, so no transposed copy of the 150 MB matrix is stored.

--check compares the logits of the torch module (prefill, then one cached
step) with the numpy reference scripts/reference/hf_reference.py.

The module is also bench/torch_gpt2.py's PyTorch eager model.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "reference"))
import hf_reference  # noqa: E402
import safetensors_np  # noqa: E402


def _param(array):
    t = torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))
    return torch.nn.Parameter(t, requires_grad=False)


class Block(torch.nn.Module):
    def __init__(self, cfg, w, prefix):
        super().__init__()
        self.heads, self.head_dim, self.eps = cfg.heads, cfg.head_dim, cfg.eps
        self.hidden, self.act = cfg.hidden, cfg.act
        for name in ("ln_1.weight", "ln_1.bias", "attn.c_attn.weight",
                     "attn.c_attn.bias", "attn.c_proj.weight",
                     "attn.c_proj.bias", "ln_2.weight", "ln_2.bias",
                     "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight",
                     "mlp.c_proj.bias"):
            # Conv1D weights are [in, out]: y = x @ W + b (one Gemm each).
            setattr(self, name.replace(".", "_"), _param(w[prefix + name]))

    def activation(self, x):
        if self.act == "gelu":
            return F.gelu(x)
        # gelu_new / gelu_pytorch_tanh, written as transformers'
        # NewGELUActivation (the form ONNX Runtime's fusions recognize).
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (
            x + 0.044715 * torch.pow(x, 3.0))))

    def forward(self, x, mask, past_k, past_v):
        """x: [seq, hidden]; mask: [seq, past_seq + seq] (True = hidden);
        past_k/past_v: [1, heads, past_seq, head_dim] or None."""
        hidden = self.hidden  # a Python int: traced as a constant
        a = F.layer_norm(x, (hidden,), self.ln_1_weight, self.ln_1_bias,
                         self.eps)
        qkv = torch.addmm(self.attn_c_attn_bias, a, self.attn_c_attn_weight)
        q, k, v = qkv.split(hidden, dim=1)
        # [seq, hidden] -> [1, heads, seq, head_dim]
        q, k, v = (t.reshape(-1, self.heads, self.head_dim).transpose(0, 1)
                   .unsqueeze(0) for t in (q, k, v))
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        scores = torch.matmul(q, k.transpose(2, 3)) * (
            1.0 / math.sqrt(self.head_dim))
        scores = scores.masked_fill(mask, torch.finfo(torch.float32).min)
        o = torch.matmul(torch.softmax(scores, dim=-1), v)
        o = o[0].transpose(0, 1).reshape(-1, hidden)
        x = x + torch.addmm(self.attn_c_proj_bias, o, self.attn_c_proj_weight)
        m = F.layer_norm(x, (hidden,), self.ln_2_weight, self.ln_2_bias,
                         self.eps)
        m = self.activation(torch.addmm(self.mlp_c_fc_bias, m,
                                        self.mlp_c_fc_weight))
        x = x + torch.addmm(self.mlp_c_proj_bias, m, self.mlp_c_proj_weight)
        return x, k, v


class GPT2(torch.nn.Module):
    """GPT2LMHeadModel, batch 1. forward(input_ids [1, seq], *past) ->
    (logits [1, seq, vocab], present.0.key, present.0.value, ...).

    onnx_layout: keep a tied lm_head as [hidden, vocab] only (the embedding
    gathers its columns), so that the export stores it once and needs no
    transpose; otherwise as transformers: wte [vocab, hidden], embedding +
    F.linear."""

    def __init__(self, cfg, w, onnx_layout=True):
        super().__init__()
        if cfg.arch != "gpt2":
            raise SystemExit("error: model_type %r is not gpt2" % cfg.arch)
        w = {k[len("transformer."):] if k.startswith("transformer.") else k: v
             for k, v in w.items()}
        self.cfg = cfg
        tied = cfg.tied or "lm_head.weight" not in w
        self.lm_head_t = self.lm_head = self.wte = None
        if tied and onnx_layout:
            self.lm_head_t = _param(w.pop("wte.weight").T)
        else:
            self.wte = _param(w["wte.weight"])
            self.lm_head = self.wte if tied else _param(w["lm_head.weight"])
        self.wpe = _param(w["wpe.weight"])
        self.h = torch.nn.ModuleList(
            Block(cfg, w, "h.%d." % i) for i in range(cfg.layers))
        self.ln_f_weight = _param(w["ln_f.weight"])
        self.ln_f_bias = _param(w["ln_f.bias"])

    def forward(self, input_ids, *past):
        ids = input_ids[0]
        seq = ids.shape[0]
        past_len = past[0].shape[2] if past else 0
        pos = torch.arange(past_len, past_len + seq)
        if self.wte is None:
            x = self.lm_head_t.index_select(1, ids).transpose(0, 1)
        else:
            x = F.embedding(ids, self.wte)
        x = x + F.embedding(pos, self.wpe)
        # Query i (at pos[i]) sees keys 0..pos[i].
        mask = torch.arange(past_len + seq).unsqueeze(0) > pos.unsqueeze(1)
        presents = []
        for i, block in enumerate(self.h):
            pk = past[2 * i] if past else None
            pv = past[2 * i + 1] if past else None
            x, k, v = block(x, mask, pk, pv)
            presents += [k, v]
        x = F.layer_norm(x, (self.cfg.hidden,), self.ln_f_weight,
                         self.ln_f_bias, self.cfg.eps)
        if self.lm_head_t is not None:
            logits = torch.matmul(x, self.lm_head_t)
        else:
            logits = F.linear(x, self.lm_head)
        return (logits.unsqueeze(0), *presents)


def read_weights(model_dir):
    """{name: float32 array}, read (not memory-mapped, so the file's pages
    do not count in the process's RSS) from model.safetensors or the shards
    of model.safetensors.index.json."""
    _, files, _ = safetensors_np.checkpoint_files(model_dir)
    out = {}
    for path in files:
        header, _, start = safetensors_np.read_header(path)
        for name, e in header.items():
            b, end = e["data_offsets"]
            shape = tuple(e["shape"])
            if e["dtype"] == "F32":
                a = np.fromfile(path, dtype="<f4", count=(end - b) // 4,
                                offset=start + b).reshape(shape)
            else:
                raw = np.fromfile(path, dtype=np.uint8, count=end - b,
                                  offset=start + b)
                a = safetensors_np._decode(raw, e["dtype"], shape, True)
            out[name] = a
    return out


def load(model_dir, onnx_layout=True):
    """Returns (GPT2 module in eval mode, hf_reference.Config)."""
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = hf_reference.Config(json.load(f))
    model = GPT2(cfg, read_weights(model_dir), onnx_layout).eval()
    return model, cfg


def io_names(layers):
    past = [n for i in range(layers)
            for n in ("past.%d.key" % i, "past.%d.value" % i)]
    present = [n.replace("past.", "present.") for n in past]
    return ["input_ids"] + past, ["logits"] + present


def export(model, cfg, out):
    inputs, outputs = io_names(cfg.layers)
    # Trace with a non-empty past (seq 2, past 3) so no size is specialized.
    ids = torch.tensor([[1, 2]], dtype=torch.int64)
    past = tuple(torch.zeros(1, cfg.heads, 3, cfg.head_dim)
                 for _ in range(2 * cfg.layers))
    dyn = {"input_ids": {1: "seq"}, "logits": {1: "seq"}}
    for n in inputs[1:]:
        dyn[n] = {2: "past_seq"}
    for n in outputs[1:]:
        dyn[n] = {2: "total_seq"}
    params = sum(p.numel() for p in model.parameters())
    external = params * 4 > 2_000_000_000
    for stale in (out, out + ".data"):
        if os.path.exists(stale):
            os.remove(stale)
    with torch.no_grad():
        torch.onnx.export(model, (ids,) + past, out, input_names=inputs,
                          output_names=outputs, dynamic_axes=dyn,
                          opset_version=17, do_constant_folding=True)
    if external:
        import onnx
        m = onnx.load(out)
        onnx.save_model(m, out, save_as_external_data=True,
                        all_tensors_to_one_file=True,
                        location=os.path.basename(out) + ".data",
                        size_threshold=1024)
    meta = dict(layers=cfg.layers, heads=cfg.heads, head_dim=cfg.head_dim,
                hidden=cfg.hidden, vocab=cfg.vocab, ctx=cfg.ctx,
                params=params, external_data=external, inputs=inputs,
                outputs=outputs)
    with open(out + ".json", "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    return meta


def check(model, model_dir):
    """Torch module vs the numpy reference: prefill 7 tokens, then 1 cached
    step. Returns the max abs logit difference."""
    ref = hf_reference.load_model(model_dir)
    ids = [5, 17, 1, 300 % model.cfg.vocab, 42, 7, 99 % model.cfg.vocab]
    nxt = 11
    want = hf_reference.logits(ref, ids + [nxt])
    with torch.no_grad():
        out = model(torch.tensor([ids]))
        step = model(torch.tensor([[nxt]]), *out[1:])
    got = np.concatenate([out[0][0].numpy(), step[0][0].numpy()])
    return float(np.abs(got - want).max()), float(np.abs(want).max())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--out", required=True, help="output .onnx file")
    ap.add_argument("--check", action="store_true",
                    help="compare the torch module with the numpy reference")
    a = ap.parse_args(argv)
    t0 = time.time()
    model, cfg = load(a.model_dir)
    if a.check:
        err, scale = check(model, a.model_dir)
        print("check: max |torch - numpy reference| = %.3g (logits up to "
              "%.3g)" % (err, scale))
        if not err <= 1e-3 * max(1.0, scale):
            print("error: the torch module disagrees with the reference",
                  file=sys.stderr)
            return 1
    meta = export(model, cfg, a.out)
    print("wrote %s (%d layers, %.1fM params, %s) in %.1f s"
          % (a.out, meta["layers"], meta["params"] / 1e6,
             "external data" if meta["external_data"] else "inline weights",
             time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
