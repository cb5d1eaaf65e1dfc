"""The paper's claims on the loss landscape and the gradient noise (§IV-E–F), each row beside the rule that tests
it; they judge the ratios and fits of `summaries`, as the chapters show them (the critical batch size's claims are
in `claims_critical`)."""

from __future__ import annotations

import pandas as pd

from . import paper
from .analysis import VARIANCE_EPOCHS
from .noise import STAGES, stage_of
from .rulebook import (
    COMPARABLE,
    INTERVAL,
    NOT_RUN,
    Claim,
    Outcome,
    brief,
    on_every,
    parts_rule,
    runs_of,
)
from .runtable import SYNTHETIC, trained
from .stats import (
    NOT_REPRODUCED,
    NOT_TESTABLE,
    PARTLY,
    REPRODUCED,
    UNRESOLVED,
    VERDICTS,
    Estimate,
    NotTestable,
    direction_graded,
    effect_graded,
    parts_verdict,
)
from .style import number
from .summaries import sharpness_pair, sharpness_ratios

CLAIMS: list[Claim] = []  # in the paper's order
# The headings of the chapter sections that show the numbers each rule judges (the report links them there).
SHARPNESS = "Sharpness: ε-sharpness (Eq. 3), Keskar et al.'s measure, and the Hessian's top eigenvalue and trace"
SURFACES = "Loss surfaces: B = 32 against the paper's large batch size"
VARIANCE_FIT = "The log-log fit (Eq. 5)"


RATIO_TOL = 1.5  # a ratio within a factor 1.5 of the paper's


def _sharper(metric: str, target: float | None, only: tuple[str, ...] | None, expected: tuple[str, ...],
             table: str = "sharpness"):
    """A sharpness measure at the paper's large B over B = 32 (`summaries.sharpness_pair`), read from `table` and
    judged per data set (of `only`, else every data set with a ratio): within a factor 1.5 of the paper's ratio
    (`target`), or comparable to it (above 1, overlapping ½× to 2×); with no target, its interval above 1
    (`direction_graded`). Every data set reproduced: reproduced; most: partly (`parts_verdict`); a data set of
    `expected` not measured: at best partly (`rulebook.on_every`). The text names each data set judged and its
    verdict."""
    def test(tables: dict, profile: str) -> Outcome:
        rows = sharpness_ratios(runs_of(tables, table), (metric,))
        rows = rows[rows["dataset"].isin(only)] if only else rows
        found = {r["dataset"]: (Estimate(r["ratio"], r["95% CI low"], r["95% CI high"], int(r["seeds"])),
                                int(r["B small"]), int(r["B large"])) for _, r in rows.iterrows()}
        if not found:
            raise NotTestable(f"no data set with {metric.replace('_', ' ')} at two batch sizes")
        verdicts = {d: NOT_TESTABLE if pd.isna(r.mean) else direction_graded(r, 1.0) if target is None else
                    _ratio_graded(r, target) for d, (r, _, _) in found.items()}  # NaN: a value not positive, no ratio
        text = "; ".join(f"{d}: {r.text('×')} (B = {b} over {a}): {verdicts[d]}" for d, (r, a, b) in found.items())
        note, verdict = on_every(parts_verdict(list(verdicts.values())), found, expected)
        left = _left_at_chance(runs_of(tables, table), list(found))
        return Outcome(f"judged on {', '.join(found)}: {text}{note}{left}", verdict,
                       brief([r.mean for r, _, _ in found.values()], "×"))
    return test


def _left_at_chance(measured: pd.DataFrame, datasets: list[str]) -> str:
    """The runs at chance at the pair of B of `datasets` that `sharpness_ratios` leaves out (a constant predictor's
    weights are no minimum), named so that none is dropped unsaid: '; left out, at chance: cifar10 B = 512 seed 44';
    '' where there are none."""
    named = []
    for name in datasets:
        part = measured[measured["dataset"] == name]
        pair = sharpness_pair(name, part["batch_size"])
        named += [f"{name} B = {r['batch_size']} seed {r['seed']}" for _, r in
                  part[part["batch_size"].isin(pair) & ~trained(part)].sort_values(["batch_size", "seed"]).iterrows()]
    return f"; left out, at chance: {', '.join(named)}" if named else ""


