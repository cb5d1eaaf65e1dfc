"""Loss landscapes around trained weights: filter-normalized planes (Li et al. 2018, the paper's Algorithm 1)
and linear interpolation between two solutions.

Every function here evaluates the model through `torch.func.functional_call` on a detached copy of its
weights, in eval mode (no dropout), so the caller's model is never modified. For small networks grid
points are evaluated several at a time with `torch.vmap`, which turns many tiny forward passes into a few
large ones; large networks get one plain forward pass per point over big batches of the evaluation set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.func import functional_call

from .config import UserError

LossFn = Callable[[Tensor, Tensor], Tensor]  # (output, target) -> mean loss over the batch
Params = dict[str, Tensor]
Grid = Sequence[float] | np.ndarray | None


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Evaluate without dropout, then give the model back in the mode it was in."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def detached_state(model: nn.Module, dtype: torch.dtype | None = None) -> tuple[Params, Params]:
    """Copies of the parameters and buffers (floating ones cast to `dtype`): analyses perturb these."""
    def copy(t: Tensor) -> Tensor:
        return t.detach().to(dtype if dtype is not None and t.is_floating_point() else t.dtype, copy=True)

    return {n: copy(p) for n, p in model.named_parameters()}, {n: copy(b) for n, b in model.named_buffers()}


def as_inputs(x: Tensor, y: Tensor, like: Tensor) -> tuple[Tensor, Tensor]:
    """The evaluation set on the parameters' device, floating inputs in the parameters' dtype."""
    x = x.to(like.device, dtype=like.dtype if x.is_floating_point() else x.dtype)
    return x, y.to(like.device)


def filter_normalized_direction(model: nn.Module, generator: torch.Generator | None = None) -> Params:
    """A Gaussian direction with every filter rescaled to the norm of the matching weight filter.

    A filter is one output unit: a conv weight's output channel or a linear weight's row. This removes the
    scale invariance of ReLU networks that makes raw random directions incomparable between two minima
    (Li et al. 2018, §4). 1-D parameters (biases) get a zero direction, as in Li et al. The draw is made on
    the CPU, so one generator seed gives the same direction on every device.
    """
    direction = {}
    for name, w in model.named_parameters():
        d = torch.randn(w.shape, generator=generator)
        if w.dim() <= 1:
            d.zero_()
        else:
            w_norm = w.detach().float().cpu().flatten(1).norm(dim=1)
            scale = w_norm / (d.flatten(1).norm(dim=1) + 1e-10)
            d *= scale.view(-1, *[1] * (w.dim() - 1))
        direction[name] = d.to(w.device, w.dtype)
    return direction


def default_points_per_call(model: nn.Module, rows: int) -> int:
    """Grid points per vmapped call. Small MLPs: enough points that a call sees ~32k (point, example) rows, since
    per-call overhead dominates; measured slower beyond that on CPU (cache). Large networks (over 100k parameters)
    and any with convolutions: one, since compute dominates, vmapped convolutions measured slower, and their
    activations grow with points × examples (CIFAR-10's CNN, 94,538 parameters, at 64 points × 500 examples
    a call went past 20 GB and was killed for lack of memory)."""
    if sum(p.numel() for p in model.parameters()) > 100_000 or any(isinstance(m, nn.Conv2d) for m in model.modules()):
        return 1
    return max(1, min(64, 32_768 // rows))


def _channels_last(t: Tensor) -> Tensor:
    return t.contiguous(memory_format=torch.channels_last) if t.dim() == 4 else t


@torch.no_grad()
def evaluate_points(model: nn.Module, x: Tensor, y: Tensor, base: Params, directions: Sequence[Params],
                    coords: Tensor | np.ndarray, *, loss_fn: LossFn = F.cross_entropy,
                    batch_size: int = 4096, points_per_call: int | None = None,
                    accuracy: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Mean loss (and accuracy in %) on (x, y) at base + Σ_k coords[p, k]·directions[k], for every point p.

    `base` and every direction must hold a tensor for each parameter name. Losses are accumulated in float64
    so that tiny differences between nearby points survive on large evaluation sets.
    """
    names = [n for n, _ in model.named_parameters()]
    missing = [n for n in names if n not in base or any(n not in d for d in directions)]
    if missing:
        raise UserError(f"base weights or directions lack parameters: {', '.join(missing)}")
    like = base[names[0]]
    x, y = as_inputs(x, y, like)
    base = {n: base[n].to(like) for n in names}
    stacked = {n: torch.stack([d[n].to(like) for d in directions]) for n in names}  # (k, *shape)
    coords = torch.as_tensor(np.asarray(coords), dtype=like.dtype, device=like.device)
    coords = coords.reshape(-1, len(directions))
    buffers = {n: b.to(like.device) for n, b in model.named_buffers()}
    per_call = points_per_call or default_points_per_call(model, min(batch_size, len(x)))
    if per_call == 1:  # a plain call, channels-last: 1.9x faster than vmap for the MNIST CNN on CPU
        x = _channels_last(x)
        forward = lambda p, xb: functional_call(model, (p, buffers), (xb,)).unsqueeze(0)
    else:
        forward = torch.vmap(lambda p, xb: functional_call(model, (p, buffers), (xb,)), in_dims=(0, None))
    point_loss = torch.vmap(loss_fn, in_dims=(0, None))
    losses, accuracies = [], []
    with eval_mode(model):
        for group in coords.split(per_call):
            params = {n: base[n] + torch.tensordot(group, stacked[n], dims=1) for n in names}
            if per_call == 1:
                params = {n: _channels_last(p.squeeze(0)) for n, p in params.items()}
            loss_sum = torch.zeros(len(group), dtype=torch.float64, device=like.device)
            correct = torch.zeros(len(group), dtype=torch.int64, device=like.device)
            for start in range(0, len(x), batch_size):
                xb, yb = x[start:start + batch_size], y[start:start + batch_size]
                out = forward(params, xb)
                loss_sum += point_loss(out, yb).double() * len(xb)
                if accuracy:
                    correct += (out.argmax(-1) == yb).sum(-1)
            losses.append(loss_sum / len(x))
            accuracies.append(100.0 * correct.double() / len(x))
    return torch.cat(losses).cpu().numpy(), torch.cat(accuracies).cpu().numpy()


