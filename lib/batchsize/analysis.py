"""The measurements at trained weights that the chapters and the report share: loss surfaces, sharpness, gradient
variance and the gradient noise scale, each kept per run in the run's store (`analysis_store`), so that a chapter
and the report compute them once, show the same, and a fresh clone reads the committed ones. The tables they give
are read by `summaries` and judged by the claims' rules (`claims_*`, listed by `report`).

Every function takes the runs to analyse (all seeds of a configuration, not the first) and a `book.Chapter`
that loads their weights and data. The report's inputs, built from these, are `report_inputs`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from . import analysis_store, paper
from .instability import steps_of, trace
from .noise import weights_label
from .runtable import registry_sorted, trained
from .store import config_of
from .summaries import sharpness_pair


def with_weights(chapter, runs: pd.DataFrame) -> pd.DataFrame:
    """The runs whose trained weights the chapter's stores hold (every seed that has them)."""
    return runs[[chapter.weights_store(run).weights_path(config_of(run)).is_file() for _, run in runs.iterrows()]]


def surface_points(run: pd.Series, smoke: bool, grid_points: int | None = None) -> int:
    """Grid points per axis of a run's loss surface: the paper's 51 for an MLP on paper runs, 21 for a CNN there
    (a 51 × 51 CNN surface is about 45 CPU-minutes), 21 / 9 on quick runs, 5 at smoke scale; `grid_points` wins."""
    if grid_points:
        return grid_points
    if smoke:
        return 5
    if run["prov_profile"] == "paper":
        return 51 if run["model"] == "mlp" else 21
    return 21 if run["model"] == "mlp" else 9


def surface_eval_size(run: pd.Series, smoke: bool, n_eval: int | None = None) -> int:
    """Test examples a loss surface is evaluated on: 2,000 for an MLP, 500 for a CNN, 256 at smoke scale."""
    return n_eval or (256 if smoke else 2000 if run["model"] == "mlp" else 500)


def loss_surfaces(chapter, weights: pd.DataFrame, datasets: list[str], grid_points: int | None = None,
                  n_eval: int | None = None) -> pd.DataFrame:
    """Algorithm 1 for the pair of B of each data set in `weights` that the paper compares, every run of it given
    (`summaries.sharpness_pair`: 32 against 512 on synthetic data as in Fig 9, against 256 on MNIST as in Fig 10):
    the test loss on a filter-normalized random plane around the trained weights, one row per grid point (`alpha`,
    `beta`). Every run draws its directions with the same seed, each normalized to its own network, so the
    surfaces differ only by the weights; `n_eval` and `points` say what each surface was computed on."""
    smoke = chapter.profile == "smoke"
    surfaces = []
    for name in datasets:
        part = weights[weights["dataset"] == name]
        if part["batch_size"].nunique() < 2:
            continue
        for _, run in pair_runs(part).iterrows():
            points = surface_points(run, smoke, grid_points)
            found = measured(chapter, run, "loss_surface", points=points, n_eval=surface_eval_size(run, smoke, n_eval))
            a, b = np.meshgrid(np.linspace(-1, 1, points), np.linspace(-1, 1, points), indexing="ij")
            surfaces.append(pd.DataFrame({"dataset": name, "batch_size": run["batch_size"], "seed": run["seed"],
                                          "alpha": a.ravel(), "beta": b.ravel(),
                                          "test_loss": np.ravel(found["test_loss"]), "n_eval": found["n_eval"],
                                          "points": points}))
    return pd.concat(surfaces, ignore_index=True) if surfaces else pd.DataFrame()


def pair_runs(part: pd.DataFrame) -> pd.DataFrame:
    """The runs of one data set's table at the pair of B the paper compares (`sharpness_pair`), every seed: what
    the surfaces and the power-iteration check measure."""
    return part[part["batch_size"].isin(sharpness_pair(part["dataset"].iloc[0], part["batch_size"]))]


def _loss_surface(chapter, run: pd.Series, points: int, n_eval: int) -> dict[str, Any]:
    import torch

    from .landscape import filter_normalized_direction, loss_surface

    model = chapter.model(run)
    x, y = chapter.eval_set(run, n_eval)
    generator = torch.Generator().manual_seed(0)
    directions = (filter_normalized_direction(model, generator), filter_normalized_direction(model, generator))
    axis = np.linspace(-1, 1, points)
    return {"n_eval": len(x), "test_loss": loss_surface(model, x, y, directions, axis, axis)}


def runs_with_weights(chapter, datasets: list[str]) -> pd.DataFrame:
    """Every run of `datasets` in the chapter's sections whose weights the stores keep, all seeds: the runs the
    landscape and noise analyses load."""
    runs = pd.concat([chapter.table(s) for s in chapter.sections], ignore_index=True)
    return with_weights(chapter, runs[runs["dataset"].isin(datasets)])


