"""Where epoch times come from and what they add up to: the runs' own, or the committed CNN benchmark's where
several sweeps timed a data set; the ends of a speed comparison; seconds to a target from the epochs to it
(`time_ratio`); the paper's efficiency ratios; the benchmark readers. One place, so that the report's efficiency
claims and the efficiency chapter time runs alike. The target accuracies and the epochs to them are `targets`'."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from .critical import FAILED, MEASURED
from .datasets import DATASET_NAMES, in_registry_order
from .run import ACCURACY_TARGET, trained
from .runtable import cells, registry_sorted
from .stats import Estimate, ratio
from .store import REPO_ROOT
from .style import counted, cpu_label, joined


def converged(part: pd.DataFrame) -> pd.Series:
    """Runs that reached the paper's convergence target (first epoch above 80 %) within their epochs."""
    return part["first_epoch_above_80"].notna()


def shared_timing(part: pd.DataFrame) -> bool:
    """Seeds trained as one stack (the MLPs) share one measured epoch time: one measurement, not one per seed."""
    return len(part) > 1 and part["median_epoch_time"].nunique() == 1


def sweeps(runs: pd.DataFrame) -> int:
    """How many sweeps timed these runs, told apart by machine and commit (one sweep runs one commit) and, for a
    run resumed from a checkpoint, the commits that trained its earlier epochs (other sessions)."""
    columns = [c for c in ("prov_device_name", "prov_commit", "prov_resumed_from") if c in runs]
    return len(runs[columns].astype(str).drop_duplicates()) if columns else 1


def _benchmark_rows(cells: Sequence[pd.DataFrame], speed: pd.DataFrame | None,
                    dataset_runs: pd.DataFrame) -> pd.DataFrame | None:
    """The CNN benchmark's row at each cell's B, in order, in the runs' data set and precision, when the data set's
    runs (`dataset_runs`, all its B: one rule for the report and the efficiency chapter) were timed by more than
    one sweep (other sessions, other loads: up to 4× apart at one B) and the benchmark has every B; None otherwise
    (then the runs' own epoch times are the measurement). The one rule of where epoch times come from:
    `_benchmark_rates` times by it, `timed_where` names it."""
    runs = pd.concat(cells)
    if speed is None or speed.empty or sweeps(dataset_runs) < 2 or runs["precision"].nunique() != 1:
        return None
    rows = speed[(speed["dataset"] == runs["dataset"].iloc[0]) & (speed["precision"] == runs["precision"].iloc[0])]
    at = [rows[rows["batch_size"] == c["batch_size"].iloc[0]] for c in cells]
    return None if any(r.empty for r in at) else pd.concat([r.iloc[:1] for r in at])


def _benchmark_rates(cells: Sequence[pd.DataFrame], speed: pd.DataFrame | None,
                     dataset_runs: pd.DataFrame) -> tuple[list[list[float]], str] | None:
    """The CNN benchmark's training rates (img/s, each repeat) at each cell's B where `_benchmark_rows` gives them,
    and a note saying where they come from; None otherwise."""
    rows = _benchmark_rows(cells, speed, dataset_runs)
    if rows is None:
        return None
    return list(rows["img_s"]), (f"; timed in one process by {rows['source'].iloc[0]}, as the runs' epoch times "
                                 f"come from {sweeps(dataset_runs)} sweeps")


def epoch_times(cells: list[pd.DataFrame], speed: pd.DataFrame | None,
                dataset_runs: pd.DataFrame) -> tuple[list[pd.Series], str]:
    """Epoch times of one data set's runs that compare across `cells` (some of its B): the runs' own medians when
    one sweep timed all of `dataset_runs`; else each run's training images ÷ the rate `_benchmark_rates` gives at
    its B (`benchmark_rate`), with the note saying so."""
    found = _benchmark_rates(cells, speed, dataset_runs)
    if found is None:
        return [c["median_epoch_time"] for c in cells], ""
    rates, how = found
    return [c["train_size"] / benchmark_rate(r) for r, c in zip(rates, cells, strict=True)], how


def benchmark_rate(repeats: Sequence[float]) -> float:
    """The benchmark's training rate at one B: the geometric mean of its repeats, the mean `stats.ratio` divides,
    so that an epoch time from it and a speed-up over its repeats are one measurement (a median here gave 1.13
    where the ratio gave 1.01)."""
    return float(np.exp(np.mean(np.log(repeats))))