def _ratio_graded(ours: Estimate, target: float) -> str:
    """`SCALE` for a ratio: reproduced within a factor `RATIO_TOL` of the paper's, partly when comparable (all of
    it above 1, overlapping ½× to 2× of the paper's ratio), not resolved when it holds both 1 and ½× of the paper's
    ratio, not reproduced otherwise."""
    if ours.n >= 2 and target / RATIO_TOL <= ours.low and ours.high <= target * RATIO_TOL:
        return REPRODUCED
    if ours.high >= target / 2 and ours.low <= target * 2:
        return PARTLY if ours.low > 1 else UNRESOLVED if ours.n >= 2 else NOT_REPRODUCED
    return NOT_REPRODUCED


CHANCE_OUT = "a run at chance is left out of its ratio (a constant predictor's weights are no minimum), and named"

# On which data the sharpness rules' numbers are: `book.Chapter.eval_set`'s, which every measure and surface of
# `analysis` evaluates on (tests/test_landscape.py holds it to the test set), against the paper's claim.
TEST_LOSS = ("ours of the test loss, on each data set's first test examples, the same for every B, as the paper's "
             "Algorithm 1 evaluates its surfaces, though its words are of sharp minimizers of the training loss")


CLAIMS.append(
    Claim("sharpness-ratio", "§IV-E",
          f"ε-sharpness (ε = {paper.SHARPNESS_EPSILON:g}) is {paper.SHARPNESS_RATIO}× larger at B = 512 than at B = 32",
          f"{paper.SHARPNESS[512]} / {paper.SHARPNESS[32]} = {paper.SHARPNESS_RATIO}×", "landscape",
          f"judged on the synthetic sets (Fig 9's pair, 512 over 32; the paper's S values are of synthetic data; "
          f"{TEST_LOSS}): per set, {INTERVAL} of the ratio within a factor {RATIO_TOL:g} of "
          f"{paper.SHARPNESS_RATIO}: reproduced; above 1 and overlapping ½× to 2× of it: partly; holding 1 and "
          f"reaching ½× of it: not resolved; then the sets together: {parts_rule('set')}; {NOT_RUN}; {CHANCE_OUT}",
          _sharper("epsilon_sharpness", paper.SHARPNESS_RATIO, SYNTHETIC, SYNTHETIC), section=SHARPNESS))


def _direction(row: pd.Series) -> str:
    """Which way a ratio of the large B over B = 32 points, by its 95 % interval."""
    if pd.isna(row["ratio"]):
        return "no ratio: a value not positive"
    return "sharper" if row["95% CI low"] > 1 else "flatter" if row["95% CI high"] < 1 else "no clear direction"


# The Hessian's measures, which the paper never took: shown beside the surfaces' rise, never judged.
HESSIAN = {"hessian_top_eigenvalue": "λ_max", "hessian_trace": "the trace"}


