"""The inputs of the claims' rules (`report_tables`) and the runs behind them (`report_runs`), built through the
same drivers and caches (`analysis`, `summaries`) as the chapters that show them, so that a claim and its chapter
cannot disagree (`tests/test_evidence.py` holds them to the same runs); `largest_batch_runs`, every seed of the
paper's recipe at MNIST's largest B, which a chapter and a claim both count (`recipe_configs`: the seeds planned);
and `pending`, what of that the sweeps have yet to store."""

from __future__ import annotations

import pandas as pd

from . import analysis, summaries
from .config import RunConfig
from .datasets import DATASET_NAMES, PAPER_SECTIONS, SYNTHETIC
from .findings_beyond import section_words
from .plan import get_profile, section_configs
from .store import RunStore, default_store
from .sweep import paper_counts, run_sweep, stored_counts
from .timing import cnn_speed

# The data sets whose gradient variance the report judges (the noise chapter's default): CIFAR-10's CNN is left out,
# its cost per network a multiple of MNIST's ~12 CPU-minutes on `analysis.CNN_VARIANCE`'s budget.
VARIANCE_DATASETS = (*SYNTHETIC, "mnist")

LARGEST_BATCH = "mnist-largest-batch"  # the sweep section of further seeds of the paper's recipe at MNIST's largest B


def recipe_configs(profile: str) -> list[RunConfig]:
    """The configs of the `mnist-largest-batch` section under `profile` that are the paper's recipe itself (its
    config of their B and seed), not a change of one ingredient: the seeds a failure rate counts, stored or not."""
    recipe = get_profile(profile)
    return [c for c in section_configs(profile, LARGEST_BATCH)
            if c.key() == recipe.config(c.dataset, c.batch_size, c.seed).key()]


def _largest_batch_read(chapter) -> tuple[str, RunStore, list[RunConfig], list[RunConfig]]:
    """Where `largest_batch_runs` reads: the profile and store (under `auto` the paper's: the recipe is the
    paper's; a profile or store given by hand, its own), the section's configs, and the recipe's among them."""
    profile, store = ("paper", default_store("paper")) if chapter.per_dataset else (chapter.profile, chapter.store)
    return profile, store, section_configs(profile, LARGEST_BATCH), recipe_configs(profile)


def largest_batch_runs(chapter, recipe_only: bool = True) -> pd.DataFrame:
    """Every run of the paper's recipe (linear rule, its warm-up) at MNIST's largest B that the store holds, the
    `mnist` section's seeds and the further seeds of the `mnist-largest-batch` section (42–49 at paper scale), as
    many as are finished: a failure rate counts every seed there is. Without `recipe_only`, also the section's runs
    that change one ingredient of it (LR rule, warm-up), marked by the column `recipe`. Under `auto` the paper
    store (the recipe is the paper's); a profile or store given by hand reads its own. Read, never trained (empty
    where none is finished)."""
    profile, store, configs, recipe = _largest_batch_read(chapter)
    recipes = {c.key() for c in recipe}
    chosen = [c for c in configs if store.has(c) and (c.key() in recipes or not recipe_only)]
    if not chosen:
        return pd.DataFrame()
    runs = run_sweep(chosen, store, profile, progress=False)
    return runs.assign(section=LARGEST_BATCH, recipe=runs["key"].isin(recipes))


