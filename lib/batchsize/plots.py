"""Figures of the book: seaborn/matplotlib over the run table, with the paper's values drawn beside ours, built
from the panels of `panels` (one per data set, metric or CPU). The figures of the runs that did not train are in
`plots_failures`, the landscape chapter's in `plots_landscape`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from . import paper as paper_values
from . import paper_tables
from .critical import fit_points
from .datasets import DATASET_NAMES, DATASET_SPECS, IN_PAPER, SYNTHETIC, in_registry_order
from .noise import STAGES, stage_of
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
def epoch_times_and_curves(runs: pd.DataFrame, history: pd.DataFrame) -> plt.Figure:
    """Figs 6–8: per data set of `runs` (in the order the run table lists them), median epoch time against B on a
    log scale beside the paper's, and the test accuracy per epoch of every B: the mean over the runs that trained,
    each run that did not on its own (grey, dotted), never averaged in."""
    datasets = list(dict.fromkeys(runs["dataset"]))
    learned = set(runs.loc[trained(runs), "key"])
    fig, axes = grid(2 * len(datasets), ncols=2)
    for i, name in enumerate(datasets):
        theirs = paper_values.accuracy_table(name).assign(dataset=name).rename(
            columns={"epoch_time": "median_epoch_time"})
        by_batch(runs[runs["dataset"] == name], "median_epoch_time", ax=axes[2 * i], paper=theirs,
                 title=DATASET_NAMES[name])
        axes[2 * i].set_yscale("log")
        curves = history[history["dataset"] == name]
        ok = curves["key"].isin(learned)
        ax = learning_curves(curves[ok], "test_acc", ax=axes[2 * i + 1], title=DATASET_NAMES[name])
        for _, failed in curves[~ok].groupby("key"):
            b = int(failed["batch_size"].iloc[0])
            ax.plot(failed["epoch"], failed["test_acc"], ls=":", color="0.45", lw=1.2)
            ax.annotate(f"B = {b}, did not train", (failed["epoch"].iloc[-1], failed["test_acc"].iloc[-1]),
                        fontsize=7, color="0.35", ha="right", va="bottom")
        low, high = ax.get_ylim()  # an accuracy cannot leave [0, 100]: a wide interval's band is cut there
        ax.set_ylim(max(low, 0.0), min(high, 100.0))
    fig.tight_layout()
    return fig


@drawn_by
def cnn_epoch_speedups(speedups: pd.DataFrame) -> plt.Figure:
    """Per-epoch speed-up over B = 1 against B (`timing.cnn_epoch_speedups`) per CPU, data set and precision, over
    the benchmark's repeats; the paper's 10–50× a band (it names no B), its tables' own over B = 1 dotted."""
    cpus, (low, high) = list(dict.fromkeys(speedups["CPU"])), paper_values.EPOCH_SPEEDUP
    fig, axes = grid(len(cpus), width=5.2, height=4)
    for ax, cpu in zip(axes, cpus, strict=True):
        ax.axhspan(low, high, color="0.85", label=f"paper's headline, no B named ({low:.0f}–{high:.0f}×)")
        for dataset in [d for d in dict.fromkeys(speedups.loc[speedups["CPU"] == cpu, "dataset"]) if d in IN_PAPER]:
            theirs = paper_tables.epoch_speedups(dataset)  # over its table's smallest B, B = 1
            ax.plot(theirs.index, theirs, ":s", color=DATASET_COLOURS[DATASET_NAMES[dataset]],
                    markersize=4, label=f"{DATASET_NAMES[dataset]}, paper's tables")
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
    """Epochs and training seconds (log scale) to the target accuracy against B, from `targets.runs_to_target`;
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
    not left out; a B* set by failed runs (`critical.fit_points` leaves it out of the fit) is a cross."""
    fig, ax = grid(1, width=6.4, height=4.2)
    ax = ax[0]
    vi = paper_values.table("VI")
    found = fit_points(points)
    failed = points[points["critical_b"].notna() & ~points.index.isin(found.index)]
    beyond = points[points["critical_b"].isna() & points["largest_b"].notna()]
    if len(found):
        ax.scatter(found["train_size"], found["critical_b"].astype(float), label="ours: B*")
    if len(failed):
        ax.scatter(failed["train_size"], failed["critical_b"].astype(float), marker="x",
                   color=sns.color_palette()[0], label="ours: B* where runs failed (not fitted)")
    if len(beyond):
        ax.scatter(beyond["train_size"], beyond["largest_b"].astype(float), marker="^", facecolor="none",
                   edgecolor=sns.color_palette()[0], label="ours: no B* up to the largest B measured (B* beyond)")
    ax.scatter(vi["N"][:3] * 0.8, vi["critical_B"][:3], marker="s", facecolor="none", edgecolor="black",
               label="paper (N × 0.8: training examples)")
    if fit is not None:
        n = np.geomspace(found["train_size"].min(), found["train_size"].max(), 50)
        ax.plot(n, fit.prefactor * n ** fit.slope, "--", label=f"fit: B* ∝ N^{fit.slope:.2f}")
    ax.set(xscale="log", yscale="log", xlabel="training examples N", ylabel="critical batch size B*")
    shown = pd.concat([points["critical_b"].dropna(), beyond["largest_b"], vi["critical_B"][:3]]).astype(float)
    ticks = [2 ** k for k in range(int(np.log2(shown.min())), int(np.log2(shown.max())) + 1)]
    ax.set_yticks(ticks, [str(t) for t in ticks], minor=False)  # batch sizes as the paper writes them: 64, not 6×10¹
    ax.yaxis.set_minor_locator(mticker.NullLocator())
    ax.set_ylim(ticks[0] / 1.4, ticks[-1] * 1.6)  # headroom: a censored triangle at the largest B clears the frame
    outside_legend(ax)
    return fig


