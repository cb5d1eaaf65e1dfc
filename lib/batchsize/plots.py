"""Figures of the book: seaborn/matplotlib over the run table, with the paper's values drawn beside ours, built
from the panels of `panels` (one per data set, metric or CPU).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from . import paper as paper_values
from .datasets import DATASET_NAMES, DATASET_SPECS, DATASETS, IN_PAPER, SYNTHETIC
from .instability import chance_loss
from .panels import (
    DATASET_COLOURS,
    LABELS,
    by_batch,
    figure_legend,
    grid,
    learning_curves,
    log2_axis,
    outside_legend,
    seeds_by_value,
    shared_legend,
    t_interval,
)
from .runtable import trained

if TYPE_CHECKING:
    from .noise import LogLogFit


def drawn_by(draw: Callable) -> Callable:
    """Label the figure a function draws with that function's name (`Figure.get_label`), so that `book.publish`
    links the figure's provenance to the code that drew it."""
    @functools.wraps(draw)
    def labelled(*args, **kwargs):
        drawn = draw(*args, **kwargs)
        (drawn[0] if isinstance(drawn, tuple) else drawn).set_label(f"{draw.__module__}.{draw.__qualname__}")
        return drawn
    return labelled


@drawn_by
def failed_cells_curves(history: pd.DataFrame, runs: pd.DataFrame) -> plt.Figure:
    """For each (data set, B) cell of `runs` (`summaries.runs_of_failed_cells`: the cells where runs did not
    train): every seed's running training loss (log) and test accuracy per epoch, labelled with its outcome, so a
    collapse or a divergence is seen where it began, beside the seeds of the same cell that trained; the loss
    panel's title gives the learning rate's warmup."""
    cells = runs.groupby(["dataset", "batch_size"], sort=False)
    fig, axes = grid(2 * cells.ngroups, ncols=2)
    for i, ((dataset, b), part) in enumerate(cells):
        title = f"{DATASET_NAMES[dataset]}, B = {b}"
        for run in part.itertuples():
            curve = history[history["key"] == run.key].sort_values("epoch")
            how = f"{run.outcome} in epoch {run.epochs_run}" if run.outcome == "diverged" else run.outcome
            for ax, y in zip(axes[2 * i: 2 * i + 2], ("running_loss", "test_acc"), strict=True):
                ax.plot(curve["epoch"], curve[y], marker="o", markersize=4, label=f"seed {run.seed} ({how})")
        lr = history[history["key"].isin(part["key"])].groupby("epoch")["lr"].first()
        warmup = f"η {lr.iloc[0]:.2g} → {lr.max():.2g} by epoch {lr.idxmax()}" if lr.nunique() > 1 else \
            f"η {lr.max():.2g}"
        axes[2 * i].set(yscale="log", xlabel=LABELS["epoch"], ylabel=LABELS["running_loss"], title=f"{title}, {warmup}")
        axes[2 * i + 1].axhline(100 / DATASET_SPECS[dataset].classes, color="0.4", linestyle="--", linewidth=1,
                                label="chance")
        axes[2 * i + 1].set(xlabel=LABELS["epoch"], ylabel=LABELS["test_acc"], title=title)
        for ax in axes[2 * i: 2 * i + 2]:
            ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
        outside_legend(axes[2 * i + 1])
    fig.tight_layout()
    return fig


@drawn_by
def loss_surfaces(surfaces: pd.DataFrame, title: str | None = None) -> plt.Figure:
    """Figs 9–10: one 3-D panel per batch size of a data set's `analysis.loss_surfaces`, log₁₀ test loss over the
    (α, β) plane, so the pair of B stands side by side; the panels share one vertical range and one colour scale,
    so that the steeper surface looks steeper."""
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
        ax.set(xlabel="α", ylabel="β", zlabel="log₁₀ test loss", title=f"B = {batch_size}", zlim=(low, high))
    fig.suptitle(title)
    fig.tight_layout()
    return fig


