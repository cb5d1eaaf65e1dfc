"""What the chapters on accuracy publish (accuracy against B, Table VI and B* against N), section by
section: each function shows one section's figures and tables with their captions, built from the runs a chapter
hands it, so that a chapter reads like the paper (prose, then one call per section) and its captions live beside
the code that fills them in. The sentences of findings come from `findings`, the tables from `summaries` and
`paper_tables`, the figures from `plots`; `pages_training` does the same for the chapters on training."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from IPython.display import Markdown, display
from scipy import stats

from . import (
    analysis,
    book,
    captions,
    findings,
    paper,
    paper_tables,
    plots,
    plots_failures,
    runtable,
    summaries,
)
from .config import default_warmup
from .critical import BOOTSTRAP_REPLICATES, FAILED, bootstrap_critical, fit_points
from .data import DataError
from .datasets import DATASET_NAMES, DATASET_SPECS, DATASETS, SYNTHETIC
from .plan import section_configs
from .store import default_store
from .style import counted, joined, number
from .sweep import stored_counts

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from .book import Chapter

_FIGURES = {"synthetic": "Fig 2", "III": "Fig 3", "IV": "Fig 4"}  # the paper's accuracy figure of each table
CROSSES = ("crosses: runs that did not train (where there are any, the right panel shows the others without them, "
            "zoomed in on their seed intervals).")


def scale_note(runs: pd.DataFrame) -> Markdown:
    """Which profile each data set renders, in words (`captions.scale_text`)."""
    return Markdown(f"Each data set renders the paper profile where its paper runs are complete, else the quick one. "
                    f"Here: {captions.scale_text(runs)}.")


def recipe_scale(runs: pd.DataFrame, dataset: str) -> Markdown:
    """For prose that names the recipe a data set trains on: the scale of its runs shown (`captions.scale_text`),
    where a profile cut the recipe's warm-up (`plan.Profile.max_warmup_epochs`) and, below paper scale, how many of
    its paper-profile runs are stored: reduced-scale runs are not the recipe's."""
    if runs.empty:
        return Markdown("None of its runs is in the store yet.")
    cut = runs[runs["warmup_epochs"] < [default_warmup(dataset, b) for b in runs["batch_size"]]]
    at = joined([str(b) for b in sorted(set(cut["batch_size"]))]) if len(cut) else ""
    text = f"The runs shown are at {captions.scale_text(runs)}" + (
        f", with the warm-up cut to {counted(int(cut['warmup_epochs'].max()), 'epoch')} (the recipe's "
        f"{counted(DATASET_SPECS[dataset].warmup_epochs, 'epoch')}) at B = {at}" if len(cut) else "")
    if dataset not in summaries.paper_scale_datasets(runs):
        text += "; of its runs at paper scale, {} of {} are stored".format(*paper_runs_stored([dataset])[dataset])
    return Markdown(f"{text}.")


def accuracy_comparison(chapter: Chapter, runs: pd.DataFrame, dataset: str) -> None:
    """The paper's table beside our seed means, with verdicts."""
    name = f"Table {DATASETS[dataset].paper_table}"
    profile = chapter.profile_of(book.sections_of([dataset])[0], dataset)
    table = paper_tables.compare_accuracy(runs, dataset, profile)
    (acc, acc_partly), (gap, gap_partly) = (paper_tables.accuracy_tolerances(dataset, table),
                                            paper_tables.gap_tolerances(dataset, table))
    failed = (table["status"] == FAILED).any()
    shown = table if failed else table.drop(columns="cell")  # every cell measured or one run
    # MNIST's B = 1024 is also the report's own claim, graded on how often its runs fail: say why the two can differ
    own = (" A failed cell's row reads on its runs at chance, as a row of the table; how often MNIST's recipe fails at "
           "B = 1024 is the report's own claim (mnist-largest-batch), graded on the failure rate's exact interval, "
           "which a few seeds leave wide, so that row and that claim can differ." if failed and dataset == "mnist"
           else "")
    book.publish(book.styled(shown, 3), f"{name}, {DATASET_NAMES[dataset]}: the paper's values (columns headed "
                 "paper) beside our seed means. Verdicts on the trained seeds' 95 % interval: all of it within "
                 f"{acc:.2g} pp of the paper's test accuracy (gap: {gap:.2g} pp): reproduced; all of it within "
                 f"{acc_partly:.2g} pp ({gap_partly:.2g} pp): partly; wider but holding the paper's value: not "
                 "resolved (the seeds cannot tell); else not reproduced. The tolerances are "
                 f"{paper_tables.ACC_TOL:g} and {paper_tables.ACC_PARTLY_TOL:g} pp (gap: {paper_tables.GAP_TOL:g} and "
                 f"{paper_tables.GAP_PARTLY_TOL:g} pp), narrowed to half and all of the paper's own spread across "
                 "the B whose cells did not fail (a failed cell is graded by its runs at chance) where that is "
                 "smaller; absolute numbers are not testable below the paper's scale. Epoch times: "
                 f"each run's median, averaged over runs made on different CPUs and loads (Figs 6–8 say more).{own}",
                 table, f"{name} {dataset}", runs=runs[runs["dataset"] == dataset])


