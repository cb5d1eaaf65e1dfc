"""The paper's claims on the critical batch size (§IV-G, Eq. 6, Table VI), each row beside the rule that tests it:
the exponent of B* against N, and Table VI's optimal and critical B per data set, as the critical chapter shows them."""

from __future__ import annotations

import pandas as pd

from . import paper
from .critical import FAILED, fit_points
from .datasets import in_registry_order
from .paper_tables import B_STAR_RULE, PARTLY_FACTOR, SHARES, table_vi
from .rulebook import COMPARABLE, INTERVAL, Claim, Outcome, parts_rule, runs_of, tie_rule, tie_span, tie_text
from .runtable import SYNTHETIC, full_size
from .stats import PARTLY, REPRODUCED, Estimate, NotTestable, effect_graded, parts_verdict
from .style import number
from .summaries import critical_sizes

CLAIMS: list[Claim] = []  # in the paper's order
# The headings of the chapter sections that show the numbers each rule judges (the report links them there).
EXPONENT = "B* against N: the exponent, fitted"
TABLE_VI = "Table VI: optimal and critical batch size per data set"


EXPONENT_TOL = 0.25


def _critical_exponent(tables: dict, profile: str) -> Outcome:
    """Eq. (6)'s exponent fitted over the synthetic sizes that have a B* (`critical.fit_scaling_law`). Where no B
    falls more than 1 pp below the peak, B* lies beyond the largest B measured at that N (`largest_b`: no cell of
    one run, which could not be B*): a censored value, which says B* is large there, nothing of how it grows with
    N, so it is neither a point of the fit nor evidence against the law; it is named with its bound, and where the
    fit puts B* at or below that bound (a B* the runs would have found) the fit misdescribes that size: at best
    partly. A B* set by failed runs (`critical.fit_points`) is named, never fitted. Fewer than two sizes with a B*:
    not testable. Two: a line through two points, no interval, graded as a
    point (`effect_graded`: never reproduced). More: the slope's t interval, graded by `effect_graded`. The
    magnitudes of B* are Table VI's row."""
    from .critical import fit_scaling_law

    found = critical_sizes(runs_of(tables, "critical_runs"))
    if found["train_size"].nunique() < 3:
        raise NotTestable(f"{found['train_size'].nunique()} synthetic training-set sizes: a fit needs three")
    unmeasured = found[found["optimal_b"].isna()]
    if len(unmeasured):
        raise NotTestable(f"no B where at least two runs, and most, trained at N = "
                          f"{', '.join(f'{int(n):,}' for n in sorted(unmeasured['train_size']))}")
    found = found.sort_values("train_size")
    censored, sized = found[found["critical_b"].isna()], fit_points(found)
    bounds = ", ".join(f"N = {int(n):,}: B* > {int(b)}" for n, b in zip(censored["train_size"],
                                                                        censored["largest_b"], strict=True))
    failed = found[found["critical_b"].notna() & ~found.index.isin(sized.index)]
    by_failure = ("; B* set by failed runs, not fitted (where runs stop training, no accuracy drop): "
                  + ", ".join(f"N = {int(n):,}: B* = {int(b)}" for n, b in zip(failed["train_size"],
                                                                             failed["critical_b"], strict=True))
                  if len(failed) else "")
    if len(sized) < 2:
        if censored.empty:
            raise NotTestable(f"{'no' if sized.empty else 'one'} synthetic training-set size with a B* where accuracy "
                              f"fell{by_failure}: a fit needs two")
        where = "every N" if len(censored) == len(found) else f"{len(censored)} of {len(found)} N"
        has = "".join(f"; B* = {int(b)} at N = {int(n):,} alone" for n, b in zip(sized["train_size"],
                                                                                  sized["critical_b"], strict=True))
        raise NotTestable(f"censored: B* > largest B measured at {where} ({bounds}){has}{by_failure}: no B falls "
                          "more than 1 pp below the peak there, and a B* beyond the B measured says nothing of its "
                          "exponent")
    fit = fit_scaling_law(sized["train_size"], sized["critical_b"].astype(float))
    slope = (Estimate(fit.slope, fit.slope_ci[0], fit.slope_ci[1], fit.n) if fit.n > 2
             else Estimate(fit.slope, fit.slope, fit.slope, 1))  # two points: a line, no interval
    verdict = effect_graded(slope, paper.CRITICAL_EXPONENT, EXPONENT_TOL)
    ours = (f"a = {number(fit.slope)}, 95% CI [{number(fit.slope_ci[0])}, {number(fit.slope_ci[1])}] from {fit.n} sizes"
            if fit.n > 2 else f"a = {number(fit.slope)} from 2 sizes (a line through two points: no interval)")
    if len(censored):
        predicted = fit.prefactor * censored["train_size"].astype(float) ** fit.slope
        missed = censored[predicted.to_numpy() <= censored["largest_b"].astype(float).to_numpy()]
        ours += f"; censored, left out of the fit: {bounds}"
        if len(missed):
            at = ", ".join(f"{int(n):,}" for n in missed["train_size"])
            ours += f"; the fit puts B* within the B measured at N = {at}, where none was found"
            verdict = PARTLY if verdict == REPRODUCED else verdict
    return Outcome(ours + by_failure, verdict, f"a = {number(fit.slope, 'r')}")


