"""Our trainer against a plain PyTorch loop on identical work, in one process, alternating, medians.

The reference is the loop the paper describes: a DataLoader over the data set with shuffling, `.to(device)`
per step, the standard optimizer (torch.optim.Adam / SGD), `loss.item()` per step for the running loss.
Ours is what the sweep calls, `train.train`: stacked for the MLP (`fast`: on the CPU the C++ epoch kernel at B <= 2,
batched torch ops above), the reference trainer for the CNNs. Both do the same steps (same model, data, B,
optimizer); each side's time covers its training steps only (ours: the trainer's own per-epoch clock, which
leaves out per-epoch evaluation).

    python benchmarks/trainer.py [--device cpu|cuda] [--repeats 5]      # the table
    python benchmarks/trainer.py --section --seeds 5                      # the paper profile's synthetic section
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from batchsize.config import RunConfig, UserError, make_config
from batchsize.data import load_dataset
from batchsize.fast import can_stack
from batchsize.models import build_model
from batchsize.plan import section_configs
from batchsize.reference import make_optimizer
from batchsize.run import resolve_device
from batchsize.train import group_runs, train

RESULTS = Path(__file__).resolve().parent / "results"
IMAGE_SHAPES = {"mnist": (1, 28, 28), "cifar10": (3, 32, 32)}  # one image, as models.py's CNNs take it
ROWS = [("synthetic-50k", 1), ("synthetic-50k", 32), ("synthetic-50k", 512),
        ("mnist", 1), ("mnist", 32), ("mnist", 256)]
CNN_CPU_STEPS = {1: 50, 32: 20, 256: 5}  # the CNNs are compute-bound on a CPU: fewer steps, same per-step rate


def reference_steps_per_s(config: RunConfig, dataset, device: torch.device, steps: int) -> float:
    """The paper's loop: DataLoader (shuffle) over CPU tensors, .to(device) per step, a standard optimizer."""
    loader = DataLoader(TensorDataset(dataset.x_train, dataset.y_train), batch_size=config.batch_size,
                        shuffle=True, generator=torch.Generator().manual_seed(config.seed))
    torch.manual_seed(config.seed)
    model = build_model(config.model, config.seed).to(device).train()
    optimizer = make_optimizer(config, model.parameters())
    done, running = 0, 0.0
    start = time.perf_counter()
    while done < steps:
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item()
            done += 1
            if done == steps:
                break
    return steps / (time.perf_counter() - start)


def ours_steps_per_s(config: RunConfig, dataset, device: torch.device) -> float:
    """What the sweep runs for this config; time from the trainer's per-epoch clock (training only)."""
    (result,) = train([config], device=str(device), dataset=dataset)
    return result.summary["steps"] / sum(h["epoch_time"] for h in result.history)


def workload(name: str, batch: int, steps: int, data_dir: str | None) -> tuple[RunConfig, object, int]:
    """A config and data set on which `steps` steps are whole epochs (n = steps·B, capped at the data set)."""
    full = load_dataset(name, data_dir)
    n = min(len(full.x_train), steps * batch)
    per_epoch = math.ceil(n / batch)
    epochs = math.ceil(steps / per_epoch)
    config = make_config(name, batch, epochs=epochs, n_train=n, n_test=min(1000, len(full.x_test)))
    dataset = load_dataset(name, data_dir, config.n_train, config.n_test)
    return config, dataset, epochs * per_epoch


def bench_row(name: str, batch: int, steps: int, device: torch.device, repeats: int, data_dir: str | None) -> dict:
    config, dataset, steps = workload(name, batch, steps, data_dir)
    reference = lambda: reference_steps_per_s(config, dataset, device, steps)
    ours = lambda: ours_steps_per_s(config, dataset, device)
    warm = dataclasses.replace(config, epochs=1)
    reference_steps_per_s(warm, dataset, device, min(steps, 10))
    ours_steps_per_s(warm, dataset, device)  # builds the CPU kernel on first use
    timings: dict[str, list[float]] = {"reference": [], "ours": []}
    for _ in range(repeats):
        for side, fn in (("reference", reference), ("ours", ours)):
            timings[side].append(fn())
    ref, fast = statistics.median(timings["reference"]), statistics.median(timings["ours"])
    return dict(dataset=name, model=config.model, batch_size=batch, steps=steps, repeats=repeats,
                trainer="fast.train_stacked" if can_stack(config) else "reference.train_run",
                reference_steps_per_s=round(ref, 1), ours_steps_per_s=round(fast, 1), ratio=round(fast / ref, 2),
                reference_all=[round(t, 1) for t in timings["reference"]],
                ours_all=[round(t, 1) for t in timings["ours"]])


