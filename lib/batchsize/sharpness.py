"""How sharp a minimum is: the paper's ε-sharpness (Eq. 3), Keskar et al.'s relative-box sharpness, and the
Hessian's top eigenvalue and trace.

Each measure sees the loss as a function of one flat parameter vector θ on a fixed evaluation set
(`FlatLoss`), evaluated in eval mode through `functional_call` on a copy of the weights, so the caller's
model is never modified. `dtype=torch.float64` evaluates a float64 copy of the weights and data: an
ε-sharpness of 0.02 is a difference of two mean losses over thousands of examples, where float32 rounding
(~1e-7 relative per operation) can decide the answer for flat minima.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.func import functional_call

from .config import UserError
from .landscape import LossFn, Params, as_inputs, detached_state, eval_mode

Generator = torch.Generator | None


class FlatLoss:
    """L(θ) = mean loss of `model` on (x, y) with its parameters replaced by the flat vector θ.

    `theta` holds the model's own weights. Values, gradients and Hessian-vector products are summed over
    chunks of `batch_size` examples, so a whole test set fits in memory; `loss_fn` must return the mean
    over its batch (as `F.cross_entropy` does).
    """

    def __init__(self, model: nn.Module, x: Tensor, y: Tensor, *, loss_fn: LossFn = F.cross_entropy,
                 batch_size: int = 4096, dtype: torch.dtype | None = None):
        params, self.buffers = detached_state(model, dtype)
        self.model, self.loss_fn, self.batch_size = model, loss_fn, batch_size
        self.names, self.shapes = list(params), [p.shape for p in params.values()]
        self.theta = torch.cat([p.flatten() for p in params.values()])
        self.x, self.y = as_inputs(x, y, self.theta)

    def params(self, theta: Tensor) -> Params:
        pieces = theta.split([math.prod(s) for s in self.shapes])
        return {n: p.view(s) for n, s, p in zip(self.names, self.shapes, pieces, strict=True)}

    def _chunk_losses(self, theta: Tensor) -> Iterator[Tensor]:
        """Each chunk's loss, weighted so that the chunks add up to the mean over the whole set."""
        params = self.params(theta)
        for start in range(0, len(self.x), self.batch_size):
            xb, yb = self.x[start:start + self.batch_size], self.y[start:start + self.batch_size]
            out = functional_call(self.model, (params, self.buffers), (xb,))
            yield self.loss_fn(out, yb) * (len(xb) / len(self.x))

    @torch.no_grad()
    def value(self, theta: Tensor) -> float:
        with eval_mode(self.model):
            return float(sum(loss.double() for loss in self._chunk_losses(theta)))

    def value_and_grad(self, theta: Tensor) -> tuple[float, Tensor]:
        theta = theta.detach().requires_grad_(True)
        total, grad = 0.0, torch.zeros_like(theta)
        with eval_mode(self.model):
            for loss in self._chunk_losses(theta):
                grad += torch.autograd.grad(loss, theta)[0]
                total += loss.detach().double()
        return float(total), grad

    def hvp(self, theta: Tensor, v: Tensor) -> Tensor:
        """Hessian-vector product H(θ)·v by double backpropagation."""
        theta = theta.detach().requires_grad_(True)
        result = torch.zeros_like(theta)
        with eval_mode(self.model):
            for loss in self._chunk_losses(theta):
                (grad,) = torch.autograd.grad(loss, theta, create_graph=True)
                result += torch.autograd.grad(grad @ v, theta)[0]
        return result


def _randn(like: Tensor, generator: Generator) -> Tensor:
    """Gaussian noise drawn on the CPU, so a seed means the same draw on every device."""
    return torch.randn(like.shape, generator=generator, dtype=torch.float64).to(like)


def epsilon_sharpness(model: nn.Module, x: Tensor, y: Tensor, eps: float = 0.1, *, steps: int = 20,
                      restarts: int = 3, step_size: float | None = None, generator: Generator = None,
                      loss_fn: LossFn = F.cross_entropy, batch_size: int = 4096,
                      dtype: torch.dtype | None = None) -> float:
    """The paper's S(w, ε) = max over ‖δ‖₂ ≤ ε of L(w + δ) − L(w) (Eq. 3), δ over all parameters jointly.

    Projected gradient ascent with normalized steps of `step_size` (default ε/4, so that a few steps cross
    the ball), each restart from a random point on the sphere ‖δ‖ = ε. The result is the largest loss seen
    at any iterate: a lower bound on the true maximum that more steps and restarts can only raise.
    δ = 0 is in the ball, so S ≥ 0. The ball is absolute, not scale-invariant: compare models only on the
    same evaluation set, and see `keskar_sharpness` and `hessian_top_eigenvalue` beside it.
    """
    if eps <= 0 or steps < 1 or restarts < 1:
        raise UserError(f"need eps > 0, steps >= 1 and restarts >= 1; got {eps}, {steps}, {restarts}")
    f = FlatLoss(model, x, y, loss_fn=loss_fn, batch_size=batch_size, dtype=dtype)
    step = step_size or eps / 4
    base = best = f.value(f.theta)
    for _ in range(restarts):
        delta = _randn(f.theta, generator)
        delta *= eps / delta.norm()
        for _ in range(steps):
            value, grad = f.value_and_grad(f.theta + delta)
            best = max(best, value)
            if grad.norm() == 0:
                break
            delta = delta + step * grad / grad.norm()
            delta *= min(1.0, eps / float(delta.norm()))
        best = max(best, f.value(f.theta + delta))
    return best - base


