"""The landscape chapter's findings in words: which way the minima's sharpness points by each measure, whether
two measures order the batch sizes alike, and whether the CNNs' capped λ_max had settled. Computed from the tables
of `summaries` and `analysis`, so that no number in the chapter's prose is typed (as `findings` does for the
others)."""

from __future__ import annotations

import pandas as pd

from . import paper
from .datasets import DATASET_NAMES, SYNTHETIC
from .runtable import trained
from .style import joined, number


def rank_agreement_text(ranks: pd.DataFrame, first: str, second: str, names: tuple[str, str]) -> str:
    """In words, from `summaries.rank_agreement`: on how many data sets the two measures order the batch sizes alike."""
    if ranks.empty:
        return f"No data set has {names[0]} and {names[1]} at two batch sizes, so their rankings cannot be compared."
    same = ranks[ranks["same order"]]
    text = (f"{names[0][0].upper()}{names[0][1:]} and {names[1]} order the batch sizes the same way (by seed means, "
            f"flattest to sharpest) on {len(same)} of {len(ranks)} data sets")
    differ = ranks[~ranks["same order"]]
    if len(differ):
        text += "; they differ on " + "; ".join(
            f"{DATASET_NAMES.get(r['dataset'], r['dataset'])} ({', '.join(map(str, r[f'order by {first}']))} against "
            f"{', '.join(map(str, r[f'order by {second}']))}, Kendall τ = {number(r['Kendall τ'], 'r')})"
            for _, r in differ.iterrows())
    return text + "."


EPSILON_SHARPNESS = ("epsilon_sharpness", "ε-sharpness")  # the measure's column, and its name on the page (panels)


def sharpness_text(ratios: pd.DataFrame) -> str:
    """`summaries.sharpness_ratios` (measures named) in words: per data set, by which measures the large B's minima
    are sharper than B = 32's (the ratio's 95 % interval above 1), flatter (below 1) or of no clear direction (it
    holds 1); then the synthetic sets' ε-sharpness ratios beside the paper's, which is one of ε-sharpness on
    synthetic data (another measure's ratio is of another quantity, never set against it; another data set's is an
    aside, which the report does not judge)."""
    if ratios["ratio"].isna().all():
        return "No data set has sharpness at two batch sizes to compare."
    said = []
    for name, part in ratios.groupby("dataset", sort=False):
        sharper, flatter = part["95% CI low"] > 1, part["95% CI high"] < 1
        ways = {"sharper": sharper, "flatter": flatter, "of no clear direction": ~(sharper | flatter)}
        found = {way: list(part.loc[held, "metric"]) for way, held in ways.items() if held.any()}
        said.append(f"{DATASET_NAMES.get(name, name)}: " + (f"{next(iter(found))} by every measure" if len(found) == 1
                    else ", ".join(f"{way} by {', '.join(measures)}" for way, measures in found.items())))
    text = f"At the large B against B = 32 (by each ratio's 95 % interval), the minima are {'; '.join(said)}."
    epsilon = ratios[ratios["metric"].isin(EPSILON_SHARPNESS) & ratios["ratio"].notna()]
    theirs = f"the paper's {paper.SHARPNESS_RATIO}× (of ε-sharpness, B = 512 over 32, synthetic data)"
    judged, aside = epsilon[epsilon["dataset"].isin(SYNTHETIC)], epsilon[~epsilon["dataset"].isin(SYNTHETIC)]
    if judged.empty:
        text += f" No synthetic set has an ε-sharpness ratio here to set beside {theirs}."
    else:
        text += (f" The synthetic sets' ε-sharpness ratios{_each(judged)}, against {theirs}; the other measures' "
                 "ratios are of other quantities.")
    if len(aside):
        text += (" Aside, not judged against the paper (whose ratio is of synthetic data): ε-sharpness ratios"
                 f"{_each(aside)}.")
    return text


def _each(ratios: pd.DataFrame) -> str:
    """' (B = 512 over 32): 0.65× on Small synthetic (1K), …': each data set's ratio named, the pair once where all
    compare the same one, else beside each."""
    pairs = [f"B = {int(r['B large'])} over {int(r['B small'])}" for _, r in ratios.iterrows()]
    one = len(set(pairs)) == 1
    return (f" ({pairs[0]})" if one else "") + ": " + joined([
        f"{number(r['ratio'], 'ratio')}× on {DATASET_NAMES.get(r['dataset'], r['dataset'])}"
        + ("" if one else f" ({pair})") for (_, r), pair in zip(ratios.iterrows(), pairs, strict=True)])


def power_settling_text(settling: pd.DataFrame, sharp: pd.DataFrame) -> str:
    """In words, from `analysis.power_iterations` and the sharpness table: how far the CNNs' capped λ_max moves when
    power iteration runs five times as long, against how far λ_max differs between seeds at the same B (their
    coefficient of variation, over the runs that trained): a change smaller than that is lost in the seeds' own
    scatter, which the ratios' intervals already carry."""
    if settling.empty:
        return "No CNN's weights are kept here, so no capped λ_max can be checked."
    done = sharp[trained(sharp)].groupby(["dataset", "batch_size"])["hessian_top_eigenvalue"]
    spread = (done.std() / done.mean() * 100).rename("spread")
    rows = settling.join(spread, on=["dataset", "batch_size"])
    worst = rows.loc[rows["change"].abs().idxmax()]
    text = (f"Run for {int(worst['iterations'])} iterations instead of {int(worst['cap'])}, λ_max moved by at most "
            f"{number(abs(worst['change']))} % ({DATASET_NAMES[worst['dataset']]}, B = {worst['batch_size']}, from "
            f"{number(worst['at cap'])} to {number(worst['last'])}).")
    known = rows.dropna(subset=["spread"])
    if known.empty:
        text += " With fewer than two trained seeds per B there is no spread between seeds to set it against."
    else:
        below = int((known["change"].abs() < known["spread"]).sum())
        after = (": the cap moves λ_max by less than the seeds scatter, which the ratios' intervals already carry."
                 if below == len(known) else f"; on the other {len(known) - below} the cap moves λ_max by more than "
                 "the seeds scatter, so the ratios above may lean on it.")
        text += (f" On {below} of {len(known)} networks the change is smaller than the spread of λ_max between "
                 f"seeds at the same B (its coefficient of variation, {number(known['spread'].min())} to "
                 f"{number(known['spread'].max())} %){after}")
    return text + (" Each network from a start vector of its own (seed 0), on the first seed's weights: a check of "
                   "how fast the iteration settles there, not a recomputation of the table's values.")