def speed_ends(part: pd.DataFrame, small: int | None = None) -> tuple[int, int, str]:
    """The two B of one data set's runs (`part`) that a speed comparison sets against each other: its smallest (or
    `small`, a B the caller chose) and its largest measured B (`runtable.cells`: at least two runs trained, and most;
    equal where one is measured; NaN where none); and, in words, what is left out of it ('' when nothing): the B
    beyond the ends that are not measured (a failure is not slow convergence) and the failed B between them."""
    status = cells(part).set_index("batch_size")["status"]
    measured = status.index[status == MEASURED]
    large = measured.max() if len(measured) else np.nan
    small = small if small is not None else measured.min() if len(measured) else np.nan
    beyond = [f"B = {b} ({status[b]})" for b in status.index if status[b] != MEASURED and not small <= b <= large]
    between = [f"B = {b}" for b in status.index if status[b] == FAILED and small < b < large]
    notes = ([f"left out: {', '.join(beyond)}"] if beyond else []) + \
        ([f"failed between them: {', '.join(between)}"] if between else [])
    return small, large, "".join(f"; {n}" for n in notes)


def compound_ratio(up: Sequence[Sequence[float]], down: Sequence[Sequence[float]]) -> Estimate:
    """The product of the geometric means of the groups `up` over that of the groups `down`, each group an
    independent sample (one B's seeds' epochs, one B's benchmark repeats), with its 95 % t interval on the log
    scale: the groups' variances of their means add, their degrees of freedom by Welch–Satterthwaite. So a time
    (epochs × epoch time) carries the seeds' spread and the timing's both; with two groups it is `stats.ratio`.
    n is the fewest values of a group. No interval (NaN) where a group has one value (its spread unknown); where
    none varies, no spread (an interval of no width, as `stats.ratio` gives: graded as one measurement)."""
    groups = [np.log(np.asarray(g, dtype=float)) for g in (*up, *down)]
    signs = [1.0] * len(up) + [-1.0] * len(down)
    log_mean = float(sum(s * g.mean() for s, g in zip(signs, groups, strict=True)))
    n = min(len(g) for g in groups)
    variances = [(g.var(ddof=1) if np.ptp(g) > 0 else 0.0) / len(g) if len(g) > 1 else np.nan
                 for g in groups]  # equal values vary by nothing, not by a rounding error
    total = float(sum(variances))
    if n < 2 or total == 0:  # one value: its spread unknown (NaN); none varies: no spread (zero width)
        return Estimate(math.exp(log_mean), *[np.nan if n < 2 else math.exp(log_mean)] * 2, n)
    df = total ** 2 / sum(v ** 2 / (len(g) - 1) for v, g in zip(variances, groups, strict=True) if v > 0)
    half = float(stats.t.ppf(0.975, df)) * math.sqrt(total)
    return Estimate(math.exp(log_mean), math.exp(log_mean - half), math.exp(log_mean + half), n)


COMPOUNDED = "its interval combines the benchmark's timing repeats with the seeds' epochs"
# `time_ratio`'s note where seeds trained as one stack share one epoch time: which factor has no interval
ONE_TIMING = "is one timing (seeds trained as one stack), a constant factor with no interval"
EPOCHS_ONLY = "the interval is the epochs' over seeds alone"


def time_ratio(ends: list[pd.DataFrame], epochs: list[pd.Series], speed: pd.DataFrame | None,
               dataset_runs: pd.DataFrame) -> tuple[Estimate, str]:
    """Seconds to a target at the first of `ends` (runs of one B each) over those at the second, each run's
    `epochs` to it × its epoch time (`epoch_times`), and a note on where the times come from. Where the benchmark
    times them (one rate per B), the spread of its repeats compounds with that of the seeds' epochs
    (`compound_ratio`): an interval over the epochs alone would hide the timing's. Where one sweep timed them,
    each run's own seconds over seeds (`stats.ratio`). Where an end's seeds were trained as one stack, they share
    one epoch time, whose spread the run table does not hold (one median per run): that factor is a constant, and
    the interval is the epochs' alone, carried through (the note names the B timed once). Counting the whole
    ratio as one measurement hid an epochs interval that holds 1 (the 1K set: 1.40× where it is [0.77, 2.5])."""
    found = _benchmark_rates(ends, speed, dataset_runs)
    if found is None:
        seconds = ratio(*(e * end["median_epoch_time"] for e, end in zip(epochs, ends, strict=True)))
        once = [str(end["batch_size"].iloc[0]) for end in ends if shared_timing(end)]
        spread = EPOCHS_ONLY if len(once) == len(ends) else f"{EPOCHS_ONLY.removesuffix(' alone')} and the other " \
            "end's own timings"
        return seconds, (f"; the epoch time at B = {' and '.join(once)} {ONE_TIMING}: {spread}" if once else "")
    (first, second), how = found
    images = [e * end["train_size"] for e, end in zip(epochs, ends, strict=True)]  # an epoch's images, over a rate
    found_ratio = compound_ratio([images[0], second], [images[1], first])
    return found_ratio, how + (f"; {COMPOUNDED}" if found_ratio.low < found_ratio.high else "")