def _beside_hessian(test):
    """`test` (the rule on the rise of the surfaces Figs 9–10 draw, `summaries.surface_rise`, the paper's own
    evidence), with the Hessian's top eigenvalue and trace of the same networks said beside each data set, not
    judged: measures the paper never took, which the row must not hide where they point the other way."""
    def judged(tables: dict, profile: str) -> Outcome:
        sharp = tables.get("sharpness", pd.DataFrame())  # the networks whose surfaces were drawn, measured
        hessian = {} if sharp.empty else {name: sharpness_ratios(sharp, (metric,)).set_index("dataset")
                                          for metric, name in HESSIAN.items()}
        found = test(tables, profile)
        if not hessian:
            return found
        rises = sharpness_ratios(runs_of(tables, "surface_rise"), ("surface_rise",)).set_index("dataset")
        said, against = [], {}
        for name, rows in hessian.items():
            said.append(f"{name}: " + "; ".join(
                f"{d}: " + (Estimate(r["ratio"], r["95% CI low"], r["95% CI high"], int(r["seeds"])).text("×")
                            + f" ({_direction(r)})" if pd.notna(r["ratio"]) else _direction(r))
                for d, r in rows.iterrows()))
            for d, r in rows.iterrows():
                if d in rises.index and {_direction(rises.loc[d]), _direction(r)} == {"sharper", "flatter"}:
                    against.setdefault(d, []).append(name)
        other = ", ".join(f"{d} (rise {_direction(rises.loc[d])}; {' and '.join(names)} "
                          f"{'flatter' if _direction(rises.loc[d]) == 'sharper' else 'sharper'})"
                          for d, names in against.items())
        return Outcome(f"{found.ours}; the Hessian's measures (the paper took neither; shown, not judged): "
                       f"{' | '.join(said)}{f'; they point opposite ways on {other}' if other else ''}", found.verdict,
                       found.brief + (f"; the Hessian says otherwise on {other}" if other else ""))
    return judged


_FIGURES = " and ".join(f"{large} ({'Fig 9, synthetic' if name == 'synthetic' else f'Fig 10, {name.upper()}'})"
                        for name, (_, large) in paper.LANDSCAPE_PAIRS.items())

CLAIMS.append(
    Claim("flat-vs-sharp", "§IV-E, Figs 9–10", "B = 32 minima are flat, large-batch minima sharp",
          f"surfaces drawn, no number: steeper at B = {_FIGURES} than at B = 32", "landscape",
          "the paper's own evidence, the loss surfaces of Figs 9–10, judged by how fast each rises around its "
          "minimum (the mean loss over the inner square, half the plane's width, minus the loss at the centre, every "
          "seed): per "
          "data set whose weights were measured (the synthetic sets, MNIST and CIFAR-10, for which the paper says "
          "prior work shows the same), the rise at the paper's large B (512 synthetic, Fig 9; 256 MNIST, Fig 10, "
          f"and CIFAR-10) over B = 32 ({TEST_LOSS}), {INTERVAL} above 1: that data set reproduced (the paper gives "
          "no size), one run above 1 (no interval): partly, holding 1 and reaching above it: not resolved, else not "
          f"reproduced; then the data sets together: {parts_rule('data set')}; a synthetic set (Fig 9) not "
          "measured: at best partly. The Hessian's top eigenvalue and trace, which the paper never measured, are "
          f"shown beside it, not judged, and where one points the other way the row says so; {CHANCE_OUT}",
          _beside_hessian(_sharper("surface_rise", None, None, SYNTHETIC, "surface_rise")), section=SURFACES))


_SLOPE = number(paper.VARIANCE_SLOPE)  # −0.98, with a minus sign
SLOPE_TOL, SLOPE_R2 = 0.1, 0.98  # the slope's interval within 0.1 of the paper's; R² at least 0.98 (below its own)


def _by_stage(fits: pd.DataFrame, said) -> str:
    """'initialisation …, along training …, trained …': `said(part)` for each stage's fits, in `STAGES`' order."""
    stages = fits["weights"].map(stage_of)
    return ", ".join(f"{stage} {said(fits[stages == stage])}" for stage in STAGES if (stages == stage).any())


def stage_verdicts(free: pd.DataFrame, control: bool = False) -> dict[str, str]:
    """Each stage of training's verdict, `parts_verdict` over its fits of `slopes_graded`, in `STAGES`' order: the
    graded stages (along training, trained), and initialisation, a control shown but never graded, only where
    `control`. The row's verdict and its text both read it, so the two cannot drift apart."""
    stages = free["weights"].map(stage_of)
    return {s: parts_verdict(list(free.loc[stages == s, "verdict"])) for s in STAGES[0 if control else 1:]
            if (stages == s).any()}