@drawn_by
def gap_against_b(runs: pd.DataFrame, with_paper: Collection[str] = IN_PAPER) -> plt.Figure:
    """Fig. 5 as small multiples: Δ against B, one panel per data set of `runs` on one shared y axis (so the data
    sets' rises compare by eye), each of `with_paper` with the paper's Table III, IV or VII as dotted squares (a
    caller leaves out the data sets whose runs are not at the paper's scale: their Δ is not the paper's quantity)
    and the paper's Δ bound as a dashed line over the B it is claimed for; one legend for all panels."""
    theirs = pd.concat([paper_values.accuracy_table(d).assign(dataset=d) for d in IN_PAPER])
    datasets = in_registry_order(runs["dataset"].unique())
    fig, axes = grid(len(datasets), width=4.2, height=3.4, ncols=min(3, len(datasets)))
    smallest = min(runs["batch_size"].min(), theirs["B"].min())  # the bound's line spans the B it is claimed for
    for ax, dataset in zip(axes, datasets, strict=True):
        paper = theirs[(theirs["dataset"] == dataset) & (dataset in with_paper)]
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


# The markers of `variance_against_b`'s kinds of weights, cycled: seven against the theme's ten colours, so that a
# (marker, colour) pair repeats only after 70 kinds, however many epochs along training the table holds.
WEIGHTS_MARKERS = "osD^vPX"


