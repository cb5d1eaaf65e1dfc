"""What the learning-rate chapter publishes on CIFAR-10's LR-rule runs at the paper's scale so far, and on MNIST's
largest batch size (where its runs leave the normal range, which ingredient of the recipe the failures follow):
each function shows one section's figures and tables with their captions, from the runs a chapter hands it. Apart
from `pages_training`, which holds the other sections on how large batches train."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from IPython.display import Markdown, display

from . import (
    analysis,
    book,
    findings,
    findings_beyond,
    findings_largest_batch,
    instability,
    plots,
    plots_failures,
    runtable,
    summaries,
)
from .datasets import DATASET_SPECS
from .report_inputs import LARGEST_BATCH

if TYPE_CHECKING:
    from .book import Chapter


def cifar_lr_so_far(chapter: Chapter) -> None:
    """The `cifar10-lr` section's paper-scale runs finished so far, while the section renders the reduced scale (its
    paper sweep spans sessions): beside it, never as its result, each rule against the paper-scale `cifar10` runs at
    B = 32 as the landing page sets them (`findings.against_base`); nothing where none is finished."""
    runs = chapter.paper_so_far("cifar10-lr")
    if runs.empty:
        return
    runs = summaries.with_rule_names(runs)
    planned = findings_beyond.planned_by_rule("cifar10-lr")
    so_far = f"{len(runs)} of the section's {planned.sum()} paper-scale runs"
    book.publish(plots.seeds_by_rule(runs, 100 / DATASET_SPECS["cifar10"].classes), "CIFAR-10 at the paper's scale, "
                 f"the runs finished so far ({so_far}): every seed under each LR rule, and the mean over the runs "
                 "that trained with its 95 % t interval; chance dashed. Not the section's result until it is "
                 "complete.", runs[["batch_size", "rule", "lr", "seed", "test_acc", "outcome"]],
                 "CIFAR-10 LR rules, paper scale so far", runs=runs)
    display(Markdown(f"**So far at the paper's scale ({so_far}):** "
                     f"{findings.cifar_lr_answer(runs, planned, book.Chapter.paper_stored('cifar10'))}"))


def first_updates(chapter: Chapter, mnist: pd.DataFrame) -> None:
    """MNIST's runs at its two largest B replayed update by update (`analysis.first_updates`): where each first
    left the normal range (`instability.excursions`), drawn and in words."""
    largest = mnist[mnist["batch_size"].isin(sorted(mnist["batch_size"].unique())[-2:])]
    traced = analysis.first_updates(chapter, largest)
    left = instability.excursions(traced)
    book.publish(plots_failures.first_updates(traced, left), "MNIST, the first updates of every seed at the two "
                 f"largest B: mini-batch loss (log scale, cut at {plots_failures.LOSS_CEILING:,.0f}: a "
                 "diverging run leaves through the top), a uniform guess's loss dashed, each run's first excursion "
                 "above it marked ×, the warm-up's LR dotted (right axis).", left, "MNIST first updates",
                 runs=largest)
    display(Markdown(findings_largest_batch.excursions_text(left, largest)))


def largest_batch_ingredients(chapter: Chapter, runs: pd.DataFrame) -> None:
    """MNIST's largest B under the paper's recipe and under one ingredient changed at a time
    (`report_inputs.largest_batch_runs` without `recipe_only`): every seed, the failures per rule, and in words which
    ingredient the failures follow (`findings_largest_batch.ingredients_text`), read against where the recipe's
    runs, failed and trained, left the normal range (replayed by `analysis.first_updates`: whether that onset
    separates them) and what the planned runs can show."""
    if runs.empty or not runs["recipe"].any():
        display(Markdown("No run of the paper's recipe at MNIST's largest B is finished in this store."))
        return
    runs, planned = summaries.with_rule_names(runs), planned_by_rule(runs)
    stored = runs[~runs["recipe"]].groupby("rule").size().to_dict()
    changes = findings_largest_batch.planned_changes(runs.loc[runs["recipe"], "rule"].iloc[0], planned, stored)
    table = summaries.failures_by_rule(runs, len(changes))
    changed = ("with one ingredient changed" if (~runs["recipe"]).any() else
               "(the runs that change one ingredient of it are not finished yet)")
    book.publish(plots.seeds_by_rule(runs, 100 / DATASET_SPECS["mnist"].classes), "MNIST test accuracy at its "
                 f"largest B under the paper's recipe {changed}: every seed, and the mean over the runs that trained "
                 "with its 95 % t interval; chance dashed.", runs[["rule", "lr", "seed", "test_acc", "outcome"]],
                 "MNIST largest-B rules", runs=runs)
    curves = chapter.history(runs)
    book.publish(plots_failures.rule_curves(curves, runs), "The same runs epoch by epoch, one row per rule: every "
                 "seed's running training loss (log; the warm-up in the title) and test accuracy, labelled with how "
                 "it ended; chance dashed. Whether a change's runs also spiked early and recovered shows here, not "
                 "in how they ended.", curves, "MNIST largest-B curves per rule", runs=runs)
    shown = table.drop(columns=["collapsed", "diverged", "status", "trained"])  # in the CSV
    book.publish(book.styled(shown), "The same runs per rule: how many failed (collapsed or diverged; the CSV "
                 "counts each), the failure rate with its exact (Clopper–Pearson) 95 % interval, the test accuracy "
                 "of the runs that trained, and Fisher's exact test of each rule's failures against the recipe's, "
                 f"with Holm's correction for the {len(changes)} planned changes, stored or not.", table,
                 "MNIST largest-B failures per rule", runs=runs)
    recipe = runs[runs["recipe"]]
    trained = dict(zip(recipe["seed"], runtable.trained(recipe), strict=True))
    left = (instability.excursions(analysis.first_updates(chapter, recipe)).pipe(
        lambda found: found.assign(trained=found["seed"].map(trained))) if not all(trained.values()) else None)
    display(Markdown(findings_largest_batch.ingredients_text(table, planned, left)))


def largest_batch_failures(runs: pd.DataFrame) -> None:
    """How often the paper's recipe failed at MNIST's largest B (`report_inputs.largest_batch_runs` without
    `recipe_only`), beside Table III, for the accuracy chapter: how many of the recipe's planned seeds are stored
    (the rate provisional until all are), and how far the learning-rate chapter's runs that change one ingredient
    are."""
    if runs.empty or not runs["recipe"].any():
        display(Markdown("No run of the paper's recipe at MNIST's largest B is finished in this store."))
        return
    runs = summaries.with_rule_names(runs)
    recipe, planned = runs[runs["recipe"]], planned_by_rule(runs)
    seeds = findings_largest_batch.seeds_stored(list(recipe["seed"].unique()), planned[recipe["rule"].iloc[0]])
    failures = summaries.failure_table(recipe)
    book.publish(book.styled(failures), "Runs of the paper's recipe at MNIST's largest B: how many failed "
                 "(collapsed to a constant predictor, or diverged), the failure rate in percent with its exact "
                 "(Clopper–Pearson) 95 % interval, the test accuracy of the runs that trained (an interval only "
                 f"where at least two trained and most did) and the paper's Table III value. {seeds}", failures,
                 "Failure rate at MNIST's largest B", runs=recipe)
    changes = sum(n for rule, n in planned.items() if rule != recipe["rule"].iloc[0])
    display(Markdown(findings_largest_batch.changes_stored(int((~runs['recipe']).sum()), changes)))


def planned_by_rule(runs: pd.DataFrame) -> dict[str, int]:
    """The runs of MNIST's largest-batch section planned per LR rule (`findings_beyond.planned_by_rule`) in the
    profile `runs` were made with."""
    planned = findings_beyond.planned_by_rule(LARGEST_BATCH, runtable.runs_profile(runs, "paper"))
    return planned.groupby(level="rule").sum().to_dict()
