"""One panel of the book's figures and what every panel shares: the theme, axis labels, one colour per data set, a
log₂ batch-size axis whose labels never collide, legends outside the data, a row of panels. `plots` builds the
chapters' figures from these.

A panel takes a tidy table (one row per run, or per epoch) and draws a mean over seeds with its 95 % t interval as
a band (the interval the verdicts use) when there is more than one seed (every profile but `smoke` has three or
more).
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import to_rgb
from matplotlib.font_manager import FontProperties

from .critical import FAILED, cell_status
from .datasets import DATASET_NAMES, DATASETS
from .runtable import TRAINING_METRICS, trained
from .stats import estimate, log_estimate

sns.set_theme(style="whitegrid", context="notebook")
LABELS = {"test_acc": "test accuracy (%)", "train_acc": "train accuracy (%)", "gap": "gap Δ = train − test (pp)",
          "median_epoch_time": "median epoch time (s)", "batch_size": "batch size B", "epoch": "epoch",
          "test_loss": "test loss", "train_loss": "train loss", "running_loss": "running train loss",
          "epochs_to_target": "epochs to target", "seconds_to_target": "wall-clock seconds to target",
          "epsilon_sharpness": "ε-sharpness", "keskar_sharpness": "Keskar et al.'s sharpness",
          "hessian_top_eigenvalue": "top Hessian eigenvalue", "hessian_trace": "Hessian trace (Hutchinson)",
          "lr_rule": "LR rule", "rule": "LR rule and warm-up",
          "budget": "training budget", "init": "initialisation", "precision": "precision"}


# One colour per data set, the same in every figure (by display name, as the legends show them).
DATASET_COLOURS = {entry.spec.name: to_rgb(entry.colour) for entry in DATASETS.values()}


def _palette(values) -> dict:
    """Data sets keep their own colour; other hue values (LR rules, ...) take the palette's colours in order."""
    others = iter(sns.color_palette("dark", 10))
    return {v: DATASET_COLOURS[v] if v in DATASET_COLOURS else next(others) for v in dict.fromkeys(values)}


def t_interval(values: pd.Series) -> tuple[float, float]:
    """The verdicts' own 95 % t interval over seeds (`stats.estimate`): with three seeds seaborn's bootstrap band
    would be far narrower than the intervals the report judges."""
    found = estimate(values)
    return found.low, found.high


def log_t_interval(values: pd.Series) -> tuple[float, float]:
    """The 95 % t interval on the log scale (`stats.log_estimate`), around the geometric mean: a quantity whose
    seeds spread by factors, drawn on a log axis, as the sharpness ratios are judged."""
    found = log_estimate(values)
    return found.low, found.high


def _band(data: pd.DataFrame, log: bool = False) -> Callable[[pd.Series], tuple[float, float]] | None:
    return (log_t_interval if log else t_interval) if data["seed"].nunique() > 1 else None


class BatchSizeLabels(mticker.Formatter):
    """Tick labels of the batch sizes that never run into each other ("5121024" on a narrow panel): from the
    largest B leftwards, a size is labelled only if its label clears the one labelled to its right. Decided at draw
    time, so it holds after `tight_layout` has shrunk the axes to make room for an outside legend."""

    def __call__(self, x, pos=None) -> str:
        return f"{x:g}"

    def format_ticks(self, values) -> list[str]:
        labels = [self(v) for v in values]
        ax = self.axis.axes
        size = FontProperties(size=plt.rcParams["xtick.labelsize"]).get_size_in_points() * ax.figure.dpi / 72
        x = ax.transData.transform(np.column_stack([values, np.ones(len(values))]))[:, 0]
        half = [0.33 * size * len(label) for label in labels]  # half a label: a digit is about 0.64 em wide
        kept, free_until = set(), np.inf  # the left edge of the last label kept
        for i in reversed(range(len(values))):
            if x[i] + half[i] + 0.5 * size <= free_until:
                kept.add(i)
                free_until = x[i] - half[i]
        return [label if i in kept else "" for i, label in enumerate(labels)]


def log2_axis(ax: plt.Axes, values) -> None:
    """Batch sizes on a log₂ axis, a tick at each size, labelled with the sizes themselves where they fit."""
    ax.set_xscale("log", base=2)
    ax.set_xticks(sorted({int(v) for v in values}))
    ax.xaxis.set_major_formatter(BatchSizeLabels())
    ax.minorticks_off()


def outside_legend(ax: plt.Axes, title: str | None = None, source: plt.Axes | None = None) -> None:
    """The legend right of the data area, where it can hide no line or marker (`tight_layout` and the book's
    `bbox_inches="tight"` make room for it); it lists the lines of `source` (default: `ax`)."""
    handles, labels = (source or ax).get_legend_handles_labels()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    if handles:
        ax.legend(handles, labels, title=title, loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0,
                  fontsize="small", title_fontsize="small", frameon=False)


def shared_legend(axes) -> None:
    """One legend for a row of panels that draw the same lines: beside the last panel, listing the first's."""
    axes = list(axes)
    first = axes[0].get_legend()
    title = (first.get_title().get_text() or None) if first is not None else None
    for ax in axes[:-1]:
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    outside_legend(axes[-1], title, source=axes[0])


