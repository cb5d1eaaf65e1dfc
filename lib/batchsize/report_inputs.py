"""The inputs of the claims' rules (`report_tables`) and the runs behind them (`report_runs`), built through the
same drivers and caches (`analysis`, `summaries`) as the chapters that show them, so that a claim and its chapter
cannot disagree (`tests/test_evidence.py` holds them to the same runs); and `largest_batch_runs`, every seed of the
paper's recipe at MNIST's largest B, which a chapter and a claim both count."""

from __future__ import annotations

import pandas as pd

from . import analysis, summaries
from .datasets import PAPER_SECTIONS, SYNTHETIC
from .plan import get_profile, section_configs
from .store import default_store
from .sweep import run_sweep
from .timing import cnn_speed

# The data sets whose gradient variance the report judges (the noise chapter's default): CIFAR-10's CNN is left out,
# its cost per network a multiple of MNIST's ~12 CPU-minutes on `analysis.CNN_VARIANCE`'s budget.
VARIANCE_DATASETS = (*SYNTHETIC, "mnist")

LARGEST_BATCH = "mnist-largest-batch"  # the sweep section of further seeds of the paper's recipe at MNIST's largest B


def largest_batch_runs(chapter, recipe_only: bool = True) -> pd.DataFrame:
    """Every run of the paper's recipe (linear rule, its warm-up) at MNIST's largest B that the store holds, the
    `mnist` section's seeds and the further seeds of the `mnist-largest-batch` section (42–49 at paper scale), as
    many as are finished: a failure rate counts every seed there is. Without `recipe_only`, also the section's runs
    that change one ingredient of it (LR rule, warm-up), marked by the column `recipe`. Under `auto` the paper
    store (the recipe is the paper's); a profile or store given by hand reads its own. Read, never trained (empty
    where none is finished)."""
    profile, store = ("paper", default_store("paper")) if chapter.per_dataset else (chapter.profile, chapter.store)
    recipe = get_profile(profile)
    finished = {c.key(): c for c in section_configs(profile, LARGEST_BATCH) if store.has(c)}
    recipes = {k for k, c in finished.items() if k == recipe.config(c.dataset, c.batch_size, c.seed).key()}
    chosen = [c for k, c in finished.items() if k in recipes or not recipe_only]
    if not chosen:
        return pd.DataFrame()
    runs = run_sweep(chosen, store, profile, progress=False)
    return runs.assign(section=LARGEST_BATCH, recipe=runs["key"].isin(recipes))


def report_runs(chapter) -> dict[str, pd.DataFrame]:
    """The runs behind each table of `report_tables`, by its name: what each claim's rule judges and what its
    chapter must show (tests/test_evidence.py). Reading them measures nothing (and trains nothing the stores have)."""
    accuracy = pd.concat([chapter.table(s) for s in PAPER_SECTIONS], ignore_index=True)
    variance = analysis.with_weights(chapter, accuracy[accuracy["dataset"].isin(VARIANCE_DATASETS)])
    return {
        "histories": pd.concat([accuracy[accuracy["dataset"] == "cifar10"], chapter.paper_so_far("cifar10")]),
        "accuracy": accuracy,
        "lr-scaling": chapter.table("lr-scaling"),
        "sharpness": analysis.with_weights(chapter, accuracy),
        "variance_fits": analysis.base_batch_models(variance, list(VARIANCE_DATASETS)),
        "critical_runs": pd.concat([accuracy, chapter.table("dataset-size")]).drop_duplicates("key"),
        LARGEST_BATCH: largest_batch_runs(chapter),
    }


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
        "variance_fits": summaries.variance_fits(analysis.variance_table(
            chapter, runs["variance_fits"], [1, 2, 4, 8, 16, 32, 64, 128, 256, 512])),
        "cnn-speed": cnn_speed(),
    }
