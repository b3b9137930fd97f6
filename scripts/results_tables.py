#!/usr/bin/env python3
"""Prints the tables of results/RESULTS.md from the sweep directories (summary.csv + runs' metrics.jsonl).

usage: scripts/results_tables.py [SWEEPS_DIR [EXPERIMENT...]]
       (default runs/sweeps; each experiment is SWEEPS_DIR/<name>; with names, only those sections, e.g.
       `scripts/results_tables.py results adaptive-batch adascale-bn` from the raw outputs committed in results/)

Plain Python 3 (csv/json only), so it runs without pandas. Every number in RESULTS.md comes from this output.
"""
import csv
import gzip
import json
import math
import os
import sys
from collections import defaultdict


def rows(sweeps, name):
    path = os.path.join(sweeps, name, "summary.csv")
    if not os.path.exists(path):
        print(f"\n## {name}: no {path} (run `bin/lockstep sweep experiments/{name}.yaml`)")
        return None
    with open(path) as f:
        return list(csv.DictReader(f))


def num(v):
    return float(v) if v not in ("", None) else math.nan


def records(run_dir, kind):
    """The records of type `kind` in a run directory's metrics.jsonl (or metrics.jsonl.gz): the scripts' one reader."""
    out = []
    path = os.path.join(run_dir, "metrics.jsonl")
    with (open(path) if os.path.exists(path) else gzip.open(path + ".gz", "rt")) as f:  # results/ keeps them gzipped
        for line in f:
            rec = json.loads(line)
            if rec.get("type") == kind:
                out.append(rec)
    return out


def evals(sweeps, name, run, kind="eval"):
    return records(os.path.join(sweeps, name, "runs", run), kind)


def fit_critical_batch(bs, ss):
    """S = S_min (1 + B_crit/B), least squares on relative residuals (weights 1/S^2), as CriticalBatchFit."""
    w = [1 / s ** 2 for s in ss]
    x = [1 / b for b in bs]
    sw = sum(w)
    mx = sum(wi * xi for wi, xi in zip(w, x)) / sw
    my = sum(wi * si for wi, si in zip(w, ss)) / sw
    sxy = sum(wi * (xi - mx) * (si - my) for wi, xi, si in zip(w, x, ss))
    sxx = sum(wi * (xi - mx) ** 2 for wi, xi in zip(w, x))
    slope = sxy / sxx
    s_min = my - slope * mx
    return s_min, slope / s_min


def table(header, body):
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in body:
        print("| " + " | ".join(str(c) for c in r) + " |")


def steps_to_target(sweeps):
    data = rows(sweeps, "steps-to-target")
    if data is None:
        return None
    print("\n## 1. steps-to-target")
    best = {}
    for r in data:
        if r["reached_target"] == "true":
            b = int(r["global_batch"])
            if b not in best or int(r["steps_to_target"]) < int(best[b]["steps_to_target"]):
                best[b] = r
    body = []
    for b in sorted({int(r["global_batch"]) for r in data}):
        tried = sorted(float(r["peak_lr"]) for r in data if int(r["global_batch"]) == b)
        div = [float(r["peak_lr"]) for r in data if int(r["global_batch"]) == b and r["diverged"] == "true"]
        br = best.get(b)
        body.append([b, " / ".join(f"{x:.3g}" for x in tried), f"{float(br['peak_lr']):.3g}" if br else "-",
                     br["steps_to_target"] if br else "-", br["examples_to_target"] if br else "-",
                     " / ".join(f"{x:.3g}" for x in div) or "-"])
    table(["B", "peak LRs tried", "best peak LR", "steps to target", "examples to target", "diverged at LR"], body)
    bs = sorted(best)
    s_min, b_crit = fit_critical_batch(bs, [int(best[b]["steps_to_target"]) for b in bs])
    print(f"\nfit S = S_min(1 + B_crit/B): S_min = {s_min:.1f} steps, B_crit = {b_crit:.0f}, E_min = {s_min * b_crit:.0f} examples")
    bsimple = [(int(r["global_batch"]), num(r["b_simple_last_epoch"])) for r in best.values()]
    print("B_simple (mean over the last epoch's steps) of the best run per B: "
          + ", ".join(f"B={b}: {v:.0f}" for b, v in sorted(bsimple)))
    return b_crit


