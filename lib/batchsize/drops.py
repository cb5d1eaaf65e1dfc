"""The drop in test accuracy between two batch sizes, per data set: §VII's claim ("degrades 2–6% as B grows from 32
to 512") and the accuracy chapter's "Is it the data?", which sets MNIST, a harder data set on MNIST's recipe
(Fashion-MNIST) and CIFAR-10 side by side to test the paper's explanation of CIFAR-10's collapse by its data
(`paper.DIFFICULTY`), in numbers (`data_drops`) and in words (`data_explanation`); where one data set lacks
paper-scale runs and the three meet at reduced scale, what the others say at paper scale (`scale_contrast`). What
each comparison is read beside (a failed cell, how hard a data set is by its own accuracy, the paper's own tables, a
hump in Δ) comes from `readings`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import paper
from .critical import FAILED
from .datasets import DATASET_NAMES, DATASET_SPECS
from .readings import (
    BEST,
    FAILED_B,
    PAPER_RISE,
    RISE,
    Slope,
    best_accuracy,
    harder,
    paper_change,
    paper_order,
    paper_reading,
    paper_words,
    recipe_failures,
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


def ends_of(table: pd.DataFrame) -> tuple[int, int] | None:
    """The two B of a `data_drops` or `gap_rises` table, None where the data sets share no two."""
    ends = table[["B small", "B large"]].dropna()
    return None if ends.empty else (int(ends.iloc[0, 0]), int(ends.iloc[0, 1]))


def between(table: pd.DataFrame) -> str:
    """The two B of a `data_drops` table in words: 'from B = 32 to B = 512' ('between two B' where there are none)."""
    ends = ends_of(table)
    return "between two B" if ends is None else "from B = {} to B = {}".format(*ends)


def _between_ends(runs: pd.DataFrame, datasets: list[str], column: str, name: str, sign: int = 1,
                  ends: tuple[int, int] | None = None) -> pd.DataFrame:
    """Per data set of `datasets`, in that order, `sign` × the drop in `column` from the small to the large B of
    `ends` (None: `drop_ends` over the data sets that have runs) by `drop_between`, as `name`: mean over the runs
    that trained with Welch's 95 % interval (none below two seeds), `large B failed` where the large end's runs
    mostly did not train (a collapse: nothing to average), `failed B` (the ends whose cell failed,
    `critical.cell_status`) and a note (runs at chance; no runs; no two B shared)."""
    runs = runs[runs["dataset"].isin(datasets)]
    ends = ends or drop_ends(runs)
    rows = []
    for dataset in datasets:
        part = runs[runs["dataset"] == dataset]
        lacking = [b for b in ends or () if b not in set(part["batch_size"])]
        row = {"dataset": dataset, "B small": ends[0] if ends else np.nan, "B large": ends[1] if ends else np.nan,
               name: np.nan, "CI low": np.nan, "CI high": np.nan, "seeds": 0, "large B failed": False,
               FAILED_B: [], "note": "no runs" if part.empty else "" if ends else "no two B shared by the data sets"}
        if lacking and not part.empty:
            row["note"] = "no runs at " + " and ".join(f"B = {b}" for b in lacking)
        elif ends and not part.empty:
            drop, note = drop_between(part, dataset, *ends, column=column)
            row["note"] = note.strip(" ()")
            row[FAILED_B] = [b for b in ends if cells(cell(part, dataset, b)).iloc[0]["status"] == FAILED]
            if drop is None:
                row["large B failed"] = cells(cell(part, dataset, ends[0])).iloc[0]["status"] != FAILED
                row["seeds"] = min(len(cell(part, dataset, b)) for b in ends)
            else:
                low, high = sorted((sign * drop.low, sign * drop.high)) if drop.n >= 2 else (np.nan, np.nan)
                row |= {name: sign * drop.mean, "CI low": low, "CI high": high, "seeds": drop.n}
        rows.append(row)
    return pd.DataFrame(rows)


DROP = "drop (pp)"


def data_drops(runs: pd.DataFrame, datasets: list[str], ends: tuple[int, int] | None = None) -> pd.DataFrame:
    """Per data set of `datasets`, the drop in test accuracy between the two B of `ends` (None: `drop_ends`;
    `_between_ends`), and its best test accuracy over every B of `runs` (`readings.best_accuracy`): the "Is it the
    data?" section's table, which `data_explanation` reads."""
    table = _between_ends(runs, datasets, "test_acc", DROP, ends=ends)
    best = [best_accuracy(runs[runs["dataset"] == d]) for d in table["dataset"]]
    return table.assign(**{BEST: [b.mean if b else np.nan for b in best],
                           f"{BEST} CI low": [b.low if b else np.nan for b in best],
                           f"{BEST} CI high": [b.high if b else np.nan for b in best]})


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


