"""Gradient noise: the paper's mini-batch gradient variance (Eq. 4) and its 1/B law (Eqs. 1 and 5), and the
gradient noise scale of McCandlish et al. (2018).

Gradients are taken in eval mode (no dropout), so the variance measured is the sampling noise of the
mini-batch that Eq. (1) describes, and the caller's model is never modified (`functional_call` on a copy).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from scipy import stats
from torch import Tensor, nn
from torch.func import functional_call

from .config import UserError
from .landscape import LossFn, detached_state, eval_mode


def first_weight(model: nn.Module) -> str:
    """The paper's representative statistic: the first parameter with at least two dimensions."""
    name = next((n for n, p in model.named_parameters() if p.dim() >= 2), None)
    if name is None:
        raise UserError("the model has no weight matrix or filter bank; name a parameter with `layer=`")
    return name


def without_replacement_factor(n: int, batch_size: int) -> float:
    """(N − B)/(N − 1): how much sampling without replacement shrinks the variance of a mini-batch mean."""
    if not 1 <= batch_size <= n or n < 2:
        raise UserError(f"need 1 <= B <= N and N >= 2; got B = {batch_size}, N = {n}")
    return (n - batch_size) / (n - 1)


def _layer(model: nn.Module, layer: str | None) -> str:
    layer = layer or first_weight(model)
    if layer not in dict(model.named_parameters()):
        raise UserError(f"the model has no parameter {layer!r}")
    return layer


def draw_batches(n: int, batch_size: int, n_batches: int, replacement: bool,
                 generator: torch.Generator | None = None) -> list[Tensor]:
    """`n_batches` index sets of size B. With replacement each is drawn on its own; without, they are the
    consecutive full mini-batches of shuffled epochs, as training draws them (a new permutation once an epoch's
    ⌊N/B⌋ batches are used): each holds B distinct samples, and the batches of one epoch are disjoint."""
    if replacement:
        return [torch.randint(n, (batch_size,), generator=generator) for _ in range(n_batches)]
    if batch_size > n:
        raise UserError(f"batch size {batch_size} is larger than the {n} samples to draw from without "
                        f"replacement")
    per_epoch = n // batch_size
    batches: list[Tensor] = []
    while len(batches) < n_batches:
        order = torch.randperm(n, generator=generator)
        batches += list(order[:per_epoch * batch_size].view(per_epoch, batch_size))
    return batches[:n_batches]


def _mean_gradients(model: nn.Module, x: Tensor, y: Tensor, batches: Sequence[Tensor], names: Sequence[str],
                    loss_fn: LossFn) -> Tensor:
    """(len(batches), P): row i is the gradient of the mean loss over x[batches[i]], flat over `names`."""
    params, buffers = detached_state(model)
    for name in names:
        params[name].requires_grad_(True)
    rows = []
    with eval_mode(model):
        for idx in batches:
            idx = idx.to(x.device)
            loss = loss_fn(functional_call(model, (params, buffers), (x[idx],)), y[idx])
            grads = torch.autograd.grad(loss, [params[n] for n in names])
            rows.append(torch.cat([g.flatten() for g in grads]))
    return torch.stack(rows)


def batch_gradients(model: nn.Module, x: Tensor, y: Tensor, batch_size: int, n_batches: int = 20, *,
                    replacement: bool = False, generator: torch.Generator | None = None,
                    layer: str | None = None, loss_fn: LossFn = F.cross_entropy) -> Tensor:
    """(n_batches, elements): mean gradients of `layer` (default `first_weight`) over the mini-batches of
    `draw_batches`."""
    layer = _layer(model, layer)
    batches = draw_batches(len(x), batch_size, n_batches, replacement, generator)
    return _mean_gradients(model, x, y, batches, [layer], loss_fn)


def gradient_variance(model: nn.Module, x: Tensor, y: Tensor, batch_size: int, n_batches: int = 20, *,
                      replacement: bool = False, generator: torch.Generator | None = None,
                      layer: str | None = None, ddof: int = 0, loss_fn: LossFn = F.cross_entropy) -> float:
    """The paper's Eq. (4): elementwise variance of `layer`'s mini-batch gradients across `n_batches` random
    mini-batches, averaged over the layer's elements.

    ddof = 0 is Eq. (4) as printed (divides by n_batches; biased low by (n − 1)/n, 5% for n = 20);
    ddof = 1 is the unbiased estimate. The bias is the same factor for every B, so it moves the intercept
    of the log-log fit, not its slope. Expect σ²/B with replacement; without, one batch's mean varies by
    σ²/B·(N − B)/(N − 1), but the disjoint batches of one epoch covary, so σ̂² itself is σ²/B·N/(N − 1) while all
    share one epoch (`analysis.variance_table`'s `expected` for every B).
    """
    if n_batches < 2:
        raise UserError(f"need at least 2 mini-batches for a variance, got {n_batches}")
    grads = batch_gradients(model, x, y, batch_size, n_batches, replacement=replacement, generator=generator,
                            layer=layer, loss_fn=loss_fn)
    return float(grads.double().var(dim=0, correction=ddof).mean())


