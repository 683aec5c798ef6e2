#!/usr/bin/python3
"""Train tfc's bundled default model: a small GPT-2 on Debian's fortunes.

  /usr/bin/python3 scripts/train_bundled_model.py --out models/gpt2-fortunes \
      --minutes 60

Writes, in --out, a HuggingFace GPT2LMHeadModel directory: config.json,
model.safetensors (F16, HF GPT-2 names, Conv1D [in, out] layouts, tied
lm_head so no lm_head.weight), vocab.json + merges.txt (copied from
models/gpt2-tokenizer), heldout.txt (every 20th fortune, never trained on)
and README.md.

Corpus: every fortune file in /usr/share/games/fortunes (package `fortunes`,
`fortunes-min`), in sorted file order, entries split at lines "%". Fortune i
(global index) is held out when i % 20 == 19; training fortunes identical to
a held-out one are dropped. Both sides are written as fortunes joined by one
blank line and tokenized as ONE string with the GPT-2 BPE
(scripts/reference/gpt2_bpe.py).

Model: plain-torch GPT-2 (learned positions, pre-LN, gelu_new, tied head,
LayerNorm eps 1e-5, attention scaled by 1/sqrt(head_dim)). Training computes
the softmax over the tokens that occur in the training text plus ONE shared
"unseen" embedding that stands for all the other vocabulary entries (its
logit gets + log(number of unseen tokens)). Exported, every unseen token's
row is that shared vector, so the full 50257-way softmax of the saved model
equals the one trained -- exact, and 2-3x cheaper than a full softmax.

Deterministic given --seed and --steps (single thread, fixed data order) on
a given BLAS. --minutes is only a safety cap: if it is hit, training stops
early (and says so), and the result then depends on machine speed.

Debian's torch links the netlib reference BLAS (~4 GFLOP/s); if OpenBLAS is
installed (apt install libopenblas0-serial) the script re-executes itself
with it on LD_LIBRARY_PATH (~12x faster) without touching the system's
BLAS alternative.

Finally: reloads the saved safetensors, computes held-out perplexity the way
tfc does (whole held-out text tokenized as one string, no BOS, consecutive
non-overlapping n_positions windows, every token after the first of its
window scored), cross-checks the first windows against the independent
numpy reference scripts/reference/hf_reference.py, prints a greedy sample.
"""

import argparse
import json
import math
import os
import shutil
import sys
import time

OPENBLAS_DIRS = ["/usr/lib/x86_64-linux-gnu/openblas-serial",
                 "/usr/lib/x86_64-linux-gnu/openblas-pthread",
                 "/usr/lib/x86_64-linux-gnu/openblas-openmp"]


def maybe_reexec_with_openblas():
    if os.environ.get("TFC_TRAIN_BLAS"):
        return
    for d in OPENBLAS_DIRS:
        if os.path.exists(os.path.join(d, "libblas.so.3")):
            env = dict(os.environ)
            env["LD_LIBRARY_PATH"] = d + (":" + env["LD_LIBRARY_PATH"]
                                          if env.get("LD_LIBRARY_PATH") else "")
            env["TFC_TRAIN_BLAS"] = d
            env["OPENBLAS_NUM_THREADS"] = "1"
            env["OMP_NUM_THREADS"] = "1"
            os.execve(sys.executable, [sys.executable] + sys.argv, env)
    os.environ["TFC_TRAIN_BLAS"] = "system libblas.so.3"


maybe_reexec_with_openblas()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "reference"))
sys.path.insert(0, HERE)
import gpt2_bpe  # noqa: E402
import hf_reference  # noqa: E402
import safetensors_np  # noqa: E402
from gen_hf_model import gpt2_config, write_safetensors  # noqa: E402

FORTUNE_DIR = "/usr/share/games/fortunes"
VOCAB = 50257
EOS = 50256
HOLDOUT_EVERY = 20


# ---------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------