def run_epoch_times(runs: pd.DataFrame, speed: pd.DataFrame | None) -> tuple[pd.Series, dict[str, str]]:
    """`epoch_times` across all B of each data set, one per run (aligned with `runs`), and per data set the note
    on where they come from ("" for the runs' own)."""
    times, notes = [], {}
    for name, part in runs.groupby("dataset", sort=False):
        found, notes[name] = epoch_times([cell for _, cell in part.groupby("batch_size")], speed, part)
        times += found
    return (pd.concat(times) if times else pd.Series(dtype=float)).reindex(runs.index), notes


def timed_where(runs: pd.DataFrame, speed: pd.DataFrame | None, small: int) -> str:
    """Per data set of `runs`, from their provenance: how many sweeps (machine and commit) on which CPUs timed its
    runs, and where the report's speed-ups (`speed_ratios` from `small`) take its epoch times from, by the rule
    they take them by (`_benchmark_rows` on the same ends): the benchmark's one process, named in the runs'
    precision, or these runs' own medians."""
    said = []
    for name in in_registry_order(runs["dataset"].unique()):
        part = runs[runs["dataset"] == name]
        cpus = sorted({cpu_label(c) for c in part["prov_device_name"].dropna()}) if "prov_device_name" in part else []
        commits = f", {counted(part['prov_commit'].nunique(), 'commit')}" if "prov_commit" in part else ""
        loads = "under different loads, so that their times compare for their order of magnitude; " \
            if sweeps(part) > 1 else ""
        ends = _ratio_ends(part, small)
        rows = None if ends is None else _benchmark_rows(ends[0], speed, part)
        where = (f"no measured B = {small} with a measured B above it: the report has no speed-up for it"
                 if ends is None else "the report's speed-ups are these runs' own medians" if rows is None else
                 f"the report's speed-ups take its epoch times from {rows['source'].iloc[0]}, every B timed in one "
                 "process")
        said.append(f"{DATASET_NAMES.get(name, name)}: {counted(sweeps(part), 'sweep')} on "
                    f"{joined(cpus) if cpus else 'an unrecorded CPU'}{commits}; {loads}{where}")
    return "; ".join(said)


PER_EPOCH, EPOCHS, WALL_CLOCK = "per-epoch speedup", "epochs ratio (large/small)", "wall-clock speedup"
LOWER_BOUND = "lower bound"  # a note of `speed_ratios`' epochs to 80 % (the wall clock's factor, not extra-epochs')


def _per_epoch(ends: list[pd.DataFrame], speed: pd.DataFrame | None,
               dataset_runs: pd.DataFrame) -> tuple[Estimate, str]:
    """Epoch time at the small end over that at the large: the benchmark's rates, large over small, over its
    repeats where `_benchmark_rates` gives them; else the runs' own (one shared timing of a stack: no interval)."""
    found = _benchmark_rates(ends, speed, dataset_runs)
    if found is not None:
        (small, large), how = found
        return ratio(large, small), how + "; n counts its timing repeats, not seeds"
    speedup = ratio(*(e["median_epoch_time"] for e in ends))
    return (speedup.one_measurement() if any(shared_timing(e) for e in ends) else speedup), ""


def _epochs(ends: list[pd.DataFrame]) -> tuple[Estimate | None, str]:
    """Convergence epoch (first above 80 %) of the large end over the small; a run of the large end that never
    converged counts one epoch more than it trained (the ratio is then a lower bound, said in the note). None where
    a run of the small end never converged."""
    small, large = ends
    if not converged(small).all():
        reached = int(converged(small).sum())
        return None, (f"; B = {small['batch_size'].iloc[0]} reached {ACCURACY_TARGET:g} % in {reached} of "
                      f"{len(small)} runs" if reached else f"; no run at B = {small['batch_size'].iloc[0]} reached "
                      f"{ACCURACY_TARGET:g} %")
    epochs = large["first_epoch_above_80"].fillna(large["epochs_run"] + 1)
    note = f"; {LOWER_BOUND}: B = {large['batch_size'].iloc[0]} never reached it in some runs" \
        if not converged(large).all() else ""
    if (small["first_epoch_above_80"] == 1).all() and (epochs == 1).all():  # the floor: epochs tell no B apart
        note += f"; every run at both ends reached {ACCURACY_TARGET:g} % in its first epoch"
    return ratio(epochs, small["first_epoch_above_80"]), note


