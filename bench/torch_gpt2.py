#!/usr/bin/env python3
"""Greedy GPT-2 generation with PyTorch eager and a KV cache.

  torch_gpt2.py MODEL_DIR --prompt-ids 1,2,3 [-n 64] [--threads 1]

The model is scripts/export_gpt2_onnx.py's torch module (the same one that
is exported for ONNX Runtime), loaded from the HF safetensors. Prefills the
prompt, then runs n - 1 decode steps of one token each with the cache
(torch.cat per step, as transformers does). Prints the n generated ids on
stdout, comma-separated, and on stderr the same stats line as tfc's
executables:
  prompt tokens: N, prefill: X tok/s, decode: Y tok/s
prefill = prompt tokens / time of the prefill forward; decode = decode steps
/ time of the decode forwards (the argmax between steps is not timed).

For a fair figure run it with OpenBLAS's pthread build (bench/run.sh does):
  env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=T OMP_NUM_THREADS=T \\
      LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \\
      /usr/bin/python3 bench/torch_gpt2.py ...
"""

import argparse
import os
import sys
import time

t_start = time.perf_counter()

import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import export_gpt2_onnx  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("--prompt-ids", required=True,
                    help="comma-separated token ids")
    ap.add_argument("-n", "--n-predict", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    ids = [int(x) for x in a.prompt_ids.split(",")]

    torch.set_num_threads(a.threads)
    model, _ = export_gpt2_onnx.load(a.model_dir, onnx_layout=False)
    load_seconds = time.perf_counter() - t_start

    with torch.inference_mode():
        t = time.perf_counter()
        out = model(torch.tensor([ids], dtype=torch.int64))
        prefill_seconds = time.perf_counter() - t
        nxt = int(torch.argmax(out[0][0, -1]))
        generated = [nxt]
        decode_seconds = 0.0
        for _ in range(1, a.n_predict):
            past = out[1:]
            t = time.perf_counter()
            out = model(torch.tensor([[nxt]], dtype=torch.int64), *past)
            decode_seconds += time.perf_counter() - t
            nxt = int(torch.argmax(out[0][0, -1]))
            generated.append(nxt)

    def rate(n, s):
        return n / s if s > 0 else 0.0

    print(",".join(map(str, generated)))
    sys.stdout.flush()
    print("load: %.3f s (torch %s, %d threads, BLAS: %s)"
          % (load_seconds, torch.__version__, torch.get_num_threads(),
             os.environ.get("LD_LIBRARY_PATH") or "system libblas.so.3"),
          file=sys.stderr)
    print("prompt tokens: %d, prefill: %.2f tok/s, decode: %.2f tok/s"
          % (len(ids), rate(len(ids), prefill_seconds),
             rate(a.n_predict - 1, decode_seconds)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
