"""What the reproduction report publishes, section by section (as `pages_accuracy` and `pages_training` for the
other chapters): the findings, the scale of each section's runs, every claim in full, the provisional verdicts,
what changed since earlier builds and where the paper disagrees with itself. Each function shows one section from
the report's `report.Judgement`."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown, display

from . import (
    book,
    captions,
    changes,
    checks,
    findings_beyond,
    findings_checks,
    findings_largest_batch,
    overview,
    paper,
    report,
    rule_drops,
    summaries,
)
from .datasets import ACCURACY_SECTIONS, DATASET_NAMES, PAPER_SECTIONS
from .plan import SECTIONS, section_configs
from .report_inputs import LARGEST_BATCH, largest_batch_runs
from .store import default_store, load_history
from .sweep import paper_counts


def findings(judged: report.Judgement, chapter: book.Chapter) -> HTML:
    """The findings, the questions beyond the paper and the one-line-per-claim overview (also glued onto the
    landing page)."""
    scale = overview.scale(judged.tables["accuracy"], judged.so_far)
    questions = beyond_paper_questions(chapter) if chapter.per_dataset else []  # where the book renders paper scale
    book.glue(**paper.quoted(), findings=overview.show(judged.verdicts, judged.provisional, scale, overview.LANDING,
                                                       questions, judged.contradicted))
    return overview.show(judged.verdicts, judged.provisional, scale, questions=questions,
                         contradicted=judged.contradicted)


HARDER, = (s for s in ACCURACY_SECTIONS if s not in PAPER_SECTIONS)  # the data set the paper did not run


def beyond_paper_questions(chapter: book.Chapter) -> list[overview.Question]:
    """The questions the paper leaves, each answered in brief from its paper-scale runs stored so far
    (`findings_beyond`, `findings_largest_batch`), with the chapter section that answers it in full."""
    lr = book.Chapter.paper_stored("cifar10-lr")
    cifar = book.Chapter.paper_stored("cifar10")
    questions = [("Does CIFAR-10's collapse at large B follow the learning-rate rule?",
                  findings_beyond.cifar_lr_brief(summaries.with_rule_names(lr) if len(lr) else lr, cifar,
                                                 len(section_configs("paper", "cifar10-lr"))),
                  rule_drops.LR_CHAPTER, rule_drops.LR_SECTION)]
    for question, section, page, heading in (
            ("Why does MNIST's recipe fail at B = 1024 in some seeds: which ingredient do the failures follow?",
             LARGEST_BATCH, "lr_scaling", "MNIST at its largest batch size: which ingredient do the failures follow?"),
            (f"Is it the data? Does {DATASET_NAMES[HARDER]}, harder images on MNIST's recipe, lose accuracy with B "
             "as CIFAR-10 does?", HARDER, "accuracy", "Is it the data?")):
        (held, planned), = paper_counts(section).values()
        said = findings_beyond.runs_so_far(section, held, planned)
        if section == LARGEST_BATCH:
            said += " " + largest_batch_brief(chapter)
        questions.append((question, said, page, heading))
    questions.append(("Does the CPU, or bf16, decide which CIFAR-10 runs collapse at large B?", replay_brief(cifar),
                      "checks", "Does the CPU decide which runs collapse?"))
    return questions


def largest_batch_brief(chapter: book.Chapter) -> str:
    """MNIST's largest B in brief (`findings_largest_batch.brief`): every stored run of the recipe and of its
    changes (`report_inputs.largest_batch_runs`), per rule."""
    runs = largest_batch_runs(chapter, recipe_only=False)
    if runs.empty or not runs["recipe"].any():
        return ""
    return findings_largest_batch.brief(summaries.failures_by_rule(summaries.with_rule_names(runs)))


def replay_brief(cifar: pd.DataFrame) -> str:
    """The replay check at the paper's scale as stored so far, in brief (`findings_checks.replay_brief`; the
    appendix has each run): the CPU, then the precision. `cifar`: the paper-scale CIFAR-10 runs replayed. Also the
    deviations page's word on what bf16 does at the largest B."""
    replays = book.Chapter.paper_stored("replay-check")
    held, planned = len(replays), len(section_configs("paper", "replay-check"))
    if replays.empty:
        return findings_beyond.runs_so_far("replay-check", held, planned)
    history = load_history(default_store("paper"), key=[*replays["key"], *cifar["key"]])
    return findings_checks.replay_brief(checks.replay_pairs(replays, cifar, history), checks.precision_pairs(replays),
                                        held, planned)


def scales(judged: report.Judgement) -> None:
    """At which scale each section's runs are: a claim that pools sections may pool profiles."""
    runs = pd.concat([judged.tables[t] for t in ("accuracy", "lr-scaling", "critical_runs")])
    display(Markdown("Each data set of each section renders the paper profile where its paper runs are complete, else "
                     "the quick profile. A claim that pools sections may therefore pool profiles; absolute numbers are "
                     "judged only on paper-profile runs. Per section:\n\n" + "\n".join(
                         f"- {s}: {captions.scale_text(part)}"
                         for s, part in runs.drop_duplicates(["section", "key"]).groupby("section", sort=False))))


