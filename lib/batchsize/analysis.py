"""The measurements at trained weights that the chapters and the report share: loss surfaces, sharpness, gradient
variance and the gradient noise scale, each kept per run in the run's store (`analysis_measures.measured`), so
that a chapter and the report compute them once, show the same, and a fresh clone reads the committed ones. The
tables they give are read by `summaries` and judged by the claims' rules (`claims_*`, listed by `report`).

Every function takes the runs to analyse (all seeds of a configuration, not the first) and a `book.Chapter`
that loads their weights and data. The report's inputs, built from these, are `report_inputs`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from . import paper
from .analysis_measures import measured, measured_with_provenance
from .instability import trace
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
    """Test examples a loss surface is evaluated on: 2,000 for an MLP, 500 for a CNN; at smoke scale the sharpness
    measures' (`sharpness_params`: 256 MLP, 32 CNN), so that the smoke book's CNN surfaces take seconds."""
    mlp = run["model"] == "mlp"
    return n_eval or ((256 if mlp else 32) if smoke else 2000 if mlp else 500)


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
    scale 32 examples, 5 ascent steps, 3 power iterations, 2 trace vectors: the code runs in seconds, not the five
    minutes the smoke book's CNNs took at 256). `n_eval` wins. Only what differs from the defaults is passed, so
    the MLPs' kept values keep their keys."""
    mlp = run["model"] == "mlp"
    if mlp:
        sharp, trace_ = {"n_eval": 2000}, {"n_eval": 2000, "samples": 100}
    else:
        sharp, trace_ = dict(CNN_SHARPNESS), dict(CNN_TRACE)
        if smoke:
            sharp["steps"], sharp["iters"], trace_["samples"] = 5, 3, 2
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
# The smoke book (CI) shows the code path, not a measurement: init and trained, once, B ≤ 32, σ² on 1,000 images
# (B ≤ 128 was three quarters of its noise chapter's time: the gradients of 20 batches grow with B).
SMOKE_CNN_VARIANCE = {**CNN_VARIANCE, "epochs": (0,), "replicates": 1, "sigma_examples": 1_000, "largest_b": 32}


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


VARIANCE_REPLICATES = 5  # times the paper's protocol is repeated per MLP and weights (the noise chapter's default)


def variance_replicates(replicates: int | None, smoke: bool) -> int:
    """`replicates`, or by default `VARIANCE_REPLICATES`, once in the smoke book (CI): like `SMOKE_CNN_VARIANCE`, it
    shows the code path, not a measurement, and five replicates were most of its noise chapter's time."""
    return replicates or (1 if smoke else VARIANCE_REPLICATES)


def variance_params(run: pd.Series, epochs: tuple[int, ...], replicates: int, smoke: bool = False) -> dict[str, Any]:
    """The variance analysis' parameters for a run: `epochs` and `replicates` for an MLP (only these, so that its
    kept values keep their keys), `cnn_variance_budget` for a CNN."""
    budget = {"epochs": epochs, "replicates": replicates} if run["model"] == "mlp" else cnn_variance_budget(smoke)
    return {**budget, "epochs": list(budget["epochs"])}


def variance_table(chapter, models: pd.DataFrame, batch_sizes: list[int], n_batches: int = 20,
                   epochs: tuple[int, ...] = VARIANCE_EPOCHS, replicates: int | None = None) -> pd.DataFrame:
    """Eq. (4) (÷ n − 1) against B ≤ N on each model's training set, at its weights after each of `epochs` (0: at
    initialisation) and trained: `replicates` times `n_batches` mini-batches per B drawn as training draws them
    (`noise.draw_batches`; `replicates`: `variance_replicates`) and with replacement; `sigma2`: Eq. (1)'s σ² there.
    `expected` is E σ̂²: σ²/B with replacement; without, two batches of one shuffled epoch covary by −σ²/(N − 1),
    which undoes the finite-population shrink: σ²/B·N/(N − 1) while all share one epoch (B ≤ N/n_batches), down to
    σ²/B·(N − B)/(N − 1) once none do."""
    rows, replicates = [], variance_replicates(replicates, chapter.profile == "smoke")
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


def first_updates(chapter, runs: pd.DataFrame, epochs: int = 1) -> pd.DataFrame:
    """`instability.trace` of `runs`: each run's first updates, as many as `epochs` epochs of the largest B among
    them (the same steps for every run), kept in the run's store like an analysis of its weights (replaying them
    at paper scale costs minutes; they depend on the config alone, so no weights are needed)."""
    steps = int(epochs * math.ceil(runs["train_size"].max() / runs["batch_size"].max()))
    return trace([config_of(run) for _, run in runs.iterrows()],
                 [measured(chapter, run, "first_steps", steps=steps) for _, run in runs.iterrows()])
