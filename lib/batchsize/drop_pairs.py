"""The pairs of B "Is it the data?" reads its data sets between, fixed before Fashion-MNIST's paper runs existed
(`data_pairs`), so that the drop in test accuracy (`drops.pair_drops`), the rise in the gap Δ (`drops.pair_rises`)
and CIFAR-10's drop under each LR rule (`rule_drops`) all read the same pairs, none chosen after its result; which
of them some runs have (`present_pairs`), and the B shared nearest to §VII's where they have neither (`drop_ends`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import paper
from .datasets import PAPER_BATCH_SIZES

PAIR, NEAREST = "pair", "nearest"  # a table's column naming its pair; the label where no declared pair is read


def data_pairs() -> dict[str, tuple[int, int]]:
    """The pairs of B "Is it the data?" compares, fixed before Fashion-MNIST's paper runs exist (not chosen after its
    result): §VII's (`paper.DROP_ENDS`), and from its small B to the grid's largest below its large one, a drop the
    collapses at the large B do not enter."""
    small, large = paper.DROP_ENDS
    return {"§VII's pair": (small, large),
            f"the pair below {large}": (small, max(b for b in PAPER_BATCH_SIZES if b < large))}


def drop_ends(runs: pd.DataFrame) -> tuple[int, int] | None:
    """The fallback where no pair of `data_pairs` is in `runs`: §VII's B (`paper.DROP_ENDS`, 32 and 512) where every
    data set has both, else the B they all have nearest to each on the log scale (the quick profile stops below
    512); None where they share no two."""
    shared = sorted(set.intersection(*(set(part["batch_size"]) for _, part in runs.groupby("dataset")))) \
        if len(runs) else []
    small_end, large_end = paper.DROP_ENDS
    nearest = lambda sizes, target: min(sizes, key=lambda b: abs(np.log2(b / target)))
    if len(shared) < 2:
        return None
    small = nearest(shared[:-1], small_end)
    return int(small), int(nearest([b for b in shared if b > small], large_end))


def present_pairs(runs: pd.DataFrame, datasets: list[str]) -> dict[str, tuple[int, int] | None]:
    """The pairs of `data_pairs` that a data set of `datasets` in `runs` has both B of; where there is none, the B
    they share nearest to §VII's as `NEAREST` (`drop_ends`, None where they share no two)."""
    sizes = [set(runs.loc[runs["dataset"] == d, "batch_size"]) for d in datasets]
    found = {label: ends for label, ends in data_pairs().items() if any({*ends} <= have for have in sizes)}
    return found or {NEAREST: drop_ends(runs[runs["dataset"].isin(datasets)])}


def ends_of(table: pd.DataFrame) -> tuple[int, int] | None:
    """The two B of a `drops.data_drops` or `drops.gap_rises` table, None where the data sets share no two."""
    ends = table[["B small", "B large"]].dropna()
    return None if ends.empty else (int(ends.iloc[0, 0]), int(ends.iloc[0, 1]))


def labelled(label: str) -> str:
    """The start of a paragraph on one pair, as the accuracy chapter's paper-scale readings start: '*§VII's pair.* '."""
    return f"*{label[:1].upper() + label[1:]}.* "
