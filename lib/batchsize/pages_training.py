"""What the chapters on how large batches train publish, section by section (as `pages_accuracy` for the chapters
on accuracy; the checks of the setup in `pages_checks`): the gap and the matched-steps control, time to a target,
the learning-rate ablation (its paper-scale CIFAR-10 runs so far and MNIST's largest B in `pages_lr`), Algorithm 2's
advice against the runs. Each function shows one section's figures and tables with their captions, from the runs a
chapter hands it."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pandas as pd
from IPython.display import Markdown, display

from . import (
    book,
    captions,
    findings,
    paper,
    paper_table_v,
    paper_tables,
    plots,
    runtable,
    summaries,
    targets,
    timing,
)
from .datasets import DATASET_NAMES, DATASET_SPECS, SECTION_OF, SYNTHETIC, in_registry_order
from .run import ACCURACY_TARGET
from .store import config_of
from .style import counted, joined, number

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from .book import Chapter


def gap_against_b(runs: pd.DataFrame) -> None:
    """Fig 5: Δ against B, beside the paper's tables (Tables III, IV and VII, where the runs are at its scale) and its
    bound."""
    full, squares = captions.paper_squares(runs)
    book.publish(plots.gap_against_b(runs, full), f"Generalization gap Δ against B; {squares}; dashed line: the "
                 f"paper's Δ = {paper.GAP_BOUND}% bound for B ≤ {paper.GAP_BOUND_MAX_B}. "
                 "Runs that did not train are crosses, outside the mean.",
                 runtable.mean_by_batch(runs, trained_only=True), "Fig 5", runs=runs)


def pearson(runs: pd.DataFrame) -> None:
    """Pearson r of log B and Δ (`summaries.pearson_table`), over every data set and per data set, and in words."""
    table = summaries.pearson_table(runs)
    book.publish(book.styled(table, 3),
                 "Pearson correlation of log₂ B with Δ over the runs that trained (one point per run; `at chance`: "
                 "the runs left out, whose gap is a constant predictor's; `of failed cells`: the few that trained in "
                 "a cell where most did not, left out as of every mean), two-sided p-value and 95% Fisher-z "
                 "interval; then per data set. The report's claim on the Pearson r between log B and Δ grades the "
                 "first row.", table, "Pearson r", runs=runs)
    overall = table.iloc[0]
    display(Markdown(f"Over the runs that trained r = {number(overall['r'])} (95% CI {number(overall['ci_low'])} "
                     f"to {number(overall['ci_high'])}, p = {number(overall['p'], 'p')}, n = {overall['n']}); the "
                     f"paper reports r = {paper.PEARSON_R} with p < {paper.PEARSON_P}. Pooling data sets mixes levels "
                     "of Δ that differ by data set, so the per-data-set values say more. "
                     + findings.pearson_per_dataset(table)))


def gap_bound(runs: pd.DataFrame) -> None:
    """The highest Δ at B ≤ the paper's bound, per data set (`summaries.gap_bound_table`)."""
    worst = summaries.gap_bound_table(runs)
    book.publish(book.styled(worst),
                 f"Per data set, the cell at B ≤ {paper.GAP_BOUND_MAX_B} that decides its `verdict` on the paper's "
                 f"bound (Δ below {paper.GAP_BOUND}% everywhere), from the 95 % interval over the runs that trained: "
                 "wholly below the bound holds, wholly at or above it does not, across it cannot tell (not "
                 "resolved); a cell of one run (or seeds without spread) is a point: below the bound at best partly, "
                 "else not resolved. The worst cell is shown, then the highest Δ; cells where at least half the runs "
                 "did not train have no gap to bound (the report's row names them). The report's claim of that bound "
                 "takes the worst data set.", worst, "Gap bound", runs=runs)


def protocol(runs: pd.DataFrame, gap_threshold: float | None = None) -> None:
    """Algorithm 2 applied to each data set beside what we measured (`summaries.protocol_table`), and in words what
    following it would have cost (`findings.protocol_text`); `gap_threshold`: line 11's, None: the paper's."""
    threshold = paper.PROTOCOL_GAP if gap_threshold is None else gap_threshold
    table = summaries.protocol_table(runs, threshold)
    shown = table.drop(columns=["gap rule fires", "loss CI low", "loss CI high", "seeds"])  # in words, and below
    book.publish(book.styled(shown, 4),
                 "Algorithm 2 applied to each data set (N = our training examples, η₀ and B₀ from Table II), one row "
                 "per candidate B of lines 2–6 (the algorithm sets B to the pair and does not say which to train; "
                 "the report grades each data set by the worse of its two; a candidate not measured whose nearest "
                 "measured B is the other candidate's, marked in the column of that name, is graded once, there), "
                 "beside the measured accuracies: what training at the candidate would have cost against the best B "
                 f"we measured, and whether its gap rule (Δ > {threshold:g} pp) would have fired there.", table,
                 "Algorithm 2",
                 runs=runs)
    display(Markdown(findings.protocol_text(table, runs, threshold)))


