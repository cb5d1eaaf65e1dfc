"""CNN training speed on this CPU, against the same core's matmul peak, and what the paper's CNN runs cost here.

Why: the paper profile trains the MNIST and CIFAR-10 CNNs on a CPU, across sessions. To plan those sessions we
need (1) how fast a training step really is, (2) how far that is from what this machine's matrix multiply
reaches with the same threads and precision (issue 9's target: >= 70 % of peak at B >= 64), and (3) how many
CPU-hours each section of the paper profile needs per seed. All of it is measured in one process with the
threads it was given: run it as `OMP_NUM_THREADS=1 taskset -c 1 ...` and the hours are those of one thread
of one core.

A training step is the reference trainer's (`reference.train_run`): a random batch gathered from the real data
set, CIFAR-10's augmentation, channels-last input, forward under autocast (bf16: fp32 master weights), cross-entropy,
backward, the paper's optimizer (SGD with momentum 0.9 for MNIST, Adam for CIFAR-10). FLOPs are counted by
`torch.utils.flop_counter.FlopCounterMode` on one forward+backward at that B (convolutions and matmuls;
elementwise work, the optimizer and the augmentation are not counted, though their time is in the step).
Times are medians of repeats after warm-up.

    python benchmarks/cnn.py [--repeats 3] [--data-dir DIR] [--out DIR]   # writes results/cnn-cpu.{json,md}
    python benchmarks/cnn.py --quick      # seconds, for the tests: writes cnn-cpu-quick.{json,md}
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode
from trainer import RESULTS, machine  # benchmarks/trainer.py: what the numbers were measured on

from batchsize.config import PRECISIONS, RunConfig, UserError
from batchsize.data import Dataset, augment_cifar, load_dataset
from batchsize.datasets import PAPER_BATCH_SIZES
from batchsize.models import build_model
from batchsize.plan import get_profile, section_configs
from batchsize.reference import autocast, evaluate, make_optimizer, native_bf16, train_step

CPU = torch.device("cpu")
DATASETS = ("mnist", "cifar10")
# The paper profile's sections with CNN runs (`weights` is left out: its runs are the accuracy sections' runs).
SECTIONS = ("mnist", "cifar10", "cifar10-lr", "init-check", "precision-check")
TARGET = 0.70  # issue 9: fraction of the GEMM peak wanted at B >= 64


@dataclasses.dataclass(frozen=True)
class Settings:
    table_batch_sizes: tuple[int, ...]  # timed in both precisions
    projection_batch_sizes: tuple[int, ...]  # projected runs are those at these B (full: all of the paper's)
    repeats: int
    repeat_s: float  # a repeat runs as many steps as fit in this long (at least one)
    gemm_n: int  # the peak: an n x n by n x n matmul
    eval_images: int  # evaluation speed: this many test images ...
    eval_batch: int  # ... in batches of this size (reference.train_run evaluates images in batches of 1000)


FULL = Settings((1, 32, 256), PAPER_BATCH_SIZES, repeats=3, repeat_s=2.0, gemm_n=2048, eval_images=1000,
                eval_batch=1000)
QUICK = Settings((1, 8), (1, 8), repeats=1, repeat_s=0.0, gemm_n=512, eval_images=32, eval_batch=16)


def timed(fn: Callable[[], object], n: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return time.perf_counter() - start


def gemm_gflop_s(n: int, precision: str, repeats: int) -> float:
    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    timed(lambda: a @ b)
    return 2 * n**3 / statistics.median(timed(lambda: a @ b) for _ in range(repeats)) / 1e9


def time_training(config: RunConfig, data: Dataset, settings: Settings) -> dict:
    """Median seconds per training step of `config` (its B, precision, optimizer) and its FLOPs per step."""
    torch.manual_seed(config.seed)
    model = build_model(config.model, config.seed, config.init).to(memory_format=torch.channels_last)
    optimizer = make_optimizer(config, model.parameters())
    generator = torch.Generator().manual_seed(config.seed)
    x, y, batch = data.x_train, data.y_train, config.batch_size

    def step(counter: FlopCounterMode | None = None) -> None:
        idx = torch.randint(len(x), (batch,), generator=generator)
        xb = augment_cifar(x[idx], generator) if config.augment else x[idx]
        with counter or nullcontext():  # counts convolutions and matmuls: the optimizer's elementwise work is not
            train_step(config, model, optimizer, xb, y[idx], CPU)

    counter = FlopCounterMode(display=False)
    step(counter)  # warm-up (oneDNN builds its kernels on first use) that also counts the FLOPs
    steps = max(1, round(settings.repeat_s / timed(step)))  # a second warm-up step sizes the repeats
    cpu, wall = time.process_time(), time.perf_counter()
    per_step = [timed(step, steps) / steps for _ in range(settings.repeats)]
    cpu_share = (time.process_time() - cpu) / (time.perf_counter() - wall)  # < threads: the cores were not ours
    return dict(steps_per_repeat=steps, step_s=statistics.median(per_step), all_step_s=per_step,
                flops_per_step=counter.get_total_flops(), cpu_share=cpu_share)


def eval_img_s(config: RunConfig, data: Dataset, settings: Settings) -> float:
    """Images per second of `reference.evaluate` (eval mode, no grad, the run's precision) on test images."""
    model = build_model(config.model, config.seed, config.init).to(memory_format=torch.channels_last)
    x, y = data.x_test[:settings.eval_images], data.y_test[:settings.eval_images]
    run = lambda: evaluate(model, x, y, settings.eval_batch, autocast(config, CPU))
    run()
    return len(x) / statistics.median(timed(run) for _ in range(settings.repeats))


def projected_configs(settings: Settings) -> dict[str, list[RunConfig]]:
    """Each section's runs for one seed (the paper profile), at the B this setting measures."""
    return {s: [c for c in section_configs("paper", s, seeds=1) if c.batch_size in settings.projection_batch_sizes]
            for s in SECTIONS}


def project(sections: dict[str, list[RunConfig]], data: dict[str, Dataset], train_img_s: dict[tuple, float],
            eval_rate: dict[tuple, float]) -> dict:
    """CPU-hours per run: epochs x (training images / training img/s + (train + test images) / eval img/s).

    The last, partial batch of an epoch is counted at its B's per-image rate. The grand total counts a run
    that two sections share (e.g. cifar10 and cifar10-lr's linear rule) once, as the store trains it once.
    """
    hours: dict[RunConfig, tuple[float, float]] = {}
    rows = []
    for section, configs in sections.items():
        for b in sorted({c.batch_size for c in configs}):
            runs = [c for c in configs if c.batch_size == b]
            for c in runs:
                n_train = len(data[c.dataset].x_train) if c.n_train is None else c.n_train
                n_test = len(data[c.dataset].x_test) if c.n_test is None else c.n_test
                hours[c] = (c.epochs * n_train / train_img_s[c.dataset, c.precision, b] / 3600,
                            c.epochs * (n_train + n_test) / eval_rate[c.dataset, c.precision] / 3600)
            train_h, eval_h = (sum(hours[c][i] for c in runs) for i in (0, 1))
            rows.append(dict(section=section, dataset=runs[0].dataset, batch_size=b, runs=len(runs),
                             epochs=sorted({c.epochs for c in runs}), precisions=sorted({c.precision for c in runs}),
                             train_h=round(train_h, 3), eval_h=round(eval_h, 3), hours=round(train_h + eval_h, 3)))
    totals = {s: round(sum(r["hours"] for r in rows if r["section"] == s), 2) for s in sections if sections[s]}
    return dict(rows=rows, section_hours=totals, distinct_runs=len(hours),
                total_hours=round(sum(t + e for t, e in hours.values()), 2))


def run(settings: Settings, data_dir: str | None, log: Callable[[str], None] = print) -> dict:
    info = machine(CPU) | dict(native_bf16=native_bf16(CPU), cpus_allowed=sorted(os.sched_getaffinity(0)))
    data = {d: load_dataset(d, data_dir) for d in DATASETS}
    sections = projected_configs(settings)
    wanted = sorted({(d, p, b) for d in DATASETS for p in PRECISIONS for b in settings.table_batch_sizes}
                    | {(c.dataset, c.precision, c.batch_size) for cs in sections.values() for c in cs},
                    key=lambda k: (DATASETS.index(k[0]), PRECISIONS.index(k[1]), k[2]))
    configs = {(d, p, b): get_profile("paper").config(d, b, seed=42, precision=p) for d, p, b in wanted}
    peak_before = {p: gemm_gflop_s(settings.gemm_n, p, settings.repeats) for p in PRECISIONS}
    log("GEMM peak (GFLOP/s): " + ", ".join(f"{p} {v:.1f}" for p, v in peak_before.items()))

    timings = {}
    for (d, p, b), config in configs.items():
        timings[d, p, b] = time_training(config, data[d], settings)
        log(f"{d:>8} {p} B={b:<5} {b / timings[d, p, b]['step_s']:8.1f} img/s")
    eval_configs = {(d, p): config for (d, p, _), config in configs.items()}  # B does not matter here
    eval_rate = {k: eval_img_s(config, data[k[0]], settings) for k, config in eval_configs.items()}
    peak_after = {p: gemm_gflop_s(settings.gemm_n, p, settings.repeats) for p in PRECISIONS}
    peak = {p: max(peak_before[p], peak_after[p]) for p in PRECISIONS}

    train_rate = {(d, p, b): b / t["step_s"] for (d, p, b), t in timings.items()}
    rows = []
    for (d, p, b), t in timings.items():
        gflop_s = t["flops_per_step"] / t["step_s"] / 1e9
        rows.append(dict(dataset=d, model=configs[d, p, b].model, precision=p, batch_size=b,
                         steps_per_repeat=t["steps_per_repeat"], repeats=settings.repeats,
                         img_s=round(train_rate[d, p, b], 2), flops_per_step=t["flops_per_step"],
                         gflop_s=round(gflop_s, 3), fraction_of_peak=round(gflop_s / peak[p], 3),
                         cpu_share=round(t["cpu_share"], 2),
                         all_img_s=[round(b / s, 2) for s in t["all_step_s"]]))
    large = [r["fraction_of_peak"] for r in rows if r["batch_size"] >= 64]
    info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return dict(machine=info, settings=dataclasses.asdict(settings), quick=settings == QUICK,
                gemm=dict(n=settings.gemm_n, before=rounded(peak_before), after=rounded(peak_after),
                          peak_gflop_s=rounded(peak)),
                rows=rows, eval_img_s=[dict(dataset=d, precision=p, batch=settings.eval_batch, img_s=round(v, 1))
                                       for (d, p), v in eval_rate.items()],
                target=dict(fraction=TARGET, batch_sizes=">= 64", met=bool(large) and min(large) >= TARGET),
                projection=project(sections, data, train_rate, eval_rate))


def rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in values.items()}


