"""The paper's claims on how large batches train (§IV-B gap, §IV-C and §V-E time, §V-D and Table V learning-rate
scaling), each row beside the rule that tests it."""

from __future__ import annotations

import pandas as pd

from . import paper
from .paper_tables import ACC_PARTLY_TOL, ACC_TOL, on_paper_runs
from .rulebook import COMPARABLE, INTERVAL, PP, TABLE_TOLERANCE, Claim, datasets_in, runs_of
from .runtable import cell, trained
from .stats import (
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
    Estimate,
    NotTestable,
    difference,
    effect_graded,
    estimate,
    graded,
    parts_verdict,
    ratio,
)
from .style import number
from .summaries import gap_bound_table, pearson_table
from .timing import benchmark_speedup, converged, epoch_times, shared_timing, speed_ends, time_to_target

CLAIMS: list[Claim] = []  # in the paper's order
# The headings of the chapter sections that show the numbers each rule judges (the report links them there).
PEARSON, GAP_BOUND = "Pearson r between log B and Δ", "Is Δ below the paper's bound for B ≤ 64?"
RATIOS = "The paper's ratios, measured"
TABLE_V = "Table V: fixed, linear and square-root learning rates on the large synthetic set"
PEARSON_TOL = 0.1  # r within 0.1 of the paper's
EXTRA_TOL = 0.25  # the extra epochs within this of the paper's
LSR_TOL, LSR_GAP_TOL = 3.0, 1.5  # pp: the LR ablation's accuracy and gap effects within these of the paper's
TARGET = paper.CONVERGENCE_TARGET  # the paper's convergence criterion: first epoch above it
GPU = "not testable on this hardware (the paper's times are GPU epoch times); this CPU's"


def _pearson(tables: dict, profile: str) -> tuple[str, str]:
    result = pearson_table(runs_of(tables)).iloc[0]  # over all data sets, as the gap chapter's first row
    ours = (f"r = {number(result['r'])} [{number(result['ci_low'])}, {number(result['ci_high'])}], "
            f"p = {number(result['p'], 'p')}, "
            f"n = {result['n']} ({result['at chance']} runs at chance left out)")
    r = Estimate(result["r"], result["ci_low"], result["ci_high"], int(result["n"]))
    verdict = effect_graded(r, paper.PEARSON_R, PEARSON_TOL)
    return ours, PARTLY if verdict == REPRODUCED and result["p"] >= paper.PEARSON_P else verdict


CLAIMS.append(
    Claim("pearson", "§IV-B", "Pearson r between log B and Δ", f"r = {paper.PEARSON_R}, p < {paper.PEARSON_P}",
          "gap", f"{INTERVAL} of r (Fisher z) within {PEARSON_TOL:g} of {paper.PEARSON_R} and p < "
          f"{paper.PEARSON_P}: reproduced; {COMPARABLE}: partly (runs at chance left out)", _pearson, section=PEARSON))


def _gap_bound(tables: dict, profile: str) -> tuple[str, str]:
    rows = gap_bound_table(runs_of(tables))  # as the gap chapter shows it
    if rows.empty:
        raise NotTestable(f"no trained runs at B ≤ {paper.GAP_BOUND_MAX_B}")
    below = rows[f"below {paper.GAP_BOUND:g}%"]
    texts = [f"{r['dataset']}: highest Δ {Estimate(r['gap'], r['CI low'], r['CI high'], int(r['trained'])).text(' pp')}"
             f" at B = {r['batch_size']}" for _, r in rows.iterrows()]
    return "; ".join(texts), parts_verdict([REPRODUCED if b else NOT_REPRODUCED for b in below])


CLAIMS.append(
    Claim("gap-bound", "§IV-B", f"Δ < {paper.GAP_BOUND:g}% for B ≤ {paper.GAP_BOUND_MAX_B} on every data set",
          f"Δ < {paper.GAP_BOUND:g}%", "gap", f"{INTERVAL} of Δ (trained runs) below {paper.GAP_BOUND:g} at every "
          f"B ≤ {paper.GAP_BOUND_MAX_B} of every data set: reproduced; of most data sets: partly",
          _gap_bound, section=GAP_BOUND))


