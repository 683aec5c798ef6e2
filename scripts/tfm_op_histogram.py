#!/usr/bin/python3
"""Compare the tfm ops of two models, function by function.

  tfm_op_histogram.py A.mlir B.mlir [--ignore weight,reshape] [--all-dialects]

A and B are tfm-level modules (`tfc compile MODEL --emit=tfm -o A.mlir`),
e.g. the HF import and the ONNX import of the same weights. Counts the ops
of each function (tfc_prefill, tfc_prefill_last, tfc_decode, ...): the
high-level ones (tfm.embedding, linear, layer_norm, rms_norm, attention,
rotary, gelu, silu, swiglu, softmax, matmul) and whatever fine-grained tfm
ops are left (add, mul, where, reduce_mean, ...), and prints the two
histograms side by side, marking each row that differs.

Exit status: 0 when every function both files define has the same counts
(the ops named by --ignore aside), 1 when some differ or the files share no
function, 2 on a bad input.
"""

import argparse
import os
import re
import sys

# An op at the start of a line: `%a = tfm.add ...`, `%a:2 = ...`,
# `tfm.foo ...` (no results) or the generic form `"tfm.add"(...)`.
OP = re.compile(r'^\s*(?:%[\w#:, %]*=\s*)?"?([a-z_][\w$]*\.[\w$.]+)"?'
                r'(?=[\s(<{:"]|$)')
FUNC = re.compile(r'^\s*func\.func\s+(?:(?:public|private|nested)\s+)?'
                  r'@("[^"]*"|[\w$.-]+)')
# The high-level ops, listed first (and always, with 0 where absent).
HIGH_LEVEL = ["embedding", "linear", "layer_norm", "rms_norm", "attention",
              "rotary", "gelu", "silu", "swiglu", "softmax", "matmul"]


def histogram(path, all_dialects):
    """{function name: {op name: count}} in the order the file defines the
    functions. Op names drop the 'tfm.' prefix; other dialects' ops are
    kept whole (with --all-dialects) or skipped."""
    funcs, cur = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = FUNC.match(line)
            if m:
                cur = funcs.setdefault(m.group(1).strip('"'), {})
                continue
            m = OP.match(line)
            if not m or cur is None:
                continue
            op = m.group(1)
            if op.startswith("tfm."):
                op = op[4:]
            elif not all_dialects or op.startswith("func."):
                continue
            cur[op] = cur.get(op, 0) + 1
    return funcs


def rows(a, b):
    """Op names to show: the high-level ones, then the rest sorted, tfm ops
    before other dialects'."""
    rest = sorted((set(a) | set(b)) - set(HIGH_LEVEL),
                  key=lambda op: ("." in op, op))
    return HIGH_LEVEL + rest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("a", help="first .mlir file (tfc compile --emit=tfm)")
    ap.add_argument("b", help="second .mlir file")
    ap.add_argument("--ignore", action="append",
                    help="comma-separated ops shown but not compared, tfm "
                    "ops without 'tfm.' (repeatable; default: weight)")
    ap.add_argument("--all-dialects", action="store_true",
                    help="also count non-tfm ops (arith, tensor, ...)")
    ap.add_argument("--labels", help="two comma-separated column titles "
                    "(default: the file names)")
    a = ap.parse_args(argv)
    ignore = set(op for arg in (a.ignore or ["weight"])
                 for op in arg.split(",") if op)
    try:
        ha = histogram(a.a, a.all_dialects)
        hb = histogram(a.b, a.all_dialects)
    except (OSError, UnicodeDecodeError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    for path, h in ((a.a, ha), (a.b, hb)):
        if not h:
            print("error: %s: no func.func found" % path, file=sys.stderr)
            return 2
    if a.labels:
        labels = a.labels.split(",")
        if len(labels) != 2:
            ap.error("--labels: expected two titles")
    else:
        labels = [os.path.basename(a.a), os.path.basename(a.b)]
    w = max(14, *(len(l) for l in labels))
    names = list(ha) + [f for f in hb if f not in ha]
    differ, common = [], 0
    for fn in names:
        fa, fb = ha.get(fn), hb.get(fn)
        print("function %-22s %*s %*s" % (fn, w, labels[0], w, labels[1]))
        if fa is None or fb is None:
            print("  (only in %s: not compared)" % (
                labels[0] if fb is None else labels[1]))
            continue
        common += 1
        for op in rows(fa, fb):
            na, nb = fa.get(op, 0), fb.get(op, 0)
            mark = ""
            if na != nb:
                mark = "   (ignored)" if op in ignore else "   <-- differs"
                if op not in ignore and fn not in differ:
                    differ.append(fn)
            print("  %-29s %*d %*d%s" % (op, w, na, w, nb, mark))
    if not common:
        print("DIFFERENT: no function in common")
        return 1
    if differ:
        print("DIFFERENT: %s" % ", ".join(differ))
        return 1
    print("SAME: %d function%s" % (common, "" if common == 1 else "s"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
