"""The findings in words: sentences computed from the tables of `summaries` and the run tables, which the
chapters print as Markdown, so that no number in their prose is typed (the landscape chapter's are in
`findings_landscape`)."""

from __future__ import annotations

import math

import pandas as pd

from . import paper
from .critical import B_STAR_DROP, fit_points
from .datasets import DATASET_NAMES, DATASET_SPECS
from .rule_drops import FINDING_RUNS, NOT_YET
from .runtable import cell, runs_profile, trained
from .stats import Estimate, NotTestable, difference, estimate
from .style import counted, cpu_label, joined, number
from .summaries import HIGHER, MATCHED_COMPARISONS, ONE_SEED, critical_sizes, exponent_fits, failures_by_rule


def failed_runs_text(runs: pd.DataFrame) -> str:
    """In words, every (data set, B) cell where runs ended at chance: how many of its seeds, how (collapsed to a
    constant predictor, or diverged, and in which epoch) and at which learning rate. A finding to show, since
    the means and intervals leave these runs out."""
    failed = runs[~trained(runs)]
    if failed.empty:
        return f"All {len(runs)} runs trained: none ended at chance."
    cells = []
    for (dataset, b), part in failed.groupby(["dataset", "batch_size"], sort=False):
        how = ", ".join(f"seed {r.seed} {r.outcome}" + (f" in epoch {r.epochs_run}" if r.outcome == "diverged"
                                                        else f" at {r.test_acc:.2f} %")
                        + (f" on {cpu_label(r.prov_device_name)}" if "prov_device_name" in part else "")  # a suspect
                        for r in part.sort_values("seed").itertuples())
        cells.append(f"{DATASET_NAMES.get(dataset, dataset)} ({runs_profile(part, 'unknown')} profile) at B = {b}, "
                     f"η = {number(part.lr.iloc[0], 'lr')}: **{len(part)} of {len(cell(runs, dataset, b))}** ({how})")
    return (f"**{len(failed)} of {len(runs)} runs ended at chance**, drawn as crosses and left out of every mean: "
            + "; ".join(cells) + ".")


def lr_rule_summary(runs: pd.DataFrame) -> str:
    """In words, from the `lr-scaling` runs at their largest B (those that trained): the linear rule against the fixed
    rate and the square-root rule, each difference with its Welch interval over seeds (beside the paper's Table V drop
    at B = 512), worded by the sign the interval resolves: ahead of, behind (flipped, not "ahead by" a negative number)
    or not told apart from; never without its interval, nor where a rule has no run that trained (said so instead)."""
    largest = runs["batch_size"].max()
    at = runs[trained(runs) & (runs["batch_size"] == largest)]
    by_rule = {rule: at.loc[at["lr_rule"] == rule, "test_acc"] for rule in ("linear", "fixed", "sqrt")}
    theirs = paper.table("V").set_index(["B", "lr_rule"])["test_acc"]
    paper_drop = theirs[512, "linear"] - theirs[512, "fixed"]

    def ahead(other: str, name: str, mark: str = "") -> str:  # linear minus `other`, by the sign it resolves
        if empty := next((rule for rule in ("linear", other) if by_rule[rule].empty), None):
            return f"not compared with {name}, none of the {empty} rule's runs having trained"
        d = difference(by_rule["linear"], by_rule[other])  # graded: with no spread it is one measurement, no sign
        side = "ahead of" if (g := d.as_graded()).n >= 2 and g.low > 0 else "behind" if g.n >= 2 and g.high < 0 else ""
        shown = Estimate(-d.mean, -d.high, -d.low, d.n) if side == "behind" else d  # flipped: its ends swapped
        return (f"{side} {name} by {mark}{shown.text(' pp')}{mark}" if side
                else f"not told apart from {name} ({mark}{d.text(' pp')}{mark})")

    return (f"At B = {largest}, the linear rule is {ahead('fixed', 'the fixed rate', '**')} (the paper, at B = 512: "
            f"{paper_drop:.1f} pp) and {ahead('sqrt', 'the square-root rule')}.")