@drawn_by
def sharpness_panels(sharp: pd.DataFrame, metrics: tuple[str, ...], paper: dict[int, float]) -> plt.Figure:
    """One panel per sharpness measure against B (log scale where every value is positive: a trace estimate can
    be negative); the paper's S(ε) values as open squares in the first panel."""
    fig, axes = grid(len(metrics), ncols=2)
    for ax, metric in zip(axes, metrics, strict=True):
        by_batch(sharp, metric, ax=ax, title=LABELS[metric])
        ax.set(ylabel=LABELS[metric], yscale="log" if (sharp[metric] > 0).all() else "linear")
    axes[0].scatter(list(paper), list(paper.values()), marker="s", facecolor="none", edgecolor="black",
                    label="paper (data set not stated)", zorder=5)
    log2_axis(axes[0], [*sharp["batch_size"], *paper])
    shared_legend(axes)
    fig.tight_layout()
    return fig


@drawn_by
def epoch_times_and_curves(runs: pd.DataFrame, history: pd.DataFrame) -> plt.Figure:
    """Figs 6–8: per data set of `runs` (in the order the run table lists them), median epoch time against B on a
    log scale beside the paper's, and the test accuracy per epoch of every B."""
    datasets = list(dict.fromkeys(runs["dataset"]))
    fig, axes = grid(2 * len(datasets), ncols=2)
    for i, name in enumerate(datasets):
        theirs = paper_values.accuracy_table(name).assign(dataset=name).rename(
            columns={"epoch_time": "median_epoch_time"})
        by_batch(runs[runs["dataset"] == name], "median_epoch_time", ax=axes[2 * i], paper=theirs,
                 title=DATASET_NAMES[name])
        axes[2 * i].set_yscale("log")
        learning_curves(history[history["dataset"] == name], "test_acc", ax=axes[2 * i + 1], title=DATASET_NAMES[name])
    fig.tight_layout()
    return fig


@drawn_by
def cnn_epoch_speedups(speedups: pd.DataFrame) -> plt.Figure:
    """Per-epoch speed-up over B = 1 against B (`timing.cnn_epoch_speedups`), one panel per CPU, one line per
    data set and precision with its interval over the benchmark's repeats, and the paper's 10–50× as a band."""
    cpus = list(dict.fromkeys(speedups["CPU"]))
    fig, axes = grid(len(cpus), width=5.2, height=4)
    low, high = paper_values.EPOCH_SPEEDUP
    for ax, cpu in zip(axes, cpus, strict=True):
        ax.fill_between([256, speedups["B"].max()], low, high, color="0.85",
                        label=f"paper, B ≥ 256 ({low:.0f}–{high:.0f}×)")
        for (dataset, precision), part in speedups[speedups["CPU"] == cpu].groupby(["dataset", "precision"],
                                                                                  sort=False):
            y = part["per-epoch speedup over B = 1"]
            ax.errorbar(part["B"], y, yerr=[y - part["CI low"], part["CI high"] - y], marker="o", capsize=3,
                        linestyle="-" if precision == "fp32" else "--",
                        color=DATASET_COLOURS[DATASET_NAMES[dataset]], label=f"{DATASET_NAMES[dataset]}, {precision}")
        ax.set_yscale("log")
        log2_axis(ax, speedups["B"])
        ax.set(xlabel=LABELS["batch_size"], ylabel="per-epoch speed-up over B = 1 (×)", title=cpu)
    limits = np.array([ax.get_ylim() for ax in axes])
    for ax in axes:  # one scale for all CPUs, so that panels compare at a glance
        ax.set_ylim(limits[:, 0].min(), limits[:, 1].max())
    shared_legend(axes)
    fig.tight_layout()
    return fig


@drawn_by
def time_to_target(to_target: pd.DataFrame) -> plt.Figure:
    """Epochs and training seconds (log scale) to the target accuracy against B, from `timing.runs_to_target`;
    runs that never reached it are left out."""
    fig, axes = grid(2)
    by_batch(to_target.dropna(subset=["epochs_to_target"]), "epochs_to_target", ax=axes[0])
    by_batch(to_target.dropna(subset=["seconds_to_target"]), "seconds_to_target", ax=axes[1])
    axes[1].set_yscale("log")
    shared_legend(axes)
    fig.tight_layout()
    return fig