CELL = ("batch_size", "epochs")  # a matched-steps cell: one B at one budget


def matched_steps(chapter: Chapter, matched: pd.DataFrame) -> None:
    """The matched-steps control: each large B against its base B at the fixed budget, at equal updates and at
    equal epochs, as curves, a table and a conclusion in words; the fixed budget over every seed stored
    (`with_every_fixed_seed`), and each row's seeds on each side."""
    runs = with_every_fixed_seed(chapter, matched)
    comparison = summaries.matched_steps(runs)
    curves = summaries.matched_curves(chapter.history(matched))
    fixed = runs[runs["epochs"] == runs["epochs"].min()]
    base = int(matched["batch_size"].min())
    book.publish(plots.matched_steps(curves, fixed.loc[fixed["batch_size"] == base, "steps"].median(),
                                     fixed["epochs"].min()),
                 "Medium synthetic set: test accuracy of each B's longest run against updates (left) and epochs "
                 f"(right), log scale; dotted: the fixed budget of B = {base}. Equal updates: read the curves at the "
                 "left panel's dotted line; equal epochs: at the same epoch on the right.", curves, "Matched steps",
                 runs=matched)
    seeds = runs.groupby(list(CELL))["seed"].nunique()
    longer = runs[runs["epochs"] > fixed["epochs"].min()]
    sides = f"seeds: B; B = {base}"
    shown = comparison.drop(columns="seeds").assign(**{sides: [
        f"{seeds[(b, e)]}; {seeds[(base, e0)]}" for b, e, e0 in zip(
            comparison["B"], comparison["epochs"], comparison[f"B = {base} epochs"], strict=True)]})
    book.publish(book.styled(shown),
                 f"Test accuracy and gap Δ of B minus those of B = {base} (seed means, Welch 95% interval; with one "
                 f"seed the point alone) at the fixed budget, at equal updates and at equal epochs; last, B = {base} "
                 f"trained longer against its fixed budget. Seeds: the fixed budget's are the accuracy runs' (Table "
                 f"VII's), every one stored ({captions.seeds_text(fixed, CELL)} per B), the longer budgets' this "
                 f"section's own{f' ({captions.seeds_text(longer, CELL)} per B)' if len(longer) else ''}; the last "
                 "column gives each side's.", shown, "Matched-steps comparison", runs=runs)
    display(Markdown(findings.matched_steps_conclusion(comparison)))


def with_every_fixed_seed(chapter: Chapter, matched: pd.DataFrame) -> pd.DataFrame:
    """The matched-steps runs with every seed the chapter's accuracy runs (`Chapter.read`: as it read them) hold of
    their fixed-budget configs: the very runs of Table VII, which trains more seeds than the matched-steps section
    plans for its longer runs, so that the fixed budget compares the means that table shows."""
    fixed = matched[matched["epochs"] == matched["epochs"].min()]
    unseeded = {dataclasses.replace(config_of(run), seed=0) for _, run in fixed.iterrows()}
    accuracy = pd.concat([chapter.read(s) for s in dict.fromkeys(SECTION_OF[d] for d in fixed["dataset"])])
    same = accuracy[[dataclasses.replace(config_of(run), seed=0) in unseeded for _, run in accuracy.iterrows()]]
    return pd.concat([matched, same], ignore_index=True).drop_duplicates("key", ignore_index=True)