def exponent_fit_text(runs: pd.DataFrame, tolerance: float = B_STAR_DROP) -> str:
    """What came of fitting B* ∝ N^a over our synthetic sizes (`summaries.critical_sizes`, the critical chapter's fit
    points): the exponent with its interval where two sizes have a B*, else why there is no fit of ours, in words."""
    points = critical_sizes(runs, tolerance)
    sizes = sorted(int(n) for n in points["train_size"].unique())
    with_b = fit_points(points)  # a B* set by failed runs is not a point of the fit
    without = sorted(int(n) for n in points.loc[points["critical_b"].isna(), "train_size"])
    _, ours = exponent_fits(with_b)
    if not sizes:
        return "No synthetic runs: no B* to fit."
    span = f"N = {number(sizes[0], 'count')}" + (f" to {number(sizes[-1], 'count')}" if len(sizes) > 1 else "")
    largest = number(points["largest_b"].astype(float).max(), "batch")  # "—" where no cell could be B*
    none = (f"at N = {', '.join(number(n, 'count') for n in without)} no B up to the largest that could be B* "
            f"({largest}) falls more than {tolerance:g} point below the peak")
    if ours is not None:
        return (f"Over the {len(with_b)} of our {len(sizes)} training-set sizes ({span}) that have a B* where "
                f"accuracy fell (not where runs failed), "
                f"**a = {number(ours.slope)} [{number(ours.slope_ci[0])}, {number(ours.slope_ci[1])}]** (95 % t "
                f"interval; the paper: {paper.CRITICAL_EXPONENT:g})" + (f"; {none}" if without else "") + ".")
    found = "only one of them has a B*, and a line needs two" if len(with_b) == 1 else "none of them has a B*"
    return (f"We have no fit of our own: of our {len(sizes)} training-set sizes ({span}) {found}"
            + (f": {none}" if without else "") + ". The fit "
            "table has the paper's points alone; the report takes a size without a B* as censored (its B* beyond "
            "the largest B run there), which says nothing of the exponent: with fewer than two sizes that have "
            "one, B* ∝ √N is not testable.")


SIGNIFICANCE = 0.05  # the level at which a difference between rules counts as separated


def rules_at_chance(at: pd.DataFrame) -> tuple[dict[str, int], list[str]]:
    """Of one B's runs under several LR rules (a `rule` column): each rule's runs at chance, and the rules that
    collapsed (at least half of their runs at chance, the book's failed cell)."""
    chance = {rule: int((~trained(part)).sum()) for rule, part in at.groupby("rule")}
    return chance, sorted(r for r, n in chance.items() if n * 2 >= int((at["rule"] == r).sum()))