def stability_map(sweeps):
    data = rows(sweeps, "stability-map")
    if data is None:
        return
    print("\n## 2. stability-map (validation accuracy after 200 steps; 'div@k' = diverged at step k)")
    lrs = sorted({float(r["lr"]) for r in data})
    body = []
    for b in sorted({int(r["global_batch"]) for r in data}):
        cells, best, edge = [], None, None
        for lr in lrs:
            r = next((r for r in data if int(r["global_batch"]) == b and float(r["lr"]) == lr), None)
            if r is None:
                cells.append("")
            elif r["diverged"] == "true":
                cells.append(f"div@{r['diverged_step']}")
                edge = lr if edge is None else min(edge, lr)
            else:
                acc = num(r["best_val_accuracy"])
                cells.append(f"{acc:.4f}")
                if best is None or acc > best[1]:
                    best = (lr, acc)
        body.append([b] + cells + [best[0] if best else "-", edge if edge is not None else "-"])
    table(["B"] + [f"lr {x:g}" for x in lrs] + ["best LR", "smallest diverging LR"], body)


def warmup_ablation(sweeps):
    data = rows(sweeps, "warmup-ablation")
    if data is None:
        return
    print("\n## 3. warmup-ablation (means over seeds; peak loss = max step loss)")
    groups = defaultdict(list)
    for r in data:
        groups[(int(r["global_batch"]), float(r["peak_lr"]), r["warmup"])].append(r)
    body = []
    for (b, lr, warm), rs in sorted(groups.items()):
        ok = [r for r in rs if r["diverged"] != "true"]
        acc = [num(r["final_test_accuracy"]) for r in ok]
        body.append([b, f"{lr:.3g}", warm, len(rs), sum(r["diverged"] == "true" for r in rs),
                     f"{max(num(r['peak_loss']) for r in rs):.3f}",
                     " / ".join(f"{a:.4f}" for a in acc) or "-",
                     f"{sum(acc) / len(acc):.4f}" if acc else "-"])
    table(["B", "peak LR", "warmup", "runs", "diverged", "max peak loss", "test acc per seed", "mean test acc"], body)


def noise_scale(sweeps, b_crit):
    data = rows(sweeps, "noise-scale")
    if data is None:
        return
    print("\n## 4. noise-scale (B_simple = EMA(tr Σ)/EMA(|G|²), means over windows of the run)")
    body = []
    for r in sorted(data, key=lambda r: int(r["global_batch"])):
        steps = evals(sweeps, "noise-scale", r["run"], "step")
        vals = [(s["step"], s.get("b_simple"), s["loss"]) for s in steps if s.get("b_simple") is not None]
        n = len(vals)
        if n == 0:
            continue
        def window(lo, hi):
            part = vals[int(lo * n):max(int(hi * n), int(lo * n) + 1)]
            return sum(v[1] for v in part) / len(part), sum(v[2] for v in part) / len(part)
        early, mid, late = window(0.1, 0.2), window(0.45, 0.55), window(0.9, 1.0)
        body.append([r["global_batch"], n, f"{early[0]:.0f} (loss {early[1]:.3f})", f"{mid[0]:.0f} (loss {mid[1]:.3f})",
                     f"{late[0]:.0f} (loss {late[1]:.3f})", f"{num(r['final_test_accuracy']):.4f}"])
    table(["B", "steps", "B_simple 10-20%", "B_simple 45-55%", "B_simple last 10%", "test acc"], body)
    if b_crit is not None:
        print(f"\nfitted B_crit from experiment 1: {b_crit:.0f}")


def scaling_rules(sweeps):
    data = rows(sweeps, "scaling-rules")
    if data is None:
        return
    print("\n## 5. scaling-rules (final test accuracy; 'div@k' = diverged at step k)")
    body = []
    for r in data:
        res = f"div@{r['diverged_step']}" if r["diverged"] == "true" else f"{num(r['final_test_accuracy']):.4f}"
        body.append([r["run"], r["global_batch"], r["lr_scaling"], f"{float(r['peak_lr']):.3g}", r["steps"], res])
    table(["run", "B", "rule", "peak LR", "steps", "test acc"], body)


def generalization_gap(sweeps):
    data = rows(sweeps, "generalization-gap")
    if data is None:
        return
    print("\n## 6. generalization-gap (last evaluation; gap = train acc - test acc)")
    body = []
    for r in data:
        last = {}
        for e in evals(sweeps, "generalization-gap", r["run"]):
            last[e["set"]] = e
        train, test = last.get("train", {}).get("accuracy"), last.get("test", {}).get("accuracy")
        if r["diverged"] == "true":
            res = [f"div@{r['diverged_step']}", "-", "-"]
        else:
            res = [f"{train:.4f}" if train is not None else "-", f"{test:.4f}" if test is not None else "-",
                   f"{train - test:.4f}" if train is not None and test is not None else "-"]
        body.append([r["optimizer"], r["global_batch"], f"{float(r['peak_lr']):.3g}", r["steps"]] + res)
    table(["optimizer", "B", "peak LR", "steps", "train acc", "test acc", "gap"], body)