def gap_rise_text(rises: pd.DataFrame, test: str, easy: str = "mnist", hard: str = "cifar10") -> str:
    """`gap_rises` in words: each data set's rise (beside it the paper's own tables' where `rises` holds them, and
    whether `hard`'s agrees with them and with the paper's Fig. 5 caption, `readings.paper_reading`), then whether
    `test`'s is told apart from `easy`'s and `hard`'s (95 % intervals apart or overlapping, `_compared`); where a
    compared cell failed, that the comparison tests the recipe's failures (`readings.recipe_failures`); what cannot
    be compared, said so; where our seeds cannot tell `hard`'s rise from `easy`'s, that there is no measured
    difference to place `test`'s within."""
    ends = ends_of(rises)
    if ends is None:
        return "The data sets share no two batch sizes, so their gaps' rises cannot be compared."
    found = _estimates(rises)
    said = "; ".join(f"{DATASET_NAMES[d]}: {words}" for d, (words, _) in found.items())
    text = (f"From B = {ends[0]} to B = {ends[1]} the gap Δ changes by (at the large B minus at the small, positive "
            f"where it rises; mean over the runs that trained, 95 % interval) {said}.{paper_reading(rises, hard)}")
    if failed := recipe_failures(rises, [easy, test, hard], "change in Δ"):
        return f"{text} {failed}"
    e, t, h = (found.get(d, ("", None))[1] for d in (easy, test, hard))
    if e is None or t is None or h is None:
        return text + " Without an interval for each of the three, they cannot be compared."
    names = [DATASET_NAMES[d] for d in (easy, test, hard)]
    if not _above(h, e):
        return f"{text} {_no_difference(h, e, names[2], names[0], 'rise', names[1], paper_order(rises, easy, hard))}"
    return (f"{text} {names[1]}'s rise is {_compared(t, e, names[0])} and "
            f"{_compared(t, h, names[2])}.")


