#!/usr/bin/env python3
"""Soak and chaos on a real standalone cluster (loopback only, bounded in time).

    scripts/soak.py [--steps 5000] [--kill-every 40] [--out results/soak]

Starts a 2-worker standalone cluster (deploy/standalone/start-cluster.sh), then
  1. trains an undisturbed reference run (--steps N on the committed MNIST subset, P=2, B=64);
  2. trains the same run again while killing (kill -9) an executor every --kill-every seconds and,
     at 60 % of the steps, the driver itself; then resumes it with `train --resume DIR` (more executor
     kills) until it finishes;
  3. compares the two runs' final parameters (the coefficients in model.zip) bit for bit, and samples the
     resident memory (RSS) of the driver and of every executor every 2 s during both runs, reporting each
     process's slope (least squares over its samples after the first 20 %, MiB per 1,000 steps).
Writes summary.json, rss.csv and the runs' logs into --out; exit 0 when the runs are bit-identical.
"""
import argparse
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUBSET = os.path.join(ROOT, "modules/lockstep-app/src/test/resources/mnist-subset")


def data_args():
    f = lambda name: os.path.join(SUBSET, name)
    return ["--train-images", f("train-images-idx3-ubyte.gz"), "--train-labels", f("train-labels-idx1-ubyte.gz"),
            "--test-images", f("t10k-images-idx3-ubyte.gz"), "--test-labels", f("t10k-labels-idx1-ubyte.gz")]


def train_args(steps, out):
    return ["train", "--steps", str(steps), "--workers", "2", "--global-batch", "64", "--no-eval-train",
            "--checkpoint-every", "250", "--no-progress", "--out", out] + data_args()


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def executors():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()
            and "org.apache.spark.executor.CoarseGrainedExecutorBackend" in cmdline(p)]


def driver_of(proc):
    """The JVM running SparkSubmit for this submission (submit.sh may exec it or run it as a child)."""
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and "org.apache.spark.deploy.SparkSubmit" in cmdline(p)]
    for pid in pids:
        cur = pid
        while cur > 1:
            if cur == proc.pid:
                return pid
            try:
                with open(f"/proc/{cur}/stat") as f:
                    cur = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                break
    return None


def steps_done(run_dir):
    try:
        with open(os.path.join(run_dir, "metrics.jsonl")) as f:
            return sum(1 for line in f if '"type":"step"' in line.replace(" ", ""))
    except OSError:
        return 0


class RssSampler(threading.Thread):
    """Samples the RSS of the current driver and executors every 2 s, with the run's progress."""

    def __init__(self):
        super().__init__(daemon=True)
        self.rows, self.stop, self.driver, self.phase, self.run_dir = [], threading.Event(), None, "", None

    def run(self):
        while not self.stop.wait(2.0):
            step = steps_done(self.run_dir) if self.run_dir else 0
            procs = [("executor", p) for p in executors()] + ([("driver", self.driver)] if self.driver else [])
            for role, pid in procs:
                kib = rss_kib(pid)
                if kib is not None:
                    self.rows.append((round(time.time(), 1), self.phase, role, pid, step, kib))


def submit(url, args, log_path):
    log = open(log_path, "w")
    return subprocess.Popen([os.path.join(ROOT, "deploy/submit.sh"), url] + args, stdout=log, stderr=subprocess.STDOUT,
                            cwd=ROOT, start_new_session=True)


def run_phase(sampler, phase, url, args, run_dir, log_path, kill_every=0, kill_driver_at=None, events=None):
    proc = submit(url, args, log_path)
    sampler.phase, sampler.run_dir = phase, run_dir
    last_kill = time.time()
    while proc.poll() is None:
        time.sleep(0.5)
        sampler.driver = sampler.driver if sampler.driver and os.path.exists(f"/proc/{sampler.driver}") else driver_of(proc)
        step = steps_done(run_dir)
        if kill_driver_at is not None and step >= kill_driver_at and sampler.driver:
            events.append({"phase": phase, "kill": "driver", "pid": sampler.driver, "after_step": step})
            os.kill(sampler.driver, signal.SIGKILL)
            proc.wait()
            break
        if kill_every and time.time() - last_kill >= kill_every and step > 0:
            victims = executors()
            if victims:
                events.append({"phase": phase, "kill": "executor", "pid": victims[0], "after_step": step})
                os.kill(victims[0], signal.SIGKILL)
            last_kill = time.time()
    sampler.driver = None
    return proc.wait()


