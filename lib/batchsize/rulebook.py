"""The rulebook: what a claim is (one quantitative claim of the paper, in words, with the rule that tests it on
our run tables) and what every rule shares (how it finds its runs, how its tolerance is put in words). The claims
themselves are in the `claims_*` modules (`report.claims` lists them in the paper's order), each row beside its
rule; `report` lists and judges them. What several rules read off one data set's cells (its best B and the B
tied with it, its failed cells) is here, so that they read it alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from .critical import FAILED, MEASURED, critical_batch_size
from .datasets import DATASET_NAMES, in_registry_order
from .paper_tables import ACC_PARTLY_TOL, ACC_TOL
from .runtable import cells, tied_with
from .stats import PARTLY, REPRODUCED, UNRESOLVED, NotTestable
from .style import number

# The headings of the accuracy chapter's sections that the claims of more than one `claims_*` module link to.
SYNTHETIC_DATA, PEAK = "Synthetic data (Fig. 2, Table VII)", "Where does accuracy peak?"



class Outcome(NamedTuple):
    """What a rule found: its numbers in full (`ours`, the report's column), its verdict, and `brief`, the same in
    a few characters for a reader (beside the paper's value in the findings; '' where a number would mislead).
    The rule writes both, so that no reader of `ours` parses prose."""

    ours: str
    verdict: str
    brief: str = ""


Rule = Callable[[dict[str, pd.DataFrame], str], Outcome]  # (tables, profile) -> what it found

PP, INTERVAL = "percentage points", "all of our 95 % interval"
BEST = "the best B (the highest mean over the runs that trained, among the B where at least two runs and most trained)"
TIED = (f"the B tied with the best: {BEST}, and each B with no run at chance whose difference from it (runs that "
        "trained, Welch 95 % interval) holds 0 (a B where a run ended at chance did not train every time: named, "
        "never tied)")
COMPARABLE = ("all of the interval on the paper's side of 0 and overlapping ½× to 2× of the paper's effect: partly; "
              "holding both 0 and ½× to 2× of it: not resolved")


def parts_rule(part: str) -> str:
    """How a claim of several parts (table rows, data sets, fits) combines them, `stats.parts_verdict`, in words, its
    parts named `part`: each outcome the code can give, so that a reader need not guess the last."""
    return (f"every {part} reproduced: reproduced; most of the testable ones reproduced, or none not reproduced and "
            f"most of the testable ones at least partly: partly; no {part} not reproduced and at most half of the "
            "testable ones at least "
            f"partly (the others not resolved): not resolved; every {part} not testable: not testable; otherwise "
            f"(some {part} not reproduced, at most half of the testable ones reproduced): not reproduced")


NOT_RUN = "a synthetic set not run: at best partly"  # `on_every` on a claim about all three
PARTS_RULE = "the table: " + parts_rule("B") + "; a row of the paper's that we did not run: at best partly"
# A table cell's test accuracy with runs at chance (`paper_tables.cell_verdict`), in words: Tables III, IV, V and
# VII's accuracy claims (`TABLE_TOLERANCE`). A failed cell's Δ follows another rule (not reproduced beside a paper
# row that trained, not testable beside one at chance): the gap claims say `paper_tables.FAILED_GAP` instead.
CHANCE_CELLS = ("a cell with runs at chance at best partly, one where at least half are (failed) not reproduced, "
                "unless the paper's own row is at chance: there a failed cell is what the paper saw, reproduced where "
                "every run (at least two) is at chance, partly where most are, else not reproduced")
# The paper's spread that narrows a table row's tolerance (`paper_tables.accuracy_tolerances`), in words.
SPREAD = ("the spread: the paper's largest value minus its smallest, over the rows graded on their values (every row "
          "but those whose cell of ours failed, which are graded by their runs at chance)")
TABLE_TOLERANCE = (f"per B: {INTERVAL} within {ACC_TOL:g} pp of the paper's, or half the paper's own spread across B "
                   f"where that is smaller (reproduced); within {ACC_PARTLY_TOL:g} pp or the whole spread (partly); "
                   f"wider, holding the paper's value (not resolved); {SPREAD}; {CHANCE_CELLS}; {PARTS_RULE} "
                   "(paper-profile runs only)")


@dataclass(frozen=True)
class Claim:
    """One quantitative claim of the paper and how to test it on the run tables."""

    id: str
    where: str  # the paper's section or table
    text: str  # the claim as the paper states it
    paper_value: str
    chapter: str  # the notebook that shows the evidence
    tolerance: str  # what counts as reproduced / partly, in words
    test: Rule
    section: str = ""  # the heading of the chapter's section that shows the numbers the rule judges


def runs_of(tables: dict, name: str = "accuracy") -> pd.DataFrame:
    """The runs (or measurements) a rule reads from `report_inputs.report_tables`; `NotTestable` when there are none."""
    if name not in tables or tables[name].empty:
        raise NotTestable(f"no {name} runs")
    return tables[name]


def datasets_in(runs: pd.DataFrame, wanted: Sequence[str] | None = None) -> list[str]:
    """The data sets of `wanted` (default: all) that `runs` has, in the registry's order (as every claim text lists
    them); `NotTestable` when it has none of them."""
    names = [d for d in (wanted or runs["dataset"].unique()) if d in set(runs["dataset"])]
    if not names:
        raise NotTestable(f"no runs of {', '.join(wanted or [])}")
    return in_registry_order(names)


def best_b(part: pd.DataFrame) -> tuple[int, set[int]]:
    """One data set's best B by the one rule (`critical.critical_batch_size`), and the B our seeds cannot tell from
    it (`runtable.tied_with`, the best among them), which a claim of a best B grades (`stats.tie_graded`);
    `NotTestable` where no cell is measured (no B where two runs trained, and most did)."""
    found = critical_batch_size(part, by=("dataset",)).iloc[0]
    if pd.isna(found["optimal_b"]):
        raise NotTestable(f"no B of {found['dataset']} where at least two runs, and most, trained")
    best = int(found["optimal_b"])
    return best, tied_with(part, best)


def _untied_at_chance(tied: set[int], part: pd.DataFrame) -> pd.DataFrame:
    """The measured cells of `part` (one data set's runs) out of the tie set `tied` where some run ended at chance:
    never tied with the best (`runtable.tied_with`), so named wherever a tie set is shown, never silently left out."""
    at = cells(part, by=("batch_size",))
    return at[(at["status"] == MEASURED) & (at["failed"] > 0) & ~at["batch_size"].isin(tied)]


def tie_text(best: int, tied: Iterable[int], part: pd.DataFrame) -> str:
    """'best B = 128 (tied with it: 16, 32, 64, 128; B = 512: 1 of 3 runs at chance, not tied)': what a claim of a
    best B grades, in full, with each B of `part` (one data set's runs) left out of the tie for a run at chance."""
    chance = "".join(f"; B = {r.batch_size}: {r.failed} of {r.runs} runs at chance, not tied"
                     for r in _untied_at_chance(set(tied), part).itertuples())
    return f"best B = {best} (tied with it: {', '.join(map(str, sorted(tied)))}{chance})"


def tie_span(tied: Iterable[int], part: pd.DataFrame) -> str:
    """'CIFAR-10 8–64, 512 (B = 256 has runs at chance)': a tie set in a few characters (`Outcome.brief`), after the
    data set's name (a brief lists several data sets), tied B with no other B of `part` (one data set's runs) between
    them as one range, so that a B left out (below the best, failed, or with a run at chance, then named) breaks
    it."""
    tied, spans, previous = set(tied), [], False
    for b in sorted(int(b) for b in part["batch_size"].unique()):
        if b in tied and previous:
            spans[-1][1] = b
        elif b in tied:
            spans.append([b, b])
        previous = b in tied
    chance = [str(b) for b in _untied_at_chance(tied, part)["batch_size"]]
    name = ", ".join(DATASET_NAMES.get(d, d) for d in part["dataset"].unique())
    return f"{name} " + ", ".join(str(low) if low == high else f"{low}–{high}" for low, high in spans) + (
        f" (B = {' and '.join(chance)} {'has' if len(chance) == 1 else 'have'} runs at chance)" if chance else "")


def tie_rule(target: int | tuple[int, int] | str, partly_factor: int | None = None) -> str:
    """A claim of a best B in words, as `stats.tie_graded` grades it against `target`: the paper's B, its range
    [low, high], or words for a B that varies ("at the paper's B"); with the partly arm where the claim allows a
    factor `partly_factor`."""
    if isinstance(target, str):
        at, band = target, f"(1/{partly_factor}× to {partly_factor}×)"
    else:
        low, high = (target, target) if isinstance(target, int) else target
        at = f"at B = {low}" if low == high else f"in [{low}, {high}]"
        band = f"([{low // (partly_factor or 1)}, {high * (partly_factor or 1)}])"
    partly = f"all within a factor {partly_factor} of it {band}: partly; " if partly_factor else ""
    return (f"{TIED}; all of them {at}: reproduced; {partly}some {at} and others not: {UNRESOLVED} (our seeds "
            "cannot tell); otherwise: not reproduced")


def on_every(verdict: str, judged: Iterable[str], expected: Sequence[str]) -> tuple[str, str]:
    """A claim about every data set of `expected` holds only if every one was judged (issue 22): where some were
    not run, ('; no runs of Medium synthetic (10K)', at best partly); else ('', `verdict`)."""
    missing = [DATASET_NAMES.get(d, d) for d in expected if d not in set(judged)]
    if not missing:
        return "", verdict
    return f"; no runs of {', '.join(missing)}", PARTLY if verdict == REPRODUCED else verdict


def failed_note(part: pd.DataFrame) -> str:
    """'; failed: B = 1024 (2 of 3 runs at chance)': the cells the one rule leaves out of the ranking as failures."""
    at = cells(part)
    failed = at[at["status"] == FAILED]
    return ("; failed: " + ", ".join(f"B = {r.batch_size} ({r.failed} of {r.runs} runs at chance)"
                                     for r in failed.itertuples())) if len(failed) else ""


_QUANTITY = {" pp": "pp", " pp per doubling": "pp", "%": "percent", "×": "ratio", "": "slope"}


def brief(means: Iterable[float], unit: str = "", quantity: str = "", at_least: bool = False) -> str:
    """A rule's numbers in a few characters (`Outcome.brief`), in the house style: one, or their range over the
    parts of a claim ('0.65 to 1.02×'); '≥ ' where one is a lower bound; '' where there is none. `quantity`
    defaults to the `unit`'s (pp, percent, ratio; a slope where there is no unit)."""
    found = sorted(means)
    if not found:
        return ""
    low, high = (number(v, quantity or _QUANTITY[unit]) for v in (found[0], found[-1]))
    return ("≥ " if at_least else "") + (f"{low}{unit}" if low == high else f"{low} to {high}{unit}")
