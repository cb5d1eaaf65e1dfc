"""The paper's claims on the loss landscape, the gradient noise and the critical batch size (§IV-E–G, Table VI),
each row beside the rule that tests it; they judge the ratios and fits of `summaries`, as the chapters show them."""

from __future__ import annotations

import pandas as pd

from . import paper
from .paper_tables import table_vi
from .rulebook import INTERVAL, Claim, runs_of
from .runtable import SYNTHETIC
from .stats import NOT_REPRODUCED, NOT_TESTABLE, PARTLY, REPRODUCED, Estimate, NotTestable, graded
from .summaries import critical_sizes, sharpness_ratios

CLAIMS: list[Claim] = []  # in the paper's order


def _sharper(metric: str, target: tuple[float, float] | None):
    """A sharpness measure at the paper's large B over B = 32, per synthetic set: within a factor 2 of the
    paper's ratio (`target`), or (no target) significantly above 1."""
    def test(tables: dict, profile: str) -> tuple[str, str]:
        rows = sharpness_ratios(runs_of(tables, "sharpness"), (metric,))
        found = {r["dataset"]: (Estimate(r["ratio"], r["95% CI low"], r["95% CI high"], int(r["seeds"])),
                                int(r["B small"]), int(r["B large"])) for _, r in rows.iterrows()}
        if not found:
            raise NotTestable("no data set with sharpness at two batch sizes")
        above = [r.low > 1 for r, _, _ in found.values()]
        close = [target is not None and graded(r, target, 0.0, 0.0) == REPRODUCED for r, _, _ in found.values()]
        verdict = (REPRODUCED if (all(close) if target else all(above)) else
                   PARTLY if all(r.mean > 1 for r, _, _ in found.values()) else NOT_REPRODUCED)
        return "; ".join(f"{d}: {r.text('×')} (B = {b} over {a})" for d, (r, a, b) in found.items()), verdict
    return test


SHARP_LOW, SHARP_HIGH = paper.SHARPNESS_RATIO / 2, paper.SHARPNESS_RATIO * 2  # within a factor 2


CLAIMS.append(
    Claim("sharpness-ratio", "§IV-E", "ε-sharpness (ε = 0.1) is 6.9× larger at B = 512 than at B = 32",
          f"{paper.SHARPNESS[512]} / {paper.SHARPNESS[32]} = {paper.SHARPNESS_RATIO}×", "landscape",
          f"{INTERVAL} of the ratio inside [{SHARP_LOW:.2f}, {SHARP_HIGH:.1f}] on every synthetic set: reproduced; "
          "mean above 1 on all: partly", _sharper("epsilon_sharpness", (SHARP_LOW, SHARP_HIGH))))


CLAIMS.append(
    Claim("flat-vs-sharp", "§IV-E, Figs 9–10", "B = 32 minima are flat, large-batch minima sharp",
          "sharper at B = 512", "landscape", f"top Hessian eigenvalue at B = 512 over B = 32, {INTERVAL} above 1 on "
          "every synthetic set: reproduced; mean above 1 on all: partly", _sharper("hessian_top_eigenvalue", None)))


def _variance(tables: dict, profile: str) -> tuple[str, str]:
    fits = runs_of(tables, "variance_fits")
    fits = fits[fits["sampling"] == "with replacement"]
    slopes = [Estimate(r["slope"], r["slope CI low"], r["slope CI high"], int(r["points"])) for _, r in fits.iterrows()]
    close = [graded(s, paper.VARIANCE_SLOPE, 0.1, 0.1) == REPRODUCED and r2 >= 0.98
             for s, r2 in zip(slopes, fits["R²"], strict=True)]
    near = [graded(s, -1.0, 0.3, 0.3) == REPRODUCED for s in slopes]
    ours = "; ".join(f"{d}: slope {s.text('', 3)}, R² {r2:.3f}"
                     for d, s, r2 in zip(fits["dataset"], slopes, fits["R²"], strict=True))
    return ours, REPRODUCED if all(close) else PARTLY if all(near) else NOT_REPRODUCED


CLAIMS.append(
    Claim("variance-slope", "§IV-F", "log σ̂² = −0.98 log B + C with R² = 0.996", "−0.98, R² 0.996", "noise",
          "slope interval within 0.1 of −0.98 and R² ≥ 0.98: reproduced; within 0.3 of −1: partly", _variance))


def _exponent_verdict(slope: float, ci: tuple[float, float]) -> str:
    inside = ci[0] <= paper.CRITICAL_EXPONENT <= ci[1]
    return REPRODUCED if inside and abs(slope - paper.CRITICAL_EXPONENT) <= 0.25 else PARTLY if inside \
        else NOT_REPRODUCED