def gap_slopes_text(slopes: dict[str, Estimate], profiles: dict[str, str], easy: str = "mnist",
                    hard: str = "cifar10") -> str:
    """The paper's Fig 5 reading (`hard`'s Δ rising steepest with B, `easy`'s flat) asked of our slopes of Δ on
    log₂ B (`readings.gap_slope`, the report's `gap-ordering` rule): each slope (where Δ peaks inside the range of
    B, the peak and the slope on each side: `readings.Slope`), then whether `hard`'s rises (its interval above 0)
    and more steeply than `easy`'s (intervals apart). A hump is said to be one, never read off its slope over all B
    as flat. Only where `profiles` (per data set, the profile of its runs, `runtable.runs_profile`) puts both at one
    scale: more epochs on more examples change Δ by themselves, so slopes at two scales are not set against each
    other."""
    unit = " pp per doubling"
    said = "; ".join(f"{DATASET_NAMES[d]}: {s.shape_text(unit) if isinstance(s, Slope) else s.text(unit)}"
                     for d, s in slopes.items())
    text = f"In our runs, the slope of Δ on log₂ B (the runs that trained, 95 % t interval) is {said}."
    if hard not in slopes or easy not in slopes:
        return text + " Without both slopes, they cannot be compared."
    h, e, names = slopes[hard], slopes[easy], (DATASET_NAMES[easy], DATASET_NAMES[hard])
    if profiles[easy] != profiles[hard] or profiles[hard] == "mixed":
        return text + (f" Their runs are not at one scale ({names[0]}'s: profile `{profiles[easy]}`; {names[1]}'s: "
                       f"profile `{profiles[hard]}`), so the slopes are not set against each other: more epochs on "
                       "more training examples change Δ by themselves.")
    if isinstance(h, Slope) and h.peak is not None and h.below is not None and h.above is not None:
        up = f"it rises up to B = {h.peak}" if h.below.low > 0 else f"its slope up to B = {h.peak} holds 0"
        down = "falls from there on" if h.above.high < 0 else "its slope from there on holds 0"
        return text + (f" {names[1]}'s Δ is not monotonic in B: it peaks inside the range of B; {up}, and {down}. "
                       "A straight line through both sides is no measure of a rise, and ours "
                       f"does not show the paper's Fig 5 reading of {names[1]}'s Δ rising steepest (a monotonic "
                       "increase).")
    if h.low > 0 and h.low > e.high:
        return text + f" {names[1]}'s Δ rises with B, and more steeply than {names[0]}'s (intervals apart), as in " \
                      "the paper's Fig 5."
    if h.low > 0:
        return text + (f" {names[1]}'s Δ rises with B, but our seeds cannot tell its slope from {names[0]}'s (their "
                       "intervals overlap).")
    where = "lies below 0: it falls" if h.high < 0 else "holds 0: our seeds cannot tell it from flat"
    return text + (f" {names[1]}'s slope {where}, so ours does not show the paper's Fig 5 reading of "
                   f"{names[1]}'s Δ rising steepest.")


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
    """A row of `data_drops` as an estimate, None where there is no drop with an interval (a collapse at the large
    B included: a failed cell is no drop to compare, `readings.recipe_failures`)."""
    row = drops.set_index("dataset").loc[dataset] if dataset in set(drops["dataset"]) else None
    if row is None or pd.isna(row["CI low"]):
        return None
    return Estimate(row["drop (pp)"], row["CI low"], row["CI high"], int(row["seeds"]))


def _drop_words(drops: pd.DataFrame, dataset: str) -> str:
    """A row of `data_drops` in words: its drop with interval, a collapse, or why there is none."""
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
    """Value `a` against value `b` of data set `name`: 'larger' or 'smaller than <name>'s (intervals apart)', or
    'not told apart from <name>'s by our seeds (their intervals overlap)': overlapping intervals show neither that
    the two are equal nor that one is no larger."""
    if not (_above(a, b) or _above(b, a)):
        return f"not told apart from {name}'s by our seeds (their intervals overlap)"
    return f"{'larger' if _above(a, b) else 'smaller'} than {name}'s (intervals apart)"


def _estimates(table: pd.DataFrame) -> dict[str, tuple[str, Estimate | None]]:
    """Per row of a `data_drops` or `gap_rises` table: its value in words (a rise with the paper's beside it,
    `readings.paper_words`), and as an estimate (None where it has no interval, `_drop_of`)."""
    if DROP in table:
        return {d: (_drop_words(table, d), _drop_of(table, d)) for d in table["dataset"]}
    found = {}
    for _, r in table.iterrows():
        rise = Estimate(r[RISE], r["CI low"], r["CI high"], int(r["seeds"])) if pd.notna(r["CI low"]) else None
        words = rise.text(" pp") if rise else f"no interval ({r['note'] or 'one seed'})"
        found[r["dataset"]] = (words + paper_words(table, r["dataset"]), rise)
    return found