def synthetic_accuracy(chapter: Chapter, synthetic: pd.DataFrame) -> None:
    """Fig 2 and Table VII beside our runs, per synthetic set."""
    book.publish(plots.synthetic_accuracy(synthetic), "Test accuracy against B for the three synthetic sets; dotted "
                 "squares: the paper's Table VII.", runtable.mean_by_batch(synthetic, trained_only=True),
                 _FIGURES["synthetic"], runs=synthetic)
    for name in SYNTHETIC:
        if name in set(synthetic["dataset"]):
            accuracy_comparison(chapter, synthetic, name)


def image_accuracy(chapter: Chapter, runs: pd.DataFrame, dataset: str) -> None:
    """Fig 3 or 4 and Table III or IV beside our runs of an image data set."""
    table = DATASETS[dataset].paper_table
    book.publish(plots.image_accuracy(runs, dataset, table), f"{DATASET_NAMES[dataset]} test accuracy against B; "
                 f"dotted squares: the paper's Table {table}; {CROSSES}",
                 runtable.mean_by_batch(runs, trained_only=True), _FIGURES[table], runs=runs)
    accuracy_comparison(chapter, runs, dataset)


def runs_if_data(chapter: Chapter, dataset: str) -> pd.DataFrame:
    """The runs of a data set's section (`Chapter.table`), or none (an empty table) where the store lacks some and
    the data set's files are not on this machine: a data set beyond the paper's is optional, and its sections say
    so (`pages_beyond.beyond_paper`) rather than fail the chapter."""
    try:
        return chapter.table(book.sections_of([dataset])[0])
    except DataError:
        return pd.DataFrame()


def paper_runs_stored(datasets: list[str]) -> dict[str, tuple[int, int]]:
    """Per data set, how many of its paper-profile runs the committed paper store holds, of how many."""
    configs = [c for s in book.sections_of(datasets) for c in section_configs("paper", s) if c.dataset in datasets]
    return stored_counts(configs, default_store("paper"))


def paper_scale_so_far(chapter: Chapter, dataset: str) -> None:
    """Where a data set's section still renders `quick`: its paper-profile runs finished so far beside the paper's
    values, with provisional verdicts (the paper sweep spans sessions; the report judges on them as well)."""
    table_number = DATASETS[dataset].paper_table
    section, name = book.sections_of([dataset])[0], f"Table {table_number}"
    done = chapter.paper_so_far(section)
    if done.empty:
        return
    cells = ", ".join(f"{b} ({n})" for b, n in done.groupby("batch_size").size().items())
    display(Markdown(
        f"**Paper scale so far.** {book.paper_progress(section, done)}, at B (seeds) = {cells}. They are the "
        f"paper's own setup (Table II, full data, all epochs), shown as they stand beside {name}, with provisional "
        "verdicts by the same rules (one seed has no interval, so it is never *reproduced*); the "
        "[report](report.py) judges this data set's claims on them too. The verdicts above are on the quick runs, "
        "which cannot test absolute numbers, until the section is complete."))
    table = paper_tables.compare_accuracy(done, dataset, "paper").dropna(subset=["seeds"])  # collapsed cells too
    book.publish(plots.image_accuracy(done, dataset, table_number), f"{DATASET_NAMES[dataset]} at paper "
                 f"scale, the runs finished so far; dotted squares: the paper's {name}.",
                 runtable.mean_by_batch(done, trained_only=True), f"{_FIGURES[table_number]} at paper scale so far",
                 runs=done)
    book.publish(book.styled(table, 3), f"{name} beside the paper-scale runs finished so far (seed means; no "
                 "interval below two seeds; provisional verdicts).", table,
                 f"{name} at paper scale so far", runs=done)