def _epoch_speedup(tables: dict, profile: str) -> tuple[str, str]:
    """B = 1 over the largest B per data set; a data set without B = 1 runs is named, and with one missing the claim
    ("on every data set") is at most partly reproduced."""
    runs = runs_of(tables)
    speedups, missing = {}, []
    for name in datasets_in(runs):
        part = runs[runs["dataset"] == name]
        if not (part["batch_size"] == 1).any():
            missing.append(name)
            continue
        largest = int(part["batch_size"].max())
        ends = [cell(part, name, b) for b in (1, largest)]
        benchmark = benchmark_speedup(ends, tables.get("cnn-speed"), part)
        if benchmark is not None:
            speedup, how = benchmark
            speedups[name] = (speedup, largest, how)
            continue
        # Seeds trained as one stack (the MLPs) share one measured time: counted once, it has no interval.
        speedups[name] = (ratio(*(e["median_epoch_time"].drop_duplicates() for e in ends)), largest, "")
    if not speedups:
        raise NotTestable("no data set has B = 1 runs")
    ours = "; ".join(f"{d}: {s.text('×', 1)} (B = 1 → {b}{how})" for d, (s, b, how) in speedups.items())
    raise NotTestable(f"{GPU}: {ours}" + (f"; no B = 1 runs of {', '.join(missing)}" if missing else ""))


CLAIMS.append(
    Claim("epoch-speedup", "§IV-C", f"Large batches cut per-epoch time by {paper.span(paper.EPOCH_SPEEDUP)}×",
          f"{paper.span(paper.EPOCH_SPEEDUP)}×", "efficiency",
          "not testable on this hardware: the paper's are GPU epoch times; ours (B = 1 over the largest B, this "
          "CPU) are shown beside them", _epoch_speedup, section=RATIOS))


def _extremes(runs: pd.DataFrame) -> list[tuple[str, pd.DataFrame, pd.DataFrame, str]]:
    """Per data set: its name, the trained runs at its smallest and at its largest measured B (`timing.speed_ends`:
    a B where most runs ended at chance is no point of a speed comparison, and its failures are not slow
    convergence), and, in words, the B left out of it, beyond the ends or failed between them ('' when none)."""
    found = []
    for name in datasets_in(runs):
        part = runs[runs["dataset"] == name]
        small_b, large_b, left_out = speed_ends(part)
        if pd.isna(small_b):
            continue
        small, large = (cell(part, name, b) for b in (small_b, large_b))
        found.append((name, small[trained(small)], large[trained(large)], left_out))
    return found


def _extra_epochs(tables: dict, profile: str) -> tuple[str, str]:
    """Per data set, the convergence epoch of its largest B over its smallest, graded as an effect: the extra
    epochs (the ratio − 1) against the paper's 0.5–1 (`effect_graded`, within 0.25: reproduced; above 0 and
    overlapping ½× to 2× of it: partly). Where the larger B never converged in some run the ratio is a lower
    bound: never better than partly. The claim by `parts_verdict`."""
    runs = runs_of(tables)
    parts, texts = [], []
    low, high = paper.EXTRA_EPOCHS
    for name, small, large, left_out in _extremes(runs):
        if not converged(small).all():
            continue
        epochs = large["first_epoch_above_80"].fillna(large["epochs_run"] + 1)  # never: at least one more epoch
        more = ratio(epochs, small["first_epoch_above_80"])
        censored = not converged(large).all()
        extra = Estimate(more.mean - 1, more.low - 1, more.high - 1, more.n)
        verdict = effect_graded(extra, (low - 1, high - 1), EXTRA_TOL)
        parts.append(PARTLY if censored and verdict == REPRODUCED else verdict)
        note = f"; the larger B never reached {TARGET:g} % in some runs" if censored else ""
        texts.append(f"{name}: {'≥ ' if censored else ''}{more.text('×')} (B = {small['batch_size'].iloc[0]} → "
                     f"{large['batch_size'].iloc[0]}{note}{left_out}; {parts[-1]})")
    if not parts:
        raise NotTestable(f"the smallest B of no data set reaches {TARGET:g} % in every run")
    return "; ".join(texts), parts_verdict(parts)


