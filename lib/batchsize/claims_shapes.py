"""The claims on where things lie along the batch-size axis, made in the figures' captions and in §VI rather than
in a table's cell: where MNIST's accuracy peaks (Fig. 3), where CIFAR-10's strong degradation begins (Fig. 4),
which data set's gap rises steepest (Fig. 5), and whether Algorithm 2's B by data-set size is as good as the best
B we measured. Each row sits beside its rule; `report` lists them."""

from __future__ import annotations

import math

import pandas as pd

from . import paper
from .claims_accuracy import CIFAR, GAP_AGAINST_B, MNIST
from .critical import B_STAR_DROP, FAILED
from .datasets import DATASET_NAMES
from .paper_tables import ACC_PARTLY_TOL, PARTLY_FACTOR
from .readings import gap_slope
from .rulebook import (
    INTERVAL,
    Claim,
    Outcome,
    best_b,
    brief,
    datasets_in,
    parts_rule,
    runs_of,
    tie_rule,
    tie_span,
    tie_text,
)
from .runtable import cells, outside_failed_cells, trained
from .stats import (
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
    UNRESOLVED,
    VERDICTS,
    Estimate,
    NotTestable,
    difference,
    graded,
    parts_verdict,
    tie_graded,
)
from .summaries import protocol_table

CLAIMS: list[Claim] = []  # in the paper's order
_SPOT = paper.MNIST_SWEET_SPOT


def _mnist_sweet_spot(tables: dict, profile: str) -> Outcome:
    """The B tied with MNIST's best (`rulebook.best_b`) against Fig. 3's range, partly within a factor 2 of its
    ends (`stats.tie_graded`): on MNIST's flat curve nearly every B is tied, and then the seeds cannot tell."""
    runs = runs_of(tables)
    mnist = runs[runs["dataset"] == datasets_in(runs, ["mnist"])[0]]
    best, tied = best_b(mnist)
    return Outcome(tie_text(best, tied, mnist), tie_graded(tied, _SPOT, PARTLY_FACTOR),
                   f"best B = {best}, tied with it: {tie_span(tied, mnist)}")


CLAIMS.append(
    Claim("mnist-sweet-spot", "Fig. 3", f"MNIST's sweet spot lies between B = {_SPOT[0]} and {_SPOT[1]}",
          f"B = {_SPOT[0]}–{_SPOT[1]}", "accuracy",
          tie_rule(_SPOT, PARTLY_FACTOR), _mnist_sweet_spot, section=MNIST))


_IV = paper.table("IV").set_index("B")["test_acc"]


def onset_threshold() -> float:
    """"Strong" degradation, in pp below the peak: half the fall Table IV shows at the B where the paper says it
    begins (its peak minus that cell), so that a fall of the paper's own size counts and a dip of a point does not."""
    return round(float(_IV.max() - _IV[paper.CIFAR_DEGRADATION_ONSET]) / 2, 2)


Bracket = tuple[int | None, int | None]


def degradation_onset(runs: pd.DataFrame, threshold: float) -> tuple[Bracket, int, dict[int, Estimate | None]]:
    """Where the seeds place the onset of a fall of more than `threshold` below the best (Welch, over the runs that
    trained): (the first B above the best whose fall is not wholly below `threshold`, the first whose fall lies
    wholly above it or whose cell failed), None where there is none; the best B; each larger B's fall, None for a
    failed cell. An interval that straddles the threshold widens the bracket rather than moving the onset."""
    best = best_b(runs)[0]
    learned = runs[trained(runs)]
    at_best = learned.loc[learned["batch_size"] == best, "test_acc"]
    status = cells(runs, by=("batch_size",)).set_index("batch_size")["status"]
    falls: dict[int, Estimate | None] = {}
    for b in sorted(int(b) for b in status.index if b > best):
        acc = learned.loc[learned["batch_size"] == b, "test_acc"]
        falls[b] = None if status[b] == FAILED or acc.empty else difference(at_best, acc)
    first = next((b for b, fall in falls.items() if fall is None or fall.high >= threshold), None)
    last = next((b for b, fall in falls.items() if fall is None or fall.low > threshold), None)
    return (first, last), best, falls


