#!/usr/bin/python3
"""Writes small ONNX models for tfc's importer tests (Debian's python3-onnx).

  gen_onnx_model.py CASE OUT.onnx [--opset N]

CASE is one of the names in CASES (run with --list). Models with external
data write OUT.onnx.data beside the model. `block` also has a numpy
reference: reference(case, inputs) returns the expected outputs.
"""
import argparse
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64


def vi(name, elem, shape):
    if elem is None:  # type left to the consumer
        return helper.make_empty_tensor_value_info(name)
    return helper.make_tensor_value_info(name, elem, shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, inits=(), opset=17, name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="tfc-test")
    return m


def rng_array(shape, seed=0, scale=1.0):
    r = np.random.default_rng(seed)
    return (r.standard_normal(shape) * scale).astype(np.float32)


N = helper.make_node

# ------------------------------------------------------------------ cases


def case_binary(opset):
    nodes = [N("Add", ["x", "b"], ["add"], name="add0"),
             N("Sub", ["x", "b"], ["sub"], name="sub0"),
             N("Mul", ["p", "q"], ["mul"], name="mul0"),
             N("Div", ["x", "x"], ["div"], name="div0")]
    return model(nodes, [vi("x", F, ["seq", 4]), vi("b", F, [4]),
                         vi("p", F, [2, 1, 3]), vi("q", F, [4, 1])],
                 [vi("add", F, None), vi("sub", F, None), vi("mul", F, None),
                  vi("div", F, None)], opset=opset)


UNARY = ["Sqrt", "Reciprocal", "Neg", "Exp", "Tanh", "Erf", "Sigmoid", "Relu",
         "Cos", "Sin", "Abs", "Log"]


def case_unary(opset):
    nodes = [N(op, ["x"], [op.lower()], name=op.lower() + "0") for op in UNARY]
    nodes.append(N("Pow", ["x", "two"], ["pow2"], name="pow_const"))
    nodes.append(N("Pow", ["x", "y"], ["powy"], name="pow_var"))
    nodes.append(N("Pow", ["x", "two_i"], ["powi"], name="pow_int_exp"))
    nodes.append(N("Relu", ["xi"], ["relu_i"], name="relu_int"))
    return model(nodes, [vi("x", F, [3, 5]), vi("y", F, [5]),
                         vi("xi", I64, [4])],
                 [vi(op.lower(), F, None) for op in UNARY] +
                 [vi("pow2", F, None), vi("powy", F, None),
                  vi("powi", F, None), vi("relu_i", I64, None)],
                 [init("two", np.array(3.0, np.float32)),
                  init("two_i", np.array(2, np.int64))], opset=opset)


def case_matmul(opset):
    nodes = [N("MatMul", ["x", "w"], ["lin"], name="proj"),
             N("MatMul", ["q", "k"], ["bmm"], name="scores"),
             N("MatMul", ["v", "w"], ["vec"], name="vecmat")]
    return model(nodes, [vi("x", F, ["seq", 8]), vi("q", F, [2, "seq", 4]),
                         vi("k", F, [2, 4, 6]), vi("v", F, [8])],
                 [vi("lin", F, None), vi("bmm", F, None), vi("vec", F, None)],
                 [init("w", rng_array([8, 16]))], opset=opset)


def case_gemm(opset):
    nodes = [N("Gemm", ["x", "w", "c"], ["y"], name="fc", transB=1),
             N("Gemm", ["x", "w2", "c2"], ["z"], name="fc_scaled", alpha=0.5,
               beta=2.0)]
    return model(nodes, [vi("x", F, [3, 8])], [vi("y", F, None), vi("z", F, None)],
                 [init("w", rng_array([16, 8])), init("c", rng_array([16], 1)),
                  init("w2", rng_array([8, 4], 3)), init("c2", rng_array([1, 4], 4))],
                 opset=opset)


def case_norm(opset):
    nodes = [N("Softmax", ["x"], ["sm"], name="softmax0", axis=-1),
             N("Softmax", ["x"], ["sm0"], name="softmax_axis0", axis=0),
             N("ReduceMean", ["x"], ["mean"], name="mean0", axes=[-1]),
             N("ReduceMean", ["x"], ["mean_all"], name="mean1", keepdims=0)]
    outs = [vi("sm", F, None), vi("sm0", F, None), vi("mean", F, None),
            vi("mean_all", F, None)]
    inits = []
    if opset >= 17:
        nodes.append(N("LayerNormalization", ["x", "g", "bb"], ["ln"],
                       name="ln0", epsilon=1e-5))
        outs.append(vi("ln", F, None))
        inits = [init("g", rng_array([6], 1)), init("bb", rng_array([6], 2))]
    return model(nodes, [vi("x", F, [4, 6])], outs, inits, opset=opset)


