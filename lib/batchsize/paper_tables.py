"""The paper's tables beside ours, row by row, each cell with a verdict on our seeds' interval: Tables I, III,
IV, VI and VII (Table V, graded by the same rules, is `paper_table_v`'s). Absolute numbers are compared only against
runs with the paper's setup (the `paper` profile, read from the runs' provenance). The chapters show these tables;
the report's table claims sum them up."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import paper
from .critical import B_STAR_DROP, BOOTSTRAP_REPLICATES, FAILED, MEASURED, ONE_RUN
from .datasets import DATASET_NAMES, DATASET_SPECS
from .run import CHANCE_MARGIN
from .runtable import cells, full_size, mean_by_batch, registry_sorted, runs_profile, tied_with
from .stats import (
    NOT_REPRODUCED,
    NOT_TESTABLE,
    PARTLY,
    REPRODUCED,
    UNRESOLVED,
    Estimate,
    NotTestable,
    graded,
    tie_graded,
)
from .style import MISSING, counted, number

ACC_TOL, ACC_PARTLY_TOL = 1.0, 3.0  # percentage points: same accuracy within 1 pp, close within 3 pp
ACC_TOLERANCES = ACC_TOL, ACC_PARTLY_TOL
GAP_TOL, GAP_PARTLY_TOL = 1.0, 2.0
PARTLY_FACTOR = 2  # a batch size within this factor of the paper's (one step of the B grid, the scale's ½× to 2×)

FAILED_GAP_VERDICT = NOT_REPRODUCED  # a failed cell's Δ in Tables III, IV, VII and MNIST's negative gap alike
FAILED_GAP = (f"a failed cell (at least half of its runs at chance): {FAILED_GAP_VERDICT} where the paper's own row "
              f"trained; {NOT_TESTABLE} where the paper's row is itself at chance (counted apart), since a constant "
              "predictor's gap says nothing about generalisation, nor two constant predictors' gaps set side by side")


def paper_at_chance(dataset: str, paper_acc: float | pd.Series) -> bool | pd.Series:
    """Whether a row of the paper's table is itself a collapse (Table IV's B = 1024): its test accuracy within
    `CHANCE_MARGIN` of chance, as our runs at chance are told."""
    return paper_acc <= 100 / DATASET_SPECS[dataset].classes + CHANCE_MARGIN


def failed_gap_verdict(paper_collapsed: bool) -> str:
    """A failed cell's Δ (`FAILED_GAP`): `FAILED_GAP_VERDICT` against a paper row that trained, not testable against
    one at chance."""
    return NOT_TESTABLE if paper_collapsed else FAILED_GAP_VERDICT


def on_paper_runs(verdict: str, runs: pd.DataFrame) -> str:
    """An absolute number is testable only against runs with the paper's setup; `NotTestable` otherwise."""
    profile = runs_profile(runs, "unknown")
    if profile != "paper":
        raise NotTestable(f"absolute numbers are compared only on paper-profile runs (these: {profile})")
    return verdict


def absolute_verdict(ours: Estimate | None, theirs: float, profile: str, tol: float, partly_tol: float) -> str:
    """A table cell against the paper's: graded on our interval, and only on paper-profile runs."""
    if profile != "paper" or pd.isna(theirs) or ours is None:
        return NOT_TESTABLE
    return graded(ours, float(theirs), tol, partly_tol)


def graded_on_values(theirs: pd.DataFrame, compared: pd.DataFrame | None, on: dict[str, str]) -> pd.DataFrame:
    """The rows of the paper's table `theirs` that a comparison grades on their values: all but those whose cell of
    ours (`compared`: a `status` per row, its keys named by the values of `on`, the paper's by its keys) failed,
    which are graded by their runs at chance (`cell_verdict`); every row where there is no `compared`."""
    if compared is None:
        return theirs
    failed = compared.loc[compared["status"] == FAILED, list(on.values())].set_axis(list(on), axis=1)
    return theirs[~pd.MultiIndex.from_frame(theirs[list(on)]).isin(pd.MultiIndex.from_frame(failed))]


