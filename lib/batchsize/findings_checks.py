"""The appendix's checks in words: the initialisation and precision checks (`checks.compare`'s paired cells) and the
replay check (`checks.replay_pairs`), each a sentence computed from its table."""

from __future__ import annotations

import pandas as pd

from . import paper
from .datasets import DATASET_NAMES
from .stats import Estimate
from .style import counted, cpu_label, joined, number


def init_check_text(runs: pd.DataFrame, cells: pd.DataFrame, chosen: str) -> str:
    """In words, from the `init-check` runs and their `checks.compare` cells: how many runs of each initialisation
    ended at chance, why the paper's Table III rules one reading out (a run at chance cannot score it), which one
    the paper profile uses (`chosen`), and over the seeds where both trained, the differences whose interval (at
    least two such pairs) excludes zero."""
    collapsed = {v: int((runs[runs["init"] == v]["outcome"] != "trained").sum()) for v in ("he-uniform",
                                                                                          "torch-default")}
    table_iii = paper.table("III").set_index("B")["test_acc"]
    trained = cells[cells["difference CI low"].notna()]  # cells with at least two pairs where both trained
    clear = trained[(trained["difference CI low"] > 0) | (trained["difference CI high"] < 0)]
    clear = "; ".join(f"{DATASET_NAMES[d]} at B = {b}: {Estimate(v, lo, hi, int(n)).text(' pp')}" for d, b, v, lo, hi, n
                      in clear[["dataset", "batch_size", "difference", "difference CI low", "difference CI high",
                                "pairs trained"]].to_numpy())
    worse = trained[trained["difference CI high" if chosen == "torch-default" else "difference CI low"]
                    .mul(1 if chosen == "torch-default" else -1) < 0]
    cost = (f" The kept reading, `{chosen}`, is the worse of the two at {_listed_cells(worse)}: it may account for "
            "part of a shortfall of ours against the paper's table there, which this check, at its reduced scale, "
            "cannot measure at the paper's." if len(worse) else "")
    clear = (f"Over the seeds where both trained, the paired difference (torch-default − he-uniform, 95 % interval) "
             f"excludes zero at: {clear}.{cost}" if clear else "")
    return (f"Of {len(runs) // 2} runs per initialisation, **{collapsed['he-uniform']}** ended at chance under "
            f"`he-uniform` and **{collapsed['torch-default']}** under `torch-default`. The paper reports "
            f"{number(table_iii[128], 'percent')} % on MNIST at B = 128, which a run at chance cannot be, so its "
            f"networks trained: the paper profile uses `{chosen}`. The collapse under the other reading stays a "
            "finding: the paper's learning rates leave no margin for a √6 larger initialisation. " + clear)


def unpaired_means(cells: pd.DataFrame, reference: str, candidate: str) -> str:
    """Where `checks.compare`'s two means of a cell are both there but over different seeds (their n differ, a run
    at chance left out of one), that the means are not to be set against each other: the paired difference is (''
    where every cell's two means are over the same seeds, or one has no run to average)."""
    both = cells[["pairs trained", f"{reference} n", f"{candidate} n"]].to_numpy()
    apart = cells[[r > 0 and c > 0 and not r == c == p for p, r, c in both]]
    if apart.empty:
        return ""
    return (f" At {_listed_cells(apart)} the two means are over different seeds (their n differ from each other or "
            "from the pairs where both trained): the paired difference, not the gap between the means, compares "
            "the initialisations there.")


def _listed_cells(cells: pd.DataFrame) -> str:
    """'CIFAR-10 at B = 32 and MNIST at B = 128': the cells of a check's table, in words."""
    return " and ".join(f"{DATASET_NAMES[d]} at B = {b}" for d, b in cells[["dataset", "batch_size"]].to_numpy())