def case_shape(opset):
    """GPT-2's head split: Shape -> Gather -> Unsqueeze -> Concat -> Reshape,
    with a dynamic sequence length."""
    nodes = [
        N("Shape", ["x"], ["shp"], name="shape0"),
        N("Gather", ["shp", "zero"], ["seq"], name="gather_seq", axis=0),
        N("Unsqueeze", ["seq", "axes0"], ["seq1"], name="unsq_seq"),
        N("Concat", ["seq1", "heads"], ["newshape"], name="cat_shape", axis=0),
        N("Reshape", ["x", "newshape"], ["split"], name="split_heads"),
        N("Transpose", ["split"], ["t"], name="to_heads", perm=[1, 0, 2]),
        N("Reshape", ["x", "flat"], ["r"], name="reshape_const"),
        N("Unsqueeze", ["x", "axes0"], ["u"], name="unsq_x"),
        N("Squeeze", ["u", "axes0"], ["s"], name="sq_x"),
        N("Cast", ["x"], ["xi"], name="to_int", to=I64),
        N("Identity", ["x"], ["ident"], name="ident0"),
        N("Constant", [], ["c"], name="const0",
          value=numpy_helper.from_array(np.array([1.5, 2.5], np.float32))),
        N("Concat", ["x", "x"], ["cat"], name="cat_x", axis=-1),
    ]
    return model(nodes, [vi("x", F, ["seq", 8])],
                 [vi(n, None, None) for n in
                  ["t", "r", "s", "xi", "ident", "c", "cat"]],
                 [init("zero", np.array(0, np.int64)),
                  init("axes0", np.array([0], np.int64)),
                  init("heads", np.array([2, 4], np.int64)),
                  init("flat", np.array([-1, 2, 4], np.int64))], opset=opset)


def case_gather(opset):
    nodes = [N("Gather", ["wte", "ids"], ["emb"], name="embed", axis=0),
             N("Gather", ["x", "idx"], ["cols"], name="pick_cols", axis=1)]
    return model(nodes, [vi("ids", I64, ["seq"]), vi("x", F, [3, 5])],
                 [vi("emb", F, None), vi("cols", F, None)],
                 [init("wte", rng_array([100, 8])),
                  init("idx", np.array([[4, -1], [0, 2]], np.int64))],
                 opset=opset)


def case_unsupported(opset):
    nodes = [N("Add", ["x", "x"], ["a"], name="ok_add"),
             N("CumSum", ["a", "axis"], ["w1"], name="/h.0/CumSum"),
             N("ScatterND", ["w1", "shp", "x"], ["e"], name="/h.0/ScatterND"),
             N("CumSum", ["e", "axis"], ["w2"], name="/h.1/CumSum"),
             N("FastGelu", ["w2"], ["g"], name="/h.1/FastGelu",
               domain="com.microsoft"),
             N("Relu", ["g"], ["r"], name="relu"),
             N("Einsum", ["r"], ["y"], name="", equation="ij->ji")]
    m = model(nodes, [vi("x", F, [4, 4])], [vi("y", F, None)],
              [init("shp", np.array([4, 4], np.int64)),
               init("axis", np.array(0, np.int64))], opset=opset)
    m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return m


def case_external(opset):
    """Weights in OUT.onnx.data: one large (-> tfm.weight), one small
    (inlined from the data file)."""
    nodes = [N("MatMul", ["x", "w"], ["h"], name="proj"),
             N("Add", ["h", "bias"], ["y"], name="bias_add")]
    return model(nodes, [vi("x", F, ["seq", 16])], [vi("y", F, None)],
                 [init("w", rng_array([16, 32])),
                  init("bias", np.arange(32, dtype=np.float32))], opset=opset)


