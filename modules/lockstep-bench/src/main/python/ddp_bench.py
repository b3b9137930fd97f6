#!/usr/bin/env python3
"""PyTorch DistributedDataParallel side of `lockstep bench` (what TorchDistributor runs on Spark).

For every global batch B it measures, on the MNIST MLP 784-256-256-10 (ReLU, softmax cross-entropy,
He-normal weights, zero biases, float32):

  ddp          2 processes x 1 thread, torch.distributed with the Gloo backend on 127.0.0.1,
               DistributedDataParallel: each rank computes forward+backward+optimizer step on its half
               of the global batch; the gradients are all-reduced by DDP. One iteration = one step, timed
               on each rank from zero_grad to the end of optimizer.step(); the step's time is the slower
               rank's.
  pair         the same 2 processes and steps under DDP's no_sync(): the same compute at the same time,
               no all-reduce (what the two cores give for this work without communication).
  single_half  one process, one thread, no torch.distributed: forward+backward+step on one worker's share
               (the first ceil(B/2) rows of each global batch), in this (the parent) process.

With --compute-rows R1,R2,... it measures instead, in this one process with one thread and without
torch.distributed, one worker's compute on R rows (the peer of Lockstep's GradientComputeBench and
WorkerSplitBench): forward (model + summed cross-entropy + loss.item()), backward (loss.backward()) and
both, with no optimizer step; also the same with the input requiring a gradient (the input-gradient
product DL4J's first layer computes and autograd skips otherwise). Prints one JSON object per R.

Per B and measurement: --warmup discarded steps, then --steps measured; medians. Batches are assembled
before the clock starts. Prints one JSON object per B on stdout (one line each); progress on stderr.
overhead_ms = median ddp step - median single_half step (DDP's per-step cost beyond one worker's
compute); overhead_vs_pair_ms = median ddp - median pair (beyond the concurrent compute).

Data: the IDX files given by --images/--labels (plain or .gz; features scaled to [0, 1]), else random
MNIST-shaped data (60,000 rows of 784 uniform features, 10 classes).
"""
import os

# One BLAS/OpenMP thread per process, before torch is imported (torch.set_num_threads(1) follows too).
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import struct  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

WORLD = 2
FEATURES = 784
CLASSES = 10
HIDDEN = 256
RANDOM_ROWS = 60_000


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batches", default="256,1024,4096,16384",
                   help="comma-separated global batch sizes B, each >= 2 (default: %(default)s)")
    p.add_argument("--warmup", type=int, default=5, help="discarded steps per B and measurement (default: %(default)s)")
    p.add_argument("--steps", type=int, default=30, help="measured steps per B and measurement (default: %(default)s)")
    p.add_argument("--optimizer", choices=["adam", "nesterov"], default="nesterov",
                   help="adam (beta1 0.9, beta2 0.999, eps 1e-8, as DL4J) or SGD with Nesterov momentum "
                        "(default: %(default)s)")
    p.add_argument("--lr", type=float, default=1e-3, help="learning rate (default: %(default)s)")
    p.add_argument("--momentum", type=float, default=0.9, help="Nesterov momentum (default: %(default)s)")
    p.add_argument("--seed", type=int, default=42, help="model and batch-order seed (default: %(default)s)")
    p.add_argument("--compute-rows", help="comma-separated row counts: measure one process's forward and backward "
                                            "on that many rows instead of DDP (see above)")
    p.add_argument("--images", help="IDX image file (plain or .gz); with --labels")
    p.add_argument("--labels", help="IDX label file (plain or .gz); with --images")
    a = p.parse_args(argv)
    try:
        a.batches = [int(b) for b in a.batches.split(",") if b.strip()]
    except ValueError:
        p.error("--batches: not a comma-separated list of integers: " + a.batches)
    if not a.batches or min(a.batches) < WORLD:
        p.error("--batches: every B must be at least %d (got %s)" % (WORLD, a.batches))
    if a.warmup < 0:
        p.error("--warmup must be at least 0 (got %d)" % a.warmup)
    if a.steps < 1:
        p.error("--steps must be at least 1 (got %d)" % a.steps)
    if a.lr <= 0:
        p.error("--lr must be positive (got %s)" % a.lr)
    if a.compute_rows is not None:
        try:
            a.compute_rows = [int(r) for r in a.compute_rows.split(",") if r.strip()]
        except ValueError:
            p.error("--compute-rows: not a comma-separated list of integers: " + a.compute_rows)
        if not a.compute_rows or min(a.compute_rows) < 1:
            p.error("--compute-rows: every row count must be at least 1 (got %s)" % a.compute_rows)
    if (a.images is None) != (a.labels is None):
        p.error("--images and --labels go together")
    return a


