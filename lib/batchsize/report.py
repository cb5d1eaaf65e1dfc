"""The reproduction report: every quantitative claim of the paper judged on our runs, in the paper's order.

The claims and their rules are in `claims_accuracy`, `claims_training` and `claims_landscape`, each row beside its
rule, on the estimates and the verdict scale of `stats`: "reproduced" when our interval comes within the stated
tolerance of the paper's value, "partly" within the wider one, "not reproduced" otherwise. Absolute numbers (an
accuracy, a table cell) are compared only against runs with the paper's setup (the `paper` profile, read from the
runs' provenance); trends, ratios, slopes and correlations on every profile. A claim is "not testable" only when its
rule raises `NotTestable` (our runs cannot answer it: a batch size or a section we did not run); any other error is
a bug and fails the build. The rules read the tables of `analysis.report_tables`.
"""

from __future__ import annotations

import pandas as pd

from . import claims_accuracy, claims_landscape, claims_training
from .rulebook import Claim
from .stats import NOT_TESTABLE, PARTLY, REPRODUCED, NotTestable


def claims() -> list[Claim]:
    """Every quantitative claim of the paper the book tests, in the paper's order."""
    return [*claims_accuracy.CLAIMS, *claims_training.CLAIMS, *claims_landscape.CLAIMS]


def evaluate(claims: list[Claim], tables: dict[str, pd.DataFrame], profile: str) -> pd.DataFrame:
    """One row per claim: the paper's value, ours, the verdict. Only `NotTestable` makes a claim not testable
    (its reason is shown); any other exception is a bug in a rule and propagates."""
    rows = []
    for claim in claims:
        try:
            ours, verdict = claim.test(tables, profile)
        except NotTestable as why:
            ours, verdict = f"cannot be tested here: {why}", NOT_TESTABLE
        rows.append({"claim": claim.id, "where": claim.where, "statement": claim.text, "paper": claim.paper_value,
                     "ours": ours, "verdict": verdict, "tolerance": claim.tolerance, "chapter": claim.chapter})
    return pd.DataFrame(rows)


# The claims that rest on one data set's runs alone (and the CNN benchmark): while that data set's paper sweep
# spans sessions, they can be judged on its paper-profile runs finished so far (`evaluate_so_far`).
DATASET_CLAIMS = {"mnist": ("table-iii", "mnist-optimum", "mnist-floor", "mnist-negative-gap"),
                  "cifar10": ("table-iv", "cifar-collapse", "cifar-slowdown")}


def evaluate_so_far(so_far: dict[str, pd.DataFrame], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each data set's own claims (`DATASET_CLAIMS`) judged on its paper-profile runs finished so far (`so_far`:
    section -> runs, as `book.Chapter.paper_so_far` gives them), by the same rules as the main table: provisional
    verdicts, so that the paper's claims on a data set whose sweep spans sessions are tested at the paper's scale
    rather than left to runs too small to answer them. While some B has fewer than two seeds, a verdict is at
    best partly: several rules compare points, and one seed's point has no interval. `tables` gives what else
    the rules read (the CNN benchmark); `runs` and `fewest seeds` (of any B) say what each verdict stands on."""
    verdicts = []
    for section, runs in so_far.items():
        if section not in DATASET_CLAIMS or runs.empty:
            continue
        own = [c for c in claims() if c.id in DATASET_CLAIMS[section]]
        found = evaluate(own, {**tables, "accuracy": runs}, "paper")
        fewest = int(runs.groupby("batch_size")["seed"].nunique().min())
        if fewest < 2:
            found["verdict"] = found["verdict"].replace(REPRODUCED, PARTLY)
        verdicts.append(found.assign(section=section, runs=len(runs), **{"fewest seeds": fewest}))
    return pd.concat(verdicts, ignore_index=True) if verdicts else pd.DataFrame()
