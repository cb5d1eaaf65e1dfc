"""What a comparison of data sets between two B is read beside, before `drops` reads it: the shape of the gap Δ
against B, which a straight line can hide (`gap_slope`: the slope of Δ on log₂ B, and where Δ peaks inside the
range of B, the slope on each side: a line through a hump comes out near zero and reads as flat), and the paper's
Fig 5 reading asked of those slopes, in words (`gap_slopes_text`); the paper's own tables over the same B, which its
Fig. 5 caption reads otherwise (`paper_change`, `paper_words`, `paper_reading`, `paper_order`); how hard a data set
is by its own accuracy, which is all that is measured of its difficulty (`best_accuracy`, `harder`), and what a
harder data set's recipe does differently (`recipe_differences`); and whether a compared cell failed, so that the
comparison tests the recipes' failures, not the data (`recipe_failures`); and at paper scale, which paper runs the
test still waits for (`waiting_text`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from . import paper
from .critical import MEASURED
from .datasets import DATASET_NAMES, DATASET_SPECS, DATASETS
from .runtable import cells, trained
from .stats import Estimate, NotTestable
from .style import number

# the columns of `drops.data_drops` and `drops.gap_rises` that this module reads
RISE, PAPER_RISE, BEST, FAILED_B = "rise in Δ (pp)", "paper's rise (pp)", "best test acc (%)", "failed B"
RUNS = "trained runs (fewer end)"  # a comparison's n: the runs that trained at whichever of its two B has fewer


@dataclass(frozen=True)
class Slope(Estimate):
    """A slope with its 95 % interval and, where the curve is not monotonic, its `peak` (the B where it is highest)
    with the slope up to the peak (`below`) and from it on (`above`): two slopes of opposite signs, which one line
    through both averages away."""

    peak: int | None = None
    below: Estimate | None = None
    above: Estimate | None = None

    def shape_text(self, unit: str = "", digits: int = 2) -> str:
        """The slope in words, and where there is a peak, that the curve is not monotonic and its two slopes."""
        if self.peak is None or self.below is None or self.above is None:
            return self.text(unit, digits)
        return (f"{self.text(unit, digits)} over all B, but not monotonic: it peaks at B = {self.peak} (a cell on "
                f"each side lies below the peak's, intervals apart), with a slope of {self.below.text(unit, digits)} "
                f"up to B = {self.peak} and {self.above.text(unit, digits)} from it on")


def _fit(learned: pd.DataFrame) -> Estimate:
    """The least-squares slope of Δ on log₂ B over `learned`'s runs, with its 95 % t interval."""
    fit = scipy_stats.linregress(np.log2(learned["batch_size"]), learned["gap"])
    half = scipy_stats.t.ppf(0.975, len(learned) - 2) * fit.stderr
    return Estimate(float(fit.slope), float(fit.slope - half), float(fit.slope + half), len(learned))


def peak_inside(part: pd.DataFrame, column: str = "gap") -> int | None:
    """The B of one data set's runs `part` where `column` peaks, where the peak lies inside the range of B: the
    measured cell (`runtable.cells`) with the highest mean, where on each side of it some measured cell's interval
    lies wholly below the peak's. None where no such cell exists: as far as the seeds tell, the curve rises or falls
    (or stays level) over the whole range."""
    at = cells(part, column, by=("batch_size",))
    at = at[(at["status"] == MEASURED) & at["CI low"].notna()]
    if at.empty:
        return None
    top = at.loc[at[column].idxmax()]
    lower = at["CI high"] < top["CI low"]
    left, right = (lower & (at["batch_size"] < top["batch_size"])), (lower & (at["batch_size"] > top["batch_size"]))
    return int(top["batch_size"]) if left.any() and right.any() else None


def gap_slope(part: pd.DataFrame) -> Slope:
    """How fast Δ rises with B: the least-squares slope of Δ on log₂ B over the runs that trained (pp per doubling),
    with its 95 % t interval; where Δ peaks inside the range of B (`peak_inside`), the slopes up to the peak and from
    it on as well, each over the runs on its side and the peak's own. `NotTestable` with fewer than three runs or a
    single B."""
    learned = part[trained(part)].dropna(subset=["gap"])
    if len(learned) < 3 or learned["batch_size"].nunique() < 2:
        raise NotTestable("fewer than three runs that trained, or one B")
    whole = _fit(learned)
    peak = peak_inside(part)
    if peak is None:
        return Slope(whole.mean, whole.low, whole.high, whole.n)
    return Slope(whole.mean, whole.low, whole.high, whole.n, peak, _fit(learned[learned["batch_size"] <= peak]),
                 _fit(learned[learned["batch_size"] >= peak]))


