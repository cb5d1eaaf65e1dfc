"""Figures of the book: seaborn/matplotlib over the run table, with the paper's values drawn beside ours.

Every plot takes tidy tables (one row per run, or per epoch) and draws a mean over seeds with a 95% bootstrap
band when there is more than one seed, so the same code serves the one-seed quick profile and the paper profile.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .book import DATASET_NAMES

sns.set_theme(style="whitegrid", context="notebook")
LABELS = {"test_acc": "test accuracy (%)", "train_acc": "train accuracy (%)", "gap": "gap Δ = train − test (pp)",
          "mean_epoch_time": "mean epoch time (s)", "batch_size": "batch size B", "epoch": "epoch",
          "test_loss": "test loss", "train_loss": "train loss", "running_loss": "running train loss"}


# One colour per data set, the same in every figure (by display name, as the legends show them).
DATASET_COLOURS = dict(zip(DATASET_NAMES.values(), sns.color_palette("colorblind", len(DATASET_NAMES)), strict=True))


def _palette(values) -> dict:
    """Data sets keep their own colour; other hue values (LR rules, ...) take the palette's colours in order."""
    others = iter(sns.color_palette("dark", 10))
    return {v: DATASET_COLOURS[v] if v in DATASET_COLOURS else next(others) for v in dict.fromkeys(values)}


def _band(data: pd.DataFrame) -> tuple[str, int] | None:
    return ("ci", 95) if data["seed"].nunique() > 1 else None


def log2_axis(ax: plt.Axes, values) -> None:
    """Batch sizes on a log₂ axis, labelled with the sizes themselves."""
    ticks = sorted({int(v) for v in values})
    ax.set_xscale("log", base=2)
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.minorticks_off()


def by_batch(data: pd.DataFrame, y: str, hue: str = "dataset", ax: plt.Axes | None = None,
             paper: pd.DataFrame | None = None, title: str | None = None) -> plt.Axes:
    """`y` against B (log₂), one line per `hue`; `paper` (columns B, y and hue) is drawn as open markers."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4))
    data = data.assign(**{hue: data[hue].map(lambda v: DATASET_NAMES.get(v, v))})
    shown = paper is not None and y in paper
    if shown:
        paper = paper.assign(**{hue: paper[hue].map(lambda v: DATASET_NAMES.get(v, v))})
    palette = _palette([*data[hue], *(paper[hue] if shown else [])])
    sns.lineplot(data=data, x="batch_size", y=y, hue=hue, marker="o", errorbar=_band(data), ax=ax, palette=palette)
    if shown:
        for name, part in paper.groupby(hue, sort=False):
            ax.plot(part["B"], part[y], linestyle=":", marker="s", mfc="none", color=palette[name],
                    label=f"{name} (paper)")
        ax.legend(fontsize="small")
    log2_axis(ax, pd.concat([data["batch_size"], paper["B"] if paper is not None else data["batch_size"]]))
    ax.set(xlabel=LABELS["batch_size"], ylabel=LABELS.get(y, y), title=title)
    return ax


def learning_curves(history: pd.DataFrame, y: str = "test_acc", ax: plt.Axes | None = None,
                    title: str | None = None) -> plt.Axes:
    """Per-epoch `y`, one line per batch size (a sequential palette: light = small B, dark = large B)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4))
    sizes = sorted(history["batch_size"].unique())
    palette = dict(zip(sizes, sns.color_palette("viridis_r", len(sizes)), strict=True))
    sns.lineplot(data=history, x="epoch", y=y, hue="batch_size", palette=palette, errorbar=_band(history), ax=ax)
    ax.legend(title="B", fontsize="small", ncols=2)
    ax.set(xlabel=LABELS["epoch"], ylabel=LABELS.get(y, y), title=title)
    return ax


def grid(n: int, width: float = 4.6, height: float = 3.6, ncols: int | None = None) -> tuple[plt.Figure, np.ndarray]:
    """A row (or grid) of `n` axes for one figure with one panel per data set."""
    ncols = ncols or n
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.remove()
    return fig, axes.flat[:n]


def seeds_by_value(data: pd.DataFrame, field: str, ax: plt.Axes | None = None, chance: float | None = None,
                   title: str | None = None) -> plt.Axes:
    """Test accuracy of every run (one dot per seed) at each B, side by side for each value of `field`;
    a dashed line at chance accuracy, so runs that learned nothing are visible rather than averaged."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    sns.stripplot(data=data, x="batch_size", y="test_acc", hue=field, dodge=True, jitter=0.15, size=7, ax=ax)
    if chance is not None:
        ax.axhline(chance, color="0.4", linestyle="--", linewidth=1, label="chance")
    ax.legend(fontsize="small", title=field)
    ax.set(xlabel=LABELS["batch_size"], ylabel=LABELS["test_acc"], title=title)
    return ax
