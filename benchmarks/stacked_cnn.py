"""Would training a batch size's seeds together speed up the CNNs on this CPU? Both sides measured in one run.

Why: the MLP's seeds are trained together (`fast.py`), which removes per-step overhead at small B. Issue 9 asks
for the same for the CNNs *where a benchmark shows a gain*. The natural stacking of S CNNs is one network whose
convolutions are grouped (`groups=S`: seed s sees only its own channels) and whose head is a batched matmul;
S independent optimizers are then one optimizer over the concatenated parameters (Adam and SGD with momentum are
elementwise, so that is exact). `torch.func.vmap` over a conv lowers to the same grouped convolution.

This times one training step of S separate models (the reference trainer's step: channels-last, the paper
profile's precision and optimizer) against one step of the stacked network doing the same work, interleaved,
median of repeats, in one process with the threads it was given. Before timing it checks that the stacked network
computes the separate models' logits and gradients (fp32, eval mode), so both sides do the same work. Inputs are
random tensors of the data set's shape (speed does not depend on pixel values); no data files are needed.

    OMP_NUM_THREADS=1 python benchmarks/stacked_cnn.py [--seeds 3] [--repeats 5] [--out DIR]
    python benchmarks/stacked_cnn.py --quick      # seconds, for the tests: writes stacked-cnn-quick.{json,md}
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from trainer import IMAGE_SHAPES, RESULTS, machine, write_result  # benchmarks/trainer.py: shared helpers

from batchsize.datasets import DATASET_SPECS
from batchsize.models import build_model
from batchsize.plan import get_profile
from batchsize.reference import autocast, make_optimizer, to_device_layout, train_step

CPU = torch.device("cpu")


class StackedCNN(nn.Module):
    """S copies of one of `models`' CNNs as one network: grouped convolutions, then a batched linear head.

    Input [B, S·C, H, W] (seed s's images in channels s·C … s·C + C − 1); output logits [B, S, classes].
    """

    def __init__(self, models: list[nn.Sequential]):
        super().__init__()
        self.seeds = len(models)
        layers = []
        for parts in zip(*models, strict=True):
            first = parts[0]
            if isinstance(first, nn.Conv2d):
                conv = nn.Conv2d(first.in_channels * self.seeds, first.out_channels * self.seeds,
                                 first.kernel_size, padding=first.padding, groups=self.seeds)
                conv.weight.data.copy_(torch.cat([p.weight.data for p in parts]))
                conv.bias.data.copy_(torch.cat([p.bias.data for p in parts]))
                layers.append(conv)
            elif isinstance(first, nn.Linear):
                self.weight = nn.Parameter(torch.stack([p.weight.data for p in parts]))  # [S, out, in]
                self.bias = nn.Parameter(torch.stack([p.bias.data for p in parts]))
            elif not isinstance(first, nn.Flatten):
                layers.append(first)  # ReLU, pooling, dropout: per channel or elementwise
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.body(x).reshape(x.shape[0], self.seeds, -1)  # per seed in (C, H, W) order, as nn.Flatten
        return torch.einsum("bsi,soi->bso", h, self.weight) + self.bias


def check_equivalent(models: list[nn.Module], stacked: StackedCNN, shape: tuple[int, ...], classes: int) -> float:
    """Largest relative difference of logits and of the head's gradient between the two sides (fp32, eval)."""
    x, y = torch.randn(4, *shape), torch.randint(classes, (4,))
    for m in [*models, stacked]:
        m.eval().zero_grad()
    separate = [m(x) for m in models]
    sum(F.cross_entropy(out, y) for out in separate).backward()
    together = stacked(x.repeat(1, len(models), 1, 1))
    F.cross_entropy(together.transpose(1, 2), y[:, None].expand(-1, len(models)), reduction="none").mean(0).sum() \
        .backward()
    relative = lambda a, b: float((a - b).abs().max() / b.abs().max())
    logits = relative(together.detach(), torch.stack([out.detach() for out in separate], 1))
    head = relative(stacked.weight.grad, torch.stack([list(m.parameters())[-2].grad for m in models]))
    for m in [*models, stacked]:
        m.train()
    return max(logits, head)


def steps(dataset: str, batch: int, seeds: int) -> tuple[Callable[[], None], Callable[[], None], str, float]:
    """(separate step, stacked step, precision, equivalence error) for `seeds` fresh models at this B."""
    spec, shape = DATASET_SPECS[dataset], IMAGE_SHAPES[dataset]
    config = get_profile("paper").config(dataset, batch, seed=42)
    models = [build_model(config.model, config.seed + s, config.init) for s in range(seeds)]
    stacked = StackedCNN(models)
    error = check_equivalent(models, stacked, shape, spec.classes)
    models = [m.to(memory_format=torch.channels_last) for m in models]
    stacked = stacked.to(memory_format=torch.channels_last)
    optimizers = [make_optimizer(config, m.parameters()) for m in models]
    stacked_optimizer = make_optimizer(config, stacked.parameters())
    x = torch.randn(batch, *shape)
    y = torch.randint(spec.classes, (batch, seeds))
    xs = to_device_layout(x.repeat(1, seeds, 1, 1))

    def separate() -> None:
        for s, (model, optimizer) in enumerate(zip(models, optimizers, strict=True)):
            train_step(config, model, optimizer, x, y[:, s], CPU)

    def together() -> None:
        with autocast(config, CPU):
            logits = stacked(xs)
        loss = F.cross_entropy(logits.float().transpose(1, 2), y, reduction="none").mean(0).sum()
        stacked_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        stacked_optimizer.step()

    return separate, together, config.precision, error


def seconds_per_step(fn: Callable[[], None], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def run(batch_sizes: tuple[int, ...], seeds: int, repeats: int, step_s: float, log=print) -> dict:
    rows = []
    for dataset in IMAGE_SHAPES:
        for batch in batch_sizes:
            separate, together, precision, error = steps(dataset, batch, seeds)
            for fn in (separate, together, separate, together):  # warm-up: oneDNN builds kernels on first use
                fn()
            n = max(1, round(step_s / seconds_per_step(separate, 1)))
            times: dict[str, list[float]] = {"separate": [], "stacked": []}
            for _ in range(repeats):  # interleaved, so that a change in load hits both sides alike
                times["separate"].append(seconds_per_step(separate, n))
                times["stacked"].append(seconds_per_step(together, n))
            sep, stk = (statistics.median(times[k]) for k in ("separate", "stacked"))
            rows.append(dict(dataset=dataset, precision=precision, batch_size=batch, seeds=seeds, steps=n,
                             separate_ms=round(1e3 * sep, 3), stacked_ms=round(1e3 * stk, 3),
                             speedup=round(sep / stk, 3), equivalence_error=error,
                             all_separate_ms=[round(1e3 * t, 3) for t in times["separate"]],
                             all_stacked_ms=[round(1e3 * t, 3) for t in times["stacked"]]))
            log(f"{dataset:>8} {precision} B={batch:<4} separate {1e3 * sep:8.2f} ms  stacked {1e3 * stk:8.2f} ms  "
                f"{sep / stk:.2f}x")
    return dict(machine=machine(CPU), repeats=repeats, rows=rows)


def markdown(result: dict, quick: bool) -> str:
    m = result["machine"]
    lines = [f"# Stacked CNN seeds against separate ones (CPU){' — QUICK smoke run' if quick else ''}", "",
             f"{m['date']}, commit {m['commit']}: {m['cpu']}, {m['torch_threads']} torch thread(s), torch "
             f"{m['torch']}. Load average: {m['load_average']}.", "",
             "One training step of S models, median of interleaved repeats; speed-up = separate ÷ stacked "
             "(> 1: stacking is faster). Equivalence: largest relative difference of logits and head gradients "
             "(fp32).", "",
             "| data set | precision | B | S | separate (ms) | stacked (ms) | speed-up | equivalence |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['dataset']} | {r['precision']} | {r['batch_size']} | {r['seeds']} | {r['separate_ms']:.2f} | "
              f"{r['stacked_ms']:.2f} | {r['speedup']:.2f}× | {r['equivalence_error']:.1e} |" for r in result["rows"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="B = 1 and 4, one repeat: a smoke run in seconds")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        result = run((1, 4), args.seeds, repeats=1, step_s=0.0)
    else:
        result = run((1, 8, 32, 256), args.seeds, args.repeats, step_s=1.0)
    stem = args.out / ("stacked-cnn-quick" if args.quick else "stacked-cnn-cpu")
    write_result(stem, result, markdown(result, args.quick))


if __name__ == "__main__":
    main()