@drawn_by
def variance_against_b(variance: pd.DataFrame) -> plt.Figure:
    """Fig. 11 against its expectation: per data set, σ̂² (Eq. 4) of batches drawn as training draws them over σ²/B
    (Eq. 1), the geometric mean over seeds and replicates, a marker per weights (trained: the epoch in the title, or
    'no epoch' where the panel has no trained weights); at 1, E σ̂² with replacement; dashed, `variance_table`'s
    `expected`, bending down once the batches span epochs."""
    free = variance[variance["sampling"] == "without replacement"]
    free = free.assign(kind=[STAGES[2] if stage_of(w) == STAGES[2] else w for w in free["weights"]])
    kinds = list(dict.fromkeys(free["kind"]))  # one marker and colour per kind of weights, the same on every panel
    fig, axes = grid(free["dataset"].nunique())
    for ax, (name, part) in zip(axes, free.groupby("dataset", sort=False), strict=True):
        ratio = np.exp(np.log(part["variance"] * part["batch_size"] / part["sigma2"])
                       .groupby([part["kind"], part["batch_size"]], sort=False).mean())
        for kind, ys in ratio.groupby(level=0, sort=False):
            at = kinds.index(kind)
            ax.plot(ys.index.get_level_values(1), ys.to_numpy(), WEIGHTS_MARKERS[at % len(WEIGHTS_MARKERS)],
                    color=f"C{at}", label=kind, mfc="none")
        expected = (part["expected"] * part["batch_size"] / part["sigma2"]).groupby(part["batch_size"]).mean()
        ax.axhline(1, ls=":", color="grey", label="σ²/B (Eq. 1): E σ̂² with replacement")
        ax.plot(expected.index, expected.to_numpy(), "--", color="black", label="E σ̂², batches as training draws them")
        epoch = part.loc[part["kind"] == STAGES[2], "epoch"].max()  # NaN where the panel has no trained weights
        ax.set(yscale="log", title=f"{DATASET_NAMES[name]} (N = {int(part['N'].iloc[0]):,})\ntrained: "
               + (f"epoch {int(epoch)}" if pd.notna(epoch) else "no epoch"), xlabel=LABELS["batch_size"],
               ylabel=r"$\hat{\sigma}^2_B \,/\, (\sigma^2/B)$")  # mathtext: a subscript, not a raw underscore
        log2_axis(ax, part["batch_size"])
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
def image_accuracy(runs: pd.DataFrame, dataset: str, table: str | None) -> plt.Figure:
    """Figs 3–4: test accuracy against B for MNIST or CIFAR-10 beside the paper's Table III or IV (None: a data set
    the paper has no table of, drawn alone).

    When some runs did not train, their crosses at chance stretch the axis over 10–100 % and hide the seed
    intervals of the rest, so a second panel shows the same without them, on the axis the others need."""
    paper = paper_values.table(table).assign(dataset=dataset) if table else None
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
def data_drops(table: pd.DataFrame) -> plt.Figure:
    """"Is it the data?": each data set's drop (`drops.data_drops`) and 95 % interval; a collapse or no drop named."""
    fig, (ax,) = grid(1, width=6.4, height=1.0 + 0.6 * len(table))
    for y, (_, row) in zip(range(len(table))[::-1], table.iterrows(), strict=True):
        colour, mean, collapse = DATASET_COLOURS[DATASET_NAMES[row["dataset"]]], row["drop (pp)"], row["large B failed"]
        if pd.notna(mean):
            low, high = row[["CI low", "CI high"]].fillna(mean)
            ax.errorbar(mean, y, xerr=[[mean - low], [high - mean]], fmt="o", color=colour, capsize=5)
        else:
            ax.annotate(" collapse: most runs at the large B did not train" if collapse else f" no drop: {row['note']}",
                        (0, y), va="center", color=colour)
    ax.axvline(0, color="0.4", linestyle="--", linewidth=1)
    ax.set(yticks=range(len(table))[::-1], yticklabels=table["dataset"].map(DATASET_NAMES), xlabel="drop (pp)",
           ylim=(-0.6, len(table) - 0.4))
    return fig


@drawn_by
def seeds_by_rule(runs: pd.DataFrame, chance: float) -> plt.Figure:
    """Every seed's test accuracy under each LR rule, one panel per B, with the mean of the runs that trained and its
    95 % t interval beside the seeds and chance dashed: over one or two B the comparison is between rules, so
    points, not a line."""
    sizes = sorted(runs["batch_size"].unique())
    fig, axes = grid(len(sizes), width=5.2, height=4)
    for ax, b in zip(axes, sizes, strict=True):
        part = runs[runs["batch_size"] == b]
        order = sorted(part["rule"].unique())
        sns.stripplot(data=part, x="rule", y="test_acc", order=order, ax=ax, color="0.35", size=6, jitter=0.12,
                      label="one seed")
        if trained(part).any():  # the mean of the runs that trained: a run at chance is no sample of it
            sns.pointplot(data=part[trained(part)], x="rule", y="test_acc", order=order, errorbar=t_interval, ax=ax,
                          linestyle="none", marker="D", color="C3", capsize=0.25,
                          label="mean of the runs that trained, 95 % t interval")
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