@drawn_by
def critical_against_n(points: pd.DataFrame, fit: LogLogFit | None = None) -> plt.Figure:
    """B* against training-set size on log-log axes (`summaries.critical_sizes` rows), the paper's Table VI beside
    it (its N × 0.8: training examples, as ours count) and our fitted power law if there is one. A size with no B*
    is drawn where B* would have to lie, above the largest B measured (an upward triangle): a censored point,
    not left out."""
    fig, ax = grid(1, width=6.4, height=4.2)
    ax = ax[0]
    vi = paper_values.table("VI")
    found = points.dropna(subset=["critical_b"])
    beyond = points[points["critical_b"].isna() & points["largest_b"].notna()]
    if len(found):
        ax.scatter(found["train_size"], found["critical_b"].astype(float), label="ours: B*")
    if len(beyond):
        ax.scatter(beyond["train_size"], beyond["largest_b"].astype(float), marker="^", facecolor="none",
                   edgecolor=sns.color_palette()[0], label="ours: no B* up to the largest B measured (B* beyond)")
    ax.scatter(vi["N"][:3] * 0.8, vi["critical_B"][:3], marker="s", facecolor="none", edgecolor="black",
               label="paper (N × 0.8: training examples)")
    if fit is not None:
        n = np.geomspace(found["train_size"].min(), found["train_size"].max(), 50)
        ax.plot(n, fit.prefactor * n ** fit.slope, "--", label=f"fit: B* ∝ N^{fit.slope:.2f}")
    ax.set(xscale="log", yscale="log", xlabel="training examples N", ylabel="critical batch size B*")
    outside_legend(ax)
    return fig


@drawn_by
def gap_against_b(runs: pd.DataFrame) -> plt.Figure:
    """Fig. 5 as small multiples: Δ against B, one panel per data set of `runs` on one shared y axis (so the data
    sets' rises compare by eye), each with the paper's Table III, IV or VII as dotted squares and its Δ bound as a
    dashed line over the B it is claimed for; one legend for all panels."""
    theirs = pd.concat([paper_values.accuracy_table(d).assign(dataset=d) for d in IN_PAPER])
    datasets = [d for d in DATASETS if d in set(runs["dataset"])]
    fig, axes = grid(len(datasets), width=4.2, height=3.4, ncols=min(3, len(datasets)))
    smallest = min(runs["batch_size"].min(), theirs["B"].min())  # the bound's line spans the B it is claimed for
    for ax, dataset in zip(axes, datasets, strict=True):
        paper = theirs[theirs["dataset"] == dataset]
        by_batch(runs[runs["dataset"] == dataset], "gap", ax=ax, paper=paper if len(paper) else None,
                 title=DATASET_NAMES[dataset])
        ax.hlines(paper_values.GAP_BOUND, smallest, paper_values.GAP_BOUND_MAX_B, color="grey", linestyle="--",
                  linewidth=1, label=f"the paper's bound (Δ < {paper_values.GAP_BOUND:g} for B ≤ "
                                     f"{paper_values.GAP_BOUND_MAX_B})")
        ax.sharey(axes[0])
    figure_legend(fig, axes)
    return fig


@drawn_by
def matched_steps(curves: pd.DataFrame, base_steps: float, base_epochs: int) -> plt.Figure:
    """Test accuracy of each B's longest matched-steps run against updates and against epochs (log scales), a
    dotted line at the fixed budget of the base B in each: equal updates and equal epochs read off one figure."""
    fig, axes = grid(2)
    for ax, x, at in zip(axes, ("updates", "epoch"), (base_steps, base_epochs), strict=True):
        learning_curves(curves.assign(epoch=curves[x]), "test_acc", ax=ax)
        ax.set(xscale="log", xlabel=x if x == "updates" else LABELS["epoch"])
        ax.axvline(at, color="grey", linestyle=":", linewidth=1)
    shared_legend(axes)
    fig.tight_layout()
    return fig


