"""The run table (one row per run, as `sweep.run_sweep` returns it) cut into cells, one data set and batch size
each: which runs trained, seed means per cell, the profile the runs were made with."""

from __future__ import annotations

import pandas as pd

from .plan import SYNTHETIC  # noqa: F401  (the rules and analyses take the synthetic sets' names from here)
from .stats import NotTestable

TRAINING_METRICS = ("test_acc", "train_acc", "gap", "best_test_acc")  # meaningless for a run that did not train


def trained(runs: pd.DataFrame) -> pd.Series:
    """Runs that learned something (neither collapsed to chance nor diverged)."""
    return runs["outcome"] == "trained" if "outcome" in runs else ~runs["diverged"].astype(bool)


def runs_profile(table: pd.DataFrame, default: str) -> str:
    """The profile that the runs of `table` were made with, from their provenance ('mixed' if several), else
    `default`: a chapter may show paper runs for one data set and quick runs for another."""
    if "prov_profile" not in table or table.empty:
        return default
    profiles = set(table["prov_profile"])
    return profiles.pop() if len(profiles) == 1 else "mixed"


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


def cell(runs: pd.DataFrame, dataset: str, batch_size: int) -> pd.DataFrame:
    """The runs of one (data set, B) cell; `NotTestable` when we did not run it."""
    part = runs[(runs["dataset"] == dataset) & (runs["batch_size"] == batch_size)]
    if part.empty:
        raise NotTestable(f"no {dataset} runs at B = {batch_size}")
    return part


def full_size(runs: pd.DataFrame) -> pd.DataFrame:
    """Each data set's runs on its largest training set: not the `dataset-size` subsets of the large synthetic set."""
    return runs[runs["train_size"] == runs.groupby("dataset")["train_size"].transform("max")]
