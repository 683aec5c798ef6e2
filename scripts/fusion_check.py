"""Shared pieces of the fusion numerics tests.

A test case is a primitive chain written in tfm IR (what an exporter's
graph imports to) with a numpy reference. `compare_fused_and_chain` runs
the fusion pass(es) with tfc-opt, checks that the expected op appeared,
then compiles both the fused and the original function with tfc, runs them
on the case's inputs and compares each with the reference; `run_cases` is
the command-line driver.
Used by test/e2e/ops/fusion_numerics.py and
test/Dialect/Tfm/Transforms/attention/attention_numerics.py.
"""

import argparse
import os
import subprocess

import numpy as np

import npy_runner


def ttype(shape, elt="f32"):
    return "tensor<" + "".join(f"{d}x" for d in shape) + f"{elt}>"


def _literal(a, fmt):
    if a.ndim == 0:
        return fmt(a)
    return "[" + ", ".join(_literal(v, fmt) for v in a) + "]"


def dense(a, elt="f32"):
    """`dense<...> : tensor<...>` of `a` (floats with 9 digits, or i1)."""
    if elt == "i1":
        fmt = lambda v: "true" if bool(v) else "false"  # noqa: E731
    else:
        fmt = lambda v: "%.9e" % float(v)  # noqa: E731
    return f"dense<{_literal(np.asarray(a), fmt)}> : {ttype(np.shape(a), elt)}"


def compile_and_run(tfc, src, inputs, prefix):
    """Compiles `src` to an executable and runs it on `inputs` (one result)."""
    exe = prefix + ".exe"
    r = subprocess.run([tfc, "compile", src, "-o", exe], capture_output=True,
                       text=True)
    if r.returncode != 0:
        return None, f"compile {src} failed:\n{r.stderr}"
    results, error = npy_runner.run(exe, inputs, 1, prefix)
    return (results[0] if results else None), error


def check(got, want, tol):
    """None when |got - want| <= tol * max(1, max|want|) everywhere."""
    if got.shape != want.shape:
        return f"shape {got.shape} != expected {want.shape}"
    scale = max(1.0, float(np.max(np.abs(want))))
    err = float(np.max(np.abs(got.astype(np.float64) - want)))
    if not err <= tol * scale:
        return f"max abs error {err:.3g} > {tol} x {scale:.3g}"
    return None


def compare_fused_and_chain(tfc, tfc_opt, work, name, mlir, passes,
                            fused_ops, gone_op, inputs, ref, tol):
    """Fuses `mlir` with `passes`; None when every op of `fused_ops` is
    there, `gone_op` is not, and both versions match `ref`."""
    chain = os.path.join(work, name + ".chain.mlir")
    fused = os.path.join(work, name + ".fused.mlir")
    with open(chain, "w") as f:
        f.write(mlir)
    r = subprocess.run([tfc_opt, chain] + ["--" + p for p in passes] +
                       ["-o", fused], capture_output=True, text=True)
    if r.returncode != 0:
        return f"{' '.join(passes)} failed:\n{r.stderr}"
    text = open(fused).read()
    if any(op not in text for op in fused_ops) or gone_op in text:
        return f"{' '.join(passes)} did not fuse the chain:\n{text}"
    for label, src in [("fused", fused), ("chain", chain)]:
        got, error = compile_and_run(tfc, src, inputs,
                                     os.path.join(work, f"{name}.{label}"))
        if error:
            return f"{label}: {error}"
        error = check(got, np.asarray(ref), tol)
        if error:
            return f"{label}: {error}"
    return None


def run_cases(title, make_cases, run_case, salt):
    """Parses --tfc/--opt/--work/--seed, runs every case, prints PASS/FAIL
    lines and a summary; returns the exit status."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--tfc", required=True)
    ap.add_argument("--opt", required=True, help="the tfc-opt binary")
    ap.add_argument("--work", required=True)
    ap.add_argument("--seed", type=int,
                    default=int(os.environ.get("TFC_TEST_SEED", "0")))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    all_cases = make_cases(np.random.default_rng([args.seed, salt]))
    failures = 0
    for case in all_cases:
        err = run_case(args.tfc, args.opt, args.work, case)
        print(f"{'PASS' if err is None else 'FAIL'}: {case.name}")
        if err:
            failures += 1
            print("  " + err.replace("\n", "\n  "))
    print(f"{title}: {len(all_cases) - failures}/{len(all_cases)} passed "
          f"(seed {args.seed})")
    return 1 if failures else 0
