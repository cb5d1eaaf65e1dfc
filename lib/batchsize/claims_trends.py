"""The paper's claims on how test accuracy changes with batch size (§IV-A, §VII): the trend on the synthetic sets,
their drops from B = 8 to 512, the drop from B = 32 to 512 on every data set, and the sweet spot; each row beside
the rule that tests it. The claims on single rows and cells of Tables III, IV and VII are in `claims_accuracy` and
`claims_cifar10`."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from . import paper
from .critical import FAILED
from .drops import drop_between
from .rulebook import (
    COMPARABLE,
    INTERVAL,
    NOT_RUN,
    PEAK,
    PP,
    SYNTHETIC_DATA,
    Claim,
    Outcome,
    best_b,
    brief,
    datasets_in,
    failed_note,
    on_every,
    parts_rule,
    runs_of,
    tie_rule,
    tie_span,
    tie_text,
)
from .runtable import SYNTHETIC, cell, cells, trained
from .stats import (
    NOT_REPRODUCED,
    PARTLY,
    REPRODUCED,
    UNRESOLVED,
    NotTestable,
    difference,
    effect_graded,
    parts_verdict,
    tie_graded,
)
from .style import counted, number

CLAIMS: list[Claim] = []  # in the paper's order
DROP_TOL = 1.5  # pp: a drop within this of the §IV-A text's is reproduced
# The heading of the accuracy chapter's section that shows the numbers of a rule on every data set.
WHOLE_CHAPTER = "Test accuracy against batch size (Figs 2–4, Tables III, IV, VII)"


TREND_LEVEL = 0.05  # the p below which Spearman's ρ settles the trend's direction; at or above it the seeds cannot tell


def _ranked(part: pd.DataFrame) -> pd.DataFrame:
    """The runs of one data set that rank (`critical.cell_status`): those that trained in measured cells, and every
    run of a failed cell at −∞, below every measured one (training failed there: the lowest accuracy of all, as
    `claims_accuracy._mnist_floor` ranks it); the runs at chance in a measured cell are left out and counted."""
    at = cells(part, by=("batch_size",))
    failed = part["batch_size"].isin(at.loc[at["status"] == FAILED, "batch_size"])
    return pd.concat([part[trained(part) & ~failed], part[failed].assign(test_acc=-np.inf)])


def trend_graded(rho: float, p: float) -> str:
    """ρ < 0 with p below `TREND_LEVEL`: reproduced; ρ > 0 with p below it: not reproduced (accuracy rises);
    otherwise (or no ρ, accuracy constant) not resolved: the seeds cannot tell a trend from none."""
    if p < TREND_LEVEL and rho != 0:
        return REPRODUCED if rho < 0 else NOT_REPRODUCED
    return UNRESOLVED


def _rise(ranked: pd.DataFrame) -> str:
    """The first step between neighbouring measured B where accuracy rises, its Welch 95 % interval above 0:
    ', but rises from B = 8 to 32 by 2.00 pp [1.20, 2.80]'; '' where none does. Spearman's ρ < 0 says accuracy
    falls with B overall, not monotonically: a hump with a larger fall than rise passes it."""
    measured = ranked[np.isfinite(ranked["test_acc"])]
    sizes = sorted(measured["batch_size"].unique())
    for small, large in itertools.pairwise(sizes):
        step = difference(*(measured.loc[measured["batch_size"] == b, "test_acc"] for b in (large, small)))
        if step.low > 0:
            return f", but rises from B = {small} to {large} by {step.text(' pp')}"
    return ""


def _monotonic(tables: dict, profile: str) -> Outcome:
    """Per synthetic set, Spearman ρ of B against accuracy over its ranked runs (`_ranked`: a failed cell below every
    measured one), graded by `trend_graded`, and a fall with a rise between neighbouring B (`_rise`) partly: it falls,
    not monotonically; the claim ("on all three") by `parts_verdict`, so two sets of three are partly. A set we did
    not run cannot hold: the claim is then at best partly."""
    runs = runs_of(tables)
    texts, held, rhos = [], [], []
    for name in datasets_in(runs, SYNTHETIC):
        part = runs[runs["dataset"] == name]
        ranked = _ranked(part)
        if ranked["batch_size"].nunique() < 3:
            raise NotTestable(f"fewer than three batch sizes of {name} where runs trained or the cell failed")
        rho, p = stats.spearmanr(ranked["batch_size"], ranked["test_acc"])
        held.append(trend_graded(rho, p))
        rise = _rise(ranked) if held[-1] == REPRODUCED else ""
        held[-1] = PARTLY if rise else held[-1]
        rhos.append(rho)
        left_out, failed = len(part) - len(ranked), failed_note(part)
        texts.append(f"{name}: ρ = {number(rho)} (p = {number(p, 'p')}, {len(ranked)} runs"
                     f"{f', {left_out} at chance in a measured cell left out' if left_out else ''}"
                     f"{failed}{', ranked below every measured cell' if failed else ''}){rise}: {held[-1]}")
    note, verdict = on_every(parts_verdict(held), runs["dataset"], SYNTHETIC)
    return Outcome("; ".join(texts) + note, verdict, f"ρ = {brief(rhos, quantity='r')}")


CLAIMS.append(
    Claim("synthetic-trend", "§IV-A", "Test accuracy falls monotonically with B on all three synthetic sets",
          "monotonic decrease", "accuracy", "per set, Spearman ρ(B, acc) over the runs that trained (runs at chance "
          "in a measured cell left out; every run of a failed cell ranked below every measured one): ρ < 0 with "
          f"p < {TREND_LEVEL:g}: reproduced, but partly where accuracy rises between neighbouring B ({INTERVAL} "
          f"of the step above 0: it falls, not monotonically); ρ > 0 with p < {TREND_LEVEL:g}: not reproduced; "
          "otherwise: "
          f"{UNRESOLVED}; then the sets together: {parts_rule('set')}; {NOT_RUN}", _monotonic, section=SYNTHETIC_DATA))


FAILED_DROP = "a failed cell: training collapsed, not a drop of the paper's size"


def _drop(dataset: str, expected: float, small: int, large: int):
    def test(tables: dict, profile: str) -> Outcome:
        drop, note = drop_between(runs_of(tables), dataset, small, large)
        if drop is None:
            return Outcome(f"B = {small} to {large}: {FAILED_DROP}{note}", NOT_REPRODUCED)
        return Outcome(f"{drop.text(' pp')} from B = {small} to {large}{note}", effect_graded(drop, expected, DROP_TOL),
                       brief([drop.mean], " pp"))
    return test


_SMALL, _LARGE = paper.SECTION_IVA_ENDS


def _table_vii_drop(dataset: str) -> str:
    """The same drop in the paper's own Table VII, which §IV-A's text contradicts: shown beside the text's."""
    vii = paper.accuracy_table(dataset).set_index("B")["test_acc"]
    return f"; its own Table VII: {number(vii[_SMALL] - vii[_LARGE], 'pp')} pp"


