"""Figures of the loss-landscape chapter (Figs 9–10 and the sharpness measures against B), drawn by `plots`'
means: a module of their own so that each module stays readable in a sitting.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .datasets import DATASET_NAMES
from .panels import LABELS, by_batch, grid, log2_axis, shared_legend
from .plots import drawn_by


@drawn_by
def loss_surfaces(surfaces: pd.DataFrame, title: str | None = None) -> plt.Figure:
    """Figs 9–10: one 3-D panel per batch size of a data set's `analysis.loss_surfaces` (one seed's: one surface
    per B), log₁₀ test loss over the (α, β) plane, so the pair of B stands side by side; the panels share one
    vertical range and one colour scale, so that the steeper surface looks steeper."""
    sizes = sorted(surfaces["batch_size"].unique())
    z = np.log10(surfaces["test_loss"])
    low, high = float(z.min()), float(z.max())
    fig = plt.figure(figsize=(5 * len(sizes), 4))
    for i, batch_size in enumerate(sizes):
        part = surfaces[surfaces["batch_size"] == batch_size]
        n = part["alpha"].nunique()
        a, b, loss = (part[c].to_numpy().reshape(n, n) for c in ("alpha", "beta", "test_loss"))
        ax = fig.add_subplot(1, len(sizes), i + 1, projection="3d")
        ax.plot_surface(a, b, np.log10(loss), cmap="viridis", vmin=low, vmax=high, linewidth=0,
                        rasterized=True)  # 200 dpi in the SVG
        ax.set(xlabel="α", ylabel="β", title=f"B = {batch_size}", zlim=(low, high))
        ax.set_zlabel("log₁₀ test loss", labelpad=10)  # clear of the tick labels
    fig.suptitle(title)
    fig.tight_layout()
    return fig


@drawn_by
def sharpness_panels(sharp: pd.DataFrame, metrics: tuple[str, ...], paper: dict[int, float]) -> plt.Figure:
    """One panel per sharpness measure against B (log scale where every value is positive: a trace estimate can
    be negative); the paper's S(ε) values as open squares in the first panel."""
    fig, axes = grid(len(metrics), ncols=2)
    for ax, metric in zip(axes, metrics, strict=True):
        positive = bool((sharp[metric] > 0).all())  # a log axis, and on it the geometric mean with its interval
        by_batch(sharp, metric, ax=ax, title=LABELS[metric], log=positive)
        ax.set(ylabel=LABELS[metric], yscale="log" if positive else "linear")
    axes[0].scatter(list(paper), list(paper.values()), marker="s", facecolor="none", edgecolor="black",
                    label="paper (data set not stated)", zorder=5)
    log2_axis(axes[0], [*sharp["batch_size"], *paper])
    shared_legend(axes)
    fig.tight_layout()
    return fig


@drawn_by
def power_iterations(table: pd.DataFrame) -> plt.Figure:
    """`analysis.power_iterations`: each network's λ_max estimate against the Hessian-vector products spent, one
    panel per data set, one line per B; dashed, the cap the sharpness table's value had."""
    names = list(dict.fromkeys(table["dataset"]))
    fig, axes = grid(len(names))
    for ax, name in zip(axes, names, strict=True):
        part = table[table["dataset"] == name]
        for _, row in part.iterrows():
            ax.plot(range(1, len(row["estimates"]) + 1), row["estimates"], label=f"B = {row['batch_size']}")
        ax.axvline(part["cap"].iloc[0], color="grey", linestyle="--", linewidth=1)
        ax.set(title=DATASET_NAMES[name], xlabel="power iterations (Hessian-vector products)",
               ylabel="estimate of λ_max")
        ax.legend()
    fig.tight_layout()
    return fig
