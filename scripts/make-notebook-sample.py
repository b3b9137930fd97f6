#!/usr/bin/env python3
"""Copies a sweep directory into a small sample for the notebooks (and CI): summary.csv, every run's run.json,
and metrics.jsonl thinned to at most MAX_STEPS step lines per run (all evaluation lines kept).

usage: scripts/make-notebook-sample.py SWEEP_DIR OUT_DIR [MAX_STEPS]
"""
import json
import os
import shutil
import sys


def thin(src, dst, max_steps):
    with open(src) as f:
        lines = [line for line in f if line.strip()]
    steps = [line for line in lines if json.loads(line).get("type") == "step"]
    every = max(1, -(-len(steps) // max_steps))
    kept_steps = set(steps[::every] + steps[-1:])
    with open(dst, "w") as f:
        for line in lines:
            if json.loads(line).get("type") != "step" or line in kept_steps:
                f.write(line)


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit(__doc__)
    sweep, out = argv[1], argv[2]
    max_steps = int(argv[3]) if len(argv) == 4 else 150
    if not os.path.exists(os.path.join(sweep, "summary.csv")):
        sys.exit(f"{sweep}: no summary.csv, not a finished sweep directory")
    if os.path.exists(out):
        sys.exit(f"{out}: exists; remove it first")
    os.makedirs(os.path.join(out, "runs"))
    shutil.copy(os.path.join(sweep, "summary.csv"), out)
    for run in sorted(os.listdir(os.path.join(sweep, "runs"))):
        src = os.path.join(sweep, "runs", run)
        if not os.path.exists(os.path.join(src, "metrics.jsonl")):
            continue
        dst = os.path.join(out, "runs", run)
        os.makedirs(dst)
        shutil.copy(os.path.join(src, "run.json"), dst)
        thin(os.path.join(src, "metrics.jsonl"), os.path.join(dst, "metrics.jsonl"), max_steps)
    print(f"{out}: sample of {sweep}")


if __name__ == "__main__":
    main(sys.argv)
