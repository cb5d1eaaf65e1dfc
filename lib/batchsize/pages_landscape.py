"""What the loss-landscape chapter publishes, section by section (as `pages_accuracy` and `pages_training` do for
theirs): the surfaces of each data set's pair of B (Figs 9–10), how fast they rise (what the report's flat-vs-sharp
claim judges), the sharpness measures of every seed, their ratios (ε-sharpness's: what the sharpness-ratio claim
judges), on which data all of them are evaluated, whether the trace and λ_max rank B alike and whether the CNNs'
capped λ_max had settled."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from IPython.display import Markdown, display

from . import analysis, book, claims_landscape, findings_landscape, panels, paper, plots_landscape, summaries
from .datasets import DATASET_NAMES, SYNTHETIC
from .rulebook import COMPARABLE
from .runtable import trained
from .style import number

if TYPE_CHECKING:
    from .book import Chapter

# The paper's figure for each data set's pair of surfaces (it draws none of CIFAR-10: `surfaces` says so).
FIGURE = {**dict.fromkeys(SYNTHETIC, "Fig. 9"), "mnist": "Fig. 10"}

# The inner square |α|, |β| ≤ this (in units of the filter-normalized directions) over which a surface's rise is
# averaged: half the grid's range α, β ∈ [−1, 1] (the paper's Algorithm, line 3), the part nearest the minimum.
RISE_HALF_WIDTH = 0.5


def surfaces(chapter: Chapter, every_seed: pd.DataFrame, datasets: list[str], grid_points: int | None,
             n_eval: int | None) -> pd.DataFrame:
    """Each data set's pair of surfaces (`analysis.loss_surfaces`, every seed), drawn for its first seed; then how
    fast each rises, and the large B's rise over the small B's with its interval over seeds, which it returns (as
    `summaries.sharpness_ratios` gives a measure's)."""
    found = analysis.loss_surfaces(chapter, every_seed, datasets, grid_points, n_eval)
    if found.empty:
        return pd.DataFrame()
    for name, part in found.groupby("dataset", sort=False):
        part = part[part["seed"] == part["seed"].min()]
        n, points = part["n_eval"].iloc[-1], part["points"].iloc[-1]
        book.publish(plots_landscape.loss_surfaces(part, DATASET_NAMES[name]),
                     "Test loss (log₁₀) on a filter-normalized random plane around the trained weights, B = "
                     f"{' and '.join(map(str, sorted(part['batch_size'].unique())))}, seed {part['seed'].iloc[0]}, "
                     f"{n:,} test examples, {points}×{points} grid.",
                     part.drop(columns=["n_eval", "points"]), f"{FIGURE.get(name, 'Not in the paper:')} {name}",
                     runs=every_seed[(every_seed["dataset"] == name) & (every_seed["seed"] == part["seed"].iloc[0])
                                     & every_seed["batch_size"].isin(part["batch_size"])])
    rise = summaries.surface_rise(found, RISE_HALF_WIDTH)
    book.publish(book.styled(rise.rename(columns={"surface_rise": f"mean rise within |α|, |β| ≤ {RISE_HALF_WIDTH:g}"}),
                             4), "How fast each surface rises around the minimum: mean test loss over the inner "
                 "square minus the loss at the centre (larger: sharper), every seed.", rise, "Surface rise",
                 runs=every_seed)
    measured = rise.merge(
        every_seed[["dataset", "batch_size", "seed", "outcome"]], on=["dataset", "batch_size", "seed"])
    ratios = summaries.sharpness_ratios(measured, ("surface_rise",)).assign(metric="surface rise")
    book.publish(book.styled(ratios.drop(columns="metric")), "The surface rise of the large B over B = 32, as the "
                 "sharpness ratios below (geometric mean over the seeds that trained, Welch 95 % interval on the log "
                 "scale): the quantity of Figs 9–10, the paper's own evidence that large-batch minima are sharper, "
                 "and what the report judges that claim by, per data set (its interval above 1: sharper); the "
                 "Hessian's measures below are shown beside it, not judged.", ratios, "Surface rise ratio",
                 runs=every_seed)
    return ratios


def sharpness(chapter: Chapter, every_seed: pd.DataFrame, epsilon: float | None, n_eval: int | None,
              rise: pd.DataFrame) -> pd.DataFrame:
    """Every seed's sharpness measures (`analysis.sharpness_table`; ε: the paper's unless given) against B, then
    the ratios of the paper's pair of B (the report judges ε-sharpness's), in words with the surfaces' `rise`
    (`surfaces`) beside them, and on which data all of them are (`evaluation_text`); returns the measures."""
    epsilon = paper.SHARPNESS_EPSILON if epsilon is None else epsilon
    sharp = analysis.sharpness_table(chapter, every_seed, epsilon, n_eval)
    learned = trained(sharp)
    left_out = "; ".join(f"{DATASET_NAMES[r.dataset]} B = {r.batch_size} seed {r.seed} ({r.outcome})"
                         for r in sharp[~learned].itertuples())
    book.publish(plots_landscape.sharpness_panels(sharp[learned], analysis.SHARPNESS_METRICS, paper.SHARPNESS),
                 "Sharpness against B on each data set: ε-sharpness, the largest rise of the test loss (nats) in an "
                 f"L2 ball of radius ε = {epsilon:g}; Keskar et al.'s, the largest rise in a box that scales with each "
                 "weight (their Metric 2.1, of the training loss there, of the test loss here), in % of 1 + L; the top "
                 "Hessian eigenvalue and trace. Where every value is "
                 "positive a log scale, the geometric mean over seeds and its 95 % t interval on the log scale, as "
                 "the ratios below; elsewhere the mean and its t interval; "
                 f"open squares (first panel): the paper's S(ε = {paper.SHARPNESS_EPSILON:g}) for B = 32 and 512. The "
                 "data hold each trace estimate's standard error (`hessian_trace_se`) and the number of test examples "
                 "(`n_eval`)" + (f"; and the runs left out here and below because they did not train (a "
                                 f"constant predictor's weights are no minimum to compare): {left_out}." if left_out
                                 else "."),
                 sharp, "Sharpness", runs=every_seed)
    ratios = summaries.sharpness_ratios(sharp, analysis.SHARPNESS_METRICS).replace({"metric": panels.LABELS})
    book.publish(book.styled(ratios.rename(columns={"metric": "measure"})),
                 "Sharpness of the paper's large B over B = 32 (512 on synthetic data, as Fig 9; 256 on MNIST, as Fig "
                 "10, and on CIFAR-10): geometric mean over seeds with a 95% interval (Welch, log scale; none where a "
                 f"value is not positive); the paper: S ratio {paper.SHARPNESS_RATIO}× for B = 512 over B = 32. The "
                 "report judges the ε-sharpness ratios of the synthetic sets against it; the other measures are "
                 "shown, not judged.", ratios, "Sharpness ratios",
                 runs=every_seed)
    display(Markdown(findings_landscape.sharpness_text(pd.concat([ratios, rise], ignore_index=True)) + " "
                     + _cost_text(sharp)))
    display(Markdown(evaluation_text(sharp)))
    return sharp


def evaluation_text(sharp: pd.DataFrame) -> str:
    """On which data every measure and surface of the chapter is, from the values kept (`n_eval`): the test
    examples `book.Chapter.eval_set` gives, where the paper's claim and Keskar et al.'s measure are of the training
    loss, a deviation the deviations page lists."""
    sizes = sharp.groupby("dataset", sort=False)["n_eval"].unique()
    per = "; ".join(f"{DATASET_NAMES[name]} {' or '.join(f'{int(n):,}' for n in sorted(found))}"
                    for name, found in sizes.items())
    return ("**On which data.** Every measure here and every surface above is of the *test* loss: each data set's "
            f"first test examples, the same for every B ({per}; the surfaces' captions name theirs), as the paper's "
            "Algorithm 1 evaluates its surfaces on the test set. Its ε-sharpness (Eq. 3) does not say on which data; "
            "its abstract's words are of the training loss (large-batch SGD \"converges to sharp minimizers of the "
            "training loss\"), and Keskar et al.'s Metric 2.1 is defined on the training loss, which we evaluate on "
            "the test loss: a deviation (see [where our runs differ from the paper](../book/deviations.md)). The "
            "analyses kept here hold no measure on training data to set beside these.")


def _cost_text(sharp: pd.DataFrame) -> str:
    """What the four measures cost per network, as measured when each value was computed (its provenance)."""
    said = []
    for dataset, part in sharp.dropna(subset=["cpu_seconds"]).groupby("dataset", sort=False):
        seconds = part["cpu_seconds"]
        said.append(f"{DATASET_NAMES[dataset]} {seconds.median():,.1f} ({seconds.min():,.1f}–{seconds.max():,.1f}) "
                    f"on {' and '.join(sorted(set(part['cpu'])))}")
    if not said:
        return ""
    return ("What the four measures cost per network, as measured when each was computed (CPU-seconds, median and "
            "range over the networks, and the CPU): " + "; ".join(said) + ".")


def rank_agreement(sharp: pd.DataFrame, every_seed: pd.DataFrame) -> None:
    """Whether the top eigenvalue and the trace order each data set's B alike (Kendall's τ), in a table and words."""
    ranks = summaries.rank_agreement(sharp, "hessian_top_eigenvalue", "hessian_trace")
    book.publish(book.styled(ranks.rename(columns={"order by hessian_top_eigenvalue": "order by top eigenvalue",
                                                   "order by hessian_trace": "order by trace"})),
                 "The batch sizes of each data set from the flattest to the sharpest by the seed mean of the top "
                 "Hessian eigenvalue and of the Hessian trace, and Kendall's τ between the two sets of means.", ranks,
                 "Trace and top eigenvalue", runs=every_seed)
    display(Markdown(findings_landscape.rank_agreement_text(ranks, "hessian_top_eigenvalue", "hessian_trace",
                                                            ("the top eigenvalue λ_max", "the Hessian trace"))))


def power_settling(chapter: Chapter, weights: pd.DataFrame, sharp: pd.DataFrame, n_eval: int | None) -> None:
    """Whether the CNNs' capped λ_max had settled (`analysis.power_iterations`), as curves and in words; the data
    hold every estimate, and the sharpness table's λ_max of the same network beside."""
    settling = analysis.power_iterations(chapter, weights, n_eval)
    if len(settling):
        keys = ["dataset", "batch_size", "seed"]
        data = settling.explode("estimates").rename(columns={"estimates": "estimate"}).merge(
            sharp[[*keys, "hessian_top_eigenvalue"]].rename(columns={"hessian_top_eigenvalue": "in the table"}),
            on=keys, how="left")
        book.publish(plots_landscape.power_iterations(settling), "Power iteration's estimate of λ_max against the "
                     "Hessian-vector products spent, for each CNN data set's pair of B (first seed, the sharpness "
                     "measures' evaluation set and precision, a start vector of its own); dashed: the cap at which "
                     "the sharpness table's λ_max stopped.", data.assign(iteration=data.groupby(keys).cumcount() + 1),
                     "Power iteration", runs=weights.merge(settling[keys], on=keys))
    display(Markdown(findings_landscape.power_settling_text(settling, sharp)))


def variance_fits_graded(fits: pd.DataFrame) -> Markdown:
    """The noise chapter's fits without replacement graded as the report's variance-slope rule grades them
    (`claims_landscape.slopes_graded`), per stage of training, in words."""
    return Markdown("Graded as the report grades each fit without replacement (its slope's interval within "
                    f"{claims_landscape.SLOPE_TOL:g} of the paper's {number(paper.VARIANCE_SLOPE)} and R² ≥ "
                    f"{claims_landscape.SLOPE_R2:g}: reproduced; within it, R² below: partly; else {COMPARABLE}), the "
                    f"{claims_landscape.slopes_held(claims_landscape.slopes_graded(fits))}. The report judges the "
                    "stages along training and trained; initialisation is a control, where the estimate sits on its "
                    "expectation almost by construction. The paper does not say at which weights it measured.")
