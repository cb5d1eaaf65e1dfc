"""The reproduction report: every quantitative claim of the paper judged on our runs, in the paper's order.

The claims and their rules are in `claims_trends`, `claims_accuracy`, `claims_cifar10`, `claims_shapes`,
`claims_training`, `claims_landscape` and `claims_critical`, each row beside its rule, on the estimates and the one
verdict scale of `stats` (`stats.SCALE`).
Absolute numbers (an accuracy, a table cell) are compared only against runs with the paper's setup (the `paper`
profile, read from the runs' provenance); trends, ratios, slopes and correlations on every profile. A claim is "not
testable" only when its rule raises `NotTestable` (our runs cannot answer it: a batch size or a section we did not
run); any other error is a bug and fails the build. The rules read the tables of `report_inputs.report_tables`. A
verdict on a sweep still under way is provisional: re-judged on a data set's paper runs so far (`evaluate_so_far`),
or marked where its rule reads a section whose runs are pending (`with_pending`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from . import (
    claims_accuracy,
    claims_cifar10,
    claims_critical,
    claims_landscape,
    claims_shapes,
    claims_training,
    claims_trends,
    paper,
    paper_table_v,
    paper_tables,
    report_inputs,
)
from .critical import critical_batch_size
from .datasets import DATASET_NAMES, PAPER_SECTIONS, SYNTHETIC, in_registry_order
from .rulebook import Claim, Outcome
from .runtable import registry_sorted
from .stats import NOT_REPRODUCED, NOT_TESTABLE, PARTLY, REPRODUCED, Estimate, NotTestable, effect_graded
from .style import number


def claims() -> list[Claim]:
    """Every quantitative claim of the paper the book tests, in the paper's order."""
    return [*claims_trends.CLAIMS, *claims_accuracy.CLAIMS, *claims_cifar10.CLAIMS, *claims_shapes.CLAIMS,
            *claims_training.CLAIMS, *claims_landscape.CLAIMS, *claims_critical.CLAIMS, *claims_shapes.GUIDELINES]


def evaluate(claims: list[Claim], tables: dict[str, pd.DataFrame], profile: str) -> pd.DataFrame:
    """One row per claim: the paper's value, ours (in full, and in a few characters: `brief`), the verdict, and
    where the chapter shows what it judged (`chapter`, the heading of its section: `evidence`). Only `NotTestable`
    makes a claim not testable (its reason is shown); any other exception is a bug in a rule and propagates."""
    rows = []
    for claim in claims:
        try:
            found = claim.test(tables, profile)
        except NotTestable as why:
            found = Outcome(f"cannot be tested here: {why}", NOT_TESTABLE)
        rows.append({"claim": claim.id, "where": claim.where, "statement": claim.text, "paper": claim.paper_value,
                     "ours": found.ours, "verdict": found.verdict, "brief": found.brief, "tolerance": claim.tolerance,
                     "chapter": claim.chapter, "evidence": claim.section})
    return pd.DataFrame(rows)


# The claims that rest on one data set's runs alone (and the CNN benchmark): while that data set's paper sweep
# spans sessions, they can be judged on its paper-profile runs finished so far (`evaluate_so_far`).
DATASET_CLAIMS = {"mnist": ("table-iii", "table-iii-gap", "mnist-optimum", "mnist-floor", "mnist-negative-gap",
                            "mnist-sweet-spot"),
                  "cifar10": ("table-iv", "table-iv-gap", "cifar-collapse", "cifar-slowdown", "cifar-onset")}


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


# The claims whose rule reads a section as far as its runs are stored (`report_inputs.report_runs`), whatever the
# other sections render: while runs of it are pending (`report_inputs.pending`), their verdicts are provisional.
SECTION_CLAIMS = {report_inputs.LARGEST_BATCH: ("mnist-largest-batch",)}


