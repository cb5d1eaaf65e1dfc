"""The drop in test accuracy between two batch sizes, per data set: §VII's claim ("degrades 2–6% as B grows from 32
to 512") and the accuracy chapter's "Is it the data?", which sets MNIST, a harder data set on MNIST's recipe
(Fashion-MNIST) and CIFAR-10 side by side to test the paper's explanation of CIFAR-10's collapse by its data
(`paper.DIFFICULTY`), between pairs of B fixed in advance (`drop_pairs`), in numbers (`pair_drops`, and the gap
chapter's rise in Δ, `pair_rises`) and in words (`data_explanation`, `gap_rise_text`); where a data set lacks
paper-scale runs, what the others say at paper scale (`scale_contrast`). What each comparison is read beside comes
from `readings`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import paper
from .critical import FAILED
from .datasets import DATASET_NAMES
from .drop_pairs import NEAREST, PAIR, data_pairs, drop_ends, ends_of, labelled, present_pairs
from .readings import (
    BEST,
    FAILED_B,
    PAPER_RISE,
    RISE,
    RUNS,
    at_chance,
    best_accuracy,
    harder,
    paper_change,
    paper_order,
    paper_reading,
    paper_words,
    recipe_differences,
    recipe_failures,
    waiting_text,
)
from .runtable import at_paper_scale, cell, cells, trained
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


def _between_ends(runs: pd.DataFrame, datasets: list[str], column: str, name: str, sign: int = 1,
                  ends: tuple[int, int] | None = None) -> pd.DataFrame:
    """Per data set of `datasets`, in that order, `sign` × the drop in `column` from the small to the large B of
    `ends` (None: `drop_ends` over the data sets that have runs) by `drop_between`, as `name`: mean over the runs
    that trained with Welch's 95 % interval (none below two seeds), `large B failed` where the large end's runs
    mostly did not train (a collapse: nothing to average), `failed B` (the ends whose cell failed,
    `critical.cell_status`), `RUNS` (the runs that trained at the end with fewer: the n of the interval) and a note
    (runs at chance; no runs; no two B shared)."""
    runs = runs[runs["dataset"].isin(datasets)]
    ends = ends or drop_ends(runs)
    rows = []
    for dataset in datasets:
        part = runs[runs["dataset"] == dataset]
        lacking = [b for b in ends or () if b not in set(part["batch_size"])]
        row = {"dataset": dataset, "B small": ends[0] if ends else np.nan, "B large": ends[1] if ends else np.nan,
               name: np.nan, "CI low": np.nan, "CI high": np.nan, RUNS: 0, "large B failed": False,
               FAILED_B: [], "note": "no runs" if part.empty else "" if ends else "no two B shared by the data sets"}
        if lacking and not part.empty:
            row["note"] = "no runs at " + " and ".join(f"B = {b}" for b in lacking)
        elif ends and not part.empty:
            drop, note = drop_between(part, dataset, *ends, column=column)
            row["note"] = note.strip(" ()")
            row[FAILED_B] = [b for b in ends if cells(cell(part, dataset, b)).iloc[0]["status"] == FAILED]
            if drop is None:
                row["large B failed"] = cells(cell(part, dataset, ends[0])).iloc[0]["status"] != FAILED
                row[RUNS] = min(int(trained(cell(part, dataset, b)).sum()) for b in ends)
            else:
                low, high = sorted((sign * drop.low, sign * drop.high)) if drop.n >= 2 else (np.nan, np.nan)
                row |= {name: sign * drop.mean, "CI low": low, "CI high": high, RUNS: drop.n}
        rows.append(row)
    return pd.DataFrame(rows)


DROP, TWO_WAY = "drop (pp)", "same recipe only, exploratory"
WIDE_PP = 20.0  # a drop's interval wider than a fifth of the accuracy scale is said to be wide, yet still read


def two_way_ends(runs: pd.DataFrame, easy: str, test: str, ends: tuple[int, int]) -> tuple[int, int] | None:
    """From the small B of `ends` to the largest B up to its large one at which `easy` and `test` (one recipe) both
    have a cell that did not fail (`critical.cell_status`), where neither failed at the small B either; None where
    there is no such pair. Exploratory: the large B is chosen after seeing which cells failed, not fixed in advance."""
    shared = set.intersection(*(set(runs.loc[runs["dataset"] == d, "batch_size"]) for d in (easy, test)))
    fine = lambda b: b in shared and all(cells(cell(runs, d, b)).iloc[0]["status"] != FAILED for d in (easy, test))
    large = [b for b in sorted(shared, reverse=True) if ends[0] < b <= ends[1] and fine(b)]
    return (ends[0], int(large[0])) if large and fine(ends[0]) else None


def pair_drops(runs: pd.DataFrame, datasets: list[str]) -> pd.DataFrame:
    """`data_drops` between each pair of `data_pairs` that a data set of `runs` has both ends of, named in `PAIR`
    (none: the B shared nearest to them, `NEAREST`; `drop_pairs.present_pairs`); where no pair is read three ways (a
    data set lacks a drop with an interval), the first two of `datasets` (one recipe) alone between `two_way_ends` of
    the last pair: an exploratory row, its large B chosen after seeing which cells failed."""
    tables = [data_drops(runs, datasets, ends).assign(**{PAIR: label})
              for label, ends in present_pairs(runs, datasets).items() if label != NEAREST]
    unread = not any(all(_drop_of(t, d) is not None for d in datasets) for t in tables)
    if unread and (two := two_way_ends(runs, *datasets[:2], list(data_pairs().values())[-1])):
        tables.append(data_drops(runs, datasets[:2], two).assign(**{PAIR: TWO_WAY}))
    table = pd.concat(tables, ignore_index=True) if tables else data_drops(runs, datasets).assign(**{PAIR: NEAREST})
    return table[[PAIR, *table.columns.drop(PAIR)]]


def data_drops(runs: pd.DataFrame, datasets: list[str], ends: tuple[int, int] | None = None) -> pd.DataFrame:
    """Per data set of `datasets`, the drop in test accuracy between the two B of `ends` (None: `drop_ends`;
    `_between_ends`), and its best test accuracy over every B of `runs` (`readings.best_accuracy`): the "Is it the
    data?" section's table, which `data_explanation` reads."""
    table = _between_ends(runs, datasets, "test_acc", DROP, ends=ends)
    best = [best_accuracy(runs[runs["dataset"] == d]) for d in table["dataset"]]
    return table.assign(**{BEST + end: [getattr(b, key) if b else np.nan for b in best]
                           for end, key in (("", "mean"), (" CI low", "low"), (" CI high", "high"))})