def read_fortunes(directory):
    names = sorted(n for n in os.listdir(directory)
                   if "." not in n and os.path.isfile(os.path.join(directory, n))
                   and not os.path.islink(os.path.join(directory, n)))
    if not names:
        raise SystemExit("error: no fortune files in %s (apt install fortunes "
                         "fortunes-min)" % directory)
    out = []
    for n in names:
        with open(os.path.join(directory, n), "rb") as f:
            text = f.read().decode("utf-8", "replace").replace("\r\n", "\n")
        entry = []
        for line in text.split("\n") + ["%"]:
            if line == "%":
                s = "\n".join(entry).strip("\n").rstrip()
                if s.strip():
                    out.append(s)
                entry = []
            else:
                entry.append(line.rstrip())
    return names, out


def split_corpus(fortunes):
    held = [f for i, f in enumerate(fortunes) if i % HOLDOUT_EVERY ==
            HOLDOUT_EVERY - 1]
    hs = set(held)
    train = [f for i, f in enumerate(fortunes) if i % HOLDOUT_EVERY !=
             HOLDOUT_EVERY - 1 and f not in hs]
    return train, held


# ---------------------------------------------------------------------------
# model (HF GPT2LMHeadModel semantics, weights in HF names and layouts)
# ---------------------------------------------------------------------------

def init_weights(cfg, n_rows, gen):
    E, L, I, P = cfg["n_embd"], cfg["n_layer"], cfg["n_inner"], \
        cfg["n_positions"]

    def normal(*shape, std=0.02):
        return torch.randn(*shape, generator=gen) * std

    proj_std = 0.02 / math.sqrt(2 * L)  # as GPT2PreTrainedModel._init_weights
    w = {"wte.weight": normal(n_rows, E), "wpe.weight": normal(P, E)}
    for i in range(L):
        p = "h.%d." % i
        w[p + "ln_1.weight"] = torch.ones(E)
        w[p + "ln_1.bias"] = torch.zeros(E)
        w[p + "attn.c_attn.weight"] = normal(E, 3 * E)
        w[p + "attn.c_attn.bias"] = torch.zeros(3 * E)
        w[p + "attn.c_proj.weight"] = normal(E, E, std=proj_std)
        w[p + "attn.c_proj.bias"] = torch.zeros(E)
        w[p + "ln_2.weight"] = torch.ones(E)
        w[p + "ln_2.bias"] = torch.zeros(E)
        w[p + "mlp.c_fc.weight"] = normal(E, I)
        w[p + "mlp.c_fc.bias"] = torch.zeros(I)
        w[p + "mlp.c_proj.weight"] = normal(I, E, std=proj_std)
        w[p + "mlp.c_proj.bias"] = torch.zeros(E)
    w["ln_f.weight"] = torch.ones(E)
    w["ln_f.bias"] = torch.zeros(E)
    return w