def paper_change(dataset: str, ends: tuple[int, int], column: str = "gap") -> tuple[str, float] | None:
    """What the paper's own table of `dataset` (`paper.accuracy_table`: Table III, IV or VII) gives for `column` at
    the large B of `ends` minus at the small, with the table's name; None where its tables lack either B or the
    data set (one the paper did not run)."""
    name = DATASETS[dataset].paper_table if dataset in DATASETS else None
    table = paper.accuracy_table(dataset).set_index("B")
    if not name or any(b not in table.index for b in ends):
        return None
    return name, float(table.loc[ends[1], column] - table.loc[ends[0], column])


def paper_words(table: pd.DataFrame, dataset: str) -> str:
    """Beside a row's rise, the paper's own over the same B: ', in the paper's Table IV −3.53 pp', ', not in the
    paper's tables'; '' where `table` holds no paper rises (runs not at its scale)."""
    if PAPER_RISE not in table:
        return ""
    value = table.set_index("dataset").loc[dataset, PAPER_RISE]
    return (", not in the paper's tables" if pd.isna(value) else
            f", in the paper's Table {DATASETS[dataset].paper_table} {number(value, 'pp')} pp")


def _way(value: float) -> str:
    return "rises" if value > 0 else "falls" if value < 0 else "stays level"


def paper_reading(rises: pd.DataFrame, hard: str) -> str:
    """Where `rises` holds the paper's own rises (`gap_rises` at its scale): whether `hard`'s Δ changes as the paper's
    own table has it, and whether in the direction its Fig. 5 caption reads (rising steepest): ours may agree with
    the one and not the other. A fall or level Δ is contrary to the caption; a rise is in its direction only, since
    one data set's rise does not test "steepest"; where our seeds cannot tell the change from none, the caption is
    left alone (no contradiction). '' where there is nothing to set it against."""
    row = rises.set_index("dataset").loc[hard] if hard in set(rises["dataset"]) else None
    if PAPER_RISE not in rises or row is None or pd.isna(row["CI low"]):
        return ""
    name, ours = DATASET_NAMES[hard], Estimate(row[RISE], row["CI low"], row["CI high"], int(row[RUNS]))
    way = _way(ours.mean) if ours.low > 0 or ours.high < 0 else None
    if way is None:
        return f" Our seeds cannot tell {name}'s change in Δ from none."
    said = f"{name}'s Δ {way}"
    if pd.notna(row[PAPER_RISE]):
        table = f"the paper's own Table {DATASETS[hard].paper_table}"
        said += f", as {table} has it" if _way(row[PAPER_RISE]) == way else \
            f", unlike {table} (where it {_way(row[PAPER_RISE])})"
    caption = ("in the direction of its Fig. 5 caption, which has it rising steepest: how steep, only the other "
               "data sets' rises tell" if way == "rises" else
               f"contrary to its Fig. 5 caption ({name}'s Δ rising steepest)")
    return f" {said}; {caption}."


def paper_order(rises: pd.DataFrame, easy: str, hard: str) -> str:
    """Where `hard`'s rise lies below `easy`'s (intervals apart), what that is to the paper: the reverse of its
    Fig. 5 reading, and, where `rises` holds the paper's own rises, whether its tables order them the same way."""
    reverse = "the reverse of the paper's reading"
    if PAPER_RISE not in rises:
        return reverse
    theirs = rises.set_index("dataset")[PAPER_RISE]
    if any(d not in theirs.index or pd.isna(theirs[d]) for d in (easy, hard)):
        return reverse
    tables = (f"Table {DATASETS[hard].paper_table}'s {number(theirs[hard], 'pp')} pp against Table "
              f"{DATASETS[easy].paper_table}'s {number(theirs[easy], 'pp')} pp")
    if theirs[hard] < theirs[easy]:
        return f"as the paper's own tables order them ({tables}), the reverse of its Fig. 5 caption's reading"
    return f"the reverse of the paper's reading, both its Fig. 5 caption's and its own tables' ({tables})"


