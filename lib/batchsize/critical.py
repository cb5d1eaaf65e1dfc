"""Critical batch size (§IV-G): the paper's rule "B* is the smallest B whose test accuracy falls more than
1 point below the peak", the one place where the book decides a data set's best B and its B*, and the fit of B*
against the training-set size N (Eq. 6, B* ≈ c·√N).

Input is the run table (one row per run; accuracies in percent), cut into cells (a group, such as a data set, and
a B). What a cell counts for is decided once, by `cell_status`:
- *measured*: at least `MIN_TRAINED` of its runs trained, and more than half did. Its accuracy is the mean over
  those runs (the others are counted, never averaged in); only a measured cell has an interval or can be the best.
- *failed*: at least half of its runs did not train (collapsed to chance or diverged). Training at that B fails,
  an accuracy lost, so above the optimum a failed cell is below the peak. A run that trained there is not a mean.
- *one run*: a single run, which trained: a point without an interval, shown but neither the best nor B*.
`bootstrap_critical` shows how much the answer moves with the seeds drawn.
"""

from __future__ import annotations

import dataclasses
import numbers
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .config import RunConfig, UserError
from .datasets import registry_position
from .noise import LogLogFit, loglog_fit
from .run import trained

KEYS = ("dataset", "n_train")
# pp below the peak past which §IV-G counts a B degraded (B*: "falls more than 1 point below the peak"): the default
# `tolerance` of every B* here and of `paper_tables.table_vi`
B_STAR_DROP = 1.0
MIN_TRAINED = 2  # runs that trained: fewer, and a cell has no interval and is never the best
MEASURED, FAILED, ONE_RUN = "measured", "failed", "one run"


def cell_status(trained: int | np.ndarray, failed: int | np.ndarray,
                min_trained: int = MIN_TRAINED) -> str | np.ndarray:
    """What a cell with `trained` runs that trained and `failed` that did not counts for (the module's rule); counts,
    or arrays of counts (the bootstrap's replicates). `min_trained = 1` only for the paper's own tables, which give
    one number per cell."""
    found = np.select([np.asarray(failed) >= np.asarray(trained), np.asarray(trained) < min_trained],
                      [FAILED, ONE_RUN], MEASURED)
    return str(found) if found.ndim == 0 else found


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


def _rule(batch_sizes: np.ndarray, means: np.ndarray, status: np.ndarray, tolerance: float,
          above_optimum: bool) -> tuple[int | None, int | None]:
    """Positions (batch sizes in increasing order) of the optimal B, the measured cell of the highest mean (the
    first: the smallest B on a tie), and of B*, the first cell (above the optimum, if `above_optimum`) whose
    measured mean is more than `tolerance` below that peak (strictly) or that failed; None where there is none."""
    measured = status == MEASURED
    if not measured.any():
        return None, None
    best = int(np.argmax(np.where(measured, means, -np.inf)))
    below = (measured & (means < means[best] - tolerance)) | (status == FAILED)
    if above_optimum:
        below &= batch_sizes > batch_sizes[best]
    return best, int(np.flatnonzero(below)[0]) if below.any() else None


def _cells(group: pd.DataFrame, min_trained: int) -> pd.DataFrame:
    """One group's cells by B, in increasing order: runs, runs that trained, their mean accuracy, the status."""
    learned = trained(group)
    cells = (group.assign(ok=learned, acc=group["test_acc"].where(learned)).groupby("batch_size")
             .agg(runs=("ok", "size"), trained=("ok", "sum"), mean=("acc", "mean")).sort_index())
    return cells.assign(status=cell_status(cells["trained"], cells["runs"] - cells["trained"], min_trained))


def critical_batch_size(table: pd.DataFrame, tolerance: float = B_STAR_DROP, *, by: Sequence[str] = KEYS,
                        above_optimum: bool = True, min_trained: int = MIN_TRAINED) -> pd.DataFrame:
    """Optimal and critical batch size per group (default: per data set and training-set size), by the module's
    rule: what every chapter and claim that names a best B, a peak or a B* reads.

    optimal_b is the measured cell with the highest mean test accuracy (over its runs that trained; the smallest B
    on a tie) and peak_acc that mean; critical_b the smallest B above it whose mean lies more than `tolerance`
    points below the peak (strictly), or whose cell failed (`critical_by` says which, `FAILED` for a failed cell:
    such a B* marks where runs stop training, not an accuracy drop; critical_acc is NaN for it), <NA> when none
    does; both <NA> when no cell is measured. `failed_b` and `one_run_b` list the
    cells that count for neither; `largest_b` is the largest B that could be B* (its cell measured or failed, not
    of one run; where the row has no B*, the largest B measured: B* lies beyond it, if anywhere). By default only
    B above the optimum count: the paper's Table VI always has B* > optimal B, and the literal rule would return
    B = 1 whenever B = 1 is under-trained; `above_optimum=False` applies the rule literally. Runs with no accuracy
    at all raise an error."""
    by = list(by)
    _check(table, by)
    rows = []
    for key, group in table.groupby(by, sort=True, dropna=False):
        cells = _cells(group, min_trained)
        sizes, means, status = cells.index.to_numpy(), cells["mean"].to_numpy(), cells["status"].to_numpy()
        best, critical = _rule(sizes, means, status, tolerance, above_optimum)
        failed = critical is not None and status[critical] == FAILED
        rows.append(dict(zip(by, key, strict=True), optimal_b=None if best is None else sizes[best],
                         peak_acc=np.nan if best is None else means[best],
                         critical_b=None if critical is None else sizes[critical],
                         critical_acc=np.nan if critical is None or failed else means[critical],
                         critical_by=None if critical is None else FAILED if failed else "below the peak",
                         n_seeds=int(cells["runs"].min()),
                         failed_b=[int(b) for b in sizes[status == FAILED]],
                         one_run_b=[int(b) for b in sizes[status == ONE_RUN]],
                         largest_b=sizes[status != ONE_RUN].max() if (status != ONE_RUN).any() else None))
    columns = [*by, "optimal_b", "peak_acc", "critical_b", "critical_acc", "critical_by", "n_seeds", "failed_b",
               "one_run_b", "largest_b"]
    return pd.DataFrame(rows, columns=columns).astype({"optimal_b": "Int64", "critical_b": "Int64",
                                                      "largest_b": "Int64"})


