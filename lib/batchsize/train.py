"""The trainer: one config in, a per-epoch history and a summary out.

Speed comes from keeping the whole data set on the run's device: one random permutation per epoch,
batches sliced from it, augmentation on the device, no DataLoader and no host round trip per step
(the loss is accumulated on the device and checked for divergence once per epoch).
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .config import DATASET_SPECS, RunConfig, UserError
from .data import Dataset, augment_cifar, load_dataset
from .models import build_model

ACCURACY_TARGET = 80.0  # the paper's convergence criterion: first epoch with test accuracy above 80%
CHANCE_MARGIN = 5.0  # pp above 100/C: a run that ends at or below this test accuracy learned nothing


@dataclass
class RunResult:
    config: RunConfig
    summary: dict[str, Any]
    history: list[dict[str, float]]
    model: nn.Module = field(repr=False)
    device: str = "cpu"
    resumed_from: list[str] = field(default_factory=list)  # commits that trained its earlier epochs (checkpoints)


def resolve_device(device: str = "auto") -> torch.device:
    """'auto' picks CUDA when present; asking for CUDA without it is a user error, not a crash."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise UserError("--device cuda was requested but no CUDA device is available; use --device cpu")
    if device != "cpu" and not device.startswith("cuda"):
        raise UserError(f"unknown device {device!r}; choose auto, cpu or cuda")
    return torch.device(device)


def native_bf16(device: torch.device) -> bool:
    """Whether the hardware has bf16 arithmetic (CPU: AVX512-BF16 or AMX); elsewhere oneDNN emulates it, slower.

    torch's own `mkldnn._is_mkldnn_bf16_supported()` is also true for emulation, so the CPU flags are read.
    """
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def autocast(config: RunConfig, device: torch.device) -> contextlib.AbstractContextManager:
    """bf16 mixed precision (fp32 master weights, fp32 loss) when the config asks for it, else nothing."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=config.precision == "bf16")


def to_device_layout(tensor: torch.Tensor) -> torch.Tensor:
    """Images in channels-last (NHWC): oneDNN's fast layout for these convolutions (1.4x on CPU, fp32)."""
    return tensor.contiguous(memory_format=torch.channels_last) if tensor.dim() == 4 else tensor


def run_outcome(dataset: str, diverged: bool, test_acc: float) -> str:
    """'diverged' (non-finite loss), 'collapsed' (ends at chance: within CHANCE_MARGIN pp of 100/C) or 'trained'."""
    if diverged or not math.isfinite(test_acc):
        return "diverged"
    chance = 100.0 / DATASET_SPECS[dataset].classes
    return "collapsed" if test_acc <= chance + CHANCE_MARGIN else "trained"


def warmup_factor(step: int, warmup_steps: int) -> float:
    """Linear warmup stepped per iteration: (step+1)/W for the first W steps, then 1."""
    return 1.0 if step >= warmup_steps else (step + 1) / warmup_steps