def best_accuracy(part: pd.DataFrame) -> Estimate | None:
    """The highest mean test accuracy of one data set's measured cells (at least two runs trained and most did), with
    its interval: how hard the data set is by its own accuracy at this scale; None where no cell is measured."""
    at = cells(part)
    at = at[(at["status"] == MEASURED) & at["CI low"].notna()]
    if at.empty:
        return None
    top = at.loc[at["test_acc"].idxmax()]
    return Estimate(top["test_acc"], top["CI low"], top["CI high"], int(top["trained"]))


def recipe_failures(table: pd.DataFrame, datasets: list[str], measure: str, recipe: str = "the recipe") -> str:
    """Where a cell compared in `table` (`data_drops` or `gap_rises`) failed (`FAILED_B`: at least half of its runs
    at chance, `critical.cell_status`), that the comparison tests the failures of `recipe` (a profile's cut warm-up
    named in it: 'the quick recipe (1-epoch warm-up)'), not the data, and is read as support neither way: a cell
    that did not train has no `measure` for the data to explain, and the runs at chance in the other cells (the easy
    data set's own, often) are named beside it. '' where every compared cell trained."""
    rows = table.set_index("dataset")
    failed = [d for d in datasets if d in rows.index and len(rows.loc[d, FAILED_B])]
    if not failed:
        return ""
    others = at_chance(table, [d for d in datasets if d not in failed])
    also = f"; runs at chance in the other cells: {others}" if others else ""
    return (f"**This tests the failures of {recipe}, not the data:** a cell compared here failed (at least half of its "
            f"runs at chance): {at_chance(table, failed)}{also}. A recipe that does not train at a B leaves no "
            f"{measure} there for the data to explain, so the comparison is read as support neither way; it waits for "
            "B where every compared cell trained.")


def at_chance(table: pd.DataFrame, datasets: list[str]) -> str:
    """The runs at chance in the cells `table` (`data_drops` or `gap_rises`) compares of `datasets`, from its notes:
    'MNIST (B = 256: 1 of 3 runs at chance, left out)', so that no run at chance is averaged out unsaid; '' where
    there are none."""
    rows = table.set_index("dataset")
    return "; ".join(f"{DATASET_NAMES[d]} ({rows.loc[d, 'note']})" for d in datasets
                     if d in rows.index and "at chance" in rows.loc[d, "note"])


def _percent(value: Estimate) -> str:
    """A best accuracy in words, '85.94 % [85.20, 86.69]' (its runs are not the drop's: no n)."""
    return f"{number(value.mean, 'pp')} % [{number(value.low, 'pp')}, {number(value.high, 'pp')}]"


def harder(drops: pd.DataFrame, test: str, easy: str) -> tuple[str, bool | None]:
    """Whether `test` is harder than `easy` by its own accuracy (the only measure of difficulty taken): its best test
    accuracy (`BEST` of `drops.data_drops`) below `easy`'s, intervals apart. The sentence, and True, False, or None
    where either has no best (no measured cell)."""
    rows = drops.set_index("dataset")
    if BEST not in drops or any(d not in rows.index or pd.isna(rows.loc[d, f"{BEST} CI low"]) for d in (test, easy)):
        return "", None
    t, e = (Estimate(rows.loc[d, BEST], rows.loc[d, f"{BEST} CI low"], rows.loc[d, f"{BEST} CI high"], 2)
            for d in (test, easy))
    names = DATASET_NAMES[test], DATASET_NAMES[easy]
    if t.high < e.low:
        return (f"{names[0]} is harder than {names[1]} in one measured sense: its best test accuracy here, "
                f"{_percent(t)}, lies below {names[1]}'s, {_percent(e)} (intervals apart). That is the only measure "
                "of difficulty taken; how much its images vary within a class, which the paper's explanation names, "
                "is not measured. ", True)
    where = "their intervals overlap" if t.high >= e.low and e.high >= t.low else "above it, intervals apart"
    return (f"{names[0]} is not harder than {names[1]} by its own accuracy here: its best test accuracy, "
            f"{_percent(t)}, does not lie below {names[1]}'s, {_percent(e)} ({where}). ", False)


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


def recipe_differences(easy: str, hard: str) -> str:
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


def waiting_text(waiting: dict[str, tuple[int, int]]) -> str:
    """The end of `drops.scale_contrast`: the paper runs that the three-way test at paper scale waits for; of a data
    set whose paper runs are all stored (though its runs in the section are not all at paper scale: 'mixed'), that
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