def gap_rises(runs: pd.DataFrame, datasets: list[str], ends: tuple[int, int] | None = None) -> pd.DataFrame:
    """Per data set of `datasets`, how much the gap Δ rises between the two B of `ends` (None: `drop_ends`): Δ at
    the large B minus Δ at the small (`_between_ends`; no rise where either cell failed, and its note says why).
    The paper's Fig 5 reading, CIFAR-10's Δ rising steepest and MNIST's flat, asked of a harder data set on MNIST's
    recipe (`gap_rise_text`). Where every run is at the paper's scale (`runtable.at_paper_scale`), beside each rise
    the paper's own tables' over the same B (`readings.paper_change`; NaN where its tables lack it)."""
    table = _between_ends(runs, datasets, "gap", RISE, sign=-1, ends=ends).drop(columns="large B failed")
    shared = ends_of(table)
    if shared is None or not at_paper_scale(runs[runs["dataset"].isin(datasets)]).all():
        return table
    changes = [paper_change(d, shared) for d in table["dataset"]]
    return table.assign(**{PAPER_RISE: [c[1] if c else np.nan for c in changes]})


def pair_rises(runs: pd.DataFrame, datasets: list[str]) -> pd.DataFrame:
    """`gap_rises` between the pairs `pair_drops` reads the drop between (`drop_pairs.present_pairs`: each pair fixed
    in advance that a data set has both B of, else the B shared nearest), named in `PAIR`: the gap side of "Is it the
    data?" then reads the same B as its accuracy side, never a pair chosen by what the runs have."""
    table = pd.concat([gap_rises(runs, datasets, ends).assign(**{PAIR: label})
                       for label, ends in present_pairs(runs, datasets).items()], ignore_index=True)
    return table[[PAIR, *table.columns.drop(PAIR)]]