def make_optimizer(config: RunConfig, params) -> torch.optim.Optimizer:
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay)
    raise UserError(f"unknown optimizer {config.optimizer!r}; choose adam or sgd")


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int = 2048,
             precision: contextlib.AbstractContextManager | None = None) -> tuple[float, float]:
    """Mean cross-entropy and accuracy (%) in eval mode (no dropout), in large batches, under `precision`."""
    was_training = model.training
    model.eval()
    loss_sum = torch.zeros((), device=x.device, dtype=torch.float64)
    correct = torch.zeros((), device=x.device, dtype=torch.int64)
    for start in range(0, len(x), batch_size):
        with precision or contextlib.nullcontext():
            logits = model(to_device_layout(x[start:start + batch_size])).float()
        target = y[start:start + batch_size]
        loss_sum += F.cross_entropy(logits, target, reduction="sum").double()
        correct += (logits.argmax(1) == target).sum()
    model.train(was_training)
    return loss_sum.item() / len(x), 100.0 * correct.item() / len(x)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


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


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    """Write atomically (temporary file, then rename): a kill mid-write leaves the previous checkpoint."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: Path | None, config: RunConfig) -> dict[str, Any] | None:
    """The checkpoint of this very config, or None (absent, unreadable, or another config's)."""
    if path is None or not path.is_file():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # a damaged checkpoint only costs the epochs it held
        return None
    return state if state.get("key") == config.key() else None


def train(config: RunConfig, dataset: Dataset | None = None, device: str = "auto",
          data_dir: str | None = None, checkpoint: Path | None = None,
          on_epoch: Callable[[int], object] | None = None) -> RunResult:
    """Train one run. A non-finite loss ends it early with `diverged: True`: an outcome, not an error.

    With `checkpoint`, the state after every epoch (weights, optimizer, random generators, history) is saved
    there, and a run that finds its own checkpoint continues from it: runs longer than a working session (the
    paper's CIFAR-10 runs on a CPU) finish across sessions with the same result as an uninterrupted run.
    `on_epoch(n)` is told of the n epochs a checkpoint brought, then of each epoch as it ends (after the
    epoch's one host sync), for progress bars: in all, as many epochs as the history holds.
    """
    dev, dataset = prepare(config, dataset, device, data_dir)
    x, y = dataset.x_train, dataset.y_train
    n, batch = len(x), config.batch_size

    torch.manual_seed(config.seed)  # dropout draws from the global generator
    model = build_model(config.model, config.seed, config.init).to(dev, memory_format=torch.channels_last)
    optimizer = make_optimizer(config, model.parameters())
    generator = torch.Generator(device=dev).manual_seed(config.seed)  # batch order and augmentation
    steps_per_epoch = math.ceil(n / batch)
    warmup_steps = config.warmup_epochs * steps_per_epoch
    eval_batch = 4096 if x.dim() == 2 else 1000

    history: list[dict[str, float]] = []
    step, diverged = 0, False
    resumed = load_checkpoint(checkpoint, config)
    commits: list[str] = []
    if checkpoint is not None:
        from .store import git_commit  # the store imports this module

        commits = [git_commit()]
    if resumed is not None:
        commits = list(dict.fromkeys([*resumed.get("commits", []), *commits]))
        model.load_state_dict(resumed["model"])
        optimizer.load_state_dict(resumed["optimizer"])
        torch.set_rng_state(resumed["rng"])
        generator.set_state(resumed["generator"])
        history, step = resumed["history"], resumed["step"]
        if on_epoch is not None:
            on_epoch(len(history))
    for epoch in range(len(history) + 1, config.epochs + 1):
        model.train()
        order = torch.randperm(n, device=dev, generator=generator)
        loss_sum = torch.zeros((), device=dev)
        _sync(dev)
        start = time.perf_counter()
        for i in range(steps_per_epoch):
            idx = order[i * batch:(i + 1) * batch]
            xb, yb = x[idx], y[idx]
            if config.augment:
                xb = augment_cifar(xb, generator)
            if step <= warmup_steps:
                for group in optimizer.param_groups:
                    group["lr"] = config.lr * warmup_factor(step, warmup_steps)
            with autocast(config, dev):
                loss = F.cross_entropy(model(to_device_layout(xb)), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += loss.detach() * len(idx)
            step += 1
        _sync(dev)
        epoch_time = time.perf_counter() - start
        running_loss = loss_sum.item() / n
        train_loss, train_acc = evaluate(model, x, y, eval_batch, autocast(config, dev))
        test_loss, test_acc = evaluate(model, dataset.x_test, dataset.y_test, eval_batch, autocast(config, dev))
        history.append(dict(epoch=epoch, lr=optimizer.param_groups[0]["lr"], running_loss=running_loss,
                            train_loss=train_loss, train_acc=train_acc, test_loss=test_loss, test_acc=test_acc,
                            epoch_time=epoch_time))
        if on_epoch is not None:
            on_epoch(1)
        if not all(math.isfinite(v) for v in (running_loss, train_loss, test_loss)):
            diverged = True
            break
        if checkpoint is not None and epoch < config.epochs:
            save_checkpoint(checkpoint, dict(key=config.key(), commits=commits, model=model.state_dict(),
                                             history=history, optimizer=optimizer.state_dict(),
                                             rng=torch.get_rng_state(), generator=generator.get_state(), step=step))

    return RunResult(config, summarize(history, diverged, step, n, config), history, model, str(dev),
                     resumed_from=(resumed.get("commits") or ["unknown"]) if resumed is not None else [])


def summarize(history: list[dict[str, float]], diverged: bool, steps: int, train_size: int,
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