def table_v(runs: pd.DataFrame, profile: str) -> None:
    """Table V beside our LR-ablation runs, the LR rules against B, and what they show in words."""
    table = paper_table_v.table_v(runs, profile)
    book.publish(book.styled(table, 4),
                 "The paper's values (columns headed paper; linear = its 'Scaled') beside our seed means over the runs "
                 "that trained, with their 95 % t interval; the square-root rule is ours. Verdicts as Table VII's, "
                 f"within {table_v_tolerances_said(table)}. Absolute accuracies are tested only on the paper profile.",
                 table, "Table V", runs=runs)
    book.publish(plots.lr_rules(runs), "Large synthetic set: test accuracy and gap against B for each LR rule; "
                 "dotted squares: the paper's Table V (fixed and linear).",
                 runtable.mean_by_batch(runs, ("lr", "test_acc", "gap"), ("batch_size", "lr_rule")), "LR rules",
                 runs=runs)
    display(Markdown(findings.lr_rule_summary(runs)))


def table_v_tolerances_said(compared: pd.DataFrame | None = None) -> str:
    """Table V's tolerances for `paper_table_v.table_v`'s table `compared` in words, 'narrowed' only where they are."""
    (tol, partly), (wide, partly_wide) = paper_table_v.table_v_tolerances(compared), paper_tables.ACC_TOLERANCES
    return f"{tol:g} and {partly:g} pp " + ("(narrowed where the paper's spread across a table is smaller; not here)"
                                            if (tol, partly) == (wide, partly_wide) else "(narrowed to the paper's "
                                            f"spread here, from {wide:g} and {partly_wide:g} pp)")


def cifar_lr_rules(runs: pd.DataFrame) -> None:
    """CIFAR-10 at large B under each LR rule (`summaries.with_rule_names`' runs), as a figure and a table, and
    the chapter's question answered in words (`findings.cifar_lr_answer`)."""
    cells = summaries.lr_rule_cells(runs)
    book.publish(plots.seeds_by_rule(runs, 100 / DATASET_SPECS["cifar10"].classes), "CIFAR-10 (Adam) test "
                 "accuracy at large B under four LR rules: every seed, and the mean over the runs that trained with "
                 "its 95 % t interval; chance dashed. If the collapse were batch size itself, every rule would "
                 "collapse; if the linear rule's large Adam LR causes it, fixed and square-root rules would not.",
                 runs[["batch_size", "rule", "lr", "seed", "test_acc", "outcome"]], "CIFAR-10 LR rules", runs=runs)
    book.publish(book.styled(cells, 4), "The same runs as a table (seed means).", cells,
                 "CIFAR-10 LR rules table", runs=runs)
    display(Markdown(findings.cifar_lr_answer(runs)))


def warmups_shown(*shown: pd.DataFrame) -> str:
    """'of 5 epochs': the warm-up of the runs with one in the tables a section shows (`shown`, in the order shown);
    where they differ, each named by its scale ('of 5 epochs at the paper's scale and of 1 epoch at reduced scale
    …'): a short profile caps the warm-up, so a reduced-scale stand-in does not train the paper's recipe."""
    said: dict[str, str] = {}
    for runs in (r[r["warmup_epochs"] > 0] for r in shown if len(r)):
        if len(runs):
            said.setdefault(f"of {counted(int(runs['warmup_epochs'].max()), 'epoch')}", "at the paper's scale" if
                            runtable.runs_profile(runs, "") == "paper" else "at reduced scale")
    return next(iter(said)) if len(said) == 1 else " and ".join(f"{w} {scale}" for w, scale in said.items()) + (
        " (a short profile caps the warm-up so that it never fills the training)")


def epoch_times_and_curves(runs: pd.DataFrame, history: pd.DataFrame, speed: pd.DataFrame | None) -> None:
    """Figs 6–8: each data set's median epoch time against B and its learning curves; the caption says per data
    set what timed its runs and where the report's speed-ups take their epoch times (`timing.timed_where`)."""
    for figure, group in {"Fig 6": list(SYNTHETIC), "Fig 7": ["mnist"], "Fig 8": ["cifar10"]}.items():
        part = runs[runs["dataset"].isin(group)]
        stacked = " (a synthetic epoch: its stack's time over its seeds, drawing the epoch's order and dropout " \
            "masks included)" if figure == "Fig 6" else ""
        if len(part):
            book.publish(plots.epoch_times_and_curves(part, history), "Median epoch time against B (log scale; "
                         "dotted squares: the paper, on its hardware) and test accuracy per epoch for every B: the "
                         "mean over the runs that trained, with the 95 % t interval over seeds (cut at 0 and 100 %); "
                         "a run that did not train on its own, grey and dotted, not in the mean. Epoch times are "
                         f"each run's median on the CPU that made it{stacked}. Per data set, what timed its runs "
                         f"(their provenance) and where the report's speed-ups take its epoch times: "
                         f"{timing.timed_where(part, speed, paper.BASE_BATCH)}.",
                         runtable.mean_by_batch(part, trained_only=True), figure, runs=part)


