"""The run table (one row per run, as `sweep.run_sweep` returns it) cut into cells, one data set and batch size
each: which runs trained, what each cell counts for (`critical.cell_status`, the one rule), seed means and
intervals per cell, the profile the runs were made with."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .critical import FAILED, MEASURED, MIN_TRAINED, cell_status
from .datasets import (
    DATASET_NAMES,
    DATASET_SPECS,
    SYNTHETIC,  # noqa: F401  (the rules and analyses take the synthetic sets' names from here)
    registry_position,
)
from .run import trained
from .stats import NotTestable, difference, estimate
from .style import counted, joined

TRAINING_METRICS = ("test_acc", "train_acc", "gap", "best_test_acc")  # meaningless for a run that did not train


def runs_profile(table: pd.DataFrame, default: str) -> str:
    """The profile that the runs of `table` were made with, from their provenance ('mixed' if several), else
    `default`: a chapter may show paper runs for one data set and quick runs for another."""
    if "prov_profile" not in table or table.empty:
        return default
    profiles = set(table["prov_profile"])
    return profiles.pop() if len(profiles) == 1 else "mixed"


def at_paper_scale(table: pd.DataFrame) -> pd.Series:
    """Per run: made with the paper profile and trained for the paper's epochs at least (a data set without a recipe
    of the paper's: any). A paper-profile check trained for fewer epochs is not, nor a reduced-scale profile's run:
    the one rule for captions' scale words and for where our numbers are the paper's quantity."""
    epochs = table["dataset"].map(lambda d: DATASET_SPECS[d].epochs if d in DATASET_SPECS else 0)
    return (table["prov_profile"] == "paper") & (table["epochs"] >= epochs)


def mean_by_batch(table: pd.DataFrame, columns: tuple[str, ...] = ("test_acc", "train_acc", "gap", "median_epoch_time"),
                  by: tuple[str, ...] = ("dataset", "batch_size"), trained_only: bool = False) -> pd.DataFrame:
    """Seed means (and counts) per cell: what every comparison with a single-seed paper uses. `at chance`
    counts the cell's runs that did not train (collapsed or diverged), so a mean over them is never silent.
    `trained_only`: the training metrics are averaged over the runs that trained, as the figures draw them (NaN
    where none did); epoch times keep every run."""
    grouped = table.groupby(list(by))
    means = grouped[list(columns)].mean().assign(seeds=grouped.size())
    if "outcome" in table or "diverged" in table:
        learned = trained(table)
        means["at chance"] = table.assign(bad=~learned).groupby(list(by))["bad"].sum()
        metrics = [c for c in columns if c in TRAINING_METRICS]
        if trained_only and metrics:
            means[metrics] = table[learned].groupby(list(by))[metrics].mean().reindex(means.index)
    return means.reset_index()


def registry_sorted(table: pd.DataFrame, column: str = "dataset") -> pd.DataFrame:
    """`table`'s rows with its data sets in the registry's order (stable within one, a fresh index): the one order
    in which every table, claim text and caption lists data sets (a groupby sorts them by id: CIFAR-10 first)."""
    return table.sort_values(column, key=lambda names: names.map(registry_position), kind="stable",
                             ignore_index=True)


def cells(runs: pd.DataFrame, column: str = "test_acc", by: tuple[str, ...] = ("dataset", "batch_size"),
          min_trained: int = MIN_TRAINED) -> pd.DataFrame:
    """One row per cell: its runs, how many trained and how many did not (`failed`), `column`'s mean over those
    that trained, its 95 % interval, and the cell's `status` (`critical.cell_status`). Only a measured cell has an
    interval: a cell of one run, or the lone run that trained in a failed cell, is a point (NaN where none
    trained); what a table or a figure shows of a cell comes from here."""
    learned = trained(runs)
    rows = []
    for key, part in runs.groupby(list(by), sort=True):
        ok = learned[part.index]
        values = part.loc[ok, column].dropna()
        status = cell_status(int(ok.sum()), int((~ok).sum()), min_trained)
        found = estimate(values) if len(values) else None
        interval = status == MEASURED and len(values) >= 2
        rows.append({**dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)), "runs": len(part),
                     "trained": int(ok.sum()), "failed": int((~ok).sum()),
                     column: found.mean if found else np.nan, "CI low": found.low if interval else np.nan,
                     "CI high": found.high if interval else np.nan, "status": status})
    return pd.DataFrame(rows, columns=[*by, "runs", "trained", "failed", column, "CI low", "CI high", "status"])


def cell(runs: pd.DataFrame, dataset: str, batch_size: int) -> pd.DataFrame:
    """The runs of one (data set, B) cell; `NotTestable` when we did not run it."""
    part = runs[(runs["dataset"] == dataset) & (runs["batch_size"] == batch_size)]
    if part.empty:
        raise NotTestable(f"no {dataset} runs at B = {batch_size}")
    return part


def tied_with(part: pd.DataFrame, best: int) -> set[int]:
    """The measured B of one data set that our seeds cannot tell from its `best`: `best` itself and every measured B
    with no run at chance whose difference from it (Welch's 95 % interval over the runs that trained) holds zero. A
    B where a run ended at chance is not as good as the best, whatever its others reached: it did not train every
    time (compared over its trained runs alone, one at chance of three left two far below the best "tied" on one
    degree of freedom); `rulebook.tie_text` names it. What a best B is graded on (`stats.tie_graded`), by the claims
    (`rulebook.best_b`) and Table VI (`paper_tables.table_vi`) alike."""
    learned = part[trained(part)]
    at = cells(part, by=("batch_size",))

    def acc(b: int) -> pd.Series:
        return learned.loc[learned["batch_size"] == b, "test_acc"]

    return {int(b) for b in at.loc[(at["status"] == MEASURED) & ((at["failed"] == 0) | (at["batch_size"] == best)),
                                   "batch_size"]
            if b == best or difference(acc(best), acc(b)).low <= 0}


def full_size(runs: pd.DataFrame) -> pd.DataFrame:
    """Each data set's runs on its largest training set: not the `dataset-size` subsets of the large synthetic set."""
    return runs[runs["train_size"] == runs.groupby("dataset")["train_size"].transform("max")]


def outside_failed_cells(runs: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The runs outside every failed cell (`runtable.cells`: at least half of its runs at chance), as the accuracy
    tables and the LR rows leave a failed cell's few that trained out of every mean, and those few in words ('1 run
    that trained in a failed cell (CIFAR-10 B = 1024)'; '' where none trained in one): a fit over runs must not
    count one either."""
    runs = runs.reset_index(drop=True)  # tables joined from several parts may repeat an index
    at = cells(runs.assign(status_only=0.0), "status_only")  # only the status is read, whatever columns runs has
    failed = at[at["status"] == FAILED]
    keys = ["dataset", "batch_size"]
    inside = pd.MultiIndex.from_frame(runs[keys]).isin(pd.MultiIndex.from_frame(failed[keys]))
    survivors = failed[failed["trained"] > 0]
    if survivors.empty:
        return runs[~inside], ""
    where = joined([f"{DATASET_NAMES.get(d, d)} B = {b}"
                    for d, b in zip(survivors["dataset"], survivors["batch_size"], strict=True)])
    cell_words = "a failed cell" if len(survivors) == 1 else "failed cells"
    return runs[~inside], f"{counted(int(survivors['trained'].sum()), 'run')} that trained in {cell_words} ({where})"