def with_pending(verdicts: pd.DataFrame, pending: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`verdicts` with each claim of `SECTION_CLAIMS` whose section has runs pending marked provisional (its `ours`
    says how many of the runs are stored, its `brief` that it is provisional), and those rows alone with the
    section they read (`section`): a verdict on part of a sweep is never shown as final."""
    said = pending.groupby("section", sort=False)["said"].agg("; ".join)
    reads = {claim: section for section, ids in SECTION_CLAIMS.items() if section in said.index for claim in ids}
    hit = verdicts["claim"].isin(list(reads))
    if not hit.any():
        return verdicts, pd.DataFrame()
    marked = verdicts.copy()
    section = marked.loc[hit, "claim"].map(reads)
    marked.loc[hit, "ours"] += "; provisional: " + section.map(said)
    marked.loc[hit, "brief"] = marked.loc[hit, "brief"].map(lambda b: f"{b}; provisional" if b else "provisional")
    return marked, marked[hit].assign(section=section).reset_index(drop=True)


SECTIONS = [*PAPER_SECTIONS, "lr-scaling", "dataset-size"]  # the sections whose runs the claims judge


@dataclass
class Judgement:
    """What the report judged: the rules' inputs (`report_inputs.report_tables`), the verdicts, the paper-scale runs so
    far per section, the provisional verdicts (on those runs, and of the claims that read a section still pending),
    what the report reads that is pending (`report_inputs.pending`) and the claims the paper's own tables contradict
    (`contradicted_by_its_tables`, shown beside their verdicts on the landing page and in the report)."""
    tables: dict[str, pd.DataFrame]
    verdicts: pd.DataFrame
    so_far: dict[str, pd.DataFrame]
    provisional: pd.DataFrame
    pending: pd.DataFrame
    contradicted: set[str]


def judge(chapter) -> Judgement:
    """Every claim judged on a `book.Chapter` of `SECTIONS`: what the report chapter shows, and what
    `batchsize verdicts` logs (one road, so the two cannot differ)."""
    tables = report_inputs.report_tables(chapter)
    so_far = {s: chapter.paper_so_far(s) for s in chapter.sections}
    pending = report_inputs.pending(chapter)
    verdicts, read = with_pending(evaluate(claims(), tables, chapter.profile), pending)
    found = [f for f in (evaluate_so_far(so_far, tables), read) if not f.empty]
    provisional = pd.concat(found, ignore_index=True) if found else pd.DataFrame()
    return Judgement(tables, verdicts, so_far, provisional, pending, contradicted_by_its_tables())


def _tables_of_runs() -> pd.DataFrame:
    """Tables III, IV and VII in one frame, with a `dataset` column."""
    return pd.concat([paper.table("III").assign(dataset="mnist"), paper.table("IV").assign(dataset="cifar10"),
                      paper.table("VII")], ignore_index=True)


def disagreements() -> pd.DataFrame:
    """Where the paper disagrees with itself, each computed from its own tables (`paper`): checks of the paper
    against the paper, kept out of the verdict tally, which counts only claims about our runs. Each row also says by
    what rule its tables contradict a claim of the report (`contradicts when`: the claim's own tolerance or range
    applied to the paper's single numbers) and names the claims they contradict (`contradicts`), so that the report
    can say which verdicts on our runs the paper's tables do not bear out either, and whether they part at all
    (`disagrees`)."""
    runs = _tables_of_runs()
    v = paper.table("V").set_index(["B", "lr_rule"])["test_acc"]
    v_row, vii_at_b0 = paper_table_v.table_v_and_vii("synthetic-50k")
    r = np.corrcoef(np.log2(runs["B"]), runs["gap"])[0, 1]
    small = runs[runs["B"] <= paper.GAP_BOUND_MAX_B]
    worst = small.loc[small["gap"].idxmax()]
    over = in_registry_order(small.loc[small["gap"] >= paper.GAP_BOUND, "dataset"].unique())
    at = runs.pivot(index="dataset", columns="B", values="test_acc")
    at = at.reindex(in_registry_order(at.index))  # the registry's order, as every caption
    drops = (at[32] - at[512]).round(2)
    rule = critical_batch_size(runs.rename(columns={"B": "batch_size"}).assign(seed=0, outcome="trained"),
                               by=("dataset",), min_trained=1)  # the paper gives one number per cell
    rule = registry_sorted(rule)
    vi = paper.table("VI").set_index("dataset")
    applied = "; ".join(f"{DATASET_NAMES[r.dataset]}: optimal {r.optimal_b}, "
                        f"B* {'none' if pd.isna(r.critical_b) else r.critical_b} "
                        f"(Table VI: {vi.loc[r.dataset, 'optimal_B']}, {vi.loc[r.dataset, 'critical_B']})"
                        for r in rule.itertuples())
    by_rule = rule.set_index("dataset").reindex(vi.index)
    iv = runs[runs["dataset"] == "cifar10"].sort_values("B")
    rho = spearmanr(iv["B"], iv["gap"]).statistic
    iv_slope = np.polyfit(np.log2(iv["B"]), iv["gap"], 1)[0]  # pp per doubling, as the gap-ordering rule measures
    top = iv.loc[iv["gap"].idxmax()]
    speedups = {d: paper_tables.epoch_speedups(d).iloc[-1]  # B = 1 over the largest B
                for d in in_registry_order(runs["dataset"].unique())}
    fit = claims_critical.paper_exponent_fit()
    exponent = effect_graded(Estimate(fit.slope, *fit.slope_ci, 3), paper.CRITICAL_EXPONENT,
                             claims_critical.EXPONENT_TOL)
    small_b, large_b = paper.SECTION_IVA_ENDS
    iva = paper.SECTION_IVA.set_index("dataset")
    iva_drops = {d: (iva.loc[d, f"acc_B{small_b}"] - iva.loc[d, f"acc_B{large_b}"],  # the text's, then Table VII's
                     at.loc[d, small_b] - at.loc[d, large_b]) for d in iva.index}
    falls = {d: spearmanr(at.loc[d].dropna().index, at.loc[d].dropna()).statistic < 0 for d in iva.index}
    (low, high), (fastest, slowest) = paper.DROP_32_512, paper.EPOCH_SPEEDUP
    factor = claims_critical.PARTLY_FACTOR
    best = at.idxmax(axis=1)  # each table's best B, one number per cell

    def beyond(b: int, span: tuple[int, int]) -> bool:  # more than the claims' partly band outside a B or range
        return not span[0] / factor <= b <= span[1] * factor

    opt_b, opt_acc = paper.MNIST_TEXT_OPTIMUM
    best_claims = {"mnist-optimum": beyond(best["mnist"], (opt_b, opt_b)),
                   "mnist-sweet-spot": beyond(best["mnist"], paper.MNIST_SWEET_SPOT),
                   "synthetic-sweet-spot": any(beyond(best[d], paper.SWEET_SPOT) for d in SYNTHETIC)}
    rows = [
        ("§IV-A, Fig. 3 vs Tables III, VII", f"MNIST's optimum B = {opt_b} ({opt_acc}%), its sweet spot "
         f"{'–'.join(map(str, paper.MNIST_SWEET_SPOT))}; the synthetic sets' {'–'.join(map(str, paper.SWEET_SPOT))}",
         "best B: " + ", ".join(f"{DATASET_NAMES[d]} {best[d]} ({number(at.loc[d, best[d]], 'pp')}%)"
                                for d in (*SYNTHETIC, "mnist"))
         + f"; Table III at B = {opt_b}: {number(at.loc['mnist', opt_b], 'pp')}%",
         f"a table's best B more than {factor}× outside the claim's B or range (the claims' partly band)",
         [c for c, out in best_claims.items() if out]),
        ("§IV-A vs Table VII", f"accuracy falls from B = {small_b} to {large_b} by " + ", ".join(
            f"{DATASET_NAMES[d]} {number(text, 'pp')}" for d, (text, _) in iva_drops.items())
         + " pp, monotonically with B",
         "Table VII: " + ", ".join(f"{DATASET_NAMES[d]} {number(table, 'pp', sign=True)} pp"
                                   for d, (_, table) in iva_drops.items())
         + "; falls with B (Spearman ρ < 0) on " + (", ".join(DATASET_NAMES[d] for d, f in falls.items() if f)
                                                    or "none"),
         f"a drop more than {claims_trends.DROP_TOL:g} pp (the drop claims' tolerance) from the text's; the trend: "
         "a synthetic set on which accuracy does not fall with B",
         [f"synthetic-drop-{d[10:]}" for d, (text, table) in iva_drops.items()
          if abs(text - table) > claims_trends.DROP_TOL] + ([] if all(falls.values()) else ["synthetic-trend"])),
        ("Table VI, Eq. (6)", f"B* ∝ N^{paper.CRITICAL_EXPONENT}",
         f"Table VI: {claims_critical.paper_exponent()}; by the claim's rule: {exponent}",
         f"the exponent's fit graded by the claim's own rule (within {claims_critical.EXPONENT_TOL:g}) comes out "
         f"{NOT_REPRODUCED}", [] if exponent != NOT_REPRODUCED else ["critical-exponent"]),
        ("§IV-D vs Table V", f"without LR scaling, B = 512 loses {paper.LSR_TEXT_DROP} pp",
         f"Table V: {v[512, 'linear']} − {v[512, 'fixed']} = "
         f"{number(v[512, 'linear'] - v[512, 'fixed'], decimals=1)} pp", "no claim of the report reads the text's "
         "number", []),
        ("Table VI vs §IV-G", "Table VI's optimal and critical B (B*: the smallest B more than 1 pp below the peak)",
         f"§IV-G's rule on Tables III, IV, VII: {applied}",
         f"a data set whose B from the rule lies more than {factor}× from Table VI's (the claims' partly band), or "
         "is none where Table VI has one",
         [c for c, ours, theirs in (("table-vi-optimal", "optimal_b", "optimal_B"), ("table-vi", "critical_b",
                                                                                    "critical_B"))
          if not all(pd.notna(o) and t / factor <= o <= t * factor for o, t in zip(by_rule[ours], vi[theirs],
                                                                                    strict=True))]),
        ("Table V vs Table VII", f"Table V, B = 32 (the 50K set): {v_row['test_acc'].iloc[0]}%",
         f"Table VII, 50K set, B = 32: {vii_at_b0}%", "none of the report's claims: only Table V's B₀ row, one "
         f"of its {len(v)}, meets Table VII (the LR chapter says so beside Table V)", []),
        ("§IV-B", f"Pearson r(log B, Δ) = {paper.PEARSON_R}",
         f"r = {number(r)} over the {len(runs)} rows of Tables III, IV and VII",
         f"r more than {claims_training.PEARSON_TOL:g} (the claim's tolerance) from {paper.PEARSON_R}",
         ["pearson"] if abs(r - paper.PEARSON_R) > claims_training.PEARSON_TOL else []),
        ("§IV-B", f"Δ < {paper.GAP_BOUND:g}% for B ≤ {paper.GAP_BOUND_MAX_B} on every data set",
         f"Δ ≥ {paper.GAP_BOUND:g} at some B ≤ {paper.GAP_BOUND_MAX_B} on {', '.join(DATASET_NAMES[d] for d in over)}; "
         f"largest "
         f"{number(worst['gap'], 'pp')} ({DATASET_NAMES[worst['dataset']]}, B = {int(worst['B'])})",
         f"a data set with Δ ≥ {paper.GAP_BOUND:g} at some B ≤ {paper.GAP_BOUND_MAX_B}", ["gap-bound"] if over else []),
        ("Fig. 5 vs Table IV", "CIFAR-10's Δ shows the steepest monotonic increase with B",
         f"Table IV: Δ peaks at {number(top['gap'], 'pp')} (B = {int(top['B'])}), then falls to "
         f"{number(iv['gap'].iloc[-1], 'pp')} at B = {int(iv['B'].iloc[-1])}; Spearman ρ(B, Δ) = {number(rho, 'r')} "
         f"over its {len(iv)} rows; least-squares slope {number(iv_slope, 'pp')} pp per doubling of B",
         "Table IV's Δ does not rise with log₂ B (its least-squares slope, the claim's measure, ≤ 0)",
         ["gap-ordering"] if iv_slope <= 0 else []),
        ("§VII", f"accuracy drops {low:g}–{high:g}% from B = 32 to 512",
         "Tables III, IV, VII: " + ", ".join(f"{DATASET_NAMES[d]} {number(x, 'pp', sign=True)} pp"
                                             for d, x in drops.items()),
         f"a data set's drop outside the claim's {low:g}–{high:g} pp",
         [] if drops.between(low, high).all() else ["drop-32-512"]),
        ("§IV-C", f"large batches cut per-epoch time {fastest:g}–{slowest:g}×",
         "B = 1 over the largest B in Tables III, IV, VII: " + ", ".join(
             f"{DATASET_NAMES[d]} {'no time' if pd.isna(x) else f'{x:.0f}×'}" for d, x in speedups.items()),
         "none of the report's claims: the paper names no pair of B, so no pair of its tables is the claim's", []),
    ]
    table = pd.DataFrame(rows, columns=["where", "the paper says", "its own tables say", "contradicts when",
                                        "contradicts"])
    # Whether the statement and its tables part: by the rule, where a claim reads it; else where their numbers differ.
    # A check that passes stays in the table, so that a reader sees it was made.
    apart = {"§IV-D vs Table V": round(v[512, "linear"] - v[512, "fixed"], 1) != paper.LSR_TEXT_DROP,
             "Table V vs Table VII": v_row["test_acc"].iloc[0] != vii_at_b0,
             "§IV-C": not all(fastest <= x <= slowest for x in speedups.values() if pd.notna(x))}
    return table.assign(disagrees=[apart.get(w, bool(c)) for w, c in zip(table["where"], table["contradicts"],
                                                                          strict=True)])


def contradicted_by_its_tables() -> set[str]:
    """The claims whose own value the paper's tables contradict (`disagreements`): a verdict on our runs stands as
    it is, and the report says beside it that the paper's own numbers do not bear the claim out either."""
    return {c for found in disagreements()["contradicts"] for c in found}