def gap_rise_text(rises: pd.DataFrame, test: str, easy: str = "mnist", hard: str = "cifar10",
                  recipe: str = "the recipe") -> str:
    """`gap_rises` in words: each data set's rise (beside it the paper's own tables' where `rises` holds them, and
    whether `hard`'s agrees with them and with the paper's Fig. 5 caption, `readings.paper_reading`, unless its rise
    lies below `easy`'s, where `readings.paper_order` says it), then whether
    `test`'s is told apart from `easy`'s and `hard`'s (95 % intervals apart or overlapping, `_compared`); where a
    compared cell failed, that the comparison tests the failures of `recipe` (`readings.recipe_failures`); what
    cannot be compared, said so; where our seeds cannot tell `hard`'s rise from `easy`'s, that there is no measured
    difference to place `test`'s within. A negative change is a fall, and is said to be one (`SIGNED`). Of a
    `pair_rises` table, one paragraph per pair, each labelled (`drop_pairs.labelled`)."""
    if PAIR in rises:
        return "\n\n".join(labelled(label) + gap_rise_text(part.drop(columns=PAIR), test, easy, hard, recipe)
                           for label, part in rises.groupby(PAIR, sort=False))
    ends = ends_of(rises)
    if ends is None:
        return "The data sets share no two batch sizes, so their gaps' rises cannot be compared."
    found = _estimates(rises)
    said = "; ".join(f"{DATASET_NAMES[d]}: {words}" for d, (words, _) in found.items())
    plain = (f"From B = {ends[0]} to B = {ends[1]} the gap Δ changes by (at the large B minus at the small, positive "
             f"where it rises; mean over the runs that trained, 95 % interval) {said}.")
    text = plain + paper_reading(rises, hard)
    if failed := recipe_failures(rises, [easy, test, hard], "change in Δ", recipe):
        return f"{text} {failed}"
    e, t, h = (found.get(d, ("", None))[1] for d in (easy, test, hard))
    if e is None or t is None or h is None:
        return text + " Without an interval for each of the three, they cannot be compared."
    names = [DATASET_NAMES[d] for d in (easy, test, hard)]
    if not _above(h, e):
        order = paper_order(rises, easy, hard)  # where `hard`'s lies below, it says the caption: said once
        why = _no_difference(h, e, names[2], names[0], "change in Δ", names[1], order)
        return f"{plain if _above(e, h) else text} {why}"
    return (f"{text} {names[1]}'s Δ {_moves(t)}: its change is {_compared(t, e, names[0], SIGNED)} and "
            f"{_compared(t, h, names[2], SIGNED)}.")


def _drop_of(drops: pd.DataFrame, dataset: str) -> Estimate | None:
    """A row of `data_drops` as an estimate, None where there is no drop with an interval (a collapse at the large
    B included: a failed cell is no drop to compare, `readings.recipe_failures`)."""
    row = drops.set_index("dataset").loc[dataset] if dataset in set(drops["dataset"]) else None
    if row is None or pd.isna(row["CI low"]):
        return None
    return Estimate(row["drop (pp)"], row["CI low"], row["CI high"], int(row[RUNS]))


def _drop_words(drops: pd.DataFrame, dataset: str) -> str:
    """A row of `data_drops` in words: its drop with interval (flagged wide over `WIDE_PP`, yet compared by that
    interval like any other, so the words never dismiss a drop the verdict uses), a collapse, or why there is none."""
    row = drops.set_index("dataset").loc[dataset]
    if row["large B failed"]:
        return f"a collapse (most runs at B = {int(row['B large'])} did not train)"
    if pd.isna(row["drop (pp)"]):
        return f"no drop ({row['note']})"
    if pd.isna(row["CI low"]):
        return f"{number(row['drop (pp)'], 'pp')} pp (one seed, no interval)"
    wide = row["CI high"] - row["CI low"] > WIDE_PP
    return _drop_of(drops, dataset).text(" pp") + (f", wide (interval over {WIDE_PP:g} pp)" if wide else "")


def _above(a: Estimate, b: Estimate) -> bool:
    """Whether drop `a` is larger than drop `b`: their 95 % intervals apart."""
    return a.low > b.high


def _compared(a: Estimate, b: Estimate, name: str, words: tuple[str, str] = ("larger than", "smaller than")) -> str:
    """Value `a` against value `b` of data set `name`: 'larger' or 'smaller than <name>'s (intervals apart)' (of a
    change that may be a fall, `SIGNED`: 'above' or 'below'), or 'not told apart from <name>'s by our seeds (their
    intervals overlap)': overlapping intervals show neither that the two are equal nor that one is no larger."""
    if not (_above(a, b) or _above(b, a)):
        return f"not told apart from {name}'s by our seeds (their intervals overlap)"
    return f"{words[0] if _above(a, b) else words[1]} {name}'s (intervals apart)"