def onset_graded(bracket: Bracket, target: int) -> str:
    """Both ends at the paper's B: reproduced; the paper's B inside the bracket (an end None above: beyond the grid):
    not resolved; the bracket wholly within `PARTLY_FACTOR` of it: partly; else, or no onset: not reproduced."""
    first, last = bracket
    if first is None:
        return NOT_REPRODUCED
    if first == last == target:
        return REPRODUCED
    if first <= target and (last is None or target <= last):
        return UNRESOLVED
    near = last is not None and target / PARTLY_FACTOR <= first and last <= target * PARTLY_FACTOR
    return PARTLY if near else NOT_REPRODUCED


def _onset_text(bracket: Bracket) -> str:
    """The bracket in words: one B where the seeds pin the onset down, else both ends."""
    first, last = bracket
    if first is None:
        return "onset at B = none"
    if first == last:
        return f"onset at B = {first}"
    return f"onset between B = {first} and {last if last else 'beyond the largest B'}"


def _cifar_onset(tables: dict, profile: str) -> Outcome:
    """The onset's bracket (`degradation_onset`) against the paper's B (`onset_graded`); a cell with runs at chance
    that did not fail is named (its fall is over the runs that trained)."""
    runs = runs_of(tables)
    cifar = runs[runs["dataset"] == datasets_in(runs, ["cifar10"])[0]]
    bracket, best, falls = degradation_onset(cifar, onset_threshold())
    at = cells(cifar, by=("batch_size",)).set_index("batch_size")
    chance = {b: f" ({r['failed']} of {r['runs']} runs at chance)" for b, r in at.iterrows()
              if r["failed"] and r["status"] != FAILED}
    said = ", ".join(f"B = {b}: {'failed' if fall is None else fall.text(' pp', 1)}{chance.get(b, '')}"
                     for b, fall in falls.items())
    onset = _onset_text(bracket)
    return Outcome(f"{onset}; falls below the best (B = {best}): {said}",
                   onset_graded(bracket, paper.CIFAR_DEGRADATION_ONSET), onset)


CLAIMS.append(
    Claim("cifar-onset", "Fig. 4", f"CIFAR-10's strong degradation begins at B = {paper.CIFAR_DEGRADATION_ONSET}",
          f"B = {paper.CIFAR_DEGRADATION_ONSET}", "accuracy", "the onset, bracketed by the seeds: from the first B "
          f"above the best whose fall from the best is not wholly below {onset_threshold():g} pp (half of Table IV's "
          "fall at the paper's onset) to the first whose fall lies wholly above it, or whose cell failed; both at "
          "the paper's B: reproduced; the paper's B inside the bracket: "
          f"{UNRESOLVED}; the bracket within a factor {PARTLY_FACTOR} of it (½× to 2×): partly; elsewhere or none: "
          "not reproduced", _cifar_onset, section=CIFAR))


Interval = tuple[float, float]


def _below(lower: Interval, upper: Interval) -> str:
    """Whether `lower` lies below `upper` as far as the seeds tell: wholly (reproduced), wholly above it (not
    reproduced), or the two overlap (not resolved: more seeds would decide it)."""
    return REPRODUCED if lower[1] < upper[0] else NOT_REPRODUCED if lower[0] > upper[1] else UNRESOLVED


def _size(slope: Estimate) -> Interval:
    """The interval of |slope|: a slope whose interval holds 0 may be of any size from 0 to its farther end."""
    low, high = sorted((abs(slope.low), abs(slope.high)))
    return (0.0, high) if slope.low <= 0 <= slope.high else (low, high)


def _worst(verdicts: list[str]) -> str:
    """A part that must hold against every other data set is as good as its worst comparison."""
    return max(verdicts, key=VERDICTS.index)


