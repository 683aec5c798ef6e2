#!/usr/bin/python3
"""Runs an executable that `tfc compile` made from a .mlir (or weightless
.onnx) function: its arguments from .npy files, its results to .npy files.

  import npy_runner
  outputs, error = npy_runner.run(exe, [a, b], num_outputs=1,
                                  prefix="work/case")

`outputs` is the list of result arrays, or None with `error` set to
"run failed (<status>):\\n<stderr>". Inputs are written to
<prefix>.in<i>.npy and results read from <prefix>.out<i>.npy.
"""
import subprocess

import numpy as np


def run(exe, inputs, num_outputs, prefix):
    cmd = [exe]
    for i, a in enumerate(inputs):
        path = f"{prefix}.in{i}.npy"
        np.save(path, a)
        cmd += ["--input", path]
    outs = [f"{prefix}.out{i}.npy" for i in range(num_outputs)]
    for path in outs:
        cmd += ["--output", path]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"run failed ({r.returncode}):\n{r.stderr}"
    return [np.load(path) for path in outs], None
