"""Time and epochs to a target accuracy: each data set's target (the paper's 80 % where two B reach it, else a share
of the best seen) and each run's epochs and seconds to it, per run and per cell (the training chapter's time to
target); the target both ends of a comparison reach, or one end's runs set (`reference`), and each run's epochs and
seconds to it (`to_shared_target`, the cifar-slowdown rule's table); the epochs to the target both reach at B₀ and
the largest measured B (`same_accuracy_epochs`, the extra-epochs claim's table). The epoch times and the ends of a
comparison are `timing`'s."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .critical import MEASURED
from .run import ACCURACY_TARGET, trained
from .runtable import cells, registry_sorted
from .stats import ratio
from .timing import epoch_times, run_epoch_times, speed_ends


def accuracy_target(runs: pd.DataFrame, dataset: str, rule: float = 0.9) -> float:
    """The paper's 80% where at least two batch sizes of `dataset` reach it (a target that only one B reaches
    compares nothing), else `rule` × the best mean accuracy seen, to one decimal."""
    best = runs[runs["dataset"] == dataset].groupby("batch_size")["best_test_acc"].mean()
    return ACCURACY_TARGET if (best > ACCURACY_TARGET).sum() >= 2 else round(rule * best.max(), 1)


def runs_to_target(runs: pd.DataFrame, history: pd.DataFrame, rule: float = 0.9,
                   speed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per run: the first epoch whose test accuracy reaches its data set's `accuracy_target` and the training
    seconds until then (that epoch × the run's epoch time); None where the run never reached it in its budget. The
    epoch times are `timing.run_epoch_times`: the runs' own medians, or the CNN benchmark's (`speed`) where several
    sweeps timed a data set (column `epoch times from`)."""
    rows = []
    epoch_time, notes = run_epoch_times(runs, speed)
    by_key = runs.assign(epoch_time=epoch_time).set_index("key")
    for key, curve in history.sort_values("epoch").groupby("key"):
        run = by_key.loc[key]
        target = accuracy_target(runs, run["dataset"], rule)
        reached = curve[curve["test_acc"] >= target]
        epoch = int(reached["epoch"].iloc[0]) if len(reached) else None
        seconds = epoch * run["epoch_time"] if epoch else None
        rows.append({"dataset": run["dataset"], "batch_size": run["batch_size"], "seed": run["seed"],
                     "target": target, "epochs_to_target": epoch, "seconds_to_target": seconds,
                     "epoch_time": run["epoch_time"],
                     "epoch times from": "benchmark" if notes[run["dataset"]] else "runs"})
    return pd.DataFrame(rows)


def target_cells(to_target: pd.DataFrame) -> pd.DataFrame:
    """`runs_to_target` as seed means per data set and B (a run that never reached the target is left out of its
    cell's mean)."""
    return to_target.groupby(["dataset", "batch_size"]).agg(
        target=("target", "first"), epochs_to_target=("epochs_to_target", "mean"),
        seconds_to_target=("seconds_to_target", "mean"), epoch_time=("epoch_time", "mean"),
        epoch_times_from=("epoch times from", "first")).reset_index()


def to_shared_target(part: pd.DataFrame, history: pd.DataFrame, speed: pd.DataFrame | None,
                     ends: tuple[int, int], below: float = 0.0,
                     reference: int | None = None) -> tuple[pd.DataFrame, str]:
    """Time to a target accuracy at two B of one data set's runs (`part`), those of `ends` and no other, for where
    the paper's 80 % cannot decide a comparison (CIFAR-10: the paper's own peak is below it). Per run at either B,
    whether it trained or not: the target (the highest test accuracy every run that trained at either B reached, or
    at B = `reference` alone where given; a run at chance would set it at chance), the first epoch at or above it
    (NaN: never within its budget, and never for a run that did not train: one that learned and then collapsed ended
    at chance, whatever its curve passed on the way), the seconds until then (that epoch × `timing.epoch_times`);
    and a note on where the epoch times come from. Empty where a B has no run, or the B that set the target has none
    that trained. `below` lowers the target by that many points (`target_sensitivity`). `reference`: where a claim
    is that the other B never gets where this one does, the other's runs must not set the target (each would reach
    its own best, and only a run at chance could fail to)."""
    columns = ["dataset", "batch_size", "seed", "key", "outcome", "target", "epochs_to_target", "epoch_time",
               "seconds_to_target"]
    at = [part[part["batch_size"] == b] for b in ends]
    by = list(ends) if reference is None else [reference]  # the B whose runs that trained set the target
    if any(a.empty for a in at) or not trained(part[part["batch_size"].isin(by)]).any():
        return pd.DataFrame(columns=columns), ""
    times, how = epoch_times(at, speed, part)
    runs = pd.concat(at).assign(epoch_time=pd.concat(times))
    if "outcome" not in runs:  # tables made before outcomes were recorded
        runs["outcome"] = np.where(trained(runs), "trained", "diverged")
    target = float(runs.loc[trained(runs) & runs["batch_size"].isin(by), "best_test_acc"].min()) - below
    reached = history[history["key"].isin(runs.loc[trained(runs), "key"]) & (history["test_acc"] >= target)]
    runs["target"] = target
    runs["epochs_to_target"] = runs["key"].map(reached.groupby("key")["epoch"].min()).astype(float)
    runs["seconds_to_target"] = runs["epochs_to_target"] * runs["epoch_time"]
    return runs[columns].reset_index(drop=True), how


