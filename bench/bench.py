#!/usr/bin/env python3
"""The benchmark behind `make bench` (bench/run.sh installs the peers, then
runs this). Standard library only.

GPT-2 124M (random weights from scripts/gen_hf_model.py), fp32, batch 1,
a 128-token prompt and 64 greedy tokens, on 1 and 2 threads, for:

  tfc          the executable `tfc compile` makes (compile time measured)
  onnxruntime  npm onnxruntime-node on scripts/export_gpt2_onnx.py's graph
               (bench/ort_gpt2.js)
  pytorch      PyTorch eager + OpenBLAS (pthread build), bench/torch_gpt2.py

and the machine's limits (bench/roofline.c: read bandwidth, fp32 FMA peak).
Every engine prints the same stats line, `prompt tokens: N, prefill: X tok/s,
decode: Y tok/s`, and its generated ids. One interleaved run:

  for rep in reps: for threads in (1, 2): roofline; for engine: run

Prints per engine and thread count the median and min-max of prefill and
decode tok/s, the peak RSS, % of the roofline and tfc/peer ratios; checks
that every run produced the same ids (MISMATCH and exit 1 otherwise). See
docs/performance.md.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"
ENGINES = ["tfc", "onnxruntime", "pytorch"]
STATS_RE = re.compile(r"prompt tokens: (\d+), prefill: ([0-9.]+) tok/s, "
                      r"decode: ([0-9.]+) tok/s")
MIB = 1024.0 * 1024.0


def log(msg=""):
    print(msg, flush=True)


# ---------------------------------------------------------------------------
# processes
# ---------------------------------------------------------------------------

class Result:
    """One child process: exit status, wall seconds, peak RSS (MiB, from
    the kernel's rusage of that child), and where its output went."""

    def __init__(self, rc, wall, rss_mib, out, err):
        self.rc, self.wall, self.rss_mib = rc, wall, rss_mib
        self.out, self.err = out, err

    def stdout(self):
        with open(self.out, errors="replace") as f:
            return f.read()

    def stderr(self):
        with open(self.err, errors="replace") as f:
            return f.read()

    def tail(self, n=6):
        lines = (self.stderr() + self.stdout()).strip().splitlines()
        return "\n".join("    | " + x for x in lines[-n:])


def run(cmd, log_base, env=None, timeout=600, cwd=ROOT):
    """Runs cmd with stdout/stderr to log_base.out/.err; waits with wait4
    so that ru_maxrss is this child's own peak RSS."""
    out, err = log_base + ".out", log_base + ".err"
    with open(out, "w") as fo, open(err, "w") as fe:
        fe.write("$ %s\n" % " ".join(shlex.quote(c) for c in cmd))
        fe.flush()
        t0 = time.perf_counter()
        try:
            p = subprocess.Popen(cmd, stdout=fo, stderr=fe, env=env, cwd=cwd)
        except OSError as e:
            fe.write("error: %s\n" % e)
            return Result(127, 0.0, 0.0, out, err)
        timer = threading.Timer(timeout, p.kill)
        timer.start()
        _, status, usage = os.wait4(p.pid, 0)
        timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode < 0:
        with open(err, "a") as fe:
            fe.write("\nkilled by signal %d%s\n" % (
                -p.returncode, " (timeout %d s)" % timeout
                if wall >= timeout else ""))
    return Result(p.returncode, wall, usage.ru_maxrss / 1024.0, out, err)


class CpuMeter:
    """How many cores other processes kept busy while we ran: busy time of
    the whole machine (/proc/stat) minus our own and our children's CPU
    time, per wall second; plus the time the hypervisor stole."""

    @staticmethod
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        hz = float(os.sysconf("SC_CLK_TCK"))
        busy = (v[0] + v[1] + v[2] + v[5] + v[6]) / hz  # user nice sys irqs
        steal = (v[7] if len(v) > 7 else 0) / hz
        mine = 0.0
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
            u = resource.getrusage(who)
            mine += u.ru_utime + u.ru_stime
        return time.perf_counter(), busy, steal, mine

    def __init__(self):
        self.start = self.sample()

    def others(self):
        """-> (cores busy with other processes, cores stolen)."""
        end = self.sample()
        wall = end[0] - self.start[0]
        if wall <= 0:
            return 0.0, 0.0
        busy = end[1] - self.start[1]
        mine = end[3] - self.start[3]
        return (max(0.0, busy - mine) / wall,
                (end[2] - self.start[2]) / wall)


def sha(*paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def stamp_ok(path, value):
    """True when `path`.stamp records `value` and `path` exists."""
    if not os.path.exists(path):
        return False
    try:
        with open(path + ".stamp") as f:
            return f.read() == value
    except OSError:
        return False


def write_stamp(path, value):
    with open(path + ".stamp", "w") as f:
        f.write(value)


# ---------------------------------------------------------------------------
# model arithmetic (for the rooflines)
# ---------------------------------------------------------------------------

class ModelCost:
    def __init__(self, cfg, prompt, n_gen):
        H, L = cfg["n_embd"], cfg["n_layer"]
        I = cfg.get("n_inner") or 4 * H
        V, C = cfg["vocab_size"], cfg["n_positions"]
        tied = cfg.get("tie_word_embeddings", True)
        layer = 3 * H * H + 3 * H + H * H + H + H * I + I + I * H + H + 4 * H
        self.layer_matmul = 4 * H * H + 2 * H * I
        self.lm_head = V * H
        self.params = (V * H + C * H + L * layer + 2 * H +
                       (0 if tied else V * H))
        # Decode reads every layer weight, ln_f and the lm_head once per
        # token (the wte/wpe rows it gathers are negligible); not counted:
        # the KV cache (2 * L * H * 4 bytes per cached position).
        self.decode_bytes = 4 * (L * layer + 2 * H + V * H)
        self.kv_bytes_per_pos = 2 * L * H * 4
        # Prefill: 2 flops per matmul weight per token (the lm_head on every
        # position, as all three engines compute logits for all of them),
        # plus causal attention: QK^T and PV over (T + 1) / 2 keys on
        # average, 2 * 2 * H flops per key per layer.
        self.prefill_matmul_flops = 2 * (L * self.layer_matmul + V * H)
        self.prefill_attn_flops = L * 4 * H * (prompt + 1) / 2.0
        self.prefill_flops = (self.prefill_matmul_flops +
                              self.prefill_attn_flops)


# ---------------------------------------------------------------------------
# engines
# ---------------------------------------------------------------------------

class Engine:
    def __init__(self, name):
        self.name = name
        self.error = None       # set when setup or a run failed
        self.cmd = None         # function(threads) -> argv
        self.env = None         # function(threads) -> env or None
        self.version = ""


def parse_run(res, n_prompt, n_gen):
    """-> (prefill, decode, ids) or raises ValueError with the reason."""
    if res.rc != 0:
        raise ValueError("exit status %d" % res.rc)
    m = STATS_RE.search(res.stderr())
    if not m:
        raise ValueError("no 'prompt tokens: ..., prefill: ..., decode: ...' "
                         "line on stderr")
    if int(m.group(1)) != n_prompt:
        raise ValueError("prompt tokens %s != %d" % (m.group(1), n_prompt))
    lines = [x for x in res.stdout().strip().splitlines() if x.strip()]
    try:
        ids = [int(x) for x in lines[-1].split(",")]
    except (IndexError, ValueError):
        raise ValueError("no comma-separated ids on stdout")
    if len(ids) != n_gen:
        raise ValueError("%d ids, expected %d" % (len(ids), n_gen))
    return float(m.group(2)), float(m.group(3)), ids


def prompt_ids(n, vocab):
    """n pseudo-random ids in [0, vocab - 1) (no end-of-text), fixed."""
    x, ids = 12345, []
    for _ in range(n):
        x = (x * 1103515245 + 12345) % (1 << 31)
        ids.append((x >> 8) % (vocab - 1))
    return ids


def run_length(ids):
    out, i = [], 0
    while i < len(ids):
        j = i
        while j < len(ids) and ids[j] == ids[i]:
            j += 1
        out.append("%s%d" % ("%dx" % (j - i) if j - i > 1 else "", ids[i]))
        i = j
    return ", ".join(out)


# ---------------------------------------------------------------------------
# statistics and report
# ---------------------------------------------------------------------------

def med(xs):
    return statistics.median(xs) if xs else None


def fmt_range(xs, prec):
    if not xs:
        return "-"
    f = "%%.%df" % prec
    return (f + " [" + f + "-" + f + "]") % (med(xs), min(xs), max(xs))


def pct(x, bound):
    return "%3.0f%%" % (100.0 * x / bound) if x and bound else "  - "


def table(rows, header):
    widths = [max(len(str(r[i])) for r in [header] + rows)
              for i in range(len(header))]
    lines = ["  " + "  ".join(str(h).ljust(w) for h, w in zip(header, widths))]
    lines.append("  " + "  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  " + "  ".join(str(c).ljust(w)
                                      for c, w in zip(r, widths)))
    return "\n".join(x.rstrip() for x in lines)


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--work", help="work folder (default BUILD_DIR/bench)")
    ap.add_argument("--npm-dir", help="node_modules with onnxruntime-node")
    ap.add_argument("--openblas-dir",
                    default="/usr/lib/x86_64-linux-gnu/openblas-pthread")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--prompt-len", type=int, default=128)
    ap.add_argument("--n-gen", type=int, default=64)
    ap.add_argument("--seed", type=int, default=2,
                    help="gen_hf_model.py seed of the random checkpoint")
    ap.add_argument("--timeout", type=int, default=600,
                    help="seconds per engine run")
    a = ap.parse_args(argv)

    t_begin = time.perf_counter()
    build = os.path.abspath(os.path.join(ROOT, a.build_dir))
    work = os.path.abspath(a.work or os.path.join(build, "bench"))
    logs = os.path.join(work, "logs")
    os.makedirs(logs, exist_ok=True)
    threads = [int(x) for x in a.threads.replace(" ", ",").split(",") if x]
    names = [x for x in a.engines.replace(" ", ",").split(",") if x]
    for n in names:
        if n not in ENGINES:
            ap.error("unknown engine %r (known: %s)" % (n, ", ".join(ENGINES)))
    if a.reps < 1:
        ap.error("--reps must be >= 1")
    engines = {n: Engine(n) for n in names}

    log("== tfc benchmark: GPT-2 124M (random weights), fp32, batch 1, "
        "prompt %d, %d generated tokens; threads %s; %d rep%s; engines %s"
        % (a.prompt_len, a.n_gen, "/".join(map(str, threads)), a.reps,
           "s" if a.reps > 1 else "", ", ".join(names)))
    log("   work folder %s (logs in logs/)" % os.path.relpath(work, ROOT))

    # -- machine limits ---------------------------------------------------
    roofline = os.path.join(work, "roofline")
    res = run(["clang-22", "-O3", "-march=native", "-pthread",
               os.path.join(ROOT, "bench", "roofline.c"), "-o", roofline],
              os.path.join(logs, "roofline-build"))
    if res.rc != 0:
        log("roofline: FAILED to build (no percentages)\n" + res.tail())
        roofline = None

    # -- model --------------------------------------------------------------
    model = os.path.join(work, "gpt2-124m")
    gen = [PY, os.path.join(ROOT, "scripts", "gen_hf_model.py"),
           "--preset", "gpt2-tiny", "--vocab", "50257", "--hidden", "768",
           "--layers", "12", "--heads", "12", "--inner", "3072", "--ctx",
           "1024", "--dtype", "f32", "--tied", "--tokenizer",
           os.path.join(ROOT, "models", "gpt2-tokenizer"), "--seed",
           str(a.seed), "--out", model]
    model_stamp = " ".join(gen[2:]) + " " + sha(gen[1])
    if not stamp_ok(os.path.join(model, "config.json"), model_stamp):
        t = time.perf_counter()
        res = run(gen, os.path.join(logs, "gen-model"))
        if res.rc != 0:
            log("model: FAILED to generate the checkpoint\n" + res.tail())
            return 1
        write_stamp(os.path.join(model, "config.json"), model_stamp)
        log("model: generated %s (%.1f s)"
            % (os.path.relpath(model, ROOT), time.perf_counter() - t))
    with open(os.path.join(model, "config.json")) as f:
        cfg = json.load(f)
    cost = ModelCost(cfg, a.prompt_len, a.n_gen)
    prompt = prompt_ids(a.prompt_len, cfg["vocab_size"])
    prompt_arg = ",".join(map(str, prompt))

    # -- tfc ----------------------------------------------------------------
    compile_info = None
    if "tfc" in engines:
        e = engines["tfc"]
        tfc = os.path.join(build, "bin", "tfc")
        exe = os.path.join(work, "tfc", "gpt2-124m")
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        if os.path.exists(exe):
            os.remove(exe)
        res = run([tfc, "compile", model, "-o", exe, "--progress"],
                  os.path.join(logs, "tfc-compile"), timeout=1800)
        if res.rc != 0 or not os.path.exists(exe):
            e.error = "tfc compile failed (exit %d), log %s" % (
                res.rc, os.path.relpath(res.err, ROOT))
            log("tfc: compile FAILED\n" + res.tail())
        else:
            compile_info = dict(wall=res.wall, rss_mib=res.rss_mib,
                                exe_mib=os.path.getsize(exe) / MIB)
            log("tfc: compiled in %.1f s (peak RSS %.0f MiB, executable "
                "%.0f MiB)" % (res.wall, res.rss_mib,
                               compile_info["exe_mib"]))
            e.cmd = lambda t, exe=exe: [
                exe, "--prompt-ids", prompt_arg, "-n", str(a.n_gen),
                "--temp", "0", "--threads", str(t), "--print-ids"]
        try:
            e.version = subprocess.run(
                ["git", "describe", "--always", "--dirty"], cwd=ROOT,
                capture_output=True, text=True).stdout.strip()
        except OSError:
            pass

    # -- ONNX Runtime -------------------------------------------------------
    if "onnxruntime" in engines:
        e = engines["onnxruntime"]
        npm = os.path.abspath(a.npm_dir) if a.npm_dir else None
        pkg = os.path.join(npm or "", "onnxruntime-node", "package.json")
        onnx = os.path.join(work, "onnx", "gpt2-124m.onnx")
        export = os.path.join(ROOT, "scripts", "export_gpt2_onnx.py")
        if not npm or not os.path.exists(pkg):
            e.error = "onnxruntime-node is not installed in %s (see " \
                "bench/run.sh's output and %s)" % (
                    npm or "(no --npm-dir)",
                    os.path.relpath(os.path.join(logs, "npm-install.log"),
                                    ROOT))
        else:
            with open(pkg) as f:
                e.version = "%s (npm onnxruntime-node)" % json.load(f)[
                    "version"]
            os.makedirs(os.path.dirname(onnx), exist_ok=True)
            onnx_stamp = model_stamp + " " + sha(
                export, os.path.join(ROOT, "scripts", "reference",
                                     "hf_reference.py"))
            if not stamp_ok(onnx, onnx_stamp):
                t = time.perf_counter()
                res = run([PY, export, model, "--out", onnx, "--check"],
                          os.path.join(logs, "onnx-export"), timeout=1800)
                if res.rc != 0:
                    e.error = "ONNX export failed, log %s" % os.path.relpath(
                        res.err, ROOT)
                    log("onnxruntime: ONNX export FAILED\n" + res.tail())
                else:
                    write_stamp(onnx, onnx_stamp)
                    check = [x for x in res.stdout().splitlines()
                             if x.startswith("check:")]
                    log("onnxruntime: exported %s (%.1f s; %s)" % (
                        os.path.relpath(onnx, ROOT),
                        time.perf_counter() - t,
                        check[0] if check else "no check"))
            if not e.error:
                e.cmd = lambda t: [
                    "node", os.path.join(ROOT, "bench", "ort_gpt2.js"),
                    "--model", onnx, "--prompt-ids", prompt_arg,
                    "-n", str(a.n_gen), "--threads", str(t),
                    "--module-dir", npm]

    # -- PyTorch ------------------------------------------------------------
    if "pytorch" in engines:
        e = engines["pytorch"]
        blas = os.path.join(a.openblas_dir, "libblas.so.3")
        if not os.path.exists(blas):
            e.error = "%s missing (libopenblas0-pthread not installed; see " \
                "bench/run.sh's apt-get output)" % blas
        else:
            e.cmd = lambda t: [
                PY, os.path.join(ROOT, "bench", "torch_gpt2.py"), model,
                "--prompt-ids", prompt_arg, "-n", str(a.n_gen),
                "--threads", str(t)]

            def torch_env(t):
                env = dict(os.environ)
                env.pop("OPENBLAS_CORETYPE", None)
                env.update(LD_LIBRARY_PATH=a.openblas_dir,
                           OPENBLAS_NUM_THREADS=str(t),
                           OMP_NUM_THREADS=str(t))
                return env
            e.env = torch_env
            e.version = "OpenBLAS (%s)" % a.openblas_dir

    for e in engines.values():
        if e.error:
            log("%s: NOT RUN: %s" % (e.name, e.error))

    # -- the interleaved runs -----------------------------------------------
    meter = CpuMeter()
    log("\n== runs (for rep: for threads: roofline, then each engine)")
    runs = []           # dicts: engine, threads, rep, ... (ok runs)
    limits = {t: [] for t in threads}
    for rep in range(a.reps):
        for t in threads:
            if roofline:
                res = run([roofline, "--threads", str(t)], os.path.join(
                    logs, "roofline-r%d-t%d" % (rep + 1, t)))
                m = dict(re.findall(r"(\w+) ([0-9.]+)", res.stdout()))
                if res.rc == 0 and "read_bandwidth_gbs" in m:
                    lim = dict(bw=float(m["read_bandwidth_gbs"]),
                               fma=float(m["fma_gflops"]))
                    limits[t].append(lim)
                    log("rep %d/%d  %d thr  %-11s  read %6.1f GB/s   "
                        "FMA %6.1f GFLOP/s" % (rep + 1, a.reps, t, "roofline",
                                               lim["bw"], lim["fma"]))
                else:
                    log("roofline: run FAILED\n" + res.tail())
            for e in engines.values():
                if e.error:
                    continue
                base = os.path.join(logs, "%s-r%d-t%d" % (e.name, rep + 1, t))
                res = run(e.cmd(t), base, env=e.env(t) if e.env else None,
                          timeout=a.timeout)
                try:
                    prefill, decode, ids = parse_run(res, a.prompt_len,
                                                     a.n_gen)
                except ValueError as err:
                    e.error = "run failed (rep %d, %d threads): %s; log %s" % (
                        rep + 1, t, err, os.path.relpath(res.err, ROOT))
                    log("rep %d/%d  %d thr  %-11s  FAILED: %s\n%s" % (
                        rep + 1, a.reps, t, e.name, err, res.tail()))
                    continue
                if e.name == "pytorch" and not e.version.startswith("torch"):
                    m = re.search(r"\(torch (\S+),", res.stderr())
                    e.version = "torch %s + %s" % (
                        m.group(1) if m else "?", e.version)
                runs.append(dict(engine=e.name, threads=t, rep=rep + 1,
                                 prefill=prefill, decode=decode,
                                 rss_mib=res.rss_mib, wall=res.wall, ids=ids))
                log("rep %d/%d  %d thr  %-11s  prefill %7.1f tok/s   decode "
                    "%6.1f tok/s   RSS %5.0f MiB   wall %5.1f s" % (
                        rep + 1, a.reps, t, e.name, prefill, decode,
                        res.rss_mib, res.wall))

    others, stolen = meter.others()

    # -- check --------------------------------------------------------------
    mismatches = []
    if runs:
        ref = runs[0]
        for r in runs[1:]:
            if r["ids"] != ref["ids"]:
                k = next(i for i, (x, y) in
                         enumerate(zip(r["ids"], ref["ids"])) if x != y)
                mismatches.append(
                    "MISMATCH: %s (%d thr, rep %d) differs from %s (%d thr, "
                    "rep %d) at generated token %d: %d vs %d\n"
                    "    %s: %s\n    %s: %s" % (
                        r["engine"], r["threads"], r["rep"], ref["engine"],
                        ref["threads"], ref["rep"], k, r["ids"][k],
                        ref["ids"][k], r["engine"], run_length(r["ids"]),
                        ref["engine"], run_length(ref["ids"])))

    # -- report -------------------------------------------------------------
    out = []
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = re.search(r"model name\s*:\s*(.*)", f.read()).group(1)
    except (OSError, AttributeError):
        pass
    out.append("== results (%s; %s, %d CPUs; %s)" % (
        datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), cpu,
        os.cpu_count() or 0, ", ".join(
            "%s %s" % (e.name, e.version) for e in engines.values()
            if e.version)))
    out.append(
        "model: GPT-2 %.1fM params (seed %d), fp32, batch 1; prompt %d "
        "tokens, %d generated (prefill = 1 forward of the prompt, decode = "
        "%d one-token steps); %d interleaved rep%s" % (
            cost.params / 1e6, a.seed, a.prompt_len, a.n_gen, a.n_gen - 1,
            a.reps, "s" if a.reps > 1 else ""))
    out.append(
        "rooflines: decode reads %.1f MB of weights per token (+%.1f MB KV "
        "cache at context %d, not counted); prefill %.1f MFLOP per token "
        "(%.1f matmul + %.1f causal attention)" % (
            cost.decode_bytes / 1e6,
            cost.kv_bytes_per_pos * (a.prompt_len + a.n_gen // 2) / 1e6,
            a.prompt_len + a.n_gen // 2, cost.prefill_flops / 1e6,
            cost.prefill_matmul_flops / 1e6, cost.prefill_attn_flops / 1e6))
    busy = "" if others + stolen < 0.1 else (
        " -- NOT QUIET: the figures are low and noisy, 2-thread ones of "
        "engines that spin-wait most")
    out.append("other processes kept %.2f of %d cores busy during the runs "
               "(hypervisor steal %.2f)%s" % (others, os.cpu_count() or 0,
                                              stolen, busy))
    if compile_info:
        out.append("tfc compile: %.1f s wall, peak RSS %.0f MiB, executable "
                   "%.0f MiB (weights embedded)" % (
                       compile_info["wall"], compile_info["rss_mib"],
                       compile_info["exe_mib"]))

    bound = {}
    rows = []
    for t in threads:
        bws = [x["bw"] for x in limits[t]]
        fmas = [x["fma"] for x in limits[t]]
        if bws:
            # (decode bound, prefill bound) in tok/s
            bound[t] = (med(bws) * 1e9 / cost.decode_bytes,
                        med(fmas) * 1e9 / cost.prefill_flops)
            rows.append([t, fmt_range(bws, 1), fmt_range(fmas, 0),
                         "%.0f" % bound[t][1], "%.1f" % bound[t][0]])
    if rows:
        out.append("\nmachine limits (bench/roofline.c; median [min-max] over "
                   "reps) and the bounds they give this model:")
        out.append(table(rows, ["thr", "read GB/s", "FMA GFLOP/s",
                                "prefill bound tok/s",
                                "decode bound tok/s"]))

    summary = {}
    rows = []
    for t in threads:
        for e in engines.values():
            rs = [r for r in runs if r["engine"] == e.name and
                  r["threads"] == t]
            if not rs:
                rows.append([t, e.name, "FAILED" if e.error else "-", "", "",
                             "", "", ""])
                continue
            p = [r["prefill"] for r in rs]
            d = [r["decode"] for r in rs]
            rss = max(r["rss_mib"] for r in rs)
            wall = med([r["wall"] for r in rs])
            db, pb = bound.get(t, (None, None))
            summary[(e.name, t)] = dict(prefill=med(p), decode=med(d),
                                        rss_mib=rss, wall=wall, n=len(rs))
            rows.append([t, e.name, fmt_range(p, 1), pct(med(p), pb),
                         fmt_range(d, 1), pct(med(d), db), "%.0f" % rss,
                         "%.1f" % wall])
    out.append("\nper engine (median [min-max] over reps; % of the bound "
               "above at the same thread count; peak RSS = max over reps; "
               "wall = whole process, median):")
    out.append(table(rows, ["thr", "engine", "prefill tok/s", "%FMA",
                            "decode tok/s", "%BW", "peak RSS MiB",
                            "wall s"]))

    rows = []
    for t in threads:
        mine = summary.get(("tfc", t))
        for e in engines.values():
            peer = summary.get((e.name, t))
            if e.name == "tfc" or not mine or not peer:
                continue
            rows.append([t, e.name,
                         "%.2fx" % (mine["prefill"] / peer["prefill"]),
                         "%.2fx" % (mine["decode"] / peer["decode"]),
                         "%.2fx" % (mine["rss_mib"] / peer["rss_mib"])])
    if rows:
        out.append("\ntfc / peer (medians; speed > 1 = tfc faster, RSS < 1 = "
                   "tfc smaller):")
        out.append(table(rows, ["thr", "peer", "prefill", "decode",
                                "peak RSS"]))

    out.append("")
    out.append("total time %.0f s; report %s, raw data %s" % (
        time.perf_counter() - t_begin,
        os.path.relpath(os.path.join(work, "report.txt"), ROOT),
        os.path.relpath(os.path.join(work, "results.json"), ROOT)))
    for e in engines.values():
        if e.error:
            out.append("FAILED: %s: %s" % (e.name, e.error))
    if mismatches:
        out.extend(mismatches)
    elif runs:
        ran = sorted(set(r["engine"] for r in runs), key=ENGINES.index)
        out.append("check: all %d runs (%s) generated the same %d ids: %s" % (
            len(runs), ", ".join(ran), a.n_gen, run_length(runs[0]["ids"])))
    else:
        out.append("check: no successful runs")
    report = "\n".join(out)
    log("\n" + report)

    with open(os.path.join(work, "report.txt"), "w") as f:
        f.write(report + "\n")
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(dict(
            reps=a.reps, threads=threads, prompt=prompt, n_gen=a.n_gen,
            seed=a.seed, compile=compile_info,
            other_cores_busy=others, stolen_cores=stolen,
            limits={str(t): v for t, v in limits.items()},
            engines={e.name: dict(version=e.version, error=e.error)
                     for e in engines.values()},
            runs=runs, mismatches=mismatches), f, indent=1)
        f.write("\n")

    if mismatches or ("tfc" in engines and engines["tfc"].error) or not runs:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
