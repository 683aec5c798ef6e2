#!/usr/bin/python3
"""Runs the ONNX backend node tests (Debian's libonnx-testdata) of the ops
tfc imports: each model.onnx is compiled with `tfc compile` (initializers
inlined; the .npy runner), run on test_data_set_*/input_*.pb and compared
with output_*.pb. Prints pass/total per op and the reason of each failure.

The harness adapts the models to what tfc and its runner take, without
changing the op under test: shape/axes inputs become initializers, bool
and float16 inputs and outputs are carried as int64 and float32 through
Casts, and
LayerNormalization's Mean/InvStdDev outputs (not imported) are dropped.

  onnx_node_tests.py --tfc build/bin/tfc --work DIR [--data DIR] [--ops A,B]
"""
import argparse
import collections
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "scripts"))
import npy_runner  # noqa: E402

DATA = "/usr/share/libonnx-testdata/data/node"

# What tfc imports (lib/Import/Onnx/OnnxImporter.cpp, supportedOps()).
SUPPORTED = {
    "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Reciprocal", "Neg", "Exp",
    "Tanh", "Erf", "Sigmoid", "Relu", "Cos", "Sin", "Abs", "Log", "MatMul",
    "Gemm", "Softmax", "LayerNormalization", "ReduceMean", "ReduceSum",
    "ReduceMax", "Reshape", "Transpose", "Unsqueeze", "Squeeze", "Concat",
    "Gather", "Cast", "Shape", "Constant", "Identity", "Split", "Where",
    "Equal", "Less", "Greater", "Not", "Range", "Flatten", "Expand",
    "ConstantOfShape", "Slice", "Trilu"}


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


# Inputs that tfc needs at compile time (shapes, axes, sizes): the node
# tests feed them as graph inputs; they are frozen into initializers with
# the test's values, as an exporter would have stored them.
SHAPE_INPUTS = {"Reshape": {1}, "Expand": {1}, "Slice": {1, 2, 3, 4},
                "Split": {1}, "Squeeze": {1}, "Unsqueeze": {1},
                "ReduceSum": {1}, "Trilu": {1}, "ConstantOfShape": {0},
                "Range": {0, 1, 2}}


def adapt(m, inputs):
    """Freezes shape inputs; wraps bool inputs and outputs in Casts to and
    from int64, since the .npy runner exchanges no i1 tensors. Returns the
    input arrays the runner still takes."""
    frozen = set()
    for n in m.graph.node:
        for i in SHAPE_INPUTS.get(n.op_type, ()):
            if i < len(n.input) and n.input[i]:
                frozen.add(n.input[i])
    keep, arrays = [], []
    for vi, a in zip(list(m.graph.input), inputs):
        if vi.name in frozen:
            m.graph.initializer.append(numpy_helper.from_array(a, vi.name))
            continue
        for small, wide_np, wide_t in [(np.bool_, np.int64, TensorProto.INT64),
                                       (np.float16, np.float32,
                                        TensorProto.FLOAT)]:
            if a.dtype != small:
                continue
            orig = vi.type.tensor_type.elem_type
            wide = vi.name + "_wide"
            m.graph.node.insert(0, helper.make_node(
                "Cast", [wide], [vi.name], to=orig))
            vi.name = wide
            vi.type.tensor_type.elem_type = wide_t
            a = a.astype(wide_np)
        keep.append(vi)
        arrays.append(a)
    del m.graph.input[:]
    m.graph.input.extend(keep)
    # LayerNormalization's Mean/InvStdDev outputs are not imported: test Y.
    dropped = set()
    for n in m.graph.node:
        if n.op_type == "LayerNormalization" and len(n.output) > 1:
            dropped.update(o for o in n.output[1:] if o)
            del n.output[1:]
    kept = [vi for vi in m.graph.output if vi.name not in dropped]
    del m.graph.output[:]
    m.graph.output.extend(kept)
    for vi in m.graph.output:
        wide = {TensorProto.BOOL: TensorProto.INT64,
                TensorProto.FLOAT16: TensorProto.FLOAT}.get(
                    vi.type.tensor_type.elem_type)
        if wide is not None:
            narrow = vi.name + "_narrow"
            for n in m.graph.node:
                n.output[:] = [narrow if o == vi.name else o for o in n.output]
                n.input[:] = [narrow if x == vi.name else x for x in n.input]
            m.graph.node.append(helper.make_node(
                "Cast", [narrow], [vi.name], to=wide))
            vi.type.tensor_type.elem_type = wide
    return arrays, dropped


