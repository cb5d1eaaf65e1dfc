"""What the appendix on the setup's checks publishes, section by section (as `pages_training` for the chapters on
how large batches train): the two readings of the initialisation, bf16 against fp32, and the replays of CIFAR-10's
first epochs at large B on another arithmetic and in two precisions. Each function shows one section's figures and
tables with their captions, from the runs the appendix hands it."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown, display

from . import book, checks, findings_checks, plots, plots_failures, runtable
from .datasets import IN_PAPER, SYNTHETIC
from .plan import get_profile


def init_check(runs: pd.DataFrame) -> None:
    """Both initialisations at a small B and at a B with a large LR: every run, the paired differences, in words."""
    cells = checks.compare(runs, "init", "he-uniform", "torch-default")
    book.publish(plots.seeds_by_dataset(runs, "init"),
                 "Test accuracy of every run under both initialisations, at a small B and at the B where the paper's "
                 "learning rate is large; dashed: chance. Reduced scale: a subset of the training set, a few epochs.",
                 cells, "Initialisation check", runs=runs)
    shown = cells.drop(columns=["seeds", "seed spread (SD)", "within seed spread"])  # in the CSV; narrow enough
    book.publish(book.styled(shown),
                 "Per data set and B: each initialisation's runs at chance (counted beside its mean, never in it) and "
                 "mean test accuracy over the runs that trained (n: how many); the paired difference (torch-default "
                 "− he-uniform) over the seeds where both trained (pairs trained), with its 95 % t interval where at "
                 f"least two such pairs remain.{findings_checks.unpaired_means(cells, 'he-uniform', 'torch-default')}",
                 cells, "Initialisation check table", runs=runs)
    display(Markdown(findings_checks.init_check_text(runs, cells, get_profile("paper").init)))


def precision_check(runs: pd.DataFrame) -> None:
    """fp32 against bf16 mixed precision on the same seeds: every run, the paired differences, in words, with what
    the paper-scale replays in both precisions add (`findings_checks.precision_check_text`)."""
    cells = checks.precision_check_cells(runs)
    book.publish(plots.seeds_by_dataset(runs, "precision"),
                 "Test accuracy of every run in fp32 and in bf16 mixed precision (same seeds); dashed: chance.",
                 cells, "Precision check", runs=runs)
    shown = cells.drop(columns=[f"{p} {c}" for p in ("fp32", "bf16") for c in ("n", "at chance")])  # in the CSV
    book.publish(book.styled(shown),
                 "Per data set and B: paired difference bf16 − fp32 over the seeds where both trained, with its 95 % t "
                 "interval, the seed spread of fp32 (standard deviation: the check's tolerance in this cell), whether "
                 "the difference is within it, and the measured speed-up of bf16.",
                 cells, "Precision check table", runs=runs)
    display(Markdown(findings_checks.precision_check_text(cells, runs, _paper_precisions(), _precision_replays())))


def _paper_precisions() -> dict[str, str]:
    """The precision the paper profile trains each of the paper's real data sets in."""
    return {d: get_profile("paper").precision_of(d) for d in IN_PAPER if d not in SYNTHETIC}


def _precision_replays() -> pd.DataFrame:
    """The paper replays stored so far in both precisions (`checks.precision_pairs`): where precision decided a
    seed's fate."""
    return checks.precision_pairs(book.Chapter.paper_stored("replay-check"))


def precision_caveat() -> str:
    """The appendix's caveat on the paper profile's bf16 runs (`findings_checks.precision_caveat`), from the same
    replays: for the deviations page, which states that precision too."""
    return findings_checks.precision_caveat(_paper_precisions(), _precision_replays())


def replay_check(chapter: book.Chapter) -> None:
    """The first epochs of the CIFAR-10 runs at the largest B, replayed: each beside its long run, in words; then
    the replays in two precisions. Only the paper's scale has long runs to replay (a reduced-scale replay is its
    run), so the paper replays stored so far are shown while the section renders another profile."""
    so_far = chapter.paper_so_far("replay-check")
    replays = so_far if len(so_far) else chapter.table("replay-check")
    runs = chapter.table("cifar10")
    history = chapter.history(pd.concat([replays, runs]))
    pairs = checks.replay_pairs(replays, runs, history)
    if len(pairs):
        shown = pd.concat([replays, runs[runs["key"].isin(pairs["run key"])]])
        book.publish(plots_failures.replays(pairs, history),
                     "Test accuracy per epoch of each long run (solid) and of its "
                     "replay (dashed): same configuration and seed, one colour per seed (the table below names the "
                     "CPU and threads of each); dashed grey: chance.", pairs, "Replay check", runs=shown)
        book.publish(book.styled(pairs.drop(columns=["run key", "replay key"])),
                     "Per run: the arithmetic (CPU, threads) of the long run and of its replay, both after the "
                     "replay's last epoch (test accuracy, at chance or not), the long run's outcome after all its "
                     "epochs (undecided: not its state at the replay's last epoch), and the largest difference in "
                     "test accuracy over the epochs both ran.", pairs, "Replay check table", runs=shown)
    planned = checks.replays_with_runs("paper" if len(so_far) else runtable.runs_profile(replays, chapter.profile))
    display(Markdown(findings_checks.replay_text(pairs, planned)))
    if replays["precision"].nunique() > 1:  # the paper profile's bf16 replays, again in fp32
        precision = checks.precision_pairs(replays)
        if len(precision):
            book.publish(book.styled(precision), "Per replay: the same replay in bf16 and in fp32, the arithmetic "
                         "(CPU, threads) of each, its test accuracy after the replay's epochs and whether it is at "
                         "chance; same arithmetic: both on one CPU with one thread count and torch, the pairs that "
                         "isolate the precision (the sentence below counts only these).", precision,
                         "Replay check in two precisions", runs=replays)
        display(Markdown(findings_checks.replay_precision_text(precision)))
