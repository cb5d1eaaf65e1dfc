"""The drop in test accuracy between two batch sizes, per data set: §VII's claim ("degrades 2–6% as B grows from 32
to 512") and the accuracy chapter's "Is it the data?", which sets MNIST, a harder data set on MNIST's recipe
(Fashion-MNIST) and CIFAR-10 side by side to test the paper's explanation of CIFAR-10's collapse by its data
(`paper.DIFFICULTY`), in numbers (`data_drops`) and in words (`data_explanation`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import paper
from .critical import FAILED
from .datasets import DATASET_NAMES, DATASET_SPECS
from .runtable import cell, cells, trained
from .stats import Estimate, difference
from .style import number


def drop_between(runs: pd.DataFrame, dataset: str, small: int, large: int,
                 column: str = "test_acc") -> tuple[Estimate | None, str]:
    """The drop in test accuracy (or `column`) from B = `small` to `large` over the runs that trained
    (`critical.cell_status`: runs at chance are counted, never averaged in), None where either cell failed (at least
    half of its runs at chance); and a note naming the runs at chance of both cells."""
    ends = [cell(runs, dataset, b) for b in (small, large)]
    status = [cells(e).iloc[0]["status"] for e in ends]
    notes = [f"B = {b}: {int((~trained(e)).sum())} of {len(e)} runs at chance, "
             f"{'failed' if s == FAILED else 'left out'}"
             for b, e, s in zip((small, large), ends, status, strict=True) if not trained(e).all()]
    note = f" ({'; '.join(notes)})" if notes else ""
    if FAILED in status:
        return None, note
    return difference(*(e.loc[trained(e), column] for e in ends)), note


def drop_ends(runs: pd.DataFrame) -> tuple[int, int] | None:
    """The two B between which `data_drops` compares the data sets of `runs`: §VII's (`paper.DROP_ENDS`, 32 and 512)
    where every data set has both, else the B they all have nearest to each on the log scale (the quick profile
    stops below 512); None where they share no two."""
    shared = sorted(set.intersection(*(set(part["batch_size"]) for _, part in runs.groupby("dataset")))) \
        if len(runs) else []
    small_end, large_end = paper.DROP_ENDS
    nearest = lambda sizes, target: min(sizes, key=lambda b: abs(np.log2(b / target)))
    if len(shared) < 2:
        return None
    small = nearest(shared[:-1], small_end)
    return int(small), int(nearest([b for b in shared if b > small], large_end))


def between(table: pd.DataFrame) -> str:
    """The two B of a `data_drops` table in words: 'from B = 32 to B = 512' ('between two B' where there are none)."""
    ends = table[["B small", "B large"]].dropna()
    return "between two B" if ends.empty else "from B = {} to B = {}".format(*(int(b) for b in ends.iloc[0]))


def _between_ends(runs: pd.DataFrame, datasets: list[str], column: str, name: str, sign: int = 1) -> pd.DataFrame:
    """Per data set of `datasets`, in that order, `sign` × the drop in `column` from the small to the large B of
    `drop_ends` (over the data sets that have runs) by `drop_between`, as `name`: mean over the runs that trained
    with Welch's 95 % interval (none below two seeds), `large B failed` where the large end's runs mostly did not
    train (a collapse: nothing to average), and a note (runs at chance; no runs; no two B shared)."""
    runs = runs[runs["dataset"].isin(datasets)]
    ends = drop_ends(runs)
    rows = []
    for dataset in datasets:
        part = runs[runs["dataset"] == dataset]
        row = {"dataset": dataset, "B small": ends[0] if ends else np.nan, "B large": ends[1] if ends else np.nan,
               name: np.nan, "CI low": np.nan, "CI high": np.nan, "seeds": 0, "large B failed": False,
               "note": "no runs" if part.empty else "" if ends else "no two B shared by the data sets"}
        if ends and not part.empty:
            drop, note = drop_between(part, dataset, *ends, column=column)
            row["note"] = note.strip(" ()")
            if drop is None:
                row["large B failed"] = cells(cell(part, dataset, ends[0])).iloc[0]["status"] != FAILED
                row["seeds"] = min(len(cell(part, dataset, b)) for b in ends)
            else:
                low, high = sorted((sign * drop.low, sign * drop.high)) if drop.n >= 2 else (np.nan, np.nan)
                row |= {name: sign * drop.mean, "CI low": low, "CI high": high, "seeds": drop.n}
        rows.append(row)
    return pd.DataFrame(rows)


def data_drops(runs: pd.DataFrame, datasets: list[str]) -> pd.DataFrame:
    """Per data set of `datasets`, the drop in test accuracy between the two B of `drop_ends` (`_between_ends`):
    the "Is it the data?" section's table, which `data_explanation` reads."""
    return _between_ends(runs, datasets, "test_acc", "drop (pp)")


