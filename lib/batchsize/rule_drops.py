"""CIFAR-10's drop in test accuracy between the pairs of B "Is it the data?" reads (`drop_pairs`), under each
learning-rate rule the store holds. "Is it the data?" sets CIFAR-10's drop under its recipe's rule (the linear one)
against MNIST's; the `cifar10-lr` section trains CIFAR-10 at the same large B under other rules too (`plan`), and
where one of them loses far less, the difference between the data sets follows the LR rule as much as the data
(`rule_drops_text`)."""

from __future__ import annotations

import pandas as pd
from docutils.nodes import make_id

from .datasets import DATASET_NAMES
from .drop_pairs import NEAREST, data_pairs, drop_ends, labelled
from .drops import drop_between
from .plan import section_configs
from .runtable import at_paper_scale
from .stats import Estimate
from .style import joined, number

# The learning-rate chapter's section on CIFAR-10's rules, where these runs are shown in full (its heading).
LR_CHAPTER, LR_SECTION = "lr_scaling", "CIFAR-10 at large B: batch size, or the learning-rate rule?"
_RULES = {"fixed": "a fixed η", "linear": "the linear rule", "sqrt": "the square-root rule"}
FINDING_RUNS = 3  # fewer runs of an LR rule at a B show what they show, not yet a finding
NOT_YET = "this is what these runs show, not yet a finding"  # the LR chapter's words too (`findings`)


def _rule(lr_rule: str, warmup: float) -> str:
    return _RULES[lr_rule] + (f" with a {int(warmup)}-epoch warm-up" if warmup else "")


def _keys(table: pd.DataFrame) -> list[tuple[str, float]]:
    """Each run's LR rule and warm-up, in the order of `table`."""
    return list(zip(table["lr_rule"], table["warmup_epochs"], strict=True))


def _recipe(runs: pd.DataFrame, hard: str) -> pd.DataFrame:
    """`hard`'s paper-scale runs in `runs`: its recipe's, under the recipe's rule."""
    return runs[(runs["dataset"] == hard) & at_paper_scale(runs)] if len(runs) else runs


def rule_drops(runs: pd.DataFrame, lr_runs: pd.DataFrame, ends: tuple[int, int],
               hard: str = "cifar10") -> dict[str, tuple[Estimate | None, str]]:
    """Per LR rule (in words, the recipe's first where it has runs at the large B) of `hard`'s paper-scale runs in
    `runs` (its recipe's) and in `lr_runs` (the LR-rule section's), the drop in test accuracy from the small B of
    `ends` to the large (`drops.drop_between`: None where a cell failed, with its note); the small B's runs are the
    recipe's under every rule (the section trains the large B alone). Where a rule has fewer runs at the large B than
    the `cifar10-lr` section plans, the note says so: its n is short of runs still to come, not only of runs at
    chance. Empty where `hard`'s recipe has no paper-scale run at the small B."""
    recipe = _recipe(runs, hard)
    small, large = ends
    if recipe.empty or small not in set(recipe["batch_size"]):
        return {}
    both = pd.concat([recipe, lr_runs[at_paper_scale(lr_runs)] if len(lr_runs) else lr_runs], ignore_index=True)
    both = both[(both["dataset"] == hard) & (both["batch_size"] == large)].drop_duplicates("key")
    rules = dict.fromkeys(_keys(recipe) + sorted(set(_keys(both)) - set(_keys(recipe))))
    at_small = recipe[recipe["batch_size"] == small]
    planned = [(c.lr_rule, c.warmup_epochs) for c in section_configs("paper", "cifar10-lr")
               if c.dataset == hard and c.batch_size == large]
    found = {}
    for rule in rules:
        part = both[[k == rule for k in _keys(both)]]
        if len(part):
            drop, note = drop_between(pd.concat([at_small, part]), hard, small, large)
            short = len(part) < (seeds := planned.count(rule))
            found[_rule(*rule)] = drop, note + (f", {len(part)} of {seeds} planned seeds stored at B = {large}"
                                                if short else "")
    return found


def _words(drop: Estimate | None, note: str) -> str:
    """A rule's drop in words: with its interval, 'one run' (no interval), or that a cell failed."""
    if drop is None:
        return f"none: a cell failed{note}"
    return drop.text(" pp") + note if drop.n >= 2 else f"{number(drop.mean, 'pp')} pp (one run){note}"


def rule_drops_text(runs: pd.DataFrame, lr_runs: pd.DataFrame, easy: str = "mnist", hard: str = "cifar10") -> str:
    """What the other LR rules do to "Is it the data?", a labelled paragraph per pair of B its accuracy side reads
    (`drop_pairs.data_pairs`, fixed in advance: the rules are set against the drop the data sets are compared by,
    never a pair chosen by what the runs have; where `hard` has neither, the B shared nearest, `drop_ends`): `hard`'s
    drop at paper scale under each rule stored (`rule_drops`), then whether one of them loses less than the recipe's
    rule (intervals apart; one run below the recipe's interval is a hint, no more; where none could be told
    apart, `_none_smaller` says the runs cannot tell), and then against `easy`'s drop at
    paper scale: where it is not told apart from `easy`'s, the difference between the data sets follows the LR rule
    as much as the data; where the recipe's rule has no paper-scale run at the large B, that alone is said. '' where
    `hard` has no paper-scale runs here."""
    read = {label: (ends, found) for label, ends in data_pairs().items()
            if (found := rule_drops(runs, lr_runs, ends, hard))}
    if not read and (ends := drop_ends(runs)) and (found := rule_drops(runs, lr_runs, ends, hard)):
        read = {NEAREST: (ends, found)}
    if not read:
        return ""
    name, recipe = DATASET_NAMES[hard], _rule(*_keys(_recipe(runs, hard))[0])
    link = f' The <a href="{LR_CHAPTER}.html#{make_id(LR_SECTION)}">learning-rate chapter</a> shows these runs in full.'
    said = [labelled(label) + _pair_text(runs, ends, found, recipe, easy, hard)
            for label, (ends, found) in read.items()]
    return "\n\n".join([f"**{name}'s drop under other learning-rate rules.** The drop above is under {name}'s recipe, "
                          f"{recipe}.", *said]) + link