def best_batch_sizes(runs: pd.DataFrame) -> None:
    """The best B per data set by the one rule (`summaries.best_batch_sizes`), beside Table VI's."""
    peaks, full = summaries.best_batch_sizes(runs), summaries.paper_scale_datasets(runtable.full_size(runs))
    peaks.insert(1, "scale", [captions.SCALES["paper" if d in full else "quick"] for d in peaks["dataset"]])
    book.publish(book.styled(peaks),
                 "The best batch size per data set by the one rule the book applies everywhere (this chapter, Table "
                 "VI, the protocol and the report): the highest mean test accuracy over the runs that trained, among "
                 "the B where at least two runs trained and most did, with its 95 % interval, and the B tied with it "
                 "(`tied B`: each B whose difference from it, Welch 95 % interval, holds 0; the report's claims of a "
                 "best B grade these); B where at least half "
                 "the runs did not train (`failed B`) or where one run is all there is (`one-run B`) are listed, "
                 "never ranked. Beside it, the paper's optimal B (Table VI). `scale`: of each row's runs; a row at "
                 "reduced scale (fewer epochs on subsets, a warm-up cut short) is not comparable with one at paper "
                 "scale, its failed B least of all.", peaks, "Best batch size", runs=runs)


def failed_runs(chapter: Chapter, runs: pd.DataFrame) -> None:
    """The runs that did not train, in words (`findings.failed_runs_text`, with the scale of the runs it counts: other
    sections of the page may show a data set at another scale) and as curves, every seed of their cells."""
    display(Markdown(f"{findings.failed_runs_text(runs)} Counted over the runs each data set's own section above "
                     f"shows, at the scale it renders: {captions.scale_text(runs)}."))
    failed = summaries.runs_of_failed_cells(runs)
    if len(failed):
        book.publish(plots_failures.failed_cells_curves(chapter.history(failed), failed),
                     "Every seed of each cell where some "
                     "run did not train: running training loss (log scale) and test accuracy per epoch; dashed: "
                     "chance. A collapsed run's loss settles at ln C (a constant prediction); a diverged run is drawn "
                     "up to its last finite epoch (not at all if that was none).", failed, "Runs that did not train")