SIGNED = ("above", "below")  # `_compared`'s words for a change in Δ: a negative one is a fall, never a small rise


def _moves(value: Estimate) -> str:
    """How a change in Δ moves, in words: 'rises' or 'falls' (its interval off 0), else that the seeds cannot tell."""
    return "rises" if value.low > 0 else "falls" if value.high < 0 else "changes by an amount our seeds cannot tell " \
        "from 0"


def _estimates(table: pd.DataFrame) -> dict[str, tuple[str, Estimate | None]]:
    """Per row of a `data_drops` or `gap_rises` table: its value in words (a rise with the paper's beside it,
    `readings.paper_words`), and as an estimate (None where it has no interval, `_drop_of`)."""
    if DROP in table:
        return {d: (_drop_words(table, d), _drop_of(table, d)) for d in table["dataset"]}
    found = {}
    for _, r in table.iterrows():
        rise = Estimate(r[RISE], r["CI low"], r["CI high"], int(r[RUNS])) if pd.notna(r["CI low"]) else None
        words = rise.text(" pp") if rise else f"no interval ({r['note'] or 'one seed'})"
        found[r["dataset"]] = (words + paper_words(table, r["dataset"]), rise)
    return found


def _no_difference(h: Estimate, e: Estimate, hard: str, easy: str, noun: str, test: str,
                   reverse: str = "the reverse of the paper's reading") -> str:
    """Why a three-way test cannot tell where `hard`'s `noun` (a drop or rise) is not above `easy`'s: `hard`'s is the
    smaller (intervals apart: `reverse` says what that is to the paper), or our seeds cannot tell the two apart
    (overlap, which is no evidence that they are equal)."""
    if _above(e, h):
        lower = "smaller than" if noun == "drop" else "below"  # a change in Δ below another may be a fall
        why, yet = f"{hard}'s {noun} is {lower} {easy}'s (intervals apart), {reverse}", "in the paper's direction"
    else:
        why, yet = f"our seeds cannot tell {hard}'s {noun} from {easy}'s (their intervals overlap)", "yet"
    return (f"**Cannot tell at this scale:** {why}, so there is no {easy}–{hard} difference {yet} against which to "
            f"place {test}'s {noun}.")


def data_explanation(drops: pd.DataFrame, test: str, easy: str = "mnist", hard: str = "cifar10",
                     recipe: str = "the recipe") -> str:
    """Whether the paper's explanation of CIFAR-10's drop by its data (`paper.DIFFICULTY`) holds on `test`, a data
    set on `easy`'s recipe that is harder by its own accuracy (`readings.harder`, the one measure of difficulty
    taken), in words from `pair_drops` (or one `data_drops`): why two pairs of B (`data_pairs`; only where one of
    them is in `drops`), then each pair's drops read by one rule (`_verdict`), and a pair of `easy` and `test` alone,
    exploratory, by the same rule (`_two_way`); a pair these runs lack, said so. `recipe` names the recipe whose
    failed cells a comparison would test."""
    quotes = "; ".join(f"“{words}” ({where})" for where, words in paper.DIFFICULTY)
    parts = list(drops.groupby(PAIR, sort=False)) if PAIR in drops else [("", drops)]
    difficulty, is_harder = harder(parts[0][1], test, easy)
    (first, (s1, l1)), (second, (s2, l2)) = data_pairs().items()
    why = (f"Two pairs of B are compared, both fixed before {DATASET_NAMES[test]}'s paper runs existed, so that "
           f"neither was chosen after its result: {first}, B = {s1} → {l1}, the paper's own; and {second}, "
           f"B = {s2} → {l2}, the largest B of the paper's grid below {l1}: a drop that the collapses at B = {l1} "
           f"(runs ending at chance) do not enter. " if PAIR in drops and {*data_pairs()} & {*drops[PAIR]} else "")
    lacking = [f"**{label[:1].upper() + label[1:]} (B = {a} → {b}):** not in these runs (no data set here has both B)."
               for label, (a, b) in data_pairs().items() if PAIR in drops and label not in set(drops[PAIR])]
    said = [_pair_text(part, label, test, easy, hard, is_harder, recipe) for label, part in parts]
    return "\n\n".join([f"The paper puts the difference down to the data: {quotes}. {why}{difficulty}",
                          *lacking, *said])