CLAIMS.append(
    Claim("critical-exponent", "§IV-G", "B* scales as √N", f"exponent {paper.CRITICAL_EXPONENT}", "critical",
          f"fitted over the synthetic sizes that have a B*: {INTERVAL} of the exponent within {EXPONENT_TOL:g} of "
          f"{paper.CRITICAL_EXPONENT}: reproduced; {COMPARABLE}; two sizes: a line through two points, no interval, "
          "never reproduced; a size with no B* (nothing falls 1 pp below the peak) is censored, B* beyond its largest "
          "B measured (a cell of one run is no bound): left out of the fit, named with its bound, and where the fit "
          "puts B* within the B measured there, at best partly; a B* set by failed runs (where runs stop training, "
          "not an accuracy drop) is named, not fitted; fewer than two sizes with a B*: not testable (B*'s "
          "size is judged by Table VI's row)",
          _critical_exponent, section=EXPONENT))


def paper_exponent_fit():
    """Eq. (6) fitted on the paper's own Table VI (its three synthetic sets): a check of the paper against itself,
    listed by `report.disagreements`, never a verdict on our runs."""
    from .critical import fit_scaling_law

    vi = paper.table("VI")
    return fit_scaling_law(*(vi.loc[vi["dataset"].isin(SYNTHETIC), c] for c in ("N", "critical_B")))


def paper_exponent() -> str:
    """`paper_exponent_fit` in words, with the B* and N it is fitted on."""
    vi, fit = paper.table("VI"), paper_exponent_fit()
    vi = vi[vi["dataset"].isin(SYNTHETIC)]
    return (f"its B* = {', '.join(map(str, vi['critical_B']))} at N = {', '.join(f'{n:,}' for n in vi['N'])} "
            f"fit a = {number(fit.slope)}, 95% CI [{number(fit.slope_ci[0])}, {number(fit.slope_ci[1])}]")


def _listed(values: pd.Series) -> str:
    return ", ".join(str(int(v)) for v in values)


# A B* set by a cell whose runs failed (`critical.critical_batch_size`'s `critical_by`), where no B before it fell
# more than 1 pp below the peak: where the recipe stops training, not §IV-G's accuracy threshold, so that data set's
# B* is not testable, as the critical chapter's noise-scale section leaves it out; its shares are shown, not graded.
BY_FAILURE = "set by failed runs, not an accuracy drop"
STOPS = "not testable: it marks where the recipe stops training, not an accuracy threshold"

TIED_B = ("per data set (paper profile only, its full-size runs), " + tie_rule("at the paper's B", PARTLY_FACTOR)
          + "; no best B: not reproduced where every cell failed (the runs trained at no B), not testable where "
            "cells of one run leave none measured")


