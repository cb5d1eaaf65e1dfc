"""What CIFAR-10's evaluation cut saves, measured both ways in one run, and proof that it changes no number.

Why (issue 27 §1): a paper CIFAR-10 run evaluated its 50,000 training images after every epoch, though no claim
reads the training accuracy of an epoch but the last. Since aca488a it evaluates them every 10th epoch and at the
last (`DatasetSpec.train_eval_every`); the test set still after every epoch. Here the same config is trained twice
in one process, first with the cut and then evaluating the training set after every epoch (the dataset's spec
patched), on the full data, and the two compared:

- the saving: the wall time of each run, and from their difference the cost of one training-set evaluation,
  projected onto a whole 50-epoch paper run (45 evaluations skipped);
- the numbers: every test-set value of every epoch, the training loss of each epoch's updates and the final
  summary (but its mean epoch time), which must be equal to the last bit (evaluation draws no random numbers,
  so the updates are the same).

    OMP_NUM_THREADS=1 python benchmarks/eval_cut.py [--batch-size 256] [--epochs 3] [--out DIR]
    python benchmarks/eval_cut.py --images 256 --batch-size 64 --epochs 2 --precision fp32 --out DIR   # the tests
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path
from unittest import mock

import torch
from trainer import RESULTS, machine, write_result  # benchmarks/trainer.py: shared helpers

from batchsize import reference
from batchsize.config import PRECISIONS, UserError
from batchsize.data import load_dataset
from batchsize.datasets import DATASET_SPECS
from batchsize.plan import section_configs

SAME = ("running_loss", "test_loss", "test_acc", "lr")  # per epoch: what the cut must leave as it was


def timed_run(config, dataset, every: int | None) -> tuple[float, reference.RunResult]:
    """Train `config`; with `every`, the training set is evaluated every `every` epochs instead of the spec's."""
    spec = DATASET_SPECS[config.dataset]
    patched = {config.dataset: dataclasses.replace(spec, train_eval_every=every or spec.train_eval_every)}
    with mock.patch.dict(reference.DATASET_SPECS, patched):
        start = time.perf_counter()
        result = reference.train_run(config, dataset, device="cpu")
        return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run (the cut evaluates only the last)")
    parser.add_argument("--images", type=int, help="train and test on the first N images only (the tests)")
    parser.add_argument("--precision", choices=PRECISIONS, help="default: the paper profile's (bf16); the cut's "
                        "proof holds in either, and fp32 spares the tests emulated bf16 on a CPU without its kernels")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.epochs < 2:
        parser.error("--epochs must be at least 2: with one, both runs evaluate the training set once")
    try:  # a bad B or absent data: one line, before any training
        paper = section_configs("paper", "cifar10", seeds=1, batch_sizes=[args.batch_size])[0]
        config = dataclasses.replace(paper, epochs=args.epochs, precision=args.precision or paper.precision)
        dataset = load_dataset(config.dataset)
    except UserError as err:
        parser.error(str(err))
    if args.images:
        dataset = dataclasses.replace(dataset, x_train=dataset.x_train[:args.images],
                                      y_train=dataset.y_train[:args.images], x_test=dataset.x_test[:args.images],
                                      y_test=dataset.y_test[:args.images])
    info = machine(torch.device("cpu"))
    warm_up = dataclasses.replace(dataset, x_train=dataset.x_train[:512], y_train=dataset.y_train[:512])
    reference.train_run(dataclasses.replace(config, epochs=1), warm_up, device="cpu")  # oneDNN's kernels, once
    cut_s, cut = timed_run(config, dataset, None)
    every_s, every = timed_run(config, dataset, 1)
    evaluations = (sum(h["train_loss"] is not None for h in every.history)
                   - sum(h["train_loss"] is not None for h in cut.history))
    per_evaluation = (every_s - cut_s) / evaluations
    train_epoch = sum(h["epoch_time"] for h in cut.history) / args.epochs
    cut_evaluations = sum(h["train_loss"] is not None for h in cut.history)
    rest = (cut_s - args.epochs * train_epoch - cut_evaluations * per_evaluation) / args.epochs  # test set, setup
    paper_every = paper.epochs * (train_epoch + rest + per_evaluation)
    skipped = paper.epochs - paper.epochs // DATASET_SPECS[config.dataset].train_eval_every
    same = all(a[k] == b[k] for a, b in zip(cut.history, every.history, strict=True) for k in SAME)
    same = same and all(cut.summary[k] == every.summary[k] for k in cut.summary if k != "mean_epoch_time")
    result = dict(machine=info, config=config.key(), batch_size=args.batch_size, precision=config.precision,
                  images=len(dataset.x_train),
                  epochs=args.epochs, cut_s=cut_s, every_epoch_s=every_s, train_set_evaluation_s=per_evaluation,
                  train_epoch_s=train_epoch, paper_run_every_epoch_h=paper_every / 3600,
                  paper_run_saving_h=skipped * per_evaluation / 3600,
                  paper_run_saving_fraction=skipped * per_evaluation / paper_every,
                  same_numbers=same)
    text = (f"# CIFAR-10's evaluation cut, both ways in one run\n\n{info['cpu']}, {info['torch_threads']} torch "
            f"thread(s), load average {info['load_average']}, {info['date']}, commit {info['commit']}.\n"
            f"Paper recipe at B = {args.batch_size} ({config.precision}), seed {config.seed}, {args.epochs} "
            f"epochs on {len(dataset.x_train):,} training images, trained twice in this process.\n\n"
            f"| | wall time |\n|---|---|\n| training set every 10th epoch and the last (the cut) | {cut_s:.1f} s |\n"
            f"| training set after every epoch | {every_s:.1f} s |\n\n"
            f"One evaluation of the {len(dataset.x_train):,} training images: {per_evaluation:.1f} s, against "
            f"{train_epoch:.1f} s of training per epoch. A {paper.epochs}-epoch paper run at this B would take "
            f"{paper_every / 3600:.2f} h evaluating every epoch; the cut skips {skipped} evaluations, "
            f"{skipped * per_evaluation / 3600:.2f} h (**{100 * result['paper_run_saving_fraction']:.0f} %**).\n\n"
            f"Every epoch's test loss and accuracy, updates' loss and LR, and the final summary equal to the last "
            f"bit: **{'yes' if result['same_numbers'] else 'NO'}**.\n")
    write_result(args.out / ("eval-cut-quick" if args.images else "eval-cut-cpu"), result, text)


if __name__ == "__main__":
    main()