def _pair_text(drops: pd.DataFrame, label: str, test: str, easy: str, hard: str, is_harder: bool | None,
               recipe: str) -> str:
    """One pair of `pair_drops` in words: its drops (mean over the runs that trained, Welch interval), then
    `_two_way` for the pair of one recipe alone, else `_verdict`."""
    if (ends := ends_of(drops)) is None:
        return "The data sets share no two B, so their drops cannot be compared."
    head = ("exploratory, the same recipe alone, " if label == TWO_WAY else f"{label}, " if label else "") + \
        f"from B = {ends[0]} to B = {ends[1]}"
    said = "; ".join(f"{DATASET_NAMES[d]}: {_drop_words(drops, d)}" for d in drops["dataset"])
    return (f"**{head[:1].upper() + head[1:]}**, the drop in test accuracy (mean over the runs that trained, 95 % "
            f"Welch interval) is {said}. " + (_two_way if label == TWO_WAY else _verdict)(drops, test, easy, hard,
                                                                                          is_harder, recipe))


def _two_way(drops: pd.DataFrame, test: str, easy: str, hard: str, is_harder: bool | None, recipe: str) -> str:
    """`test` against `easy` on one recipe (`pair_drops`), by `_compared`: whether harder images alone lose more.
    Exploratory (its large B chosen after seeing which cells failed, `two_way_ends`), and read neither way where a
    compared cell failed or `test` is not harder (`_unread`), as `_verdict` is."""
    names = DATASET_NAMES[easy], DATASET_NAMES[test], DATASET_NAMES[hard]
    why = (f"This row is exploratory: no pair above reads all three, so {names[1]} is set against {names[0]} alone, "
           f"at the largest B up to {list(data_pairs().values())[-1][1]} at which both trained, a B chosen after "
           f"seeing which cells failed, not fixed in advance as the two pairs are. It asks whether harder images lose "
           f"more with B on one recipe, not how that compares with {names[2]}'s drop. ")
    if unread := _unread(drops, [easy, test], names[0], is_harder, recipe):
        return why + unread
    e, t = _drop_of(drops, easy), _drop_of(drops, test)
    if e is None or t is None:
        return f"{why}**Cannot tell yet:** a drop has no interval."
    verdict = "On one recipe" if _above(t, e) or _above(e, t) else "Cannot tell"
    return f"{why}**{verdict}:** {names[1]}'s drop is {_compared(t, e, names[0])}."


def _unread(drops: pd.DataFrame, datasets: list[str], easy: str, is_harder: bool | None, recipe: str) -> str:
    """Why drops are read neither way, '' where they are read: a compared cell of `datasets` failed, so they test the
    failures of `recipe` (`readings.recipe_failures`), or the test data set is no harder than `easy` (its name)."""
    if failed := recipe_failures(drops, datasets, "drop", recipe):
        return failed
    return (f"**Cannot tell:** a data set no harder than {easy} by its own accuracy does not test an explanation by "
            "harder data." if is_harder is False else "")