EXTRA = "epochs to the same accuracy, large ÷ small"  # the ratio `same_accuracy_epochs` gives, the claim grades
AT_FIRST_EPOCH, NEVER = "every run at both ends reached it in its first epoch", "never reached it"  # its notes


def _why_no_ratio(part: pd.DataFrame, history: pd.DataFrame, small: int, large: float) -> str:
    """Why `part` has no ratio ('' if it may have one): it needs a measured small end, a B above it, every curve."""
    status = cells(part).set_index("batch_size")["status"]
    if status.get(small) != MEASURED:
        return f"B = {small} {status.get(small, 'not run')}: no small end"
    if not large > small:
        return f"no measured B above {small}"
    if not part.loc[part["batch_size"].isin((small, large)), "key"].isin(history["key"]).all():
        return "no learning curve for some of the runs"
    return ""


def _never_reached(end: pd.DataFrame, batch_size: int) -> list[str]:
    """One end's runs that never got there, by how they ended: counted in words, never averaged in (as at chance)."""
    missed = end[end["epochs_to_target"].isna()]
    if missed.empty:
        return []
    outcomes = ", ".join(f"{n} {how}" for how, n in missed["outcome"].value_counts().items())
    return [f"{len(missed)} of {len(end)} runs at B = {batch_size} {NEVER} ({outcomes})"]


# A ratio of epochs no reader should cite, so not given: one on fewer than `MIN_RUNS` runs that got there (no interval),
# or whose 95 % interval spans more than `MAX_SPAN`-fold (two orders of magnitude: it says nothing of 1.5× or 2×).
MIN_RUNS, MAX_SPAN = 2, 100.0
NOT_ESTIMABLE = "ratio not estimable"  # its note's start; the row keeps its n and each run's epochs


def _not_estimable(n: int, ends: tuple[int, int], epochs: list[str]) -> str:
    """Why a row has n but no ratio, with every run's epochs in its place (no '; ': `_notes_by_target` splits on it)."""
    why = f"n = {n}, under {MIN_RUNS}" if n < MIN_RUNS else f"its 95 % interval spans over {MAX_SPAN:g}-fold"
    runs = " and ".join(f"{e} at B = {b}" for e, b in zip(epochs, ends, strict=True))
    return f"{NOT_ESTIMABLE} ({why}): each run's epochs {runs}"


def _by_seed(epochs: pd.Series) -> str:
    """Each run's epochs to the target in seed order, 'never' where it did not get there: the reader sees every run."""
    return ", ".join("never" if pd.isna(e) else f"{e:.0f}" for e in epochs)


def _epochs_and_ratio(part: pd.DataFrame, history: pd.DataFrame, ends: tuple[int, int],
                      below: float = 0.0) -> tuple[dict, list[str]]:
    """A row's target (both ends' runs set it), epochs and ratio, and their notes, from `to_shared_target`: a run that
    never gets there counted as the cifar-slowdown rule counts it."""
    timed = to_shared_target(part, history, None, ends, below)[0].sort_values("seed")
    at = [timed[timed["batch_size"] == b] for b in ends]
    epochs = [end["epochs_to_target"] for end in at]
    row = {"target (%)": timed["target"].iloc[0], "epochs, small": _by_seed(epochs[0]),
           "epochs, large": _by_seed(epochs[1])}
    notes = [note for end, b in zip(at, ends, strict=True) for note in _never_reached(end, b)]
    if not all(e.notna().any() for e in epochs):
        return row, notes
    found = ratio(epochs[1].dropna(), epochs[0].dropna())
    if found.n < MIN_RUNS or found.high > MAX_SPAN * found.low:
        return row | {"n": found.n}, [_not_estimable(found.n, ends, [row["epochs, small"], row["epochs, large"]]),
                                      *notes]
    row |= {EXTRA: found.mean, "n": found.n, f"{EXTRA} CI low": found.low, f"{EXTRA} CI high": found.high}
    if all((e.dropna() == 1).all() for e in epochs):
        notes.append(AT_FIRST_EPOCH)
    return row, notes