def run_test(tfc, test_dir, work):
    """None on success, else a one-line reason."""
    name = os.path.basename(test_dir)
    datasets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
    if len(datasets) != 1:
        return f"{len(datasets)} data sets (the harness expects one)"
    ds = datasets[0]
    inputs = sorted(glob.glob(os.path.join(ds, "input_*.pb")),
                    key=lambda p: int(p.rsplit("_", 1)[1][:-3]))
    outputs = sorted(glob.glob(os.path.join(ds, "output_*.pb")),
                     key=lambda p: int(p.rsplit("_", 1)[1][:-3]))
    m = onnx.load(os.path.join(test_dir, "model.onnx"))
    try:
        output_names = [vi.name for vi in m.graph.output]
        arrays, dropped = adapt(m, [load_pb(p) for p in inputs])
        outputs = [p for p, n in zip(outputs, output_names) if n not in dropped]
    except Exception as e:  # sequences, optionals, strings
        return f"test data is not a plain tensor ({type(e).__name__})"
    model = os.path.join(work, name + ".onnx")
    onnx.save_model(m, model)
    exe = os.path.join(work, name)
    r = subprocess.run([tfc, "compile", model, "-o", exe,
                        "--onnx-inline-limit=-1"], capture_output=True,
                       text=True)
    if r.returncode != 0:
        lines = [l for l in r.stderr.splitlines() if "error" in l]
        if not lines:  # a crash: its first line
            lines = [l for l in r.stderr.splitlines() if l.strip()] or ["?"]
        return "compile: " + lines[0][:300]
    results, error = npy_runner.run(exe, arrays, len(outputs),
                                    os.path.join(work, name))
    if error:
        stderr = error.split("\n", 1)[1]
        return "run: " + (stderr.strip().splitlines() or ["?"])[0][:300]
    for i, (got, p) in enumerate(zip(results, outputs)):
        want = load_pb(p)
        if want.dtype == np.bool_:
            want = want.astype(np.int64)
        if want.dtype == np.float16:
            want = want.astype(np.float32)
        if got.shape != want.shape:
            return f"output {i}: shape {got.shape} != {want.shape}"
        if want.dtype.kind in "fc":
            ok = np.allclose(got.astype(np.float64),
                             want.astype(np.float64), rtol=1e-3,
                             atol=1e-4, equal_nan=True)
        else:
            ok = np.array_equal(got.astype(want.dtype), want)
        if not ok:
            return f"output {i}: values differ"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tfc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--ops", help="comma-separated op types (default: all)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    only = set(args.ops.split(",")) if args.ops else None
    per_op = collections.OrderedDict()
    failures = []
    for test_dir in sorted(glob.glob(os.path.join(args.data, "test_*"))):
        m = onnx.load(os.path.join(test_dir, "model.onnx"),
                      load_external_data=False)
        ops = {n.op_type for n in m.graph.node}
        if len(m.graph.node) != 1 or not ops <= SUPPORTED:
            continue  # tests of several ops or of ops tfc does not import
        op = m.graph.node[0].op_type
        if only and op not in only:
            continue
        err = run_test(args.tfc, test_dir, args.work)
        passed, total = per_op.get(op, (0, 0))
        per_op[op] = (passed + (err is None), total + 1)
        if err:
            failures.append((os.path.basename(test_dir), err))
    passed = sum(p for p, _ in per_op.values())
    total = sum(t for _, t in per_op.values())
    for op, (p, t) in sorted(per_op.items()):
        print(f"{op}: {p}/{t}")
    for name, err in failures:
        print(f"FAIL {name}: {err}")
    print(f"TOTAL: {passed}/{total}")
    # Wrong values or shapes (as opposed to what tfc rejects up front).
    wrong = sum(1 for _, err in failures if err.startswith("output"))
    print(f"WRONG RESULTS: {wrong}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