def _gap_ordering(tables: dict, profile: str) -> Outcome:
    """Three parts, each graded on intervals (`_below`): CIFAR-10's Δ rises (its slope's interval above 0); it rises
    steepest (its interval above every other data set's); MNIST's is the flattest (its |slope| interval below every
    other data set's). Each slope is over all B; where CIFAR-10's Δ peaks inside the range of B (`readings.Slope`), a
    line through the hump is no measure of a rise, as the chapter reads it (`readings.gap_slopes_text`): its first
    two parts are not reproduced, and the text names the peak and the slopes on each side."""
    runs = runs_of(tables)
    names = datasets_in(runs, ["cifar10", "mnist"])
    if len(names) < 2:
        raise NotTestable("needs both CIFAR-10 and MNIST runs")
    if "prov_profile" in runs and runs["prov_profile"].nunique() > 1:  # a slope over 3 epochs is not one over 50
        scales = ", ".join(f"{DATASET_NAMES.get(d, d)}: {p}" for d, p in
                           runs.groupby("dataset")["prov_profile"].agg(lambda p: "/".join(sorted(set(p)))).items())
        raise NotTestable(f"the data sets' runs are at different scales ({scales}): their slopes do not compare")
    kept, left_out = outside_failed_cells(runs)
    slopes = {d: gap_slope(kept[kept["dataset"] == d]) for d in datasets_in(runs)}
    cifar, others = slopes["cifar10"], {d: s for d, s in slopes.items() if d != "cifar10"}
    monotonic = cifar.peak is None  # a hump's line averages a rise and a fall away: no monotonic increase
    rises = [_below((0.0, 0.0), (cifar.low, cifar.high)),
             _worst([_below((s.low, s.high), (cifar.low, cifar.high)) for s in others.values()])]
    flattest = _worst([_below(_size(slopes["mnist"]), _size(s)) for d, s in slopes.items() if d != "mnist"])
    parts = [*(part if monotonic else NOT_REPRODUCED for part in rises), flattest]
    # three decimals: the flattest part compares intervals that at two can seem to touch (0.01 against 0.01)
    ours = "; ".join(f"{DATASET_NAMES.get(d, d)} {s.shape_text(' pp per doubling', 3)}" for d, s in slopes.items())
    ours += f"; {left_out} left out of the slopes" * bool(left_out)
    ours += "; CIFAR-10's rises: {}, steepest: {}; MNIST's the flattest: {}".format(*parts)
    return Outcome(ours, parts_verdict(parts), brief([s.mean for s in slopes.values()], " pp per doubling"))


CLAIMS.append(
    Claim("gap-ordering", "Fig. 5", "CIFAR-10's gap Δ shows the steepest monotonic increase with B; MNIST's is "
          "mostly stable; the synthetic sets lie between", "CIFAR-10 steepest, MNIST flattest", "gap",
          "the slope of Δ on log₂ B per data set (runs that trained, none of a failed cell's; 95 % t interval): "
          "CIFAR-10's above 0, above every other data set's, and MNIST's the smallest in size (its |slope| interval "
          "below every other's); each part reproduced where the intervals lie apart that way, not reproduced where "
          f"they lie apart the other way, {UNRESOLVED} where they overlap; where CIFAR-10's Δ peaks inside the range "
          "of B (a cell on each side below the peak's, intervals apart), its line is no measure of a monotonic rise "
          "and the first two parts are "
          f"not reproduced; then the three together: {parts_rule('part')}", _gap_ordering, section=GAP_AGAINST_B))


# What following the protocol may give up, in pp below the best B, the same on every data set: within §IV-G's own
# line for a B that costs accuracy (B* is the first B more than 1 point below the peak), reproduced; within the
# tables' partly tolerance, partly. Not a table row's tolerance, which narrows with the paper's spread of accuracy
# across B (0.055 pp on the 50K set): a cost is no row of a table, and a smaller loss graded worse there.
COST_TOL, COST_PARTLY_TOL = B_STAR_DROP, ACC_PARTLY_TOL


