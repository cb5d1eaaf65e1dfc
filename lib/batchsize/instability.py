"""Where a run that failed early left the normal range, and at what learning rate (issue 26).

A record keeps per-epoch means, and a run that collapses in its first epoch shows only the end of it. This
replays the first updates of each run (`reference.first_steps`: the very updates of `train_run`) and marks the
first *excursion*: the first step, after the mini-batch loss has fallen below half the loss of a uniform guess
(ln C for C classes: the network is clearly learning), at which it rises above that whole loss again or stops
being finite — a network doing worse than guessing. How high it goes, and whether it comes back, separate a
spike a run survives from a failure.
"""

from __future__ import annotations

import math

import pandas as pd

from .config import RunConfig
from .datasets import DATASET_SPECS
from .reference import first_steps

RUN = ["dataset", "batch_size", "lr_rule", "warmup_epochs", "seed"]


def chance_loss(dataset: str) -> float:
    """The cross-entropy of a uniform guess over the data set's classes."""
    return math.log(DATASET_SPECS[dataset].classes)


def steps_of(config: RunConfig, steps: int, data_dir: str | None = None) -> dict[str, list[float]]:
    """The run's first `steps` updates as columns: step, LR, mini-batch loss (fewer where training ends first)."""
    rows = first_steps(config, steps, device="cpu", data_dir=data_dir)
    return {column: [row[column] for row in rows] for column in ("step", "lr", "loss")}


def trace(configs: list[RunConfig], steps: list[dict[str, list[float]]]) -> pd.DataFrame:
    """One row per (run, step): the run's key, what tells the runs apart (data set, B, LR rule, warm-up, seed),
    and the step's LR and mini-batch loss, from each config's `steps_of`."""
    return pd.concat([pd.DataFrame(s).assign(key=c.key(), **{field: getattr(c, field) for field in RUN})
                      for c, s in zip(configs, steps, strict=True)], ignore_index=True)


def first_excursion(losses: list[float], ceiling: float) -> tuple[int | None, int | None]:
    """Indices of the first loss above `ceiling` after one below half of it, and of the first loss back below
    `ceiling` after that (None where either never happens within the trace). A non-finite loss counts as above."""
    learned = next((i for i, loss in enumerate(losses) if loss < ceiling / 2), None)
    if learned is None:
        return None, None
    below = [loss < ceiling for loss in losses]  # NaN compares False
    left = next((i for i in range(learned, len(losses)) if not below[i]), None)
    if left is None:
        return None, None
    return left, next((i for i in range(left, len(losses)) if below[i]), None)


def excursions(traced: pd.DataFrame) -> pd.DataFrame:
    """Per run (in the trace's order): the step, LR and loss of its first excursion above the chance loss, the
    highest finite loss, whether every loss was finite, and the step at which it came back below chance (None
    where it did not leave, or did not come back, within the trace)."""
    rows = []
    for _, run in traced.groupby("key", sort=False):
        run = run.reset_index(drop=True)
        left, back = first_excursion(run["loss"].tolist(), chance_loss(run.at[0, "dataset"]))
        excursion = run.loc[left, ["step", "lr", "loss"]] if left is not None else dict(step=None, lr=None, loss=None)
        rows.append({**run.loc[0, ["key", *RUN]], "left_at": excursion["step"], "lr": excursion["lr"],
                     "loss": excursion["loss"], "peak_loss": run["loss"].max(),
                     "finite": bool(run["loss"].map(math.isfinite).all()),
                     "back_at": None if back is None else run.at[back, "step"]})
    return pd.DataFrame(rows, dtype=object)