CLAIMS.extend(
    [Claim(f"synthetic-drop-{d[10:]}", "§IV-A", f"{d} set: accuracy drop from B = {_SMALL} to B = {_LARGE}",
           f"{e:.1f} pp{_table_vii_drop(d)}", "accuracy",
           f"{INTERVAL} of the drop (runs that trained) within {DROP_TOL:g} {PP} of the text's: reproduced; "
           f"{COMPARABLE}; a failed cell at either end: not reproduced",
           _drop(d, e, _SMALL, _LARGE), section=SYNTHETIC_DATA)
     for d, e in zip(paper.SECTION_IVA["dataset"],
                     paper.SECTION_IVA[f"acc_B{_SMALL}"] - paper.SECTION_IVA[f"acc_B{_LARGE}"], strict=True)])


def _drop_32_512(tables: dict, profile: str) -> Outcome:
    """Parts: each data set's drop from B = 32 to 512 against the paper's 2–6 pp (`effect_graded`: inside it
    reproduced, comparable partly), and "more on smaller data sets": the 1K set's drop above the 50K set's, their
    intervals apart (reproduced), overlapping (not resolved) or apart the other way (not reproduced). The claim by
    `parts_verdict`."""
    runs = runs_of(tables)
    drops, parts, texts, judged, left_out = {}, [], [], [], 0
    for name in datasets_in(runs):
        try:
            drop, note = drop_between(runs, name, *paper.DROP_ENDS)
        except NotTestable:
            continue
        if drop is not None:  # both cells measured: their runs at chance are left out of the drop (`note` says so)
            drops[name] = drop
            left_out += sum(int((~trained(cell(runs, name, b))).sum()) for b in paper.DROP_ENDS)
        parts.append(NOT_REPRODUCED if drop is None else effect_graded(drop, paper.DROP_32_512, 0.0))
        judged.append(name)
        texts.append(f"{name}: {FAILED_DROP if drop is None else drop.text(' pp')}{note} ({parts[-1]})")
    if len(parts) < 2:
        raise NotTestable("fewer than two data sets with both B = {} and B = {}".format(*paper.DROP_ENDS))
    ours = "; ".join(texts)
    smallest, largest = SYNTHETIC[0], SYNTHETIC[-1]
    if smallest in drops and largest in drops:
        small, large = drops[smallest], drops[largest]
        order = REPRODUCED if small.low > large.high else NOT_REPRODUCED if small.high < large.low else UNRESOLVED
        parts.append(order)
        said = {REPRODUCED: "yes", NOT_REPRODUCED: "no, the other way", UNRESOLVED: "no, they overlap"}[order]
        ours += f"; the {smallest} drop above the {largest} drop, intervals apart: {said}"
    note, verdict = on_every(parts_verdict(parts), judged, SYNTHETIC)  # "smaller data sets": the three sizes
    chance = f"; {counted(left_out, 'run')} at chance left out" if left_out else ""
    return Outcome(ours + note, verdict, brief([d.mean for d in drops.values()], " pp") + chance)


