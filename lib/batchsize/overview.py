"""The findings first: what the verdicts of `report.evaluate` say, in the words of a reader of the paper, for the top
of the report and the landing page (`findings`); the verdict overview, one line per claim, each linking to the
chapter section that shows its evidence (`overview`); and the full verdict table, verdicts first, with each
tolerance folded (`verdict_table`). Every number goes through `style.number`; links are relative to `base` (the
report sits beside the chapters, the landing page one folder up: `LANDING`)."""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from typing import TYPE_CHECKING

import pandas as pd
from docutils.nodes import make_id

from . import paper
from .captions import whole_ids
from .claims_training import ON_OTHER_HARDWARE
from .datasets import DATASET_NAMES, SECTION_OF, SYNTHETIC
from .plan import section_configs
from .report import DATASET_CLAIMS
from .stats import NOT_REPRODUCED, NOT_TESTABLE, PARTLY, REPRODUCED, UNRESOLVED, VERDICTS
from .style import joined, number

if TYPE_CHECKING:
    from IPython.display import HTML

LANDING = "../notebooks/"  # from book/intro.html to the chapters

# Each claim in a reader's words (what the paper says, not how we test it); its value is in the `paper` column.
HEADLINES = {
    "synthetic-trend": "Accuracy falls steadily as B grows, on all three synthetic sets",
    "synthetic-drop-1k": "Accuracy drops from B = 8 to 512 on the small (1K) synthetic set",
    "synthetic-drop-10k": "Accuracy drops from B = 8 to 512 on the medium (10K) synthetic set",
    "synthetic-drop-50k": "Accuracy drops from B = 8 to 512 on the large (50K) synthetic set",
    "drop-32-512": "Accuracy drops from B = 32 to 512, more on smaller data sets",
    "synthetic-sweet-spot": "The best batch size is in the paper's sweet spot on every synthetic set",
    "table-vii": "Synthetic test accuracies at each B (Table VII)",
    "table-vii-gap": "Synthetic generalization gaps at each B (Table VII)",
    "table-iii": "MNIST test accuracies at each B (Table III)",
    "table-iii-gap": "MNIST generalization gaps at each B (Table III)",
    "mnist-optimum": "MNIST is most accurate at B = 64",
    "mnist-floor": "MNIST accuracy hits a floor at B ≥ 512",
    "mnist-negative-gap": "MNIST underfits at its largest B (test above training accuracy)",
    "mnist-largest-batch": "MNIST trains at its largest B with the paper's recipe (Table III's last row)",
    "table-iv": "CIFAR-10 test accuracies at each B (Table IV)",
    "table-iv-gap": "CIFAR-10 generalization gaps at each B (Table IV)",
    "cifar-collapse": "CIFAR-10 collapses to chance at B = 1024",
    "cifar-slowdown": "CIFAR-10 at B = 1024 trains more slowly than at B = 64",
    "mnist-sweet-spot": f"MNIST is most accurate between B = {paper.MNIST_SWEET_SPOT[0]} and "
                        f"{paper.MNIST_SWEET_SPOT[1]} (Fig. 3)",
    "cifar-onset": f"CIFAR-10's strong degradation begins at B = {paper.CIFAR_DEGRADATION_ONSET} (Fig. 4)",
    "gap-ordering": "The gap rises steepest on CIFAR-10 and stays flat on MNIST (Fig. 5)",
    "protocol-choice": "Both of Algorithm 2's batch sizes are as good as the best we measured",
    "pearson": "The generalization gap grows with log B",
    "gap-bound": "The generalization gap stays small for B ≤ 64 on every data set",
    "epoch-speedup": "Large batches cut the time per epoch",
    "extra-epochs": "Large batches need more epochs to reach the same accuracy",
    "wall-clock-speedup": "Large batches still save wall-clock time",
    "lsr-accuracy": "Without learning-rate scaling, B = 512 loses accuracy",
    "lsr-accuracy-128": "Without learning-rate scaling, B = 128 loses accuracy",
    "lsr-up-to-10": "The most accuracy lost without learning-rate scaling, at any B",
    "lsr-gap": "Without learning-rate scaling the generalization gap widens",
    "table-v": "Test accuracies of the learning-rate ablation (Table V)",
    "sharpness-ratio": "Large-batch minima are sharper: ε-sharpness, B = 512 over B = 32",
    "flat-vs-sharp": "Large-batch minima are sharper: how fast the loss surfaces rise (Figs 9–10)",
    "variance-slope": f"The 20-batch gradient-variance fit has slope {number(paper.VARIANCE_SLOPE)} (Var ∝ 1/B)",
    "critical-exponent": "The critical batch size grows as √N",
    "table-vi": "The critical batch size of each data set (Table VI)",
    "table-vi-optimal": "The optimal batch size of each data set (Table VI)",
}