def _held(verdict: str, part: pd.DataFrame) -> str:
    """'not reproduced (of 4 fits, −1.00 to −0.27: 2 partly, 2 not reproduced)': one stage's verdict
    (`stage_verdicts`) and every grade of its fits, so that they add up to its count."""
    grades = part["verdict"].value_counts()
    said = ", ".join(f"{int(grades[g])} {g}" for g in VERDICTS if g in grades.index)
    return f"{verdict} (of {len(part)} fits, {brief(part['slope'])}: {said})"


def _flatter(free: pd.DataFrame) -> str:
    """'the slope flatter trained than at initialisation on 4 of 4 data sets (intervals apart)': whether the fit
    flattens as training proceeds, on each data set with both ends ('' where none has)."""
    stages = free["weights"].map(stage_of)
    ends = {stage: free[stages == stage].set_index("dataset") for stage in (STAGES[0], STAGES[2])}
    both = ends[STAGES[0]].index.intersection(ends[STAGES[2]].index)
    if both.empty:
        return ""
    low, high = ends[STAGES[2]].groupby(level=0)["slope CI low"].min(), ends[STAGES[0]].groupby(level=0)[
        "slope CI high"].max()  # a data set of several fits at one end: apart only where all of them are
    flatter = low.loc[both] > high.loc[both]
    return f"; the slope flatter trained than at initialisation on {int(flatter.sum())} of {len(both)} data sets " \
           "(intervals apart)"


def slopes_graded(fits: pd.DataFrame) -> pd.DataFrame:
    """The fits drawn without replacement of `summaries.variance_fits`, each with its `verdict`: its slope's
    interval within `SLOPE_TOL` of the paper's and R² ≥ `SLOPE_R2`, reproduced; within it, R² below, partly; else
    `effect_graded`. The report's rule and the noise chapter read it alike."""
    free = fits[fits["sampling"] == "without replacement"]
    graded = [effect_graded(Estimate(r["slope"], r["slope CI low"], r["slope CI high"], int(r["seeds"])),
                            paper.VARIANCE_SLOPE, SLOPE_TOL) for _, r in free.iterrows()]
    return free.assign(verdict=[PARTLY if v == REPRODUCED and r2 < SLOPE_R2 else v
                                for v, r2 in zip(graded, free["R²"], strict=True)])


def slopes_held(graded: pd.DataFrame) -> str:
    """'stages of training: initialisation partly (of 4 fits, …: 3 reproduced, 1 partly), along training partly (of
    7 fits, …: 7 partly), trained not reproduced (…); the slope flatter trained than at initialisation on 4 of 4':
    `slopes_graded` judged per stage of training (`stage_verdicts`, the control too), as the report's rule judges it."""
    stages = graded["weights"].map(stage_of)
    return "stages of training: " + ", ".join(f"{s} {_held(v, graded[stages == s])}" for s, v in stage_verdicts(
        graded, control=True).items()) + _flatter(graded)


def stages_verdict(verdicts: dict[str, str]) -> str:
    """The graded stages of training together by `parts_verdict`, the report's rule for a claim of several parts:
    the paper does not say at which weights it measured, so its law is claimed at each, and a stage where the fit
    fails fails it. Along training holds the weights after epochs 1 and 5, the first near initialisation, where the
    1/B law holds almost by construction: that stage holding must not carry the row past the trained weights, where
    the fit can fail."""
    return parts_verdict(list(verdicts.values())) if verdicts else NOT_TESTABLE


_WHERE = (("reproduced at", (REPRODUCED,)), ("only comparable (partly) at", (PARTLY,)),
          ("not at", (NOT_REPRODUCED, UNRESOLVED, NOT_TESTABLE)))


