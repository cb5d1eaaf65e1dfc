"""What each analysis at a run's trained weights computes (a chapter, a run, its parameters), its version
(`ANALYSES`), and `measured`, which keeps its value in the run's store (`analysis_store`) so that it is computed
once. The tables the chapters and the report read, built from these, are `analysis`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from . import analysis_store
from .instability import steps_of
from .store import config_of


def _loss_surface(chapter, run: pd.Series, points: int, n_eval: int) -> dict[str, Any]:
    import torch

    from .landscape import filter_normalized_direction, loss_surface

    model = chapter.model(run)
    x, y = chapter.eval_set(run, n_eval)
    generator = torch.Generator().manual_seed(0)
    directions = (filter_normalized_direction(model, generator), filter_normalized_direction(model, generator))
    axis = np.linspace(-1, 1, points)
    return {"n_eval": len(x), "test_loss": loss_surface(model, x, y, directions, axis, axis)}


def _dtype(precision: str):
    import torch

    return {"float32": torch.float32, "float64": torch.float64}[precision]


def _sharpness(chapter, run: pd.Series, epsilon: float, n_eval: int | None, restarts: int = 3, iters: int = 100,
               precision: str = "float64", steps: int = 20) -> dict[str, float]:
    import torch

    from .sharpness import epsilon_sharpness, hessian_top_eigenvalue, keskar_sharpness

    model = chapter.model(run)
    x, y = chapter.eval_set(run, n_eval)
    generator, dtype = torch.Generator().manual_seed(0), _dtype(precision)
    return {"n_eval": len(x),
            "epsilon_sharpness": epsilon_sharpness(model, x, y, epsilon, steps=steps, restarts=restarts,
                                                   generator=generator, dtype=dtype),
            "keskar_sharpness": keskar_sharpness(model, x, y, steps=steps, generator=generator, dtype=dtype),
            "hessian_top_eigenvalue": hessian_top_eigenvalue(model, x, y, iters=iters, generator=generator,
                                                             dtype=dtype)}


def _trace(chapter, run: pd.Series, n_eval: int | None, samples: int, precision: str = "float64") -> dict[str, float]:
    """Kept apart from `_sharpness`, so that adding the trace kept the other measures' values."""
    import torch

    from .sharpness import hessian_trace

    x, y = chapter.eval_set(run, n_eval)
    mean, se = hessian_trace(chapter.model(run), x, y, samples=samples, generator=torch.Generator().manual_seed(0),
                             dtype=_dtype(precision))
    return {"hessian_trace": mean, "hessian_trace_se": se}


def _power_iteration(chapter, run: pd.Series, iters: int, n_eval: int, precision: str) -> dict[str, Any]:
    import itertools

    import torch

    from .sharpness import rayleigh_quotients

    x, y = chapter.eval_set(run, n_eval)
    quotients = rayleigh_quotients(chapter.model(run), x, y, generator=torch.Generator().manual_seed(0),
                                   dtype=_dtype(precision))
    return {"n_eval": len(x), "estimates": list(itertools.islice(quotients, iters))}


def weights_at(chapter, run: pd.Series, epoch: int):
    """The run's network after `epoch` epochs, in eval mode on the CPU: at initialisation (0), its trained weights
    (its last epoch), or in between its first `epoch` epochs replayed by the reference trainer (the same updates;
    `tests/test_fast.py` holds the stacked trainer to it)."""
    import dataclasses

    from .models import build_model
    from .reference import train_run

    config = config_of(run)
    if epoch >= config.epochs:
        return chapter.model(run)
    if epoch == 0:
        return build_model(config.model, config.seed, config.init).eval()
    return train_run(dataclasses.replace(config, epochs=epoch), device="cpu", data_dir=chapter.data_dir).model.eval()


def _gradient_variance(chapter, run: pd.Series, batch_sizes: list[int], n_batches: int, epochs: list[int],
                       replicates: int, sigma_examples: int | None = None, largest_b: int | None = None) -> dict:
    import torch

    from .noise import example_variance, variance_vs_batch_size

    x, y = chapter.train_set(run)
    sizes = [b for b in batch_sizes if b <= min(len(x), largest_b or len(x))]
    rows = []
    for epoch in [*epochs, int(run["epochs"])]:
        model = weights_at(chapter, run, epoch)
        sigma2 = example_variance(model, x[:sigma_examples], y[:sigma_examples])  # None: all N
        generator = torch.Generator().manual_seed(0)
        for replacement in (1, 0):
            for replicate in range(replicates):
                table = variance_vs_batch_size(model, x, y, sizes, n_batches, replacement=bool(replacement),
                                               generator=generator)
                rows += [{"epoch": epoch, "replacement": replacement, "replicate": replicate, "sigma2": sigma2,
                          "batch_size": r["batch_size"], "variance": r["variance_unbiased"]}
                         for r in table.to_dict("records")]
    return {"N": len(x), "rows": rows}


def _noise_scale(chapter, run: pd.Series, n_examples: int | None) -> dict[str, float]:
    import torch

    from .noise import noise_scale_simple

    x, y = chapter.train_set(run)
    n = len(x)
    if n_examples is not None and n_examples < n:
        keep = torch.randperm(n, generator=torch.Generator().manual_seed(0))[:n_examples]
        x, y = x[keep], y[keep]
    found = noise_scale_simple(chapter.model(run), x, y, batch_size=512 if x.dim() == 2 else 32)
    return {"N": n, "examples": len(x), "b_noise": found.b_noise, "trace_sigma": found.trace_sigma,
            "grad_sq_norm": found.grad_sq_norm}


def _first_steps(chapter, run: pd.Series, steps: int) -> dict[str, list[float]]:
    return steps_of(config_of(run), steps, chapter.data_dir)


# Each analysis that is kept: its version and its computation (a chapter, a run, the parameters). Bump a version
# when its code computes something else (another seed, evaluation set, number of steps): the kept values of the
# old version are then computed again. `tests/test_drift.py` computes a sample of the committed ones at HEAD.
ANALYSES: dict[str, tuple[int, Callable[..., Any]]] = {
    "loss_surface": (1, _loss_surface),
    "sharpness": (1, _sharpness),
    "hessian_trace": (1, _trace),
    "power_iteration": (1, _power_iteration),  # λ_max's estimates, one per Hessian-vector product
    "gradient_variance": (2, _gradient_variance),  # 2: along training, epochs drawn as training does
    "noise_scale": (1, _noise_scale),
    "first_steps": (1, _first_steps),  # bump when `reference.first_steps` replays other updates
}
OF_TRAINING = frozenset({"first_steps"})  # analyses of a run's training itself: of its config, not its weights


def measured(chapter, run: pd.Series, analysis: str, **params: Any) -> Any:
    """`analysis` of the run's trained weights with `params`: kept in the store that holds the weights (computed
    there the first time)."""
    return measured_with_provenance(chapter, run, analysis, **params)[0]


def measured_with_provenance(chapter, run: pd.Series, analysis: str, **params: Any) -> tuple[Any, dict[str, Any]]:
    """`measured`, with the provenance kept beside the value: the CPU that computed it and its CPU-seconds."""
    version, compute = ANALYSES[analysis]
    return analysis_store.cached(chapter.weights_store(run), config_of(run), analysis, version, params,
                                 lambda: compute(chapter, run, **params), of_weights=analysis not in OF_TRAINING)