RISE = "rise in Δ (pp)"


def gap_rises(runs: pd.DataFrame, datasets: list[str]) -> pd.DataFrame:
    """Per data set of `datasets`, how much the gap Δ rises between the two B of `drop_ends`: Δ at the large B minus
    Δ at the small (`_between_ends`; no rise where either cell failed, and its note says why). Fig 5's reading,
    CIFAR-10's Δ rising steepest and MNIST's flat, asked of a harder data set on MNIST's recipe (`gap_rise_text`)."""
    return _between_ends(runs, datasets, "gap", RISE, sign=-1).drop(columns="large B failed")


def gap_rise_text(rises: pd.DataFrame, test: str, easy: str = "mnist", hard: str = "cifar10") -> str:
    """`gap_rises` in words: each data set's rise, then whether `test`'s is as `easy`'s, as `hard`'s, or between
    (95 % intervals apart or overlapping, `_compared`); what cannot be compared, said so."""
    found = {r["dataset"]: Estimate(r[RISE], r["CI low"], r["CI high"], int(r["seeds"]))
             for _, r in rises.iterrows() if pd.notna(r["CI low"])}
    ends = rises[["B small", "B large"]].dropna()
    if ends.empty:
        return "The data sets share no two batch sizes, so their gaps' rises cannot be compared."
    small, large = (int(b) for b in ends.iloc[0])
    said = "; ".join(f"{DATASET_NAMES[r['dataset']]}: " + (found[r["dataset"]].text(" pp") if r["dataset"] in found
                                                          else f"no interval ({r['note'] or 'one seed'})")
                     for _, r in rises.iterrows())
    text = (f"From B = {small} to B = {large} the gap Δ changes by (at the large B minus at the small, positive where "
            f"it rises; mean over the runs that trained, 95 % interval) {said}.")
    if not {easy, test, hard} <= set(found):
        return text + " Without an interval for each of the three, they cannot be compared."
    return (f"{text} {DATASET_NAMES[test]}'s rise is {_compared(found[test], found[easy], DATASET_NAMES[easy])} and "
            f"{_compared(found[test], found[hard], DATASET_NAMES[hard])}.")


_OPTIMIZERS = {"adam": "Adam", "sgd": "SGD with momentum"}


def _recipe_differences(easy: str, hard: str) -> str:
    """What the paper's recipe for `hard` does differently from `easy`'s (Table II), in words: the other causes
    that a data set on `easy`'s recipe leaves in place."""
    a, b = DATASET_SPECS[easy], DATASET_SPECS[hard]
    found = [f"its network ({b.model}, not {a.model})"] if a.model != b.model else []
    if a.optimizer != b.optimizer:
        found.append(f"its optimizer ({_OPTIMIZERS[b.optimizer]}, not {_OPTIMIZERS[a.optimizer]})")
    if a.augment != b.augment:
        found.append(f"{'its' if b.augment else 'no'} data augmentation")
    if a.epochs != b.epochs:
        found.append(f"its epochs ({b.epochs}, not {a.epochs})")
    return ", ".join(found) or "nothing: the recipes are the same"


def _drop_of(drops: pd.DataFrame, dataset: str) -> Estimate | None:
    """A row of `data_drops` as an estimate: a collapse at the large B as an unbounded drop (larger than
    any measured one), None where there is no drop with an interval."""
    row = drops.set_index("dataset").loc[dataset] if dataset in set(drops["dataset"]) else None
    if row is None:
        return None
    if row["large B failed"]:
        return Estimate(float("inf"), float("inf"), float("inf"), int(row["seeds"]))
    if pd.isna(row["CI low"]):
        return None
    return Estimate(row["drop (pp)"], row["CI low"], row["CI high"], int(row["seeds"]))