def _pair_text(runs: pd.DataFrame, ends: tuple[int, int], found: dict[str, tuple[Estimate | None, str]], recipe: str,
               easy: str, hard: str) -> str:
    """One pair's `rule_drops` (`found`) in words, with what it says of the reading by the data (`_reading`)."""
    if recipe not in found:
        return (f"No run of {recipe} at paper scale is stored at B = {ends[1]} yet, so the drop under the other rules "
                "stored is not set against it.")
    return (f"At paper scale, from B = {ends[0]} (the recipe's runs) to B = {ends[1]}, {DATASET_NAMES[hard]}'s drop "
            "in test accuracy under each rule stored is (mean over the runs that trained, 95 % Welch interval): "
            + "; ".join(f"under {rule}, {_words(*drop)}" for rule, drop in found.items()) + ". "
            + _reading(runs, found, recipe, ends, easy, hard))


def _reading(runs: pd.DataFrame, found: dict[str, tuple[Estimate | None, str]], recipe: str, ends: tuple[int, int],
             easy: str, hard: str) -> str:
    """What `rule_drops` (`found`, with the `recipe`'s rule) says of the reading by the data (`rule_drops_text`);
    where the recipe's drop or the smallest other has fewer than `FINDING_RUNS` runs that trained at one of its B
    (its n), the attribution is said as the LR chapter says such runs: what they show, not yet a finding."""
    name, easy_name, ours = DATASET_NAMES[hard], DATASET_NAMES[easy], found[recipe][0]
    if len(found) == 1:
        return f"No run of another rule is stored at B = {ends[1]} yet."
    if ours is None or ours.n < 2:
        return f"Without an interval for the drop under {recipe}, the rules are not set against it."
    others = {rule: drop for rule, (drop, _) in found.items() if rule != recipe and drop is not None}
    smaller = {rule: d for rule, d in others.items() if d.n >= 2 and d.high < ours.low}
    if not smaller:
        return _none_smaller(others, ours, recipe)
    rule = min(smaller, key=lambda r: smaller[r].mean)
    least = smaller[rule]
    text = f"Under {rule} {name}'s drop, {least.text(' pp')}, is smaller than under {recipe} (intervals apart)"
    at_scale = runs[(runs["dataset"] == easy) & at_paper_scale(runs)]
    base = drop_between(at_scale, easy, *ends)[0] if {*ends} <= set(at_scale["batch_size"]) else None
    few = [r for r, d in ((recipe, ours), (rule, least)) if d.n < FINDING_RUNS]
    return _attributed(text, base, least, easy_name) + (
        f" With fewer than {FINDING_RUNS} runs that trained under {joined(few)} at a B of this drop, {NOT_YET}."
        if few else "")


def _attributed(text: str, base: Estimate | None, least: Estimate, easy_name: str) -> str:
    """`_reading`'s attribution: how much of the difference from `easy_name`'s drop (`base`) follows the LR rule, by
    where the smallest drop (`least`, said in `text`) lies against it."""
    if base is None or base.n < 2:
        return f"{text}: the drop, and with it the difference from {easy_name}, follows the LR rule."
    if least.low > base.high:
        return (f"{text}, yet still larger than {easy_name}'s, {base.text(' pp')} (intervals apart): part of the "
                "difference between the data sets follows the LR rule, and the rest is left to the data or the rest "
                "of the recipe.")
    against = "not told apart from" if least.high >= base.low else "smaller even than"
    return (f"{text} and {against} {easy_name}'s, {base.text(' pp')} (intervals "
            f"{'overlapping' if least.high >= base.low else 'apart'}): the difference between the data sets follows "
            "the LR rule as much as the data.")


def _none_smaller(others: dict[str, Estimate], ours: Estimate, recipe: str) -> str:
    """`_reading` where no other rule's drop lies below the recipe's (intervals apart): a hint where one run does;
    that the runs cannot tell where the recipe's interval holds 0 (only a gain could lie below it) or no other
    rule's lies apart from it, on either side; only where another rule loses more (intervals apart) is it a reading
    against the drop following the LR rule."""
    hints = [rule for rule, d in others.items() if d.n == 1 and d.mean < ours.low]
    if hints:
        return (f"Only one run each of {joined(hints)} lies below the interval under {recipe}: a hint that the drop "
                "follows the LR rule, which more runs would decide.")
    if ours.low <= 0:
        return (f"The runs stored cannot tell whether another rule loses less at this pair: the drop under {recipe}, "
                f"{ours.text(' pp')}, holds 0, so no other rule's could lie below it (intervals apart).")
    above = [rule for rule, d in others.items() if (d.low if d.n >= 2 else d.mean) > ours.high]
    if not above:
        return (f"The runs stored cannot tell the rules apart at this pair: no other rule's drop lies apart from the "
                f"one under {recipe}, {ours.text(' pp')} (intervals overlapping, or one run inside it).")
    return (f"No other rule's drop lies below the one under {recipe} (intervals apart), and {joined(above)} "
            f"{'loses' if len(above) == 1 else 'lose'} more: at this pair of B the runs stored do not show the drop "
            "following the LR rule.")
