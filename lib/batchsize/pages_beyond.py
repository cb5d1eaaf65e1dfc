"""What the accuracy and gap chapters publish beyond the paper's own runs: a data set the paper did not run
(`beyond_paper`), and "Is it the data?", which sets MNIST, Fashion-MNIST (harder images on MNIST's recipe) and
CIFAR-10 side by side at one scale to test the paper's explanation of CIFAR-10's drop by its data, in test accuracy
(`is_it_the_data`) and in the gap Δ (`gap_is_it_the_data`). The numbers and their words come from `drops`;
`pages_accuracy` publishes the paper's own sections."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from IPython.display import Markdown, display

from . import book, captions, drop_pairs, drops, paper_tables, plots, rule_drops, runtable
from .config import default_warmup
from .datasets import DATASET_NAMES, DATASET_SPECS, DATASETS
from .pages_accuracy import CROSSES, paper_runs_stored, runs_if_data
from .readings import RUNS, gap_slope, gap_slopes_text
from .stats import NotTestable
from .style import counted, joined

if TYPE_CHECKING:
    from .book import Chapter


def _between(table: pd.DataFrame) -> str:
    """The two B of a `data_drops` table in words: 'from B = 32 to B = 512' ('between two B' where there are none)."""
    ends = drop_pairs.ends_of(table)
    return "between two B" if ends is None else "from B = {} to B = {}".format(*ends)


def _pairs_text() -> str:
    """The pairs of B fixed in advance, for a caption: '§VII's pair, B = 32 → 512; …' (`drop_pairs.data_pairs`),
    and the fallback where the runs have neither (`drop_pairs.present_pairs`)."""
    return "; ".join(f"{label}, B = {a} → {b}" for label, (a, b) in drop_pairs.data_pairs().items()) + \
        f"; a pair is shown where a data set here has both B, and where none has either, `{drop_pairs.NEAREST}`: " \
        "the B they share nearest to §VII's, not fixed in advance"


def _absent(dataset: str) -> str:
    source = DATASETS[dataset].source
    return (f"*{DATASET_NAMES[dataset]}: its runs are not in the store and its files are not on this machine, so "
            f"nothing is shown. `make data` installs them where it can (as Debian's package), or put the files of "
            f"{source.url} into `data/{source.folder}/`, then build again.*")


def beyond_paper(chapter: Chapter, runs: pd.DataFrame, dataset: str) -> None:
    """A data set the paper did not run, as `image_accuracy` shows the paper's but with nothing of the paper's
    beside it (no values, no verdicts): test accuracy against B, and per B the seed means of test accuracy and Δ
    with their intervals (`paper_tables.accuracy_by_batch`, a failed cell blanked and said as the paper's tables
    show it: `paper_tables.failed_shown`); where its runs could not be had, one line on how to
    get its files."""
    if runs.empty:
        display(Markdown(_absent(dataset)))
        return
    name = DATASET_NAMES[dataset]
    book.publish(plots.image_accuracy(runs, dataset, None), f"{name} test accuracy against B (not in the paper: no "
                 f"values of its to draw); {CROSSES}", runtable.mean_by_batch(runs, trained_only=True),
                 f"{dataset} accuracy", runs=runs)
    table = paper_tables.failed_shown(paper_tables.accuracy_by_batch(runs))  # as Tables III and IV show a failed B
    book.publish(book.styled(table, 3), f"{name}: test accuracy and its gap Δ per B, seed means over the runs that "
                 "trained with 95 % intervals (a cell has one only where at least two runs trained and most did); "
                 "`at chance`: runs that did not train; a failed cell (at least half of its runs at chance) has no "
                 "mean, its few that trained named in `cell`. The paper has no table of it, so there is nothing to "
                 "compare and no verdict.", table, f"{dataset} test accuracy and gap", runs=runs)


def _one_scale(chapter: Chapter, runs: pd.DataFrame, datasets: list[str]) -> tuple[pd.DataFrame, str, pd.DataFrame]:
    """`runs` of `datasets` where they render one profile, else every data set's quick runs (which all have): a
    drop at paper scale is not comparable with one on subsets trained for fewer epochs. Returns the runs, a
    sentence where it switched, and the paper-scale runs it set aside (empty where it did not switch), to show
    beside them (`_at_paper_scale`)."""
    profiles = {d: runtable.runs_profile(part, chapter.profile) for d, part in runs.groupby("dataset")}
    if len(set(profiles.values())) <= 1:
        return runs, "", runs.iloc[:0]
    quick = book.Chapter(chapter.sections, "quick", chapter.device, chapter.seeds, chapter.data_dir, None,
                         chapter.batch_sizes)
    found = [runs_if_data(quick, d) for d in datasets]
    at_paper = runs[runs["dataset"].map(profiles) == "paper"]
    return (pd.concat([f for f in found if len(f)], ignore_index=True),
            "This chapter renders these data sets at different scales, so here all three are compared at the "
            "reduced one, which every one of them has; the paper-scale runs of those that have them follow. ", at_paper)


def _at_paper_scale(at_paper: pd.DataFrame, datasets: list[str], table: pd.DataFrame, easy: str, hard: str) -> str:
    """Beside a comparison `table` at reduced scale: the same numbers on the data sets that have paper-scale runs
    (`drops.data_drops` or `drops.gap_rises`, as `table` is, between each pair of `drop_pairs.data_pairs`), and how
    many paper runs the others lack (`drops.scale_contrast`); '' where none was set aside."""
    if at_paper.empty:
        return ""
    have = [d for d in datasets if d in set(at_paper["dataset"])]
    waiting = paper_runs_stored([d for d in datasets if d not in have])
    measure = drops.data_drops if drops.DROP in table else drops.gap_rises
    pairs = list(drop_pairs.data_pairs().items())  # both pairs, whichever the reduced scale has; the wait said once
    said = [drop_pairs.labelled(label) + drops.scale_contrast(
        measure(at_paper, have, ends), waiting if i == len(pairs) - 1 else {}, easy, hard)
        for i, (label, ends) in enumerate(pairs)]
    return "\n\n".join(said) + f" Scale: {captions.scale_text(at_paper)}."


def _recipe(runs: pd.DataFrame) -> tuple[str, str]:
    """The recipe whose failures `runs` show: where a profile cut the paper's warm-up
    (`plan.Profile.max_warmup_epochs`), 'the quick recipe (1-epoch warm-up)' and a caption sentence naming where;
    else 'the recipe' and ''."""
    due = [default_warmup(d, b) for d, b in zip(runs.get("dataset", []), runs.get("batch_size", []), strict=True)]
    cut = runs[runs["warmup_epochs"] < due] if "warmup_epochs" in runs else runs.iloc[:0]
    if cut.empty:
        return "the recipe", ""
    epochs = int(cut["warmup_epochs"].max())
    recipe = f"the {runtable.runs_profile(cut, 'reduced-scale')} recipe ({epochs}-epoch warm-up)"
    where = joined([f"{DATASET_NAMES[d]} (B = {joined([str(b) for b in sorted(set(part['batch_size']))])})"
                    for d, part in cut.groupby("dataset", sort=False)])
    paper_warmup = counted(max(DATASET_SPECS[d].warmup_epochs for d in cut["dataset"]), "epoch")
    return recipe, (f" {recipe[:1].upper() + recipe[1:]}: its runs of {where} warm up over "
                    f"{counted(epochs, 'epoch')}, not the paper's {paper_warmup}; a failure there tests that cut, not "
                    "the paper's recipe.")


def is_it_the_data(chapter: Chapter, runs: pd.DataFrame, test: str, lr_runs: pd.DataFrame | None = None,
                   easy: str = "mnist", hard: str = "cifar10") -> None:
    """The paper's explanation by the data (`paper.DIFFICULTY`) tested on `test`, a harder data set on `easy`'s
    recipe: per data set the drop in test accuracy between each pair of B fixed in advance (`drops.pair_drops`), at
    one scale (`_one_scale`), what the three support, in words (`drops.data_explanation`), and what paper scale says
    where a data set lacks it (`_at_paper_scale`); then `hard`'s drop under each LR rule of `lr_runs`
    (`rule_drops`). Where a profile cut the warm-up, the captions and words name the recipe it left (`_recipe`)."""
    datasets, given = [easy, test, hard], runs
    runs, switched, at_paper = _one_scale(chapter, runs[runs["dataset"].isin(datasets)], datasets)
    table, (recipe, cut) = drops.pair_drops(runs, datasets), _recipe(runs)
    shown = runs if len(runs) else None
    book.publish(book.styled(table), f"The drop in test accuracy per data set between each pair of B fixed in "
                 f"advance ({_pairs_text()}; `{drops.TWO_WAY}`: {DATASET_NAMES[easy]} and {DATASET_NAMES[test]} "
                 "alone, where no pair reads all three, at a large B chosen after seeing which cells failed, not fixed "
                 "in advance): the mean over the runs that trained minus the other, with Welch's 95 % interval; "
                 f"`{RUNS}`: the runs that trained at whichever of the two B has fewer (the interval's n); "
                 "`large B failed`: most runs at the large B did not train (a collapse, no drop to average); "
                 "`failed B`: the compared B whose cell failed; `best test acc (%)`: the data set's best cell here "
                 f"(how hard it is by its own accuracy).{cut}", table, "Is it the data", runs=shown)
    for label, part in table.groupby(drop_pairs.PAIR, sort=False):
        book.publish(plots.data_drops(part), f"The drop in test accuracy {_between(part)} per data set ({label} "
                     f"of the table above) with its 95 % interval; dashed: no drop.{cut}", part,
                     f"Is it the data figure, {label}", runs=shown)
    scale = f"Scale: {captions.scale_text(runs)}." if len(runs) else ""
    display(Markdown(f"{switched}{drops.data_explanation(table, test, easy, hard, recipe)} {scale}"))
    if contrast := _at_paper_scale(at_paper, datasets, table, easy, hard):
        display(Markdown(contrast))
    if lr_runs is not None and (by_rule := rule_drops.rule_drops_text(given, lr_runs, easy, hard)):
        display(Markdown(by_rule))  # `hard`'s drop under each LR rule stored (`lr_runs`): none, nothing shown


def gap_is_it_the_data(chapter: Chapter, runs: pd.DataFrame, test: str, easy: str = "mnist",
                       hard: str = "cifar10") -> None:
    """The gap chapter's side of "Is it the data?": first whether our Fig 5 shows the paper's reading at all (the
    slopes of Δ on log₂ B of `easy` and `hard`, `readings.gap_slope`, as the chapter renders them, set against
    each other only where both render one profile); then Δ against B for `easy`, `test` and `hard` at one scale
    (`_one_scale`), how much Δ rises on each between the pairs of B the accuracy side reads, fixed in advance
    (`drops.pair_rises`), in words per pair (`drops.gap_rise_text`), and what paper scale says where a data set lacks
    it (`_at_paper_scale`)."""
    datasets = [easy, test, hard]
    chosen = runs[runs["dataset"].isin(datasets)]
    profiles = {d: runtable.runs_profile(chosen[chosen["dataset"] == d], chapter.profile) for d in (easy, hard)}
    pair = chosen[chosen["dataset"].isin([easy, hard])]
    kept, left_out = runtable.outside_failed_cells(pair)  # as the Fig. 5 row: no failed cell's survivor
    slopes = {}
    for dataset in (easy, hard):
        try:
            slopes[dataset] = gap_slope(kept[kept["dataset"] == dataset])
        except NotTestable:
            continue
    if len(pair):
        left = f" Left out of the slopes: {left_out}, as of every mean." if left_out else ""
        display(Markdown(f"{gap_slopes_text(slopes, profiles, easy, hard)}{left} Scale: "
                         f"{captions.scale_text(pair)}."))
    runs, switched, at_paper = _one_scale(chapter, chosen, datasets)
    if runs.empty:
        display(Markdown(_absent(test)))
        return
    full, squares = captions.paper_squares(runs)
    recipe, cut = _recipe(runs)
    names = {d: DATASET_NAMES[d] for d in datasets}
    book.publish(plots.gap_against_b(runs, full), f"Generalization gap Δ against B for {names[easy]}, {names[test]} "
                 f"(harder images on {names[easy]}'s recipe) and {names[hard]}; {squares}; dashed line: the paper's "
                 f"bound. Runs that did not train are crosses, outside the mean.{cut}",
                 runtable.mean_by_batch(runs, trained_only=True), "Gap, is it the data", runs=runs)
    rises = drops.pair_rises(runs, datasets)
    book.publish(book.styled(rises), f"How much Δ rises per data set between each pair of B fixed in advance "
                 f"({_pairs_text()}): the mean over the runs that trained at the large B minus that at the small one "
                 f"(negative: a fall), with Welch's 95 % interval; `{RUNS}`: the runs that trained at whichever of "
                 f"the two B has fewer (the interval's n).{cut}",
                 rises, "Gap rises", runs=runs)
    said = drops.gap_rise_text(rises, test, easy, hard, recipe)  # a paragraph per pair, after the switch's own
    display(Markdown(f"{switched.strip()}\n\n{said}" if switched else said))
    if contrast := _at_paper_scale(at_paper, datasets, rises, easy, hard):
        display(Markdown(contrast))