def case_mask(opset):
    """A causal mask as torch exports it: Range over the sequence length,
    Greater, Where(-inf); Split of the features; Not, Equal, Less."""
    nodes = [
        N("Shape", ["x"], ["shp"], name="shape0"),
        N("Gather", ["shp", "zero"], ["n"], name="seq_len", axis=0),
        N("Range", ["zero", "n", "one"], ["pos"], name="positions"),
        N("Unsqueeze", ["pos", "ax1"], ["rows"], name="rows"),
        N("Unsqueeze", ["pos", "ax0"], ["cols"], name="cols"),
        N("Greater", ["cols", "rows"], ["future"], name="is_future"),
        N("Split", ["x", "parts"], ["a", "b"], name="split_feat", axis=-1),
        N("Transpose", ["b"], ["bt"], name="bt"),
        N("MatMul", ["b", "bt"], ["s"], name="scores"),
        N("Where", ["future", "neg_inf", "s"], ["masked"], name="mask"),
        N("Softmax", ["masked"], ["p"], name="softmax", axis=-1),
        N("Not", ["future"], ["visible"], name="not_future"),
        N("Cast", ["visible"], ["visible_i"], name="visible_i", to=I64),
        N("Less", ["a", "zero_f"], ["neg"], name="is_neg"),
        N("Equal", ["rows", "cols"], ["diag"], name="diag"),
        N("Where", ["neg", "a", "zero_f"], ["a_neg"], name="keep_neg"),
        N("Cast", ["diag"], ["diag_i"], name="diag_i", to=I64),
    ]
    return model(nodes, [vi("x", F, ["seq", 6])],
                 [vi("p", F, None), vi("a_neg", F, None),
                  vi("visible_i", I64, None), vi("diag_i", I64, None)],
                 [init("zero", np.array(0, np.int64)),
                  init("one", np.array(1, np.int64)),
                  init("ax0", np.array([0], np.int64)),
                  init("ax1", np.array([1], np.int64)),
                  init("parts", np.array([2, 4], np.int64)),
                  init("neg_inf", np.array(-np.inf, np.float32)),
                  init("zero_f", np.array(0.0, np.float32))], opset=opset)


def case_reshape_ops(opset):
    """ReduceSum/ReduceMax, Flatten, Expand, ConstantOfShape, Slice, Trilu
    (the last two as HF exports build causal masks), dynamic 'seq'."""
    nodes = [
        N("ReduceSum", ["x", "ax_last"], ["sum"], name="sum0", keepdims=0),
        N("ReduceMax", ["x"], ["max"], name="max0", axes=[0]),
        N("Flatten", ["x3"], ["flat"], name="flatten0", axis=1),
        N("Shape", ["x"], ["shp"], name="shape0"),
        N("Gather", ["shp", "zero"], ["n"], name="seq_len", axis=0),
        N("Unsqueeze", ["n", "ax0"], ["n1"], name="n1"),
        N("Concat", ["n1", "n1"], ["nn"], name="nn", axis=0),
        N("ConstantOfShape", ["nn"], ["ones"], name="ones",
          value=numpy_helper.from_array(np.array([1.0], np.float32))),
        N("Trilu", ["ones"], ["tri"], name="causal", upper=0),
        N("Expand", ["row", "nn"], ["ex"], name="expand0"),
        N("Slice", ["x", "s_start", "s_end", "s_axes"], ["sl"], name="slice0"),
        N("Slice", ["x", "s_neg", "s_big", "ax0"], ["tail"], name="slice_tail"),
        N("Slice", ["shp", "s_one", "s_big"], ["shp_tail"], name="slice_shape"),
        N("ConstantOfShape", ["shp_tail"], ["z"], name="zeros8"),
        N("Trilu", ["x3", "k1"], ["tri3"], name="upper_k1"),
    ]
    return model(nodes, [vi("x", F, ["seq", 8]), vi("x3", F, [2, 3, 4]),
                         vi("row", F, [1, "seq"])],
                 [vi(n, None, None) for n in
                  ["sum", "max", "flat", "tri", "ex", "sl", "tail", "z", "tri3"]],
                 [init("zero", np.array(0, np.int64)),
                  init("ax0", np.array([0], np.int64)),
                  init("ax_last", np.array([-1], np.int64)),
                  init("s_start", np.array([1, 2], np.int64)),
                  init("s_end", np.array([3, 100], np.int64)),
                  init("s_axes", np.array([0, 1], np.int64)),
                  init("s_neg", np.array([-2], np.int64)),
                  init("s_one", np.array([1], np.int64)),
                  init("s_big", np.array([2**62], np.int64)),
                  init("k1", np.array(1, np.int64))], opset=opset)