def _table_vi(column: str):
    """Table VI's optimal or critical B (`paper_tables.table_vi`, graded there: the optimal B on the B tied with
    it; a B* set by failed runs not testable, `STOPS`), over the data sets whose runs have the paper's setup."""
    optimal = column == "optimal_B"
    ours_column, theirs_column, verdict_column = (("optimal_b", "paper optimal B", "verdict (optimal B)") if optimal
                                                  else ("critical_b", "paper B*", "verdict (B*)"))

    def test(tables: dict, profile: str) -> Outcome:
        runs = runs_of(tables, "critical_runs")
        full, compared = full_size(runs), table_vi(runs)
        compared = compared[compared["paper N"].notna()]  # the data sets of Table VI
        testable = compared[compared["profile"] == "paper"]  # a failed cell's B* is graded not testable there
        if testable.empty:
            raise NotTestable("absolute numbers are compared only on paper-profile runs (none here)")
        said, shown, parts = [], [], []
        for _, row in testable.iterrows():
            name, theirs = row["dataset"], int(row[theirs_column])
            if optimal:
                found = "none" if pd.isna(row[ours_column]) else tie_text(int(row[ours_column]), row["tied_b"],
                                                                     full[full["dataset"] == name])
                said.append(f"{name}: {found}, paper {theirs}: {row[verdict_column]}")
                parts.append(row[verdict_column])
                shown.append("none" if pd.isna(row[ours_column]) else
                             tie_span(row["tied_b"], full[full["dataset"] == name]))
            else:
                b_star = "none" if pd.isna(row[ours_column]) else str(int(row[ours_column]))
                failed = row["critical_by"] == FAILED
                shown.append(f"{b_star} ({BY_FAILURE})" if failed else b_star)
                at, near, far = (number(100 * row[c], decimals=1) for c in SHARES)
                largest = row["largest_b"]  # the largest B that could be B*: no B* may lie within 2× above it
                why = ("no B of ours could be B*" if pd.isna(largest) else
                       f"our largest B that could be B* ({int(largest)}) is below {PARTLY_FACTOR}× the paper's")
                censored = pd.isna(largest) or largest < PARTLY_FACTOR * theirs
                farther = (f"farther in {far} % (no B* counts as neither: {why})" if censored
                           else f"farther or none in {far} %")
                parts.append(row[verdict_column])
                said.append(f"{name}: {b_star}{f', {BY_FAILURE}' if failed else ''} (paper {theirs}; over "
                            f"seed resamples the paper's in {at} %, within 2× in {near} %, {farther}): "
                            f"{STOPS if failed else row[verdict_column]}")
        untested = in_registry_order(set(compared["dataset"]) - set(testable["dataset"]))
        return Outcome("; ".join(said) + (f"; not testable off the paper profile: {', '.join(untested)}"
                                          if untested else ""),
                       parts_verdict(parts),
                       "tied with the best: " + "; ".join(shown) if optimal else ", ".join(shown))
    return test


CLAIMS.append(
    Claim("table-vi", "Table VI", "Critical batch sizes per data set", _listed(paper.table("VI")["critical_B"]),
          "critical", f"per data set (paper profile only, its full-size runs), {B_STAR_RULE}; a B whose runs mostly "
          "failed (half or more did not train) is below the peak, as every B* of the book reads it (a run at chance "
          f"lost far more than 1 pp); where that makes our B* (no B before it fell 1 pp below the peak), ours is "
          f"{BY_FAILURE}, and that data set is {STOPS} (the noise-scale comparison leaves it out alike); then the "
          f"data sets together: {parts_rule('data set')}",
          _table_vi("critical_B"),
          section=TABLE_VI))


CLAIMS.append(
    Claim("table-vi-optimal", "Table VI", "Optimal batch sizes per data set", _listed(paper.table("VI")["optimal_B"]),
          "critical", f"{TIED_B}; then the data sets together: {parts_rule('data set')}", _table_vi("optimal_B"),
          section=TABLE_VI))
