"""Small helpers shared by the Lockstep notebooks: load a sweep's summary and a run's metrics.jsonl.

The file formats are the ones `bin/lockstep sweep` and `bin/lockstep train` write (see the README):
summary.csv has one row per run; metrics.jsonl has one JSON object per line, "type" = "step" | "eval" | ...
"""
import json
import os

import numpy as np
import pandas as pd


def sweep_dir(default):
    """The sweep directory to analyse: $LOCKSTEP_SWEEP if set, else `default` (a committed sample)."""
    return os.environ.get("LOCKSTEP_SWEEP", default)


def run_dir(default):
    """The run directory to analyse: $LOCKSTEP_RUN if set, else `default` (a committed sample)."""
    return os.environ.get("LOCKSTEP_RUN", default)


def first_run(sweep):
    """The first run directory (by name) of a sweep."""
    runs = sorted(os.listdir(os.path.join(sweep, "runs")))
    if not runs:
        raise FileNotFoundError(f"{sweep}/runs: no runs")
    return os.path.join(sweep, "runs", runs[0])


def load_summary(sweep):
    """summary.csv of a sweep as a DataFrame (booleans parsed, one row per run)."""
    path = os.path.join(sweep, "summary.csv")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no summary.csv (run `bin/lockstep sweep SPEC` first)")
    df = pd.read_csv(path)
    for col in ("reached_target", "diverged"):
        if col in df:
            df[col] = df[col].astype(str).str.lower().eq("true")
    return df


def load_metrics(run):
    """metrics.jsonl of a run as two DataFrames: (steps, evals). Step columns are flat except update_ratio."""
    path = os.path.join(run, "metrics.jsonl")
    steps, evals = [], []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: not JSON ({e})") from None
            if row.get("type") == "step":
                steps.append(row)
            elif row.get("type") == "eval":
                evals.append(row)
    return pd.DataFrame(steps), pd.DataFrame(evals)


def fit_critical_batch(batch, steps):
    """Fits S = S_min (1 + B_crit / B) by least squares on relative residuals (weights 1/S^2), the same
    objective as io.lockstep.noise.CriticalBatchFit. Returns (S_min, B_crit)."""
    b = np.asarray(batch, dtype=float)
    s = np.asarray(steps, dtype=float)
    w = 1.0 / s ** 2
    x = 1.0 / b
    mx, my = np.average(x, weights=w), np.average(s, weights=w)
    slope = np.sum(w * (x - mx) * (s - my)) / np.sum(w * (x - mx) ** 2)
    s_min = my - slope * mx
    return s_min, slope / s_min


def smooth(values, window=25):
    """Centered rolling mean, for noisy per-step curves."""
    return pd.Series(values).rolling(window, min_periods=1, center=True).mean()