def last_evals(sweeps, name, run):
    """The last evaluation of each set (train/validation/test) of a run."""
    last = {}
    for e in evals(sweeps, name, run):
        last[e["set"]] = e
    return last


def ghost_batch(sweeps):
    rs = rows(sweeps, "ghost-batch")
    if rs is None:
        return
    print("\n## 7. ghost-batch")
    body, by_g = [], defaultdict(list)
    for r in sorted(rs, key=lambda r: (int(r["p_ghost_batch"]), int(r["workers"]))):
        last = last_evals(sweeps, "ghost-batch", r["run"])
        train, test = last["train"], last["test"]
        by_g[r["p_ghost_batch"]].append(float(r["final_train_loss"]))
        body.append([r["p_ghost_batch"], r["workers"], r["steps"], f"{train['loss']:.4f}", f"{train['accuracy']:.4f}",
                     f"{float(r['final_val_accuracy']):.4f}", f"{test['accuracy']:.4f}",
                     f"{train['accuracy'] - test['accuracy']:.4f}"])
    table(["ghost batch", "P", "steps", "train loss", "train acc", "val acc", "test acc", "gap"], body)
    for g, losses in sorted(by_g.items(), key=lambda kv: int(kv[0])):
        print(f"G={g}: last step loss P=1 vs P=2 relative difference {abs(losses[0] - losses[-1]) / abs(losses[0]):.2g}")


def step_records(sweeps, name, run):
    return evals(sweeps, name, run, kind="step")


def debiased_ema(values, decay):
    """Bias-corrected EMA after each value, as NoiseScaleEstimator and AdaScale (unbias weight kept explicitly)."""
    biased, unbias, out = 0.0, 0.0, []
    for v in values:
        biased = decay * biased + (1 - decay) * v
        unbias = decay * unbias + (1 - decay)
        out.append(biased / unbias)
    return out


