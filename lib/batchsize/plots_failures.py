"""Figures of the runs that did not train, each seed on its own: every seed of a cell where runs failed, epoch by
epoch; the first updates, where the loss left the normal range; and the replays that show whether a seed's fate
follows the CPU. The other figures are in `plots`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
import seaborn as sns

from .datasets import DATASET_NAMES, DATASET_SPECS
from .instability import chance_loss
from .panels import LABELS, figure_legend, grid, outside_legend
from .plots import drawn_by
from .style import number


@drawn_by
def failed_cells_curves(history: pd.DataFrame, runs: pd.DataFrame) -> plt.Figure:
    """For each (data set, B) cell of `runs` (`summaries.runs_of_failed_cells`: the cells where runs did not
    train): every seed's running training loss (log) and test accuracy per epoch, labelled with its outcome, so a
    collapse or a divergence is seen where it began, beside the seeds of the same cell that trained; the loss
    panel's title gives the learning rate's warmup."""
    return _seed_curves(history, [(f"{DATASET_NAMES[d]}, B = {b}", part)
                                  for (d, b), part in runs.groupby(["dataset", "batch_size"], sort=False)])


@drawn_by
def rule_curves(history: pd.DataFrame, runs: pd.DataFrame) -> plt.Figure:
    """`failed_cells_curves` per LR rule (`summaries.with_rule_names`) of one cell: MNIST's largest B under the
    paper's recipe and each change of it, every seed epoch by epoch, so that whether a change's runs also spiked
    early and recovered is seen, not only how they ended."""
    return _seed_curves(history, list(runs.groupby("rule", sort=False)))


def _seed_curves(history: pd.DataFrame, groups: list[tuple[str, pd.DataFrame]]) -> plt.Figure:
    """Two panels per (title, runs) group: every seed's running loss (log, the warm-up in the title) and test
    accuracy per epoch, chance dashed."""
    fig, axes = grid(2 * len(groups), ncols=2)
    for i, (title, part) in enumerate(groups):
        for run in part.itertuples():
            curve = history[history["key"] == run.key].sort_values("epoch")
            how = f"{run.outcome} in epoch {run.epochs_run}" if run.outcome == "diverged" else run.outcome
            for ax, y in zip(axes[2 * i: 2 * i + 2], ("running_loss", "test_acc"), strict=True):
                ax.plot(curve["epoch"], curve[y], marker="o", markersize=4, label=f"seed {run.seed} ({how})")
        lr = history[history["key"].isin(part["key"])].groupby("epoch")["lr"].first()
        warmup = (f"η {number(lr.iloc[0], 'lr')} → {number(lr.max(), 'lr')} by epoch {lr.idxmax()}"
                  if lr.nunique() > 1 else f"η {number(lr.max(), 'lr')}")
        axes[2 * i].set(yscale="log", xlabel=LABELS["epoch"], ylabel=LABELS["running_loss"], title=f"{title}, {warmup}")
        axes[2 * i + 1].axhline(100 / DATASET_SPECS[part["dataset"].iloc[0]].classes, color="0.4", linestyle="--",
                                linewidth=1, label="chance")
        axes[2 * i + 1].set(xlabel=LABELS["epoch"], ylabel=LABELS["test_acc"], title=title)
        for ax in axes[2 * i: 2 * i + 2]:
            ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
        outside_legend(axes[2 * i + 1])
    fig.tight_layout()
    return fig


LOSS_CEILING = 1e3  # where `first_updates` cuts its loss axis (its caption reads it here)


@drawn_by
def first_updates(traced: pd.DataFrame, left: pd.DataFrame, ceiling: float = LOSS_CEILING) -> plt.Figure:
    """The first updates of each run, one panel per B: the mini-batch loss of every seed (log scale, cut at
    `ceiling`: a diverging run leaves through the top), a uniform guess's loss dashed, each run's first excursion
    above it marked, and the LR of the warm-up ramp on the right axis — so the reader sees at which LR the loss
    left the normal range, and which runs came back."""
    sizes = sorted(traced["batch_size"].unique())
    fig, axes = grid(len(sizes), width=5.6, height=3.8)
    chance = chance_loss(traced["dataset"].iloc[0])
    palette = dict(zip(sorted(traced["seed"].unique()), sns.color_palette("deep"), strict=False))
    for ax, b in zip(axes, sizes, strict=True):
        runs = traced[traced["batch_size"] == b]
        sns.lineplot(data=runs, x="step", y="loss", hue="seed", palette=palette, ax=ax, errorbar=None, legend=False)
        marks = left[(left["batch_size"] == b) & left["left_at"].notna()]
        ax.scatter(marks["left_at"].astype(float), marks["loss"].astype(float), marker="x", color="black", zorder=3)
        ax.axhline(chance, ls="--", color="grey")
        ax.set(yscale="log", ylim=(None, ceiling), xlabel="update (step)", ylabel="mini-batch loss", title=f"B = {b}")
        lr = ax.twinx()
        lr.plot(runs["step"], runs["lr"], ":", color="tab:red")
        lr.set_ylabel("LR (dotted)", color="tab:red")
        lr.grid(False)  # the LR axis's own gridlines would not line up with the loss axis's
    handles = [plt.Line2D([], [], color=colour, label=f"seed {seed}") for seed, colour in palette.items()] + [
        plt.Line2D([], [], marker="x", ls="", color="black", label="first excursion"),
        plt.Line2D([], [], ls="--", color="grey", label="uniform guess (ln C)"),
        plt.Line2D([], [], ls=":", color="tab:red", label="LR")]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


@drawn_by
def replays(pairs: pd.DataFrame, history: pd.DataFrame) -> plt.Figure:
    """`checks.replay_pairs`: one panel per B, each seed's test accuracy per epoch in its long run (solid) and in
    its replay (dashed, one colour per seed in every panel), and chance dashed grey: two lines that part show where
    two arithmetics parted the run (the table beside names each side's CPU and threads)."""
    sizes = sorted(pairs["batch_size"].unique())
    colour = {seed: f"C{i}" for i, seed in enumerate(sorted(pairs["seed"].unique()))}  # one per seed, every panel
    fig, axes = grid(len(sizes), width=4.6, height=3.8)
    for ax, b in zip(axes, sizes, strict=True):
        part = pairs[pairs["batch_size"] == b]
        for pair in part.to_dict("records"):
            for side, style in (("run", "-o"), ("replay", "--x")):
                curve = history[(history["key"] == pair[f"{side} key"]) & (history["epoch"] <= pair["epochs"])]
                curve = curve.sort_values("epoch")
                ax.plot(curve["epoch"], curve["test_acc"], style, color=colour[pair["seed"]],
                        label=f"seed {pair['seed']}, {'long run' if side == 'run' else 'replay'}")
        chance = 100 / DATASET_SPECS[part["dataset"].iloc[0]].classes
        ax.axhline(chance, color="0.4", linestyle="--", linewidth=1, label="chance")
        ax.set(title=f"B = {b}", xlabel=LABELS["epoch"], ylabel=LABELS["test_acc"])
        ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    figure_legend(fig, axes)
    return fig