def keskar_sharpness(model: nn.Module, x: Tensor, y: Tensor, eps: float = 1e-3, *, steps: int = 20,
                     restarts: int = 1, step_size: float | None = None, generator: Generator = None,
                     loss_fn: LossFn = F.cross_entropy, batch_size: int = 4096,
                     dtype: torch.dtype | None = None) -> float:
    """Keskar et al. (2017), Metric 2.1: 100·(max L(w + δ) − L(w)) / (1 + L(w)), max over |δᵢ| ≤ ε(|wᵢ| + 1).

    The box scales with each weight, so it is less sensitive to reparametrization than the paper's L2 ball.
    Keskar et al. maximize with L-BFGS-B (optionally in a random subspace); here: projected sign-gradient
    ascent in the full space (steps of `step_size`·box, default 2.5/steps), restarts from uniform points in
    the box; like `epsilon_sharpness` a lower bound on the maximum.
    """
    if eps <= 0 or steps < 1 or restarts < 1:
        raise UserError(f"need eps > 0, steps >= 1 and restarts >= 1; got {eps}, {steps}, {restarts}")
    f = FlatLoss(model, x, y, loss_fn=loss_fn, batch_size=batch_size, dtype=dtype)
    bound = eps * (f.theta.abs() + 1)
    step = (step_size or 2.5 / steps) * bound
    base = best = f.value(f.theta)
    for _ in range(restarts):
        uniform = torch.rand(f.theta.shape, generator=generator, dtype=torch.float64).to(f.theta)
        delta = (2 * uniform - 1) * bound
        for _ in range(steps):
            value, grad = f.value_and_grad(f.theta + delta)
            best = max(best, value)
            delta = torch.clamp(delta + step * grad.sign(), -bound, bound)
        best = max(best, f.value(f.theta + delta))
    return 100.0 * (best - base) / (1.0 + base)


def hessian_top_eigenvalue(model: nn.Module, x: Tensor, y: Tensor, *, iters: int = 100, tol: float = 1e-4,
                           generator: Generator = None, loss_fn: LossFn = F.cross_entropy,
                           batch_size: int = 4096, dtype: torch.dtype | None = None) -> float:
    """The Hessian eigenvalue of largest magnitude, by power iteration on Hessian-vector products.

    Stops when the Rayleigh quotient changes by less than `tol` (relative). At a minimum the Hessian is
    nearly positive semi-definite, so this is λ_max; a negative answer means the point is not a minimum.
    """
    return settled(itertools.islice(rayleigh_quotients(model, x, y, generator=generator, loss_fn=loss_fn,
                                                       batch_size=batch_size, dtype=dtype), iters), tol)


def settled(estimates: Iterable[float], tol: float) -> float:
    """The first estimate that moved by less than `tol` (relative) from the one before, else the last (0.0 for
    none): where `hessian_top_eigenvalue` stops, read off a sequence of `rayleigh_quotients`."""
    eigenvalue = 0.0
    for estimate in estimates:
        if abs(estimate - eigenvalue) <= tol * abs(estimate):
            return estimate
        eigenvalue = estimate
    return eigenvalue


def rayleigh_quotients(model: nn.Module, x: Tensor, y: Tensor, *, generator: Generator = None,
                       loss_fn: LossFn = F.cross_entropy, batch_size: int = 4096,
                       dtype: torch.dtype | None = None) -> Iterator[float]:
    """Power iteration's estimates vᵀHv, one per Hessian-vector product, from a random unit v, for as long as they
    are asked for (a last 0.0 where Hv = 0): how fast they settle says how far a capped iteration can be trusted."""
    f = FlatLoss(model, x, y, loss_fn=loss_fn, batch_size=batch_size, dtype=dtype)
    v = _randn(f.theta, generator)
    v /= v.norm()
    while True:
        hv = f.hvp(f.theta, v)
        if hv.norm() == 0:
            yield 0.0
            return
        yield float(v @ hv)
        v = hv / hv.norm()


def hessian_trace(model: nn.Module, x: Tensor, y: Tensor, *, samples: int = 100,
                  generator: Generator = None, loss_fn: LossFn = F.cross_entropy,
                  batch_size: int = 4096, dtype: torch.dtype | None = None) -> tuple[float, float]:
    """Hutchinson's estimate of tr(H) = E[vᵀHv] with Rademacher v: (mean, its standard error)."""
    if samples < 2:
        raise UserError(f"need at least 2 samples for a standard error, got {samples}")
    f = FlatLoss(model, x, y, loss_fn=loss_fn, batch_size=batch_size, dtype=dtype)
    values = []
    for _ in range(samples):
        v = (torch.randint(0, 2, f.theta.shape, generator=generator) * 2 - 1).to(f.theta)
        values.append(float(v @ f.hvp(f.theta, v)))
    return float(np.mean(values)), float(np.std(values, ddof=1) / math.sqrt(samples))