def figure_legend(fig: plt.Figure, axes) -> None:
    """One legend below a grid of panels, each entry once (the panels' own legends go): small multiples whose
    panels draw the same kinds of line."""
    entries: dict[str, object] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    fig.tight_layout()
    fig.legend(entries.values(), entries.keys(), loc="upper center", bbox_to_anchor=(0.5, 0),
               ncols=min(3, len(entries)), frameon=False)


def grid(n: int, width: float = 4.6, height: float = 3.6, ncols: int | None = None) -> tuple[plt.Figure, np.ndarray]:
    """A row (or grid) of `n` axes for one figure with one panel per data set."""
    ncols = ncols or n
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.remove()
    return fig, axes.flat[:n]


def _in_failed_cell(data: pd.DataFrame, hue: str) -> pd.Series:
    """Which rows lie in a failed cell (one `hue` value and B; `critical.cell_status`)."""
    ok = trained(data)
    keys = [data[hue], data["batch_size"]]
    runs, learned = ok.groupby(keys).transform("size"), ok.groupby(keys).transform("sum")
    return pd.Series(cell_status(learned.to_numpy(), (runs - learned).to_numpy()) == FAILED, index=data.index)


def by_batch(data: pd.DataFrame, y: str, hue: str = "dataset", ax: plt.Axes | None = None,
             paper: pd.DataFrame | None = None, title: str | None = None, crosses: bool = True,
             log: bool = False) -> plt.Axes:
    """`y` against B (log₂), one line per `hue`; `paper` (columns B, `y` and `hue`) as dotted open squares in the
    line's colour. A panel of one `hue` value (its title names it) calls its lines "ours" and "paper". The runs that
    did not train are crosses (none without `crosses`: a panel zoomed in on the others), and those that trained in
    a failed cell points, never a mean (`critical.cell_status`). With `log`, the geometric mean and the t interval on
    the log scale (for a log axis, where a linear interval runs below zero)."""
    if paper is not None and y not in paper:
        raise ValueError(f"the paper's table has no column {y!r} to draw (it has {', '.join(paper.columns)})")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4))
    data = data.assign(**{hue: data[hue].map(lambda v: DATASET_NAMES.get(v, v))})
    if paper is not None:
        paper = paper.assign(**{hue: paper[hue].map(lambda v: DATASET_NAMES.get(v, v))})
    values = list(dict.fromkeys([*data[hue], *(paper[hue] if paper is not None else [])]))
    palette = _palette(values)
    outcomes = y in TRAINING_METRICS and "outcome" in data
    failed = ~trained(data) if outcomes else data[y].isna()
    lone = ~failed & _in_failed_cell(data, hue) if outcomes else pd.Series(False, index=data.index)
    line = data[~failed & ~lone]
    if len(line):  # a panel whose every run failed has no line (seaborn would warn of an unused palette)
        sns.lineplot(data=line, x="batch_size", y=y, hue=hue, marker="o", errorbar=_band(line, log), ax=ax,
                     palette=palette, estimator=(lambda v: log_estimate(v).mean) if log else "mean")
    at_chance = data[failed].dropna(subset=[y]) if crosses else data.iloc[:0]
    if len(at_chance):  # drawn one by one, never in the mean: a run that learned nothing is a finding, not a point
        ax.scatter(at_chance["batch_size"], at_chance[y], marker="x", color="0.15", zorder=3,
                   label="did not train: each a cross, not in the mean")  # one label for every panel of a figure
    if lone.any():  # the runs that trained where at least half did not (`critical.cell_status`): points, not a mean
        ax.scatter(data.loc[lone, "batch_size"], data.loc[lone, y], marker="o", facecolor="none", edgecolor="0.15",
                   zorder=3, label="trained where at least half the runs did not: each a point, not a mean")
    if paper is not None:
        for name, part in paper.groupby(hue, sort=False):
            ax.plot(part["B"], part[y], linestyle=":", marker="s", mfc="none", color=palette[name],
                    label=f"{name} (paper)")
    if len(values) == 1:
        short = {values[0]: "ours", f"{values[0]} (paper)": "paper"}
        for line in ax.get_lines():
            line.set_label(short.get(line.get_label(), line.get_label()))
    if len(values) > 1 or paper is not None or len(at_chance):
        outside_legend(ax, None if hue == "dataset" else LABELS.get(hue, hue))
    elif ax.get_legend() is not None:
        ax.get_legend().remove()
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
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))  # whole epochs
    outside_legend(ax, "B")
    ax.set(xlabel=LABELS["epoch"], ylabel=LABELS.get(y, y), title=title)
    return ax


def seeds_by_value(data: pd.DataFrame, field: str, ax: plt.Axes | None = None, chance: float | None = None,
                   title: str | None = None) -> plt.Axes:
    """Test accuracy of every run (one dot per seed) at each B, side by side for each value of `field`;
    a dashed line at chance accuracy, so runs that learned nothing are visible rather than averaged."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    sns.stripplot(data=data, x="batch_size", y="test_acc", hue=field, dodge=True, jitter=0.15, size=7, ax=ax)
    if chance is not None:
        ax.axhline(chance, color="0.4", linestyle="--", linewidth=1, label="chance")
    outside_legend(ax, LABELS.get(field, field))
    ax.set(xlabel=LABELS["batch_size"], ylabel=LABELS["test_acc"], title=title)
    return ax