@drawn_by
def variance_against_b(variance: pd.DataFrame) -> plt.Figure:
    """Fig. 11 against its two laws: per data set, Eq. (4)'s variance without replacement (as training draws the
    mini-batches) over Eq. (1)'s σ²/B, the geometric mean over seeds and replicates, one marker per weights along
    training. Var ∝ 1/B (Eq. 1, with replacement) is the flat line at 1; the finite-population curve
    (N − B)/(N − 1) bends down as B nears N, and on log-log axes that bend steepens the fitted slope."""
    free = variance[variance["sampling"] == "without replacement"]
    fig, axes = grid(free["dataset"].nunique())
    for ax, (name, part) in zip(axes, free.groupby("dataset", sort=False), strict=True):
        n = int(part["N"].iloc[0])
        ratio = np.exp(np.log(part["variance"] * part["batch_size"] / part["sigma2"])
                       .groupby([part["weights"], part["batch_size"]], sort=False).mean())
        for (weights, points), marker in zip(ratio.groupby(level=0, sort=False), "osD^v", strict=False):
            ax.plot(points.index.get_level_values(1), points.to_numpy(), marker, label=weights, mfc="none")
        b = np.geomspace(1, part["batch_size"].max(), 200)
        ax.plot(b, np.ones_like(b), ":", color="grey", label="σ²/B (Eq. 1: with replacement)")
        ax.plot(b, (n - b) / (n - 1), "--", color="black", label="σ²/B·(N − B)/(N − 1): without")
        ax.set(yscale="log", title=f"{DATASET_NAMES[name]} (N = {n:,})",
               ylabel=r"$\hat{\sigma}^2_B \,/\, (\sigma^2/B)$")  # mathtext: a subscript, not a raw underscore
        log2_axis(ax, part["batch_size"])
        ax.set_xlabel(LABELS["batch_size"])
    shared_legend(axes)
    fig.tight_layout()
    return fig


@drawn_by
def lr_rules(runs: pd.DataFrame) -> plt.Figure:
    """Test accuracy and gap against B, one line per LR rule of the `lr-scaling` runs, beside Table V's fixed and
    linear rows."""
    fig, axes = grid(2)
    for ax, metric in zip(axes, ("test_acc", "gap"), strict=True):
        by_batch(runs, metric, hue="lr_rule", ax=ax, paper=paper_values.table("V"))
    shared_legend(axes)
    fig.tight_layout()
    return fig


@drawn_by
def synthetic_accuracy(runs: pd.DataFrame) -> plt.Figure:
    """Fig. 2: test accuracy against B, one panel per synthetic set that `runs` has, beside Table VII."""
    vii = paper_values.table("VII")
    fig, axes = grid(3)
    for ax, name in zip(axes, SYNTHETIC, strict=True):
        part = runs[runs["dataset"] == name]
        if part.empty:
            ax.remove()
            continue
        by_batch(part, "test_acc", ax=ax, paper=vii[vii["dataset"] == name], title=DATASET_NAMES[name])
    fig.tight_layout()
    return fig


@drawn_by
def image_accuracy(runs: pd.DataFrame, dataset: str, table: str) -> plt.Figure:
    """Figs 3–4: test accuracy against B for MNIST or CIFAR-10 beside the paper's Table III or IV.

    When some runs did not train, their crosses at chance stretch the axis over 10–100 % and hide the seed
    intervals of the rest, so a second panel shows the same without them, on the axis the others need."""
    paper = paper_values.table(table).assign(dataset=dataset)
    ok = trained(runs) if {"outcome", "diverged"} & set(runs) else pd.Series(True, index=runs.index)
    zoom = bool(ok.any() and not ok.all())
    fig, axes = grid(2 if zoom else 1, width=6.4 if not zoom else 5.2, height=4)
    by_batch(runs, "test_acc", ax=axes[0], paper=paper, title=DATASET_NAMES[dataset])
    if zoom:
        by_batch(runs, "test_acc", ax=axes[1], paper=paper, crosses=False,
                 title=f"{DATASET_NAMES[dataset]}, zoomed: the {int(ok.sum())} runs that trained")
        shared_legend(axes)
        fig.tight_layout()
    return fig


@drawn_by
def seeds_by_rule(runs: pd.DataFrame, chance: float) -> plt.Figure:
    """Every seed's test accuracy under each LR rule, one panel per B, with the mean and its 95 % t interval beside
    the seeds and chance dashed: over one or two B the comparison is between rules, so points, not a line."""
    sizes = sorted(runs["batch_size"].unique())
    fig, axes = grid(len(sizes), width=5.2, height=4)
    for ax, b in zip(axes, sizes, strict=True):
        part = runs[runs["batch_size"] == b]
        sns.stripplot(data=part, x="rule", y="test_acc", ax=ax, color="0.35", size=6, jitter=0.12,
                      label="one seed")
        sns.pointplot(data=part, x="rule", y="test_acc", errorbar=t_interval, ax=ax, linestyle="none",
                      marker="D", color="C3", capsize=0.25, label="mean, 95 % t interval")
        ax.axhline(chance, color="0.4", linestyle="--", linewidth=1, label="chance")
        ax.set(title=f"B = {b}", xlabel=LABELS["rule"], ylabel=LABELS["test_acc"])
        plt.setp(ax.get_xticklabels(), rotation=20, ha="right")  # long rule names end under their column
    figure_legend(fig, axes)
    return fig