def collapse_cause(at: pd.DataFrame, reference: str = "linear", planned: dict[str, int] | None = None) -> str:
    """Batch size, or the LR rule? One B's runs under several LR rules (`summaries.with_rule_names`) in words: each
    rule's runs at chance (`planned`: the runs of each rule planned at this B, for a sweep still under way: a rule
    with fewer runs stored says how many, one with none is named too, so the sweep never reads as fewer rules), then
    no rule collapsed, or every rule did (batch size), or some did. Then, since one run decides a rule's collapse
    where it has three, whether its share at chance differs from `reference`'s by Fisher's exact test,
    Holm-corrected for every other rule planned here, stored or not (`summaries.failures_by_rule`, as MNIST's
    ingredients): the rule separates, or the runs are consistent with it but too few to tell it from seed-to-seed
    variation."""
    chance, collapsed = rules_at_chance(at)
    runs = at.groupby("rule").size()
    planned = planned or {}
    missing = sorted(rule for rule in planned if rule not in chance)

    def of(rule: str) -> str:  # '0 of 1 (1 of 3 stored)': at chance of those stored, and stored of planned
        if rule not in chance:
            return f"none (0 of {planned[rule]} stored)"
        return f"{chance[rule]} of {runs[rule]}" + (f" ({runs[rule]} of {planned[rule]} stored)"
                                                     if runs[rule] < planned.get(rule, 0) else "")

    said = "runs at chance: " + ", ".join(f"{rule} {of(rule)}" for rule in sorted({*chance, *missing}))
    if not collapsed:
        total = sum(chance.values())
        return (f"{said}; no rule collapsed (" + ("no run at chance" if not total else
                                                    f"{counted(total, 'run')} at chance, under half of any rule's")
                + "), so there is no collapse here to attribute")
    if len(collapsed) == len(chance):
        return f"{said}; every rule collapsed: batch size, not the rule" if not missing else (
            f"{said}; every rule with runs collapsed: batch size, if {joined(missing)} collapse too")
    only = f"only {', '.join(collapsed)} collapsed (half or more of {'its' if len(collapsed) == 1 else 'their'} " \
           "runs at chance)"
    if reference not in chance:
        return f"{said}; {only}, with no {reference} runs here to test the rule against"
    others = len({*chance, *missing} - {reference})  # every other rule, stored or only planned: one Holm factor
    tested = failures_by_rule(at.assign(recipe=at["rule"] == reference), others).set_index("rule").drop(
        index=reference)
    fisher, holm = tested["Fisher p-value vs recipe"], tested["Holm p-value"]
    holm_for = f"Holm-corrected for {counted(others, 'rule')}" + (
        f", {len(tested)} of them stored" if others > len(tested) else "")
    if (holm < SIGNIFICANCE).any():
        return (f"{said}; {only}, and the rule separates: the share at chance differs from {reference}'s for "
                + ", ".join(f"{rule} (p = {number(p, 'p')})" for rule, p in holm[holm < SIGNIFICANCE].items())
                + f" (Fisher's exact test, {holm_for})")
    each = (f"p = {number(fisher.iloc[0], 'p')} for each other rule" if fisher.nunique() == 1 else
            ", ".join(f"{rule} p = {number(p, 'p')}" for rule, p in fisher.items()))
    least = number(holm.min(), "p") if holm.nunique() == 1 else f"the smallest {number(holm.min(), 'p')}"
    fewest, most = int(runs.min()), int(runs.max())
    return (f"{said}; {only}: consistent with the rule, but {counted(fewest, 'run')}{' or more' * (most > fewest)} "
            f"per rule cannot separate it from seed-to-seed variation (Fisher's exact test against {reference}: "
            f"{each}; {holm_for}, {least})")


def against_base(at: pd.DataFrame, base_runs: pd.DataFrame, base: int = paper.BASE_BATCH) -> str:
    """Test accuracy of each rule's runs at one B that trained (`at`, with `summaries.with_rule_names`' `rule`) and
    its difference from B = `base`'s that trained of `base_runs` (Welch 95 % interval, `stats.difference`): whether a
    rule that keeps the large LR trains as well as a small batch tells a generalization gap from an LR rule that
    fails. The one computation of the LR chapter and the landing page (`findings_beyond.cifar_lr_brief`); runs at
    chance, on either side, are counted apart, never averaged in."""
    at_base = base_runs[base_runs["batch_size"] == base]
    small = at_base.loc[trained(at_base), "test_acc"]
    each = []
    for rule, part in at.groupby("rule"):
        learned = part.loc[trained(part), "test_acc"]
        each.append(f"{rule}: " + (estimate(learned).text("%") + (f", {difference(learned, small).text(' pp')} "
                                                                   f"against B = {base}" if len(small) else "")
                                   if len(learned) else "none trained"))
    chance = len(at_base) - len(small)
    reference = (f" ({estimate(small).text('%')}" + (f"; {chance} of {len(at_base)} runs at chance, left out"
                                                     if chance else "") + ")" if len(small) else
                 " (none trained)" if len(at_base) else f" (no run of B = {base} stored)")
    return (f"Test accuracy of each rule's runs that trained (those at chance counted apart, never averaged in), and "
            f"its difference from B = {base}'s{reference}: {'; '.join(each)}")