# What the sharpness measures of one CNN weight set are computed on, chosen so that it costs a few CPU-minutes
# rather than hours. Measured on this machine's CPU (one thread, MNIST's CNN, 500 test examples): a value 2.4 s in
# float64 and 0.4 s in float32, a gradient 3.9 s / 1.1 s, a Hessian-vector product 18 s / 5.0 s; at the MLPs'
# settings (2,000 examples, float64, 3 × 20 ascent steps, up to 100 power iterations, 100 Hutchinson vectors) one
# weight set would take about four CPU-hours. So: 500 test examples (the loss surfaces' evaluation set), float32
# (the CNNs' ε-sharpness is a rise of the loss far above float32's rounding, which float64 guards against for the
# flat MLP minima), one restart of the ε ascent, at most 20 power iterations for λ_max (the estimate so far if it
# has not settled to 1e-4) and 10 Hutchinson vectors for the trace (its standard error says how far that goes).
CNN_SHARPNESS = {"n_eval": 500, "restarts": 1, "iters": 20, "precision": "float32"}
CNN_TRACE = {"n_eval": 500, "samples": 10, "precision": "float32"}


def sharpness_params(run: pd.Series, smoke: bool, n_eval: int | None = None) -> tuple[dict, dict]:
    """The parameters of a run's sharpness measures and of its Hessian trace: for an MLP 2,000 test examples (256
    at smoke scale) in float64 with the measures' defaults; for a CNN `CNN_SHARPNESS` and `CNN_TRACE` (at smoke
    scale 32 examples, 3 power iterations, 2 trace vectors: the code runs in seconds, not the five minutes the
    smoke book's CNNs took at 256). `n_eval` wins. Only what differs from the defaults is passed, so the MLPs' kept
    values keep their keys."""
    mlp = run["model"] == "mlp"
    if mlp:
        sharp, trace_ = {"n_eval": 2000}, {"n_eval": 2000, "samples": 100}
    else:
        sharp, trace_ = dict(CNN_SHARPNESS), dict(CNN_TRACE)
        if smoke:
            sharp["iters"], trace_["samples"] = 3, 2
    if n_eval or smoke:
        sharp["n_eval"] = trace_["n_eval"] = n_eval or (256 if mlp else 32)
    return sharp, trace_


def sharpness_table(chapter, weights: pd.DataFrame, epsilon: float = paper.SHARPNESS_EPSILON,
                    n_eval: int | None = None) -> pd.DataFrame:
    """ε-sharpness (Eq. 3), Keskar sharpness, top Hessian eigenvalue and Hessian trace (Hutchinson's estimate, with
    its standard error) of every run in `weights`, on one fixed evaluation set per data set (its first test
    examples) with the parameters of `sharpness_params`. Each run's values are kept with these parameters, so the
    landscape chapter and the report compute them once and show the same."""
    rows = []
    for _, run in weights.iterrows():
        sharp, trace_ = sharpness_params(run, chapter.profile == "smoke", n_eval)
        sharpness, made = measured_with_provenance(chapter, run, "sharpness", epsilon=epsilon, **sharp)
        trace, traced = measured_with_provenance(chapter, run, "hessian_trace", **trace_)
        rows.append({"dataset": run["dataset"], "batch_size": run["batch_size"], "seed": run["seed"],
                     "test_acc": run["test_acc"], "outcome": run["outcome"], **sharpness, **trace,
                     "cpu_seconds": made["cpu_seconds"] + traced["cpu_seconds"], "cpu": made["cpu"]})
    table = pd.DataFrame(rows)
    return registry_sorted(table.sort_values(["batch_size", "seed"])) if rows else table  # rows a reader can scan


def _dtype(precision: str):
    import torch

    return {"float32": torch.float32, "float64": torch.float64}[precision]