_LOW, _HIGH = paper.EXTRA_EPOCHS
CLAIMS.append(
    Claim("extra-epochs", "§IV-C", f"Large batches need {paper.span(paper.EXTRA_EPOCHS)}× more epochs to reach the "
          f"same accuracy", f"{paper.span(paper.EXTRA_EPOCHS)}×", "efficiency", f"convergence epoch (first above "
          f"{TARGET:g} %) of the largest over the smallest B, per data set: {INTERVAL} within {EXTRA_TOL:g} of "
          f"[{_LOW:g}, {_HIGH:g}]: reproduced; the extra epochs (ratio − 1) all above 0 and overlapping ½× to 2× of "
          f"the paper's {paper.span((_LOW - 1, _HIGH - 1))} (a ratio of {1 + (_LOW - 1) / 2:g} to "
          f"{1 + 2 * (_HIGH - 1):g}): partly; a run that never converges "
          "counts as one epoch more than it trained, and makes the ratio a lower bound (at best partly); every "
          "data set reproduced: reproduced; most, or none not reproduced: partly", _extra_epochs, section=RATIOS))


def _wall_clock(tables: dict, profile: str) -> tuple[str, str]:
    runs = runs_of(tables)
    found, texts = [], []
    for name, small, large, left_out in _extremes(runs):
        label = f"{name} (B = {small['batch_size'].iloc[0]} → {large['batch_size'].iloc[0]}{left_out})"
        if not (converged(small).all() and converged(large).all()):
            texts.append(f"{label}: not both at {TARGET:g} % in every run")
            continue
        (t_small, t_large), how = epoch_times([small, large], tables.get("cnn-speed"), runs[runs["dataset"] == name])
        speedup = ratio(time_to_target(small, t_small), time_to_target(large, t_large))
        if not how and (shared_timing(small) or shared_timing(large)):
            speedup = speedup.one_measurement()
        found.append(speedup)
        texts.append(f"{label}: {speedup.text('×', 1)}{how}")
    if not found:
        raise NotTestable(f"no data set whose smallest and largest B both reach {TARGET:g} %")
    raise NotTestable(f"{GPU}: {'; '.join(texts)}")


CLAIMS.append(
    Claim("wall-clock-speedup", "§V-E", "The effective wall-clock speed-up of large batches is typically "
          f"{paper.span(paper.WALL_CLOCK_SPEEDUP)}×", f"{paper.span(paper.WALL_CLOCK_SPEEDUP)}×", "efficiency",
          f"not testable on this hardware: the paper's are GPU times; ours (time to {TARGET:g} %, "
          "smallest over largest B, this CPU; seeds trained as one stack share one timing, counted once) are shown "
          "beside them", _wall_clock, section=RATIOS))


def _lr_rules(tables: dict, batch_size: int, column: str) -> dict[str, pd.Series]:
    """One column of the fixed and linear runs at one B of the LR ablation."""
    runs = runs_of(tables, "lr-scaling")
    at = runs[runs["batch_size"] == batch_size]
    rules = {rule: part[column] for rule, part in at.groupby("lr_rule")}
    if not {"fixed", "linear"} <= set(rules):
        raise NotTestable(f"no fixed and linear runs at B = {batch_size}")
    return rules


def _table_v_at(batch_size: int, column: str) -> dict[str, float]:
    """Table V: the paper's value of `column` under each LR rule at one B."""
    v = paper.table("V")
    return {row["lr_rule"]: float(row[column]) for _, row in v[v["B"] == batch_size].iterrows()}


def _lsr(batch_size: int):
    theirs = _table_v_at(batch_size, "test_acc")
    expected = round(theirs["linear"] - theirs["fixed"], 2)
    tol = min(LSR_TOL, expected / 2)  # never wider than half the effect, so a flat curve cannot pass

    def test(tables: dict, profile: str) -> tuple[str, str]:
        rules = _lr_rules(tables, batch_size, "test_acc")
        gain = difference(rules["linear"], rules["fixed"])
        return f"linear − fixed = {gain.text(' pp', 1)} at B = {batch_size}", effect_graded(gain, expected, tol)

    return Claim(f"lsr-accuracy{'' if batch_size == _V_SIZES[-1] else f'-{batch_size}'}", "Table V",
                 f"Without LR scaling, accuracy at B = {batch_size} drops from {theirs['linear']:g}% to "
                 f"{theirs['fixed']:g}%", f"−{expected:g} pp", "lr_scaling",
                 f"linear − fixed, {INTERVAL} within {tol:.3g} {PP} of {expected:g}: reproduced; {COMPARABLE}: partly",
                 test, section=TABLE_V)