def _critical_exponent(tables: dict, profile: str) -> tuple[str, str]:
    from .critical import fit_scaling_law

    found = critical_sizes(runs_of(tables, "critical_runs"))
    if found["train_size"].nunique() < 3:
        raise NotTestable(f"{found['train_size'].nunique()} synthetic training-set sizes: a fit needs three")
    missing = found[found["critical_b"].isna()]
    if len(found) - len(missing) < 3:  # evidence against the law, not a lack of data
        return (f"B* undefined at N = {', '.join(f'{int(n):,}' for n in sorted(missing['train_size']))}: no B falls "
                f"more than 1 pp below the peak there"), NOT_REPRODUCED
    fit = fit_scaling_law(found["train_size"], found["critical_b"].astype(float))
    ours = f"a = {fit.slope:.2f}, 95% CI [{fit.slope_ci[0]:.2f}, {fit.slope_ci[1]:.2f}] from {fit.n} sizes"
    return ours, _exponent_verdict(fit.slope, fit.slope_ci)


CLAIMS.append(
    Claim("critical-exponent", "§IV-G", "B* scales as √N", "exponent 0.5", "critical",
          "CI contains 0.5 and estimate within 0.25: reproduced; CI contains 0.5: partly; a size with no B* "
          "(nothing falls 1 pp below the peak) is evidence against", _critical_exponent))


def _paper_exponent(tables: dict, profile: str) -> tuple[str, str]:
    """Eq. (6) against the paper's own Table VI (its three synthetic sets): a check of the paper, not our runs."""
    from .critical import fit_scaling_law

    vi = paper.table("VI")
    vi = vi[vi["dataset"].isin(SYNTHETIC)]
    fit = fit_scaling_law(vi["N"], vi["critical_B"])
    return (f"the paper's B* = {', '.join(map(str, vi['critical_B']))} at N = "
            f"{', '.join(f'{n:,}' for n in vi['N'])}: a = {fit.slope:.2f}, 95% CI [{fit.slope_ci[0]:.2f}, "
            f"{fit.slope_ci[1]:.2f}]"), _exponent_verdict(fit.slope, fit.slope_ci)


CLAIMS.append(
    Claim("paper-exponent", "Table VI, Eq. (6)", "The paper's own Table VI implies B* ∝ √N", "exponent 0.5",
          "critical", "fitted on the paper's three synthetic B*: CI contains 0.5 and estimate within 0.25: "
          "reproduced; CI contains 0.5: partly", _paper_exponent))


def _listed(values: pd.Series) -> str:
    return ", ".join(str(int(v)) for v in values)


def _table_vi(column: str):
    """Table VI's optimal or critical B (`paper_tables.table_vi`), over the data sets whose runs have the paper's
    setup."""
    def test(tables: dict, profile: str) -> tuple[str, str]:
        compared = table_vi(runs_of(tables, "critical_runs"))
        compared = compared[compared["paper N"].notna()]  # the data sets of Table VI
        ours_column, theirs_column, verdict_column = (
            ("critical_b", "paper B*", "verdict (B*)") if column == "critical_B" else
            ("optimal_b", "paper optimal B", "verdict (optimal B)"))
        testable = compared[compared[verdict_column] != NOT_TESTABLE]
        if testable.empty:
            raise NotTestable("absolute numbers are compared only on paper-profile runs (none here)")
        same = list(testable[verdict_column] == REPRODUCED)
        verdict = REPRODUCED if all(same) else PARTLY if sum(same) >= len(same) / 2 else NOT_REPRODUCED
        ours = "; ".join(f"{r['dataset']}: {'none' if pd.isna(r[ours_column]) else int(r[ours_column])} "
                         f"(paper {int(r[theirs_column])})" for _, r in testable.iterrows())
        untested = sorted(set(compared["dataset"]) - set(testable["dataset"]))
        return ours + (f"; not testable off the paper profile: {', '.join(untested)}" if untested else ""), verdict
    return test


CLAIMS.append(
    Claim("table-vi", "Table VI", "Critical batch sizes per data set", _listed(paper.table("VI")["critical_B"]),
          "critical", "every B* equal: reproduced; half: partly (paper profile only)", _table_vi("critical_B")))


CLAIMS.append(
    Claim("table-vi-optimal", "Table VI", "Optimal batch sizes per data set", _listed(paper.table("VI")["optimal_B"]),
          "critical", "every optimal B equal: reproduced; half: partly (paper profile only)", _table_vi("optimal_B")))