def _wall_clock(ends: list[pd.DataFrame], speed: pd.DataFrame | None,
                dataset_runs: pd.DataFrame) -> tuple[Estimate | None, str]:
    """Time to the convergence epoch at the small end over that at the large (`time_ratio`); None unless every run
    of both ends converged."""
    if not all(converged(e).all() for e in ends):
        return None, f"; not both at {ACCURACY_TARGET:g} % in every run"
    return time_ratio(ends, [e["first_epoch_above_80"] for e in ends], speed, dataset_runs)


def _ratio_ends(part: pd.DataFrame, small: int) -> tuple[list[pd.DataFrame], str] | None:
    """The trained runs of one data set's two ends that `speed_ratios` compares (`speed_ends` from `small`), and in
    words what it left out; None without a measured B = `small` and a measured B above it (no row)."""
    _, large, left_out = speed_ends(part, small)
    if cells(part).set_index("batch_size")["status"].get(small) != MEASURED or not small < large:
        return None
    return [part[(part["batch_size"] == b) & trained(part)] for b in (small, large)], left_out


def speed_ratios(runs: pd.DataFrame, speed: pd.DataFrame | None, small: int) -> pd.DataFrame:
    """The paper's three efficiency ratios per data set, between B = `small` and its largest measured B
    (`speed_ends`; their trained runs): per-epoch speed-up, epochs to the paper's convergence target (large over
    small) and wall-clock speed-up to it (> 1: the large batch is faster), each a geometric mean with its 95 %
    interval (`stats.ratio`: so that wall clock = per-epoch ÷ epochs), n and a note (`… note`: where the times come
    from, a lower bound, what was left out). The callers pass the paper's base batch B₀ as `small`, as they do to
    `targets.same_accuracy_epochs`: the smallest B = 1 trains at 1/B₀ of the base learning rate under the linear
    rule, so that its many epochs (and a wall clock reckoned from them) are the learning rate's, not the batch's; one
    pair of ends for all three ratios, since the paper's wall clock is its per-epoch speed-up eroded by the extra
    epochs. A data set without a measured B = `small` and a measured B above it has no row. The one computation
    behind the efficiency chapter's table and the report's epoch-speedup and wall-clock rows: they show the same
    numbers."""
    rows = []
    for name, part in runs.groupby("dataset", sort=False):
        at_ends = _ratio_ends(part, small)
        if at_ends is None:
            continue
        ends, left_out = at_ends
        row = {"dataset": name, "small B": int(small), "large B": int(ends[1]["batch_size"].iloc[0])}
        for what, (found, note) in {PER_EPOCH: _per_epoch(ends, speed, part), EPOCHS: _epochs(ends),
                                    WALL_CLOCK: _wall_clock(ends, speed, part)}.items():
            found = found or Estimate(np.nan, np.nan, np.nan, 0)
            row |= {what: found.mean, f"{what} CI low": found.low if found.n > 1 else np.nan,
                    f"{what} CI high": found.high if found.n > 1 else np.nan, f"{what} n": found.n,
                    f"{what} note": (note + left_out).removeprefix("; ")}
        rows.append(row)
    table = pd.DataFrame(rows)
    return registry_sorted(table) if rows else table


RATIOS = {PER_EPOCH: "per-epoch speed-up (×)", EPOCHS: f"epochs to {ACCURACY_TARGET:g} %, large ÷ small (×)",
          WALL_CLOCK: "wall-clock speed-up (×)"}  # each ratio of `speed_ratios` as a page heads it