def variance_vs_batch_size(model: nn.Module, x: Tensor, y: Tensor, batch_sizes: Sequence[int],
                           n_batches: int = 20, *, replacement: bool = False,
                           generator: torch.Generator | None = None, layer: str | None = None,
                           loss_fn: LossFn = F.cross_entropy) -> pd.DataFrame:
    """One row per B: `variance` (Eq. 4, ddof 0), `variance_unbiased` (ddof 1) from the same mini-batches,
    and `fpc`, the factor (N − B)/(N − 1) by which sampling without replacement shrinks one batch mean's variance (1
    with replacement); σ̂² over the disjoint batches of one epoch is not shrunk by it (`analysis.variance_table`)."""
    if n_batches < 2:
        raise UserError(f"need at least 2 mini-batches for a variance, got {n_batches}")
    rows = []
    for b in batch_sizes:
        grads = batch_gradients(model, x, y, b, n_batches, replacement=replacement, generator=generator,
                                layer=layer, loss_fn=loss_fn).double()
        rows.append(dict(batch_size=int(b), variance=float(grads.var(dim=0, correction=0).mean()),
                         variance_unbiased=float(grads.var(dim=0, correction=1).mean()),
                         fpc=1.0 if replacement else without_replacement_factor(len(x), b)))
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class LogLogFit:
    """log y = slope·log x + intercept (natural logs), i.e. y = prefactor·x^slope."""

    slope: float
    intercept: float
    r2: float
    slope_ci: tuple[float, float]  # 95% (or `confidence`) t interval, n − 2 degrees of freedom; NaN if n < 3
    n: int

    @property
    def prefactor(self) -> float:
        return math.exp(self.intercept)