def time_to_target(runs: pd.DataFrame, history: pd.DataFrame, rule: float, speed: pd.DataFrame) -> None:
    """Epochs and seconds to each data set's target accuracy (`targets.runs_to_target`), per cell."""
    to_target = targets.runs_to_target(runs, history, rule, speed)
    cells = targets.target_cells(to_target)
    timed_apart = [DATASET_NAMES[d] for d in in_registry_order(
        to_target.loc[to_target["epoch times from"] == "benchmark", "dataset"].unique())]
    book.publish(plots.time_to_target(to_target), "Epochs and training seconds (that epoch × the epoch time) until "
                 f"the test accuracy first reaches the target: {ACCURACY_TARGET:.0f}% where two B reach it, else "
                 f"{rule} × the best accuracy of the data set (column `target`). Missing points: never reached in "
                 "the epoch budget. Epoch times: each run's median"
                 + (f", except for {', '.join(timed_apart)}, whose runs several sweeps timed: there each run's "
                    f"training images ÷ the training rate at its B measured by {speed['source'].iloc[0]} (column "
                    "“epoch times from”)"
                    if timed_apart else "") + ".", cells, "Time to target", runs=runs)


def cifar_slowdown(chapter: Chapter, runs: pd.DataFrame, name: str, speed: pd.DataFrame) -> None:
    """The report's `cifar-slowdown` rule's own table (`targets.to_shared_target`) on CIFAR-10's runs of `runs`."""
    cifar = runs[runs["dataset"] == "cifar10"] if len(runs) else runs
    if len(cifar):
        small, large = paper.CIFAR_SLOWDOWN
        timed, note = targets.to_shared_target(cifar, chapter.history(cifar), speed, (small, large), reference=small)
        book.publish(book.styled(timed.drop(columns="key"), na_rep="never"), f"Every run at B = {small} and {large}, "
                     f"{captions.scale_text(cifar)}: epochs, and this CPU's training seconds, to the target (the "
                     f"report grades the epochs), the highest test accuracy every run that trained at B = {small} "
                     f"reached (B = {large}'s runs set none of it); never: not within its budget (a run at chance, or "
                     f"one that trained but stayed below it){note}.", timed, name, runs=cifar)


def efficiency_ratios(runs: pd.DataFrame, speed: pd.DataFrame) -> None:
    """The paper's three efficiency ratios per data set (`timing.speed_ratios` from B₀: the report's numbers),
    beside its."""
    ratios = timing.speed_ratios(runs, speed, paper.BASE_BATCH)
    if ratios.empty:  # an empty table says nothing: say why there is none
        display(Markdown(f"No data set has a measured B₀ = {paper.BASE_BATCH} (at least two runs, and most, trained) "
                         "and a measured B above it: no ratio (the report's per-epoch and wall-clock speed-up rows are "
                         "not testable)."))
        return
    ratios.insert(ratios.columns.get_loc(f"{timing.PER_EPOCH} CI high") + 1, PAPER_SAME_PAIR,
                  [paper_tables.epoch_speedup(r["dataset"], r["small B"], r["large B"]) for _, r in ratios.iterrows()])
    shown, notes = timing.speed_ratios_shown(ratios)
    shown.insert(shown.columns.get_loc(f"{timing.RATIOS[timing.PER_EPOCH]} CI high") + 1, PAPER_SAME_PAIR,
                 ratios[PAPER_SAME_PAIR])
    spans = paper_tables.epoch_speedup_spans_said()
    book.publish(book.styled(shown, na_rep="no ratio"),
                 f"Per data set, its largest measured B against B₀ = {paper.BASE_BATCH}, the paper's base batch (as "
                 "for the epochs to the same accuracy, next table: the linear rule trains B = 1 at "
                 f"1/{paper.BASE_BATCH} of the base learning rate, so that its epochs are the learning rate's, not "
                 "the batch's; failed B are no end, named in the notes): per-epoch speed-up, epochs to "
                 f"{ACCURACY_TARGET:.0f}% test accuracy (the paper's convergence target; a run of the large B that "
                 "never reached it counts one epoch more than it trained: a lower bound) and wall-clock speed-up to "
                 "it; geometric means over the runs that trained, with their 95 % interval, and n. Seeds trained as "
                 "one stack share one epoch time, one timing: their per-epoch speed-up is one measurement (no "
                 "interval), and their wall clock carries the epochs' interval alone, the timing a constant factor "
                 "(its note says so). The report's "
                 f"per-epoch and wall-clock speed-up rows quote these numbers; the epochs to {ACCURACY_TARGET:.0f}% "
                 "are the wall clock's factor, not the evidence of the row on extra epochs (the next table). "
                 f"Column “{PAPER_SAME_PAIR}”: the paper's own per-epoch speed-up at the same pair of B, its "
                 "tables' epoch time at the small B over that at the large (Tables III, IV, VII, on its hardware): the "
                 "like-for-like figure. Its headline per-epoch speed-up, "
                 f"{paper.span(paper.EPOCH_SPEEDUP)}×, names no pair of B; its tables give {spans['paper_from_1']}× "
                 f"from B = 1 to their largest B and {spans['paper_from_b0']}× from B₀ = {paper.BASE_BATCH}. "
                 "Paper's wall-clock speedup: "
                 f"{paper.span(paper.WALL_CLOCK_SPEEDUP)}×. Notes: " + "; ".join(notes) + ".", ratios,
                 "Efficiency ratios", runs=runs)