def table_vi(runs: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    """Table VI ours beside the paper's (`paper_tables.table_vi`, the report's `table-vi` rule), and how much each
    B* moves when the seeds are resampled; returns Table VI."""
    table = paper_tables.table_vi(runs, tolerance)
    full = runtable.full_size(runs)
    book.publish(book.styled(paper_tables.table_vi_shown(table)),
                 f"Optimal B (highest mean test accuracy) and B* (smallest B above it more than {tolerance:g} point "
                 "below the peak, or whose runs failed; — where none is) per data set, ours / the paper's Table VI. "
                 "The paper's N counts the whole synthetic set (train + test); ours, the training examples. The "
                 "optimal B's verdict grades the B tied with ours (each B whose difference from it, Welch 95 % "
                 "interval over the runs that trained, holds 0): all at the paper's B, reproduced; all within a "
                 "factor 2 of it, partly; some at it and others not, not resolved (our seeds cannot tell); else not "
                 f"reproduced. B*'s verdict reads {paper_tables.B_STAR_RULE}; a B* set by failed runs is not "
                 "testable: it marks where the recipe stops training, not an accuracy threshold. The shares: beside "
                 "our B*; every B* of the replicates below. Verdicts only at paper scale. Not counted: batch sizes "
                 "where at least half the runs did not train (failed) or only one run was made; neither can be the "
                 "optimum. Seeds: the fewest runs of any B. The CSV has every column.", table, "Table VI", runs=full)
    if full["seed"].nunique() > 1:
        spread = bootstrap_critical(full, tolerance, by=("dataset", "train_size"))
        book.publish(bootstrap_shown(spread),
                     "How often each B* of Table VI comes out when the seeds of every cell are resampled "
                     f"({BOOTSTRAP_REPLICATES:,} bootstrap replicates; in %, as Table VI's shares): what the verdict "
                     "on B* in Table VI grades.", spread, "B* bootstrap", runs=full)
    else:
        display(Markdown("With one seed per configuration B* has no bootstrap spread; the `paper` profile has three "
                         "seeds."))
    return table


def bootstrap_shown(spread: pd.DataFrame) -> Styler:
    """`bootstrap_critical`'s frequencies in %, as Table VI's shares of the same replicates (the CSV: fractions)."""
    share = "share of replicates (%)"
    shown = spread.assign(frequency=100 * spread["frequency"]).rename(columns={"frequency": share, "critical_b": "B*"})
    return book.styled(shown).format({share: lambda v: number(v, decimals=1)})


def critical_against_n(runs: pd.DataFrame, tolerance: float) -> None:
    """B* per synthetic training-set size (`summaries.critical_sizes`) and the fit of B* ∝ N^a."""
    points = summaries.critical_sizes(runs, tolerance)
    synthetic = fit_points(points)
    sized = runs[runs["dataset"].str.startswith("synthetic")]  # the runs behind every size's B*: the captions'

    book.publish(book.styled(points),
                 f"B* (— where no B falls more than {tolerance:g} point below the peak) per synthetic data set and "
                 "training-set size: the points of the fit, but a B* set by failed runs (`critical_by`: failed), "
                 "where runs stop training rather than lose accuracy, which is shown and not fitted.", points,
                 "B* per training-set size", runs=sized)
    fits, ours = summaries.exponent_fits(synthetic)
    book.publish(plots.critical_against_n(points, ours), "Critical batch size against training-set size "
                 "(synthetic data), log-log, with the fitted power law where ours has two points or more; open "
                 "squares: the paper's Table VI (its N × 0.8, the training examples). A size with no B* (no B falls "
                 "a point below the peak) is an open triangle at the largest B measured: its B*, if any, lies "
                 "above; a cross, a B* set by failed runs (not fitted).", points, "B* against N", runs=sized)
    book.publish(book.styled(fits, 3),
                 f"Fits of log B* on log N with 95% t intervals for the exponent; the paper assumes "
                 f"{paper.CRITICAL_EXPONENT}. With three points there is one degree of freedom, so the interval is "
                 f"wide (t = {stats.t.ppf(0.975, 1):.1f}).", fits, "Exponent fit", runs=sized)


def noise_against_critical(chapter: Chapter, runs: pd.DataFrame, table_vi: pd.DataFrame) -> None:
    """B_noise at the trained weights of the runs nearest the base B (`analysis.noise_scales`), and corrected for the
    N training examples, beside the B* measured here (our Table VI, `paper_tables.table_vi`, the paper's beside it)
    and whether they agree, in words; a B* set by failed runs (`summaries.FAILED_B_STAR`) is shown, never compared or
    counted; where seeds are not estimable, that their geometric mean leaves them out and so reads low."""
    full = runtable.full_size(runs)
    models = analysis.base_batch_models(analysis.with_weights(chapter, full), list(table_vi["dataset"]))
    versus = summaries.noise_against_critical(analysis.noise_scales(chapter, models), table_vi)
    versus.insert(versus.columns.get_loc("B*") + 1, "paper B*",
                  versus["dataset"].map(table_vi.set_index("dataset")["paper B*"]))
    unbounded = versus[versus["not estimable"] > 0]
    low = "".join(f" {DATASET_NAMES[r['dataset']]}: {r['not estimable']} of its {r['seeds'] + r['not estimable']} "
                  "seeds are not estimable (their |G|² not positive: B_noise unbounded) and left out of its geometric "
                  "mean, which therefore reads low: those seeds point to a larger B_noise, not a smaller one."
                  for _, r in unbounded.iterrows())
    book.publish(book.styled(versus),
                 "B_noise (geometric mean over seeds with a 95% t interval on the log scale; of one seed, its one "
                 "value, no interval; `not estimable`: seeds whose estimate of |G|² is not positive) and before it, "
                 "on every data set, the same corrected for its N training examples, N·B_noise/(N − 1 + B_noise): "
                 "B_noise = tr Σ/|G|² is the noise of drawing from an endless population, while batches drawn "
                 "without replacement from N examples carry less, none at B = N, so the corrected value is where the "
                 "noise equals the signal. Beside them B*, measured here (our Table VI), the paper's B* (its Table "
                 "VI) for reference, and the ratio of the corrected B_noise to ours. "
                 "Agreement: the corrected B_noise's interval lies inside [B*/2, 2·B*]; larger or smaller: beyond "
                 f"it; undecided: across its edge; `{summaries.ONE_SEED}`: a value with no interval; "
                 f"`{summaries.FAILED_B_STAR}`: our B* there is the first B whose runs failed (its "
                 f"accuracy at B* reads failed), not an accuracy drop, so B_noise is not set against it.{low}", versus,
                 "Noise scale and B*", runs=models)
    by_failure = versus["agreement"] == summaries.FAILED_B_STAR
    left_out = "".join(f" {DATASET_NAMES[r['dataset']]} is not compared: its B* = {r['B*']} is where its runs failed, "
                       "not where accuracy fell below the peak." for _, r in versus[by_failure].iterrows())
    beyond = versus[versus["CI low"].fillna(versus["B_noise"]) > versus["N"]]  # of one seed, its one value
    corrected = [f"{DATASET_NAMES[r['dataset']]} {r['corrected B_noise']:,.0f} (N = {int(r['N']):,})"
                 for _, r in beyond.iterrows()]
    past = (" B_noise lies beyond the training set itself (its interval above N; of one seed, its value) on "
            f"{joined([DATASET_NAMES[d] for d in beyond['dataset']])}, where the correction for drawing without "
            "replacement matters most: the noise there equals the signal at the corrected B_noise, below N: "
            f"{joined(corrected)}." if corrected else "")
    display(Markdown(findings.noise_agreement(versus[~by_failure]) + left_out + past))
