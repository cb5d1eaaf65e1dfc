"""The reference trainer: one config in, a per-epoch history and a summary out; the other backend (`fast`) is
tested against it. Every model, optimizer and precision runs here.

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
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .config import RunConfig, UserError, is_int
from .data import Dataset, augment_cifar
from .datasets import DATASET_SPECS
from .integrity import check_history, set_aside, warn_invalid
from .models import build_model
from .run import RunResult, prepare, summarize, sync, warmup_factor
from .version import git_commit


def native_bf16(device: torch.device) -> bool:
    """Whether the hardware has bf16 arithmetic (CPU: AVX512-BF16 or AMX); elsewhere bf16 is slower than fp32
    (emulated by oneDNN on AVX-512, ATen's plain kernels without it: `bf16_on_plain_kernels`).

    torch's own `mkldnn._is_mkldnn_bf16_supported()` is also true for emulation, so the CPU flags are read.
    """
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def bf16_on_plain_kernels(device: torch.device) -> bool:
    """Whether bf16 convolutions here would run on ATen's plain reference kernels: a CPU without AVX-512, where
    oneDNN has no bf16 path at all (not even emulated). The CNNs then train 4-9x slower in bf16 than in fp32
    (measured on an AVX2 AMD EPYC, benchmarks/results/avx2-no-bf16). `torch.ops.mkldnn._is_mkldnn_bf16_supported`
    is private, but it is what torch itself asks before it hands bf16 convolutions to oneDNN."""
    return device.type == "cpu" and not torch.ops.mkldnn._is_mkldnn_bf16_supported()


def autocast(config: RunConfig, device: torch.device) -> contextlib.AbstractContextManager:
    """bf16 mixed precision (fp32 master weights, fp32 loss) when the config asks for it, else nothing."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=config.precision == "bf16")


def to_device_layout(tensor: torch.Tensor) -> torch.Tensor:
    """Images in channels-last (NHWC): oneDNN's fast layout for these convolutions (1.4x on CPU, fp32)."""
    return tensor.contiguous(memory_format=torch.channels_last) if tensor.dim() == 4 else tensor


def make_optimizer(config: RunConfig, params) -> torch.optim.Optimizer:
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay)
    raise UserError(f"unknown optimizer {config.optimizer!r}; choose adam or sgd")