def cifar_lr_answer(runs: pd.DataFrame, planned: pd.Series | None = None,
                    base_runs: pd.DataFrame | None = None) -> str:
    """The LR chapter's CIFAR-10 question (the collapse at large B: batch size, or the LR rule?) answered from the
    `cifar10-lr` runs (with `summaries.with_rule_names`' `rule`): per B, the runs stored of those planned and their
    seeds, the runs at chance per rule and what they say of the cause (`collapse_cause`, as the landing page's
    brief), and how far each rule's test accuracy lies from B = 32's of `base_runs` (the `cifar10` section's at the
    same scale; `against_base`, as the landing page), or, without them, from the linear rule's (Welch interval over
    the runs that trained, each side's n named); with the runs' length where it is shorter than the paper's recipe,
    since a collapse may need more epochs to show; and, where a rule has fewer than `FINDING_RUNS` runs, that this is
    not yet a finding. `planned`: the runs planned per (B, rule), for a sweep still under way: every planned rule and
    B is named, those with no run stored as such."""
    counts = runs.groupby(["batch_size", "rule"]).size()
    if planned is not None:  # a planned rule with no run stored has 0 runs
        counts = counts.reindex(counts.index.union(planned.index), fill_value=0)
    sentences = []
    for b in sorted(counts.index.unique("batch_size")):
        at = runs[runs["batch_size"] == b]
        of_b = {} if planned is None or b not in planned.index.unique("batch_size") else planned.loc[b].to_dict()
        if at.empty:
            sentences.append(f"At B = {b}, no run is stored yet (0 of {sum(of_b.values())}).")
            continue
        seeds, total = joined([str(s) for s in sorted(at["seed"].unique())]), sum(of_b.values())
        stored = ("" if not of_b else f" (all {total} planned runs stored, seeds {seeds})" if len(at) >= total else
                  f" ({len(at)} of its {total} planned runs stored so far, seeds {seeds})")
        if base_runs is not None:
            sentences.append(f"At B = {b}{stored}, {collapse_cause(at, planned=of_b)}. {against_base(at, base_runs)}.")
            continue
        ok = at[trained(at)]
        linear = ok.loc[ok["rule"] == "linear", "test_acc"]
        versus = [f"{rule} ({len(part)} trained) {difference(part['test_acc'], linear).text(' pp')}"
                  for rule, part in ok.groupby("rule") if rule != "linear" and len(part) and len(linear)]
        sentences.append(f"At B = {b}{stored}, {collapse_cause(at, planned=of_b)}" + (
            f"; each rule's test accuracy minus that of the linear rule's {counted(len(linear), 'run')} that "
            f"trained: {'; '.join(versus)}" if versus else "") + ".")
    fewest = int(counts.min())
    epochs, recipe = int(runs["epochs"].max()), DATASET_SPECS["cifar10"].epochs
    examples = number(runs["train_size"].max(), "count")
    at = "one B" if runs["batch_size"].nunique() == 1 else "these B"
    short = (f" Asked on short runs ({epochs} of the recipe's {recipe} epochs, {examples} training examples) at "
             f"{at}: a collapse that needs longer training cannot show." if epochs < recipe else "")
    few = f" With fewer than {FINDING_RUNS} runs of some rule at some B, {NOT_YET}." if fewest < FINDING_RUNS else ""
    return " ".join(sentences) + short + few


def _row_estimate(row: pd.Series, column: str = "test acc difference", low: str = "CI low",
                  high: str = "CI high") -> Estimate:
    return Estimate(row[column], row[low], row[high], int(row["seeds"]))