def narrowed_by(theirs: pd.Series, tol: float, partly_tol: float) -> tuple[float, float]:
    """`tol` and `partly_tol`, narrowed to half and all of the spread of the paper's values `theirs` where that is
    smaller: a tolerance wider than the whole effect a table shows would let a constant pass every row."""
    if theirs.empty:
        return tol, partly_tol
    spread = float(np.ptp(theirs))
    return min(tol, spread / 2), min(partly_tol, spread)


def _narrowed(dataset: str, column: str, tol: float, partly_tol: float,
              compared: pd.DataFrame | None) -> tuple[float, float]:
    """`tol` and `partly_tol`, narrowed by the paper's own spread of `column` across the B of `dataset`'s table
    that `compared` grades on their values (`graded_on_values`; `narrowed_by`; unchanged for a data set the
    paper has no table of)."""
    theirs = graded_on_values(paper.accuracy_table(dataset), compared, {"B": "B"})
    return narrowed_by(theirs.get(column, pd.Series(dtype=float)), tol, partly_tol)


def accuracy_tolerances(dataset: str, compared: pd.DataFrame | None = None) -> tuple[float, float]:
    """A row's tolerances for test accuracy: `ACC_TOL` and `ACC_PARTLY_TOL`, narrowed to half and all of the
    paper's own spread across the B graded on their values where that is smaller: those of `compare_accuracy`'s
    table `compared` whose cell did not fail (a failed row's value bounds nothing); every B where there is no
    `compared`. On MNIST and the 10K and 50K sets 1 pp is wider than the whole batch-size effect (a constant 99 %
    passed every MNIST row); within half the spread no constant reproduces every B graded."""
    return _narrowed(dataset, "test_acc", ACC_TOL, ACC_PARTLY_TOL, compared)


def gap_tolerances(dataset: str, compared: pd.DataFrame | None = None) -> tuple[float, float]:
    """A row's tolerances for the gap Δ, narrowed as `accuracy_tolerances` narrows accuracy's (the 50K set's Δ
    spans 0.18 pp across Table VII: 1 pp would let any small gap pass every row)."""
    return _narrowed(dataset, "gap", GAP_TOL, GAP_PARTLY_TOL, compared)


def accuracy_by_batch(runs: pd.DataFrame, by: tuple[str, ...] = ("batch_size",),
                      columns: tuple[str, ...] = ("test_acc", "train_acc", "gap", "median_epoch_time")) -> pd.DataFrame:
    """Our seed means per B (or per cell of `by`) of one data set's runs, over the runs that trained, with the 95 %
    intervals of test accuracy and Δ and each cell's `status` (`runtable.cells`): our half of `compare_accuracy`
    and `paper_table_v.table_v`, and all there is for a data set the paper did not run."""
    ours = mean_by_batch(runs, columns, by, trained_only=True).set_index(list(by))
    for column in ("test_acc", "gap"):
        found = cells(runs, column, by=by).set_index(list(by))
        for side in ("low", "high"):
            ours[f"{column} CI {side}"] = found[f"CI {side}"]
    ours["status"] = found["status"]
    return ours.reset_index()


def compare_accuracy(table: pd.DataFrame, dataset: str, profile: str) -> pd.DataFrame:
    """Table III, IV or VII beside our seed means and 95 % intervals, row by row (every B of either side), with
    verdicts graded on the intervals (paper-profile runs only). Means and intervals are over the runs that
    trained, as the figures draw them, and follow the one rule of `critical.cell_status` (column `status`): only a
    measured cell has an interval; `at chance` counts the runs that did not train, and a measured cell with any is
    at best partly reproduced (the paper's setting did not train every time); a failed cell (at least half of its
    runs at chance) is not reproduced; a cell of one run is graded on its point, so at best partly. The tolerances
    are narrowed by the paper's spread across the B whose cells did not fail (`accuracy_tolerances`)."""
    runs = table[table["dataset"] == dataset]
    profile = runs_profile(runs, profile)
    ours = accuracy_by_batch(runs)
    theirs = paper.accuracy_table(dataset).rename(columns=lambda c: "B" if c == "B" else f"paper {c}")
    merged = theirs.merge(ours.rename(columns={"batch_size": "B"}), on="B", how="outer").sort_values("B")
    at_chance = paper_at_chance(dataset, merged["paper test_acc"])  # the paper's own row is a collapse (Table IV)
    for column, (tol, partly) in (("test_acc", accuracy_tolerances(dataset, merged)),
                                  ("gap", gap_tolerances(dataset, merged))):
        merged[f"verdict ({column.replace('_', ' ')})"] = [
            cell_verdict(row, column, profile, tol, partly, bool(collapse))
            for (_, row), collapse in zip(merged.iterrows(), at_chance, strict=True)]
    return failed_shown(merged).reset_index(drop=True)