def _candidate_grade(row: pd.Series, learned: pd.DataFrame) -> tuple[str | None, str, float | None]:
    """One row of `summaries.protocol_table` (one candidate B of a data set) graded: its verdict (None: a candidate
    not measured whose nearest measured B is the other candidate's, graded once, there), its words and what it
    costs (pp: 0 at the best B itself, a cost the range of costs must show; None where nothing is compared)."""
    near, best = int(row["nearest measured B"]), int(row["best B (ours)"])
    if row["other candidate's B"]:
        return None, (f"B = {row['candidate B']} not measured (its nearest measured B, {near}, is the other "
                      "candidate's)"), None
    if row["status there"] == FAILED:
        return NOT_REPRODUCED, f"B = {near} failed", None
    if near == best:  # following the algorithm cost nothing: no difference of a cell from itself to test
        return REPRODUCED, f"B = {near}, the best B", 0.0
    acc = learned[learned["dataset"] == row["dataset"]].groupby("batch_size")["test_acc"]
    cost = difference(acc.get_group(best), acc.get_group(near))
    return graded(cost, 0.0, COST_TOL, COST_PARTLY_TOL), f"B = {near}, {cost.text(' pp')} behind", cost.mean


def _protocol(tables: dict, profile: str) -> Outcome:
    """Per data set, what following Algorithm 2 costs at each of the two candidate B lines 2–6 give it (the
    algorithm sets B to the pair and does not say which to train): the best B's accuracy minus that of the measured
    B nearest the candidate (`summaries.protocol_table`, as the protocol chapter shows it), graded as a table row
    is against 0 (`stats.graded` within `COST_TOL` and `COST_PARTLY_TOL`: a wide interval cannot pass); a failed cell
    there: not reproduced; the candidate at the best B itself: reproduced; a candidate not measured whose nearest
    measured B is the other candidate's: said, not graded again (one B is one grade). A data set's grade is the
    worse of its candidates' (advice that allows a B is only as good as that B); the data sets combined by
    `parts_verdict`."""
    runs = runs_of(tables)
    learned = runs[trained(runs)]
    parts, said, costs = [], [], []
    table = protocol_table(runs)
    for name, rows in table[table["best B (ours)"].notna()].groupby("dataset", sort=False):  # no best: one seed
        graded_rows = [_candidate_grade(row, learned) for _, row in rows.iterrows()]
        parts.append(max((verdict for verdict, _, _ in graded_rows if verdict), key=VERDICTS.index))  # the worse
        costs += [cost for _, _, cost in graded_rows if cost is not None]
        said.append(f"{DATASET_NAMES.get(name, name)}, best B = {int(rows['best B (ours)'].iloc[0])}: " + " and ".join(
            f"{text} ({verdict})" if verdict else text for verdict, text, _ in graded_rows))
    if not parts:
        raise NotTestable("no data set has a best B (a B where at least two runs, and most, trained)")
    return Outcome("; ".join(said), parts_verdict(parts), brief(costs, " pp"))  # the costs, a best B's 0 among them


GUIDELINES: list[Claim] = []  # §VI's, after every claim of §IV (the report lists them last)
_REGIMES = "; ".join(f"{'–'.join(map(str, b))} {f'below N = {n:,}' if math.isfinite(n) else 'above'}"
                     for n, b, _ in paper.PROTOCOL_REGIMES)

GUIDELINES.append(
    Claim("protocol-choice", "§VI, Algorithm 2", f"Algorithm 2 picks B by data-set size N: {_REGIMES}",
          "B by N (lines 1–6)", "protocol", "lines 2–6 set B to a pair of candidates and do not say which to "
          "train, so both are graded: per data set and candidate, the accuracy the measured B nearest the candidate "
          f"loses against the best B, by one tolerance on every data set: {INTERVAL} within {COST_TOL:g} pp of 0 "
          f"(§IV-G's own line: B* is the first B more than {B_STAR_DROP:g} point below the peak), or the best B "
          f"itself: reproduced; within {COST_PARTLY_TOL:g} pp (the tables' partly tolerance): partly; wider, holding "
          "0: not resolved; else, or a failed cell there: not reproduced; a candidate not measured whose nearest "
          "measured B is the other candidate's is graded once, there (one B, one grade); a data set's grade is the "
          f"worse of its candidates' grades; then the data sets together: {parts_rule('data set')}",
          _protocol, section="The batch-size selection protocol (Algorithm 2)"))