def precision_check_text(cells: pd.DataFrame, runs: pd.DataFrame, used: dict[str, str],
                         replays: pd.DataFrame, reference: str = "bf16", candidate: str = "fp32") -> str:
    """In words, from `checks.precision_check_cells`: in how many cells bf16 is within one fp32 seed standard
    deviation (the tolerance, in pp per cell), and so what the check validates and where (its cells, epochs and
    training examples: nothing beyond them, and less where seeds spread more); from the replays in both precisions
    (`checks.precision_pairs`), the B where the precision decided a seed's fate; bf16's speed-up on the machine
    that made the runs; and the precision the paper profile uses for each data set (`used`: data set -> precision),
    with the caveat where a data set trained in bf16 is one whose replays changed fate with it (`precision_caveat`)."""
    within, order = cells["within seed spread"], list(DATASET_NAMES)
    cells = cells.sort_values("dataset", key=lambda d: d.map(order.index), kind="stable")
    validated = bool(within.notna().all() and within.all())
    low, high = cells["bf16 speed-up"].min(), cells["bf16 speed-up"].max()
    speedup = f"{low:.2f}×" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}–{high:.2f}×"
    cpus = ", ".join(sorted(set(runs["prov_device_name"].dropna().map(cpu_label))))
    timed = cells["bf16 speed-up"].notna()
    speed = (f"bf16 is **{speedup}** as fast as fp32 on the machine that made these runs ({cpus})" if timed.all() else
             f"bf16 is **{speedup}** as fast as fp32 in the {int(timed.sum())} cells whose two precisions ran on one "
             "CPU" if timed.any() else "Its speed cannot be told from these runs: each cell's two precisions ran on "
             f"different CPUs ({cpus})")
    spread = cells.dropna(subset=["seed spread (SD)"])
    tolerance = "; ".join(f"{DATASET_NAMES.get(d, d)} at B = {b}: {sd:.2f} pp" for d, b, sd in
                          spread[["dataset", "batch_size", "seed spread (SD)"]].to_numpy())
    loose = ""
    if len(spread):
        noisiest = spread.loc[spread["seed spread (SD)"].idxmax()]
        loose = (f" The tolerance is the seeds' own spread, so the noisier the cell the easier it passes: at "
                 f"{DATASET_NAMES.get(noisiest['dataset'], noisiest['dataset'])}, B = {noisiest['batch_size']}, any "
                 f"bf16 effect under {noisiest['seed spread (SD)']:.2f} pp would.")
    decided = _precision_decided(replays, cells, reference, candidate)
    caveat = precision_caveat(used, replays, reference)
    return (f"bf16 is within one fp32 seed standard deviation of fp32 in **{int(within.fillna(False).sum())} of "
            f"{len(within)}** cells (the tolerance per cell: {tolerance or 'none, fewer than two pairs trained'}; a "
            f"cell where a run ended at chance cannot pass). bf16 is validated (**{'yes' if validated else 'no'}**) "
            f"in these cells only: {_checked(cells, runs)}.{loose} {decided} {speed}. The paper profile trains "
            + ", ".join(f"{DATASET_NAMES.get(d, d)} in {p}" for d, p in used.items())
            + ": bf16 pays only where the CPU has bf16 arithmetic (AVX512-BF16 or AMX), and only after this check "
            "passes." + (f" {caveat}" if caveat else ""))


def precision_caveat(used: dict[str, str], pairs: pd.DataFrame, reference: str = "bf16") -> str:
    """'CIFAR-10's paper runs are in bf16: at B = 1024, which of their seeds ended at chance carries the precision.':
    for each data set the paper profile trains in `reference` (`used`: data set -> precision), the B where a replay
    on one arithmetic changed fate with the precision (`checks.precision_pairs`); '' where none did. The checks
    appendix and the deviations page, which both state that precision, say it alike."""
    flipped = _flipped(pairs)
    return " ".join(f"{DATASET_NAMES.get(d, d)}'s paper runs are in {reference}: at B = {_batches(flipped[d])}, "
                    "which of their seeds ended at chance carries the precision." for d, p in used.items()
                    if p == reference and flipped.get(d))


def _flipped(pairs: pd.DataFrame) -> dict[str, list[int]]:
    """From `checks.precision_pairs`: the B per data set where a replay on one arithmetic (CPU, thread count and
    torch) changed fate with the precision; only those pairs isolate it."""
    if pairs.empty:
        return {}
    changed = pairs[pairs["same arithmetic"] & ~pairs["same fate"]]
    return {d: sorted(set(part["batch_size"])) for d, part in changed.groupby("dataset")}


def _precision_decided(pairs: pd.DataFrame, cells: pd.DataFrame, reference: str, candidate: str) -> str:
    """From `checks.precision_pairs` on one arithmetic, in words: where the replay check finds the precision
    deciding individual seeds' fate (`_flipped`), and which of those B the check's `cells` did not train."""
    one_cpu = pairs[pairs["same arithmetic"]] if len(pairs) else pairs
    if one_cpu.empty:
        return f"No replay is stored in both {reference} and {candidate} on one CPU yet to say more."
    flipped = _flipped(pairs)
    if not flipped:
        return (f"The replays in both precisions on one CPU ({counted(len(one_cpu), 'pair')}, B = "
                f"{_batches(sorted(set(one_cpu['batch_size'])))}) changed no seed's fate with the precision.")
    each = "; ".join(f"{DATASET_NAMES.get(d, d)} at B = {b}: {int((~part['same fate']).sum())} of {len(part)} "
                     f"replays on one CPU changed fate between {reference} and {candidate}"
                     for (d, b), part in one_cpu.groupby(["dataset", "batch_size"]) if b in flipped.get(d, []))
    unchecked = [b for d, found in flipped.items() for b in found
                 if b not in set(cells.loc[cells["dataset"] == d, "batch_size"])]
    return (f"The replay check finds the precision deciding individual seeds' fate ({each})"
            + (f", at B = {_batches(unchecked)}, which this check did not train." if unchecked else "."))


