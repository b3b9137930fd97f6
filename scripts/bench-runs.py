#!/usr/bin/env python3
"""Puts several `lockstep bench --out FILE.json` runs side by side: per global batch B and run,
Lockstep examples/s, efficiency (Lockstep / (P x DL4J 1t)), efficiency against the measured ceiling
(Lockstep / two concurrent single-thread DL4J fits), the ceiling itself (2x1t / 1t), median fixed
overhead per step, and Lockstep / PA f=1; then the median over the runs. Run-to-run spread on a
shared or virtualised machine is large, so one run is not a verdict.

    scripts/bench-runs.py runs/bench-a.json runs/bench-b.json [...]
"""
import json
import statistics
import sys


def rows(path):
    try:
        with open(path) as f:
            report = json.load(f)
        return {r["globalBatch"]: r for r in report["rows"]}, report
    except (OSError, ValueError, KeyError) as e:
        print(f"bench-runs: {path}: not a bench JSON report ({e})", file=sys.stderr)
        sys.exit(2)


def metrics(row):
    q, s, b = row["ratios"], row["sides"], row.get("breakdown") or {}
    return {
        "Lockstep ex/s": s.get("lockstep", {}).get("examplesPerSec"),
        "efficiency": q.get("efficiency"),
        "vs ceiling": q.get("lockstepOverPair"),
        "ceiling 2x1t/1t": q.get("pairOverDl4j1t"),
        "overhead ms": b.get("overhead"),
        "Lockstep/PA f=1": q.get("lockstepOverPaF1"),
        "repl/sharded": q.get("replicatedOverSharded"),
        "sharded ex/s": s.get("lockstep-sharded", {}).get("examplesPerSec"),
    }


def fmt(name, v):
    if v is None:
        return "-"
    return f"{v:,.0f}" if name.endswith("ex/s") else f"{v:.2f}"


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    runs = [rows(p) for p in paths]
    batches = sorted(set().union(*(r[0].keys() for r in runs)))
    names = list(metrics({"ratios": {}, "sides": {}}).keys())
    for i, (_, report) in enumerate(runs):
        env = report.get("env", {})
        print(f"run {i + 1}: {paths[i]} (load average {env.get('loadAverage', float('nan')):.2f} at start, "
              f"{report.get('wallSeconds', float('nan')):.0f} s)")
    header = ["B", "metric"] + [f"run {i + 1}" for i in range(len(runs))] + ["median"]
    table = []
    for b in batches:
        for name in names:
            values = [metrics(r[0][b])[name] if b in r[0] else None for r in runs]
            present = [v for v in values if v is not None]
            median = statistics.median(present) if present else None
            table.append([str(b), name] + [fmt(name, v) for v in values] + [fmt(name, median)])
    widths = [max(len(row[c]) for row in table + [header]) for c in range(len(header))]
    print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths)))


if __name__ == "__main__":
    main(sys.argv[1:])