def pending(chapter) -> pd.DataFrame:
    """What the report reads of a sweep still under way, one row per section and data set whose runs are planned
    and not all stored (`sweep.stored_counts`, as the deviations page counts them): `stored` of `planned` and
    `said`, the same in words. Under `auto` a data set of the chapter's sections renders the quick profile until its
    paper runs are all in, so its paper runs count (a profile given by hand trains what its store lacks); of
    `mnist-largest-batch` the report reads the recipe's runs as far as they are stored, so those count, at the
    scale they are read. Empty where nothing the report reads is pending."""
    rows = []
    if chapter.per_dataset:
        for section in chapter.sections:
            for dataset, (held, planned) in paper_counts(section).items():
                named = section_words(section) + ("" if dataset == section else f" ({DATASET_NAMES[dataset]})")
                rows.append({"section": section, "dataset": dataset, "stored": held, "planned": planned,
                             "said": f"{named}: {held} of {planned} stored"})
    _, store, configs, recipe_runs = _largest_batch_read(chapter)
    (held, planned), = stored_counts(configs, store).values()  # MNIST's alone
    (seeds, recipe), = stored_counts(recipe_runs, store).values()  # a seed each
    largest = max(c.batch_size for c in configs)
    rows.append({"section": LARGEST_BATCH, "dataset": "mnist", "stored": seeds, "planned": recipe,
                 "said": f"{section_words(LARGEST_BATCH)}: {held} of {planned} stored, {seeds} of the {recipe} seeds "
                         f"of the paper's recipe at B = {largest}"})
    table = pd.DataFrame(rows, columns=["section", "dataset", "stored", "planned", "said"])
    return table[table["stored"] < table["planned"]].reset_index(drop=True)


def report_runs(chapter) -> dict[str, pd.DataFrame]:
    """The runs behind each table of `report_tables`, by its name: what each claim's rule judges and what its
    chapter must show (tests/test_evidence.py). Reading them measures nothing (and trains nothing the stores have)."""
    accuracy = pd.concat([chapter.table(s) for s in PAPER_SECTIONS], ignore_index=True)
    variance = analysis.with_weights(chapter, accuracy[accuracy["dataset"].isin(VARIANCE_DATASETS)])
    return {
        # the learning curves: every data set's epochs to a shared accuracy, and CIFAR-10's slowdown so far
        "histories": pd.concat([accuracy, chapter.paper_so_far("cifar10")]),
        "accuracy": accuracy,
        "lr-scaling": chapter.table("lr-scaling"),
        "sharpness": analysis.with_weights(chapter, accuracy),
        "variance_fits": analysis.base_batch_models(variance, list(VARIANCE_DATASETS)),
        "critical_runs": pd.concat([accuracy, chapter.table("dataset-size")]).drop_duplicates("key"),
        LARGEST_BATCH: largest_batch_runs(chapter),
    }


def _surface_rise(chapter, weights: pd.DataFrame) -> pd.DataFrame:
    """How fast each loss surface of Figs 9–10 rises (`summaries.surface_rise`, as the landscape chapter shows it),
    with each run's outcome (a ratio is over the runs that trained): what the flat-vs-sharp claim judges."""
    if weights.empty:
        return pd.DataFrame()
    surfaces = analysis.loss_surfaces(chapter, weights, list(weights["dataset"].unique()))
    if surfaces.empty:
        return pd.DataFrame()
    return summaries.surface_rise(surfaces).merge(weights[["dataset", "batch_size", "seed", "outcome"]],
                                                  on=["dataset", "batch_size", "seed"])


def report_tables(chapter) -> dict[str, pd.DataFrame]:
    """The tables `report.evaluate` judges, from the chapter's `synthetic`, `mnist`, `cifar10`, `lr-scaling` and
    `dataset-size` sections (`report_runs`), through the same drivers (and caches) as the chapters that show them,
    so that a claim and its chapter cannot disagree. Sharpness and variance use every seed whose weights the store
    keeps: the claims compare intervals."""
    runs = report_runs(chapter)
    cifar = runs["histories"]
    return {
        **runs,
        "histories": chapter.history(cifar) if not cifar.empty else pd.DataFrame(),
        "sharpness": analysis.sharpness_table(chapter, runs["sharpness"]),
        "surface_rise": _surface_rise(chapter, runs["sharpness"]),
        "variance_fits": summaries.variance_fits(analysis.variance_table(
            chapter, runs["variance_fits"], [1, 2, 4, 8, 16, 32, 64, 128, 256, 512])),
        "cnn-speed": cnn_speed(),
    }
