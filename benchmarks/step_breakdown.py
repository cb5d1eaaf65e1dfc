"""Where a CNN training step's time goes on this CPU, and the fraction of the GEMM peak that this leaves possible.

Why: issue 9 asks the CNN steps for >= 70 % of the machine's GEMM peak at B >= 64; `cnn.py` measures less in bf16.
The FLOPs it counts are those of convolutions and matmuls only, so the fraction of peak can be at most the share
of the step spent in those kernels (if they can at most run at the peak: true in bf16 here, not in fp32): the rest
(ReLU and its backward, dropout's random masks, pooling, the optimizer, copies) does work that no GEMM peak
applies to. This profiles the reference trainer's step (channels-last, the paper profile's
precision and optimizer, CIFAR-10's augmentation) with `torch.profiler` and sums the self time of each kind of
operator: `reference.train_step`, the step every run takes.

    OMP_NUM_THREADS=1 python benchmarks/step_breakdown.py [--batch-sizes 64 256] [--steps 5] [--out DIR]
    python benchmarks/step_breakdown.py --quick   # seconds, for the tests: B = 8, one step
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile
from trainer import IMAGE_SHAPES, RESULTS, machine, write_result  # benchmarks/trainer.py: shared helpers

from batchsize.data import augment_cifar
from batchsize.models import build_model
from batchsize.plan import get_profile
from batchsize.reference import make_optimizer, train_step

CPU = torch.device("cpu")
# Operator name (aten::…) → kind. The first two kinds are the ones whose FLOPs `cnn.py` counts.
KINDS = {
    # oneDNN's, and ATen's plain kernels where oneDNN has none (bf16 on a CPU without AVX-512)
    "convolution": ("convolution", "mkldnn_convolution", "convolution_backward", "_slow_conv2d_forward",
                    "_slow_conv2d_backward"),
    "matmul": ("mm", "addmm", "bmm", "linear", "matmul"),
    "ReLU and its backward": ("relu", "relu_", "clamp_min", "threshold_backward"),
    "dropout (masks and their products)": ("bernoulli_", "mul", "native_dropout", "native_dropout_backward", "div_"),
    "pooling": ("max_pool2d_with_indices", "max_pool2d_with_indices_backward", "adaptive_avg_pool2d",
                "_adaptive_avg_pool2d", "_adaptive_avg_pool2d_backward", "mean"),
}
GEMM_KINDS = ("convolution", "matmul")


def kind_of(name: str) -> str:
    op = name.removeprefix("aten::")
    return next((kind for kind, ops in KINDS.items() if op in ops), "other (optimizer, copies, loss, augmentation)")


def breakdown(dataset: str, batch: int, steps: int) -> dict:
    """Self CPU time per kind of operator over `steps` training steps after warm-up, as shares of the total."""
    config = get_profile("paper").config(dataset, batch, seed=42)
    model = build_model(config.model, config.seed, config.init).to(memory_format=torch.channels_last)
    optimizer = make_optimizer(config, model.parameters())
    generator = torch.Generator().manual_seed(config.seed)
    x, y = torch.randn(batch, *IMAGE_SHAPES[dataset]), torch.randint(10, (batch,))

    def step() -> None:
        train_step(config, model, optimizer, augment_cifar(x, generator) if config.augment else x, y, CPU)

    for _ in range(2):  # oneDNN builds its kernels on first use
        step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    seconds: dict[str, float] = {}
    for event in prof.key_averages():
        if event.key.startswith("aten::"):
            seconds[kind_of(event.key)] = seconds.get(kind_of(event.key), 0.0) + event.self_cpu_time_total / 1e6
    total = sum(seconds.values())
    shares = {k: v / total for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])}
    return dict(dataset=dataset, precision=config.precision, batch_size=batch, steps=steps,
                step_s=total / steps, shares={k: round(v, 4) for k, v in shares.items()},
                gemm_share=round(sum(shares.get(k, 0.0) for k in GEMM_KINDS), 4))


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [f"# Where a CNN training step's time goes (CPU){' — QUICK smoke run' if result['quick'] else ''}", "",
             f"{m['date']}, commit {m['commit']}: {m['cpu']}, {m['torch_threads']} torch thread(s), torch "
             f"{m['torch']}. Load average: {m['load_average']}.", "",
             "Self CPU time of the aten operators of a training step (`torch.profiler`), by kind. `cnn.py` counts "
             "the FLOPs of convolutions and matmuls only, so its fraction of the GEMM peak can be at most their "
             "share of the step (the **ceiling** below each table), were they to run at the peak itself. The "
             "profiler's own cost per operator inflates the small operators' shares at small B.", ""]
    for row in result["rows"]:
        lines += [f"## {row['dataset']}, {row['precision']}, B = {row['batch_size']} "
                  f"({1e3 * row['step_s']:.0f} ms per step, over {row['steps']} step(s))", "",
                  "| kind | share of step time |", "|---|---|"]
        lines += [f"| {kind} | {100 * share:.1f} % |" for kind, share in row["shares"].items()]
        lines += ["", f"Ceiling on the fraction of peak: **{100 * row['gemm_share']:.0f} %**.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="B = 8, one step: a smoke run in seconds")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    batches, steps = ([8], 1) if args.quick else (args.batch_sizes, args.steps)
    result = dict(machine=machine(CPU), quick=args.quick,
                  rows=[breakdown(d, b, steps) for d in IMAGE_SHAPES for b in batches])
    stem = args.out / ("step-breakdown-quick" if args.quick else "step-breakdown-cpu")
    write_result(stem, result, markdown(result))


if __name__ == "__main__":
    main()