def markdown(result: dict) -> str:
    m, g, pr = result["machine"], result["gemm"], result["projection"]
    cpus = m["cpus_allowed"]
    who = f"{m['torch_threads']} torch thread(s) on {len(cpus)} core(s) (CPU {', '.join(map(str, cpus))})"
    lines = [f"# CNN training speed (CPU){' — QUICK smoke run, not a measurement' if result['quick'] else ''}", "",
             f"{m['date']}, commit {m['commit']}: {m['cpu']} (native bf16: {m['native_bf16']}), {who}, "
             f"torch {m['torch']}. Load average before/after: {m['load_average']} / {m['load_average_after']}.", "",
             f"GEMM peak ({g['n']}×{g['n']} matmul, median, same process and threads; the higher of before/after): "
             + ", ".join(f"{p} **{v} GFLOP/s** (before {g['before'][p]}, after {g['after'][p]})"
                         for p, v in g["peak_gflop_s"].items()) + ".", "",
             "| data set | precision | B | img/s | GFLOP/s | of peak | MFLOP per image (fwd+bwd) | CPU share |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['dataset']} | {r['precision']} | {r['batch_size']} | {r['img_s']:.1f} | {r['gflop_s']:.2f} | "
              f"{100 * r['fraction_of_peak']:.0f} % | {r['flops_per_step'] / r['batch_size'] / 1e6:.1f} | "
              f"{r['cpu_share']:.2f} |" for r in result["rows"]]
    t = result["target"]
    lines += ["", "CPU share: the process's CPU time ÷ wall time while timing that row (the torch thread count when "
              "the cores were its own; less: other processes or the hypervisor took them part of the time).", "",
              f"Target ≥ {100 * t['fraction']:.0f} % of peak at B {t['batch_sizes']}: "
              f"**{'met' if t['met'] else 'not met'}**.", "",
              f"Evaluation (`reference.evaluate`, eval mode, batch {result['settings']['eval_batch']}): "
              + ", ".join(f"{e['dataset']} {e['precision']} {e['img_s']} img/s" for e in result["eval_img_s"]) + ".",
              "", f"## Projected CPU-hours per seed (paper profile; {who})", "",
              "Training (epochs × training images ÷ the img/s above at that B and precision) plus the evaluation "
              "after every epoch (training and test set, at the evaluation rate above).", "",
              "| section | B | runs | epochs | precision | training h | evaluation h | hours |",
              "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['section']} | {r['batch_size']} | {r['runs']} | {'/'.join(map(str, r['epochs']))} | "
              f"{'/'.join(r['precisions'])} | {r['train_h']:.2f} | {r['eval_h']:.2f} | {r['hours']:.2f} |"
              for r in pr["rows"]]
    lines += [f"| **{s}** | | | | | | | **{h:.1f}** |" for s, h in pr["section_hours"].items()]
    lines += [f"| **all ({pr['distinct_runs']} distinct runs)** | | | | | | | **{pr['total_hours']:.1f}** |", "",
              "A run shared by two sections (cifar10-lr's linear rule without warmup is the cifar10 run) counts "
              "once in the total. Not counted: checkpoints, data loading, process start."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny step counts and two B: a smoke run in seconds")
    parser.add_argument("--repeats", type=int, default=FULL.repeats)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else dataclasses.replace(FULL, repeats=args.repeats)
    try:
        result = run(settings, args.data_dir)
    except UserError as err:  # e.g. the MNIST or CIFAR-10 files are absent
        parser.exit(2, f"cnn benchmark: {err}\n")
    text = markdown(result)
    print(text)
    stem = args.out / ("cnn-cpu-quick" if args.quick else "cnn-cpu")
    args.out.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
    stem.with_suffix(".md").write_text(text)
    print(f"wrote {stem}.json, {stem}.md")


if __name__ == "__main__":
    main()
