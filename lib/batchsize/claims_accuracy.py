"""The paper's claims on single rows and cells of its accuracy tables (§IV-A; Tables III, IV and VII), each row
beside the rule that tests it: the tables row by row, MNIST's optimum, floor, negative gap and largest B. CIFAR-10's
(Table IV, its collapse and its slowdown) are in `claims_cifar10`; the trends, drops and the sweet spot in
`claims_trends`."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import paper
from .critical import FAILED, MEASURED, ONE_RUN
from .paper_tables import (
    FAILED_GAP,
    GAP_PARTLY_TOL,
    GAP_TOL,
    PARTLY_FACTOR,
    accuracy_tolerances,
    compare_accuracy,
    failed_gap_verdict,
    largest_difference,
    on_paper_runs,
    paper_at_chance,
)
from .report_inputs import LARGEST_BATCH as LARGEST_SECTION
from .report_inputs import recipe_configs
from .rulebook import (
    INTERVAL,
    PARTS_RULE,
    PEAK,
    PP,
    SPREAD,
    SYNTHETIC_DATA,
    TABLE_TOLERANCE,
    Claim,
    Outcome,
    best_b,
    brief,
    datasets_in,
    failed_note,
    runs_of,
    tie_rule,
    tie_span,
    tie_text,
)
from .runtable import SYNTHETIC, cell, cells, runs_profile, trained
from .stats import (
    NOT_REPRODUCED,
    NOT_TESTABLE,
    PARTLY,
    REPRODUCED,
    UNRESOLVED,
    VERDICTS,
    Estimate,
    NotTestable,
    difference,
    direction_graded,
    effect_graded,
    estimate,
    graded,
    parts_verdict,
    rate_interval,
    tie_graded,
)
from .style import counted, joined, number
from .summaries import failure_table

CLAIMS: list[Claim] = []  # in the paper's order
# The headings of the chapter sections that show the numbers each rule judges (the report links them there).
MNIST, CIFAR = "MNIST (Fig. 3, Table III)", "CIFAR-10 (Fig. 4, Table IV)"
GAP_AGAINST_B = "Δ against B"
LARGEST_BATCH = "MNIST at its largest batch size: how often training fails"


def table_rows(datasets: Sequence[str], name: str, column: str = "test_acc"):
    """Tables III, IV, VII: our interval against the paper's value of `column` (test accuracy or the gap Δ) in
    every row, on paper-profile runs."""
    def test(tables: dict, profile: str) -> Outcome:
        runs = runs_of(tables)
        runs = runs[runs["dataset"].isin(datasets)]
        compared = pd.concat([_compared(runs, d, profile, column) for d in datasets_in(runs, datasets)])
        compared = compared.dropna(subset=["seeds", f"paper {column}"]).reset_index(drop=True)
        if compared.empty:
            raise NotTestable(f"no B of {name} in our runs")
        verdicts = list(compared[f"verdict ({column.replace('_', ' ')})"])  # each row's rule, as the chapter shows it
        apart = [int(b) for b in compared.loc[compared["apart"], "B"]]
        verdicts = [v for v, away in zip(verdicts, compared["apart"], strict=True) if not away] or verdicts
        worst = largest_difference(compared, column)
        chance = int(compared["at chance"].sum())
        fewest, most = int(compared["seeds"].min()), int(compared["seeds"].max())
        seeds = counted(fewest, "seed") if fewest == most else f"{fewest}–{most} seeds"  # never "3–3 seeds"
        unresolved = verdicts.count(UNRESOLVED)
        ours = (f"{verdicts.count(REPRODUCED)} of {len(verdicts)} B reproduced, "
                f"{sum(v in (REPRODUCED, PARTLY) for v in verdicts)} at least partly"
                f"{f', {unresolved} not resolved' if unresolved else ''} (95 % intervals, {seeds}"
                f"{', ' + counted(chance, 'run') + ' at chance' if chance else ''}){worst}")
        if apart:
            ours += (f"; B = {', '.join(str(b) for b in apart)} not testable, counted apart (failed where the paper's "
                     "own row is at chance too)")
        verdict = parts_verdict(verdicts)
        expected = sum(int(paper.accuracy_table(d)[column].notna().sum()) for d in datasets)
        if len(compared) < expected:  # a row (or a data set) we did not run is no row reproduced
            ours += f"; {expected - len(compared)} of the paper's {expected} rows not run"
            verdict = PARTLY if verdict == REPRODUCED else verdict
        return Outcome(ours, on_paper_runs(verdict, runs),
                       f"{verdicts.count(REPRODUCED)} of {len(verdicts)} batch sizes reproduced")
    return test


def _compared(runs: pd.DataFrame, dataset: str, profile: str, column: str) -> pd.DataFrame:
    """`compare_accuracy` of a data set, with `apart`: a row of Δ not testable for `FAILED_GAP`'s reason (our cell
    failed beside a paper row at chance, on paper-profile runs), counted apart from the rows graded."""
    compared = compare_accuracy(runs, dataset, profile)
    paper_runs = runs_profile(runs[runs["dataset"] == dataset], profile) == "paper"
    return compared.assign(apart=(compared["status"] == FAILED) & paper_at_chance(dataset, compared["paper test_acc"])
                           & paper_runs & (column == "gap"))


GAP_TOLERANCE = (f"per B: {INTERVAL} of Δ within {GAP_TOL:g} pp of the paper's, or half the paper's own spread of Δ "
                 f"across B where that is smaller (reproduced); within {GAP_PARTLY_TOL:g} pp or the whole spread "
                 f"(partly); wider, holding the paper's value (not resolved); {SPREAD}; a cell with runs at chance "
                 f"at best partly; {FAILED_GAP}; {PARTS_RULE} (paper-profile runs only)")


CLAIMS.append(
    Claim("table-vii", "Table VII", "Synthetic test accuracies per B", "Table VII", "accuracy", TABLE_TOLERANCE,
          table_rows(SYNTHETIC, "Table VII"), section=SYNTHETIC_DATA))


CLAIMS.append(
    Claim("table-vii-gap", "Table VII", "Synthetic generalization gaps Δ per B", "Table VII, Δ", "accuracy",
          GAP_TOLERANCE, table_rows(SYNTHETIC, "Table VII", "gap"), section=SYNTHETIC_DATA))


CLAIMS.append(
    Claim("table-iii", "Table III", "MNIST test accuracies per B", "Table III", "accuracy", TABLE_TOLERANCE,
          table_rows(("mnist",), "Table III"), section=MNIST))


CLAIMS.append(
    Claim("table-iii-gap", "Table III", "MNIST generalization gaps Δ per B", "Table III, Δ", "accuracy", GAP_TOLERANCE,
          table_rows(("mnist",), "Table III", "gap"), section=MNIST))


def _mnist_optimum(tables: dict, profile: str) -> Outcome:
    """The B tied with MNIST's best (`rulebook.best_b`) against §IV-A2's B = 64, partly within a factor 2 of it
    (`stats.tie_graded`): a claim of one B is reproduced only where our seeds put every other B below it, and on a
    curve as flat as MNIST's, where nearly every B is tied, they cannot tell."""
    runs = runs_of(tables)
    mnist = runs[runs["dataset"] == "mnist"]
    theirs = paper.MNIST_TEXT_OPTIMUM[0]
    cell(runs, "mnist", theirs)
    best, tied = best_b(mnist)
    at = cell(mnist, "mnist", best)
    ours = f"{tie_text(best, tied, mnist)}; at B = {best}: {estimate(at.loc[trained(at), 'test_acc']).text('%')}" \
           f"{_chance_note(at)}{failed_note(mnist)}"
    return Outcome(ours, on_paper_runs(tie_graded(tied, theirs, PARTLY_FACTOR), mnist),
                   f"best B = {best}, tied with it: {tie_span(tied, mnist)}")


