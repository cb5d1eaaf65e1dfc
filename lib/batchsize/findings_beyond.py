"""The questions the paper leaves, answered in brief for the top of the report and the landing page: at the
paper's scale alone, with how many of the runs are in, never as a verdict (the paper makes no claim there to grade).
The chapter sections answer them in full; these sentences only say where the answer stands."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from . import paper
from .datasets import ACCURACY_SECTIONS, DATASET_NAMES, SIZE_SECTION
from .findings import FINDING_RUNS, against_base, collapse_cause
from .plan import section_configs
from .runtable import trained
from .style import counted, cpu_label, joined
from .summaries import with_rule_names


def cifar_lr_brief(lr_runs: pd.DataFrame, cifar_runs: pd.DataFrame, planned: int, base: int = paper.BASE_BATCH,
                   planned_at: Mapping[int, int] | None = None) -> str:
    """Does CIFAR-10's collapse at large B follow the LR rule? From the paper-scale `cifar10-lr` runs stored so far
    (`lr_runs`, of `planned`, with `summaries.with_rule_names`' `rule`), at the largest B where every rule has
    `FINDING_RUNS` runs: the runs at chance per rule and what they say of the cause (`findings.collapse_cause`), and
    each rule's runs that trained against B = `base` of the CIFAR-10 accuracy runs (`cifar_runs`;
    `findings.against_base`), both as the LR chapter says them. The runs stored are counted both at that B, of those
    planned there (`planned_at`, by B; default the paper plan's), and at every B: the section's count alone reads
    as that B's."""
    stored = f"{len(lr_runs)} of the {planned} runs stored"
    if lr_runs.empty:
        return f"Not yet at the paper's scale ({stored})."
    per_rule = lr_runs.groupby(["batch_size", "rule"]).size().unstack()
    ready = per_rule.index[(per_rule >= FINDING_RUNS).all(axis=1)]
    if not len(ready):
        return (f"Not yet a finding at the paper's scale ({stored}): no B has {FINDING_RUNS} runs of every rule so "
                "far.")
    b = int(ready.max())
    at = lr_runs[lr_runs["batch_size"] == b]
    waiting = [int(x) for x in per_rule.index if x not in ready]
    rest = f" At B = {', '.join(map(str, waiting))} the runs are still coming in." if waiting else ""
    there = (planned_at or planned_by_rule("cifar10-lr").groupby(level="batch_size").sum())[b]
    return (f"At B = {b} ({len(at)} of its {there} runs stored, {len(lr_runs)} of the section's {planned} over all "
            f"its B; {counted(int(per_rule.loc[b].min()), 'run')} or more of each rule), "
            f"{collapse_cause(at)}. {against_base(at, cifar_runs, base)}.{_machines(at)}{rest}")


def planned_by_rule(section: str, profile: str = "paper") -> pd.Series:
    """The runs a profile (the paper's unless given) plans for a section, by B and LR rule
    (`summaries.with_rule_names`): every rule at every B, so that a page can name those with no run stored yet."""
    configs = pd.DataFrame([c.to_dict() for c in section_configs(profile, section)])
    return with_rule_names(configs).groupby(["batch_size", "rule"]).size()


def _machines(at: pd.DataFrame) -> str:
    """On which CPUs (`style.cpu_label`) the runs at chance and those that trained ran, and under each rule with runs
    at chance on more than one CPU, its runs at chance per CPU: CPUs differ in their bf16 arithmetic, so a
    collapse that follows the machine within a rule is a suspect the reader must see."""
    if "prov_device_name" not in at or trained(at).all():
        return ""
    cpu = at["prov_device_name"].fillna("an unrecorded CPU").map(cpu_label)
    learned = trained(at)

    def ran(runs: pd.Series) -> str:
        counts = [f"{n} on {c}" for c, n in cpu[runs].value_counts().items()]
        return f"on {cpu[runs].iloc[0]}" if len(counts) == 1 else joined(counts)

    text = (f" The {counted(int((~learned).sum()), 'run')} at chance ran {ran(~learned)}"
            + (f"; the {int(learned.sum())} that trained, {ran(learned)}." if learned.any() else "."))
    for rule in at.loc[~learned, "rule"].unique():
        mine = at["rule"] == rule
        runs = cpu[mine].value_counts()
        if len(runs) > 1:
            chance = cpu[mine & ~learned].value_counts().reindex(runs.index, fill_value=0)
            divides = ((chance == 0) | (chance == runs)).all()  # a confound the replay check tests, not a cause
            split = " (within the rule, the CPU divides them too: a confound these runs alone cannot resolve)" \
                if divides else ""
            each = ", ".join(f"{n} of its {runs[c]} on {c}" for c, n in chance.items())
            text += f" Under {rule}, at chance: {each}{split}."
    return text


# The sections (`plan.SECTIONS`) in a reader's words where a section is not one data set's accuracy runs.
SECTION_WORDS = {"synthetic": "the synthetic sets' accuracy runs",
                 "lr-scaling": "the learning-rate ablation's runs (Table V)",
                 "cifar10-lr": "the CIFAR-10 LR-rule runs",
                 "mnist-largest-batch": "MNIST's largest-batch runs",
                 "matched-steps": "the runs trained for matched steps",
                 SIZE_SECTION: "the training-set-size runs (B* against N)",
                 "weights": "the runs whose weights the landscape chapters load",
                 "init-check": "the initialisation check's runs",
                 "precision-check": "the precision check's runs",
                 "replay-check": "the replay check's runs"}


def section_words(section: str) -> str:
    """A section's runs as a reader names them ("MNIST's largest-batch runs"), never by its id."""
    if section in SECTION_WORDS:
        return SECTION_WORDS[section]
    dataset, = ACCURACY_SECTIONS[section]
    return f"{DATASET_NAMES[dataset]}'s accuracy runs"


def runs_so_far(section: str, held: int, planned: int) -> str:
    """Where a question's paper-scale runs stand, for a question its chapter answers in full and this module not yet
    in brief."""
    if held < planned:
        return f"Of {section_words(section)} at the paper's scale, {held} of {planned} are stored so far."
    return f"All {planned} of {section_words(section)} at the paper's scale are stored."
