"""What the chapters and the report read off run tables and measurement tables: ratios and fits with their
intervals, the best batch sizes, the cells where runs failed, the matched-steps control, B_noise against B*, the
selection protocol. Pure functions of tables: the measurements on trained weights are `analysis`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from . import paper, runtable
from .datasets import DATASET_NAMES, SECTION_OF, SYNTHETIC
from .runtable import at_paper_scale, cell, cells, full_size, mean_by_batch, registry_sorted, tied_with, trained
from .stats import Estimate, difference, estimate, log_estimate, pearson_log_b_gap, rate_interval, ratio

if TYPE_CHECKING:
    from .noise import LogLogFit


def surface_rise(surfaces: pd.DataFrame, half_width: float = 0.5) -> pd.DataFrame:
    """How fast each surface of `analysis.loss_surfaces` rises around its minimum: the mean test loss over the square
    |α|, |β| ≤ `half_width` minus the loss at the centre; one number per surface (per seed, column `surface_rise`,
    the name `sharpness_ratios` takes as a measure), larger for a sharper one."""
    keys = ["dataset", "batch_size", "seed"]
    centre = surfaces[(surfaces["alpha"] == 0) & (surfaces["beta"] == 0)].set_index(keys)
    inner = surfaces[(surfaces["alpha"].abs() <= half_width) & (surfaces["beta"].abs() <= half_width)]
    return registry_sorted((inner.groupby(keys)["test_loss"].mean() - centre["test_loss"]).rename(
        "surface_rise").reset_index())


# The two B a sharpness ratio and a pair of loss surfaces compare, by section: the paper's (Figs 9–10); CIFAR-10,
# for which it draws none, as Fig 10 compares MNIST, the other image set (the quick profile keeps CIFAR-10's weights
# at B = 32 and 256 only, so both scales compare the same pair); 32 against 512 for any other data set.
SHARPNESS_PAIRS = {**paper.LANDSCAPE_PAIRS, "cifar10": paper.LANDSCAPE_PAIRS["mnist"]}


def sharpness_pair(dataset: str, batch_sizes: pd.Series) -> tuple[int, int]:
    """The two B compared for `dataset` (`SHARPNESS_PAIRS`), each where run, else the smallest or the largest."""
    small, large = SHARPNESS_PAIRS.get(SECTION_OF.get(dataset, dataset), (32, 512))
    sizes = sorted(int(b) for b in batch_sizes.unique())
    return small if small in sizes else sizes[0], large if large in sizes else sizes[-1]


def sharpness_ratios(sharp: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    """Each measure at the large over the small B of each data set (`sharpness_pair`): geometric mean over seeds
    with the Welch interval on the log scale (`stats.ratio`); no ratio (NaN) where a value is not positive (as
    Hutchinson's trace can be). Over the runs that trained: a run at chance ends as a constant predictor, whose
    weights are not the minimum the report's sharpness claims compare."""
    rows = []
    for name, part in registry_sorted(sharp[trained(sharp)]).groupby("dataset", sort=False):
        small, large = sharpness_pair(name, part["batch_size"])
        if small == large:
            continue
        for metric in metrics:
            a, b = part.loc[part["batch_size"] == large, metric], part.loc[part["batch_size"] == small, metric]
            positive = bool((a > 0).all() and (b > 0).all())
            r = ratio(a, b) if positive else Estimate(np.nan, np.nan, np.nan, min(len(a), len(b)))
            rows.append({"dataset": name, "metric": metric, "B small": small, "B large": large, "ratio": r.mean,
                         "95% CI low": r.low, "95% CI high": r.high, "seeds": r.n})
    return pd.DataFrame(rows, columns=["dataset", "metric", "B small", "B large", "ratio", "95% CI low",
                                       "95% CI high", "seeds"])  # no pair anywhere: still its columns


def rank_agreement(sharp: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Whether two sharpness measures order the batch sizes of each data set the same way: the B from the
    flattest to the sharpest by each measure's seed mean, and Kendall's τ between the two sets of means; over the
    runs that trained, as `sharpness_ratios`."""
    rows = []
    for name, part in registry_sorted(sharp[trained(sharp)]).groupby("dataset", sort=False):
        means = part.groupby("batch_size")[[first, second]].mean()
        if len(means) < 2:
            continue
        by_first = [int(b) for b in means[first].sort_values(kind="stable").index]
        by_second = [int(b) for b in means[second].sort_values(kind="stable").index]
        tau = stats.kendalltau(means[first], means[second]).statistic
        rows.append({"dataset": name, f"order by {first}": by_first, f"order by {second}": by_second,
                     "same order": by_first == by_second, "Kendall τ": float(tau)})
    return pd.DataFrame(rows)


def variance_fits(variance: pd.DataFrame) -> pd.DataFrame:
    """Eq. (5) per data set, weights and sampling: log σ̂² on log B fitted for each seed and replicate of
    `analysis.variance_table`, each seed's slope and R² the mean over its replicates (what the paper's protocol
    gives at those weights, on average), then the mean slope over seeds with its 95 % t interval (`estimate`):
    the interval carries the spread between networks and what is left of the protocol's own noise."""
    from .noise import loglog_fit

    keys = ["dataset", "weights", "sampling"]
    per_fit = [(*key, seed, fit.slope, fit.r2)
               for (*key, seed, _), part in variance.groupby([*keys, "seed", "replicate"], sort=False)
               for fit in [loglog_fit(part["batch_size"], part["variance"])]]
    per_seed = pd.DataFrame(per_fit, columns=[*keys, "seed", "slope", "R²"]).groupby([*keys, "seed"], sort=False).mean()
    fits = []
    for key, part in per_seed.groupby(keys, sort=False):
        slope = estimate(part["slope"])
        fits.append({**dict(zip(keys, key, strict=True)), "slope": slope.mean, "slope CI low": slope.low,
                     "slope CI high": slope.high, "R²": part["R²"].mean(), "seeds": slope.n})
    return pd.DataFrame(fits)


def critical_sizes(runs: pd.DataFrame, tolerance: float | None = None) -> pd.DataFrame:
    """B* per synthetic training-set size (the data sets and the `dataset-size` subsets): the points of the
    B* ∝ N^a fit; <NA> where no B falls more than `tolerance` (None: the one rule's `B_STAR_DROP`) below the peak."""
    from .critical import B_STAR_DROP, critical_batch_size

    found = critical_batch_size(runs, B_STAR_DROP if tolerance is None else tolerance, by=("dataset", "train_size"))
    return found[found["dataset"].isin(SYNTHETIC)].reset_index(drop=True)


def exponent_fits(synthetic: pd.DataFrame) -> tuple[pd.DataFrame, LogLogFit | None]:
    """Eq. (6)'s exponent fitted on the paper's three synthetic points of Table VI and on ours (the rows of
    `critical_sizes` that have a B*, where at least two sizes do), each with its 95% t interval; also our fit
    itself (None without one), which the figure draws. Setting the two side by side shows how little three
    points say."""
    from .critical import fit_scaling_law

    vi = paper.table("VI")
    fits = [("paper's Table VI (3 synthetic points)", fit_scaling_law(vi["N"][:3], vi["critical_B"][:3]))]
    ours = None
    if synthetic["train_size"].nunique() >= 2:
        ours = fit_scaling_law(synthetic["train_size"], synthetic["critical_b"].astype(float))
        fits.append(("ours (synthetic sets and subsets)", ours))
    return pd.DataFrame([{"fit": name, "exponent": f.slope, "CI low": f.slope_ci[0], "CI high": f.slope_ci[1],
                          "R²": f.r2, "points": f.n} for name, f in fits]), ours


def best_batch_sizes(runs: pd.DataFrame) -> pd.DataFrame:
    """Per data set (on its full training set), the best B by the one rule (`critical.critical_batch_size`: a cell
    where fewer than two runs trained, or at least half did not, is never the best), the B our seeds cannot tell
    from it (`runtable.tied_with`: what the report's claims of a best B grade), the best cell's mean over its runs
    that trained with its 95 % interval, how many of its runs did not train, the cells left out of the ranking
    (failed, or one run), beside the paper's optimal B (Table VI)."""
    from .critical import critical_batch_size

    full = full_size(runs)
    found = registry_sorted(critical_batch_size(full, by=("dataset",)))
    at = cells(full).set_index(["dataset", "batch_size"])
    rows = []
    for r in found.itertuples():
        best = at.loc[(r.dataset, r.optimal_b)] if pd.notna(r.optimal_b) else None
        rows.append({"dataset": r.dataset, "best B (ours)": r.optimal_b,
                     "tied B": [] if best is None else sorted(tied_with(full[full["dataset"] == r.dataset],
                                                                       int(r.optimal_b))),
                     "test_acc": np.nan if best is None else best["test_acc"],
                     "CI low": np.nan if best is None else best["CI low"],
                     "CI high": np.nan if best is None else best["CI high"],
                     "trained": np.nan if best is None else best["trained"],
                     "at chance": np.nan if best is None else best["failed"], "failed B": r.failed_b,
                     "one-run B": r.one_run_b})
    theirs = paper.table("VI")[["dataset", "optimal_B"]].rename(columns={"optimal_B": "optimal B (paper)"})
    return pd.DataFrame(rows).merge(theirs, on="dataset", how="left")


def paper_scale_datasets(runs: pd.DataFrame) -> set[str]:
    """The data sets of `runs` all of whose runs are at the paper's scale (`runtable.at_paper_scale`, the rule
    `captions.scale_text` words): only there are our numbers the paper's quantity."""
    return set(runs["dataset"]) - set(runs.loc[~at_paper_scale(runs), "dataset"])


def runs_of_failed_cells(runs: pd.DataFrame) -> pd.DataFrame:
    """Every run of each (data set, B) cell where some run did not train: the failed ones and their siblings."""
    failed = runs[~trained(runs)][["dataset", "batch_size"]].drop_duplicates()
    return runs.merge(failed, on=["dataset", "batch_size"])


def failure_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (data set, B) cell, its runs that did not train (collapsed or diverged) counted as failures, never as
    missing data: how many of how many, the failure rate with its exact (Clopper–Pearson) 95 % interval, and beside
    it the test accuracy of the runs that trained as `runtable.cells` gives it (an interval only for a measured
    cell) and the paper's (Tables III, IV, VII), in percent. The `mnist-largest-batch` claim grades these rows."""
    rows = []
    for r in cells(runs).to_dict("records"):
        part = runs[(runs["dataset"] == r["dataset"]) & (runs["batch_size"] == r["batch_size"])]
        low, high = rate_interval(r["failed"], r["runs"])
        theirs = paper.accuracy_table(r["dataset"]).set_index("B")["test_acc"]
        rows.append({"dataset": r["dataset"], "batch_size": r["batch_size"],
                     "seeds": ", ".join(map(str, sorted(part["seed"]))), "runs": r["runs"],
                     "collapsed": int((part["outcome"] == "collapsed").sum()),
                     "diverged": int((part["outcome"] == "diverged").sum()), "failed": r["failed"],
                     "failure rate": 100 * r["failed"] / r["runs"], "failure rate CI low": low,
                     "failure rate CI high": high, "status": r["status"], "trained": r["trained"],
                     "test_acc (trained)": r["test_acc"], "CI low": r["CI low"], "CI high": r["CI high"],
                     "paper test_acc": theirs.get(r["batch_size"], np.nan)})
    return pd.DataFrame(rows)


def failures_by_rule(runs: pd.DataFrame, changes: int = 0) -> pd.DataFrame:
    """`failure_table` per LR rule and warm-up (`with_rule_names`) of runs at one data set and B, the paper's
    recipe first (`report_inputs.largest_batch_runs`' column `recipe`), with each rule's peak LR and Fisher's exact test
    of its failures against the recipe's, Holm-corrected for `changes` (the planned ones, stored or not; at least those
    stored): which ingredient the failures follow, and how sure (at best: `findings_largest_batch.reach_text`)."""
    runs = with_rule_names(runs)
    recipe = runs[runs["recipe"]]
    rows = []
    for rule, part in sorted(runs.groupby("rule"), key=lambda item: not item[1]["recipe"].all()):
        row = failure_table(part).drop(columns=["dataset", "batch_size", "paper test_acc"]).iloc[0].to_dict()
        table = [[row["failed"], row["runs"] - row["failed"]],
                 [int((~trained(recipe)).sum()), int(trained(recipe).sum())]]
        changed = len(recipe) and not part["recipe"].all()
        p = stats.fisher_exact(table).pvalue if changed else np.nan
        rows.append({"rule": rule, "peak lr": part["lr"].max(), "warmup epochs": int(part["warmup_epochs"].max()),
                     **row, "Fisher p-value vs recipe": p})
    table = pd.DataFrame(rows)
    tested = table["Fisher p-value vs recipe"].dropna().sort_values()  # Holm: the k-th smallest times (m − k + 1)
    m = max(changes, len(tested))  # a change not stored yet counts, as if its p were the largest
    table["Holm p-value"] = (tested * np.arange(m, m - len(tested), -1)).cummax().clip(upper=1.0)
    return table


def pearson_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Pearson r of log₂ B with Δ (`stats.pearson_log_b_gap`) over the runs that trained outside failed cells (a run
    at chance has a constant predictor's gap: `at chance`; a failed cell's few that trained are no mean anywhere: `of
    failed cells`), over all data sets, then per data set with more than two B: pooling mixes levels of Δ that differ
    by data set, so the rows per data set say more. The first row carries the paper's value; `pearson` grades it."""
    def row(data: str, part: pd.DataFrame) -> dict:
        kept = runtable.outside_failed_cells(part)[0]
        return {"data": data, **pearson_log_b_gap(kept[trained(kept)]), "at chance": int((~trained(part)).sum()),
                "of failed cells": int(trained(part).sum() - trained(kept).sum())}
    rows = [row("all data sets", runs)] + [row(DATASET_NAMES[d], part) for d, part in registry_sorted(runs).groupby(
        "dataset", sort=False) if part.loc[trained(part), "batch_size"].nunique() > 2]
    table = pd.DataFrame(rows)
    table["paper"] = [f"r = {paper.PEARSON_R}, p < {paper.PEARSON_P}"] + [""] * (len(table) - 1)
    return table


def gap_bound_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per data set, its cell at B ≤ the bound's largest B (runs that trained; a failed cell has no gap to bound) that
    decides its `verdict` on the paper's bound: an interval wholly below it holds, a point (one run, or no spread)
    below it at best partly, an interval wholly at or above it does not, else cannot tell. Worst cell, then top Δ."""
    from .critical import FAILED, MEASURED
    from .stats import NOT_REPRODUCED, PARTLY, REPRODUCED, UNRESOLVED, VERDICTS
    at = cells(runs[runs["batch_size"] <= paper.GAP_BOUND_MAX_B], "gap")
    at = at[(at["status"] != FAILED) & at["gap"].notna()]
    point, bound = (at["status"] != MEASURED) | (at["CI low"] == at["CI high"]), paper.GAP_BOUND
    at["verdict"] = np.select([point & (at["gap"] < bound), point, at["CI high"] < bound, at["CI low"] >= bound],
                              [PARTLY, UNRESOLVED, REPRODUCED, NOT_REPRODUCED], UNRESOLVED)
    worst = at.assign(rank=at["verdict"].map(VERDICTS.index), top=at["gap"]).sort_values(
        ["rank", "top"]).groupby("dataset").tail(1).assign(**{f"below {bound:g}%": lambda t: t.verdict == REPRODUCED})
    return registry_sorted(worst.drop(columns=["runs", "rank", "top"]))


def matched_curves(curves: pd.DataFrame) -> pd.DataFrame:
    """The learning curves of each B's longest run of the `matched-steps` section, with the updates made by the
    end of each epoch (ceil(N / B) per epoch), so that curves can be read at equal updates or equal epochs."""
    curves = curves[curves["epochs"] == curves.groupby("batch_size")["epochs"].transform("max")]
    return curves.assign(updates=curves["epoch"] * -(-curves["train_size"] // curves["batch_size"]))


def lr_rule_cells(runs: pd.DataFrame) -> pd.DataFrame:
    """Seed means per B and LR rule of the `cifar10-lr` runs (`rule` names a warmup too), with how many of each
    cell's runs diverged: a collapse caused by the rule shows under one rule and not the others."""
    cells = mean_by_batch(runs, ("lr", "test_acc", "gap"), ("batch_size", "rule"))
    cells["diverged runs"] = runs.groupby(["batch_size", "rule"])["diverged"].sum().to_numpy()
    return cells


def with_rule_names(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs with a column `rule`: the LR rule, and its warmup where it has one ("linear + 5-epoch warmup")."""
    return runs.assign(rule=runs["lr_rule"] + runs["warmup_epochs"].map(lambda w: f" + {w}-epoch warmup" if w else ""))


MATCHED_COMPARISONS = ("fixed epochs", "equal updates", "equal epochs")
HIGHER = "B's test acc higher"  # yes, no, or "interval holds 0": where the interval of the difference lies


def _direction(difference_: Estimate) -> str:
    """yes / no where the 95 % interval of a difference lies above / below 0, else "interval holds 0"; with one seed
    the point decides, and says so."""
    one = " (one seed)" if difference_.n < 2 else ""
    return f"yes{one}" if difference_.low > 0 else f"no{one}" if difference_.high < 0 else "interval holds 0"


def _cell(runs: pd.DataFrame, batch_size: int, epochs: int) -> pd.DataFrame:
    return runs[(runs["batch_size"] == batch_size) & (runs["epochs"] == epochs)]


def matched_steps(runs: pd.DataFrame, base: int = 32) -> pd.DataFrame:
    """Hoffer et al.'s control on the runs of the `matched-steps` section (one data set): each large B against
    B = `base`, test accuracy and gap Δ as differences of seed means with Welch's 95 % interval
    (`stats.difference`), in three comparisons: at the fixed epoch budget E (the paper's setup: fewer updates for
    large B), at equal updates (large B trained E·B/base epochs, B = base E epochs) and at equal epochs (both
    trained E·B/base epochs: the baseline as long as the large batch). A last row per long budget: B = base trained
    that long against E epochs, how far the fixed-budget baseline was from where longer training takes it.
    `HIGHER` says whether the first side's test accuracy is resolved above, below, or neither. Comparisons whose
    runs are missing are left out."""
    fixed = int(runs["epochs"].min())
    rows = []

    def compare(batch_size: int, comparison: str, epochs: int, base_epochs: int) -> None:
        a, b = _cell(runs, batch_size, epochs), _cell(runs, base, base_epochs)
        if a.empty or b.empty:
            return
        acc, gap = difference(a["test_acc"], b["test_acc"]), difference(a["gap"], b["gap"])
        rows.append({"B": batch_size, "comparison": comparison, "epochs": epochs, f"B = {base} epochs": base_epochs,
                     "updates": int(a["steps"].median()), f"B = {base} updates": int(b["steps"].median()),
                     "test acc difference": acc.mean, "CI low": acc.low, "CI high": acc.high,
                     "gap difference": gap.mean, "gap CI low": gap.low, "gap CI high": gap.high, "seeds": acc.n,
                     HIGHER: _direction(acc)})

    longest = {}
    for batch_size in sorted(b for b in runs["batch_size"].unique() if b != base):
        long = int(runs.loc[runs["batch_size"] == batch_size, "epochs"].max())
        longest[batch_size] = long
        compare(batch_size, "fixed epochs", fixed, fixed)
        if long > fixed:
            compare(batch_size, "equal updates", long, fixed)
            compare(batch_size, "equal epochs", long, long)
    for long in sorted(set(longest.values()) - {fixed}):
        compare(base, "longer training", long, fixed)
    return pd.DataFrame(rows)


FAILED_B_STAR = "not compared: B* from failed runs"  # `noise_against_critical`'s agreement where B* is no accuracy drop
ONE_SEED = "one seed: not graded"  # its agreement where B_noise is of one seed: a value, no interval to judge by


def noise_against_critical(noise: pd.DataFrame, table_vi: pd.DataFrame, factor: float = 2.0) -> pd.DataFrame:
    """B_noise corrected for the N training examples batches are drawn from without replacement (`corrected B_noise`,
    N·B_noise/(N − 1 + B_noise): where noise equals signal on every data set, far below B_noise past N), beside B_noise
    (geometric mean over seeds, 95 % t interval on the log scale, `stats.log_estimate`; one seed: no interval, and
    `ONE_SEED` for agreement) and the measured B* (`paper_tables.table_vi`); their ratio and agreement, of the corrected
    interval: "within a factor 2" inside [B*/factor, B*·factor], "B_noise larger" or "smaller" beyond, "undecided"
    across an edge; "no B*", "no estimate", or `FAILED_B_STAR` (no ratio) where Table VI's B* is where runs failed
    (`critical_by`): B_noise is of optimisation speed; only a B* where accuracy fell is a threshold for it."""
    from .critical import FAILED

    rows = []
    for _, row in table_vi.iterrows():
        part = noise[noise["dataset"] == row["dataset"]]
        if part.empty:
            continue
        b_star, n = row["critical_b"], row["N"]
        finite = part["b_noise"].dropna()
        raw = log_estimate(finite) if len(finite) else Estimate(np.nan, np.nan, np.nan, 0)
        ours = Estimate(*(n * b / (n - 1 + b) for b in (raw.mean, raw.low, raw.high)), raw.n)  # rises with B_noise
        scale = float(b_star) if pd.notna(b_star) and len(finite) and row["critical_by"] != FAILED else np.nan
        low, high = scale / factor, scale * factor
        agreement = ("no B*" if pd.isna(b_star) else "no estimate" if not len(finite) else FAILED_B_STAR if
                     pd.isna(scale) else ONE_SEED if ours.n < 2 else "B_noise larger" if ours.low > high else
                     "B_noise smaller" if ours.high < low else f"within a factor {factor:g}"
                     if low <= ours.low and ours.high <= high else "undecided")
        rows.append({"dataset": row["dataset"], "N": n, "B*": b_star,
                     "trained B": ", ".join(str(int(b)) for b in sorted(part["trained B"].unique())),
                     "corrected B_noise": ours.mean, "corrected B_noise CI low": ours.low,
                     "corrected B_noise CI high": ours.high, "B_noise": raw.mean, "CI low": raw.low,
                     "CI high": raw.high, "seeds": ours.n, "not estimable": int(part["b_noise"].isna().sum()),
                     "B_noise / B*": ours.mean / scale, "ratio CI low": ours.low / scale,
                     "ratio CI high": ours.high / scale, "agreement": agreement})
    table = pd.DataFrame(rows, columns=[
        "dataset", "N", "B*", "trained B", "corrected B_noise", "corrected B_noise CI low", "corrected B_noise CI high",
        "B_noise", "CI low", "CI high", "seeds", "not estimable", "B_noise / B*", "ratio CI low", "ratio CI high",
        "agreement"])
    table.loc[table["seeds"] < 2, [c for c in table if "CI" in c]] = np.nan  # one seed: its value, no interval
    return registry_sorted(table)


def protocol_table(runs: pd.DataFrame, gap_threshold: float | None = None) -> pd.DataFrame:
    """Algorithm 2 applied to each data set of `runs` (N: its training examples; η₀ and B₀ from its runs, Table II)
    beside what we measured, one row per candidate B of lines 2–6 (`protocol.recommendations`: the algorithm sets
    B to a pair and does not say which to train): the best B (`critical.critical_batch_size`, the one rule), the
    measured B nearest the candidate and its cell's status, whether that B is the other candidate's (`other
    candidate's B`: this one not measured; one B, graded once, there; the B nearest both is the smaller's), what
    choosing it costs against the best, and whether the gap rule (line 11, Δ > `gap_threshold`, None: the paper's;
    from line 9's η at the B whose gap it reads) would fire there (`gap rule fires`; `gap rule` in words). Means
    of the runs that trained; the loss with Welch's 95 % interval (`loss CI …`; none at the best B or of one seed)."""
    gap_threshold = paper.PROTOCOL_GAP if gap_threshold is None else gap_threshold
    from .critical import FAILED, critical_batch_size
    from .protocol import adjust_for_gap, recommendations, scale_lr

    best = critical_batch_size(runs, by=("dataset",)).set_index("dataset")
    acc, gap = registry_sorted(cells(runs)), cells(runs, "gap").set_index(["dataset", "batch_size"])["gap"]
    rows = []
    for name, part in acc.groupby("dataset", sort=False):
        first = runs[runs["dataset"] == name].iloc[0]
        advices = recommendations(int(first["train_size"]), base_lr=first["base_lr"],
                                  base_batch=int(first["base_batch"]))
        nearest = [int(part["batch_size"].iloc[(part["batch_size"] - a.batch_size).abs().argmin()]) for a in advices]
        for i, (advice, near) in enumerate(zip(advices, nearest, strict=True)):
            at = part[part["batch_size"] == near].iloc[0]
            others = near != advice.batch_size and any(  # the other's own B, or the B nearest both, the smaller's
                nearest[j] == near and (near == other.batch_size or j < i) for j, other in enumerate(advices) if j != i)
            failed = at["status"] == FAILED  # no accuracy or gap there: its runs are failures, not a mean
            there, acc_there = (np.nan, np.nan) if failed else (gap[name, near], at["test_acc"])
            rule = None if failed else adjust_for_gap(near, scale_lr(advice.lr, advice.batch_size, near),
                                                      float(there), gap_threshold)
            peak, best_b = best.loc[name, "peak_acc"], best.loc[name, "optimal_b"]
            loss = None if failed or pd.isna(best_b) or near == best_b else difference(
                *(c.loc[trained(c), "test_acc"] for c in (cell(runs, name, b) for b in (best_b, near))))
            interval = (loss.low, loss.high) if loss is not None and loss.n >= 2 else (np.nan, np.nan)
            rows.append({"dataset": name, "N (train)": int(first["train_size"]), "candidates": advice.candidates,
                         "candidate B": advice.batch_size, "recommended η": advice.lr, "warmup": advice.warmup,
                         "best B (ours)": best_b, "best acc": peak, "nearest measured B": near,
                         "other candidate's B": others, "status there": at["status"],
                         "acc there": acc_there, "loss vs best (pp)": peak - acc_there, "loss CI low": interval[0],
                         "loss CI high": interval[1], "seeds": 0 if loss is None else loss.n, "gap there": there,
                         "gap rule": "at least half the runs did not train at this B" if rule is None else rule.reason,
                         "gap rule fires": rule is not None and rule.fired, "notes": "; ".join(advice.notes)})
    return pd.DataFrame(rows)