def case_math(opset):
    """Reductions and a contraction over a run-time length 'n' (not bound
    by --seq) with static results, batched MatMul with a broadcast batch
    dimension, and an odd power of negative numbers."""
    nodes = [
        N("ReduceMean", ["x"], ["mean"], name="mean_n", axes=[0]),
        N("ReduceMax", ["x"], ["max"], name="max_n", axes=[0], keepdims=0),
        N("Transpose", ["x"], ["xt"], name="xt"),
        N("MatMul", ["xt", "x"], ["gram"], name="gram"),
        N("MatMul", ["a", "b"], ["bmm"], name="bmm_broadcast"),
        N("Pow", ["neg", "three"], ["cube"], name="cube"),
    ]
    return model(nodes, [vi("x", F, ["n", 6]), vi("a", F, [2, 3, 4]),
                         vi("b", F, [1, 4, 5]), vi("neg", F, [4])],
                 [vi(n, F, None) for n in
                  ["mean", "max", "gram", "bmm", "cube"]],
                 [init("three", np.array([3.0], np.float32))], opset=opset)


def case_fusion(opset):
    """An erf GELU as torch exports it (fuses) and a SiLU-like product whose
    sigmoid multiplies something other than its input (a near miss)."""
    nodes = [
        N("Div", ["x", "sqrt2"], ["xs"], name="gelu_div"),
        N("Erf", ["xs"], ["e"], name="gelu_erf"),
        N("Add", ["e", "one"], ["e1"], name="gelu_add"),
        N("Mul", ["x", "e1"], ["xe"], name="gelu_mul"),
        N("Mul", ["xe", "half"], ["g"], name="gelu_half"),
        N("Sigmoid", ["x"], ["sig"], name="gate_sigmoid"),
        N("Mul", ["g", "sig"], ["y"], name="gate_mul"),
    ]
    return model(nodes, [vi("x", F, ["seq", 8])], [vi("y", F, None)],
                 [init("sqrt2", np.array(1.4142135, np.float32)),
                  init("one", np.array(1.0, np.float32)),
                  init("half", np.array(0.5, np.float32))], opset=opset)


def case_opset18(opset):
    """Opset-18 forms: ReduceMean/ReduceMax axes as inputs, Split into
    num_outputs parts (the last one smaller)."""
    nodes = [
        N("ReduceMean", ["x", "ax_last"], ["mean"], name="mean18"),
        N("ReduceMax", ["x", "ax0"], ["max"], name="max18", keepdims=0),
        N("Split", ["x"], ["p0", "p1", "p2"], name="split18", axis=1,
          num_outputs=3),
    ]
    return model(nodes, [vi("x", F, ["seq", 7])],
                 [vi(n, F, None) for n in ["mean", "max", "p0", "p1", "p2"]],
                 [init("ax_last", np.array([-1], np.int64)),
                  init("ax0", np.array([0], np.int64))], opset=opset)


def case_runtime_shape(opset):
    """Reshape to a shape that is a graph input: not known at compile time."""
    return model([N("Reshape", ["x", "s"], ["y"], name="reshape_dyn")],
                 [vi("x", F, [4, 4]), vi("s", I64, [2])], [vi("y", F, None)],
                 opset=opset)


def case_bad_scale(opset):
    """An invalid model: the LayerNorm scale does not fit the input."""
    return model([N("LayerNormalization", ["x", "g"], ["y"], name="/ln_f")],
                 [vi("x", F, [4, 4])], [vi("y", F, None)],
                 [init("g", np.ones([5], np.float32))], opset=opset)


def case_dynamic_rank(opset):
    return model([N("Relu", ["x"], ["y"], name="relu")],
                 [helper.make_tensor_value_info("x", F, None)],
                 [vi("y", F, None)], opset=opset)


# A small attention block whose weights are all small enough to be inlined,
# so it compiles to a runnable executable.
D, H, S = 8, 2, 5