def _no_difference(h: Estimate, e: Estimate, hard: str, easy: str, noun: str, test: str,
                   reverse: str = "the reverse of the paper's reading") -> str:
    """Why a three-way test cannot tell where `hard`'s `noun` (a drop or rise) is not above `easy`'s: `hard`'s is the
    smaller (intervals apart: `reverse` says what that is to the paper), or our seeds cannot tell the two apart
    (overlap, which is no evidence that they are equal)."""
    if _above(e, h):
        why, yet = f"{hard}'s {noun} is smaller than {easy}'s (intervals apart), {reverse}", "in the paper's direction"
    else:
        why, yet = f"our seeds cannot tell {hard}'s {noun} from {easy}'s (their intervals overlap)", "yet"
    return (f"**Cannot tell at this scale:** {why}, so there is no {easy}–{hard} difference {yet} against which to "
            f"place {test}'s {noun}.")


def data_explanation(drops: pd.DataFrame, test: str, easy: str = "mnist", hard: str = "cifar10") -> str:
    """Whether the paper's explanation of CIFAR-10's collapse by its data (`paper.DIFFICULTY`) holds on `test`, a
    data set on `easy`'s recipe that is harder by its own accuracy (`readings.harder`: that, and no more, is
    measured), in words from `data_drops`: where a compared cell failed, the comparison tests the recipes' failures
    and is read neither way (`readings.recipe_failures`); where `test` is not harder, it cannot test the
    explanation; if `test` loses more than `easy` and is not told apart from `hard` (95 % intervals apart or
    overlapping), the explanation gains support; if it is not told apart from `easy` and loses less than `hard`, the
    cause may lie in what `hard`'s recipe does differently or in a difficulty `test` does not share; in between
    (apart from both), both play a part; it cannot tell when a data set has no drop with an interval, when `hard`'s
    drop is not above `easy`'s (`_no_difference`), or when `test`'s interval overlaps both."""
    names = [DATASET_NAMES[d] for d in (easy, test, hard)]
    quotes = "; ".join(f"“{words}” ({where})" for where, words in paper.DIFFICULTY)
    text = f"The paper puts the difference down to the data: {quotes}. "
    ends = ends_of(drops)
    if ends is not None:
        text += (f"From B = {ends[0]} to B = {ends[1]}, the drop in test accuracy (mean over the runs that trained, "
                 "95 % Welch interval) is " + "; ".join(f"{n}: {_drop_words(drops, d)}" for d, n in
                                                       zip((easy, test, hard), names, strict=True))
                 + ("" if ends == paper.DROP_ENDS else
                    f" (§VII's drop is from B = {paper.DROP_ENDS[0]} to {paper.DROP_ENDS[1]}, which these runs "
                    "do not all have)") + ". ")
    difficulty, is_harder = harder(drops, test, easy)
    text += difficulty
    if failed := recipe_failures(drops, [easy, test, hard], "drop"):
        return text + failed
    if is_harder is False:
        return text + (f"**Cannot tell:** a data set no harder than {names[0]} by its own accuracy does not test "
                       "an explanation by harder data.")
    e, t, h = (_drop_of(drops, d) for d in (easy, test, hard))
    if e is None or t is None or h is None:
        missing = [n for d, n in zip((easy, test, hard), names, strict=True) if _drop_of(drops, d) is None]
        return text + (f"**Cannot tell yet:** {' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} no "
                       "drop with an interval here.")
    if not _above(h, e):
        return text + _no_difference(h, e, names[2], names[0], "drop", names[1])
    if _above(t, e) and not _above(h, t):
        return text + (f"**The “harder data” explanation gains support:** {names[1]}, {names[0]}'s format, network "
                       f"and recipe on images it classifies less well, loses more accuracy with B: its drop is "
                       f"larger than {names[0]}'s (intervals apart) and {_compared(t, h, names[2])}.")
    if _above(h, t) and not _above(t, e):
        return text + (f"**Against the “harder data” explanation:** {names[1]}'s drop is "
                       f"{_compared(t, e, names[0])} and smaller than {names[2]}'s (intervals apart): images harder "
                       f"by this measure do not degrade on {names[0]}'s recipe as {names[2]} does. What is left is "
                       f"what {names[2]}'s recipe does differently ({_recipe_differences(easy, hard)}), or a kind "
                       f"of difficulty {names[2]}'s images have and {names[1]}'s do not: these runs cannot tell "
                       "the two apart.")
    if _above(t, e) and _above(h, t):
        return text + (f"**Both play a part:** {names[1]}'s drop is larger than {names[0]}'s and smaller than "
                       f"{names[2]}'s (intervals apart from both): harder data accounts for part of the difference; "
                       f"the rest may lie in what {names[2]}'s recipe does differently "
                       f"({_recipe_differences(easy, hard)}), or in a difficulty {names[1]} does not share.")
    return text + (f"**Cannot tell yet:** {names[1]}'s interval overlaps both {names[0]}'s and {names[2]}'s; more "
                   "seeds would narrow it.")