def matched_steps_conclusion(table: pd.DataFrame, base: int = 32) -> str:
    """What the matched-steps control shows, in words computed from `summaries.matched_steps`: per large B, whether its
    test-accuracy deficit against B = base at the fixed budget closes at equal updates, and what remains at
    equal epochs; then how much B = base itself gains from the longer budgets."""
    if table.empty:
        raise NotTestable("no matched-steps comparison has both of its runs")

    def higher(row: pd.Series | None, answer: str) -> bool:
        return row is not None and row[HIGHER].split(" (")[0] == answer

    sentences = []
    for batch_size, part in table[table["B"] != base].groupby("B"):
        rows = {r["comparison"]: r for _, r in part.iterrows()}
        fixed, updates, epochs = (rows.get(c) for c in MATCHED_COMPARISONS)
        said = []
        if fixed is not None:
            said.append(f"{_row_estimate(fixed).text(' pp')} at the fixed budget of {fixed['epochs']} epochs")
        if updates is not None:
            said.append(f"{_row_estimate(updates).text(' pp')} at equal updates (B = {batch_size} trained "
                        f"{updates['epochs']} epochs)")
        if epochs is not None:
            said.append(f"{_row_estimate(epochs).text(' pp')} at equal epochs (B = {base} trained as long)")
        text = f"B = {batch_size} minus B = {base} in test accuracy: " + "; ".join(said)
        deficit = higher(fixed, "no")
        if fixed is not None and updates is not None:
            if higher(fixed, "yes"):
                verdict = f"B = {batch_size} is ahead at the fixed budget: there is no deficit for matched steps " \
                          "to close"
            elif not deficit:  # the interval holds 0: a deficit too small for these seeds is not ruled out
                reach = -fixed["CI low"]  # the largest deficit the interval allows
                fits = f" (a deficit of up to {number(reach, 'pp')} pp fits them)" if reach > 0 and \
                    math.isfinite(reach) else ""
                verdict = (f"B = {batch_size} shows no deficit at the fixed budget that these seeds can resolve{fits}: "
                           "matched steps have no measured deficit to close")
            elif higher(updates, "yes"):
                verdict = "the deficit closes at matched steps, and the large batch is even ahead"
            elif higher(updates, "interval holds 0"):
                verdict = "at matched steps these seeds no longer resolve a deficit (the difference's interval holds 0)"
            elif updates["test acc difference"] > fixed["test acc difference"]:
                verdict = "the deficit narrows at matched steps but does not close"
            else:
                verdict = "the deficit does not close at matched steps"
            text += f". So {verdict}"
        if epochs is not None:
            where = "ahead of it" if higher(epochs, "yes") else "behind it" if higher(epochs, "no") else \
                "within the seed spread of it"
            text += f"; with B = {base} trained as long, B = {batch_size} is {where}"
            if deficit and higher(epochs, "no") and updates is not None and not higher(updates, "no"):
                text += f", so what matched steps gain holds only against a B = {base} that trained fewer epochs"
        sentences.append(text + ".")
    longer = table[table["B"] == base]
    if len(longer):
        changes = " and ".join(f"by {_row_estimate(r).text(' pp')} from {r[f'B = {base} epochs']} to "
                               f"{r['epochs']} epochs" for _, r in longer.iterrows())
        gains = [higher(r, "yes") for _, r in longer.iterrows()]
        losses = [higher(r, "no") for _, r in longer.iterrows()]
        what = ("the fixed-budget baseline had not converged" if any(gains) else
                "longer training lowers it" if all(losses) else "changes these seeds do not resolve")
        sentences.append(f"B = {base} itself changes {changes}: {what}.")
    if (table["seeds"] < 2).any():
        sentences.append("With one seed per run these differences have no interval: each is a single pair of runs.")
    return " ".join(sentences)