# What the paper leads with (its abstract and §VII): the claims the findings name one by one; the overview lists all.
CENTRAL = ("drop-32-512", "pearson", "sharpness-ratio", "variance-slope", "lsr-up-to-10", "critical-exponent",
           "table-vi", "epoch-speedup")

DISAGREES = "Where the paper disagrees with itself"  # the report's section of `report.disagreements`
CONTRADICTED = "the paper's own tables contradict it"  # under a verdict on `report.contradicted_by_its_tables`' claims


def contradicted_mark(row: pd.Series, contradicted: Collection[str]) -> str:
    """'(the paper's own tables contradict it too)' under a verdict on a claim its own tables contradict: "too" only
    beside our not reproduced, since a claim we could not test or resolve is not contradicted by our runs."""
    if row["claim"] not in contradicted:
        return ""
    return f"<br><small>{CONTRADICTED}{' too' if row['verdict'] == NOT_REPRODUCED else ''}</small>"
FEW = 5  # a verdict given to at most this many claims names them all in the findings
COLOURS = {REPRODUCED: "#d4edda", PARTLY: "#fff3cd", UNRESOLVED: "#d6e9f8", NOT_REPRODUCED: "#f8d7da",
           NOT_TESTABLE: "#e2e3e5"}


def evidence_link(chapter: str, section: str = "", base: str = "") -> str:
    """The page, and the section headed `section` (a claim's `Claim.section`: the id docutils gives it), that shows
    a claim's evidence, relative to `base`."""
    return f"{base}{chapter}.html" + (f"#{make_id(section)}" if section else "")


def _evidence_of(row: pd.Series, base: str) -> str:
    return evidence_link(row["chapter"], row.get("evidence", ""), base)


def reader_words(text: str) -> str:
    """A rule's text as a reader of the paper says it: the data sets named as the paper names them (not by their
    keys), the paper's setup called its scale (not a profile)."""
    names = {**{f"{d}{s}": f"{d.split('-')[1].upper()} set" for d in SYNTHETIC for s in (" set", "")},
             **{k: v for k, v in DATASET_NAMES.items() if k not in SYNTHETIC}}
    text = whole_ids(names).sub(lambda m: names[m[0]], text)  # not inside a section's name (cifar10-lr)
    text = re.sub(r"paper-profile runs( \(these: \w+\))?", "runs at the paper's scale", text)
    return re.sub(r"off the paper profile", "below the paper's scale", text)


def why_not_testable(row: pd.Series) -> str:
    """Why a claim could not be tested here, in plain words."""
    reason = row["ours"].removeprefix("cannot be tested here: ")
    if reason.startswith(ON_OTHER_HARDWARE):
        return f"the paper's times come from other hardware ({paper.HARDWARE}), ours from this project's 2-core " \
               "CPUs (the CNNs' from a one-thread benchmark); ours are shown beside them"
    for section, ids in DATASET_CLAIMS.items():
        if row["claim"] in ids:
            return f"these need {DATASET_NAMES[section]} trained at the paper's scale"
    return reader_words(reason.split(";")[0])


def scale(runs: pd.DataFrame, so_far: dict[str, pd.DataFrame]) -> str:
    """At what scale and with how many seeds the claims were judged, per data set of the accuracy runs (`runs`,
    each with its profile in `prov_profile`; the three synthetic sets in one phrase), and how far the paper-scale
    runs still being trained have come (`so_far`, by section)."""
    whole = paper.table("I").set_index("dataset")["train"]
    full: dict[str, list] = {}
    reduced: dict[str, list] = {}
    for dataset, part in runs.groupby("dataset", sort=False):
        section = SECTION_OF[dataset]
        name = "the synthetic sets" if section == "synthetic" else DATASET_NAMES[dataset]
        found = (int(part["train_size"].max()), int(whole.get(dataset, 0)), int(part["epochs"].max()),
                 section_configs("paper", section)[0].epochs, part["seed"].nunique())
        (full if set(part["prov_profile"]) == {"paper"} else reduced).setdefault(name, []).append(found)
    said = [f"{' and '.join(f'{name} ({_sizes(found, False)})' for name, found in full.items())} at the paper's "
            "scale" if full else "no data set at the paper's scale"]
    said += [f"{name} at a reduced one ({_sizes(found, True)})" for name, found in reduced.items()]
    text = "We trained " + "; ".join(said) + "."
    for section, done in so_far.items():
        if not done.empty:
            text += (f" The full-scale {DATASET_NAMES.get(section, section)} runs are still being trained: "
                     f"{len(done)} of {len(section_configs('paper', section))} are finished.")
    return text