PAPER_SAME_PAIR = "paper, same B (×)"  # the efficiency table's column of the paper's own per-epoch speed-up


def epoch_speedups_said(ratios: pd.DataFrame) -> str:
    """'slower for MNIST (B = 32 → 512: 0.57× [0.44, 0.73]; the paper's tables: 1.32×) and …': the per-epoch
    speed-ups of the paper's ratios (`timing.speed_ratios`), each data set under the direction its 95 % interval
    shows (a lone timing shows none), beside the paper's own at the same pair (`paper_tables.epoch_speedup`)."""
    said: dict[str, list[str]] = {}
    for _, row in (ratios[ratios[timing.PER_EPOCH].notna()] if timing.PER_EPOCH in ratios else ratios).iterrows():
        low, high = row[f"{timing.PER_EPOCH} CI low"], row[f"{timing.PER_EPOCH} CI high"]
        direction = ("one timing each, no interval, for" if pd.isna(low) else "faster for" if low > 1 else
                     "slower for" if high < 1 else "neither faster nor slower (the interval holds 1) for")
        interval = "" if pd.isna(low) else f" [{number(low, 'ratio')}, {number(high, 'ratio')}]"
        theirs = paper_tables.epoch_speedup(row["dataset"], row["small B"], row["large B"])
        theirs = "" if pd.isna(theirs) else f"; the paper's tables: {number(theirs, 'ratio')}×"
        said.setdefault(direction, []).append(f"{DATASET_NAMES[row['dataset']]} (B = {row['small B']} → "
                                              f"{row['large B']}: {number(row[timing.PER_EPOCH], 'ratio')}×{interval}"
                                              f"{theirs})")
    return "; ".join(f"{direction} {joined(names)}"
                     for direction, names in sorted(said.items(), key=lambda item: item[0].startswith("one"))) or (
        "not measured (no data set has a measured B₀ and a larger B)")


