"""What every training backend shares: the device and data a run needs, and what a finished run yields.

The backends (`reference`, `fast`) import this module and nothing of each other; `train` picks one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from . import paper
from .config import RunConfig, UserError
from .constraints import check_device
from .data import Dataset, load_dataset
from .datasets import DATASET_SPECS

if TYPE_CHECKING:
    import pandas as pd

ACCURACY_TARGET = paper.CONVERGENCE_TARGET  # the records' `first_epoch_above_80`
CHANCE_MARGIN = 5.0  # pp above 100/C: a run that ends at or below this test accuracy learned nothing


@dataclass
class RunResult:
    config: RunConfig
    summary: dict[str, Any]
    history: list[dict[str, float | None]]  # None: not evaluated that epoch (DatasetSpec.train_eval_every)
    model: nn.Module = field(repr=False)
    device: str = "cpu"
    resumed_from: list[str] = field(default_factory=list)  # commits that trained its earlier epochs (checkpoints)


def resolve_device(device: str = "auto") -> torch.device:
    """'auto' picks CUDA when present (`constraints.check_device` says what a valid device is)."""
    device = check_device(device)
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def prepare(config: RunConfig, dataset: Dataset | None, device: str,
            data_dir: str | None) -> tuple[torch.device, Dataset]:
    """The run's device and its data set there; a batch larger than the training set is a user error."""
    config.validate()
    dev = resolve_device(device)
    if dataset is None:
        dataset = load_dataset(config.dataset, data_dir, config.n_train, config.n_test, dev)
    else:
        dataset = dataset.to(dev)
    if config.batch_size > len(dataset.x_train):
        raise UserError(f"batch size {config.batch_size} is larger than the training set "
                        f"({len(dataset.x_train)} samples)")
    return dev, dataset


def sync(device: torch.device) -> None:
    """Wait for queued device work (CUDA), so that a timer measures it; nothing to wait for on the CPU."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def warmup_factor(step: int, warmup_steps: int) -> float:
    """Linear warmup stepped per iteration: (step+1)/W for the first W steps, then 1."""
    return 1.0 if step >= warmup_steps else (step + 1) / warmup_steps


def run_outcome(dataset: str, diverged: bool, test_acc: float) -> str:
    """'diverged' (non-finite loss), 'collapsed' (ends at chance: within CHANCE_MARGIN pp of 100/C) or 'trained'."""
    if diverged or not math.isfinite(test_acc):
        return "diverged"
    chance = 100.0 / DATASET_SPECS[dataset].classes
    return "collapsed" if test_acc <= chance + CHANCE_MARGIN else "trained"


def trained(runs: pd.DataFrame) -> pd.Series:
    """Which runs of a run table learned something: outcome 'trained' (`run_outcome`); tables made before outcomes
    were recorded: not diverged."""
    return runs["outcome"] == "trained" if "outcome" in runs else ~runs["diverged"].astype(bool)


def summarize(history: list[dict[str, float | None]], diverged: bool, steps: int, train_size: int,
              config: RunConfig) -> dict[str, Any]:
    """The paper's per-run metrics (§III-D) from the per-epoch history; accuracies in percent."""
    last = history[-1] if history else {}
    above = [h["epoch"] for h in history if h["test_acc"] > ACCURACY_TARGET]
    times = [h["epoch_time"] for h in history]
    train_acc, test_acc = last.get("train_acc", math.nan), last.get("test_acc", math.nan)
    return dict(
        test_acc=test_acc, train_acc=train_acc, gap=train_acc - test_acc,
        test_loss=last.get("test_loss", math.nan), train_loss=last.get("train_loss", math.nan),
        best_test_acc=max((h["test_acc"] for h in history), default=math.nan),
        mean_epoch_time=sum(times) / len(times) if times else math.nan,
        first_epoch_above_80=above[0] if above else None,
        epochs_run=len(history), steps=steps, train_size=train_size, lr=config.lr, diverged=diverged,
        outcome=run_outcome(config.dataset, diverged, test_acc),
    )