def hidden_states(w, cfg, ids, dropout=0.0, gen=None):
    """ids: LongTensor [B, T] -> final (ln_f) hidden states [B, T, E]."""
    B, T = ids.shape
    E, H, L = cfg["n_embd"], cfg["n_head"], cfg["n_layer"]
    hd = E // H
    eps = cfg["layer_norm_epsilon"]
    train = dropout > 0

    def drop(x):
        if not train:
            return x
        keep = torch.rand(x.shape, generator=gen) >= dropout
        return x * keep / (1.0 - dropout)

    h = drop(w["wte.weight"][ids] + w["wpe.weight"][:T])
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    for i in range(L):
        p = "h.%d." % i
        a = F.layer_norm(h, (E,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = a @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = qkv.split(E, dim=-1)
        q, k, v = (x.view(B, T, H, hd).transpose(1, 2) for x in (q, k, v))
        s = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        s = s.masked_fill(mask, float("-inf"))
        o = drop(torch.softmax(s, dim=-1)) @ v
        o = o.transpose(1, 2).reshape(B, T, E)
        h = h + drop(o @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"])
        m = F.layer_norm(h, (E,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        m = F.gelu(m @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"],
                   approximate="tanh")  # gelu_new
        h = h + drop(m @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"])
    return F.layer_norm(h, (E,), w["ln_f.weight"], w["ln_f.bias"], eps)


# ---------------------------------------------------------------------------
# evaluation (as tfc computes held-out perplexity)
# ---------------------------------------------------------------------------

def windows(ids, n):
    return [ids[i:i + n] for i in range(0, len(ids), n)]


@torch.no_grad()
def heldout_nll(w, cfg, ids):
    """Sum of -log p over every token after the first of each window, and the
    number of such tokens. w: full-vocab HF weights (float32 tensors)."""
    total, count = 0.0, 0
    for win in windows(ids, cfg["n_positions"]):
        if len(win) < 2:
            continue
        x = torch.tensor(win, dtype=torch.long)[None]
        lg = hidden_states(w, cfg, x)[0] @ w["wte.weight"].T
        lp = torch.log_softmax(lg.double(), dim=-1)
        tgt = x[0, 1:]
        total += float(-lp[:-1].gather(1, tgt[:, None]).sum())
        count += len(win) - 1
    return total, count


def unigram_nll(train_ids, ids, n_pos):
    """Add-one unigram over the full vocabulary (trained on the training
    tokens), scored on the same tokens as heldout_nll."""
    counts = np.bincount(np.asarray(train_ids), minlength=VOCAB).astype(
        np.float64) + 1.0
    logp = np.log(counts / counts.sum())
    total, count = 0.0, 0
    for win in windows(ids, n_pos):
        total += float(-logp[np.asarray(win[1:], dtype=np.int64)].sum())
        count += len(win) - 1
    return total, count


@torch.no_grad()
def greedy_torch(w, cfg, ids, steps):
    ids = list(ids)
    out = []
    for _ in range(steps):
        ctx = ids[-cfg["n_positions"]:]
        x = torch.tensor(ctx, dtype=torch.long)[None]
        lg = hidden_states(w, cfg, x)[0, -1] @ w["wte.weight"].T
        t = int(torch.argmax(lg))
        ids.append(t)
        out.append(t)
    return out


# ---------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------

def hf_config(cfg, dropout):
    """config.json: the generator's GPT-2 config with this model's sizes."""
    c = gpt2_config(argparse.Namespace(
        activation="gelu_new", vocab=VOCAB, eps=cfg["layer_norm_epsilon"],
        hidden=cfg["n_embd"], heads=cfg["n_head"], inner_arg=cfg["n_inner"],
        layers=cfg["n_layer"], ctx=cfg["n_positions"], tied=True,
        dtype="f16"))
    c.update(attn_pdrop=dropout, embd_pdrop=dropout, resid_pdrop=dropout,
             bos_token_id=EOS, eos_token_id=EOS)
    return c


def export_weights(w, full_index):
    """Compact training weights -> full-vocab HF dict (float32 tensors)."""
    out = {}
    for k, v in w.items():
        v = v.detach()
        if k == "wte.weight":
            v = v[full_index]
        out[k] = v.contiguous().clone()
    return out


def save_safetensors(path, w):
    items = []
    for k, v in w.items():
        a = v.numpy().astype(np.float32)
        if not np.all(np.abs(a) < 65504):
            raise SystemExit("error: %s overflows float16" % k)
        items.append((k, "F16", list(a.shape), a.astype("<f2").tobytes()))
    write_safetensors(path, items)


def dir_size(d):
    return sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d)
               if os.path.isfile(os.path.join(d, n)))


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "models",
                                                  "gpt2-fortunes"))
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "models",
                                                        "gpt2-tokenizer"))
    ap.add_argument("--fortunes", default=FORTUNE_DIR)
    ap.add_argument("--minutes", type=float, default=60.0,
                    help="wall-clock safety cap for the training loop")
    ap.add_argument("--steps", type=int, default=660)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--min-lr-frac", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--wd", type=float, default=0.1)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--n-embd", type=int, default=112)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-positions", type=int, default=256)
    ap.add_argument("--check-tokens", type=int, default=512,
                    help="held-out tokens cross-checked with hf_reference.py")
    ap.add_argument("--sample-tokens", type=int, default=40)
    a = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    t_start = time.time()
    print("BLAS: %s; torch %s, 1 thread" % (os.environ["TFC_TRAIN_BLAS"],
                                           torch.__version__))

    cfg = {"n_embd": a.n_embd, "n_layer": a.n_layer, "n_head": a.n_head,
           "n_inner": 4 * a.n_embd, "n_positions": a.n_positions,
           "layer_norm_epsilon": 1e-5}
    if a.n_embd % a.n_head or a.seq > a.n_positions:
        raise SystemExit("error: bad size flags")

    # -- corpus -------------------------------------------------------------
    files, fortunes = read_fortunes(a.fortunes)
    train_f, held_f = split_corpus(fortunes)
    train_text = "\n\n".join(train_f) + "\n"
    held_text = "\n\n".join(held_f) + "\n"
    enc = gpt2_bpe.Encoder.load(a.tokenizer)
    t0 = time.time()
    train_ids = enc.encode(train_text)
    held_ids = enc.encode(held_text)
    assert enc.decode(held_ids).decode("utf-8") == held_text
    print("corpus: %d files, %d fortunes -> train %d (%d chars, %d tokens), "
          "held-out %d (%d bytes, %d tokens); tokenized in %.1fs"
          % (len(files), len(fortunes), len(train_f), len(train_text),
             len(train_ids), len(held_f), len(held_text.encode()),
             len(held_ids), time.time() - t0))

    # compact vocabulary: tokens seen in training + one shared "unseen" row
    seen = np.unique(np.asarray(train_ids))
    S = len(seen)
    n_unseen = VOCAB - S
    full_index = np.full(VOCAB, S, dtype=np.int64)
    full_index[seen] = np.arange(S)
    full_index = torch.from_numpy(full_index)
    compact = full_index[torch.tensor(train_ids)]
    print("vocab: %d distinct training tokens, %d others share one row"
          % (S, n_unseen))

    # -- model --------------------------------------------------------------
    gen = torch.Generator().manual_seed(a.seed)
    w = init_weights(cfg, S + 1, gen)
    for v in w.values():
        v.requires_grad_(True)
    decay = [v for k, v in w.items() if v.dim() == 2]
    no_decay = [v for k, v in w.items() if v.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.wd},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.95), eps=1e-8)
    n_params = sum(v.numel() for v in export_weights(w, full_index).values())
    n_body = sum(v.numel() for k, v in w.items() if k != "wte.weight")
    print("model: n_embd %d, n_layer %d, n_head %d, n_inner %d, n_positions "
          "%d; %d parameters (%d besides wte)"
          % (a.n_embd, a.n_layer, a.n_head, cfg["n_inner"], a.n_positions,
             n_params, n_body))

    head_bias = torch.zeros(S + 1)
    head_bias[S] = math.log(n_unseen)  # the shared row stands for n_unseen
    starts_max = len(compact) - a.seq - 1

    def lr_at(step):
        if step < a.warmup:
            return a.lr * (step + 1) / a.warmup
        t = (step - a.warmup) / max(1, a.steps - a.warmup)
        return a.lr * (a.min_lr_frac + (1 - a.min_lr_frac) * 0.5 *
                       (1 + math.cos(math.pi * t)))

    # -- train --------------------------------------------------------------
    print("train: %d steps x %d x %d tokens (%.2f epochs), AdamW lr %g "
          "cosine -> %g, warmup %d, wd %g, dropout %g, seed %d"
          % (a.steps, a.batch, a.seq, a.steps * a.batch * a.seq / len(compact),
             a.lr, a.lr * a.min_lr_frac, a.warmup, a.wd, a.dropout, a.seed))
    t_train = time.time()
    losses = []
    stopped = None
    report_every = max(1, a.steps // 20)
    for step in range(a.steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        starts = torch.randint(0, starts_max + 1, (a.batch,), generator=gen)
        chunk = torch.stack([compact[s:s + a.seq + 1] for s in starts.tolist()])
        x, y = chunk[:, :-1], chunk[:, 1:]
        h = hidden_states(w, cfg, x, a.dropout, gen)
        lg = h @ w["wte.weight"].T + head_bias
        loss = F.cross_entropy(lg.reshape(-1, S + 1), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(w.values()), 1.0)
        opt.step()
        losses.append(float(loss))
        if (step + 1) % report_every == 0 or step == 0:
            el = time.time() - t_train
            print("  step %5d  loss %.4f (avg last %d: %.4f)  lr %.2e  %.0fs"
                  % (step + 1, losses[-1], min(report_every, len(losses)),
                     sum(losses[-report_every:]) / len(losses[-report_every:]),
                     lr_at(step), el), flush=True)
        if time.time() - t_train > a.minutes * 60 and step + 1 < a.steps:
            stopped = step + 1
            print("WARNING: --minutes %g cap hit after %d of %d steps; "
                  "stopping early (result not the deterministic default)"
                  % (a.minutes, stopped, a.steps))
            break
    train_s = time.time() - t_train
    n_steps = len(losses)
    k = max(1, n_steps // 10)
    curve = [sum(losses[i:i + k]) / len(losses[i:i + k])
             for i in range(0, n_steps, k)]
    print("train loss curve (mean per %d steps): %s" %
          (k, " ".join("%.3f" % c for c in curve)))
    print("training: %d steps, %.1f min, %.0f tokens/s"
          % (n_steps, train_s / 60, n_steps * a.batch * a.seq / train_s))

    # -- export -------------------------------------------------------------
    os.makedirs(a.out, exist_ok=True)
    full = export_weights(w, full_index)
    with torch.no_grad():
        f32_nll, f32_cnt = heldout_nll(full, cfg, held_ids)
    st_path = os.path.join(a.out, "model.safetensors")
    save_safetensors(st_path, full)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(hf_config(cfg, a.dropout), f, indent=2, sort_keys=True)
        f.write("\n")
    for n in ("vocab.json", "merges.txt"):
        shutil.copyfile(os.path.join(a.tokenizer, n), os.path.join(a.out, n))
    with open(os.path.join(a.out, "heldout.txt"), "w", encoding="utf-8") as f:
        f.write(held_text)

    # -- reload + evaluate exactly what was saved ---------------------------
    loaded = {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32))
              for k, v in safetensors_np.load_file(st_path).items()}
    assert sorted(loaded) == sorted(full), "saved tensor names differ"
    with open(os.path.join(a.out, "config.json")) as f:
        c2 = json.load(f)
    cfg2 = {k: c2[k] for k in cfg}
    with open(os.path.join(a.out, "heldout.txt"), encoding="utf-8") as f:
        held_ids2 = enc.encode(f.read())
    assert held_ids2 == held_ids
    nll, cnt = heldout_nll(loaded, cfg2, held_ids2)
    ppl = math.exp(nll / cnt)
    u_nll, u_cnt = unigram_nll(train_ids, held_ids2, cfg["n_positions"])
    u_ppl = math.exp(u_nll / u_cnt)
    print("held-out (%d windows of <=%d tokens, %d scored tokens): "
          "perplexity %.3f (nll %.4f/token; f32 weights before F16 rounding: "
          "%.3f); add-one unigram baseline %.3f"
          % (len(windows(held_ids2, cfg["n_positions"])), cfg["n_positions"],
             cnt, ppl, nll / cnt, math.exp(f32_nll / f32_cnt), u_ppl))

    # -- independent numpy reference on the first held-out windows ----------
    ref = hf_reference.load_model(a.out)
    check_ids = held_ids2[:a.check_tokens]
    r_nll = t_nll = 0.0
    r_cnt = 0
    max_rel = 0.0
    for win in windows(check_ids, cfg["n_positions"]):
        if len(win) < 2:
            continue
        rl = hf_reference.logits(ref, win).astype(np.float64)
        with torch.no_grad():
            x = torch.tensor(win, dtype=torch.long)[None]
            tl = (hidden_states(loaded, cfg2, x)[0] @ loaded["wte.weight"].T
                  ).double().numpy()
        max_rel = max(max_rel, float(np.abs(rl - tl).max() /
                                     np.abs(rl).max()))
        tgt = np.asarray(win[1:])
        for lg, acc in ((rl, "r"), (tl, "t")):
            m = lg.max(-1, keepdims=True)
            lse = (m + np.log(np.exp(lg - m).sum(-1, keepdims=True)))[:-1, 0]
            v = float((lse - lg[np.arange(len(tgt)), tgt]).sum())
            if acc == "r":
                r_nll += v
            else:
                t_nll += v
        r_cnt += len(win) - 1
    r_ppl, t_ppl = math.exp(r_nll / r_cnt), math.exp(t_nll / r_cnt)
    rel = abs(r_ppl - t_ppl) / t_ppl
    print("cross-check vs scripts/reference/hf_reference.py on the first %d "
          "held-out tokens (%d scored): perplexity reference %.5f, torch "
          "%.5f, rel diff %.2e; max|logit diff|/max|logit| %.2e -> %s"
          % (len(check_ids), r_cnt, r_ppl, t_ppl, rel, max_rel,
             "OK" if rel < 1e-3 and max_rel < 1e-3 else "MISMATCH"))

    prompt = "Once upon a time"
    p_ids = enc.encode(prompt)
    g_t = greedy_torch(loaded, cfg2, p_ids, a.sample_tokens)
    g_r = hf_reference.greedy(ref, p_ids, a.sample_tokens)
    sample = prompt + enc.decode(g_t).decode("utf-8", "replace")
    print("greedy sample (%d tokens; hf_reference greedy %s):\n%s"
          % (a.sample_tokens, "identical" if g_t == g_r else "DIFFERS",
             sample))
    print("prompt ids %s -> greedy ids %s" % (
        ",".join(map(str, p_ids)), ",".join(map(str, g_t))))

    # -- README -------------------------------------------------------------
    readme = (
        "# gpt2-fortunes\n\n"
        "tfc's bundled default model: a small GPT-2 (HF `GPT2LMHeadModel`: "
        "n_embd {E}, n_layer {L}, n_head {H}, n_inner {I}, n_positions {P}, "
        "GPT-2 BPE vocabulary of 50257, tied lm_head, gelu_new; {np_:,} "
        "parameters stored as F16 safetensors) trained from scratch on the "
        "fortune cookies of Debian's `fortunes`/`fortunes-min` packages "
        "({nf} fortunes; every 20th, {nh}, is held out in `heldout.txt` and "
        "never trained on). Training: {st} steps of {b}x{sq} tokens "
        "(~{ep:.1f} epochs of {nt:,} training tokens), AdamW, cosine LR "
        "{lr:g}->{lr2:g}, seed {seed}, on one CPU thread in {mins:.1f} min. "
        "Held-out perplexity {ppl:.2f} over {cnt:,} scored tokens "
        "(`heldout.txt` tokenized as one string, no BOS, non-overlapping "
        "{P}-token windows, every token after the first of its window "
        "scored; an add-one unigram model scores {uppl:.1f}). Directory size "
        "{mb:.1f} MB. Reproduce with `/usr/bin/python3 "
        "scripts/train_bundled_model.py --out models/gpt2-fortunes "
        "--minutes 60` (see docs/bundled-model.md).\n").format(
            E=a.n_embd, L=a.n_layer, H=a.n_head, I=cfg["n_inner"],
            P=a.n_positions, np_=n_params, nf=len(fortunes),
            nh=len(held_f), st=n_steps, b=a.batch, sq=a.seq,
            ep=n_steps * a.batch * a.seq / len(compact), nt=len(train_ids),
            lr=a.lr, lr2=a.lr * a.min_lr_frac, seed=a.seed,
            mins=train_s / 60, ppl=ppl, cnt=cnt, uppl=u_ppl,
            mb=0)
    path = os.path.join(a.out, "README.md")
    with open(path, "w") as f:
        f.write(readme)
    size = dir_size(a.out)
    with open(path, "w") as f:  # now with the real size (README ~1 KB)
        f.write(readme.replace("0.0 MB", "%.1f MB" % (size / 1e6)))
    size = dir_size(a.out)
    print("wrote %s: %d bytes (%.2f MB) in %s" % (
        a.out, size, size / 1e6, ", ".join(sorted(os.listdir(a.out)))))
    if size > 15e6:
        print("WARNING: directory exceeds 15 MB")
    print("total wall time %.1f min" % ((time.time() - t_start) / 60))
    return 0


if __name__ == "__main__":
    sys.exit(main())
