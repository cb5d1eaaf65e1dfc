"""Torch threads per process when two processes share two cores, as `make test`'s two pytest workers do: torch's
default (a thread per core, so four threads on two cores) against one thread each, both in one run.

Why: tests/conftest.py gives each pytest worker one thread. The tests' models are small, and with more threads
than cores the threads of one step wait on each other. Each trial starts two processes at once, each training
the same two small runs on random tensors (no data files): an MLP on synthetic-1k and an MNIST-shaped CNN; the
trials alternate between the settings, and each run's time is its own process's, after a warm-up run of each.

    python benchmarks/threads.py [--repeats 2] [--out DIR]
    python benchmarks/threads.py --quick --out DIR   # the tests
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import torch
from trainer import RESULTS, machine, write_result  # benchmarks/trainer.py: shared helpers

CHILD = r"""
import json, sys, time, torch
threads, epochs, images = map(int, sys.argv[1:])
torch.set_num_threads(threads)
from batchsize.config import make_config
from batchsize.data import Dataset
from batchsize.reference import train_run
g = torch.Generator().manual_seed(0)
def timed(dataset, x_shape, classes, epochs=epochs, images=images):
    y = torch.arange(images) % classes
    ds = Dataset(dataset, torch.randn(images, *x_shape, generator=g), y, torch.randn(images, *x_shape,
                 generator=g), y, classes)
    start = time.perf_counter()
    train_run(make_config(dataset, 32, epochs=epochs), dataset=ds, device="cpu")
    return time.perf_counter() - start
runs = {"mlp_s": ("synthetic-1k", (20,), 2), "cnn_s": ("mnist", (1, 28, 28), 10)}
[timed(*run, epochs=1, images=64) for run in runs.values()]  # warm-up: first imports, first kernels
print(json.dumps({name: timed(*run) for name, run in runs.items()}))
"""


def trial(threads: int, epochs: int, images: int) -> list[dict]:
    """Two processes started together, each with `threads` torch threads: their own timings."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(threads), str(epochs), str(images)], env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate()[0] for p in procs]
    if any(p.returncode for p in procs):
        sys.exit("a benchmark process failed (its error is above)")
    return [json.loads(out) for out in outs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="trials per setting, alternating")
    parser.add_argument("--quick", action="store_true", help="1 repeat, 1 epoch on 64 images (the tests)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    repeats, epochs, images = (1, 1, 64) if args.quick else (args.repeats, 3, 512)
    default = os.cpu_count() or 1  # torch's default: a thread per core
    if default < 2:
        parser.error("one core: torch's default is already one thread, there is nothing to compare")
    times: dict[int, list[dict]] = {default: [], 1: []}
    for _ in range(repeats):
        for threads in times:
            times[threads] += trial(threads, epochs, images)
    rows = [{"threads": t, **{k: statistics.median(r[k] for r in runs) for k in ("mlp_s", "cnn_s")}}
            for t, runs in times.items()]
    ratios = {k: rows[0][k] / rows[1][k] for k in ("mlp_s", "cnn_s")}
    result = {"machine": machine(torch.device("cpu")), "epochs": epochs, "images": images, "repeats": repeats,
              "rows": rows, "default_over_one": ratios}
    text = "\n".join([
        "# Torch threads with two processes on the cores\n",
        f"{result['machine']['cpu']}, {default} cores, load average before {result['machine']['load_average']}; "
        f"two processes at once, {epochs} epochs of {images} random examples at B = 32, medians of "
        f"{2 * repeats} runs per setting.\n",
        "| threads per process | MLP (s) | CNN (s) |", "|---|---|---|",
        *(f"| {r['threads']} | {r['mlp_s']:.2f} | {r['cnn_s']:.2f} |" for r in rows),
        f"\nThe default over one thread: MLP {ratios['mlp_s']:.2f}×, CNN {ratios['cnn_s']:.2f}×.\n"])
    write_result(args.out / ("threads-quick" if args.quick else "threads-cpu"), result, text)


if __name__ == "__main__":
    main()