def block_weights():
    return {"ln_g": rng_array([D], 1, 0.5) + 1, "ln_b": rng_array([D], 2, 0.1),
            "w_qkv": rng_array([D, 3 * D], 3, 0.3)[:, :D] * 1.0,
            "b_q": rng_array([D], 4, 0.1), "w_o": rng_array([D, D], 5, 0.3),
            "three": np.array(3.0, np.float32),
            "half": np.array(0.5, np.float32),
            "c0": np.array(0.044715, np.float32),
            "c1": np.array(math.sqrt(2 / math.pi), np.float32),
            "one": np.array(1.0, np.float32),
            "scale": np.array(math.sqrt(D // H), np.float32),
            "heads": np.array([S, H, D // H], np.int64),
            "merge": np.array([0, -1], np.int64)}


def case_block(opset):
    w = block_weights()
    nodes = [
        N("LayerNormalization", ["x", "ln_g", "ln_b"], ["ln"], name="ln_1",
          epsilon=1e-5) if opset >= 17 else None,
        N("MatMul", ["ln", "w_qkv"], ["q0"], name="q_proj"),
        N("Add", ["q0", "b_q"], ["q"], name="q_bias"),
        N("Reshape", ["q", "heads"], ["qh"], name="split"),
        N("Transpose", ["qh"], ["qt"], name="to_heads", perm=[1, 0, 2]),
        N("Transpose", ["qh"], ["kt"], name="to_keys", perm=[1, 2, 0]),
        N("MatMul", ["qt", "kt"], ["s0"], name="scores"),
        N("Div", ["s0", "scale"], ["s"], name="scale"),
        N("Softmax", ["s"], ["p"], name="softmax", axis=-1),
        N("MatMul", ["p", "qt"], ["o"], name="attn_v"),
        N("Transpose", ["o"], ["ot"], name="from_heads", perm=[1, 0, 2]),
        N("Reshape", ["ot", "merge"], ["om"], name="merge"),
        N("Gemm", ["om", "w_o"], ["a"], name="o_proj"),
        # GELU (tanh form) as torch exports it.
        N("Pow", ["a", "three"], ["a3"], name="gelu_pow"),
        N("Mul", ["a3", "c0"], ["a3c"], name="gelu_mul0"),
        N("Add", ["a", "a3c"], ["inner"], name="gelu_add0"),
        N("Mul", ["inner", "c1"], ["inner2"], name="gelu_mul1"),
        N("Tanh", ["inner2"], ["th"], name="gelu_tanh"),
        N("Add", ["th", "one"], ["th1"], name="gelu_add1"),
        N("Mul", ["a", "th1"], ["g0"], name="gelu_mul2"),
        N("Mul", ["g0", "half"], ["g"], name="gelu_mul3"),
        N("ReduceMean", ["g"], ["m"], name="mean", axes=[-1]),
        N("Sub", ["g", "m"], ["y0"], name="center"),
        N("Add", ["y0", "x"], ["y"], name="residual"),
        N("Sigmoid", ["y"], ["z"], name="sig"),
    ]
    if opset < 17:
        nodes[0] = N("Identity", ["x"], ["ln"], name="ln_1")
    nodes = [n for n in nodes if n is not None]
    return model(nodes, [vi("x", F, [S, D])], [vi("y", F, None), vi("z", F, None)],
                 [init(k, v) for k, v in w.items()], opset=opset)


def reference_block(x, opset=17):
    w = {k: v.astype(np.float64) if v.dtype == np.float32 else v
         for k, v in block_weights().items()}
    x = x.astype(np.float64)
    if opset >= 17:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        ln = (x - mu) / np.sqrt(var + 1e-5) * w["ln_g"] + w["ln_b"]
    else:
        ln = x
    q = ln @ w["w_qkv"] + w["b_q"]
    qt = q.reshape(S, H, D // H).transpose(1, 0, 2)
    s = qt @ qt.transpose(0, 2, 1) / w["scale"]
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    o = (p @ qt).transpose(1, 0, 2).reshape(S, -1)
    a = o @ w["w_o"]
    g = 0.5 * a * (1 + np.tanh(w["c1"] * (a + w["c0"] * a ** 3)))
    y = g - g.mean(-1, keepdims=True) + x
    return [y, 1 / (1 + np.exp(-y))]


CASES = {"binary": case_binary, "unary": case_unary, "matmul": case_matmul,
         "gemm": case_gemm, "norm": case_norm, "shape": case_shape,
         "gather": case_gather, "unsupported": case_unsupported,
         "external": case_external, "mask": case_mask, "reshape-ops": case_reshape_ops,
         "runtime-shape": case_runtime_shape, "bad-scale": case_bad_scale,
         "dynamic-rank": case_dynamic_rank, "math": case_math,
         "opset18": case_opset18, "fusion": case_fusion,
         "block": case_block}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", nargs="?")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--seq", type=int,
                    help="bind the symbolic 'seq' dimension to this size")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list or not args.case:
        print("\n".join(sorted(CASES)))
        return 0
    if args.case not in CASES:
        sys.exit(f"gen_onnx_model.py: unknown case '{args.case}'")
    m = CASES[args.case](args.opset)
    if args.seq:
        for v in m.graph.input:
            for d in v.type.tensor_type.shape.dim:
                if d.dim_param == "seq":
                    d.dim_value = args.seq
    if args.case == "external":
        data = os.path.basename(args.out) + ".data"
        onnx.save_model(m, args.out, save_as_external_data=True,
                        all_tensors_to_one_file=True, location=data,
                        size_threshold=0)
    else:
        onnx.save_model(m, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