def train_step(config: RunConfig, model: nn.Module, optimizer: torch.optim.Optimizer, xb: torch.Tensor,
               yb: torch.Tensor, device: torch.device) -> torch.Tensor:
    """One optimizer step on a batch as every run here takes it (forward under the run's autocast, cross-entropy,
    backward, step), shared with the benchmarks so that they time the trainer's own step. Returns the loss,
    without a host sync."""
    with autocast(config, device):
        loss = F.cross_entropy(model(to_device_layout(xb)), yb)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss


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


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    """Write atomically (temporary file, then rename): a kill mid-write leaves the previous checkpoint."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


class CheckpointError(ValueError):
    """A checkpoint file that is not a resumable state of its run (damaged, another config's, another shape)."""


def load_checkpoint(path: Path | None, config: RunConfig) -> dict[str, Any] | None:
    """The checkpoint of this very config, or None if there is none; CheckpointError if the file is unreadable or
    another config's."""
    if path is None or not path.is_file():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # unpickling a damaged file can raise almost anything
        raise CheckpointError(f"it cannot be loaded: {type(err).__name__}") from None
    if not isinstance(state, dict) or state.get("key") != config.key():
        raise CheckpointError(f"it is not the checkpoint of run {config.key()} (copied or renamed?)")
    return state


def restore(state: dict[str, Any], config: RunConfig, model: nn.Module, optimizer: torch.optim.Optimizer,
            generator: torch.Generator, steps_per_epoch: int) -> tuple[list[dict[str, Any]], int, list[str]]:
    """Load a checkpoint into a fresh run's model, optimizer and generators; return its history, step count and the
    commits that trained it. Raises if the state does not fit them (the caller then starts afresh: they may be half
    loaded)."""
    history, step = check_history(state["history"]), state["step"]
    if not (len(history) < config.epochs and is_int(step) and step == len(history) * steps_per_epoch):
        raise CheckpointError(f"it holds {len(history)} epochs and {step!r} steps, not a state of this run")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    for param in model.parameters():  # a moment of another shape would fail only at the next step
        if any(isinstance(t, torch.Tensor) and t.dim() and t.shape != param.shape
               for t in optimizer.state[param].values()):
            raise CheckpointError("its optimizer state does not have the model's shapes")
    torch.set_rng_state(state["rng"])
    generator.set_state(state["generator"])
    commits = state.get("commits")
    known = isinstance(commits, list) and commits and all(isinstance(c, str) for c in commits)
    return list(history), step, commits if known else ["unknown"]


class _Enough(Exception):
    """Raised by `first_steps`' callback once it has its steps."""


def first_steps(config: RunConfig, steps: int, dataset: Dataset | None = None, device: str = "auto",
                data_dir: str | None = None) -> list[dict[str, float]]:
    """The first `steps` updates of a run, one row each (step, lr, mini-batch loss): where a run that failed
    within an epoch left the normal range, and at what learning rate (the record keeps only per-epoch means).
    The very updates `train_run` makes: the same loop, stopped early."""
    rows: list[dict[str, float]] = []

    def record(step: int, lr: float, loss: float) -> None:
        rows.append(dict(step=step, lr=lr, loss=loss))
        if len(rows) >= steps:
            raise _Enough

    try:
        train_run(config, dataset, device, data_dir, on_step=record)
    except _Enough:
        pass
    return rows


def start(config: RunConfig, dev: torch.device) -> tuple[nn.Module, torch.optim.Optimizer, torch.Generator]:
    """A run's model, optimizer and generator before its first step, and the global generator seeded for dropout."""
    torch.manual_seed(config.seed)  # dropout draws from the global generator
    model = build_model(config.model, config.seed, config.init).to(dev, memory_format=torch.channels_last)
    optimizer = make_optimizer(config, model.parameters())
    generator = torch.Generator(device=dev).manual_seed(config.seed)  # batch order and augmentation
    return model, optimizer, generator


def start_or_resume(config: RunConfig, dev: torch.device, checkpoint: Path | None, steps_per_epoch: int):
    """`start`, then the run's checkpoint loaded, if it has one: (model, optimizer, generator, history, step, the
    commits that trained its earlier epochs, or None when it starts afresh). A checkpoint that cannot be resumed
    costs only the epochs it held: one warning naming it, the run starts afresh, and the file is set aside
    (`integrity`), not overwritten by the run's next checkpoint."""
    model, optimizer, generator = start(config, dev)
    try:
        state = load_checkpoint(checkpoint, config)
        if state is None:
            return model, optimizer, generator, [], 0, None
        return model, optimizer, generator, *restore(state, config, model, optimizer, generator, steps_per_epoch)
    except Exception as err:  # noqa: BLE001 - a loaded state can hold anything; any misfit is the same misfit
        reason = err if isinstance(err, CheckpointError) else f"it does not fit the run: {type(err).__name__}: {err}"
        warn_invalid(checkpoint, reason, "the run starts at epoch 1 (this file is kept, renamed *.rejected)")
        set_aside(checkpoint)
        return *start(config, dev), [], 0, None


def train_run(config: RunConfig, dataset: Dataset | None = None, device: str = "auto",
              data_dir: str | None = None, checkpoint: Path | None = None,
              on_epoch: Callable[[int], object] | None = None,
              on_step: Callable[[int, float, float], object] | None = None) -> RunResult:
    """Train one run. A non-finite loss ends it early with `diverged: True`: an outcome, not an error.

    With `checkpoint`, the state after every epoch (weights, optimizer, random generators, history) is saved
    there, and a run that finds its own checkpoint continues from it: runs longer than a working session (the
    paper's CIFAR-10 runs on a CPU) finish across sessions with the same result as an uninterrupted run.
    `on_epoch(n)` is told of the n epochs a checkpoint brought, then of each epoch as it ends (after the
    epoch's one host sync), for progress bars: in all, as many epochs as the history holds. `on_step(step, lr,
    loss)` is told of every update (a host sync each: for diagnosis, not for progress; it may raise to stop).
    """
    dev, dataset = prepare(config, dataset, device, data_dir)
    x, y = dataset.x_train, dataset.y_train
    n, batch = len(x), config.batch_size

    steps_per_epoch = math.ceil(n / batch)
    warmup_steps = config.warmup_epochs * steps_per_epoch
    eval_batch = 4096 if x.dim() == 2 else 1000
    train_eval_every = DATASET_SPECS[config.dataset].train_eval_every

    model, optimizer, generator, history, step, earlier = start_or_resume(config, dev, checkpoint, steps_per_epoch)
    diverged = False
    commits = [git_commit()] if checkpoint is not None else []
    if earlier is not None:
        commits = list(dict.fromkeys([*earlier, *commits]))
        if on_epoch is not None:
            on_epoch(len(history))
    for epoch in range(len(history) + 1, config.epochs + 1):
        model.train()
        order = torch.randperm(n, device=dev, generator=generator)
        loss_sum = torch.zeros((), device=dev)
        sync(dev)
        start = time.perf_counter()
        for i in range(steps_per_epoch):
            idx = order[i * batch:(i + 1) * batch]
            xb, yb = x[idx], y[idx]
            if config.augment:
                xb = augment_cifar(xb, generator)
            if step <= warmup_steps:
                for group in optimizer.param_groups:
                    group["lr"] = config.lr * warmup_factor(step, warmup_steps)
            loss = train_step(config, model, optimizer, xb, yb, dev)
            if on_step is not None:
                on_step(step + 1, optimizer.param_groups[0]["lr"], loss.item())
            loss_sum += loss.detach() * len(idx)
            step += 1
        sync(dev)
        epoch_time = time.perf_counter() - start
        running_loss = loss_sum.item() / n
        test_loss, test_acc = evaluate(model, dataset.x_test, dataset.y_test, eval_batch, autocast(config, dev))
        diverged = not (math.isfinite(running_loss) and math.isfinite(test_loss))
        # The training set only where a number needs it (DatasetSpec.train_eval_every); None (null in the record:
        # not evaluated, where NaN would mean diverged) elsewhere. The last epoch of a run, diverged or not, always
        # has it: the summary's gap is read there.
        train_loss, train_acc = None, None
        if diverged or epoch == config.epochs or epoch % train_eval_every == 0:
            train_loss, train_acc = evaluate(model, x, y, eval_batch, autocast(config, dev))
            diverged = diverged or not math.isfinite(train_loss)
        history.append(dict(epoch=epoch, lr=optimizer.param_groups[0]["lr"], running_loss=running_loss,
                            train_loss=train_loss, train_acc=train_acc, test_loss=test_loss, test_acc=test_acc,
                            epoch_time=epoch_time))
        if on_epoch is not None:
            on_epoch(1)
        if diverged:
            break
        if checkpoint is not None and epoch < config.epochs:
            save_checkpoint(checkpoint, dict(key=config.key(), commits=commits, model=model.state_dict(),
                                             history=history, optimizer=optimizer.state_dict(),
                                             rng=torch.get_rng_state(), generator=generator.get_state(), step=step))

    return RunResult(config, summarize(history, diverged, step, n, config), history, model, str(dev),
                     resumed_from=earlier or [])