def _grid(values: Grid) -> np.ndarray:
    return np.linspace(-1.0, 1.0, 51) if values is None else np.asarray(values, dtype=float)


def loss_surface(model: nn.Module, x: Tensor, y: Tensor, directions: tuple[Params, Params],
                 alphas: Grid = None, betas: Grid = None, *, loss_fn: LossFn = F.cross_entropy,
                 batch_size: int = 4096, points_per_call: int | None = None) -> np.ndarray:
    """Loss L(w* + α·d1 + β·d2) on a fixed set: array[i, j] is at (alphas[i], betas[j]); 51×51 on [−1, 1]
    by default. Use `np.meshgrid(alphas, betas, indexing="ij")` for the matching coordinates."""
    alphas, betas = _grid(alphas), _grid(betas)
    base, _ = detached_state(model)
    coords = np.stack(np.meshgrid(alphas, betas, indexing="ij"), axis=-1).reshape(-1, 2)
    loss, _ = evaluate_points(model, x, y, base, directions, coords, loss_fn=loss_fn, batch_size=batch_size,
                              points_per_call=points_per_call)
    return loss.reshape(len(alphas), len(betas))


def loss_slice_1d(model: nn.Module, x: Tensor, y: Tensor, direction: Params, alphas: Grid = None, *,
                  loss_fn: LossFn = F.cross_entropy, batch_size: int = 4096,
                  points_per_call: int | None = None) -> np.ndarray:
    """Loss L(w* + α·d) along one direction (51 points on [−1, 1] by default)."""
    base, _ = detached_state(model)
    loss, _ = evaluate_points(model, x, y, base, [direction], _grid(alphas)[:, None], loss_fn=loss_fn,
                              batch_size=batch_size, points_per_call=points_per_call)
    return loss


def interpolate(state_a: Params, state_b: Params, model: nn.Module, x: Tensor, y: Tensor,
                alphas: Grid = None, *, loss_fn: LossFn = F.cross_entropy, batch_size: int = 4096,
                points_per_call: int | None = None) -> pd.DataFrame:
    """Loss and accuracy (%) along w(α) = (1 − α)·w_a + α·w_b (Goodfellow et al. 2015; Keskar et al.
    2017, Fig. 3). `state_a` and `state_b` are state dicts of `model`'s architecture (e.g. the small-B and
    large-B solutions); `model` supplies only the architecture and its buffers. α = 0 is w_a, α = 1 is
    w_b; the default path, 41 points on [−0.5, 1.5], also looks a little beyond both ends.
    """
    alphas = np.linspace(-0.5, 1.5, 41) if alphas is None else np.asarray(alphas, dtype=float)
    like = next(model.parameters())
    names = [n for n, _ in model.named_parameters()]
    missing = [n for n in names if n not in state_a or n not in state_b]
    if missing:
        raise UserError(f"the state dicts lack parameters of this model: {', '.join(missing)}")
    a = {n: state_a[n].detach().to(like) for n in names}
    direction = {n: state_b[n].detach().to(like) - a[n] for n in names}
    loss, acc = evaluate_points(model, x, y, a, [direction], alphas[:, None], loss_fn=loss_fn,
                                batch_size=batch_size, points_per_call=points_per_call, accuracy=True)
    return pd.DataFrame({"alpha": alphas, "loss": loss, "acc": acc})