def same_accuracy_epochs(runs: pd.DataFrame, history: pd.DataFrame, small: int, below: float = 0.0) -> pd.DataFrame:
    """Per data set of `runs`: the epochs its largest measured B (`timing.speed_ends`) needs to reach the same test
    accuracy as B = `small` over those `small` needs (the extra-epochs claim's measure, the efficiency chapter's
    table), the accuracy `to_shared_target`'s: the highest every run that trained at the two B reached. A geometric
    mean over the runs that got there, its 95 % interval over seeds (`stats.ratio`: epochs are counted, not timed)
    and n; each end's learning rate and its runs' epochs (by seed; never: not within its budget); a note: why there
    is no ratio (`NOT_ESTIMABLE`: n without a ratio, on too few runs or too wide an interval to cite), the runs that
    never got there by how they ended (counted, never averaged in: a run at chance never gets there), that every
    run got there in its first epoch (then 1 by the unit, whatever B does), what `speed_ends` left out. `below`
    lowers each target by that many points (`target_sensitivity`)."""
    rows = []
    for name, part in runs.groupby("dataset", sort=False):
        _, large, left_out = speed_ends(part, small)
        lr = part.groupby("batch_size")["lr"].first()
        row = {"dataset": name, "small B": small, "large B": large, "η small": lr.get(small), "η large": lr.get(large)}
        why_not = _why_no_ratio(part, history, small, large)
        if why_not:
            rows.append(row | {"note": why_not})
            continue
        found, notes = _epochs_and_ratio(part, history, (small, large), below)
        rows.append(row | found | {"note": "; ".join([*notes, *filter(None, left_out.split("; "))])})
    columns = ["dataset", "small B", "large B", "η small", "η large", "target (%)", EXTRA, f"{EXTRA} CI low",
               f"{EXTRA} CI high", "n", "epochs, small", "epochs, large", "note"]
    return registry_sorted(pd.DataFrame(rows, columns=columns))


# Points below the shared target at which `target_sensitivity` recomputes the ratio: the target is the lowest of the
# runs' peak accuracies, which a run may touch in one epoch of its budget (the 50K set's B = 512: 1–5 of 50), and a
# tenth of a point is about the binomial standard error of a test accuracy near 99 % on 10,000 test examples.
TARGET_STEPS = (0.1, 0.3)


def target_sensitivity(runs: pd.DataFrame, history: pd.DataFrame, small: int,
                       at_target: pd.DataFrame) -> pd.DataFrame:
    """`same_accuracy_epochs`' ratio per data set at its target (`at_target`: that table from `small`, which its
    callers have already shown or graded) and at `TARGET_STEPS` below it, side by side: whether a ratio is the
    batch's or the ceiling's, where the target sits at the top of some runs' curves, each with its n (an n without a
    ratio: `NOT_ESTIMABLE`). Column `notes`: each target's notes (why no ratio, the runs that never got there, ...),
    each once, naming the targets it is about unless it is about all."""
    lower = {f"at target − {below:g} pp": same_accuracy_epochs(runs, history, small, below) for below in TARGET_STEPS}
    steps = {"at the target": at_target} | lower
    table = at_target[["dataset"]].assign(**{"B: small → large": [f"{s} → {la}" for s, la in zip(
        at_target["small B"], at_target["large B"], strict=True)]})
    table["targets (%)"] = [" / ".join(f"{t:.2f}" for t in ts) if pd.notna(ts[0]) else ""
                            for ts in zip(*(f["target (%)"] for f in steps.values()), strict=True)]
    for name, f in steps.items():
        table[f"{name} (×)"], table[f"{name} (×) CI low"], table[f"{name} (×) CI high"], table[f"{name} n"] = (
            f[EXTRA], f[f"{EXTRA} CI low"], f[f"{EXTRA} CI high"], f["n"])
    table["notes"] = [_notes_by_target(dict(zip(steps, row, strict=True)))
                      for row in zip(*(f["note"] for f in steps.values()), strict=True)]
    return table


def _notes_by_target(notes: dict[str, str]) -> str:
    """One row's notes at each target (`same_accuracy_epochs`' `note`, by the target's name), each once in order:
    bare where every target has it, else after the targets that do ('at target − 0.3 pp: …')."""
    about: dict[str, list[str]] = {}
    for target, note in notes.items():
        for part in filter(None, note.split("; ")):
            about.setdefault(part, []).append(target)
    return "; ".join(part if len(where) == len(notes) else f"{' and '.join(where)}: {part}"
                     for part, where in about.items())