def _drop_words(drops: pd.DataFrame, dataset: str) -> str:
    row = drops.set_index("dataset").loc[dataset]
    if row["large B failed"]:
        return f"a collapse (most runs at B = {int(row['B large'])} did not train)"
    if pd.isna(row["drop (pp)"]):
        return f"no drop ({row['note']})"
    return _drop_of(drops, dataset).text(" pp") if pd.notna(row["CI low"]) else \
        f"{number(row['drop (pp)'], 'pp')} pp (one seed, no interval)"


def _above(a: Estimate, b: Estimate) -> bool:
    """Whether drop `a` is larger than drop `b`: their 95 % intervals apart."""
    return a.low > b.high


def _compared(a: Estimate, b: Estimate, name: str) -> str:
    """Drop `a` against drop `b` of data set `name`: 'as much as <name> (their intervals overlap)', or 'more than' or
    'less than <name> (intervals apart)'."""
    if not (_above(a, b) or _above(b, a)):
        return f"as much as {name} (their intervals overlap)"
    return f"{'more' if _above(a, b) else 'less'} than {name} (intervals apart)"


def data_explanation(drops: pd.DataFrame, test: str, easy: str = "mnist", hard: str = "cifar10") -> str:
    """Whether the paper's explanation of CIFAR-10's collapse by its data (`paper.DIFFICULTY`) holds on `test`, a
    harder data set on `easy`'s recipe, in words from `data_drops`: if `test` loses as much as `hard` and
    more than `easy` (95 % intervals apart or overlapping), the explanation gains support; if it stays as flat as
    `easy` and below `hard`, the cause likely lies in what `hard`'s recipe does differently; in between, both play a
    part; it cannot tell when a data set has no drop with an interval, when `hard` loses no more than `easy`, or
    when `test`'s interval overlaps both."""
    names = [DATASET_NAMES[d] for d in (easy, test, hard)]
    quotes = "; ".join(f"“{words}” ({where})" for where, words in paper.DIFFICULTY)
    text = f"The paper puts the difference down to the data: {quotes}. "
    ends = drops[["B small", "B large"]].dropna()
    if len(ends):
        small, large = (int(b) for b in ends.iloc[0])
        text += (f"From B = {small} to B = {large}, the drop in test accuracy (mean over the runs that trained, 95 % "
                 "Welch interval) is " + "; ".join(f"{n}: {_drop_words(drops, d)}" for d, n in
                                                   zip((easy, test, hard), names, strict=True))
                 + ("" if (small, large) == paper.DROP_ENDS else
                    f" (§VII's drop is from B = {paper.DROP_ENDS[0]} to {paper.DROP_ENDS[1]}, which these runs "
                    "do not all have)") + ". ")
    e, t, h = (_drop_of(drops, d) for d in (easy, test, hard))
    if e is None or t is None or h is None:
        missing = [n for d, n in zip((easy, test, hard), names, strict=True) if _drop_of(drops, d) is None]
        return text + (f"**Cannot tell yet:** {' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} no "
                       "drop with an interval here.")
    if not _above(h, e):
        why = f"{names[0]}'s runs collapse at the large B" if e.low == float("inf") else "their intervals overlap"
        return text + (f"**Cannot tell:** {names[2]} loses no more than {names[0]} here ({why}), so there is no "
                       "difference for the data to explain at this scale.")
    if _above(t, e) and not _above(h, t):
        return text + (f"**The “harder data” explanation gains support:** {names[1]}, {names[0]}'s format, network "
                       f"and recipe on harder images, loses {_compared(t, h, names[2])} and more than "
                       f"{names[0]} (intervals apart).")
    if _above(h, t) and not _above(t, e):
        return text + (f"**Against the “harder data” explanation:** {names[1]} loses {_compared(t, e, names[0])} "
                       f"and less than {names[2]} (intervals apart): harder images on {names[0]}'s recipe do not "
                       f"degrade like {names[2]}, so the cause is likely in what {names[2]}'s recipe does "
                       "differently: "
                       f"{_recipe_differences(easy, hard)}.")
    if _above(t, e) and _above(h, t):
        return text + (f"**Both play a part:** {names[1]} loses more than {names[0]} and less than {names[2]} "
                       f"(intervals apart from both): harder data explains part of the difference; the rest may lie "
                       f"in what {names[2]}'s recipe does differently: {_recipe_differences(easy, hard)}.")
    return text + (f"**Cannot tell yet:** {names[1]}'s interval overlaps both {names[0]}'s and {names[2]}'s; more "
                   "seeds would narrow it.")