def _where(verdicts: dict[str, str]) -> str:
    """'; the fit only comparable (partly) at: initialisation, along training; not at: trained', where the stages
    disagree: a partly stage (its slope within ½× to 2× of the paper's) is named as such, not as a fit that holds."""
    if len(set(verdicts.values())) < 2:
        return ""
    return "; the fit " + "; ".join(f"{words}: {', '.join(s for s, v in verdicts.items() if v in kinds)}"
                                    for words, kinds in _WHERE if any(v in kinds for v in verdicts.values()))


def _variance(tables: dict, profile: str) -> Outcome:
    """At fixed weights σ̂² is σ²/B in expectation, with replacement or as training draws the batches (within
    N/(N − 1) while the 20 share one epoch: `analysis.variance_table`'s `expected`), so what is graded is the 20-batch
    estimate's fit, not the 1/B law: drawn as training draws them, each fit by `slopes_graded`, each stage of
    training by `stage_verdicts`, the stages by `stages_verdict`. Initialisation is a control, shown, never graded:
    there the examples' gradients are alike and the estimate sits on its expectation almost by construction, so a
    rule that counted it could hardly come out not reproduced."""
    fits = runs_of(tables, "variance_fits")
    free = slopes_graded(fits)
    if free.empty:
        raise NotTestable("no fit of batches drawn as training draws them (with replacement σ̂² is σ²/B in expectation "
                          "whatever the network: shown, not graded)")
    texts = [f"{name}: " + "; ".join(
        f"{r['weights']} {Estimate(r['slope'], r['slope CI low'], r['slope CI high'], int(r['seeds'])).text('', 2)}, "
        f"R² {r['R²']:.2f}: {r['verdict']}" for _, r in part.iterrows())
        for name, part in free.groupby("dataset", sort=False)]
    replaced = fits[fits["sampling"] == "with replacement"]
    note = (" (with replacement, not graded: σ̂² is σ²/B in expectation whatever the network, its 20-batch fit is "
            f"not: {_by_stage(replaced, lambda part: brief(part['slope']))})" if len(replaced) else "")
    verdicts = stage_verdicts(free)
    held = slopes_held(free)
    return Outcome(f"{held}{_where(verdicts)} (initialisation a control, not graded; the paper does not say at which "
                   "weights of training it measured, so its law must hold at each stage graded); slope without "
                   "replacement: " + " | ".join(texts) + note,
                   stages_verdict(verdicts), held)


CLAIMS.append(
    Claim("variance-slope", "§IV-F", f"log σ̂² = {_SLOPE} log B + C with R² = {paper.VARIANCE_R2}",
          f"{_SLOPE}, R² {paper.VARIANCE_R2}", "noise",
          "the paper's 20 mini-batches per B drawn as training draws them (the batches of shuffled epochs), at each "
          "network's weights (every seed's run at the B nearest 32) at initialisation, along training and trained. "
          "At fixed weights σ̂² is σ²/B in expectation with replacement, and within N/(N − 1) of it as training draws "
          "the batches while the 20 share one epoch (B ≤ N/20; below it only beyond): so what is graded is the "
          "20-batch estimate's fit, not the 1/B law (with replacement is shown, not graded). Per data set and weights "
          f"(a fit), {INTERVAL} of the slope (over seeds) within {SLOPE_TOL:g} of {_SLOPE} and R² ≥ {SLOPE_R2:g}: "
          f"reproduced; within it, R² below: partly; {COMPARABLE}; then per stage of training (along training, "
          f"trained; initialisation is a control, shown, not graded), its fits together: {parts_rule('fit')}; then "
          "the stages together, the row naming each stage's verdict: the paper does not say at which weights of "
          "training it measured, so its law is claimed at each (along training holds the weights after epochs "
          f"{' and '.join(map(str, VARIANCE_EPOCHS[1:]))}, the first near initialisation, where it holds almost by "
          f"construction): {parts_rule('stage')}",
          _variance, section=VARIANCE_FIT))