def scale_contrast(table: pd.DataFrame, waiting: dict[str, tuple[int, int]], easy: str = "mnist",
                   hard: str = "cifar10") -> str:
    """Where a section compares its data sets at reduced scale because those of `waiting` (data set: its paper runs
    stored, planned) are not at paper scale in it, what the others' paper-scale runs say: `table` (`data_drops` or
    `gap_rises` of those runs, between the same B) in words, `hard`'s against `easy`'s (`_compared`; for a rise, also
    against the paper's own tables and its Fig. 5 caption, `readings.paper_reading` and `paper_order`; where a
    compared cell failed, that it tests the recipe's failures, `readings.recipe_failures`), and what the test at
    paper scale waits for
    (`_waiting_text`): what a reduced scale cannot tell, paper scale may already show."""
    noun = "drop" if DROP in table else "rise"
    ends, found = ends_of(table), _estimates(table)
    said = "; ".join(f"{DATASET_NAMES[d]}: {words}" for d, (words, _) in found.items())
    span = "between two B" if ends is None else f"from B = {ends[0]} to B = {ends[1]}"
    what, verb = ("the drop in test accuracy", "is") if noun == "drop" else ("the gap Δ", "changes by")
    text = (f"**At paper scale**, {span}, {what} (mean over the runs that trained, 95 % Welch interval) {verb} "
            f"{said}")
    if failed := recipe_failures(table, [easy, hard], noun if noun == "drop" else "change in Δ"):
        return f"{text}. {failed}{_waiting_text(waiting)}"
    e, h = (found.get(d, ("", None))[1] for d in (easy, hard))
    if e is not None and h is not None:
        if noun == "drop":
            reading = (", the difference the paper puts down to the data" if _above(h, e) else
                       ", the reverse of the paper's reading" if _above(e, h) else "")
        else:
            reading = (", as the paper's Fig 5 reads" if _above(h, e) else
                       f", {paper_order(table, easy, hard)}" if _above(e, h) else "")
        text += f": {DATASET_NAMES[hard]}'s {noun} is {_compared(h, e, DATASET_NAMES[easy])}{reading}"
    return f"{text}.{paper_reading(table, hard) if noun == 'rise' else ''}{_waiting_text(waiting)}"


def _waiting_text(waiting: dict[str, tuple[int, int]]) -> str:
    """The end of `scale_contrast`: the paper runs that the three-way test at paper scale waits for; of a data set
    whose paper runs are all stored (though its runs in the section are not all at paper scale: 'mixed'), that
    they are, not that the test waits for them; '' where `waiting` is empty."""
    def listed(counts: dict[str, tuple[int, int]]) -> str:
        return " and ".join(f"{DATASET_NAMES[d]} ({held} of {planned} stored)" for d, (held, planned) in counts.items())

    lacking = {d: count for d, count in waiting.items() if count[0] < count[1]}
    complete = {d: count for d, count in waiting.items() if d not in lacking}
    text = f" The three-way test at paper scale waits for the paper runs of {listed(lacking)}." if lacking else ""
    if complete:
        text += (f" Every paper run of {listed(complete)} is stored, but the runs this section has of "
                 f"{'it' if len(complete) == 1 else 'them'} are not all at paper scale, so the three-way test at "
                 "paper scale is not made here.")
    return text
