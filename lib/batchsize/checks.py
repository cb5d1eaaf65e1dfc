"""Paired checks of one config field (initialisation, precision): same data, same B, same seeds, two values.

A check pairs the runs that differ only in `field` and asks two questions per data set and batch size: how
many runs of each value ended at chance (`run.run_outcome`), and is the paired difference in test accuracy
within the spread that the seeds themselves produce? The second question is only meaningful when both values
trained, so a cell where either collapsed says so instead of averaging chance-level runs into a difference.
The precision check adds each precision's epoch time (bf16 is worth having only if also faster). The replay
check pairs a short run with the long run it cuts short, trained on another CPU (`replay_pairs`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .config import RunConfig
from .plan import get_profile, section_configs
from .run import run_outcome
from .style import counted, cpu_label

CELL = ["dataset", "batch_size"]


def paired_runs(runs: pd.DataFrame, field: str, reference: str, candidate: str) -> pd.DataFrame:
    """One row per pair of runs that differ only in `field`: both test accuracies and both outcomes."""
    others = [c for c in RunConfig.__dataclass_fields__ if c != field]
    both = runs[runs[field].isin([reference, candidate])]
    wide = both.pivot_table(index=others, columns=field, values="test_acc", dropna=False)
    outcome = both.pivot_table(index=others, columns=field, values="outcome", aggfunc="first", dropna=False)
    wide = wide.dropna(subset=[reference, candidate])
    outcome = outcome.rename(columns={v: f"outcome {v}" for v in (reference, candidate)})
    return wide.join(outcome).reset_index()


def compare(runs: pd.DataFrame, field: str, reference: str, candidate: str) -> pd.DataFrame:
    """Per data set and B: each value's runs at chance (counted beside its mean, never in it) and its mean over the
    runs that trained with their number (`{value} n`: two means over different seeds show as such); the paired
    difference over the seeds where both trained, with its 95 % t interval where at least two such pairs remain; the
    seed spread (standard deviation of the reference over those pairs); and whether the difference is within it
    (only where no run ended at chance: a cell with one cannot validate)."""
    rows = []
    for (dataset, batch), cell in paired_runs(runs, field, reference, candidate).groupby(CELL):
        learned = {v: cell[f"outcome {v}"] == "trained" for v in (reference, candidate)}
        both = cell[learned[reference] & learned[candidate]]
        diff = (both[candidate] - both[reference]).to_numpy()
        n = len(diff)
        mean = diff.mean() if n else np.nan
        half = stats.t.ppf(0.975, n - 1) * diff.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
        spread = both[reference].std(ddof=1) if n > 1 else np.nan
        collapsed = {v: int((~learned[v]).sum()) for v in (reference, candidate)}
        rows.append({"dataset": dataset, "batch_size": batch, "seeds": len(cell), "pairs trained": n,
                     **{k: x for v in (reference, candidate) for k, x in
                        ((f"{v} test_acc", cell.loc[learned[v], v].mean()), (f"{v} n", int(learned[v].sum())))},
                     **{f"{v} at chance": collapsed[v] for v in (reference, candidate)},
                     "difference": mean, "difference CI low": mean - half, "difference CI high": mean + half,
                     "seed spread (SD)": spread,
                     "within seed spread": (bool(abs(mean) <= spread) if not any(collapsed.values()) and n > 1
                                            else None)})
    return pd.DataFrame(rows)


def precision_check_cells(runs: pd.DataFrame) -> pd.DataFrame:
    """The `precision-check` runs' `checks.compare` cells (bf16 against fp32) with each precision's median epoch time
    and the speed-up of bf16: bf16 is worth having only if it is both within the seed spread and faster."""
    cells = compare(runs, "precision", "fp32", "bf16")
    speed = runs.pivot_table(index=["dataset", "batch_size"], columns="precision",
                             values="median_epoch_time").reset_index()
    cells = cells.merge(speed.rename(columns={"fp32": "fp32 epoch s", "bf16": "bf16 epoch s"}),
                        on=["dataset", "batch_size"])
    # epoch times compare only on one CPU: a sweep that spans sessions may run the two precisions on two machines
    one_cpu = runs.groupby(["dataset", "batch_size"])["prov_device_name"].nunique().eq(1).rename("one CPU")
    cells = cells.merge(one_cpu.reset_index(), on=["dataset", "batch_size"])
    cells["bf16 speed-up"] = (cells["fp32 epoch s"] / cells["bf16 epoch s"]).where(cells["one CPU"])
    return cells


def replays_with_runs(profile: str = "paper") -> int:
    """How many of a profile's replay-check runs are in its CIFAR-10 runs' precision: those that can pair with a
    long run (`replay_pairs`; its fp32 replays pair with their twins, `precision_pairs`)."""
    precision = get_profile(profile).precision_of("cifar10")
    return sum(c.precision == precision for c in section_configs(profile, "replay-check"))


def replay_pairs(replays: pd.DataFrame, runs: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """One row per replay (`plan`'s replay-check) whose longer run is in `runs`, the same config but for its epochs:
    the arithmetic each ran on (`same arithmetic`: the same CPU, thread count and torch, where a replay must follow
    its run bit for bit), both after the replay's last epoch k (test accuracy from `history`, at chance or not), the
    long run's final outcome, and the largest difference in test accuracy over the epochs they share. A run whose
    state at k is not its final one (at chance then, trained in the end: it recovered later) is `undecided` at k."""
    same = [c for c in RunConfig.__dataclass_fields__ if c != "epochs"]
    pairs = _with_provenance(replays).merge(_with_provenance(runs), on=same, suffixes=(" replay", " run"))
    pairs = pairs[pairs["epochs run"] > pairs["epochs replay"]]
    curves = history.set_index(["key", "epoch"])["test_acc"]
    rows = []
    for pair in pairs.to_dict("records"):
        k = int(pair["epochs replay"])
        ours, theirs = (curves.loc[pair[f"key {side}"]].loc[1:k] for side in ("replay", "run"))
        at_k = {side: acc.get(k, float("nan")) for side, acc in (("replay", ours), ("run", theirs))}  # NaN: diverged
        chance = {side: run_outcome(pair["dataset"], False, acc) != "trained" for side, acc in at_k.items()}
        rows.append({"dataset": pair["dataset"], "batch_size": pair["batch_size"], "seed": pair["seed"], "epochs": k,
                     "run key": pair["key run"], "replay key": pair["key replay"],
                     "run CPU": _arithmetic(pair, " run"), "replay CPU": _arithmetic(pair, " replay"),
                     "same arithmetic": all(_same(pair[f"{c} run"], pair[f"{c} replay"]) for c in ARITHMETIC),
                     "run test_acc": at_k["run"], "replay test_acc": at_k["replay"], "run at chance": chance["run"],
                     "replay at chance": chance["replay"], "run outcome": pair["outcome run"],
                     "undecided": chance["run"] == (pair["outcome run"] == "trained"),
                     "largest difference": float((ours - theirs).abs().max()),
                     "same fate": chance["run"] == chance["replay"]})
    return _in_order(rows)


def precision_pairs(replays: pd.DataFrame, reference: str = "bf16", candidate: str = "fp32") -> pd.DataFrame:
    """One row per pair of replays that differ only in precision: each side's arithmetic, test accuracy and whether
    it is at chance after the replay's epochs (`run.run_outcome`, as `replay_pairs`), and whether both ran on the same
    arithmetic (`same arithmetic`: the same CPU, thread count and torch, as `replay_pairs`), which alone isolates the
    precision: threads split a step's sums differently."""
    others = [c for c in RunConfig.__dataclass_fields__ if c != "precision"]
    sides = [_with_provenance(replays[replays["precision"] == v]) for v in (reference, candidate)]
    pairs = sides[0].merge(sides[1], on=others, suffixes=(f" {reference}", f" {candidate}"))
    rows = []
    for pair in pairs.to_dict("records"):
        side = {v: {"CPU": _arithmetic(pair, f" {v}"), "test_acc": pair[f"test_acc {v}"],
                    "at chance": run_outcome(pair["dataset"], False, pair[f"test_acc {v}"]) != "trained"}
                for v in (reference, candidate)}
        rows.append({"dataset": pair["dataset"], "batch_size": pair["batch_size"], "seed": pair["seed"],
                     "epochs": pair["epochs"], **{f"{v} {k}": x for v, d in side.items() for k, x in d.items()},
                     "same arithmetic": all(_same(pair[f"{c} {reference}"], pair[f"{c} {candidate}"])
                                            for c in ARITHMETIC),
                     "same fate": side[reference]["at chance"] == side[candidate]["at chance"]})
    return _in_order(rows)


ARITHMETIC = ("prov_device_name", "prov_threads", "prov_torch")  # what decides a run's rounding, from its provenance


def _in_order(rows: list[dict]) -> pd.DataFrame:
    """Pairs as a table, by B and seed (empty: no columns, which `pairs.empty` tells)."""
    return pd.DataFrame(rows).sort_values(["batch_size", "seed"], ignore_index=True) if rows else pd.DataFrame()


def _with_provenance(runs: pd.DataFrame) -> pd.DataFrame:
    """`runs` with every `ARITHMETIC` column (NaN where a table lacks it), so that a merge suffixes both sides."""
    return runs.assign(**{c: runs[c] if c in runs else float("nan") for c in ARITHMETIC})


def _same(a: object, b: object) -> bool:
    """Equal, an unknown on both sides counting as equal (a table without the column)."""
    return (pd.isna(a) and pd.isna(b)) or a == b


def _arithmetic(pair: dict, suffix: str) -> str:
    """'AMD EPYC (1 thread)': the CPU as a reader knows it and the thread count (the threads split the sums of a
    step differently, so a CPU alone does not say a replay must follow its run bit for bit)."""
    threads = pair.get(f"prov_threads{suffix}")
    return cpu_label(pair[f"prov_device_name{suffix}"]) + ("" if pd.isna(threads) else
                                                           f" ({counted(int(threads), 'thread')})")
