"""The analyses the chapters and the report share: sharpness and gradient variance at trained weights, and the
critical-batch points. Computed here once, judged by the rules in `report`.

Every function takes the runs to analyse (all seeds of a configuration, not the first) and a `book.Chapter`
that loads their weights and data.
"""

from __future__ import annotations

import joblib
import numpy as np
import pandas as pd

from . import paper
from .store import REPO_ROOT


def with_weights(chapter, runs: pd.DataFrame) -> pd.DataFrame:
    """The runs whose trained weights the chapter's stores hold (every seed that has them)."""
    from .book import config_of

    return runs[[chapter.weights_store(run).weights_path(config_of(run)).is_file() for _, run in runs.iterrows()]]


CACHE = joblib.Memory(REPO_ROOT / "_build" / "analysis-cache", verbose=0)


def sharpness_table(chapter, weights: pd.DataFrame, epsilon: float = paper.SHARPNESS_EPSILON,
                    n_eval: int | None = None) -> pd.DataFrame:
    """ε-sharpness (Eq. 3), Keskar sharpness and top Hessian eigenvalue of every run in `weights`, in float64 on
    one fixed evaluation set per data set (the first `n_eval` test examples). Each run's values are cached by
    its key and these parameters, so the landscape chapter and the report compute them once and show the same."""
    rows = [{"dataset": run["dataset"], "batch_size": run["batch_size"], "seed": run["seed"],
             "test_acc": run["test_acc"], **_sharpness(run["key"], epsilon, n_eval, chapter, run)}
            for _, run in weights.iterrows()]
    return pd.DataFrame(rows)


@CACHE.cache(ignore=["chapter", "run"])
def _sharpness(key: str, epsilon: float, n_eval: int | None, chapter, run: pd.Series) -> dict[str, float]:
    import torch

    from .sharpness import epsilon_sharpness, hessian_top_eigenvalue, keskar_sharpness

    model = chapter.model(run)
    x, y = chapter.eval_set(run, n_eval)
    generator = torch.Generator().manual_seed(0)
    return {"n_eval": len(x),
            "epsilon_sharpness": epsilon_sharpness(model, x, y, epsilon, generator=generator, dtype=torch.float64),
            "keskar_sharpness": keskar_sharpness(model, x, y, generator=generator, dtype=torch.float64),
            "hessian_top_eigenvalue": hessian_top_eigenvalue(model, x, y, generator=generator, dtype=torch.float64)}


def base_batch_models(weights: pd.DataFrame, datasets: list[str], base: int = 32) -> pd.DataFrame:
    """Per data set, every seed's weights run at the B closest to `base` (the paper's B₀ = 32)."""
    weights = weights[weights["dataset"].isin(datasets)]
    distance = (weights["batch_size"] - base).abs()
    return weights[distance == distance.groupby(weights["dataset"]).transform("min")]


def variance_table(chapter, models: pd.DataFrame, batch_sizes: list[int], n_batches: int = 20) -> pd.DataFrame:
    """Eq. (4) against B at each model's trained weights, on its training set, with and without replacement;
    `variance / fpc` divides out the without-replacement factor (N − B)/(N − 1)."""
    import torch

    from .noise import variance_vs_batch_size

    rows = []
    for _, run in models.iterrows():
        model = chapter.model(run)
        x, y = chapter.train_set(run)
        sizes = [b for b in batch_sizes if b <= len(x)]
        for replacement in (True, False):
            table = variance_vs_batch_size(model, x, y, sizes, n_batches, replacement=replacement,
                                           generator=torch.Generator().manual_seed(0))
            rows.append(table.assign(dataset=run["dataset"], N=len(x), trained_B=run["batch_size"], seed=run["seed"],
                                     sampling="with replacement" if replacement else "without replacement"))
    variance = pd.concat(rows, ignore_index=True)
    return variance.assign(**{"variance / fpc": variance["variance"] / variance["fpc"]})


def variance_fits(variance: pd.DataFrame) -> pd.DataFrame:
    """Eq. (5): log σ̂² on log B per data set and sampling, slope with its 95% t interval and R²; the points of
    every seed's model go into one fit, so the interval carries the spread between seeds."""
    from .noise import loglog_fit

    fits = []
    for (name, sampling), part in variance.groupby(["dataset", "sampling"], sort=False):
        for column in ("variance",) if sampling == "with replacement" else ("variance", "variance / fpc"):
            keep = part[np.isfinite(part[column]) & (part[column] > 0)]
            fit = loglog_fit(keep["batch_size"], keep[column])
            fits.append({"dataset": name, "sampling": sampling, "fitted": column, "slope": fit.slope,
                         "slope CI low": fit.slope_ci[0], "slope CI high": fit.slope_ci[1], "R²": fit.r2,
                         "points": fit.n})
    return pd.DataFrame(fits)


def critical_sizes(runs: pd.DataFrame, tolerance: float = 1.0) -> pd.DataFrame:
    """B* per synthetic training-set size (the data sets and the `dataset-size` subsets): the points of the
    B* ∝ N^a fit; <NA> where no B falls more than `tolerance` below the peak."""
    from .critical import critical_batch_size

    found = critical_batch_size(runs, tolerance, by=("dataset", "train_size"))
    return found[found["dataset"].str.startswith("synthetic")].reset_index(drop=True)