def read_idx(path):
    """The array of an IDX file (uint8 data) as a flat uint8 tensor and its dimensions."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError("%s: not an IDX file of unsigned bytes" % path)
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    size = 1
    for d in dims:
        size *= d
    body = raw[4 + 4 * ndim:]
    if len(body) != size:
        raise ValueError("%s: %d data bytes, the header says %d" % (path, len(body), size))
    return torch.frombuffer(bytearray(body), dtype=torch.uint8), dims


def load_data(args):
    """(features float32 [N, 784], labels int64 [N], description)."""
    if args.images is None:
        g = torch.Generator().manual_seed(args.seed)
        x = torch.rand(RANDOM_ROWS, FEATURES, generator=g)
        y = torch.randint(0, CLASSES, (RANDOM_ROWS,), generator=g)
        return x, y, "random MNIST-shaped data (%d rows)" % RANDOM_ROWS
    images, idims = read_idx(args.images)
    labels, ldims = read_idx(args.labels)
    if len(idims) != 3 or idims[1] * idims[2] != FEATURES:
        raise ValueError("%s: expected N x 28 x 28 images, got %s" % (args.images, list(idims)))
    if len(ldims) != 1 or ldims[0] != idims[0]:
        raise ValueError("%s: %s labels for %d images" % (args.labels, list(ldims), idims[0]))
    x = images.reshape(idims[0], FEATURES).to(torch.float32) / 255.0
    return x, labels.to(torch.int64), "%s (%d rows)" % (args.images, idims[0])


def mlp(seed):
    """784-256-256-10, ReLU, He-normal weights (DL4J WeightInit.RELU: N(0, 2/fan_in)), zero biases."""
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(FEATURES, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
                        nn.Linear(HIDDEN, CLASSES))
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return net


def optimizer(args, params):
    if args.optimizer == "adam":
        return torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    return torch.optim.SGD(params, lr=args.lr, momentum=args.momentum, nesterov=True)


class Batches:
    """Global batch t: the next B indices of a seeded shuffle per epoch (the last partial batch dropped)."""

    def __init__(self, n, batch, seed):
        self.n, self.batch, self.seed = n, batch, seed
        self.per_epoch = n // batch
        self.epoch, self.perm = -1, None

    def rows(self, t):
        epoch, k = divmod(t, self.per_epoch)
        if epoch != self.epoch:
            g = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
            self.epoch, self.perm = epoch, torch.randperm(self.n, generator=g)
        return self.perm[k * self.batch:(k + 1) * self.batch]


def share(rows, rank, world):
    """Rank's consecutive share of a global batch: [floor(B*r/W), floor(B*(r+1)/W))."""
    b = len(rows)
    return rows[b * rank // world:b * (rank + 1) // world]


def timed_steps(model, opt, x, y, rows_of, scale, warmup, steps):
    """Runs warmup + steps steps; returns (measured ms list, CPU seconds over them, last loss)."""
    millis, cpu, loss = [], 0.0, None
    for t in range(warmup + steps):
        rows = rows_of(t)
        xb, yb = x.index_select(0, rows), y.index_select(0, rows)  # assembled before the clock
        c0, t0 = time.process_time(), time.perf_counter_ns()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb, reduction="sum") * scale
        loss.backward()
        opt.step()
        t1, c1 = time.perf_counter_ns(), time.process_time()
        if t >= warmup:
            millis.append((t1 - t0) / 1e6)
            cpu += c1 - c0
    return millis, cpu, float(loss.item())


def summary(millis, cpu_seconds, loss, processes):
    median = statistics.median(millis)
    wall = sum(millis) / 1e3
    return {"median_ms": median, "min_ms": min(millis), "max_ms": max(millis), "iterations": len(millis),
            "cpu_per_wall": cpu_seconds / wall if wall > 0 else 0.0, "processes": processes,
            "final_loss": loss}


def slower_rank(per_rank):
    """Per step, the slower rank's time; CPU summed over ranks; loss: the ranks' losses added."""
    millis = [max(ts) for ts in zip(*(r[0] for r in per_rank))]
    return millis, sum(r[1] for r in per_rank), sum(r[2] for r in per_rank)