_OPT_B, _OPT_ACC = paper.MNIST_TEXT_OPTIMUM
CLAIMS.append(
    Claim("mnist-optimum", "§IV-A2", f"The optimal MNIST batch size is {_OPT_B} ({_OPT_ACC:g}%)", f"B = {_OPT_B}",
          "accuracy", tie_rule(_OPT_B, PARTLY_FACTOR) + " (paper profile only)", _mnist_optimum, section=PEAK))


def _failed_mean(values: pd.Series) -> Estimate:
    """The mean of a failed cell's runs that trained, with no interval, as the tables and the largest-batch rule
    show it: an interval over the few runs that trained would read as a measurement of a cell that failed."""
    return Estimate(float(values.mean()), np.nan, np.nan, len(values))


def _chance_note(part: pd.DataFrame) -> str:
    bad = int((~trained(part)).sum())
    return f", {bad} of {len(part)} at chance" if bad else ""


def _mnist_floor(tables: dict, profile: str) -> Outcome:
    """A claim of a direction: the worst B < 512 minus the best B ≥ 512 over the runs that trained, graded by
    `direction_graded` (all of its interval above 0: reproduced; holding 0 and reaching above: not resolved; else
    not reproduced); a failed cell lies below every measured one (training failed there), so a floor of failed
    cells alone is reproduced, and a failed B < 512 beside a measured B ≥ 512 is not reproduced, named (the few
    runs that trained there are not its level); a cell of one run is left out."""
    runs = runs_of(tables)
    mnist = runs[runs["dataset"] == "mnist"]
    at = cells(mnist, by=("batch_size",))
    at = at[at["status"] != ONE_RUN].set_index("batch_size")
    level = at["test_acc"].where(at["status"] == MEASURED, -np.inf)
    floor = paper.MNIST_FLOOR
    large, small = level[level.index >= floor], level[level.index < floor]
    if large.empty or small.empty:
        raise NotTestable(f"no MNIST cells on both sides of B = {floor}")
    worst_small, best_large = int(small.idxmin()), int(large.idxmax())
    if np.isinf(large.max()):  # every B ≥ 512 failed
        return Outcome(f"every B ≥ {floor} failed" + failed_note(mnist), REPRODUCED if np.isfinite(small.min())
                       else NOT_REPRODUCED)
    if np.isinf(small.min()):  # training failed below the floor: lower than the best B ≥ 512, which trained
        failed = ", ".join(str(int(b)) for b in small.index[np.isinf(small)])
        return Outcome(f"B = {failed} failed (below B = {floor}): lower than the best B ≥ {floor} (B = {best_large}), "
                       f"which trained{failed_note(mnist)}", NOT_REPRODUCED, f"B = {failed} failed")
    learned = mnist[trained(mnist)]
    gap = difference(*(learned.loc[learned["batch_size"] == b, "test_acc"] for b in (worst_small, best_large)))
    return Outcome(f"worst B < {floor} (B = {worst_small}) minus best B ≥ {floor} (B = {best_large}): "
                   f"{gap.text(' pp')}{failed_note(mnist)}", direction_graded(gap),
                   f"B = {worst_small} minus B = {best_large}: {brief([gap.mean], ' pp')}")