def loglog_fit(xs: Sequence[float], ys: Sequence[float], confidence: float = 0.95) -> LogLogFit:
    """Least-squares line through (log x, log y), with the slope's confidence interval from the t
    distribution. With three points (one degree of freedom, t = 12.7) the interval is honestly wide."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if xs.shape != ys.shape or len(xs) < 2:
        raise UserError(f"need at least two (x, y) pairs of equal length; got {len(xs)} and {len(ys)}")
    if not (np.all(xs > 0) and np.all(ys > 0) and np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
        raise UserError("a log-log fit needs finite positive values")
    if np.ptp(xs) == 0:
        raise UserError("a log-log fit needs at least two distinct x values")
    fit = stats.linregress(np.log(xs), np.log(ys))
    if len(xs) < 3:
        ci = (math.nan, math.nan)
    else:
        half = stats.t.ppf((1 + confidence) / 2, len(xs) - 2) * fit.stderr
        ci = (fit.slope - half, fit.slope + half)
    return LogLogFit(float(fit.slope), float(fit.intercept), float(fit.rvalue**2), ci, len(xs))


def per_example_gradients(model: nn.Module, x: Tensor, y: Tensor, *, names: Sequence[str] | None = None,
                          loss_fn: LossFn = F.cross_entropy) -> Tensor:
    """(n, P): row i is the gradient of example i's loss over the parameters `names` (default all, in
    named_parameters order), computed at once with `torch.func.vmap(grad(...))`."""
    params, buffers = detached_state(model)
    names = list(names or params)
    fixed = {k: v for k, v in params.items() if k not in names}

    def loss_one(p: dict[str, Tensor], xi: Tensor, yi: Tensor) -> Tensor:
        return loss_fn(functional_call(model, ({**fixed, **p}, buffers), (xi.unsqueeze(0),)), yi.unsqueeze(0))

    with eval_mode(model):
        grads = torch.vmap(torch.func.grad(loss_one), in_dims=(None, 0, 0))({n: params[n] for n in names}, x, y)
    return torch.cat([grads[n].flatten(1) for n in names], dim=1)


def example_variance(model: nn.Module, x: Tensor, y: Tensor, *, layer: str | None = None, chunk: int = 4096,
                     loss_fn: LossFn = F.cross_entropy) -> float:
    """σ² of Eq. (1) on (x, y) as a finite population: the variance over the N examples (divided by N) of one
    example's gradient of `layer` (default `first_weight`), averaged over its elements. A mini-batch's Eq. (4)
    variance is then σ²/B in expectation with replacement, and ≈ σ²/B without while the batches share one epoch
    (`analysis.variance_table`'s `expected`)."""
    layer = _layer(model, layer)
    total, squares = 0.0, 0.0
    for start in range(0, len(x), chunk):
        g = per_example_gradients(model, x[start:start + chunk], y[start:start + chunk], names=[layer],
                                  loss_fn=loss_fn).double()
        total, squares = total + g.sum(0), squares + (g * g).sum(0)
    mean = total / len(x)
    return float((squares / len(x) - mean * mean).mean())


@dataclass(frozen=True)
class NoiseScale:
    """McCandlish et al.'s simple noise scale B_noise = tr(Σ)/|G|², with its two ingredients."""

    b_noise: float
    trace_sigma: float  # tr Σ: total variance of a single example's gradient
    grad_sq_norm: float  # |G|²: squared norm of the true (full-batch) gradient


def noise_scale_simple(model: nn.Module, x: Tensor, y: Tensor, *, batch_size: int = 128,
                       loss_fn: LossFn = F.cross_entropy) -> NoiseScale:
    """B_noise from per-example gradients on (x, y), treated as a sample from the data distribution.

    tr Σ is the unbiased per-example variance (divides by n − 1), and |G|² = |ḡ|² − tr Σ/n removes the
    noise that inflates the squared norm of a sample mean. Streams over chunks of `batch_size` examples.
    """
    n = len(x)
    if n < 2:
        raise UserError(f"need at least 2 examples, got {n}")
    total, sq_norms = None, 0.0
    for start in range(0, n, batch_size):
        g = per_example_gradients(model, x[start:start + batch_size], y[start:start + batch_size],
                                  loss_fn=loss_fn).double()
        total = g.sum(0) if total is None else total + g.sum(0)
        sq_norms += float((g * g).sum())
    mean = total / n
    trace = (sq_norms - n * float(mean @ mean)) / (n - 1)
    grad_sq = float(mean @ mean) - trace / n
    return NoiseScale(trace / grad_sq, trace, grad_sq)


def noise_scale_from_norms(b_small: int, g_small_sq: float, b_big: int, g_big_sq: float) -> NoiseScale:
    """McCandlish et al. Appendix A: unbiased |G|² and tr Σ from the mean squared gradient norms at two batch
    sizes, using E|G_B|² = |G|² + tr Σ/B."""
    if not 0 < b_small < b_big:
        raise UserError(f"need 0 < b_small < b_big, got {b_small} and {b_big}")
    grad_sq = (b_big * g_big_sq - b_small * g_small_sq) / (b_big - b_small)
    trace = (g_small_sq - g_big_sq) / (1 / b_small - 1 / b_big)
    return NoiseScale(trace / grad_sq, trace, grad_sq)


def noise_scale_two_batch(model: nn.Module, x: Tensor, y: Tensor, b_small: int, b_big: int,
                          n_batches: int = 100, *, generator: torch.Generator | None = None,
                          loss_fn: LossFn = F.cross_entropy) -> NoiseScale:
    """B_noise from |G_B|² averaged over `n_batches` mini-batches at each of two sizes, without per-example
    gradients. Mini-batches are drawn with replacement, for which E|G_B|² = |G|² + tr Σ/B holds exactly."""
    names = [n for n, _ in model.named_parameters()]
    mean_sq = []
    for b in (b_small, b_big):
        batches = draw_batches(len(x), b, n_batches, True, generator)
        g = _mean_gradients(model, x, y, batches, names, loss_fn).double()
        mean_sq.append(float((g * g).sum(1).mean()))
    return noise_scale_from_norms(b_small, mean_sq[0], b_big, mean_sq[1])


STAGES = ("initialisation", "along training", "trained")  # where along training a variance fit's weights are


def weights_label(epoch: int, final: int) -> str:
    """The weights a variance was measured at, as the tables and the figures name them: 'initialisation' (epoch 0),
    'epoch 5', 'trained (epoch 50)' (the run's last). `stage_of` reads them back: one module writes and reads."""
    return "initialisation" if epoch == 0 else f"epoch {epoch}" if epoch < final else f"trained (epoch {epoch})"


def stage_of(label: str) -> str:
    """A `weights_label` as one of `STAGES`."""
    return label if label == STAGES[0] else STAGES[2] if label.startswith("trained") else STAGES[1]
