"""Critical batch size (§IV-G): the paper's rule "B* is the smallest B whose test accuracy falls more than
1 point below the peak", and the fit of B* against the training-set size N (Eq. 6, B* ≈ c·√N).

Input is the run table (one row per run; accuracies in percent). Seeds are averaged per batch size before
the rule is applied; `bootstrap_critical` shows how much that choice moves with the seeds drawn.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .config import RunConfig, UserError
from .noise import LogLogFit, loglog_fit

KEYS = ("dataset", "n_train")


def _check(table: pd.DataFrame, by: Sequence[str]) -> None:
    """Refuse tables the rule would silently misread: missing columns, missing accuracies, mixed configs."""
    missing = [c for c in (*by, "batch_size", "seed", "test_acc") if c not in table]
    if missing:
        raise UserError(f"the run table lacks columns: {', '.join(missing)}")
    if table["test_acc"].isna().any():
        bad = table[table["test_acc"].isna()][[*by, "batch_size", "seed"]].to_dict("records")
        raise UserError(f"runs without a test accuracy (filter them out or re-run them): {bad}")
    cell = [*by, "batch_size", "seed"]
    repeated = table[table.duplicated(cell, keep=False)]
    if not repeated.empty:
        config = [f.name for f in dataclasses.fields(RunConfig) if f.name in table and f.name not in cell]
        counts = repeated.groupby(cell, dropna=False)[config].nunique(dropna=False)
        varying = [c for c in config if (counts[c] > 1).any()]
        why = (f"differ in {', '.join(varying)}: filter the table to one configuration or add those columns "
               f"to `by`" if varying else "are the same run repeated")
        raise UserError(f"several runs share {', '.join(cell)} and {why}")


def _rule(batch_sizes: np.ndarray, means: np.ndarray, tolerance: float,
          above_optimum: bool) -> tuple[int, float, int | None, float]:
    """(optimal B, peak accuracy, B*, accuracy at B*) for batch sizes in increasing order."""
    best = int(np.argmax(means))  # the first maximum: the smallest B among ties
    peak = float(means[best])
    below = means < peak - tolerance
    if above_optimum:
        below &= batch_sizes > batch_sizes[best]
    if not below.any():
        return int(batch_sizes[best]), peak, None, float("nan")
    first = int(np.flatnonzero(below)[0])
    return int(batch_sizes[best]), peak, int(batch_sizes[first]), float(means[first])


def critical_batch_size(table: pd.DataFrame, tolerance: float = 1.0, *, by: Sequence[str] = KEYS,
                        above_optimum: bool = True) -> pd.DataFrame:
    """Optimal and critical batch size per group (default: per data set and training-set size).

    peak_acc is the largest mean test accuracy over B (mean over seeds); optimal_b its B (the smallest on a
    tie); critical_b the smallest B whose mean lies more than `tolerance` points below the peak (strictly),
    or <NA> when none does. By default only B above the optimum count: the paper's Table VI always has
    B* > optimal B, and the literal rule would return B = 1 whenever B = 1 is under-trained.
    `above_optimum=False` applies the rule literally.

    Diverged runs count with the accuracy they recorded (usually chance level): divergence at a B is an
    outcome of training at that B, not missing data. Runs with no accuracy at all raise an error.
    """
    by = list(by)
    _check(table, by)
    rows = []
    for key, group in table.groupby(by, sort=True, dropna=False):
        per_b = group.groupby("batch_size")["test_acc"].agg(["mean", "count"]).sort_index()
        optimal, peak, critical, critical_acc = _rule(per_b.index.to_numpy(), per_b["mean"].to_numpy(),
                                                      tolerance, above_optimum)
        rows.append(dict(zip(by, key, strict=True), optimal_b=optimal, peak_acc=peak, critical_b=critical,
                         critical_acc=critical_acc, n_seeds=int(per_b["count"].min())))
    columns = [*by, "optimal_b", "peak_acc", "critical_b", "critical_acc", "n_seeds"]
    result = pd.DataFrame(rows, columns=columns)
    return result.astype({"optimal_b": "Int64", "critical_b": "Int64"})


def bootstrap_critical(table: pd.DataFrame, tolerance: float = 1.0, *, n_boot: int = 1000, seed: int = 0,
                       by: Sequence[str] = KEYS, above_optimum: bool = True) -> pd.DataFrame:
    """How often each B* comes out when the seeds of every (group, B) cell are resampled with replacement.

    One row per group and B* value (<NA> for "no B falls below"), with its `frequency` over `n_boot`
    replicates. With one seed per cell every replicate is the same: the spread needs several seeds.
    """
    by = list(by)
    _check(table, by)
    rng = np.random.default_rng(seed)
    rows = []
    for key, group in table.groupby(by, sort=True, dropna=False):
        cells = [(b, cell["test_acc"].to_numpy(float)) for b, cell in group.groupby("batch_size", sort=True)]
        batch_sizes = np.array([b for b, _ in cells])
        draws = np.stack([rng.choice(acc, size=(n_boot, len(acc))).mean(1) for _, acc in cells], axis=1)
        found = pd.Series([_rule(batch_sizes, means, tolerance, above_optimum)[2] for means in draws],
                          dtype="Int64")
        for value, count in found.value_counts(dropna=False, sort=False).sort_index().items():
            rows.append(dict(zip(by, key, strict=True), critical_b=value, frequency=count / n_boot))
    result = pd.DataFrame(rows, columns=[*by, "critical_b", "frequency"])
    return result.astype({"critical_b": "Int64"})


def fit_scaling_law(n_values: Sequence[float], b_star_values: Sequence[float],
                    confidence: float = 0.95) -> LogLogFit:
    """Fit B* = c·N^a on log-log axes: `slope` is the exponent a (the paper assumes ½), `prefactor` is c,
    `slope_ci` its t interval with n − 2 degrees of freedom (three points: one, so the interval is wide).
    The exponent does not depend on whether N counts the whole data set or its 80% training split; c does."""
    return loglog_fit(n_values, b_star_values, confidence)
