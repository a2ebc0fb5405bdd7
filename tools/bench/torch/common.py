"""Shared helpers for the PyTorch twins of tools/bench workloads (run with Debian's /usr/bin/python3)."""
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("BENCH_TORCH_THREADS", "2")))
torch.manual_seed(0)


def nt_xent(z1, z2, temperature=0.5):
    """SimCLR NT-Xent over 2N views, cosine similarity, self-similarity excluded, mean over 2N anchors."""
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.t() / temperature
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


def measure(step, warmup, steps):
    """Median seconds per call of `step` after `warmup` untimed calls."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(workload, unit, per_step, median_s, steps, extra=None):
    """Prints the one JSON line the harness reads; `extra` adds fields (e.g. {"params": n})."""
    out = {
        "workload": workload,
        "backend": "pytorch",
        unit: per_step / median_s,
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "medianStepMs": median_s * 1000,
        "timedSteps": steps,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        **(extra or {}),
    }
    print(json.dumps(out))


def arg(name, default):
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def simclr_bench(workload, encoder, batch, shape, steps=5, warmup=1, extra=None):
    """Times one SimCLR step (two fixed random views of `batch` images of `shape` (C, H, W) through `encoder`,
    NT-Xent tau 0.5, Adam 1e-3), as the TS `simclrStep`, and prints the harness line."""
    opt = torch.optim.Adam(encoder.parameters(), lr=1e-3)
    x1 = torch.rand(batch, *shape)
    x2 = torch.rand(batch, *shape)

    def step():
        opt.zero_grad()
        loss = nt_xent(encoder(x1), encoder(x2), 0.5)
        loss.backward()
        opt.step()
        loss.item()

    steps = arg("--steps", steps)
    report(workload, "viewsPerSecond", 2 * batch, measure(step, arg("--warmup", warmup), steps), steps, extra)