def pearson_per_dataset(table: pd.DataFrame) -> str:
    """What the per-data-set rows of `summaries.pearson_table` say, in words: where Δ grows with B (all of r's
    interval above 0, the paper's direction), where it shrinks (all below 0, the opposite), where the runs cannot
    tell; pooled over data sets, levels of Δ that differ by data set decide r as much as B does."""
    rows = table.iloc[1:]
    if rows.empty:
        return "No data set has runs at more than two batch sizes: no correlation per data set."

    def listed(part: pd.DataFrame) -> str:
        return ", ".join(f"{r['data']} (r = {number(r['r'])}, 95 % CI {number(r['ci_low'])} to "
                         f"{number(r['ci_high'])})" for _, r in part.iterrows())

    grows, shrinks = rows[rows["ci_low"] > 0], rows[rows["ci_high"] < 0]
    parts = [f"Δ grows with B on {listed(grows)}" if len(grows) else "",
             f"Δ shrinks as B grows on {listed(shrinks)}, the opposite of the paper's direction" if len(shrinks)
             else ""]
    unclear = rows.drop(index=[*grows.index, *shrinks.index])
    parts.append(f"the runs cannot tell a direction on {', '.join(unclear['data'])}" if len(unclear) else "")
    return "Per data set: " + "; ".join(p for p in parts if p) + "."


def protocol_text(protocol: pd.DataFrame, runs: pd.DataFrame | None = None, gap: float = paper.PROTOCOL_GAP) -> str:
    """Algorithm 2 (`summaries.protocol_table`) in words: each candidate's nearest measured B, its loss against our best
    B (the highest of noisy seed means); the largest loss; where the gap rule (Δ > `gap`) fires, and at §VI's B₀."""
    if protocol.empty:
        return "No data set has runs to apply Algorithm 2 to."
    said = {}  # per data set, its candidates' words
    for _, r in protocol.iterrows():
        name, near, best = DATASET_NAMES.get(r["dataset"], r["dataset"]), r["nearest measured B"], r["best B (ours)"]
        loss = Estimate(r["loss vs best (pp)"], r["loss CI low"], r["loss CI high"], int(r["seeds"]))
        if r["other candidate's B"]:  # one B, one cost: the other candidate's words give it
            words = f"B = {r['candidate B']} not measured (its nearest measured B, {near}, is the other candidate's)"
        elif pd.isna(loss.mean):
            words = f"B = {near}, where " + ("at least half the runs did not train" if r["status there"] == "failed"
                                             else r["status there"])
        else:
            words = f"B = {near}, the best B we measured" if near == best else \
                f"B = {near}, {loss.text(' pp')} below the best B = {best}" + (
                    ", not told apart from it" if loss.n >= 2 and loss.low <= 0 <= loss.high else "")
        said.setdefault(name, []).append(words)
    fired = list(dict.fromkeys(DATASET_NAMES.get(d, d) for d in protocol.loc[protocol["gap rule fires"], "dataset"]))
    worst, reach = protocol["loss vs best (pp)"].max(), protocol.get("loss CI high", pd.Series(dtype=float)).max()
    at_b0 = {} if runs is None else {d: estimate(part["gap"]) for d, part in runs[  # §VI: "Default: start at B = 32"
        (runs["batch_size"] == paper.BASE_BATCH) & trained(runs)].groupby("dataset", sort=False)}
    cost = "" if pd.isna(worst) else f"The most it costs is {number(worst, 'pp')} pp" + (
        f" (the intervals reach {number(reach, 'pp')} pp)" if pd.notna(reach) else "") + ". "
    default = f" At §VI's default B = {paper.BASE_BATCH}, by the interval over seeds, {_gap_rule_at(at_b0, gap)}."
    listed = "; ".join(f"{name}: {', and '.join(words)}" for name, words in said.items())
    return ("Following Algorithm 2 (the measured B nearest its advice; each loss against our best B, the highest of "
            "noisy seed means, with Welch's 95 % interval, which ignores that choice: where it holds 0, the seeds "
            f"cannot tell the candidate from the best measured): {listed}. {cost}At its candidates, by the seed "
            f"means, its gap rule would have fired on {', '.join(fired) if fired else 'no data set'}."
            + (default if len(at_b0) else ""))


