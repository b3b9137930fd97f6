#!/usr/bin/env python3
"""Medians of the runs scripts/bench-train.sh wrote: per kind (train, train-job, plain, plain-evals), the wall
time (JVM start included), the training time the command printed, the final test accuracy, and the load
before each run; then, per epoch, the median step time of the Lockstep runs (their metrics.jsonl) and of the
plain DL4J runs with --eval-each-epoch (their per-epoch lines).

    scripts/train-times.py DIR
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results_tables import records  # noqa: E402  (the scripts' one metrics.jsonl reader)

TRAINING = [re.compile(r"after \d+ steps in ([0-9.]+) s"), re.compile(r"; ([0-9.]+) s training")]
ACCURACY = [re.compile(r"^test accuracy ([0-9.]+)"), re.compile(r"test loss [0-9.]+, accuracy ([0-9.]+); [0-9.]+ s training")]
LOAD = re.compile(r"load average: ([0-9.]+)")


def first(patterns, text):
    for p in patterns:
        m = p.search(text)
        if m:
            return float(m.group(1))
    return None


def main(d):
    runs = {}
    for name in sorted(os.listdir(d)):
        m = re.fullmatch(r"(.+)-(\d+)\.txt", name)
        if not m:
            continue
        with open(os.path.join(d, name)) as f:
            text = f.read()
        wall = re.search(r"^wall_s ([0-9.]+)", text, re.M)
        row = {"wall s": float(wall.group(1)) if wall else None,
               "training s": first(TRAINING, text),
               "test accuracy": first([re.compile(p.pattern, re.M) for p in ACCURACY], text),
               "load before": first([LOAD], text)}
        runs.setdefault(m.group(1), []).append(row)
    if not runs:
        print(f"train-times: no <kind>-N.txt in {d}", file=sys.stderr)
        sys.exit(2)
    cols = ["wall s", "training s", "test accuracy", "load before"]
    print(f"{'kind':12s} {'runs':>4s} " + " ".join(f"{c:>14s}" for c in cols) + "   (medians; each run's values)")
    for kind, rows in runs.items():
        cells = []
        for c in cols:
            vals = [r[c] for r in rows if r[c] is not None]
            cells.append(f"{statistics.median(vals):14.4g}" if vals else f"{'-':>14s}")
        each = "; ".join(f"{r['wall s']:.1f}/{r['training s'] or float('nan'):.1f}" for r in rows)
        print(f"{kind:12s} {len(rows):4d} " + " ".join(cells) + f"   wall/training: {each}")
    per_epoch(d, runs)


def per_epoch(d, runs):
    """Median ms per step in each epoch: Lockstep's step_ms and slowest_task_ms, plain DL4J's printed ms/step."""
    lines = []
    for kind in runs:
        for n in range(1, len(runs[kind]) + 1):
            run_dir = os.path.join(d, f"{kind}-{n}")
            if os.path.isdir(run_dir):
                steps = records(run_dir, "step")
                epochs = sorted({r["epoch"] for r in steps})
                step = [statistics.median(r["step_ms"] for r in steps if r["epoch"] == e) for e in epochs]
                task = [statistics.median(r["slowest_task_ms"] for r in steps if r["epoch"] == e) for e in epochs]
                lines.append(f"{kind}-{n}: step " + " ".join(f"{v:.2f}" for v in step)
                             + "; slowest task " + " ".join(f"{v:.2f}" for v in task))
            else:
                with open(os.path.join(d, f"{kind}-{n}.txt")) as f:
                    ms = re.findall(r"\(([0-9.]+) ms/step\)", f.read())
                if ms:
                    lines.append(f"{kind}-{n}: step " + " ".join(ms))
    if lines:
        print("\nmedian ms per step, epoch by epoch")
        print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