_FLOOR = paper.MNIST_FLOOR
CLAIMS.append(
    Claim("mnist-floor", "§IV-A2", f"A performance floor appears on MNIST at B ≥ {_FLOOR}", f"B ≥ {_FLOOR} worst",
          "accuracy", f"every B ≥ {_FLOOR} below every B < {_FLOOR} (means of the runs that trained; a failed cell, "
          f"at least half of its runs at chance, below all: a failed B < {_FLOOR} beside a B ≥ {_FLOOR} that "
          f"trained, not reproduced; every B ≥ {_FLOOR} failed beside B < {_FLOOR} that trained, reproduced): the "
          f"worst B < {_FLOOR} minus the best B ≥ {_FLOOR}, all of its interval above 0: reproduced; holding 0 and "
          "reaching above it: not resolved; else not reproduced",
          _mnist_floor, section=MNIST))


_III = paper.table("III").set_index("B")
NEGATIVE_GAP = float(_III["gap"].iloc[-1])  # Table III at its largest B (1024)
NEGATIVE_GAP_TOL = abs(NEGATIVE_GAP) / 2  # half the paper's gap: a gap near 0 cannot pass


def _negative_gap(tables: dict, profile: str) -> Outcome:
    """Δ at MNIST's largest B over the runs that trained, graded as an effect against the paper's (`effect_graded`):
    within half of it, reproduced; negative and of comparable size, partly; a failed cell (at least half of its
    runs at chance): `paper_tables.failed_gap_verdict`, as every table grades a failed cell's Δ (`FAILED_GAP`): not
    reproduced beside Table III's row, which trained; not testable were it at chance."""
    runs = runs_of(tables)
    largest = int(_III.index[-1])  # Table III's: its Δ at a smaller B is positive, so no other B stands in
    part = cell(runs, "mnist", largest)
    if part.empty:
        raise NotTestable(f"no MNIST runs at B = {largest}")
    if cells(part).iloc[0]["status"] == FAILED:
        at_chance = f"{int((~trained(part)).sum())} of {len(part)} runs at chance"
        verdict = failed_gap_verdict(bool(paper_at_chance("mnist", float(_III.loc[largest, "test_acc"]))))
        if verdict == NOT_TESTABLE:
            raise NotTestable(f"B = {largest} failed ({at_chance}) where the paper's own row is at chance too")
        learned = part.loc[trained(part), "gap"]  # shown beside the verdict, never graded: the cell failed
        theirs = f"; the {counted(len(learned), 'run')} that trained: Δ = {_failed_mean(learned).text(' pp')}" \
            if len(learned) else ""
        return Outcome(f"B = {largest} failed: {at_chance}{theirs}", verdict, f"B = {largest} failed ({at_chance})")
    gap = estimate(part.loc[trained(part), "gap"])
    return Outcome(f"Δ = {gap.text(' pp')} at B = {largest}{_chance_note(part)}",
                   effect_graded(gap, NEGATIVE_GAP, NEGATIVE_GAP_TOL), brief([gap.mean], " pp"))


CLAIMS.append(
    Claim("mnist-negative-gap", "§IV-A2", "The gap is negative at MNIST's largest B (underfitting)",
          f"Δ = {number(NEGATIVE_GAP)} at B = {int(_III.index[-1])}", "gap",
          f"{INTERVAL} of Δ (trained runs) within {NEGATIVE_GAP_TOL:.3g} {PP} of {number(NEGATIVE_GAP)}: reproduced; "
          f"all of it below 0 and overlapping ½× to 2× of {number(NEGATIVE_GAP)}: partly; holding both 0 and that: not "
          f"resolved; runs at chance are counted, not averaged in; {FAILED_GAP} (the runs that trained there shown "
          "as one mean, no interval)", _negative_gap,
          section=GAP_AGAINST_B))


def _largest_batch(tables: dict, profile: str) -> Outcome:
    """Table III's last row on every seed of the paper's recipe there (`report_inputs.largest_batch_runs`), as the
    claim's text says: a run that did not train is a failure of the recipe, never missing data. Two parts, the
    claim's verdict the worse of them: the failures, graded on the failure rate's exact interval (`_failure_part`:
    with few seeds it cannot tell whether most runs fail), and the accuracy of the runs that trained, graded
    (`graded`) by the table's tolerances with this row among those graded on their values, as it is here. One run
    that trained is at worst not resolved: a point has no interval that could exclude the paper's value (`graded`
    would fail it on its distance alone, above the paper's as below)."""
    largest = int(_III.index[-1])
    runs = runs_of(tables, LARGEST_SECTION)
    part = runs[(runs["dataset"] == "mnist") & (runs["batch_size"] == largest)]
    if part.empty:
        raise NotTestable(f"no MNIST runs at B = {largest}")
    row = failure_table(part).iloc[0]
    if row["trained"]:
        # over the runs that trained, failed cell or not (`runtable.cells` gives a failed cell no interval)
        acc = estimate(part.loc[trained(part), "test_acc"])
        accuracy = graded(acc, _LARGEST_ACC, *_LARGEST_TOLERANCES)
        one = acc.low == acc.high  # one run (or no spread): at worst not resolved, no interval to exclude the paper's
        if one:
            accuracy = min((accuracy, UNRESOLVED), key=VERDICTS.index)
        shown = acc if not one else Estimate(acc.mean, np.nan, np.nan, int(row["trained"]))  # its n
        said = (f"the {row['trained']} that trained: {shown.text('%')}: accuracy {accuracy}"
                + (f" ({ONE_RUN_ACCURACY})" if one else ""))
    else:
        accuracy, said = NOT_REPRODUCED, f"none trained: accuracy {NOT_REPRODUCED}"
    failures = _failure_part(row["failed"], row["failure rate CI low"], row["failure rate CI high"])
    now = max((failures, accuracy), key=VERDICTS.index)
    ours = (f"{row['failed']} of {row['runs']} runs failed ({row['collapsed']} collapsed, {row['diverged']} "
            f"diverged; seeds {row['seeds']}): failure rate {row['failure rate']:.0f} % "
            f"[{row['failure rate CI low']:.1f}, {row['failure rate CI high']:.1f}] (Clopper–Pearson 95 %): "
            f"failures {failures}; {said}{_still_to_come(part, int(row['failed']), now)}")
    return Outcome(ours, on_paper_runs(now, part),
                   f"{row['failed']} of {row['runs']} runs failed")


MOST = 50.0  # % of runs: the failures part asks whether most runs of the recipe fail
ONE_RUN_ACCURACY = "one trained run: no interval, at best partly and at worst not resolved"  # said of its grade


def _failure_part(failed: int, low: float, high: float) -> str:
    """The failures on `SCALE`, from the failure rate's exact 95 % interval [low, high] in %: the interval below
    half (most runs of the recipe train), reproduced where none failed (`NONE_ENOUGH` seeds or more) and at best
    partly otherwise; at or above it (most fail), not reproduced; holding half, not resolved (the seeds cannot tell
    whether most runs fail), none failed of fewer seeds included: no failure in 3 is no evidence that most train."""
    if high < MOST:
        return REPRODUCED if failed == 0 else PARTLY
    return NOT_REPRODUCED if low >= MOST else UNRESOLVED


# the fewest seeds whose exact interval at no failure lies below `MOST` (computed: 6 at 95 %, where 0 of 5 holds it)
NONE_ENOUGH = next(n for n in itertools.count(1) if rate_interval(0, n)[1] < MOST)


def _still_to_come(part: pd.DataFrame, failed: int, now: str) -> str:
    """'; 5 of the 8 planned seeds still to come: …': where seeds of the paper plan's recipe are not stored yet, the
    verdicts they can still reach from `now`, the current one (kept, or made another: review s41, A5). The failures
    part only worsens as failures rise and the accuracy part can take every grade at or below its best (reproduced
    with two or more that trained; not reproduced with none or two or more that trained, one that trained being at
    worst not resolved, and a seed still to come that trains gives a second), so they are one range: from the worse
    of the failures part should every remaining seed train and the accuracy's best, down to not reproduced. Where the
    failures part is the same should all train or all fail, it is settled and only the accuracy part can move the
    verdict, no higher than that part."""
    planned = {c.seed for c in recipe_configs("paper")}
    left, total = len(planned - set(part["seed"])), len(planned | set(part["seed"]))
    if not left:
        return ""
    fewest, most = (_failure_part(f, *rate_interval(f, total)) for f in (failed, failed + left))
    best = max((fewest, REPRODUCED if total - failed >= 2 else PARTLY), key=VERDICTS.index)
    reachable = VERDICTS[VERDICTS.index(best):VERDICTS.index(NOT_REPRODUCED) + 1]
    others = [v for v in reachable if v != now]
    can = (f"make it {joined(others, 'or')}" if now not in reachable else
           f"keep it {now} or make it {joined(others, 'or')}"
           if others else f"only keep it {now}")
    text = f"; {left} of the {total} planned seeds still to come: they can {can}"
    if fewest != most:
        return text
    if fewest == NOT_REPRODUCED:
        return f"{text} (the failures part is settled at {fewest}, and so is the verdict)"
    moves = [f"{way} to {joined(vs, 'or')}" for way, vs in (
        ("up", [v for v in others if VERDICTS.index(v) < VERDICTS.index(now)]),
        ("down", [v for v in others if VERDICTS.index(v) > VERDICTS.index(now)])) if vs]
    return (f"{text} (the failures part is settled at {fewest}; only the accuracy part can still move the verdict"
            + "".join(f", {m}" for m in moves) + ")")



def _plan_failures(seeds: int) -> str:
    """The failures part at every count of failures among the plan's `seeds`, from their exact intervals (computed,
    not typed): with few seeds the interval of any count but all may hold 50 % (none too, below `NONE_ENOUGH` seeds),
    and partly be out of reach."""
    grades = [_failure_part(f, *rate_interval(f, seeds)) for f in range(seeds + 1)]  # worsens as failures rise
    said = []
    for grade in dict.fromkeys(grades):
        first, last = grades.index(grade), seeds - grades[::-1].index(grade)
        counts = {(0, 0): "none failed", (seeds, seeds): f"all {seeds} failed",
                  (1, seeds - 1): "any failure short of all"}.get(
            (first, last), f"{first} to {last} failed" if last > first else f"{first} failed")
        if grade == UNRESOLVED:
            ends = " to ".join(f"{f} of {seeds}: [{low:.1f}, {high:.1f}] %"
                               for f, (low, high) in ((f, rate_interval(f, seeds)) for f in sorted({first, last})))
            counts += f" (the interval holds {MOST:g} %, {ends})"
        said.append(f"{counts}: {grade}")
    missing = [v for v in VERDICTS[:4] if v not in grades]
    return (f"at the plan's {seeds} seeds, {'; '.join(said)}"
            + (f" ({' and '.join(missing)} out of reach)" if missing else ""))


_LARGEST_TOLERANCES = accuracy_tolerances("mnist")  # every row of Table III: this one is graded on its value
_LARGEST_ACC = float(_III["test_acc"].iloc[-1])
CLAIMS.append(
    Claim("mnist-largest-batch", "Table III", f"MNIST trains at B = {int(_III.index[-1])} with the linear rule and "
          f"warm-up, to {_LARGEST_ACC:.2f}% test accuracy", f"{_LARGEST_ACC:.2f}% (no failure reported)", "accuracy",
          "two parts, the claim's verdict the worse of them (reproduced, partly, not resolved, not reproduced, best "
          "first). The failures (a run that did not train is a failure, never missing data), on the failure rate's "
          f"exact (Clopper–Pearson) 95 % interval: its upper end below {MOST:g} % (most runs train) with no run "
          f"failed, which takes {NONE_ENOUGH} seeds or more, the part holds; its upper end below {MOST:g} % with some "
          f"run failed: partly; its lower end at or above {MOST:g} % (most fail): not reproduced; holding {MOST:g} %: "
          "not resolved (the seeds cannot tell whether most runs of the recipe fail; no run failed of fewer than "
          f"{NONE_ENOUGH} seeds included); "
          f"{_plan_failures(len({c.seed for c in recipe_configs('paper')}))}. This part was changed after the first "
          "three paper runs had been seen: it was a point value, at least half of the runs failed: not reproduced "
          "(now an interval, as cifar-collapse and cifar-slowdown grade their counts). The accuracy of the "
          f"runs that trained: {INTERVAL} within {_LARGEST_TOLERANCES[0]:.3g} pp of the paper's (half the paper's "
          "spread across Table III's B, this row among them, as it is graded on its value): reproduced; within "
          f"{_LARGEST_TOLERANCES[1]:.3g} pp (the whole spread, the table's partly tolerance): partly; wider, holding "
          "the paper's value: not resolved; else not reproduced (the runs that trained on their own interval, in a "
          "failed cell too); one run that trained at best partly and at worst not resolved (a point has no interval "
          "that could exclude the paper's value); none "
          "trained: not reproduced (paper profile only; every seed of the paper's recipe at this B; where seeds of "
          "the plan are still to come, which verdicts they can still reach)",
          _largest_batch, section=LARGEST_BATCH))