def failed_shown(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with a failed cell's accuracies and Δ blanked (its few trained runs are no result beside the paper's)
    and each cell said in `cell` ("failed: 2 of 3 runs at chance; the one that trained 50.28 %, n = 1")."""
    failed, said = table["status"] == FAILED, []
    for row in table.to_dict("records"):
        runs, chance, acc = row["seeds"], row["at chance"], number(row["test_acc"], "percent")
        learned, more = 0 if pd.isna(runs) else int(runs - chance), f", {chance:.0f} more at chance" * bool(chance)
        said.append(MISSING if pd.isna(runs) else f"one run, n = 1{more}" if row["status"] == ONE_RUN
                    else f"measured: n = {learned}{more}" if row["status"] != FAILED else
                    f"failed: {int(chance)} of {counted(int(runs), 'run')} at chance" + (
                        f"; the one that trained {acc} %, n = 1" if learned == 1 else
                        f"; the {learned} that trained {acc} % (mean), n = {learned}" if learned else ""))
    blanked = [c for c in table.columns if c.split(" CI ")[0] in ("test_acc", "train_acc", "gap")]
    return table.assign(cell=said, **{c: table[c].where(~failed) for c in blanked})


def largest_difference(compared: pd.DataFrame, column: str) -> str:
    """'; largest |ours − paper| 4.58 pp at B = 128, over the B that trained (B = 1024 failed, …: left out)': of
    `compare_accuracy`'s rows (`column`: test accuracy or Δ), the summary line of a table's claim. A
    failed B's mean is of its few runs that trained, beside a paper row that may be at chance as most of ours are
    (Table IV's B = 1024): that difference says nothing of the cell, which is graded by its runs at chance."""
    failed = compared["status"] == FAILED
    error = (compared[column] - compared[f"paper {column}"]).abs().where(~failed)
    if error.isna().all():
        return ""
    left_out = ", ".join(str(int(b)) for b in compared.loc[failed, "B"])
    return (f"; largest |ours − paper| {error.max():.2f} pp at B = {int(compared.loc[error.idxmax(), 'B'])}"
            + (f", over the B that trained (B = {left_out} failed, at least half of the runs at chance: left out)"
               if left_out else ""))


def cell_verdict(row: pd.Series, column: str, profile: str, tol: float, partly_tol: float,
                  paper_collapsed: bool) -> str:
    """One row of `compare_accuracy`, by its cell's status: graded on the trained runs' interval (on the point of a
    one-run cell), at best partly with runs at chance, not reproduced where the cell failed, unless the paper's
    own row is at chance (Table IV's B = 1024): then a failed cell's accuracy is what the paper saw, reproduced
    where every run (at least two) is at chance, partly where most are. A failed cell's Δ is `failed_gap_verdict`:
    not testable beside a paper row at chance (`FAILED_GAP`)."""
    if pd.isna(row["seeds"]):  # we did not run this B
        return NOT_TESTABLE
    if row["status"] == FAILED:  # the paper's number was not reached: most of our runs did not train
        testable = profile == "paper" and not pd.isna(row[f"paper {column}"])  # as `absolute_verdict`
        if testable and column == "gap":
            return failed_gap_verdict(paper_collapsed)
        if testable and paper_collapsed:  # most runs at chance, as the paper's: partly; half (1 of 2) is not most
            if row["at chance"] == row["seeds"] >= 2:
                return REPRODUCED
            return PARTLY if row["at chance"] > row["seeds"] / 2 else NOT_REPRODUCED
        return NOT_REPRODUCED if testable else NOT_TESTABLE
    low, high = (row[f"{column} CI low"], row[f"{column} CI high"]) if row["status"] == MEASURED else \
        (row[column], row[column])
    verdict = absolute_verdict(Estimate(row[column], low, high, int(row["seeds"] - row["at chance"])),
                               row[f"paper {column}"], profile, tol, partly_tol)
    return PARTLY if verdict == REPRODUCED and row["at chance"] > 0 else verdict


def epoch_speedups(dataset: str, small: int | None = None) -> pd.Series:
    """The paper's own per-epoch speed-up of `dataset` at every B of its table over `small` (its table's smallest B,
    B = 1, where None): its epoch time at `small` over that at each B (Tables III, IV, VII; its hardware), indexed by
    B in order; NaN throughout where the table lacks `small`, empty where the paper has no table of `dataset`. The
    one computation behind every figure of the paper's own speed-up: at a pair (`epoch_speedup`), their span over
    the data sets (`epoch_speedup_span`), over B = 1 at every B (the CNN benchmark's figure)."""
    times = paper.accuracy_table(dataset).set_index("B").get("epoch_time", pd.Series(dtype=float)).sort_index()
    base = times.index.min() if small is None else small
    return (times.get(base, np.nan) / times).astype(float)


def epoch_speedup(dataset: str, small: int, large: int) -> float:
    """The paper's own per-epoch speed-up of `dataset` from `small` to `large` (`epoch_speedups`); NaN where its
    table lacks either. The like-for-like figure beside a ratio of ours at the same pair, as its headline 10–50×
    names no pair (`epoch_speedup_span`)."""
    return float(epoch_speedups(dataset, small).get(large, np.nan))


def epoch_speedup_span(small: int | None = None) -> tuple[float, float]:
    """The lowest and highest of the paper's per-epoch speed-ups from `small` (each table's smallest B where None:
    B = 1) to each table's largest B (`epoch_speedups`), over the data sets of its Tables III, IV and VII: from
    B = 1, the widest pair each table has."""
    found = [epoch_speedups(dataset, small).iloc[-1] for dataset in paper.table("I")["dataset"]]
    return float(np.nanmin(found)), float(np.nanmax(found))


def epoch_speedup_spans_said() -> dict[str, str]:
    """The paper's own per-epoch speed-ups from its tables, lowest to highest over its data sets, for the prose:
    `paper_from_1` from B = 1 to each table's largest B ("18–110"), `paper_from_b0` from B₀."""
    (low, high), (low_b0, high_b0) = (epoch_speedup_span(s) for s in (None, paper.BASE_BATCH))
    return {"paper_from_1": f"{low:.0f}–{high:.0f}", "paper_from_b0": f"{number(low_b0, 'ratio')}–"
                                                                      f"{number(high_b0, 'ratio')}"}


def table_i(ours: pd.DataFrame) -> pd.DataFrame:
    """Table I beside the data sets as we load them (`ours`: dataset, train, test, features, classes, ...): the
    shape is reproduced only if all four numbers equal the paper's, else it differs."""
    theirs = paper.table("I").rename(columns={c: f"paper {c}" for c in ("train", "test", "features", "classes")})
    table = theirs.merge(ours, on="dataset", how="right")
    same = np.logical_and.reduce([table[f"paper {c}"] == table[c] for c in ("train", "test", "features", "classes")])
    table["verdict"] = np.where(same, REPRODUCED, "differs")
    return table


SURE = 0.95  # the share of bootstrap replicates that settles a B* verdict (`b_star_graded`)
SHARES = ("B* at paper's", "B* within 2×", "B* farther")  # `table_vi`'s columns of those shares
_SURE = f"{SURE * 100:.0f} %"
B_STAR_RULE = (f"B* in each of {BOOTSTRAP_REPLICATES:,} bootstrap replicates of the data set's seeds (the runs of "
               f"every B drawn with replacement, seeded: the same draws every time): the paper's B* in at least "
               f"{_SURE}: reproduced; within a factor {PARTLY_FACTOR} of it (½× to 2×) in at least {_SURE}: partly; "
               f"farther, or none, in at least {_SURE}: not reproduced; otherwise: not resolved (the seeds cannot "
               f"tell); a replicate with no B* counts as farther only where our largest B that could be B* (its "
               f"cell measured or failed, not of one run) is at least {PARTLY_FACTOR}× the paper's B*, since B* may "
               f"otherwise lie within a factor {PARTLY_FACTOR} beyond it")


def b_star_shares(found: pd.DataFrame, theirs: int, largest: int | None) -> tuple[float, float, float]:
    """The shares of the replicates (`found`: `critical_b`, `frequency`, as `bootstrap_critical` gives them for one
    data set) whose B* is the paper's `theirs`, within a factor 2 of it (its own included), and farther; a replicate
    with no B* is farther only where `largest`, the largest B that could be B* (`critical_batch_size`'s `largest_b`:
    no cell of one run, which no replicate can make B*), is at least 2× `theirs`, else neither (`B_STAR_RULE`)."""
    ratio = found["critical_b"].astype(float) / theirs  # NaN where the replicate has no B*: every test below False
    beyond = found["critical_b"].isna() & (largest is not None and largest >= PARTLY_FACTOR * theirs)
    near = (ratio >= 1 / PARTLY_FACTOR) & (ratio <= PARTLY_FACTOR)
    far = (ratio < 1 / PARTLY_FACTOR) | (ratio > PARTLY_FACTOR) | beyond
    return tuple(round(float(found.loc[part, "frequency"].sum()), 9)  # sums of count / n_boot: no float residue
                 for part in (ratio == 1, near, far))


def b_star_graded(at: float, near: float, far: float) -> str:
    """`SCALE` for a B* from the shares of `b_star_shares` (`B_STAR_RULE`)."""
    return (REPRODUCED if at >= SURE else PARTLY if near >= SURE else NOT_REPRODUCED if far >= SURE
            else UNRESOLVED)


def optimal_b_graded(tied: list[int], theirs: int, failed: list[int], one_run: list[int]) -> str:
    """`SCALE` for our optimal B against the paper's `theirs`, on the B tied with it (`stats.tie_graded`); with no
    optimal B (no cell measured), not reproduced only where every cell `failed` (the runs trained at no B: the data
    contradict a best B), else not testable: cells of `one_run` have no interval, and may hold it (`rulebook.best_b`,
    as the other claims of a best B read it)."""
    if tied:
        return tie_graded(tied, theirs, PARTLY_FACTOR)
    return NOT_REPRODUCED if failed and not one_run else NOT_TESTABLE


def table_vi(runs: pd.DataFrame, tolerance: float = B_STAR_DROP) -> pd.DataFrame:
    """Table VI beside ours, one row per data set, with a verdict per column; the `table-vi` claims and the
    critical chapter both read it, so they cannot disagree.

    Only each data set's full-size runs count (its largest training set): the `dataset-size` subsets of the large
    synthetic set are points of the B* ∝ N^a fit, not rows of Table VI. `optimal_b` and `critical_b` are
    `critical.critical_batch_size` on the seed means, and `tied_b` the B our seeds cannot tell from `optimal_b`
    (`runtable.tied_with`, as the claims of a best B read them: `rulebook.best_b`). The optimal B is graded on
    `tied_b` (`stats.tie_graded`: all of it at the paper's B, reproduced; all within a factor 2 of it, partly; some
    at it and others farther, not resolved; else not reproduced; no optimal B: `optimal_b_graded`), B* on the shares of
    its bootstrap over the seeds (`critical.bootstrap_critical`, the chapter's bootstrap table; columns `SHARES`)
    by `B_STAR_RULE`: a B* read off the seed means alone can flip with the seeds drawn, and a verdict on it would
    claim more than the seeds show. Both are not testable where the paper has no row or the data set's runs do not
    have the paper's setup (`profile`, read from their provenance: absolute numbers are compared only on
    paper-profile runs); B* also where failed runs set it (`critical_by`): it marks where the recipe stops
    training, not §IV-G's accuracy threshold."""
    from .critical import bootstrap_critical, critical_batch_size

    full = full_size(runs)
    found = critical_batch_size(full, tolerance, by=("dataset", "train_size")).rename(columns={"train_size": "N"})
    spread = bootstrap_critical(full, tolerance, by=("dataset", "train_size"))
    found.insert(2, "profile", [runs_profile(full[full["dataset"] == d], "unknown") for d in found["dataset"]])
    found.insert(found.columns.get_loc("optimal_b") + 1, "tied_b", [
        [] if pd.isna(best) else sorted(tied_with(full[full["dataset"] == d], int(best)))
        for d, best in zip(found["dataset"], found["optimal_b"], strict=True)])
    theirs = paper.table("VI").rename(columns={"N": "paper N", "optimal_B": "paper optimal B",
                                               "critical_B": "paper B*"})
    table = found.merge(theirs, on="dataset", how="left")
    paper_setup = table["profile"] == "paper"
    table["verdict (optimal B)"] = [
        NOT_TESTABLE if pd.isna(b) or not ok else optimal_b_graded(tied, int(b), failed, lone)
        for ok, tied, b, failed, lone in zip(paper_setup, table["tied_b"], table["paper optimal B"],
                                             table["failed_b"], table["one_run_b"], strict=True)]
    shares = [(np.nan,) * 3 if pd.isna(b) else b_star_shares(spread[spread["dataset"] == d], int(b),
                                                             None if pd.isna(largest) else int(largest))
              for d, b, largest in zip(table["dataset"], table["paper B*"], table["largest_b"], strict=True)]
    table[list(SHARES)] = pd.DataFrame(shares, columns=list(SHARES), index=table.index, dtype=float)
    stops = table["critical_by"] == FAILED  # where the recipe stops training: not an accuracy threshold
    table["verdict (B*)"] = [NOT_TESTABLE if pd.isna(b) or not ok or stop else b_star_graded(*share)
                             for ok, b, share, stop in zip(paper_setup, table["paper B*"], shares, stops, strict=True)]
    return registry_sorted(table)


def table_vi_shown(table: pd.DataFrame) -> pd.DataFrame:
    """`table_vi` as a page shows it, narrow enough for the text column: the data sets in the paper's order by
    name, the verdicts first (`book.styled` moves them), ours beside the paper's in one cell ("ours / paper"), the
    B tied with our optimal B (what its verdict grades) beside it, the shares of seed resamples that B*'s verdict
    grades (`SHARES`) in one, the accuracy at B* or "failed" in one, and the cells that count for neither (failed,
    one run) in one. The profile is in the caption's provenance, and every column of `table_vi` in its CSV."""
    def shown(value: object, quantity: str = "batch") -> str:
        return number(None if pd.isna(value) else value, quantity)

    def shares_text(share: float) -> str:
        return number(None if pd.isna(share) else 100 * share, decimals=1)

    def not_counted(row: pd.Series) -> str:
        parts = [f"{what}: {', '.join(map(str, row[column]))}"
                 for what, column in (("failed", "failed_b"), ("one run", "one_run_b")) if row[column]]
        return "; ".join(parts) or MISSING

    rows = registry_sorted(table)
    return pd.DataFrame({
        "data set": [DATASET_NAMES.get(d, d) for d in rows["dataset"]],
        "verdict (optimal B)": rows["verdict (optimal B)"],
        "verdict (B*)": rows["verdict (B*)"],
        "optimal B: ours / paper": [f"{shown(o)} / {shown(p)}"
                                    for o, p in zip(rows["optimal_b"], rows["paper optimal B"], strict=True)],
        "B tied with our optimal B": [", ".join(map(str, tied)) or MISSING for tied in rows["tied_b"]],
        "peak accuracy (%)": rows["peak_acc"],
        "B*: ours / paper": [f"{shown(o)} / {shown(p)}"
                             for o, p in zip(rows["critical_b"], rows["paper B*"], strict=True)],
        "B* over seed resamples (%): paper's / within 2× / farther": [
            " / ".join(shares_text(row[c]) for c in SHARES) for _, row in rows.iterrows()],
        "accuracy at B* (%)": ["failed" if by == FAILED else shown(acc, "percent")
                               for by, acc in zip(rows["critical_by"], rows["critical_acc"], strict=True)],
        "N: ours / paper": [f"{shown(n, 'count')} / {shown(p, 'count')}"
                            for n, p in zip(rows["N"], rows["paper N"], strict=True)],
        "seeds": rows["n_seeds"],
        "not counted": [not_counted(row) for _, row in rows.iterrows()]})