def speed_ratios_shown(ratios: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """`speed_ratios` as a page shows it, narrow enough for the text column: per data set its ends, the three
    ratios (each interval beside its mean, for `book.styled` to fold), their n in one cell and the numbers of its
    notes; and the notes, numbered, each once (a benchmark's source that two ratios of a row give, or a failed B
    left out of all three, is one note) and naming the ratios it is about unless it is about all three."""
    about: dict[str, list[str]] = {}  # a note -> the ratios that give it
    marks = []
    for _, row in ratios.iterrows():
        mine = []
        for what in RATIOS:
            for note in filter(None, row[f"{what} note"].split("; ")):
                about.setdefault(note, []).append(what)
                mine += [] if note in mine else [note]
        marks.append(mine)
    numbered = {note: i for i, note in enumerate(about, 1)}
    shown = pd.DataFrame({"dataset": ratios["dataset"],
                          "B: small → large": [f"{s} → {la}" for s, la in zip(ratios["small B"], ratios["large B"],
                                                                               strict=True)]})
    for what, header in RATIOS.items():
        shown[header] = ratios[what]
        shown[f"{header} CI low"], shown[f"{header} CI high"] = ratios[f"{what} CI low"], ratios[f"{what} CI high"]
    shown["n (each ratio)"] = [" / ".join(str(int(row[f"{what} n"])) for what in RATIOS)
                               for _, row in ratios.iterrows()]
    shown["notes"] = [", ".join(str(i) for i in sorted(numbered[note] for note in mine)) for mine in marks]
    notes = [f"{numbered[note]}. " + ("" if set(whats) == set(RATIOS) else
                                    " and ".join(RATIOS[w].removesuffix(" (×)") for w in dict.fromkeys(whats)) + ": ")
             + note for note, whats in about.items()]
    return shown, notes


def ratio_text(row: pd.Series, what: str) -> str:
    """One ratio of a `speed_ratios` row as the report writes it, with the chapter's decimals: "≥" on a lower bound,
    its ends and its note."""
    found = Estimate(row[what], row[f"{what} CI low"], row[f"{what} CI high"], int(row[f"{what} n"]))
    bound = "≥ " if LOWER_BOUND in row[f"{what} note"] else ""
    note = f"; {row[f'{what} note']}" if row[f"{what} note"] else ""
    return f"{bound}{found.text('×')} (B = {row['small B']} → {row['large B']}{note})"


CNN_BENCHMARK = REPO_ROOT / "benchmarks" / "results" / "cnn-cpu.json"  # `benchmarks/cnn.py` on one quiet core
# Every committed run of it, one per CPU: the sweeps' own first (the report grades on it), then an Intel core
# without native bf16, on which earlier paper runs were trained.
CNN_BENCHMARKS = (CNN_BENCHMARK, CNN_BENCHMARK.parent / "intel-emulated-bf16" / "cnn-cpu.json")


def cnn_speed(path=CNN_BENCHMARK) -> pd.DataFrame:
    """The committed CNN benchmark's training rates, one row per (data set, precision, B) with its repeats
    (`img_s` of each), and where and when it was measured (`cpu`, `source`). Every B was timed in one process,
    back to back: the runs' own epoch times come from sweeps in different sessions, under different loads, and do
    not compare across B as cleanly. Empty when the file is absent."""
    if not Path(path).is_file():
        return pd.DataFrame(columns=["dataset", "precision", "batch_size", "img_s", "cpu", "source"])
    result = json.loads(Path(path).read_text())
    m = result["machine"]
    cpu = f"{m['cpu']} (bf16 {'native' if m.get('native_bf16') else 'emulated'})"
    threads = counted(int(m["torch_threads"]), "thread")
    source = f"`benchmarks/cnn.py`, {cpu}, {threads}, {m['date'][:10]}, commit {m['commit']}"
    return pd.DataFrame([{"dataset": r["dataset"], "precision": r["precision"], "batch_size": r["batch_size"],
                          "img_s": r["all_img_s"], "cpu": cpu, "source": source} for r in result["rows"]])


def cnn_epoch_speedups(speed: pd.DataFrame) -> pd.DataFrame:
    """Per CPU, data set and precision of `cnn_speed`: the training rate at each B over that at B = 1 (the
    per-epoch speed-up, as an epoch is a fixed number of images), with its interval over the benchmark's
    repeats."""
    rows = []
    for (cpu, dataset, precision), part in speed.groupby(["cpu", "dataset", "precision"], sort=False):
        base = part[part["batch_size"] == 1]
        if base.empty:
            continue
        for _, row in part.iterrows():  # B = 1 over itself is 1 exactly, not an interval around it
            found = (ratio(row["img_s"], base["img_s"].iloc[0]) if row["batch_size"] != 1
                     else Estimate(1.0, 1.0, 1.0, len(row["img_s"])))
            rows.append({"CPU": cpu, "dataset": dataset, "precision": precision, "B": row["batch_size"],
                         "img/s": benchmark_rate(row["img_s"]), "per-epoch speedup over B = 1": found.mean,
                         "CI low": found.low, "CI high": found.high})
    return pd.DataFrame(rows)