def machine(device: torch.device) -> dict:
    """What the numbers were measured on; the load average says how much the cores were shared."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    info = dict(date=time.strftime("%Y-%m-%d %H:%M:%S %Z"), device=str(device), cpu=cpu, cores=os.cpu_count(),
                torch_threads=torch.get_num_threads(), torch=torch.__version__, python=platform.python_version(),
                load_average=[round(x, 2) for x in os.getloadavg()], commit=_commit())
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


def write_result(stem: Path, result: dict, text: str) -> None:
    """A benchmark's result as `<stem>.json` and its markdown as `<stem>.md` (also printed)."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    print(text)
    stem.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
    stem.with_suffix(".md").write_text(text)
    print(f"wrote {stem}.json, {stem}.md")


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True, cwd=RESULTS.parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_table(device: torch.device, repeats: int, steps: int, data_dir: str | None,
              rows: list[tuple[str, int]], log: Callable[[str], None] = print) -> dict:
    out = dict(machine=machine(device), rows=[])
    for name, batch in rows:
        n_steps = CNN_CPU_STEPS.get(batch, steps) if name == "mnist" and device.type == "cpu" else steps
        try:
            row = bench_row(name, batch, n_steps, device, repeats, data_dir)
        except UserError as err:  # e.g. MNIST files absent: say so, keep the other rows
            log(f"skip {name} B={batch}: {err}")
            continue
        out["rows"].append(row)
        log(f"{row['model']:>9} B={batch:<4} steps={row['steps']:<5} reference {row['reference_steps_per_s']:>9.1f} "
            f"steps/s   ours {row['ours_steps_per_s']:>9.1f} steps/s   ratio {row['ratio']:>6.2f}x")
    out["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


def run_section(device: torch.device, seeds: int, data_dir: str | None, backends: tuple[str, ...] = ("auto", "cpp"),
                log: Callable[[str], None] = print) -> dict:
    """The paper profile's synthetic section plus the LR ablation (Table V), grouped as the sweep groups them.

    Each group is trained once by each of `backends` (the sweep's "auto" against the kernel alone, the path the
    818 s of issue 9 was timed on), their order alternating from group to group, so both totals come from one run
    on the same cores."""
    configs = list(dict.fromkeys(section_configs("paper", "synthetic", seeds)
                                 + section_configs("paper", "lr-scaling", seeds)))
    groups = group_runs(configs)
    info = dict(machine=machine(device), seeds=seeds, runs=len(configs), groups=len(groups))
    totals = dict.fromkeys(backends, 0.0)
    b1_epoch: dict[str, list[float]] = {b: [] for b in backends}
    for i, group in enumerate(groups):
        c = group[0]
        for backend in backends[::-1] if i % 2 else backends:
            t0 = time.perf_counter()
            results = train(group, device=str(device), data_dir=data_dir, backend=backend)
            totals[backend] += time.perf_counter() - t0
            log(f"{c.dataset:>14} B={c.batch_size:<4} runs={len(group):<3} {backend:>5} "
                f"{time.perf_counter() - t0:7.1f} s")
            if c.dataset == "synthetic-50k" and c.batch_size == 1:
                b1_epoch[backend] += [r.summary["mean_epoch_time"] for r in results]
    info.update(backends={b: dict(total_s=round(totals[b], 1),
                                  synthetic_50k_b1_epoch_s_per_run=round(statistics.mean(b1_epoch[b]), 3))
                          for b in backends},
                total_s=round(totals[backends[0]], 1), paper_50k_b1_epoch_s=15.3)
    info["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    log(f"{info['runs']} runs ({seeds} seed(s)): " + ", ".join(
        f"{b} {v['total_s']} s (50K at B=1: {v['synthetic_50k_b1_epoch_s_per_run']} s per epoch per run)"
        for b, v in info["backends"].items()) + "; paper: 15.3 s per epoch at B=1")
    return info


def markdown_table(table: dict) -> str:
    m = table["machine"]
    lines = [f"# Trainer benchmark ({m['device']})", "",
             f"{m['date']}, commit {m['commit']}: {m['cpu']}, {m['cores']} cores ({m['torch_threads']} torch threads)"
             + (f", {m['gpu']}" if "gpu" in m else "") + f", torch {m['torch']}, Python {m['python']}. "
             f"Load average before/after: {m['load_average']} / {m['load_average_after']} (the cores are shared, "
             "so absolute rates are noisy; both sides alternate in one process, so the ratios are fair).", "",
             "| model | B | steps | reference steps/s | ours steps/s | ratio | ours runs with |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['model']} | {r['batch_size']} | {r['steps']} | {r['reference_steps_per_s']} | "
              f"{r['ours_steps_per_s']} | {r['ratio']}× | `{r['trainer']}` |" for r in table["rows"]]
    lines += ["", "Reference: DataLoader(shuffle=True) over CPU tensors, `.to(device)` per step, torch.optim, "
              "`loss.item()` per step. Medians of the repeats; every repeat is in the JSON file."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=300, help="steps per measurement (MLP; CNNs on CPU use fewer)")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--section", action="store_true", help="time the paper profile's synthetic section instead")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--backends", nargs="+", default=["auto", "cpp"],
                        help="--section: the stacked-MLP backends to time, each on every group")
    args = parser.parse_args(argv)
    device = resolve_device(args.device)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.section:
        info = run_section(device, args.seeds, args.data_dir, tuple(args.backends))
        path = args.out / f"paper-synthetic-{device.type}-seeds{args.seeds}.json"
        path.write_text(json.dumps(info, indent=1) + "\n")
        return
    table = run_table(device, args.repeats, args.steps, args.data_dir, ROWS)
    stem = args.out / f"trainer-{device.type}"
    stem.with_suffix(".json").write_text(json.dumps(table, indent=1) + "\n")
    header = [k for k in table["rows"][0] if not k.endswith("_all")] if table["rows"] else []
    csv = [",".join(header)] + [",".join(str(r[k]) for k in header) for r in table["rows"]]
    stem.with_suffix(".csv").write_text("\n".join(csv) + "\n")
    stem.with_suffix(".md").write_text(markdown_table(table))
    print(f"wrote {stem}.json, .csv, .md")


if __name__ == "__main__":
    main()