def every_claim(judged: report.Judgement) -> None:
    """The full verdict table (`overview.verdict_table`): every claim judged, each row linked to its evidence."""
    book.publish(overview.verdict_table(judged.verdicts, contradicted=judged.contradicted),
                 "Every claim: the verdict (and, under it, where the paper's own tables contradict the claim, "
                 "listed under \"Where the paper disagrees with itself\"), the claim in the paper's words (a link to "
                 "its evidence), the paper's value and ours (mean [95 % interval] (n seeds)), with the tolerance "
                 "folded under it.", judged.verdicts, "Reproduction report", runs=judged.tables["accuracy"])


def provisional(judged: report.Judgement) -> None:
    """The provisional verdicts (`report.Judgement.provisional`): the claims on one data set alone judged on its
    paper-scale runs finished so far (`report.evaluate_so_far`), and the claims that read a section whose runs are
    still pending (`report.with_pending`); then what else is pending, read by the report or not, so that "nothing
    pending" is said only where it holds."""
    found, pending = judged.provisional, judged.pending
    if not found.empty:
        book.publish(overview.verdict_table(found), "The claims on one data set alone, judged on its paper-profile "
                     "runs finished so far (under ours: how many runs, and the fewest seeds of any B), and the claims "
                     "that read a section whose runs are still being trained, as the full table judges them (ours "
                     "says how many of its runs are stored): what each verdict stands on. Each may change as runs "
                     "arrive.", found, "Provisional verdicts",
                     runs=pd.concat([judged.so_far[s] if s in judged.so_far else judged.tables[s]
                                     for s in found["section"].unique()]))
    rest = pending[~pending["section"].isin(found["section"] if not found.empty else [])]
    said = []
    if pending.empty:
        said.append("No section the report reads has runs pending: no provisional verdicts.")
    elif not rest.empty:
        said.append("Pending, with no provisional verdict (the full table judges these sections' claims on the "
                    f"reduced scale): {'; '.join(rest['said'])}.")
    if unread := _unread_pending(judged):
        said.append(f"Paper-scale runs still pending that no claim reads (stored of planned): {', '.join(unread)}.")
    if said:
        display(Markdown(" ".join(said)))


def _unread_pending(judged: report.Judgement) -> list[str]:
    """'section (stored of planned)', the section in a reader's words (`findings_beyond.section_words`), for each
    paper-scale section no claim reads whose runs are not all stored."""
    read = {*judged.so_far, *report.SECTION_CLAIMS, "weights"}  # the chapter's sections; weights: their runs
    found = []
    for section in (s for s in SECTIONS if s not in read):
        counts = paper_counts(section).values()
        held, planned = (sum(c[i] for c in counts) for i in (0, 1))
        if held < planned:
            found.append(f"{findings_beyond.section_words(section)} ({held} of {planned})")
    return found


def what_changed(judged: report.Judgement) -> None:
    """The verdict moves between recorded builds (`changes`), this build's unrecorded ones first."""
    moved = changes.table(judged.verdicts, judged.provisional)
    if moved.empty:
        display(Markdown("No verdict has moved since the log began."))
        return
    statements = {c.id: f"{c.where}: {c.text}" for c in report.claims()}  # in the paper's words, not our ids
    shown = moved.assign(claim=moved["claim"].map(lambda i: statements.get(i, i)))
    book.publish(shown, "Verdicts that moved between recorded builds, latest first: the date and commit of the build "
                 "that recorded the move, which table (the full one or the provisional one), the claim, and its "
                 "verdict before and after.", moved, "What changed")


def disagreements() -> None:
    """The paper's statements that its own tables contradict (`report.disagreements`): kept out of the tally, each
    with the claims of the report whose value it contradicts (their verdicts on our runs are marked so)."""
    found = report.disagreements()
    statements = {c.id: f"{c.where}: {overview.reader_words(c.text)}" for c in report.claims()}
    shown = found.assign(contradicts=[", ".join(statements[c] for c in ids) or "—" for ids in found["contradicts"]],
                         disagrees=found["disagrees"].map({True: "yes", False: "no: the check passes"}))
    book.publish(shown.rename(columns={"contradicts": "the report's claims it contradicts"}), "The paper against "
                 "its own tables: each right-hand cell is computed from the paper's Tables III–VII, not from our "
                 "runs; the report's claims they contradict, by the rule of the column before (the claim's own "
                 "tolerance or range, applied to the paper's single numbers); whether the statement and its tables "
                 "part at all (by that rule, or where no claim reads them, by their numbers): a check that passes "
                 "is kept, so that it shows it was made.",
                 shown, overview.DISAGREES)
