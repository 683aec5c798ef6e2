#!/usr/bin/python3
"""A small numpy interpreter for ONNX graphs (opsets 13-17).

Covers the operators torch.onnx.export emits for GPT-2 / LLaMA style
language models (scripts/export_onnx_lm.py), so that an exported file can be
run without onnxruntime: the check that the graph itself, at batch 1 and at
sequence lengths other than the traced one, computes what the torch module
does. Float math in float32, as the graph's types say.

  onnx_eval.py model.onnx --ids 1,2,3 [--out logits.npy]

An operator outside the list raises NotImplementedError naming it.
"""

import argparse
import sys

import numpy as np
import onnx
from onnx import numpy_helper

_ERF = np.vectorize(__import__("math").erf, otypes=[np.float64])


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a)
            for a in node.attribute}


def _axes(v):
    return None if v is None else [int(a) for a in np.asarray(v).ravel()]


def _slice(x, starts, ends, axes=None, steps=None):
    starts, ends = _axes(starts), _axes(ends)
    axes = list(range(len(starts))) if axes is None else _axes(axes)
    steps = [1] * len(starts) if steps is None else _axes(steps)
    idx = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        idx[a] = slice(s, e, st)  # Python clamps as ONNX does (step != 0)
    return x[tuple(idx)]


def _reshape(x, shape, allowzero=0):
    shape = [int(d) for d in shape]
    if not allowzero:
        shape = [x.shape[i] if d == 0 else d for i, d in enumerate(shape)]
    return x.reshape(shape)


def _gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    a = a.T if transA else a
    b = b.T if transB else b
    y = np.float32(alpha) * (a @ b)
    return y if c is None else y + np.float32(beta) * c


def _layer_norm(x, scale, bias=None, axis=-1, epsilon=1e-5, stash_type=1):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mu = x.mean(axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axes, keepdims=True)
    y = (x - mu) / np.sqrt(var + np.float32(epsilon)) * scale
    return y if bias is None else y + bias


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _split(x, split=None, axis=0, num_outputs=None, n_out=1):
    if split is None:
        size = -(-x.shape[axis] // n_out)
        split = [size] * (n_out - 1) + [x.shape[axis] - size * (n_out - 1)]
    return tuple(np.split(x, np.cumsum(_axes(split))[:-1], axis=axis))


def _trilu(x, k=None, upper=1):
    k = 0 if k is None else int(k)
    return np.triu(x, k) if upper else np.tril(x, k)


def _cast(x, to):
    return x.astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[to])


def _reduce_mean(x, axes=None, keepdims=1):
    return x.mean(axis=None if axes is None else tuple(_axes(axes)),
                  keepdims=bool(keepdims)).astype(x.dtype)


def _constant_of_shape(shape, value=None):
    v = np.zeros(1, np.float32) if value is None else \
        numpy_helper.to_array(value)
    return np.full([int(d) for d in shape], v.ravel()[0], dtype=v.dtype)


def _pow(x, y):
    return np.power(x, y.astype(x.dtype)) if x.dtype.kind == "f" else \
        np.power(x, y)


def _div(a, b):
    if a.dtype.kind in "iu":
        return np.trunc(a / b).astype(a.dtype)  # C semantics, as ONNX
    return a / b


# name -> fn(*inputs, **attributes); inputs given as None where omitted.
OPS = {
    "Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": _div,
    "Pow": _pow, "Neg": np.negative, "Sqrt": np.sqrt, "Exp": np.exp,
    "Tanh": np.tanh, "Cos": np.cos, "Sin": np.sin,
    "Reciprocal": lambda x: np.float32(1) / x,
    "Sigmoid": lambda x: np.float32(1) / (np.float32(1) + np.exp(-x)),
    "Erf": lambda x: _ERF(x).astype(x.dtype),
    "Equal": np.equal, "Less": np.less, "Greater": np.greater,
    "Not": np.logical_not, "Where": np.where,
    "Identity": lambda x: x,
    "Cast": _cast,
    "Shape": lambda x, start=0, end=None: np.array(
        x.shape[start:end], np.int64),
    "Constant": lambda value: numpy_helper.to_array(value),
    "ConstantOfShape": _constant_of_shape,
    "Range": lambda s, l, d: np.arange(s, l, d, dtype=np.asarray(s).dtype),
    "Reshape": _reshape,
    "Squeeze": lambda x, axes=None: np.squeeze(
        x, None if axes is None else tuple(_axes(axes))),
    "Unsqueeze": lambda x, axes: np.expand_dims(x, tuple(
        a % (x.ndim + len(_axes(axes))) for a in _axes(axes))),
    "Concat": lambda *xs, axis: np.concatenate(xs, axis),
    "Transpose": lambda x, perm=None: np.transpose(x, perm),
    "Expand": lambda x, s: x * np.ones([int(d) for d in s], x.dtype),
    "Gather": lambda x, i, axis=0: np.take(x, i, axis),
    "Slice": _slice,
    "Split": _split,
    "MatMul": lambda a, b: np.matmul(a, b),
    "Gemm": _gemm,
    "Softmax": _softmax,
    "ReduceMean": _reduce_mean,
    "LayerNormalization": _layer_norm,
    "Trilu": _trilu,
}


def run(model, feeds):
    """Evaluates `model` (an onnx.ModelProto, or a path) on `feeds`
    ({input name: array}); returns {output name: array}."""
    if not isinstance(model, onnx.ModelProto):
        model = onnx.load(model)
    g = model.graph
    env = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    env.update(feeds)
    env[""] = None
    for node in g.node:
        fn = OPS.get(node.op_type)
        if fn is None or node.domain not in ("", "ai.onnx"):
            raise NotImplementedError("onnx_eval: operator %s (node %r)"
                                      % (node.op_type, node.name))
        args = [env[i] for i in node.input]
        kw = _attrs(node)
        if node.op_type == "Split":
            kw["n_out"] = len(node.output)
        out = fn(*args, **kw)
        outs = out if isinstance(out, tuple) else (out,)
        for name, v in zip(node.output, outs):
            v = np.asarray(v)
            # numpy promotes float32 with Python scalars/0-d arrays in odd
            # ways; keep the graph's float32.
            if v.dtype == np.float64 and any(
                    a is not None and np.asarray(a).dtype == np.float32
                    for a in args):
                v = v.astype(np.float32)
            env[name] = v
    return {o.name: env[o.name] for o in g.output}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--ids", required=True, help="comma-separated token ids")
    ap.add_argument("--out", help="write the first output's batch row (.npy)")
    a = ap.parse_args(argv)
    ids = np.array([[int(t) for t in a.ids.split(",")]], np.int64)
    m = onnx.load(a.model)
    out = run(m, {m.graph.input[0].name: ids})
    first = out[m.graph.output[0].name][0]
    if a.out:
        np.save(a.out, first)
    else:
        print("%s %s argmax %s" % (m.graph.output[0].name, list(first.shape),
                                   ",".join(map(str, first.argmax(-1)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
