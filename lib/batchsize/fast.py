"""The stacked MLP backend: the seeds and LR variants of one batch size trained together, one epoch per call.

At B = 1 the synthetic MLP (3,490 parameters) does ~20 kFLOP per step, so a framework step (~30 tensor ops of
a few µs each) is almost all overhead. Here the S runs of a group share one parameter matrix [S, P] and
one call trains all of them for a whole epoch: on the CPU at the smallest B a small C++ kernel (built once with
the compiler torch already uses for extensions, cached), elsewhere (larger B, CUDA, or no compiler) batched
torch ops with no host sync per step (`auto_backend` says where each is faster). Both implement exactly the
reference step: Linear-ReLU-Dropout ×2, Linear, mean cross-entropy, torch.optim.Adam's update (defaults, bias
correction, L2 weight decay), per-iteration linear warmup.

What differs from the reference trainer (`reference.train_run`, which `tests/test_fast.py` holds it to):
dropout masks and batch orders come from per-run CPU generators seeded by the run's seed (so a run's result
does not depend on the device or on which runs share its group), while the reference draws dropout from the
global generator: same semantics, another random stream. A run that diverges (non-finite loss) is stopped
alone; its weights are kept as they were at the end of that epoch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import hashlib
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.nn.utils import parameters_to_vector, vector_to_parameters

from .config import RunConfig, UserError
from .data import Dataset
from .models import build_model
from .run import RunResult, prepare, summarize, sync, warmup_factor

DROPOUT = 0.2  # the MLP's (models.mlp)
HIDDEN = (64, 32)
BETAS, EPS = (0.9, 0.999), 1e-8  # torch.optim.Adam defaults, as reference.make_optimizer uses them
MASK_STREAM = 0x5EED_D0  # dropout masks get their own generator, seeded seed ^ MASK_STREAM
EVAL_CHUNK = 8192
KERNEL_MAX_BATCH = 2  # "auto" on the CPU: the C++ kernel up to this B, batched torch ops above (see auto_backend)


def can_stack(config: RunConfig) -> bool:
    """Runs this module trains: the MLP with Adam, no augmentation, fp32 (the synthetic data sets)."""
    return config.model == "mlp" and config.optimizer == "adam" and not config.augment and config.precision == "fp32"


def group_key(config: RunConfig) -> str:
    """Configs with equal keys can be trained by one `train_stacked` call (they differ in seed and LR only)."""
    if not can_stack(config):
        return config.key()
    return dataclasses.replace(config, seed=0, lr_rule="fixed", base_lr=1.0).key()


def train_stacked(configs: list[RunConfig], device: str = "auto", data_dir: str | None = None,
                  dataset: Dataset | None = None, backend: str = "auto",
                  on_epoch: Callable[[int], object] | None = None) -> list[RunResult]:
    """Train runs that share a `group_key` together; results are in the format of the reference, in order.

    `backend` is "auto" (`auto_backend` on the CPU, torch elsewhere), "cpp" (the CPU kernel) or "torch" (batched
    torch ops: CUDA, the CPU above the kernel's B, and the fallback without a compiler). Stacked groups are short
    and are not checkpointed. `on_epoch(n)`: n run-epochs have ended (the group's active runs, once per epoch).
    """
    if not configs:
        return []
    for config in configs:
        if not can_stack(config.validate()):
            raise UserError(f"run {config.key()} cannot be stacked (see fast.can_stack); train it with the reference")
    if len({group_key(c) for c in configs}) > 1:
        raise UserError("stacked runs must differ only in seed and LR (see fast.group_key)")
    dev, dataset = prepare(configs[0], dataset, device, data_dir)
    return _Group(configs, dataset, dev).run(*_pick_backend(backend, dev, configs[0].batch_size), on_epoch=on_epoch)


class _Group:
    """S runs of one batch size: parameters and Adam moments as [S, P] matrices, per-run generators."""

    def __init__(self, configs: list[RunConfig], dataset: Dataset, dev: torch.device):
        self.configs, self.dataset, self.dev = configs, dataset, dev
        self.models = [build_model(c.model, c.seed, c.init) for c in configs]
        self.params = torch.stack([parameters_to_vector(m.parameters()).detach() for m in self.models]).to(dev)
        self.exp_avg = torch.zeros_like(self.params)
        self.exp_avg_sq = torch.zeros_like(self.params)
        self.lr = torch.tensor([c.lr for c in configs], dtype=torch.float64)
        self.order_gens = [torch.Generator().manual_seed(c.seed) for c in configs]
        self.mask_gens = [torch.Generator().manual_seed(c.seed ^ MASK_STREAM) for c in configs]

    def draw_epoch(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Each run's batch order [S, n] and dropout multipliers [S, n, 64 + 32] (0 or 1/(1-p)), on the CPU."""
        n = len(self.dataset.x_train)
        order = torch.stack([torch.randperm(n, generator=g) for g in self.order_gens])
        masks = torch.empty(len(self.configs), n, sum(HIDDEN))
        for mask, gen in zip(masks, self.mask_gens, strict=True):
            mask.bernoulli_(1 - DROPOUT, generator=gen)
        return order, masks.div_(1 - DROPOUT)

    def run(self, epoch_fn, evaluate_fn, on_epoch: Callable[[int], object] | None = None) -> list[RunResult]:
        first, data = self.configs[0], self.dataset
        n, batch, size = len(data.x_train), first.batch_size, len(self.configs)
        steps_per_epoch = math.ceil(n / batch)
        warmup_steps = first.warmup_epochs * steps_per_epoch
        active = torch.ones(size, dtype=torch.bool)
        histories: list[list[dict[str, float]]] = [[] for _ in self.configs]
        final = [self.params[s] for s in range(size)]  # replaced by a snapshot when a run stops
        diverged, steps = [False] * size, [0] * size
        for epoch in range(1, first.epochs + 1):
            if not active.any():
                break
            step0 = (epoch - 1) * steps_per_epoch
            sync(self.dev)
            start = time.perf_counter()
            order, masks = self.draw_epoch()
            loss_sum = epoch_fn(self, order, masks, active, step0, warmup_steps)
            sync(self.dev)
            trained = int(active.sum())
            epoch_time = (time.perf_counter() - start) / trained  # the group's time, shared
            train_loss, train_acc = evaluate_fn(self.params, data.x_train, data.y_train)
            test_loss, test_acc = evaluate_fn(self.params, data.x_test, data.y_test)
            last_step = step0 + steps_per_epoch - 1
            for s in active.nonzero().flatten().tolist():
                row = dict(epoch=epoch, lr=self.configs[s].lr * warmup_factor(last_step, warmup_steps),
                           running_loss=loss_sum[s].item() / n, train_loss=train_loss[s].item(),
                           train_acc=train_acc[s].item(), test_loss=test_loss[s].item(),
                           test_acc=test_acc[s].item(), epoch_time=epoch_time)
                histories[s].append(row)
                steps[s] = last_step + 1
                if not all(math.isfinite(row[k]) for k in ("running_loss", "train_loss", "test_loss")):
                    diverged[s], active[s], final[s] = True, False, self.params[s].clone()
            if on_epoch is not None:
                on_epoch(trained)
        results = []
        for s, (config, model) in enumerate(zip(self.configs, self.models, strict=True)):
            vector_to_parameters(final[s].detach().cpu(), model.parameters())
            results.append(RunResult(config, summarize(histories[s], diverged[s], steps[s], n, config),
                                     histories[s], model.to(self.dev), str(self.dev)))
        return results


def _split(params: torch.Tensor, d: int) -> list[torch.Tensor]:
    """Views [S, out, in] / [S, out] of the rows of `params`, in `model.parameters()` order."""
    size, (h1, h2) = params.shape[0], HIDDEN
    k = (params.shape[1] - h1 * d - h1 - h2 * h1 - h2) // (h2 + 1)  # classes
    shapes = [(h1, d), (h1,), (h2, h1), (h2,), (k, h2), (k,)]
    views = params.split([math.prod(s) for s in shapes], dim=1)
    return [v.view(size, *s) for v, s in zip(views, shapes, strict=True)]


@torch.no_grad()
def _evaluate(params: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean cross-entropy and accuracy (%) of every run on (x, y), eval mode (no dropout), as float64 on the CPU."""
    w1, b1, w2, b2, w3, b3 = _split(params, x.shape[1])
    loss = torch.zeros(params.shape[0], dtype=torch.float64, device=x.device)
    correct = torch.zeros(params.shape[0], dtype=torch.int64, device=x.device)
    for start in range(0, len(x), EVAL_CHUNK):
        xc, yc = x[start:start + EVAL_CHUNK], y[start:start + EVAL_CHUNK]
        h = torch.baddbmm(b1[:, None], xc.expand(len(params), -1, -1), w1.transpose(1, 2)).relu_()
        h = torch.baddbmm(b2[:, None], h, w2.transpose(1, 2)).relu_()
        logits = torch.baddbmm(b3[:, None], h, w3.transpose(1, 2))
        target = yc.expand(len(params), -1)
        loss += F.cross_entropy(logits.transpose(1, 2), target, reduction="none").sum(1, dtype=torch.float64)
        correct += (logits.argmax(2) == target).sum(1)
    return (loss / len(x)).cpu(), (100.0 * correct.double() / len(x)).cpu()


# ----------------------------------------------------------------------------- one epoch: batched torch ops

def _epoch_torch(group: _Group, order: torch.Tensor, masks: torch.Tensor, active: torch.Tensor, step0: int,
                 warmup_steps: int) -> torch.Tensor:
    """One epoch for every run with [S, B, ·] batched matmuls; stays on the device (no `.item()` per step).

    Stopped runs are computed too (their rows cannot touch the others'); the caller keeps their snapshot.
    """
    config, dev = group.configs[0], group.dev
    x, y = group.dataset.x_train, group.dataset.y_train
    params, exp_avg, exp_avg_sq = group.params, group.exp_avg, group.exp_avg_sq
    order, masks = order.to(dev), masks.to(dev)
    w1, b1, w2, b2, w3, b3 = _split(params, x.shape[1])
    grad = torch.zeros_like(params)
    g_w1, g_b1, g_w2, g_b2, g_w3, g_b3 = _split(grad, x.shape[1])
    lr = group.lr.to(dev, torch.float32)[:, None]
    xs, targets = x[order], F.one_hot(y[order], b3.shape[1]).to(x.dtype)  # [S, n, d], [S, n, 2]
    log_probs = torch.empty_like(targets)
    h1 = HIDDEN[0]
    batch, beta1, beta2 = config.batch_size, *BETAS
    threshold_backward = torch.ops.aten.threshold_backward
    batches = zip(xs.split(batch, 1), masks.split(batch, 1), targets.split(batch, 1), log_probs.split(batch, 1),
                  strict=True)
    for i, (xb, mb, tb, lp) in enumerate(batches):
        m1, m2 = mb[..., :h1], mb[..., h1:]
        a1 = torch.baddbmm(b1[:, None], xb, w1.transpose(1, 2)).relu_().mul_(m1)
        a2 = torch.baddbmm(b2[:, None], a1, w2.transpose(1, 2)).relu_().mul_(m2)
        torch.log_softmax(torch.baddbmm(b3[:, None], a2, w3.transpose(1, 2)), -1, out=lp)
        g = lp.exp().sub_(tb).div_(xb.shape[1])  # d(mean CE)/d logits
        torch.bmm(g.transpose(1, 2), a2, out=g_w3)
        torch.sum(g, 1, out=g_b3)
        d2 = threshold_backward(torch.bmm(g, w3).mul_(m2), a2, 0)  # ReLU then dropout: mask × [a > 0]
        torch.bmm(d2.transpose(1, 2), a1, out=g_w2)
        torch.sum(d2, 1, out=g_b2)
        d1 = threshold_backward(torch.bmm(d2, w2).mul_(m1), a1, 0)
        torch.bmm(d1.transpose(1, 2), xb, out=g_w1)
        torch.sum(d1, 1, out=g_b1)
        if config.weight_decay:
            grad.add_(params, alpha=config.weight_decay)
        t = step0 + i + 1
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = exp_avg_sq.sqrt().div_(math.sqrt(1 - beta2 ** t)).add_(EPS)
        scale = warmup_factor(t - 1, warmup_steps) / (1 - beta1 ** t)
        params.addcmul_(exp_avg.div(denom), lr, value=-scale)
    return -(log_probs * targets).sum((1, 2), dtype=torch.float64).cpu()


# ----------------------------------------------------------------------------- one epoch: the CPU kernel

_KERNEL = Path(__file__).with_name("mlp_kernel.cpp")  # the C++ source, compiled on first use


@functools.cache
def _kernel():
    """Build (first use: ~1 min, then cached by torch) the CPU kernel; None, with a warning, without a compiler.

    AVX2/FMA code only where torch itself found the CPU capable of it (the build is named after the capability).
    """
    from torch.utils import cpp_extension

    capability = torch.backends.cpu.get_cpu_capability()
    simd = ["-mavx2", "-mfma"] if capability in ("AVX2", "AVX512") else []
    name = f"batchsize_mlp_{capability.lower()}"
    try:
        with _build_lock(_build_directory(name)) as folder:
            return cpp_extension.load_inline(name, _KERNEL.read_text(), functions=["mlp_epoch", "mlp_eval"],
                                             extra_cflags=["-O3", "-fopenmp-simd", *simd],
                                             build_directory=str(folder))
    except Exception as err:  # no compiler, no headers: the torch path computes the same thing, slower
        warnings.warn(f"CPU MLP kernel unavailable ({type(err).__name__}: {err}); using batched torch ops",
                      stacklevel=2)
        return None


def _build_directory(name: str) -> Path:
    """The kernel's build folder: one per Python environment (two venvs sharing torch's default folder rebuild
    it in turn)."""
    root = Path(os.environ.get("TORCH_EXTENSIONS_DIR") or Path.home() / ".cache" / "torch_extensions")
    folder = root / f"{name}-{hashlib.sha256(sys.prefix.encode()).hexdigest()[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def _build_lock(folder: Path) -> Iterator[Path]:
    """Our lock around torch's load. torch holds a lock *file* through every load, even one with nothing to
    build, and waits forever for a file that a process killed meanwhile left behind (a CI run hung an hour on
    one). The OS releases this lock when its holder dies, so under it any torch lock file is such a leftover."""
    with open(folder / "load.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        (folder / "lock").unlink(missing_ok=True)
        yield folder


def _epoch_cpp(group: _Group, order: torch.Tensor, masks: torch.Tensor, active: torch.Tensor, step0: int,
               warmup_steps: int) -> torch.Tensor:
    config, x = group.configs[0], group.dataset.x_train.contiguous()
    return _kernel().mlp_epoch(group.params, group.exp_avg, group.exp_avg_sq, x, group.dataset.y_train, order,
                               masks, group.lr, active, *HIDDEN, config.batch_size, step0, warmup_steps, *BETAS,
                               EPS, config.weight_decay)


def _evaluate_cpp(params: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """As `_evaluate`, in the CPU kernel (torch's small ops stall when the cores are shared)."""
    sums = _kernel().mlp_eval(params, x.contiguous(), y, *HIDDEN)
    return sums[:, 0] / len(x), 100.0 * sums[:, 1] / len(x)


def auto_backend(batch_size: int) -> str:
    """What "auto" picks on the CPU: the kernel where a step is mostly overhead (B <= KERNEL_MAX_BATCH), batched
    torch ops above, where MKL's batched matmuls beat the kernel's loops (`benchmarks/mlp_backends.py`)."""
    return "cpp" if batch_size <= KERNEL_MAX_BATCH else "torch"


def _pick_backend(backend: str, dev: torch.device, batch_size: int):
    """(epoch, evaluate) functions: the CPU kernel where it can run and is faster, else batched torch ops."""
    if backend not in ("auto", "cpp", "torch"):
        raise UserError(f"unknown backend {backend!r}; choose auto, cpp or torch")
    if backend == "cpp" and dev.type != "cpu":
        raise UserError("the cpp backend runs on the CPU only")
    if backend == "auto" and dev.type == "cpu":
        backend = auto_backend(batch_size)
    if backend == "torch" or dev.type != "cpu" or _kernel() is None:
        return _epoch_torch, _evaluate
    return _epoch_cpp, _evaluate_cpp