def _checked(cells: pd.DataFrame, runs: pd.DataFrame) -> str:
    """'MNIST at B = 32 and 128 (2 epochs on 12,000 training examples)': the cells of a check, with their scale."""
    return "; ".join(f"{DATASET_NAMES.get(d, d)} at B = {_batches(sorted(set(part['batch_size'])))} ("
                     f"{_span(runs.loc[runs['dataset'] == d, 'epochs'], 'epoch')} on "
                     f"{_span(runs.loc[runs['dataset'] == d, 'train_size'], 'training example')})"
                     for d, part in cells.groupby("dataset", sort=False))


def _batches(values: list[int]) -> str:
    """'32 and 256': batch sizes in prose."""
    return joined([str(v) for v in values])


def _span(values: pd.Series, unit: str) -> str:
    """'3 epochs', or '2–3 epochs' where a data set's runs differ."""
    low, high = int(values.min()), int(values.max())
    return counted(low, unit) if low == high else f"{low:,}–{counted(high, unit)}"


def replay_text(pairs: pd.DataFrame, planned: int) -> str:
    """In words, from `checks.replay_pairs` (of `planned` replays that can pair): whether the replays on their run's
    arithmetic followed it exactly (the check that a replay is its run's first epochs), how many runs were at
    chance after k epochs on each arithmetic, and which seeds changed fate. A flip shows that a seed's state after
    k epochs hangs on the arithmetic; it says nothing of how often, which the counts per CPU begin to."""
    if pairs.empty:
        return (f"No replay is stored beside a longer run of its configuration ({planned} planned). At a scale whose "
                "runs last no longer than a replay, a replay is its run, and there is nothing to compare.")
    k = int(pairs["epochs"].max())
    after = f"after {counted(k, 'epoch')}"
    words = [f"{len(pairs)} of the {planned} replays are stored beside their runs, compared {after}."]
    alike = pairs[pairs["same arithmetic"]]
    if len(alike):
        exact = int(alike["largest difference"].eq(0).sum())
        words.append(f"On their run's arithmetic (CPU, thread count and torch), {exact} of {len(alike)} followed it "
                     "exactly" + (f"; the largest difference in test accuracy was "
                                  f"{alike['largest difference'].max():.2f} pp" if exact < len(alike) else "") + ".")
    undecided = pairs[pairs["undecided"]]
    words += [f"B = {r['batch_size']} seed {r['seed']} is left undecided: its run's state {after} is not its final "
              f"one ({r['run outcome']} in the end)." for r in undecided.to_dict("records")]
    decided = pairs[~pairs["undecided"]]
    if decided.empty:
        return " ".join(words)
    words.append(f"At chance {after}, the runs: {_at_chance(decided, 'run')}; the replays: "
                 f"{_at_chance(decided, 'replay')}.")
    flipped = decided[~decided["same fate"]]
    each = [f"B = {r['batch_size']} seed {r['seed']}: {_state(r['run at chance'])} on {r['run CPU']} "
            f"({r['run test_acc']:.2f} %), {_state(r['replay at chance'])} on {r['replay CPU']} "
            f"({r['replay test_acc']:.2f} %)" for r in flipped.to_dict("records")]
    words.append(f"Of the {len(decided)} compared, **{len(flipped)} changed fate**" + (f": {'; '.join(each)}."
                                                                                       if each else "."))
    if len(flipped):
        words.append(f"For {'this seed' if len(flipped) == 1 else 'these seeds'}, whether a run is at chance {after} "
                     "depends on the arithmetic it ran on, not on its configuration and seed alone: a count of runs at "
                     "chance carries the machines that made them.")
    elif decided["run at chance"].any():
        cpus = ", ".join(sorted(set(decided.loc[decided["run at chance"], "replay CPU"])))
        words.append(f"The runs at chance are at chance on {cpus} too.")
    return " ".join(words)


