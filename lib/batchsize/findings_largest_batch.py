"""The sentences of MNIST's largest-batch sections (issue 26), computed from their tables: where each run's loss
first left the normal range (`instability.excursions`), and which ingredient of the paper's recipe the failures
follow (`summaries.failures_by_rule`). Apart from `findings`, which holds the other chapters' sentences."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from .instability import chance_loss
from .style import number


def excursions_text(left: pd.DataFrame, runs: pd.DataFrame) -> str:
    """In words, per B, from `instability.excursions` of `runs`: at which update and LR (against the run's own
    target LR) each run's loss first left the normal range (above a uniform guess's loss), how high it went, how
    many went above twice that line (a count that does not hang on where the line is drawn), and how the run
    ended."""
    def span(values: pd.Series, show: Callable[[float], str]) -> str:
        low, high = show(values.min()), show(values.max())
        return low if low == high else f"{low}–{high}"

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
            f"{span(went['left_at'].astype(int), str)} and an LR of {span(lrs, lambda v: number(v, 'lr'))} "
            f"({span(100 * lrs / target, lambda v: f'{v:.0f}')} % of the target); their highest losses: {peak}; "
            f"{margin}. Then: {how}.")
    return " ".join(sentences)


def ingredients_text(table: pd.DataFrame) -> str:
    """Which ingredient of the paper's recipe the failures at MNIST's largest B follow, in words, from
    `summaries.failures_by_rule`: each change's failures against the recipe's with Fisher's exact p, then whether
    the changes that lower the peak LR and the one that only slows the warm-up removed them."""
    def failures(r: pd.Series) -> str:
        return (f"{r['failed']} of {r['runs']} runs failed ({r['failure rate']:.0f} %, 95 % interval "
                f"{r['failure rate CI low']:.0f}–{r['failure rate CI high']:.0f} %)")

    recipe, changes = table.iloc[0], table.iloc[1:]
    said = (f"The paper's recipe ({recipe['rule']}, peak LR {number(recipe['peak lr'], 'lr')}): "
            f"{failures(recipe)}.")
    if changes.empty:
        return said + " No run that changes one of its ingredients is finished yet."
    said += " One ingredient changed at a time: " + "; ".join(
        f"{r['rule']} (peak LR {number(r['peak lr'], 'lr')}): {failures(r)}, Fisher p = "
        f"{number(r['Fisher p-value vs recipe'], 'p')}" for _, r in changes.iterrows()) + "."
    if recipe["failed"] == 0:
        return said + " The recipe did not fail in these runs, so there is no failure to attribute."
    removed = changes["failed"] == 0
    lower = changes["peak lr"] < recipe["peak lr"]
    if removed.all():
        verdict = ("every change removed the failures, a slower warm-up to the same peak LR too: how fast the LR "
                   "rises matters, not only how high" if (~lower).any() else "every change removed the failures")
    elif not removed.any():
        verdict = "no single change removed the failures"
    elif removed.eq(lower).all():
        verdict = ("the failures follow the peak LR: the rules that lower it trained in every run, while a slower "
                   "warm-up to the same peak did not prevent them")
    else:
        verdict = (f"{', '.join(changes.loc[removed, 'rule'])} removed the failures; "
                   f"{', '.join(changes.loc[~removed, 'rule'])} did not")
    significant = changes[changes["Holm p-value"] < 0.05]
    corrected = f"Fisher's exact test, Holm-corrected for {len(changes)} change{'s' * (len(changes) > 1)}"
    strongest = min(1.0, changes["smallest p possible"].min() * len(changes))  # Holm's factor for the smallest p
    if significant.empty and strongest >= 0.05:
        return (f"{said} In these runs {verdict}. With these run counts no outcome could be significant at the 5 % "
                f"level ({corrected}): even every run of the recipe failing and none of a change's would give "
                f"p = {number(strongest, 'p')}, so this is what these runs show, not yet a finding; more seeds per "
                "rule would decide it.")
    sure = (f"no change differs from the recipe significantly at the 5 % level ({corrected}), so this is what these "
            "runs show, not yet a finding" if significant.empty else
            f"significant at the 5 % level ({corrected}): " + ", ".join(
                f"{r['rule']} (p = {number(r['Holm p-value'], 'p')})" for _, r in significant.iterrows()))
    return f"{said} In these runs {verdict}; {sure}."