def coefficients_sha256(run_dir):
    with zipfile.ZipFile(os.path.join(run_dir, "model.zip")) as z:
        return hashlib.sha256(z.read("coefficients.bin")).hexdigest()


def slopes(rows, total_steps):
    """Per process: RSS slope in MiB per 1,000 steps, least squares over its samples after the first 20 %."""
    out = []
    for key in sorted({(r[1], r[2], r[3]) for r in rows}):
        pts = [(r[4], r[5] / 1024) for r in rows if (r[1], r[2], r[3]) == key]
        pts = pts[len(pts) // 5:]
        xs = [p[0] for p in pts]
        if len(pts) < 5 or max(xs) - min(xs) < total_steps / 10:
            continue
        fit = statistics.linear_regression(xs, [p[1] for p in pts])
        out.append({"phase": key[0], "role": key[1], "pid": key[2], "samples": len(pts), "steps": [min(xs), max(xs)],
                    "rss_mib_first": round(pts[0][1], 1), "rss_mib_last": round(pts[-1][1], 1),
                    "slope_mib_per_1000_steps": round(fit.slope * 1000, 2)})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--kill-every", type=float, default=40.0, help="seconds between executor kills")
    ap.add_argument("--out", default=os.path.join(ROOT, "results/soak"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="lockstep-soak-")
    env = dict(os.environ, LOCKSTEP_CLUSTER_DIR=os.path.join(work, "cluster"), LOCKSTEP_MASTER_PORT="0",
               LOCKSTEP_MASTER_WEBUI_PORT="0")
    os.environ.update(env)
    start = subprocess.run([os.path.join(ROOT, "deploy/standalone/start-cluster.sh"), "2"], capture_output=True, text=True,
                           cwd=ROOT)
    if start.returncode != 0:
        sys.exit("soak: cluster did not start: " + start.stderr.strip().splitlines()[-1])
    url = start.stdout.strip().splitlines()[-1]
    sampler, events, t0 = RssSampler(), [], time.time()
    sampler.start()
    try:
        ref, chaos = os.path.join(work, "reference"), os.path.join(work, "chaos")
        rc_ref = run_phase(sampler, "reference", url, train_args(a.steps, ref), ref, os.path.join(a.out, "reference.log"))
        t_ref = time.time() - t0
        rc_kill = run_phase(sampler, "chaos", url, train_args(a.steps, chaos), chaos, os.path.join(a.out, "chaos.log"),
                            a.kill_every, int(a.steps * 0.6), events)
        rc_resume = run_phase(sampler, "resume", url, ["train", "--resume", chaos, "--no-progress"], chaos,
                              os.path.join(a.out, "resume.log"), a.kill_every, None, events)
    finally:
        sampler.stop.set()
        subprocess.run([os.path.join(ROOT, "deploy/standalone/stop-cluster.sh")], capture_output=True, cwd=ROOT)
    same = rc_ref == 0 and rc_resume == 0 and coefficients_sha256(ref) == coefficients_sha256(chaos)
    summary = {"steps": a.steps, "master": url, "exit_codes": {"reference": rc_ref, "chaos": rc_kill, "resume": rc_resume},
               "seconds": {"reference": round(t_ref, 1), "total": round(time.time() - t0, 1)}, "kills": events,
               "reference_coefficients_sha256": coefficients_sha256(ref) if rc_ref == 0 else None,
               "chaos_coefficients_sha256": coefficients_sha256(chaos) if rc_resume == 0 else None,
               "bit_identical": same, "rss_slopes": slopes(sampler.rows, a.steps),
               "load_average": os.getloadavg()}
    with open(os.path.join(a.out, "rss.csv"), "w") as f:
        f.write("time,phase,role,pid,step,rss_kib\n")
        f.writelines(",".join(map(str, r)) + "\n" for r in sampler.rows)
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps({k: summary[k] for k in ("exit_codes", "seconds", "bit_identical")}))
    for s in summary["rss_slopes"]:
        print(f"  {s['phase']:9s} {s['role']:8s} pid {s['pid']}: {s['rss_mib_first']} -> {s['rss_mib_last']} MiB, "
              f"slope {s['slope_mib_per_1000_steps']} MiB/1000 steps ({s['samples']} samples)")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