_V_SIZES = sorted(int(b) for b in paper.table("V")["B"].unique())  # the ablation's B, the largest two of them tested
CLAIMS += [_lsr(_V_SIZES[-1]), _lsr(_V_SIZES[-2])]


def _lsr_most(tables: dict, profile: str) -> tuple[str, str]:
    sizes = sorted(int(b) for b in runs_of(tables, "lr-scaling")["batch_size"].unique())
    gains = {}
    for b in sizes:
        rules = _lr_rules(tables, b, "test_acc")
        gains[b] = difference(rules["linear"], rules["fixed"])
    most = max(gains, key=lambda b: gains[b].mean)
    return (f"largest linear − fixed: {gains[most].text(' pp', 1)} at B = {most}",
            effect_graded(gains[most], paper.LSR_MAX_DROP, LSR_TOL))


CLAIMS.append(
    Claim("lsr-up-to-10", "Abstract, §V-D",
          f"Omitting LR scaling degrades test accuracy by up to {paper.LSR_MAX_DROP:g}%",
          f"{paper.LSR_MAX_DROP:g} pp", "lr_scaling", f"the largest linear − fixed over B, {INTERVAL} within "
          f"{LSR_TOL:g} {PP} of {paper.LSR_MAX_DROP:g}: reproduced; {COMPARABLE}: partly", _lsr_most, section=TABLE_V))

_GAP_512 = _table_v_at(_V_SIZES[-1], "gap")  # at Table V's largest B


def _lsr_gap(tables: dict, profile: str) -> tuple[str, str]:
    large = int(runs_of(tables, "lr-scaling")["batch_size"].max())
    rules = _lr_rules(tables, large, "gap")
    increase = difference(rules["fixed"], rules["linear"])
    fixed, linear = rules["fixed"].mean(), rules["linear"].mean()
    times = f"×{fixed / linear:.1f}" if linear > 0 else "no ratio: Δ linear ≤ 0"
    return (f"Δ fixed − Δ linear = {increase.text(' pp')} at B = {large} (fixed {number(fixed)}, "
            f"linear {number(linear)}: {times})"), effect_graded(increase, _GAP_512["fixed"] - _GAP_512["linear"],
                                                                LSR_GAP_TOL)


CLAIMS.append(
    Claim("lsr-gap", "Table V",
          f"Without LR scaling the gap triples ({_GAP_512['linear']:g}% → {_GAP_512['fixed']:g}%)",
          f"+{_GAP_512['fixed'] - _GAP_512['linear']:.1f} pp (×{_GAP_512['fixed'] / _GAP_512['linear']:.1f})",
          "lr_scaling", f"Δ fixed − Δ linear at the largest B, {INTERVAL} within {LSR_GAP_TOL:g} {PP} of the paper's "
          f"increase: "
          f"reproduced; {COMPARABLE}: partly", _lsr_gap, section=TABLE_V))


def _table_v(tables: dict, profile: str) -> tuple[str, str]:
    runs = runs_of(tables, "lr-scaling")
    theirs = paper.table("V")
    verdicts, texts = [], []
    for _, row in theirs.iterrows():
        part = runs[(runs["batch_size"] == row["B"]) & (runs["lr_rule"] == row["lr_rule"])]
        if part.empty:
            continue
        ours = estimate(part["test_acc"])
        verdicts.append(graded(ours, row["test_acc"], ACC_TOL, ACC_PARTLY_TOL))
        texts.append(f"B = {row['B']} {row['lr_rule']}: {ours.text('%')}")
    if not verdicts:
        raise NotTestable("no row of Table V in our runs")
    return "; ".join(texts), on_paper_runs(parts_verdict(verdicts), runs)


CLAIMS.append(
    Claim("table-v", "Table V", "Test accuracies of the LR ablation", "Table V", "lr_scaling", TABLE_TOLERANCE,
          _table_v, section=TABLE_V))