(_LOW, _HIGH), (_FROM, _TO) = paper.DROP_32_512, paper.DROP_ENDS
CLAIMS.append(
    Claim("drop-32-512", "§VII", f"Test accuracy degrades {_LOW:g}–{_HIGH:g}% as B grows from {_FROM} to {_TO}, "
          "more on smaller data sets", f"{_LOW:g}–{_HIGH:g} pp", "accuracy", f"per data set, {INTERVAL} of the drop "
          f"(runs that trained) inside [{_LOW:g}, {_HIGH:g}] {PP}: reproduced; {COMPARABLE}; a failed cell: "
          "not reproduced; and the 1K set's drop above the 50K set's (intervals apart: reproduced; overlapping: not "
          f"resolved; apart the other way: not reproduced); then the parts together: {parts_rule('part')}; "
          f"{NOT_RUN}", _drop_32_512, section=WHOLE_CHAPTER))


def _sweet_spot(tables: dict, profile: str) -> Outcome:
    """Per synthetic set, the B tied with its best (`rulebook.best_b`) against §IV-A's range (`stats.tie_graded`,
    no partly arm: the text gives a range, not a B); the sets by `parts_verdict`, and a set we did not run makes
    the claim at best partly (`rulebook.on_every`)."""
    runs = runs_of(tables)
    found = {name: best_b(runs[runs["dataset"] == name]) for name in datasets_in(runs, SYNTHETIC)}
    graded = {name: tie_graded(tied, paper.SWEET_SPOT) for name, (_, tied) in found.items()}
    ours = "; ".join(f"{d}: {tie_text(b, t, runs[runs['dataset'] == d])}: {graded[d]}" for d, (b, t) in found.items())
    note, verdict = on_every(parts_verdict(list(graded.values())), found, SYNTHETIC)
    spans = "; ".join(tie_span(t, runs[runs["dataset"] == d]) for d, (_, t) in found.items())
    return Outcome(ours + note, verdict, f"tied with the best: {spans}")


_SPOT = "–".join(map(str, paper.SWEET_SPOT))
CLAIMS.append(
    Claim("synthetic-sweet-spot", "§IV-A", f"The sweet-spot batch size is {_SPOT} across all synthetic scales",
          f"B = {_SPOT}", "accuracy", f"per set, {tie_rule(paper.SWEET_SPOT)}; then the sets together: "
          f"{parts_rule('set')}; {NOT_RUN}", _sweet_spot, section=PEAK))