def fit_points(found: pd.DataFrame) -> pd.DataFrame:
    """The rows of `critical_batch_size` that are points of the B* ∝ N^a fit: a B* where accuracy fell below the
    peak. A B* set by a failed cell marks where runs stop training, not the accuracy drop the law describes: it is
    shown with its row, never fitted (as the noise comparison never compares it)."""
    return found[found["critical_b"].notna() & (found["critical_by"] != FAILED)]


BOOTSTRAP_REPLICATES = 1000  # how often `bootstrap_critical` resamples the seeds (captions read it here)


def bootstrap_critical(table: pd.DataFrame, tolerance: float = B_STAR_DROP, *, n_boot: int = BOOTSTRAP_REPLICATES,
                       seed: int = 0, by: Sequence[str] = KEYS, above_optimum: bool = True) -> pd.DataFrame:
    """How often each B* comes out when the runs of every (group, B) cell are resampled with replacement, the runs
    that did not train included, and each replicate is judged by the same rule (`cell_status`).

    One row per group and B* value (<NA>: no B* in that replicate, or no measured cell), with its `frequency`
    over `n_boot` replicates; the data sets in the registry's order, as every table lists them. With one seed per
    cell every replicate is the same: the spread needs several seeds. Each cell's runs are drawn in the order of
    their seeds, and each group from its own stream (`_stream`), so the same runs give the same frequencies however
    the table was put together (the report's and the chapter's tables of Table VI, which grades B* on these
    frequencies) and whatever the other groups' cells are.
    """
    by = list(by)
    _check(table, by)
    table = table.sort_values([*by, "batch_size", "seed"], kind="stable").reset_index(drop=True)
    rows = []
    for key, group in table.groupby(by, sort=True, dropna=False):
        rng = _stream(seed, key)
        learned = trained(group)
        sizes, means, ok_counts, runs = [], [], [], []
        for b, cell in group.groupby("batch_size", sort=True):
            draw = rng.integers(0, len(cell), size=(n_boot, len(cell)))
            ok, acc = learned[cell.index].to_numpy()[draw], cell["test_acc"].to_numpy(float)[draw]
            with np.errstate(invalid="ignore", divide="ignore"):  # a replicate with no run that trained: NaN
                means.append(np.where(ok, acc, 0.0).sum(1) / ok.sum(1))
            sizes.append(b)
            ok_counts.append(ok.sum(1))
            runs.append(len(cell))
        sizes, means, ok_counts = np.array(sizes), np.stack(means, 1), np.stack(ok_counts, 1)
        status = cell_status(ok_counts, np.array(runs) - ok_counts)
        found = [_rule(sizes, m, s, tolerance, above_optimum)[1] for m, s in zip(means, status, strict=True)]
        found = pd.Series([None if c is None else sizes[c] for c in found], dtype="Int64")
        for value, count in found.value_counts(dropna=False, sort=False).sort_index().items():
            rows.append(dict(zip(by, key, strict=True), critical_b=value, frequency=count / n_boot))
    result = pd.DataFrame(rows, columns=[*by, "critical_b", "frequency"]).astype({"critical_b": "Int64"})
    if "dataset" not in by:
        return result
    return result.sort_values("dataset", key=lambda names: names.map(registry_position), kind="stable",
                              ignore_index=True)


def _stream(seed: int, key: tuple) -> np.random.Generator:
    """One group's random stream, from `seed` and the group's key alone: with one stream shared, a group's draws
    would continue where the groups before it stopped, and its frequencies move with their cells. A number in the
    key is named as a float, so an N stored as 40000 or 40000.0 draws the same."""
    name = "/".join(str(float(k)) if isinstance(k, numbers.Real) else str(k) for k in key)
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def fit_scaling_law(n_values: Sequence[float], b_star_values: Sequence[float],
                    confidence: float = 0.95) -> LogLogFit:
    """Fit B* = c·N^a on log-log axes: `slope` is the exponent a (the paper assumes ½), `prefactor` is c,
    `slope_ci` its t interval with n − 2 degrees of freedom (three points: one, so the interval is wide).
    The exponent does not depend on whether N counts the whole data set or its 80% training split; c does."""
    return loglog_fit(n_values, b_star_values, confidence)