def _at_chance(pairs: pd.DataFrame, side: str) -> str:
    """'Intel Xeon (1 thread) 3 of 5': one side's runs at chance, per arithmetic."""
    return ", ".join(f"{cpu} {int(part[f'{side} at chance'].sum())} of {len(part)}"
                     for cpu, part in pairs.groupby(f"{side} CPU"))


def _state(at_chance: bool) -> str:
    return "at chance" if at_chance else "above chance"


def replay_precision_text(pairs: pd.DataFrame, reference: str = "bf16", candidate: str = "fp32") -> str:
    """In words, from `checks.precision_pairs`: of the replays trained in both precisions on the same arithmetic (one
    CPU, thread count and torch), which changed fate with the precision. A replay at chance in both says its collapse
    does not need `reference` on that CPU; other pairs are left out (they do not isolate the precision)."""
    one_cpu = pairs[pairs["same arithmetic"]] if len(pairs) else pairs
    if one_cpu.empty:
        return f"No replay is stored in both {reference} and {candidate} on the same CPU and thread count yet."
    after = f"after {counted(int(one_cpu['epochs'].max()), 'epoch')}"
    flipped = one_cpu[~one_cpu["same fate"]]
    each = [f"B = {r['batch_size']} seed {r['seed']}: {_state(r[f'{reference} at chance'])} in {reference} "
            f"({r[f'{reference} test_acc']:.2f} %), {_state(r[f'{candidate} at chance'])} in {candidate} "
            f"({r[f'{candidate} test_acc']:.2f} %)" for r in flipped.to_dict("records")]
    cpus = "; ".join(sorted(set(one_cpu[f"{reference} CPU"]) | set(one_cpu[f"{candidate} CPU"])))
    words = (f"Replayed in both {reference} and {candidate} on the same CPU and thread count ({cpus}; "
             f"{counted(len(one_cpu), 'pair')}), "
             f"**{len(flipped)} changed fate** with the precision {after}" + (f": {'; '.join(each)}." if each else "."))
    if len(flipped):
        both_ways = flipped[f"{reference} at chance"].nunique() == 2  # one at chance in each precision
        return words + (f" For {'this seed' if len(flipped) == 1 else 'these seeds'}, the precision decides whether "
                        f"the run is at chance {after}" + (f"; the flips go both ways, so these pairs do not show "
                                                            f"{reference} collapsing more often than {candidate}: a "
                                                            "seed's fate hangs on rounding." if both_ways else "."))
    if one_cpu[f"{reference} at chance"].any():
        return words + (f" The replays at chance in {reference} are at chance in {candidate} too: on this CPU their "
                        f"collapse does not need {reference}.")
    return words + " None was at chance in either precision."



def replay_brief(pairs: pd.DataFrame, precision: pd.DataFrame, held: int, planned: int, reference: str = "bf16",
                 candidate: str = "fp32") -> str:
    """The replay check in two sentences for the landing page (`replay_text` and `replay_precision_text` have each
    run): on another arithmetic, how many replays changed fate, and in `candidate` on one CPU, how many and which way
    (`held` of `planned` replays stored). No cause is named: the counts are what the pairs show."""
    so_far = f"So far ({held} of the {planned} replays stored): " if held < planned else ""
    if pairs.empty:
        return f"{held} of the {planned} paper-scale replays are stored so far; none beside its run yet."
    decided = pairs[~pairs["undecided"] & ~pairs["same arithmetic"]]
    after = f"after {counted(int(pairs['epochs'].max()), 'epoch')}"
    chance = int(decided["run at chance"].sum())
    flips = int((~decided["same fate"]).sum())
    words = (f"{so_far}On another CPU or thread count, **{flips} of {len(decided)}** replays changed fate {after}"
             + (f" ({counted(chance, 'run')} at chance stayed at chance)" if chance and not flips else "") + ".")
    one_cpu = precision[precision["same arithmetic"]] if len(precision) else precision
    if one_cpu.empty:
        return words
    flipped = one_cpu[~one_cpu["same fate"]]
    only_reference = int(flipped[f"{reference} at chance"].sum())  # a flip is at chance in exactly one precision
    ways = ", ".join(f"{n} at chance only in {side}" for side, n in ((reference, only_reference),
                                                                    (candidate, len(flipped) - only_reference)) if n)
    return words + (f" In {candidate} on the same CPU and thread count, **{len(flipped)} of {len(one_cpu)}** changed "
                    "fate with the precision"
                    + (f" ({ways})" if ways else "") + ".")