def _verdict(drops: pd.DataFrame, test: str, easy: str, hard: str, is_harder: bool | None, recipe: str) -> str:
    """The three-way rule on one pair: where a compared cell failed, the comparison tests the failures of `recipe`
    and is read neither way (`readings.recipe_failures`); where `test` is not harder, it cannot test the
    explanation; if `test` loses more than `easy` and is not told apart from `hard` (95 % intervals apart or
    overlapping), the explanation gains support; if it is not told apart from `easy` and loses less than `hard`, the
    cause may lie in what `hard`'s recipe does differently or in a difficulty `test` does not share; in between
    (apart from both), both play a part; it cannot tell when a data set has no drop with an interval, when `hard`'s
    drop is not above `easy`'s (`_no_difference`), or when `test`'s interval overlaps both."""
    names = [DATASET_NAMES[d] for d in (easy, test, hard)]
    if unread := _unread(drops, [easy, test, hard], names[0], is_harder, recipe):
        return unread
    e, t, h = (_drop_of(drops, d) for d in (easy, test, hard))
    if e is None or t is None or h is None:
        missing = [n for d, n in zip((easy, test, hard), names, strict=True) if _drop_of(drops, d) is None]
        return (f"**Cannot tell yet:** {' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} no drop "
                "with an interval here.")
    if not _above(h, e):
        return _no_difference(h, e, names[2], names[0], "drop", names[1])
    if _above(t, e) and not _above(h, t):
        return (f"**The “harder data” explanation gains support:** {names[1]}, {names[0]}'s format, network and "
                f"recipe on images it classifies less well, loses more accuracy with B: its drop is larger than "
                f"{names[0]}'s (intervals apart) and {_compared(t, h, names[2])}.")
    if _above(h, t) and not _above(t, e):
        return (f"**Against the “harder data” explanation:** {names[1]}'s drop is {_compared(t, e, names[0])} and "
                f"smaller than {names[2]}'s (intervals apart): images harder by this measure do not degrade on "
                f"{names[0]}'s recipe as {names[2]} does. What is left is what {names[2]}'s recipe does differently "
                f"({recipe_differences(easy, hard)}), or a kind of difficulty {names[2]}'s images have and "
                f"{names[1]}'s do not: these runs cannot tell the two apart.")
    if _above(t, e) and _above(h, t):
        return (f"**Both play a part:** {names[1]}'s drop is larger than {names[0]}'s and smaller than {names[2]}'s "
                f"(intervals apart from both): harder data accounts for part of the difference; the rest may lie in "
                f"what {names[2]}'s recipe does differently ({recipe_differences(easy, hard)}), or in a difficulty "
                f"{names[1]} does not share.")
    return (f"**Cannot tell yet:** {names[1]}'s interval overlaps both {names[0]}'s and {names[2]}'s; more seeds "
            "would narrow it.")


def scale_contrast(table: pd.DataFrame, waiting: dict[str, tuple[int, int]], easy: str = "mnist",
                   hard: str = "cifar10") -> str:
    """Where a section compares its data sets at reduced scale because those of `waiting` (data set: its paper runs
    stored, planned) are not at paper scale in it, what the others' paper-scale runs say: `table` (`data_drops` or
    `gap_rises` of those runs, between the same B) in words, `hard`'s against `easy`'s (`_compared`; for a rise, also
    against the paper's own tables and its Fig. 5 caption, once: `paper_order` where it lies below, else
    `readings.paper_reading`; where a
    compared cell failed, that it tests the recipe's failures, `readings.recipe_failures`; else the runs at chance
    its cells left out, `readings.at_chance`), and what the test at paper scale waits for (`readings.waiting_text`):
    what a reduced scale cannot tell, paper scale may already show."""
    noun = "drop" if DROP in table else "rise"
    ends, found = ends_of(table), _estimates(table)
    said = "; ".join(f"{DATASET_NAMES[d]}: {words}" for d, (words, _) in found.items())
    span = "between two B" if ends is None else f"from B = {ends[0]} to B = {ends[1]}"
    what, verb = ("the drop in test accuracy", "is") if noun == "drop" else ("the gap Δ", "changes by")
    text = (f"**At paper scale**, {span}, {what} (mean over the runs that trained, 95 % Welch interval) {verb} "
            f"{said}")
    if failed := recipe_failures(table, [easy, hard], noun if noun == "drop" else "change in Δ"):
        return f"{text}. {failed}{waiting_text(waiting)}"
    e, h = (found.get(d, ("", None))[1] for d in (easy, hard))
    ordered = noun == "rise" and e is not None and h is not None and _above(e, h)  # `paper_order` says the caption
    if e is not None and h is not None:
        if noun == "drop":
            reading = (", the difference the paper puts down to the data" if _above(h, e) else
                       ", the reverse of the paper's reading" if _above(e, h) else "")
        else:
            reading = (", as the paper's Fig 5 reads" if _above(h, e) else
                       f", {paper_order(table, easy, hard)}" if _above(e, h) else "")
        text += (f": {DATASET_NAMES[hard]}'s drop is {_compared(h, e, DATASET_NAMES[easy])}{reading}" if noun == "drop"
                 else f": {DATASET_NAMES[hard]}'s Δ {_moves(h)}, and its change is "
                 f"{_compared(h, e, DATASET_NAMES[easy], SIGNED)}{reading}")
    chance = f" Runs at chance in the cells compared: {left}." if (left := at_chance(table, [easy, hard])) else ""
    caption = paper_reading(table, hard) if noun == "rise" and not ordered else ""
    return f"{text}.{chance}{caption}{waiting_text(waiting)}"

