"""The sentences of MNIST's largest-batch sections (issue 26), computed from their tables: where each run's loss
first left the normal range (`instability.excursions`), and which ingredient of the paper's recipe the failures
follow (`summaries.failures_by_rule`). Apart from `findings`, which holds the other chapters' sentences."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from .instability import chance_loss
from .style import number


def excursions_text(left: pd.DataFrame, runs: pd.DataFrame) -> str:
    """In words, per B, from `instability.excursions` of `runs`: at which update and LR (against the run's own
    target LR) each run's loss first left the normal range (above a uniform guess's loss), how high it went, how
    many went above twice that line (a count that does not hang on where the line is drawn), and how the run
    ended."""
    ended = runs.set_index(["batch_size", "seed"])
    sentences = []
    for b, part in left.sort_values("seed").groupby("batch_size"):
        target = ended.loc[b, "lr"].iloc[0]
        went = part[part["left_at"].notna()]
        how = ", ".join(f"seed {r.seed} {ended.loc[(b, r.seed), 'outcome']}" for r in part.itertuples())
        if went.empty:
            sentences.append(f"At B = {b} no run's loss left the normal range in its first updates ({how}).")
            continue
        lrs = went["lr"].astype(float)
        peak = ", ".join(f"seed {r.seed} " + ("not finite" if not r.finite else f"{r.peak_loss:.3g}")
                         for r in went.itertuples())
        twice = 2 * chance_loss(part["dataset"].iloc[0])
        clear = int((~went["finite"].astype(bool) | (went["peak_loss"].astype(float) > twice)).sum())
        margin = (f"{clear} of them went above twice a uniform guess's loss ({twice:.2f})" +
                  ("" if clear == len(went) else f"; {len(went) - clear} stayed below that, so a line drawn twice "
                   f"as high would not count {'it' if len(went) - clear == 1 else 'them'}"))
        sentences.append(
            f"At B = {b} (target LR {number(target, 'lr')}), **{len(went)} of {len(part)}** runs left the normal "
            f"range, at update "
            f"{_span(went['left_at'].astype(int), str)} and an LR of {_span(lrs, lambda v: number(v, 'lr'))} "
            f"({_span(100 * lrs / target, lambda v: f'{v:.0f}')} % of the target); their highest losses: {peak}; "
            f"{margin}. Then: {how}.")
    return " ".join(sentences)


def seeds_stored(seeds: list[int], planned: int) -> str:
    """How many of the recipe's planned seeds at MNIST's largest B are stored: its failure rate, and the report's
    verdict that reads it, are provisional until all are in."""
    listed = ", ".join(map(str, sorted(seeds)))
    if len(seeds) >= planned:
        return f"All {planned} planned seeds of the recipe stored ({listed})."
    return (f"{len(seeds)} of {planned} planned seeds of the recipe stored ({listed}); the rate, and the report's "
            "verdict on this row that reads it, are provisional until all are in.")


def changes_stored(held: int, planned: int) -> str:
    """How far the runs that change one ingredient of the recipe are (the learning-rate chapter's question), so that
    a pointer there says what it will find."""
    if not planned:
        return "No run that changes one of its ingredients is planned in this profile."
    said = ("none of the changes' runs stored yet" if not held else f"all {planned} of the changes' runs stored"
            if held >= planned else f"{held} of the changes' {planned} planned runs stored so far")
    return (f"Which ingredient of the recipe the failures follow, the learning-rate chapter asks of "
            f"runs that change one at a time: {said}" + (f" (0 of {planned})." if not held else "."))


ALPHA = 0.05  # the level at which a change's failures count as separated from the recipe's


def planned_changes(recipe: str, planned: Mapping[str, int], stored: Mapping[str, int]) -> dict[str, int]:
    """The changes of the recipe that Holm corrects for, each with its runs: every planned one (`planned`: runs per
    rule, the recipe's too), stored or not, and any stored (`stored`) but not planned; the one factor of
    `summaries.failures_by_rule`'s table, `ingredients_text`'s significance sentence and `reach_text`."""
    return {**stored, **{rule: n for rule, n in planned.items() if rule != recipe}}


def smallest_p(recipe_runs: int, recipe_failed: int, arms: list[int]) -> float:
    """The smallest p, Holm-corrected for `len(arms)` changes, that Fisher's exact test can give a change against
    `recipe_failed` failures of the recipe's `recipe_runs`: none of its `arms[i]` runs failing (Holm multiplies the
    smallest of the changes' p by their number). The design's reach, whatever the changes' runs show."""
    return min(1.0, len(arms) * min(fisher_exact([[0, n], [recipe_failed, recipe_runs - recipe_failed]]).pvalue
                                    for n in arms))


def reach_text(recipe_runs: int, recipe_failed: int, arms: list[int], planned_recipe: int | None = None,
               what: str = "a change", whose: str = "its") -> str:
    """What these run counts can show (`smallest_p`): at the recipe's failures so far, and at `planned_recipe` seeds
    of it (where more are planned), how many of them must fail for `what` with no failure to be a finding, or that
    none can be: a run of the recipe that trained stays trained, so the failures still possible are bounded."""
    each = f"{arms[0]}" if len(set(arms)) == 1 else "/".join(map(str, arms))
    now, raw = smallest_p(recipe_runs, recipe_failed, arms), smallest_p(recipe_runs, recipe_failed, [max(arms)])
    holm = len(arms) > 1
    said = (f"What these counts can show: against the recipe's {recipe_failed} failures of {recipe_runs}, {what} "
            f"with none of {whose} {each} runs failing would give at best p = {number(raw, 'p')} (Fisher's exact test)"
            + (f", {number(now, 'p')} Holm-corrected for {len(arms)} changes" if holm else ""))
    corrected = "Holm-corrected p" if holm else "p"
    total = max(planned_recipe or 0, recipe_runs)
    possible = recipe_failed + total - recipe_runs
    need = next((k for k in range(total + 1) if smallest_p(total, k, arms) < ALPHA), None)
    at = f"at all {total} planned seeds of the recipe" if total > recipe_runs else "with these runs of the recipe"
    if need is None:
        return (f"{said}; {at}, no outcome could reach the 5 % level (every one failing gives "
                f"{number(smallest_p(total, total, arms), 'p')}), so no finding is possible with these seeds.")
    if need > possible:
        return (f"{said}; {at}, {what} with no failure would separate (p < 0.05) only if at least {need} of the "
                f"{total} recipe runs failed, but {recipe_runs - recipe_failed} of them trained, so at most "
                f"{possible} can ({corrected} = {number(smallest_p(total, possible, arms), 'p')} then): no finding "
                "is possible with these seeds.")
    return (f"{said}; {at}, {what} with no failure would separate (p < 0.05) only if at least {need} of the {total} "
            f"recipe runs fail ({corrected} = {number(smallest_p(total, need, arms), 'p')} then).")


def ramp_rates(table: pd.DataFrame) -> pd.Series:
    """Each rule's LR climb per epoch of warm-up (peak LR / warm-up epochs), by rule, of a `summaries.failures_by_rule`
    table: a change that lowers the peak with the same warm-up climbs more slowly too, so the runs of the first
    epochs, where the recipe's failures begin, cannot tell the peak from the climb."""
    return (table["peak lr"] / table["warmup epochs"]).set_axis(table["rule"])


def _all_slower(table: pd.DataFrame) -> bool:
    """Whether every change of a `summaries.failures_by_rule` table climbs the warm-up ramp more slowly than the
    recipe (its first row, `ramp_rates`), and at least one change is there."""
    rates = ramp_rates(table)
    return len(rates) > 1 and bool((rates.iloc[1:] < rates.iloc[0]).all())


def _alike(table: pd.DataFrame) -> list[tuple[str, str]]:
    """The pairs of changes that climb alike (the same LR per epoch of warm-up), the one that reaches its peak first
    named first: up to that peak they take the same LR at every update, so a seed's two runs are one run there."""
    rates, changes = ramp_rates(table), table.iloc[1:].set_index("rule")
    pairs = [(a, b) for i, a in enumerate(changes.index) for b in changes.index[i + 1:]
             if np.isclose(rates[a], rates[b])]
    return [(a, b) if changes.loc[a, "warmup epochs"] <= changes.loc[b, "warmup epochs"] else (b, a) for a, b in pairs]


def _pooled(table: pd.DataFrame) -> tuple[int, int, float, list[str]] | None:
    """The changes' runs together against the recipe's (failed, runs, Fisher p, the changes left out) where every
    change climbs more slowly than the recipe (`_all_slower`); None where some change does not. Of two changes that
    climb alike (`_alike`) the one that peaks later is left out: its runs are the other's over the first epochs, where
    the recipe's failures begin, and pooled they would count one run twice."""
    if not _all_slower(table):
        return None
    recipe, left_out = table.iloc[0], sorted({later for _, later in _alike(table)})
    changes = table.iloc[1:][~table.iloc[1:]["rule"].isin(left_out)]
    failed, runs = int(changes["failed"].sum()), int(changes["runs"].sum())
    p = fisher_exact([[failed, runs - failed], [int(recipe["failed"]), int(recipe["runs"] - recipe["failed"])]]).pvalue
    return failed, runs, float(p), left_out


def pooled_text(table: pd.DataFrame, planned: Mapping[str, int] | None = None) -> str:
    """Where every change climbs more slowly than the recipe, the changes' runs together against the recipe's
    (`_pooled`): one Fisher test, no correction, and what it can reach at the planned runs. Added after the first
    runs, when the per-change tests were found unable to reach 5 % (`reach_text`), as the sentence says; it asks
    the one thing every change has in common, not which ingredient."""
    pooled = _pooled(table)
    if pooled is None:
        return ""
    (failed, runs, p, left_out), recipe, changes = pooled, table.iloc[0], table.iloc[1:]
    planned = dict(planned or {})
    arms = planned_changes(recipe["rule"], planned, dict(zip(changes["rule"], changes["runs"], strict=True)))
    reach = reach_text(int(recipe["runs"]), int(recipe["failed"]),
                       [sum(n for rule, n in arms.items() if rule not in left_out)], planned.get(recipe["rule"]),
                       "the changes together", "their")
    out = "".join(f"; {later} left out: its runs are {first}'s over the first epochs, where the recipe's failures "
                  "begin, and would count one run twice" for first, later in _alike(table))
    return (" Pooled, the changes all climb the warm-up ramp more slowly than the recipe (LR per epoch of warm-up: "
            + ", ".join(f"{rule} {number(rate, 'lr')}" for rule, rate in ramp_rates(table).items())
            + f"{out}): {failed} of their {runs} runs failed against the recipe's {int(recipe['failed'])} of "
            f"{int(recipe['runs'])}, Fisher p = {number(p, 'p')} (one test, no correction; added after the first "
            f"runs, when the tests per change were found unable to reach 5 %). {reach}")


def brief(table: pd.DataFrame) -> str:
    """The report's word on the question in brief, from a `summaries.failures_by_rule` table (the learning-rate
    chapter has it in full, `ingredients_text`): the recipe's failures with their interval, each change's, the
    pooled test (`_pooled`) over the runs it pools, not all the changes' (review s41, A2), and why the runs cannot
    tell the peak LR from the climb."""
    recipe, changes = table.iloc[0], table.iloc[1:]
    said = (f"The paper's recipe failed in {recipe['failed']} of {recipe['runs']} runs "
            f"({recipe['failure rate']:.0f} %, 95 % interval {recipe['failure rate CI low']:.0f}–"
            f"{recipe['failure rate CI high']:.0f} %)")
    if changes.empty:
        return said + "; no run that changes one of its ingredients is stored yet."
    said += (f"; with one ingredient changed, {int(changes['failed'].sum())} of {int(changes['runs'].sum())} failed ("
             + ", ".join(f"{r['rule']} {r['failed']} of {r['runs']}" for _, r in changes.iterrows()) + ")")
    pooled = _pooled(table)
    if recipe["failed"] == 0 or pooled is None:
        return said + "."
    _, runs, p, left_out = pooled
    kept, counts = changes[~changes["rule"].isin(left_out)], dict(zip(changes["rule"], changes["runs"], strict=True))
    which = ("the changes that lower the peak LR" if bool((kept["peak lr"] < recipe["peak lr"]).all())
             else "the changes " + ", ".join(kept["rule"]))
    out = "".join(f"{later}'s {int(counts[later])} left out: over the first epochs they are {first}'s runs; "
                  for first, later in _alike(table))
    significant = "significant at the 5 % level" if p < ALPHA else "not yet a finding"
    return (f"{said}; pooled over the {runs} runs of {which} ({out}a test added after the first runs), Fisher p = "
            f"{number(p, 'p')}: {significant}. Every change also climbs the warm-up ramp more slowly than the "
            "recipe, so these runs cannot tell how high the LR peaks from how fast it rises.")


def ramp_text(left: pd.DataFrame, peak: float) -> str:
    """Where the recipe's replayed runs (`instability.excursions` of them, with a `trained` column) first left the
    normal range against its peak LR, the failed ones and the ones that trained, and how high each loss went:
    whether that onset separates the failed runs from the trained ones (`_onset_separates`), the one case in which
    'on the warm-up ramp' says anything about which ingredient the failures follow."""
    trained = left["trained"].astype(bool)
    failed, kept = left[~trained], left[trained].sort_values("seed")
    went = failed[failed["left_at"].notna()]
    seeds = _seeds(left)
    if went.empty:
        return (f"The recipe's runs replayed ({seeds}): its failed runs ({_seeds(failed)}) did not leave the normal "
                "range in the updates replayed.")
    steps, lrs = went["left_at"].astype(int), went["lr"].astype(float)
    where = "on the warm-up ramp" if bool((lrs < peak).all()) else "at the peak" if bool((lrs >= peak).all()) \
        else "on the ramp and at the peak"
    said = (f"The recipe's runs replayed ({seeds}): {len(went)} of the {len(failed)} that failed "
            f"({_seeds(failed)}) first left the normal range at update {_span(steps, str)}, at an LR of "
            f"{_span(lrs, lambda v: number(v, 'lr'))} ({_span(100 * lrs / peak, lambda v: f'{v:.0f}')} % of the "
            f"peak {number(peak, 'lr')}), {where}; highest loss{'es' * (len(failed) > 1)} {_peaks(failed)}.")
    if kept.empty:
        said += " No run of the recipe that trained was replayed to set against them"
    else:
        out = kept[kept["left_at"].notna()]
        said += " " + "; ".join(
            f"{'Seed' if n == 0 else 'seed'} {r.seed}, which trained, "
            + ("did not leave the normal range" if pd.isna(r.left_at) else
               f"left it at update {int(r.left_at)} and an LR of {number(r.lr, 'lr')}")
            + f" (highest loss {_peaks(kept.loc[[i]])})" for n, (i, r) in enumerate(kept.iterrows()))
        if not out.empty and not _onset_separates(left):
            climb = (f"how far the loss climbs does ({_peaks(kept)} against {_peaks(failed)})"
                     if _peak_separates(left) else "nor does how far the loss climbs")
            return (f"{said}: where the loss first leaves the normal range does not separate the failed runs from "
                    f"the {'one' if len(kept) == 1 else 'ones'} that trained; {climb}.")
    if _on_ramp(left, peak):
        return (f"{said}: the failures begin on the warm-up ramp, before the peak (a change that lowers the peak "
                "lowers the whole ramp with it, so the LR at these updates too).")
    return f"{said}."


def _on_ramp(left: pd.DataFrame, peak: float) -> bool:
    """Whether every failed replayed run that left the normal range (`instability.excursions`, with `trained`) did
    so below the `peak` LR, on the warm-up ramp, and that onset is the failures' own (`_onset_separates`; False
    where none left): the one reading of `ramp_text`'s sentence and `ingredients_text`."""
    failed = left[~left["trained"].astype(bool)]
    lrs = failed.loc[failed["left_at"].notna(), "lr"].astype(float)
    return len(lrs) > 0 and bool((lrs < peak).all()) and _onset_separates(left)


def _onset_separates(left: pd.DataFrame) -> bool:
    """Whether no run that trained left the normal range within the span of updates at which the failed runs did:
    otherwise the onset is one the trained runs share, and says nothing of why the others failed."""
    trained = left["trained"].astype(bool)
    failed = left.loc[~trained & left["left_at"].notna(), "left_at"].astype(int)
    kept = left.loc[trained & left["left_at"].notna(), "left_at"].astype(int)
    return failed.empty or not kept.between(failed.min(), failed.max()).any()


def _peak_separates(left: pd.DataFrame) -> bool:
    """Whether every failed run's loss climbed higher than every trained run's (a loss that stopped being finite
    counts as the highest)."""
    highest = left["peak_loss"].astype(float).where(left["finite"].astype(bool), float("inf"))
    trained = left["trained"].astype(bool)
    return bool(trained.any() and (~trained).any() and highest[~trained].min() > highest[trained].max())


def _peaks(runs: pd.DataFrame) -> str:
    shown = ["not finite" if not r.finite else f"{r.peak_loss:.3g}" for r in runs.sort_values("seed").itertuples()]
    return " and ".join(shown) if len(shown) < 3 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _seeds(runs: pd.DataFrame) -> str:
    return f"seed{'s' * (len(runs) > 1)} " + ", ".join(str(s) for s in sorted(runs["seed"]))


def _span(values: pd.Series, show: Callable[[float], str]) -> str:
    low, high = show(values.min()), show(values.max())
    return low if low == high else f"{low}–{high}"


def ingredients_text(table: pd.DataFrame, planned: Mapping[str, int] | None = None,
                     left: pd.DataFrame | None = None) -> str:
    """Which ingredient of the paper's recipe the failures at MNIST's largest B follow, in words, from
    `summaries.failures_by_rule`: each change's failures against the recipe's with Fisher's exact p, then whether
    the changes that lower the peak LR and the one that only slows the warm-up removed them, read against where the
    recipe's runs left the normal range (`left`: `instability.excursions` of them, failed and trained, with a
    `trained` column; `ramp_text`: the ramp read only where that onset separates the failed ones), and what the run
    counts can show at all (`reach_text`; `planned`: the runs planned per rule), then the changes pooled
    (`pooled_text`). The table's Holm p-values are for
    the planned changes (`planned_changes`, passed to `failures_by_rule`), as the text says."""
    def failures(r: pd.Series) -> str:
        return (f"{r['failed']} of {r['runs']} runs failed ({r['failure rate']:.0f} %, 95 % interval "
                f"{r['failure rate CI low']:.0f}–{r['failure rate CI high']:.0f} %)")

    recipe, changes = table.iloc[0], table.iloc[1:]
    planned = dict(planned or {})
    arms = planned_changes(recipe["rule"], planned, dict(zip(changes["rule"], changes["runs"], strict=True)))
    reach = (" " + reach_text(int(recipe["runs"]), int(recipe["failed"]), [int(n) for n in arms.values()],
                              planned.get(recipe["rule"]))) if arms else ""
    ramp = left is not None and len(left) > 0
    early = ramp and _on_ramp(left, recipe["peak lr"])
    said = (f"The paper's recipe ({recipe['rule']}, peak LR {number(recipe['peak lr'], 'lr')}): "
            f"{failures(recipe)}." + (f" {ramp_text(left, recipe['peak lr'])}" if ramp else ""))
    if changes.empty:
        stored = f" (0 of {sum(arms.values())} planned)" if arms else ""
        return said + f" No run that changes one of its ingredients is stored yet{stored}.{reach}"
    said += " One ingredient changed at a time: " + "; ".join(
        f"{r['rule']} (peak LR {number(r['peak lr'], 'lr')}): {failures(r)}, Fisher p = "
        f"{number(r['Fisher p-value vs recipe'], 'p')}" for _, r in changes.iterrows()) + "."
    if recipe["failed"] == 0:
        return said + " The recipe did not fail in these runs, so there is no failure to attribute." + reach
    removed = changes["failed"] == 0
    lower = changes["peak lr"] < recipe["peak lr"]
    if removed.all():
        verdict = ("every change removed the failures; but every change also climbs the warm-up ramp more slowly "
                   f"than the recipe{_alike_text(table)}, so these runs cannot tell how high the LR peaks from how "
                   "fast it rises" if _all_slower(table)
                   else "every change removed the failures")
    elif not removed.any():
        verdict = "no single change removed the failures"
    elif removed.eq(lower).all():
        verdict = ("the rules that lower the peak LR trained in every run, while a slower warm-up to the same peak "
                   "did not prevent them: " + ("since the failures begin on the ramp, this says how high the LR "
                                               "climbs along it, which a lower peak lowers at every update, not the "
                                               "peak itself" if early else "the failures follow the peak LR"))
    else:
        verdict = (f"{', '.join(changes.loc[removed, 'rule'])} removed the failures; "
                   f"{', '.join(changes.loc[~removed, 'rule'])} did not")
    significant = changes[changes["Holm p-value"] < ALPHA]
    corrected = f"Fisher's exact test, Holm-corrected for {len(arms)} change{'s' * (len(arms) > 1)}" + (
        f", the planned ones, {len(changes)} of them stored" if len(changes) < len(arms) else "")
    sure = (f"no change differs from the recipe significantly at the 5 % level ({corrected}), so this is what these "
            "runs show, not yet a finding" if significant.empty else
            f"significant at the 5 % level ({corrected}): " + ", ".join(
                f"{r['rule']} (p = {number(r['Holm p-value'], 'p')})" for _, r in significant.iterrows()))
    return f"{said} In these runs {verdict}; {sure}.{reach}{pooled_text(table, planned)}"


def _alike_text(table: pd.DataFrame) -> str:
    """', and sqrt + 5-epoch warmup and linear + 10-epoch warmup climb alike (0.04 per epoch) until the first
    reaches its peak at epoch 5: …' for each pair of changes that climb alike (`_alike`)."""
    rates, changes = ramp_rates(table), table.iloc[1:].set_index("rule")
    return "".join(f", and {a} and {b} climb alike ({number(rates[a], 'lr')} per epoch) until the first of them "
                   f"reaches its peak at epoch {int(changes.loc[a, 'warmup epochs'])}: up to there they take the same "
                   "LR at every update, and a seed's two runs are the same run" for a, b in _alike(table))