def _sizes(found: list[tuple[int, int, int, int, int]], reduced: bool) -> str:
    """'800, 8,000 and 40,000 training examples, 50 epochs, 5 seeds'; reduced: '5,000 of 50,000 training
    examples, 3 of 50 epochs, 3 seeds' (each set's own where they differ)."""
    def one(size, whole, epochs, target, seeds):
        return (f"{number(size, 'count')} of {number(whole, 'count')}" if reduced else number(size, "count"),
                f"{epochs} of {target}" if reduced else str(epochs), f"{seeds} seed{'s' * (seeds != 1)}")
    parts = [one(*f) for f in sorted(found)]
    if len({p[1:] for p in parts}) > 1:
        return "; ".join(f"{s} training examples, {e} epochs, {n}" for s, e, n in parts)
    sizes = [p[0] for p in parts]
    return f"{joined(sizes)} training examples, {parts[0][1]} epochs, {parts[0][2]}"


def _counts(verdicts: pd.DataFrame) -> dict[str, int]:
    counts = verdicts["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS}


def _provisional_claims(provisional: pd.DataFrame) -> set[str]:
    """The claims whose verdict may still move (`report.Judgement.provisional`: re-judged on the paper-scale runs
    so far, or reading a section whose runs are pending), as the overview marks them."""
    return set(provisional["claim"]) if "claim" in provisional else set()


def _of_them(marked: int, total: int) -> str:
    """'1 of them provisional', said of a count of `total` verdicts `marked` of which may still move ('' if none)."""
    return ("" if not marked else "provisional" if total == 1 else "all provisional" if marked == total
            else f"{marked} of them provisional")


def _brief_claim(row: pd.Series, base: str, provisional: bool = False) -> str:
    """A claim in words, linked to its evidence, with ours beside the paper's value; a provisional verdict says so
    (once: `report.with_pending` already writes it into the brief of a claim reading a pending section)."""
    ours, theirs = row["brief"], row["paper"]  # the rule's own short form (`rulebook.Outcome.brief`)
    if provisional and "provisional" not in ours:
        ours = f"{ours}; provisional" if ours else "provisional"
    said = ([f"ours: {ours}"] if ours else []) + ([] if theirs.startswith("Table") else [f"the paper: {theirs}"])
    numbers = f" ({'; '.join(said)})" if said else ""
    return f'<a href="{_evidence_of(row, base)}">{_lower(HEADLINES[row["claim"]])}</a>' \
        + html.escape(numbers, quote=False)


def _lower(text: str) -> str:
    """A headline inside a sentence: its first letter lower case, unless it starts with an acronym or a name such
    as 'Algorithm 2' or 'Table VI'."""
    named = re.match(r"(Algorithm|Table|Fig|Eq|Section)\b", text)
    return text if named or text[:2] == text[:2].upper() else text[0].lower() + text[1:]


def findings(verdicts: pd.DataFrame, provisional: pd.DataFrame, scale_text: str, base: str = "",
             contradicted: Collection[str] = ()) -> str:
    """The findings as HTML: how many claims held, held in part, did not or could not be tested, at what scale; the
    central claims (`CENTRAL`) that held or did not, each with our number beside the paper's; what could not be
    tested and why, with the provisional verdicts of runs still accumulating. Every count says how many of its
    verdicts are provisional, and each of those is named, marked: a tally never passes one off as settled; and how
    many of those not reproduced the paper's own tables contradict too (`contradicted`, from
    `report.contradicted_by_its_tables`), so that a reader does not take the count for our runs' failures alone."""
    counts = _counts(verdicts)
    n = len(verdicts)
    marked = _provisional_claims(provisional)
    moving = _counts(verdicts[verdicts["claim"].isin(marked)])
    badges = [f'<span class="bs-badge" style="background-color: {COLOURS[v]}">{counts[v] or "none"} {words}'
              f"{f' ({note})' if (note := _of_them(moving[v], counts[v])) else ''}</span>"
              for v, words in ((REPRODUCED, REPRODUCED), (PARTLY, PARTLY), (UNRESOLVED, UNRESOLVED),
                               (NOT_REPRODUCED, NOT_REPRODUCED), (NOT_TESTABLE, "could not be tested here"))]
    said = [f"<p><b>What we found.</b> Of the paper's {n} quantitative claims, {joined(badges)}. "
            f"{html.escape(scale_text, quote=False)}</p>"]
    against = verdicts[(verdicts["verdict"] == NOT_REPRODUCED) & verdicts["claim"].isin(contradicted)]
    if len(against):
        said.append(f"<p>{len(against)} of the {counts[NOT_REPRODUCED]} not reproduced are claims that the paper's own "
                    f'tables contradict as well (<a href="{evidence_link("report", DISAGREES, base)}">where the paper '
                    f"disagrees with itself</a>): {'; '.join(_lower(HEADLINES[c]) for c in against['claim'])}. Their "
                    "verdicts are on our runs; the paper's numbers do not bear these claims out either.</p>")
    by_id = verdicts.set_index("claim", drop=False)
    central = [by_id.loc[c] for c in CENTRAL if c in by_id.index]
    for verdict, label in ((REPRODUCED, "Held"), (PARTLY, "Held in part"),
                           (UNRESOLVED, "Not resolved, our seeds cannot tell"), (NOT_REPRODUCED, "Did not hold")):
        rows = [r for _, r in verdicts[verdicts["verdict"] == verdict].iterrows()]
        if len(rows) > FEW:  # many: the central ones by name (else the first few), then every provisional one
            named = [r for r in central if r["verdict"] == verdict] or rows[:FEW]
            rows = named + [r for r in rows if r["claim"] in marked - {c["claim"] for c in named}]
        others = counts[verdict] - len(rows)
        if rows or others:
            items = "; ".join(_brief_claim(r, base, r["claim"] in marked) for r in rows)
            more = f"{'; and ' if rows else ''}{others} {'more ' if rows else ''}claim{'s' * (others != 1)} " \
                   "(listed below)" if others else ""
            note = _of_them(moving[verdict], counts[verdict])
            said.append(f"<p><b>{label}</b> ({counts[verdict]}{f', {note}' if note else ''}): {items}{more}.</p>")
    untested = verdicts[verdicts["verdict"] == NOT_TESTABLE]
    if not untested.empty:
        reasons: dict[str, list[str]] = {}
        for _, row in untested.iterrows():
            reasons.setdefault(why_not_testable(row), []).append(
                _lower(HEADLINES[row["claim"]]) + (" (provisional)" if row["claim"] in marked else ""))
        text = "; ".join(f"{', '.join(h)} ({html.escape(why, quote=False)})" for why, h in reasons.items())
        so_far = provisional[provisional["runs"].notna()] if "runs" in provisional else provisional.iloc[:0]
        if not so_far.empty:  # the re-judged claims (`report.evaluate_so_far`), not those marked on a pending section
            judged = "; ".join(f"{_lower(HEADLINES[r['claim']])}: {r['verdict']}" for _, r in so_far.iterrows())
            fewest = int(so_far["fewest seeds"].min())
            seeds = "a single seed at some B" if fewest < 2 else f"at least {fewest} seeds at every B"
            runs = int(so_far.groupby("section")["runs"].first().sum())
            text += f". Judged provisionally on the {runs} full-scale runs finished so far ({seeds}): {judged}"
        note = _of_them(moving[NOT_TESTABLE], counts[NOT_TESTABLE])
        said.append(f"<p><b>Not tested here</b> ({counts[NOT_TESTABLE]}{f', {note}' if note else ''}): {text}.</p>")
    return "\n".join(said)


def overview(verdicts: pd.DataFrame, provisional: pd.DataFrame, base: str = "",
             contradicted: Collection[str] = ()) -> str:
    """One line per claim, in the paper's order, grouped by the chapter that shows it: the claim in words (a link
    to its evidence), the paper's value, the verdict on its colour (and a provisional verdict beside it)."""
    later = provisional.set_index("claim")["verdict"] if not provisional.empty else pd.Series(dtype=str)
    order = verdicts["chapter"].map(list(_CHAPTERS).index)  # the book's order of chapters, the paper's within one
    rows, chapter = [], None
    for _, row in verdicts.assign(order=order).sort_values("order", kind="stable").iterrows():
        if row["chapter"] != chapter:
            chapter = row["chapter"]
            title = html.escape(_CHAPTERS.get(chapter, chapter))
            rows.append(f'<tr class="bs-group"><th colspan="3">{title}</th></tr>')
        verdict = html.escape(row["verdict"])
        if row["claim"] in later.index:  # the same verdict on the runs so far: only that it may still move
            so_far = later[row["claim"]]
            verdict += "<br><small>" + ("provisional" if so_far == row["verdict"] else
                                        f"provisionally {html.escape(so_far)}") + "</small>"
        verdict += contradicted_mark(row, contradicted)
        rows.append(f'<tr><td><a href="{_evidence_of(row, base)}">'
                    f'{html.escape(HEADLINES[row["claim"]])}</a></td><td>{_code(row["paper"])}</td>'
                    f'<td class="bs-verdict" style="background-color: {COLOURS[row["verdict"]]}">{verdict}</td></tr>')
    return ('<table class="bs-overview"><thead><tr><th>claim</th><th>the paper</th><th>verdict</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


_CHAPTERS = {"accuracy": "Test accuracy against batch size", "gap": "The generalization gap",
             "efficiency": "Training efficiency", "lr_scaling": "Learning-rate scaling",
             "landscape": "Loss landscape and sharpness", "noise": "Gradient noise", "critical": "Critical batch size",
             "protocol": "The batch-size selection protocol"}


def _code(text: str) -> str:
    """Plain text as HTML, a `code` span as <code> and a **bold** one as <b> (no backtick or asterisk pair reaches
    the page)."""
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(str(text), quote=False))
    return re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", text)


def verdict_table(verdicts: pd.DataFrame, base: str = "", contradicted: Collection[str] = ()) -> HTML:
    """`report.evaluate`'s table as the report shows it, narrow enough for its column: the verdict first, on its
    colour; the claim (where in the paper, in its words, a link to the evidence); the paper's value; ours, with the
    tolerance folded under it; under the verdict, where the paper's own tables contradict the claim (`contradicted`)."""
    from IPython.display import HTML

    rows = []
    for _, row in verdicts.iterrows():
        marked = contradicted_mark(row, contradicted)
        extra = (f"<br><small>on {int(row['runs'])} full-scale {DATASET_NAMES[row['section']]} runs, the fewest seeds "
                 f"at any B: {int(row['fewest seeds'])}</small>" if pd.notna(row.get("runs")) else "")  # so far
        rows.append(
            f'<tr><td class="bs-verdict" style="background-color: {COLOURS[row["verdict"]]}">'
            f'{html.escape(row["verdict"])}{marked}</td>'
            f'<td><a href="{_evidence_of(row, base)}">{html.escape(row["where"])}</a>: '
            f'{_code(reader_words(row["statement"]))}</td><td>{_code(row["paper"])}</td>'
            f'<td>{_code(reader_words(row["ours"]))}{extra}<details><summary>tolerance</summary>{_code(row["tolerance"])}</details>'
            "</td></tr>")
    return HTML('<table class="bs-verdicts"><thead><tr><th>verdict</th><th>claim</th><th>the paper</th><th>ours</th>'
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


Question = tuple[str, str, str, str]  # a question the paper leaves, its answer in brief, its chapter and section


def beyond(questions: list[Question], base: str = "") -> str:
    """The questions the paper leaves (`findings_beyond`) as HTML: each linked to the chapter section that answers it
    in full, then where its answer stands at the paper's scale. No verdict and no colour: the paper claims nothing
    there to grade."""
    if not questions:
        return ""
    items = "".join(f'<li><a href="{evidence_link(chapter, section, base)}">{html.escape(question)}</a> '
                    f"{_code(reader_words(answer))}</li>" for question, answer, chapter, section in questions)
    return f"<p><b>Beyond the paper</b>: questions it leaves open, at its scale, not graded.</p><ul>{items}</ul>"


def show(verdicts: pd.DataFrame, provisional: pd.DataFrame, scale_text: str, base: str = "",
         questions: list[Question] | None = None, contradicted: Collection[str] = ()) -> HTML:
    """The findings, the questions beyond the paper and the overview, as one block (the report's top; glued for the
    landing page)."""
    from IPython.display import HTML

    return HTML(f'<div class="bs-findings">{findings(verdicts, provisional, scale_text, base, contradicted)}'
                f"{beyond(questions or [], base)}{overview(verdicts, provisional, base, contradicted)}</div>")