def same_accuracy_epochs(runs: pd.DataFrame, history: pd.DataFrame) -> None:
    """Epochs to the same accuracy at each data set's largest measured B over B₀ (`targets.same_accuracy_epochs`: the
    numbers the report's extra-epochs row grades), narrow enough for the page: each pair of ends in one cell."""
    table = targets.same_accuracy_epochs(runs, history, paper.BASE_BATCH)
    if table.empty:
        display(Markdown("No runs: no ratio (the report's row on extra epochs is not testable)."))
        return
    ends = [f"{number(s, 'batch')} → {number(la, 'batch')}" for s, la in zip(table["small B"], table["large B"],
                                                                              strict=True)]
    shown = pd.DataFrame({
        "dataset": table["dataset"], "B: small → large": ends,
        "η: small → large": ["" if pd.isna(s) else f"{number(s, 'lr')} → {number(la, 'lr')}"
                             for s, la in zip(table["η small"], table["η large"], strict=True)],
        "target (%)": table["target (%)"], "epochs, large ÷ small (×)": table[targets.EXTRA],
        "epochs, large ÷ small (×) CI low": table[f"{targets.EXTRA} CI low"],
        "epochs, large ÷ small (×) CI high": table[f"{targets.EXTRA} CI high"], "n": table["n"],
        "epochs of each run: small; large": [f"{s}; {la}" if s else "" for s, la in
                                             zip(table["epochs, small"], table["epochs, large"], strict=True)],
        "notes": table["note"]})
    book.publish(_not_estimable(book.styled(shown, na_rep="no ratio"), table, {"epochs, large ÷ small (×)": "n"}),
                 f"Per data set, the epochs its largest measured B needs to reach the same test accuracy as "
                 f"B₀ = {paper.BASE_BATCH} (the paper's base batch) over those B₀ needs; the target: the highest test "
                 "accuracy every run that trained at the two B reached. A geometric mean over the runs that got there, "
                 "with its 95 % interval over seeds (none where they all took the same epochs), and n; each run's "
                 "epochs in seed order (never: not within its budget, as a run at chance never gets there: counted in "
                 f"the notes, never averaged in). Not estimable: a ratio on fewer than {targets.MIN_RUNS} runs at an "
                 f"end that got there, or whose interval spans over {targets.MAX_SPAN:g}-fold, is no number to cite, "
                 "so none is given: each run's epochs stand in its place; η: each end's learning rate under the "
                 "linear rule. The report's row on extra epochs grades these numbers. Paper: "
                 f"{paper.span(paper.EXTRA_EPOCHS)}× more epochs.", table, "Epochs to the same accuracy", runs=runs)
    steps = targets.target_sensitivity(runs, history, paper.BASE_BATCH, table)
    counts = {f"{c.removesuffix(' n')} (×)": c for c in steps.columns if c.endswith(" n")}  # each target's n
    book.publish(_not_estimable(book.styled(steps.drop(columns=list(counts.values())), na_rep="no ratio"), steps,
                                counts), "The same ratio at each target and at "
                 f"{joined([f'{s:g}' for s in targets.TARGET_STEPS])} points below (targets: in that order), not "
                 "graded: the target is the lowest of the runs' peak accuracies, which a run may touch in a few epochs "
                 "of its budget, so that a ratio that moves with a slightly lower target is the ceiling's as much as "
                 "the batch's; not estimable: as in the table above. Each note is given once: after the targets it "
                 "applies to, or with no target named where it applies to every target.", steps,
                 "Epochs to the same accuracy against the target", runs=runs)


def _not_estimable(styler: Styler, table: pd.DataFrame, counts: dict[str, str]) -> Styler:
    """A ratio `targets` found not estimable (an n without a ratio: `targets.NOT_ESTIMABLE`) reads so, with its n,
    not as no ratio; `counts`: each ratio column of the styled table with the column of `table` that holds its n."""
    for column, n in counts.items():
        missing = (table[n].notna() & styler.data[column].isna()).to_numpy()
        styler.data.loc[missing, column] = [f"not estimable (n = {k:.0f})" for k in table.loc[missing, n]]
    return styler


def cnn_epoch_speedups() -> None:
    """The CNN benchmark's per-epoch speed-up over B = 1 on every CPU it was run on (`timing.CNN_BENCHMARKS`)."""
    every_cpu = pd.concat([timing.cnn_speed(path) for path in timing.CNN_BENCHMARKS], ignore_index=True)
    if len(every_cpu):
        speedups = timing.cnn_epoch_speedups(every_cpu)
        report = timing.cnn_speed(timing.CNN_BENCHMARK)  # the one the report quotes, where it is present
        quoted = "" if report.empty else (
            f" The report quotes the run on the {report['cpu'].iloc[0]} (its rate at B₀ = {paper.BASE_BATCH} against "
            "that at the largest measured B, where several sweeps timed the runs), timed on idle cores.")
        book.publish(plots.cnn_epoch_speedups(speedups), "Per-epoch speed-up of the CNN training step over B = 1 "
                     "(training images per second at B ÷ at B = 1; bars: 95 % interval over the benchmark's "
                     "repeats; log scale), one panel per CPU. Grey band: the paper's headline "
                     f"{paper.span(paper.EPOCH_SPEEDUP)}×, which names no B; dotted squares: the paper's own speed-up "
                     "over B = 1 at each B, from its tables' epoch times (Tables III, IV; its GPU). Measured by "
                     + "; and by ".join(every_cpu["source"].unique()) + "." + quoted, speedups, "CNN epoch speed-up")
