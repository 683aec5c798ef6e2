#!/usr/bin/python3
"""The fusion passes on real torch exports: generates small random GPT-2
(one per GELU form) and LLaMA checkpoints (scripts/gen_hf_model.py), exports
them as transformers writes them (scripts/export_onnx_lm.py), cuts the
normalization + MLP of layer 0 out of each graph (onnx.utils.Extractor, the
hidden state as a static [1, S, hidden] input), and compiles it with
`tfc compile --fusion-report`; also a BERT-style torch MLP block exported
directly (its nn.Linear layers export as MatMul + Add). Checks that

  * the expected patterns fused (LayerNorm below opset 17, the GELU form,
    RMSNorm, SiLU, SwiGLU, the bias adds) and no fusion pattern reported a
    near miss,
  * the executable agrees with the numpy ONNX interpreter
    (scripts/reference/onnx_eval.py) on random hidden states.

Needs torch and onnx (Debian's python3-torch, python3-onnx) and a tfc built
with ONNX support; without them it prints SKIP and succeeds (the synthetic
chains of fusion_numerics.py still run). Usage:

  fusion_exports.py --tfc build/bin/tfc --work DIR
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "..", "..", "..", "scripts")
sys.path.insert(0, SCRIPTS)
sys.path.insert(0, os.path.join(SCRIPTS, "reference"))

# name, gen_hf_model.py arguments, opset, node-name prefixes of the norm and
# of the MLP, the patterns that must fuse.
CASES = [
    ("gpt2_gelu_new_13", ["--preset", "gpt2-tiny"], 13,
     "/transformer/h.0/ln_2/", "/transformer/h.0/mlp/",
     {"layer_norm": 1, "gelu": 1}),
    ("gpt2_gelu_erf_14", ["--preset", "gpt2-tiny", "--activation", "gelu"],
     14, "/transformer/h.0/ln_2/", "/transformer/h.0/mlp/",
     {"layer_norm": 1, "gelu": 1}),
    ("gpt2_gelu_tanh_17",
     ["--preset", "gpt2-tiny", "--activation", "gelu_pytorch_tanh"], 17,
     "/transformer/h.0/ln_2/", "/transformer/h.0/mlp/", {"gelu": 1}),
    ("llama_13", ["--preset", "llama-gqa2"], 13,
     "/model/layers.0/post_attention_layernorm/", "/model/layers.0/mlp/",
     {"rms_norm": 1, "silu": 1, "swiglu": 1}),
    ("llama_14", ["--preset", "llama-gqa2"], 14,
     "/model/layers.0/input_layernorm/", "/model/layers.0/self_attn/q_proj/",
     {"rms_norm": 1}),
    # gen_args None: a torch MLP block exported directly (export_mlp).
    ("bert_mlp_13", None, 13, None, None,
     {"layer_norm": 1, "gelu": 1, "linear_bias": 2}),
]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stdout}{r.stderr}")
    return r.stdout


def cut(onnx, model_path, norm, mlp, out_path, seq):
    """The subgraph from the norm's input to the MLP's last output."""
    import onnx.utils
    from onnx import TensorProto
    model = onnx.load(model_path)
    nodes = model.graph.node
    first = next(n for n in nodes if n.name.startswith(norm))
    last = [n for n in nodes if n.name.startswith(mlp)][-1]
    source, sink = first.input[0], last.output[0]
    sub = onnx.utils.Extractor(model).extract_model([source], [sink])
    scale = next(i for i in model.graph.initializer
                 if i.name.endswith(norm.strip("/").replace("/", ".") +
                                    ".weight"))
    hidden = scale.dims[0]
    inp = sub.graph.input[0]
    inp.type.tensor_type.elem_type = TensorProto.FLOAT
    del inp.type.tensor_type.shape.dim[:]
    for d in (1, seq, hidden):
        inp.type.tensor_type.shape.dim.add().dim_value = d
    del sub.graph.value_info[:]
    onnx.save(sub, out_path)
    return sub, inp.name, hidden


def report_counts(text):
    """{pattern: (fused, near misses)} from tfc's fusion report table."""
    counts = {}
    for line in text.splitlines():
        m = re.match(r"^\s+([a-z_]+)\s+(\d+)\s+(\d+)\s*$", line)
        if m:
            counts[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return counts


def export_mlp(part, seq, opset):
    """A BERT-style MLP block (nn.Linear on a rank-3 input exports as MatMul
    then Add(bias, ...)), exported directly: LayerNorm, Linear, erf GELU,
    Linear."""
    import onnx
    import torch
    torch.manual_seed(3)
    hidden = 24
    block = torch.nn.Sequential(torch.nn.LayerNorm(hidden),
                                torch.nn.Linear(hidden, 4 * hidden),
                                torch.nn.GELU(),
                                torch.nn.Linear(4 * hidden, hidden))
    with torch.no_grad():
        for p in block.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    torch.onnx.export(block, (torch.randn(1, seq, hidden),), part,
                      input_names=["h"], output_names=["y"],
                      opset_version=opset)
    return onnx.load(part), "h", hidden


def check_case(tfc, work, case, rng):
    import onnx
    import onnx_eval
    import npy_runner
    name, gen_args, opset, norm, mlp, expected = case
    part = os.path.join(work, name + ".onnx")
    seq = int(rng.integers(2, 9))
    if gen_args is None:
        sub, input_name, hidden = export_mlp(part, seq, opset)
    else:
        hf = os.path.join(work, name + ".hf")
        run([sys.executable, os.path.join(SCRIPTS, "gen_hf_model.py"),
             *gen_args, "--seed", "4", "--out", hf])
        full = os.path.join(work, name + ".full.onnx")
        run([sys.executable, os.path.join(SCRIPTS, "export_onnx_lm.py"), hf,
             "--opset", str(opset), "--out", full])
        sub, input_name, hidden = cut(onnx, full, norm, mlp, part, seq)
    exe = os.path.join(work, name)
    report = run([tfc, "compile", part, "-o", exe, "--onnx-inline-limit=-1",
                  "--fusion-report"])
    counts = report_counts(report)
    for pattern, n in expected.items():
        if counts.get(pattern, (0, 0))[0] != n:
            return f"expected {n} {pattern} fused:\n{report}"
    if any(misses for _, misses in counts.values()):
        return f"near misses reported:\n{report}"
    x = (rng.standard_normal([1, seq, hidden]) * 2).astype(np.float32)
    want = onnx_eval.run(sub, {input_name: x})
    want = np.asarray(list(want.values())[0] if isinstance(want, dict)
                      else want[0], np.float64)
    got, error = npy_runner.run(exe, [x], 1, exe)
    if error:
        return error
    got = got[0]
    if got.shape != want.shape:
        return f"shape {got.shape} != expected {want.shape}"
    scale = max(1.0, float(np.max(np.abs(want))))
    err = float(np.max(np.abs(got - want)))
    if not err <= 1e-5 * scale:
        return f"max abs error {err:.3g} > 1e-05 x {scale:.3g}"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tfc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    try:
        import onnx  # noqa: F401
        import torch  # noqa: F401
    except ImportError as e:
        print(f"SKIP: {e}")
        return 0
    os.makedirs(args.work, exist_ok=True)
    rng = np.random.default_rng(5)
    failures = 0
    for case in CASES:
        try:
            err = check_case(args.tfc, args.work, case, rng)
        except RuntimeError as e:
            if "without ONNX support" in str(e):
                print("SKIP: tfc without ONNX support")
                return 0
            err = str(e)
        print(f"{'PASS' if err is None else 'FAIL'}: {case[0]}")
        if err:
            failures += 1
            print("  " + err.replace("\n", "\n  "))
    print(f"fusion exports: {len(CASES) - failures}/{len(CASES)} passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