def _gap_rule_at(gaps: dict[str, Estimate], gap: float) -> str:
    """Where the gap rule (Δ > `gap`) fires by each data set's Δ over seeds: where the interval lies above `gap`; where
    it holds `gap`, the seeds cannot tell, whichever side the mean is on (one seed, or seeds alike: by the value)."""
    fires, unclear = [], []
    for d, x in gaps.items():
        name = DATASET_NAMES.get(d, d)
        if x.low > gap:
            fires.append(f"{name} (Δ = {x.text(' pp')})")
        elif x.low <= gap <= x.high and x.low < x.high:
            unclear.append(f"on {name} the mean Δ {'exceeds' if x.mean > gap else 'does not exceed'} {gap:g} pp "
                           f"(Δ = {x.text(' pp')})")
    if unclear:
        unclear = [f"{joined(unclear)}, but {'its' if len(unclear) == 1 else 'each'} interval holds {gap:g}, so the "
                   f"seeds cannot tell whether it fires{' there' if len(unclear) > 1 else ''}"]
    if not fires:
        return "; ".join([*unclear, f"it would fire on no{' other' if unclear else ''} data set"])
    return "; ".join([f"it would fire on {joined(fires)}", *unclear])


def noise_agreement(versus: pd.DataFrame, factor: float = 2.0) -> str:
    """In words, from `summaries.noise_against_critical`: on how many data sets B_noise (corrected for drawing
    without replacement) and B* agree within `factor`, and which way the others lie; those with B_noise of one seed
    (`summaries.ONE_SEED`: a value, no interval) named apart, never graded or counted."""
    missing = versus[versus["agreement"].isin(["no B*", "no estimate"])]
    one = versus[versus["agreement"] == ONE_SEED]
    both = versus.drop(index=[*missing.index, *one.index])
    if both.empty and one.empty:
        return "No data set has both a B* and an estimate of B_noise here, so the two cannot be compared."

    def listed(part: pd.DataFrame) -> str:
        return ", ".join(f"{DATASET_NAMES[r['dataset']]} (corrected B_noise/B* = {r['B_noise / B*']:.2g})"
                         for _, r in part.iterrows())

    agree = both[both["agreement"] == f"within a factor {factor:g}"]
    graded = (f"B_noise agrees with the measured B* within a factor {factor:g} on {len(agree)} of the {len(both)} "
              "data sets that have both, with a B* where accuracy fell and B_noise of two seeds or more"
              + (f": {listed(agree)}" if len(agree) else ""))
    if len(both) == 1:  # not "on 0 of the 1 data set"
        graded = ("One data set has both a B* where accuracy fell and B_noise of two seeds or more" + (
            f", and there B_noise agrees with the measured B* within a factor {factor:g}: {listed(agree)}"
            if len(agree) else ""))
    text = graded if len(both) else ("No data set with a B* where accuracy fell has B_noise of two seeds or more, so "
                                     "none is graded")
    for word, part in (("larger", both[both["agreement"] == "B_noise larger"]),
                       ("smaller", both[both["agreement"] == "B_noise smaller"])):
        if len(part):
            text += f"; B_noise is {word} on {listed(part)}"
    undecided = both[both["agreement"] == "undecided"]
    if len(undecided):
        text += (f"; the seeds cannot tell whether B_noise agrees with B* within a factor {factor:g} on " + ", ".join(
            f"{DATASET_NAMES[r['dataset']]} (corrected B_noise/B* = {r['B_noise / B*']:.2g}, 95 % interval "
            f"{r['ratio CI low']:.2g}–{r['ratio CI high']:.2g})" for _, r in undecided.iterrows()))
    if len(one):
        text += f"; one seed, so a value with no interval, not graded: {listed(one)}"
    if len(missing):
        text += "; not compared: " + ", ".join(f"{DATASET_NAMES[r['dataset']]} ({r['agreement']})"
                                               for _, r in missing.iterrows())
    return text + "."
