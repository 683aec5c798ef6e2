#!/usr/bin/env python3
"""Writes a GPT-2 124M shaped HF checkpoint without writing its weights.

  sparse_gpt2.py OUT_DIR

config.json is the one scripts/gen_hf_model.py writes for GPT-2 small
(n_layer 12, n_embd 768, n_head 12, n_positions 1024, vocab 50257, F32,
tied). model.safetensors has the full header of GPT2LMHeadModel's state dict
("transformer.*" names, lm_head tied and so omitted) and a data region of the
right size that is never written: the file is extended with truncate(), so
it is sparse (~500 MB apparent, a few KB on disk) and reads back as zeros.
The reader checks only the header and the sizes; the data is read when the
weight blob is written, which --emit=tfm never reaches.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import gen_hf_model  # noqa: E402

LAYERS, HIDDEN, HEADS, CTX, VOCAB = 12, 768, 12, 1024, 50257


def tensor_shapes(prefix="transformer."):
    H, I = HIDDEN, 4 * HIDDEN
    shapes = [("wte.weight", (VOCAB, H)), ("wpe.weight", (CTX, H))]
    for i in range(LAYERS):
        h = "h.%d." % i
        shapes += [
            (h + "ln_1.weight", (H,)), (h + "ln_1.bias", (H,)),
            (h + "attn.c_attn.weight", (H, 3 * H)),
            (h + "attn.c_attn.bias", (3 * H,)),
            (h + "attn.c_proj.weight", (H, H)), (h + "attn.c_proj.bias", (H,)),
            (h + "ln_2.weight", (H,)), (h + "ln_2.bias", (H,)),
            (h + "mlp.c_fc.weight", (H, I)), (h + "mlp.c_fc.bias", (I,)),
            (h + "mlp.c_proj.weight", (I, H)), (h + "mlp.c_proj.bias", (H,)),
        ]
    shapes += [("ln_f.weight", (H,)), ("ln_f.bias", (H,))]
    return [(prefix + n, s) for n, s in shapes]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sparse_gpt2.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    a = gen_hf_model.resolve([
        "--arch", "gpt2", "--out", out, "--layers", str(LAYERS),
        "--hidden", str(HIDDEN), "--heads", str(HEADS), "--ctx", str(CTX),
        "--vocab", str(VOCAB), "--prefix"])
    config = gen_hf_model.gpt2_config(a)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")

    # The same layout as gen_hf_model.write_safetensors: name order, header
    # padded with spaces to 8 bytes.
    header = {"__metadata__": {"format": "pt"}}
    offset, params = 0, 0
    for name, shape in sorted(tensor_shapes()):
        n = 1
        for d in shape:
            n *= d
        header[name] = {"dtype": "F32", "shape": list(shape),
                        "data_offsets": [offset, offset + 4 * n]}
        offset += 4 * n
        params += n
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(len(raw).to_bytes(8, "little"))
        f.write(raw)
        f.truncate(8 + len(raw) + offset)
    print("parameters: %d" % params)
    print("data bytes: %d" % offset)


if __name__ == "__main__":
    main()