def median(xs):
    s = sorted(xs)
    n = len(s)
    return (s[n // 2] + s[(n - 1) // 2]) / 2


def adascale(sweeps, name="adascale", title="8. adascale"):
    rs = rows(sweeps, name)
    if rs is None:
        return
    print(f"\n## {title}")
    body, compare = [], []
    for r in sorted(rs, key=lambda r: (int(r["global_batch"]), r["lr_scaling"], int(r["seed"]))):
        steps = step_records(sweeps, name, r["run"])
        gains = [s["adascale_gain"] for s in steps if "adascale_gain" in s]
        res = f"div@{r['diverged_step']}" if r["diverged"] == "true" else f"{num(r['final_test_accuracy']):.4f}"
        body.append([r["global_batch"], r["lr_scaling"], r["seed"], r["steps"], r["examples"], res,
                     f"{num(r['final_val_accuracy']):.4f}", f"{sum(gains) / len(gains):.2f}" if gains else "-",
                     f"{num(r['wall_seconds']):.0f}"])
        if gains:
            compare.append((r, steps))
    table(["B", "rule", "seed", "steps", "examples", "test acc", "val acc", "mean gain", "wall s"], body)
    # AdaScale's sigma^2/mu^2 vs B_simple: recomputed from the logged per-step estimates (noise_trace_sigma,
    # noise_grad_sq) with AdaScale's smoothing (theta = 1 - S/1000, clipped) and with the noise estimator's decay.
    print("\nnoise scale over the last 20% of steps (medians): b0*var/sq as logged | recomputed with theta | "
          "B_simple as logged | recomputed with the run's decay | AdaScale's clipping at the run's decay")
    for r, steps in compare:
        b0, batch = int(r["reference_batch"]), int(r["global_batch"])
        with open(os.path.join(sweeps, name, "runs", r["run"], "run.json")) as f:
            decay = json.load(f)["spec"]["train"]["noiseEmaDecay"]
        theta = max(1 - batch / b0 / 1000, 0)
        tr = [s["noise_trace_sigma"] for s in steps]
        sq = [s["noise_grad_sq"] for s in steps]
        var_t = debiased_ema([max(t / b0, 1e-6) for t in tr], theta)
        sq_t = debiased_ema([max(g, 0.0) for g in sq], theta)
        var_b = debiased_ema([max(t / b0, 1e-6) for t in tr], decay)
        sq_b = debiased_ema([max(g, 0.0) for g in sq], decay)
        bs_b = [a / b for a, b in zip(debiased_ema(tr, decay), debiased_ema(sq, decay))]
        tail = range(int(len(steps) * 0.8), len(steps))
        logged = median([b0 * steps[i]["adascale_variance"] / steps[i]["adascale_sq_norm"] for i in tail])
        print(f"B={batch} seed {r['seed']} (theta {theta:.3f}, decay {decay}): {logged:.0f} | "
              f"{median([b0 * var_t[i] / sq_t[i] for i in tail]):.0f} | "
              f"{median([steps[i]['b_simple'] for i in tail]):.0f} | {median([bs_b[i] for i in tail]):.0f} | "
              f"{median([b0 * var_b[i] / sq_b[i] for i in tail]):.0f}")


def adaptive_batch(sweeps):
    """Experiment 9: every repeat of the sweep (adaptive-batch, adaptive-batch-r2, ...), medians over repeats."""
    names = sorted(n for n in os.listdir(sweeps) if (n == "adaptive-batch" or n.startswith("adaptive-batch-r"))
                   and os.path.exists(os.path.join(sweeps, n, "summary.csv")))
    if not names:
        rows(sweeps, "adaptive-batch")  # prints how to make it
        return
    print(f"\n## 9. adaptive-batch ({len(names)} repeats: {', '.join(names)})")
    per_run = defaultdict(list)
    for name in names:
        for r in rows(sweeps, name):
            steps = step_records(sweeps, name, r["run"])
            n = int(r["steps_to_target"]) if r["reached_target"] == "true" else len(steps)
            train_s = sum(s["step_ms"] for s in steps[:n]) / 1000
            sizes = defaultdict(int)
            for s in steps[:n]:
                sizes[s.get("global_batch", int(r["global_batch"]))] += 1
            label = (f"adaptive {r['reference_batch']}..{r['p_max_batch']}" if r.get("p_global_batch") == "adaptive"
                     else r["global_batch"])
            per_run[label].append((r, n, train_s, dict(sizes)))
    body = []
    for label, reps in per_run.items():
        r0 = reps[0][0]
        reached = all(r["reached_target"] == "true" for r, _, _, _ in reps)
        def per_repeat(values):
            return values[0] if len(set(values)) == 1 else " / ".join(values)
        body.append([label, r0["peak_lr"][:6], per_repeat([str(n) for _, n, _, _ in reps]) if reached else "not reached",
                     per_repeat([r["examples_to_target"] or "-" for r, _, _, _ in reps]),
                     f"{median([num(r['seconds_to_target']) for r, _, _, _ in reps]):.1f}",
                     " / ".join(f"{num(r['seconds_to_target']):.1f}" for r, _, _, _ in reps),
                     f"{median([t for _, _, t, _ in reps]):.2f}",
                     " ".join(f"{b}x{c}" for b, c in sorted(reps[0][3].items())),
                     f"{num(r0['final_test_accuracy']):.4f}"])
    table(["B", "peak lr", "steps to 96%", "examples to 96%", "wall s to 96% (median)", "wall s per repeat",
           "training s (sum of step times, median)", "batches to the target (first repeat: B x steps)",
           "test acc"], body)


def main():
    sweeps = sys.argv[1] if len(sys.argv) > 1 else "runs/sweeps"
    only = set(sys.argv[2:])  # e.g. "adaptive-batch adascale-bn": just those sections
    state = {}
    sections = [
        ("steps-to-target", lambda: state.update(b_crit=steps_to_target(sweeps))),
        ("stability-map", lambda: stability_map(sweeps)),
        ("warmup-ablation", lambda: warmup_ablation(sweeps)),
        ("noise-scale", lambda: noise_scale(sweeps, state.get("b_crit"))),
        ("scaling-rules", lambda: scaling_rules(sweeps)),
        ("generalization-gap", lambda: generalization_gap(sweeps)),
        ("ghost-batch", lambda: ghost_batch(sweeps)),
        ("adascale", lambda: adascale(sweeps)),
        ("adaptive-batch", lambda: adaptive_batch(sweeps)),
        ("adascale-bn", lambda: adascale(sweeps, "adascale-bn", "10. adascale-bn")),
    ]
    for name, run in sections:
        if not only or name in only:
            run()


if __name__ == "__main__":
    main()