@drawn_by
def seeds_by_dataset(runs: pd.DataFrame, field: str) -> plt.Figure:
    """The appendix's paired checks: one panel per data set, every seed's test accuracy at each B for both values
    of `field`, and chance accuracy dashed, so a run that learned nothing shows instead of being averaged in."""
    datasets = list(dict.fromkeys(runs["dataset"]))
    fig, axes = grid(len(datasets), width=5, height=3.8)
    for ax, dataset in zip(axes, datasets, strict=True):
        seeds_by_value(runs[runs["dataset"] == dataset], field, ax=ax, chance=100 / DATASET_SPECS[dataset].classes,
                       title=DATASET_NAMES[dataset])
    fig.tight_layout()
    return fig


@drawn_by
def sample_images(loaded: dict) -> tuple[plt.Figure, pd.DataFrame]:
    """The first training image of each class of every image data set in `loaded` (name → `data.Dataset`), each
    rescaled to [0, 1] on its own so that normalised pixels show; also the (data set, class) of every panel."""
    images = [name for name, d in loaded.items() if d.x_train.dim() == 4]
    fig, axes = plt.subplots(len(images), 10, figsize=(12, 1.4 * len(images)), squeeze=False)
    for row, name in zip(axes, images, strict=True):
        d = loaded[name]
        first = [int(np.flatnonzero(d.y_train.numpy() == c)[0]) for c in range(10)]
        x = d.x_train[first].numpy()
        x = (x - x.min(axis=(1, 2, 3), keepdims=True)) / np.ptp(x, axis=(1, 2, 3), keepdims=True)
        for ax, img, label in zip(row, x, range(10), strict=True):
            ax.imshow(img.transpose(1, 2, 0).squeeze(), cmap="gray", interpolation="nearest")
            ax.set_axis_off()
            ax.set_title(f"{DATASET_NAMES[name]}: {label}", fontsize=7)
    fig.tight_layout()
    return fig, pd.DataFrame([{"dataset": n, "class": c} for n in images for c in range(10)])


FEATURE_POINTS = 2000  # at most this many points per set in `synthetic_features` (its caption reads it)


@drawn_by
def synthetic_features(loaded: dict, limit: int = FEATURE_POINTS) -> tuple[plt.Figure, pd.DataFrame]:
    """Each synthetic training set in `loaded` (its first `limit` points) on its first two principal components,
    coloured by class: whether the two classes separate; also the plotted points."""
    synthetic = [name for name, d in loaded.items() if d.x_train.dim() == 2]
    fig, axes = plt.subplots(1, len(synthetic), figsize=(4.2 * len(synthetic), 3.6), squeeze=False)
    points = []
    for ax, name in zip(axes[0], synthetic, strict=True):
        x, y = loaded[name].x_train.numpy()[:limit], loaded[name].y_train.numpy()[:limit]
        centred = x - x.mean(0)
        pcs = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T
        ax.scatter(pcs[:, 0], pcs[:, 1], c=y, s=3, cmap="coolwarm", alpha=0.6, rasterized=True)  # 6,000 dots
        ax.set(title=DATASET_NAMES[name], xlabel="PC 1", ylabel="PC 2")
        points.append(pd.DataFrame({"dataset": name, "pc1": pcs[:, 0], "pc2": pcs[:, 1], "label": y}))
    fig.tight_layout()
    return fig, pd.concat(points)


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
    handles = [plt.Line2D([], [], color=colour, label=f"seed {seed}") for seed, colour in palette.items()] + [
        plt.Line2D([], [], marker="x", ls="", color="black", label="first excursion"),
        plt.Line2D([], [], ls="--", color="grey", label="uniform guess (ln C)"),
        plt.Line2D([], [], ls=":", color="tab:red", label="LR")]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig
