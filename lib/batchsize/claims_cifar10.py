"""The paper's claims on CIFAR-10's accuracy (§IV-A3, §IV-C; Table IV), each row beside the rule that tests it:
Table IV row by row, the collapse at its largest B and the slowdown against B = 64. They follow the claims of
`claims_accuracy` (Tables VII and III, MNIST's cells) in the paper's order."""

from __future__ import annotations

import itertools

import pandas as pd

from . import paper
from .claims_accuracy import CIFAR, GAP_TOLERANCE, MOST, table_rows
from .critical import MEASURED
from .datasets import DATASET_SPECS
from .rulebook import TABLE_TOLERANCE, Claim, Outcome, best_b, runs_of
from .runtable import cell, cells, trained
from .stats import (
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
    UNRESOLVED,
    NotTestable,
    comparable,
    difference,
    direction_graded,
    rate_interval,
    ratio,
)
from .style import counted, number
from .targets import to_shared_target
from .timing import time_ratio

CLAIMS: list[Claim] = []  # in the paper's order
# The heading of the chapter section that shows the numbers the slowdown's rule judges (the report links it there).
TIME_TO_TARGET = "Epochs and wall-clock time to a target accuracy"


CLAIMS.append(
    Claim("table-iv", "Table IV", "CIFAR-10 test accuracies per B", "Table IV", "accuracy", TABLE_TOLERANCE,
          table_rows(("cifar10",), "Table IV"), section=CIFAR))


CLAIMS.append(
    Claim("table-iv-gap", "Table IV", "CIFAR-10 generalization gaps Δ per B", "Table IV, Δ", "accuracy",
          GAP_TOLERANCE, table_rows(("cifar10",), "Table IV", "gap"), section=CIFAR))


_IV = paper.table("IV").set_index("B")["test_acc"]
_COLLAPSE_B, _COLLAPSE_AT = int(_IV.index[-1]), float(_IV.iloc[-1])  # Table IV's largest B: near-random
COLLAPSE_TOL = 5.0  # pp above the paper's near-random accuracy: still a collapse
CIFAR_FALL = round(float(_IV.max() - _COLLAPSE_AT), 2)  # Table IV: its peak minus its largest B


def _cifar_collapse(tables: dict, profile: str) -> Outcome:
    """The claim is about runs that end near random, so each run counts, and how often they do is graded on its
    exact interval (`rate_interval`) against `MOST`, as mnist-largest-batch grades the mirror count (how often runs
    fail to train) and cifar-slowdown how often runs never get there: the same 2 of 3 reads alike in all three. A
    mean over a cell where some runs collapsed and others trained describes neither (an accuracy no run reached,
    and from two or three seeds an interval far outside 0–100 %), so each run is listed, and the fall from the peak
    is that of the runs that trained (a partial collapse: they ended low without ending at chance), counted apart
    from those near random: of comparable size to the paper's, it holds the claim in part whatever the count."""
    runs = runs_of(tables)
    part = cell(runs, "cifar10", _COLLAPSE_B).sort_values("seed")
    each = ", ".join(f"seed {s}: {a:.1f}%" + ("" if ok else " (at chance)")
                     for s, a, ok in zip(part["seed"], part["test_acc"], trained(part), strict=True))
    near = int((part["test_acc"] <= _COLLAPSE_AT + COLLAPSE_TOL).sum())
    peak = best_b(runs[runs["dataset"] == "cifar10"])[0]
    at_peak, learned = cell(runs, "cifar10", peak), part[trained(part)]
    fall = difference(at_peak.loc[trained(at_peak), "test_acc"], learned["test_acc"]) if len(learned) else None
    low, high = rate_interval(near, len(part))
    fell = bool(fall and comparable(fall, CIFAR_FALL))
    if low >= MOST:  # most runs collapse
        verdict = REPRODUCED if near == len(part) else PARTLY
    else:  # the seeds cannot tell whether most would (or most do not), unless the runs that trained fell as far;
        # with none near random and no such fall, nothing of the claim was seen
        verdict = PARTLY if fell else UNRESOLVED if high >= MOST and near else NOT_REPRODUCED
    fallen = (f"the fall from the peak (B = {peak}) of the {len(learned)} that trained: {fall.text(' pp', 1)}" if fall
              else "none trained")
    return Outcome(f"{near} of {len(part)} runs near random (≤ {_COLLAPSE_AT + COLLAPSE_TOL:g}%) at B = "
                   f"{_COLLAPSE_B}, {_rate_text(near, len(part), 'collapse')}; {each}; {fallen}", verdict,
                   f"{near} of {len(part)} runs near random")


# the fewest seeds, all of them counted, whose exact interval lies at or above `MOST` (computed: 6 at 95 %)
ALL_ENOUGH = next(n for n in itertools.count(1) if rate_interval(n, n)[0] >= MOST)


def _rate_text(count: int, runs: int, what: str) -> str:
    """'a rate of 67 % [9.4, 99.2] % (Clopper–Pearson 95 %: the seeds cannot tell whether most runs collapse; it
    takes 6 of 6 or more to show that most do)': a count of runs as the rules grade it, and where its interval holds
    `MOST`, how many seeds could settle it (the CIFAR-10 plan has 3: there even 3 of 3 cannot)."""
    low, high = rate_interval(count, runs)
    unsure = (f": the seeds cannot tell whether most runs {what}; it takes {ALL_ENOUGH} of {ALL_ENOUGH} or more to "
              "show that most do" if low < MOST <= high else "")
    return f"a rate of {100 * count / runs:.0f} % [{low:.1f}, {high:.1f}] % (Clopper–Pearson 95 %{unsure})"


CLAIMS.append(
    Claim("cifar-collapse", "§IV-A3", f"CIFAR-10 collapses at large B, near-random ({_COLLAPSE_AT:g}%) at "
          f"B = {_COLLAPSE_B}", f"{_COLLAPSE_AT:.2f}% at B = {_COLLAPSE_B}", "accuracy",
          f"how often runs end at most {_COLLAPSE_AT + COLLAPSE_TOL:g}% at B = {_COLLAPSE_B}, a count graded on its "
          f"exact (Clopper–Pearson) 95 % interval against {MOST:g} % as mnist-largest-batch's failures: all of it at "
          "or above: reproduced where every run is near random, else partly; a fall from the peak of the runs that "
          f"trained of comparable size to the paper's {CIFAR_FALL:g} pp (all of its interval above 0, overlapping "
          "½× to 2× of it; a point where one trained): partly; else, the interval holding "
          f"{MOST:g} % with a run near random: not resolved (3 of 3 is [{rate_interval(3, 3)[0]:.0f}, 100] %: the "
          "seeds cannot tell whether most runs collapse); else not reproduced",
          _cifar_collapse, section=CIFAR))


def _cifar_slowdown(tables: dict, profile: str) -> Outcome:
    """The claim's text says the rule. Why: the paper's 80 % cannot decide it (its own CIFAR-10 peak is below),
    so the target is `targets.to_shared_target`'s (the efficiency chapter's table) with B = 64's runs alone setting
    it (`reference`): the claim is that B = 1024 never gets where B = 64 does, and were B = 1024's runs to set it too,
    each would reach its own best (only a run at chance could fail to); a run there that never reaches it (one that
    trains but stays below it, or one at chance) is the claim holding, never dropped nor averaged in, and how often
    that happens is graded on its exact interval (`rate_interval`) against `MOST`, as mnist-largest-batch grades
    how often runs fail; and
    the ratio is in epochs (`stats.ratio` over seeds), not this CPU's seconds (`timing.time_ratio`, shown, not
    graded): the paper's per-epoch and wall-clock claims are its hardware's, not testable here."""
    small_b, large_b = paper.CIFAR_SLOWDOWN
    runs = runs_of(tables)
    cifar = runs[runs["dataset"] == "cifar10"]
    small, large = (cifar[cifar["batch_size"] == b] for b in (small_b, large_b))
    if small.empty or large.empty:
        raise NotTestable(f"no CIFAR-10 runs at B = {small_b if small.empty else large_b}")
    if cells(small).iloc[0]["status"] != MEASURED:
        raise NotTestable(f"{int(trained(small).sum())} of {len(small)} runs at B = {small_b} trained: no time of "
                          "its to compare with (that needs at least two, and most)")
    if len(large) < 2:
        raise NotTestable(f"one run at B = {large_b}: whether it converges says little of B = {large_b}")
    history = runs_of(tables, "histories")
    if not pd.concat([small, large])["key"].isin(history["key"]).all():
        raise NotTestable("no learning curve for some of the runs")
    speed = tables.get("cnn-speed")
    timed, how = to_shared_target(cifar, history, speed, (small_b, large_b), reference=small_b)
    ends = [timed[timed["batch_size"] == b] for b in (small_b, large_b)]
    there = [e["epochs_to_target"].notna() for e in ends]
    failed, at_large = int((~there[1]).sum()), len(ends[1])
    slower = clock = None
    if there[0].any() and there[1].any():  # the epochs of the runs that got there, B = 1024 over B = 64
        epochs = timed.set_index("key")["epochs_to_target"]
        got = [b[b["key"].map(epochs).notna()] for b in (large, small)]
        slower = ratio(*(g["key"].map(epochs) for g in got))
        clock, how = time_ratio(got, [g["key"].map(epochs) for g in got], speed, cifar)
    low, high = rate_interval(failed, at_large)  # how often B = 1024 never gets there: a count, its exact interval
    if low >= MOST:  # most runs never get there, as mnist-largest-batch reads "most runs fail"
        verdict = REPRODUCED if failed == at_large else PARTLY
    elif failed and high >= MOST:  # the seeds cannot tell whether most would: reproduced, or graded by the epochs of
        # those that got there; partly only where both readings are (those slower), else not resolved
        slow = slower is not None and direction_graded(slower, 1.0) in (REPRODUCED, PARTLY)  # a point: partly
        verdict = PARTLY if slow else UNRESOLVED
    elif slower is None:  # B = 64's runs that trained set the target, so their curves must reach it
        raise NotTestable(f"no learning curve at B = {small_b} reaches the best accuracy its run recorded")
    else:
        verdict = direction_graded(slower, 1.0)
        verdict = PARTLY if verdict == REPRODUCED else verdict
    if not there[0].all() and verdict == REPRODUCED:
        verdict = PARTLY
    never = "; ".join(f"{int((~t).sum())} of {len(e)} runs at B = {b} never reached it ({_outcomes(e[~t])})"
                      for e, t, b in zip(ends, there, (small_b, large_b), strict=True) if (~t).any())
    never += f" (at B = {large_b}, {_rate_text(failed, at_large, 'would never get there')})" if failed else ""
    time = (f"; the {counted(int(there[1].sum()), 'run')} at B = {large_b} that got there took {slower.text('×')} "
            f"B = {small_b}'s epochs to it; {ON_THIS_CPU}: {clock.text('×')} B = {small_b}'s wall-clock time{how}"
            if slower else "")
    ours = (f"80 % cannot decide it (Table IV's own peak is {_IV.max():.2f} %); epochs to "
            f"{timed['target'].iloc[0]:.1f} % (the highest every run that trained at B = {small_b} reached, the lowest "
            f"of their best; B = {large_b}'s runs set none of it): {never or 'every run at both B reached it'}{time}")
    target = f"{timed['target'].iloc[0]:.1f}"
    said = [f"{failed} of {at_large} runs never reach {target} %"] if failed else []  # at the B judged, named
    if slower:
        interval = (f" [{number(slower.low, 'ratio')}, {number(slower.high, 'ratio')}]" if slower.low < slower.high
                    else "")
        said.append(f"{'the rest ' if failed else ''}{number(slower.mean, 'ratio')}×{interval} B = {small_b}'s epochs")
    said = f"B = {large_b}: " + "; ".join(said)
    return Outcome(ours, verdict, said)


def _outcomes(part: pd.DataFrame) -> str:
    """'2 collapsed, 1 trained but stayed below it': how the runs that never reached a target ended."""
    return ", ".join(f"{n} {'trained but stayed below it' if outcome == 'trained' else outcome}"
                     for outcome, n in part["outcome"].value_counts().items())


_SMALL, _LARGE = paper.CIFAR_SLOWDOWN
_EPOCH_TIMES = paper.table("IV").set_index("B")["epoch_time"][[_LARGE, _SMALL]]  # the paper's s per epoch, its GPU
ON_THIS_CPU = "on this CPU (shown, not graded: the paper's times are its own hardware's)"
CLAIMS.append(
    Claim("cifar-slowdown", "§IV-C, §V-E", f"CIFAR-10 at B = {_LARGE} never converges in "
          f"{DATASET_SPECS['cifar10'].epochs} epochs: a net slowdown against B = {_SMALL}",
          f"never reaches {paper.CONVERGENCE_TARGET:g}%", "efficiency",
          f"ill-posed at {paper.CONVERGENCE_TARGET:g} % (Table IV's own peak, {_IV.max():.2f} %, never reaches it); "
          f"judged at B = {_LARGE} and {_SMALL} (no other B stands in) on the book's alternative target, set by "
          f"B = {_SMALL} alone: the highest accuracy every run that trained at B = {_SMALL} reached (the lowest of "
          f"their best; were B = {_LARGE}'s runs to set it too, each would reach its own best): a run at "
          f"B = {_LARGE} that never reaches it within its budget (one that trains but stays below it, or a run at "
          "chance) is the claim holding, the extreme of slower, never dropped nor averaged into a time; how often "
          f"that happens is a count, graded on its exact (Clopper–Pearson) 95 % interval against {MOST:g} %, as "
          "mnist-largest-batch's failures: all of it at or above: reproduced where every run never got there, else "
          f"partly; holding it with one run or more never there: partly where those that got there were slower (at "
          f"least partly either way), else not resolved (3 of 3 is [{rate_interval(3, 3)[0]:.0f}, 100] %); "
          f"else (those runs named) the epochs to it of those that got there over B = {_SMALL}'s (geometric "
          "means over seeds, Welch 95 % interval on the log scale), all of it above 1: partly (slower, but it "
          "converges); holding 1 and reaching above: not resolved; else not reproduced (a single ratio, no interval: "
          f"above 1 partly, else not reproduced); a run at B = {_SMALL} that never reaches it counts against: at best "
          "partly. Epochs, not seconds: they need no hardware, and on the paper's an epoch takes about as long at "
          f"either B (Table IV: {_EPOCH_TIMES[_LARGE]:g} s at B = {_LARGE}, {_EPOCH_TIMES[_SMALL]:g} s at "
          f"{_SMALL}), so that more epochs is more time there; this CPU's wall-clock ratio is shown where a run at "
          f"B = {_LARGE} gets there, not graded",
          _cifar_slowdown, section=TIME_TO_TARGET))