def _sharpness(chapter, run: pd.Series, epsilon: float, n_eval: int | None, restarts: int = 3, iters: int = 100,
               precision: str = "float64") -> dict[str, float]:
    import torch

    from .sharpness import epsilon_sharpness, hessian_top_eigenvalue, keskar_sharpness

    model = chapter.model(run)
    x, y = chapter.eval_set(run, n_eval)
    generator, dtype = torch.Generator().manual_seed(0), _dtype(precision)
    return {"n_eval": len(x),
            "epsilon_sharpness": epsilon_sharpness(model, x, y, epsilon, restarts=restarts, generator=generator,
                                                   dtype=dtype),
            "keskar_sharpness": keskar_sharpness(model, x, y, generator=generator, dtype=dtype),
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


POWER_CHECK = 5  # how many times the CNNs' cap of power iterations `power_iterations` runs


def power_iterations(chapter, weights: pd.DataFrame, n_eval: int | None = None, tol: float = 1e-4) -> pd.DataFrame:
    """Whether the CNNs' λ_max had settled at its cap (`CNN_SHARPNESS`' iterations, where the MLPs get 100): for
    each CNN data set's pair of B (`sharpness_pair`), the networks that trained, power iteration run `POWER_CHECK`
    times as long on the sharpness table's evaluation set and precision (`sharpness_params`, `n_eval` as there),
    each estimate kept (`rayleigh_quotients`); per network the value where the capped iteration stops (`settled`,
    with `tol`) beside the last one, and its change. Its start vector is its own (seed 0), not the table's: the
    check is of how fast the iteration settles on these networks. Kept per run, as the other measures are."""
    from .sharpness import settled

    rows = []
    cnns = weights[(weights["model"] != "mlp") & trained(weights)]
    for name, part in cnns.groupby("dataset", sort=False):
        for _, run in pair_runs(part).iterrows():
            budget, _ = sharpness_params(run, chapter.profile == "smoke", n_eval)
            cap = budget["iters"]
            found = measured(chapter, run, "power_iteration", iters=POWER_CHECK * cap, n_eval=budget["n_eval"],
                             precision=budget["precision"])
            estimates = found["estimates"]
            rows.append({"dataset": name, "batch_size": run["batch_size"], "seed": run["seed"], "cap": cap,
                         "at cap": settled(estimates[:cap], tol), "iterations": len(estimates),
                         "last": estimates[-1], "estimates": estimates})
    table = pd.DataFrame(rows)
    return table.assign(change=(table["last"] / table["at cap"] - 1) * 100) if rows else table


def _power_iteration(chapter, run: pd.Series, iters: int, n_eval: int, precision: str) -> dict[str, Any]:
    import itertools

    import torch

    from .sharpness import rayleigh_quotients

    x, y = chapter.eval_set(run, n_eval)
    quotients = rayleigh_quotients(chapter.model(run), x, y, generator=torch.Generator().manual_seed(0),
                                   dtype=_dtype(precision))
    return {"n_eval": len(x), "estimates": list(itertools.islice(quotients, iters))}


SHARPNESS_METRICS = ("epsilon_sharpness", "keskar_sharpness", "hessian_top_eigenvalue", "hessian_trace")


def base_batch_models(weights: pd.DataFrame, datasets: list[str], base: int = 32) -> pd.DataFrame:
    """Per data set, every seed's weights run at the B closest to `base` (the paper's B₀ = 32)."""
    weights = weights[weights["dataset"].isin(datasets)]
    distance = (weights["batch_size"] - base).abs()
    return weights[distance == distance.groupby(weights["dataset"]).transform("min")]


VARIANCE_EPOCHS = (0, 1, 5)  # the weights along training the variance is measured at, besides the trained ones
# A CNN's gradient costs thousands of times an MLP's. Estimated from `benchmarks/cnn.py` (~600 MNIST images/s in
# fp32 on one Zen 4 core), the MLPs' protocol (4 weights × 5 replicates × 2 samplings × 20 batches of B = 1 … 512,
# σ² over all 60,000 images, 6 epochs replayed) would take ~45 CPU-minutes per MNIST network; this budget ~10.
CNN_VARIANCE = {"epochs": (0, 1), "replicates": 2, "sigma_examples": 10_000}  # σ² estimated on the first 10,000
# The smoke book (CI) shows the code path, not a measurement: init and trained, once, B ≤ 128, σ² on 1,000 images.
SMOKE_CNN_VARIANCE = {**CNN_VARIANCE, "epochs": (0,), "replicates": 1, "sigma_examples": 1_000, "largest_b": 128}


def cnn_variance_budget(smoke: bool) -> dict[str, Any]:
    """The variance analysis' budget for a CNN: `CNN_VARIANCE`, or `SMOKE_CNN_VARIANCE` at smoke scale."""
    return SMOKE_CNN_VARIANCE if smoke else CNN_VARIANCE


def cnn_variance_text(smoke: bool) -> str:
    """The CNN's budget as the noise chapter states it: '2 replicates, at initialisation, after 1 epoch and trained,
    with σ² over its first 10,000 training images'."""
    budget = cnn_variance_budget(smoke)
    during = [f"after {e} epoch{'s' if e > 1 else ''}" for e in budget["epochs"] if e]
    replicates = budget["replicates"]
    largest = f", at B up to {budget['largest_b']}" if "largest_b" in budget else ""
    return (f"{replicates} replicate{'s' if replicates > 1 else ''}, at {', '.join(['initialisation', *during])} and "
            f"trained{largest}, with σ² over its first {budget['sigma_examples']:,} training images")


def variance_params(run: pd.Series, epochs: tuple[int, ...], replicates: int, smoke: bool = False) -> dict[str, Any]:
    """The variance analysis' parameters for a run: `epochs` and `replicates` for an MLP (only these, so that its
    kept values keep their keys), `cnn_variance_budget` for a CNN."""
    budget = {"epochs": epochs, "replicates": replicates} if run["model"] == "mlp" else cnn_variance_budget(smoke)
    return {**budget, "epochs": list(budget["epochs"])}


def variance_table(chapter, models: pd.DataFrame, batch_sizes: list[int], n_batches: int = 20,
                   epochs: tuple[int, ...] = VARIANCE_EPOCHS, replicates: int = 5) -> pd.DataFrame:
    """Eq. (4) (÷ n − 1) against B ≤ N on each model's training set, at its weights after each of `epochs` (0: at
    initialisation) and trained: `replicates` times `n_batches` mini-batches per B drawn as training draws them
    (`noise.draw_batches`) and with replacement; `sigma2`: Eq. (1)'s σ² there. `expected` is E σ̂²: σ²/B with
    replacement; without, two batches of one shuffled epoch covary by −σ²/(N − 1), which undoes the finite-population
    shrink: σ²/B·N/(N − 1) while all share one epoch (B ≤ N/n_batches), down to σ²/B·(N − B)/(N − 1) once none do."""
    rows = []
    for _, run in models.iterrows():
        found = measured(chapter, run, "gradient_variance", batch_sizes=list(batch_sizes), n_batches=n_batches,
                         **variance_params(run, epochs, replicates, chapter.profile == "smoke"))
        rows.append(pd.DataFrame(found["rows"]).assign(dataset=run["dataset"], N=found["N"],
                                                       trained_B=run["batch_size"], seed=run["seed"],
                                                       final=run["epochs"]))
    variance = pd.concat(rows, ignore_index=True)
    n, b, k = variance["N"], variance["batch_size"], variance["N"] // variance["batch_size"]  # k batches an epoch
    paired = (n_batches // k * k * (k - 1) + n_batches % k * (n_batches % k - 1)) / (n_batches * (n_batches - 1))
    factor = np.where(variance["replacement"] == 1, 1.0, (n - b + b * paired) / (n - 1))  # paired: share in one epoch
    return variance.assign(sampling=np.where(variance["replacement"] == 1, "with replacement", "without replacement"),
                           weights=list(map(weights_label, variance["epoch"], variance["final"])),
                           expected=variance["sigma2"] / b * factor).drop(columns="final")


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


NOISE_EXAMPLES = {"mlp": None, "mnist_cnn": 2_000, "cifar_cnn": 2_000}  # None: the whole training set


def noise_scales(chapter, models: pd.DataFrame, n_examples: dict[str, int | None] | None = None) -> pd.DataFrame:
    """McCandlish et al.'s simple noise scale B_noise = tr Σ / |G|² (`noise.noise_scale_simple`) at the trained
    weights of each run in `models`, from per-example gradients on its training set: all of it, or a fixed random
    subset of `n_examples[model]` (default `NOISE_EXAMPLES`: the whole set for the MLPs, 2,000 for the CNNs).
    `b_noise` is NaN where the estimate of |G|² is not positive (then B_noise cannot be estimated). Kept per run
    and subset size."""
    limits = {**NOISE_EXAMPLES, **(n_examples or {})}
    rows = []
    for _, run in models.iterrows():
        found = measured(chapter, run, "noise_scale", n_examples=limits.get(run["model"]))
        rows.append({"dataset": run["dataset"], "trained B": run["batch_size"], "seed": run["seed"], **found,
                     "b_noise": found["b_noise"] if found["grad_sq_norm"] > 0 else np.nan})
    return pd.DataFrame(rows, columns=["dataset", "trained B", "seed", "N", "examples", "b_noise", "trace_sigma",
                                       "grad_sq_norm"])


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


def first_updates(chapter, runs: pd.DataFrame, epochs: int = 1) -> pd.DataFrame:
    """`instability.trace` of `runs`: each run's first updates, as many as `epochs` epochs of the largest B among
    them (the same steps for every run), kept in the run's store like an analysis of its weights (replaying them
    at paper scale costs minutes; they depend on the config alone, so no weights are needed)."""
    steps = int(epochs * math.ceil(runs["train_size"].max() / runs["batch_size"].max()))
    return trace([config_of(run) for _, run in runs.iterrows()],
                 [measured(chapter, run, "first_steps", steps=steps) for _, run in runs.iterrows()])


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
