"""The stacked MLP's two CPU backends (the C++ kernel and batched torch ops) on the paper profile's synthetic work.

Why: `fast.py` has a C++ epoch kernel, written for B = 1 where a framework step is all overhead, and batched
torch ops (`bmm` over the stacked runs), its fallback. Which is faster depends on B: the kernel's loops against
MKL's batched matmuls. This times one epoch of every group the sweep trains for the paper profile's `synthetic`
and `lr-scaling` sections (the 5-seed target of issue 9: <= 600 s), with each backend, interleaved, in one
process, and projects each section's total (epochs x the epoch's time, evaluation included) for the kernel
alone, torch alone and the library's `auto` choice (`fast.auto_backend`).

    python benchmarks/mlp_backends.py [--seeds 5] [--repeats 2] [--out DIR]
    python benchmarks/mlp_backends.py --quick     # seconds, for the tests
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import torch
from trainer import RESULTS, machine, write_result  # benchmarks/trainer.py: what the numbers were measured on

from batchsize.data import load_dataset
from batchsize.fast import auto_backend, train_stacked
from batchsize.plan import section_configs
from batchsize.train import group_runs

CPU = torch.device("cpu")
BACKENDS = ("cpp", "torch")


def groups(seeds: int, quick: bool) -> list[list]:
    configs = list(dict.fromkeys(section_configs("paper", "synthetic", seeds)
                                 + section_configs("paper", "lr-scaling", seeds)))
    found = group_runs(configs)
    if quick:  # two small groups on a 400-sample subset
        found = [[dataclasses.replace(c, n_train=400, n_test=200) for c in g] for g in found
                 if g[0].dataset == "synthetic-1k" and g[0].batch_size in (1, 64)]
    return found


def run(seeds: int, repeats: int, quick: bool, data_dir: str | None, log=print) -> dict:
    rows, warm = [], False
    for group in groups(seeds, quick):
        first = group[0]
        data = load_dataset(first.dataset, data_dir, first.n_train, first.n_test)
        one_epoch = [dataclasses.replace(c, epochs=1) for c in group]
        times: dict[str, list[float]] = {b: [] for b in BACKENDS}
        for backend in BACKENDS if not warm else ():  # once: loading the kernel, torch's first calls
            train_stacked(one_epoch[:1], "cpu", dataset=data, backend=backend)
        warm = True
        for _ in range(repeats):
            for backend in BACKENDS:  # interleaved: a change in load hits both
                start = time.perf_counter()
                train_stacked(one_epoch, "cpu", dataset=data, backend=backend)
                times[backend].append(time.perf_counter() - start)
        epoch_s = {b: min(t) for b, t in times.items()}
        rows.append(dict(dataset=first.dataset, batch_size=first.batch_size, runs=len(group), n_train=len(data.x_train),
                         epochs=first.epochs, epoch_s=epoch_s, all_epoch_s=times, auto=auto_backend(first.batch_size),
                         projected_s={b: round(first.epochs * s, 2) for b, s in epoch_s.items()}))
        log(f"{first.dataset:>14} B={first.batch_size:<5} runs={len(group):<3} "
            + "  ".join(f"{b} {s * 1e3:8.1f} ms/epoch" for b, s in epoch_s.items()) + f"  auto: {rows[-1]['auto']}")
    totals = {b: round(sum(r["projected_s"][b] for r in rows), 1) for b in BACKENDS}
    totals["auto"] = round(sum(r["projected_s"][r["auto"]] for r in rows), 1)
    return dict(machine=machine(CPU), seeds=seeds, repeats=repeats, quick=quick, rows=rows, projected_total_s=totals)


def markdown(result: dict) -> str:
    m, t = result["machine"], result["projected_total_s"]
    quick = " — QUICK smoke run" if result["quick"] else ""
    lines = [f"# Stacked MLP backends on the paper profile's synthetic work{quick}", "",
             f"{m['date']}, commit {m['commit']}: {m['cpu']}, {m['torch_threads']} torch thread(s), torch "
             f"{m['torch']}. Load average: {m['load_average']}. {result['seeds']} seed(s); one epoch per group and "
             f"backend, best of {result['repeats']} interleaved repeats, evaluation included.", "",
             "| data set | B | runs | epochs | kernel (ms/epoch) | torch (ms/epoch) | kernel ÷ torch | auto |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['dataset']} | {r['batch_size']} | {r['runs']} | {r['epochs']} | {1e3 * r['epoch_s']['cpp']:.1f} | "
              f"{1e3 * r['epoch_s']['torch']:.1f} | {r['epoch_s']['cpp'] / r['epoch_s']['torch']:.2f} | {r['auto']} |"
              for r in result["rows"]]
    lines += ["", f"Projected total (epochs × epoch time, all groups): kernel alone **{t['cpp']} s**, torch alone "
              f"**{t['torch']} s**, `auto` **{t['auto']} s**."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="two small groups on a subset: a smoke run in seconds")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = run(args.seeds, 1 if args.quick else args.repeats, args.quick, args.data_dir)
    stem = args.out / ("mlp-backends-quick" if args.quick else f"mlp-backends-cpu-seeds{args.seeds}")
    write_result(stem, result, markdown(result))


if __name__ == "__main__":
    main()