def ddp_worker(rank, args, port, out):
    torch.set_num_threads(1)
    x, y, _ = load_data(args)  # each process reads its own copy (no shared-memory transfer of the data set)
    dist.init_process_group("gloo", init_method="tcp://127.0.0.1:%d" % port, rank=rank, world_size=WORLD)
    try:
        results = {}
        for b in args.batches:
            model = nn.parallel.DistributedDataParallel(mlp(args.seed))
            opt = optimizer(args, model.parameters())
            plan = Batches(len(y), b, args.seed)
            # DDP averages the ranks' gradients: scale each rank's loss sum so the result is sum / B.
            scale = WORLD / b
            synced = timed_steps(model, opt, x, y, lambda t: share(plan.rows(t), rank, WORLD), scale,
                                 args.warmup, args.steps)
            with model.no_sync():
                alone = timed_steps(model, opt, x, y, lambda t: share(plan.rows(t), rank, WORLD), scale,
                                    args.warmup, args.steps)
            gathered = [None] * WORLD
            dist.all_gather_object(gathered, {"ddp": synced, "pair": alone})
            results[b] = gathered
            dist.barrier()
        if rank == 0:
            out.put(results)
    finally:
        dist.destroy_process_group()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def single_half(args, x, y, b):
    """One process, one thread: one worker's share (the first ceil(B/2) rows) per step."""
    model = mlp(args.seed)
    opt = optimizer(args, model.parameters())
    plan = Batches(len(y), b, args.seed)
    half = (b + 1) // 2
    millis, cpu, loss = timed_steps(model, opt, x, y, lambda t: plan.rows(t)[:half], 1.0 / half,
                                    args.warmup, args.steps)
    return summary(millis, cpu, loss, 1), half


def compute_split(model, xb, yb, warmup, steps):
    """Median ms of forward (with the loss and its value), backward and both over `steps` after `warmup`."""
    fwd, bwd, both = [], [], []
    for t in range(warmup + steps):
        for p in model.parameters():
            p.grad = None
        if xb.requires_grad:
            xb.grad = None
        t0 = time.perf_counter_ns()
        loss = F.cross_entropy(model(xb), yb, reduction="sum")
        loss.item()
        t1 = time.perf_counter_ns()
        loss.backward()
        t2 = time.perf_counter_ns()
        if t >= warmup:
            fwd.append((t1 - t0) / 1e6)
            bwd.append((t2 - t1) / 1e6)
            both.append((t2 - t0) / 1e6)
    return {"forward_ms": statistics.median(fwd), "backward_ms": statistics.median(bwd),
            "forward_backward_ms": statistics.median(both), "min_forward_backward_ms": min(both)}


def compute_mode(args, x, y, data):
    """--compute-rows: one process, one thread, forward + backward of the MLP on the first R rows."""
    print("ddp_bench: compute, %s, torch %s, %d thread(s)" % (data, torch.__version__, torch.get_num_threads()),
          file=sys.stderr, flush=True)
    for r in args.compute_rows:
        if r > len(y):
            raise SystemExit("ddp_bench.py: --compute-rows: %d is larger than the data (%d rows)" % (r, len(y)))
        model = mlp(args.seed)
        xb, yb = x[:r].contiguous(), y[:r].contiguous()
        plain = compute_split(model, xb, yb, args.warmup, args.steps)
        with_input = compute_split(model, xb.clone().requires_grad_(True), yb, args.warmup, args.steps)
        print(json.dumps({"mode": "compute", "rows": r, "threads": torch.get_num_threads(), "torch": torch.__version__,
                          "data": data, "warmup": args.warmup, "steps": args.steps, "plain": plain,
                          "input_grad": with_input}), flush=True)


def main(argv):
    args = parse_args(argv)
    torch.set_num_threads(1)
    x, y, data = load_data(args)
    if args.compute_rows is not None:
        compute_mode(args, x, y, data)
        return
    for b in args.batches:
        if b > len(y):
            raise SystemExit("ddp_bench.py: --batches: %d is larger than the data (%d rows)" % (b, len(y)))
    print("ddp_bench: %s, torch %s, %d x 1 thread, gloo on 127.0.0.1" % (data, torch.__version__, WORLD),
          file=sys.stderr, flush=True)
    singles = {}
    for b in args.batches:
        singles[b] = single_half(args, x, y, b)
    ctx = mp.get_context("spawn")
    out = ctx.SimpleQueue()
    mp.spawn(ddp_worker, args=(args, free_port(), out), nprocs=WORLD, join=True)
    results = out.get()
    for b in args.batches:
        ddp = summary(*slower_rank([r["ddp"] for r in results[b]]), WORLD)
        pair = summary(*slower_rank([r["pair"] for r in results[b]]), WORLD)
        single, half = singles[b]
        ddp["final_loss"] /= WORLD  # each rank's loss is its sum x 2/B; the mean over B is half their sum
        pair["final_loss"] /= WORLD
        print(json.dumps({
            "global_batch": b, "world_size": WORLD, "threads_per_process": 1, "backend": "gloo",
            "optimizer": args.optimizer, "lr": args.lr, "warmup": args.warmup, "steps": args.steps,
            "torch": torch.__version__, "data": data,
            "half_batch": half, "ddp": ddp, "pair": pair, "single_half": single,
            "overhead_ms": ddp["median_ms"] - single["median_ms"],
            "overhead_vs_pair_ms": ddp["median_ms"] - pair["median_ms"],
        }), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
