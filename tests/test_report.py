"""The report's rules on hand-made tables: every claim can come out either way, and only `NotTestable` makes a
claim "not testable"."""

import numpy as np
import pandas as pd
import pytest

from batchsize import paper, paper_tables, report, rulebook, runtable, stats

SEEDS = (42, 43, 44)
SPREAD = (-0.1, 0.0, 0.1)  # per-seed offsets: a small, known seed spread


def runs(cells: dict[tuple[str, int], float], profile: str = "paper", spread=SPREAD, **columns) -> pd.DataFrame:
    """Three seeds per (data set, B) cell around the given test accuracy; extra columns by name: a value, or a
    dict from cell to value."""
    rows = []
    for (dataset, batch), acc in cells.items():
        for seed, offset in zip(SEEDS, spread, strict=True):
            row = {"dataset": dataset, "batch_size": batch, "seed": seed, "test_acc": acc + offset, "gap": 0.5,
                   "outcome": "trained", "median_epoch_time": 1.0, "first_epoch_above_80": 1.0, "epochs_run": 10,
                   "prov_profile": profile, "train_size": 1000}
            for name, value in columns.items():
                row[name] = value.get((dataset, batch), row.get(name)) if isinstance(value, dict) else value
            rows.append(row)
    table = pd.DataFrame(rows)
    table.loc[table["outcome"] == "collapsed", "test_acc"] = 10.0
    return table.assign(train_acc=table["test_acc"] + table["gap"], diverged=table["outcome"] == "diverged")


def verdict(claim_id: str, **tables: pd.DataFrame) -> tuple[str, str]:
    tables = {k.replace("_", "-") if k in ("lr_scaling", "cnn_speed") else k: v for k, v in tables.items()}
    claim = next(c for c in report.claims() if c.id == claim_id)
    row = report.evaluate([claim], tables, "paper").iloc[0]
    return row["ours"], row["verdict"]


def test_estimates_carry_a_t_interval_and_a_welch_difference():
    one = stats.estimate([1.0, 2.0, 3.0])
    assert one.mean == 2.0 and one.low < 0 < 4 < one.high and one.n == 3  # t(2) = 4.30: ±2.48
    assert stats.estimate([5.0]).text() == "5.00 (n = 1, no interval)"
    diff = stats.difference([10.0, 10.2, 9.8], [5.0, 5.2, 4.8])
    assert diff.low > 4 and diff.high < 6
    assert stats.ratio([4.0, 4.0], [2.0, 2.0]).mean == pytest.approx(2.0)


def test_graded_is_an_equivalence_test_on_the_whole_interval():
    close = stats.Estimate(97.0, 96.8, 97.2, 3)
    assert stats.graded(close, 97.5, 1.0, 3.0) == stats.REPRODUCED  # all of it within 1 pp
    wide = stats.Estimate(97.0, 93.0, 101.0, 3)  # touches 97.5, but reaches 4.5 pp below it: too wide to tell
    assert stats.graded(wide, 97.5, 1.0, 3.0) == stats.PARTLY
    narrow = stats.Estimate(95.0, 94.9, 95.1, 3)
    assert stats.graded(narrow, 97.5, 1.0, 3.0) == stats.PARTLY  # 2.4 pp away: within the wider tolerance
    assert stats.graded(narrow, 99.5, 1.0, 3.0) == stats.NOT_REPRODUCED
    assert stats.graded(narrow, (90.0, 96.0), 0.0, 0.0) == stats.REPRODUCED  # inside the paper's range
    assert stats.graded(stats.Estimate(95.0, 94.0, 97.0, 3), (90.0, 96.0), 0.0, 0.0) == stats.PARTLY
    assert stats.graded(stats.Estimate(97.3, 97.3, 97.3, 1), 97.5, 1.0, 3.0) == stats.PARTLY  # one seed


def test_only_not_testable_makes_a_claim_not_testable_and_bugs_propagate():
    def broken(tables, profile):
        raise KeyError("a bug")

    claim = rulebook.Claim("x", "", "", "", "accuracy", "", broken)
    with pytest.raises(KeyError):
        report.evaluate([claim], {}, "paper")
    ours, verdict_ = verdict("table-iii", accuracy=runs({("synthetic-1k", 8): 95.0}))
    assert verdict_ == stats.NOT_TESTABLE and ours.startswith("cannot be tested here")


def test_cell_means_count_the_runs_at_chance():
    table = runs({("mnist", 128): 98.0}, outcome={("mnist", 128): "collapsed"})
    table.loc[table["seed"] == 43, "outcome"] = "trained"
    cell = runtable.mean_by_batch(table).iloc[0]
    assert cell["seeds"] == 3 and cell["at chance"] == 2


def test_table_rows_reproduce_within_the_interval_and_only_on_paper_runs():
    theirs = paper.table("III").set_index("B")["test_acc"]
    close = runs({("mnist", b): theirs[b] + 0.5 for b in theirs.index})
    assert verdict("table-iii", accuracy=close)[1] == stats.REPRODUCED
    off = runs({("mnist", b): theirs[b] - 5 for b in theirs.index})
    assert verdict("table-iii", accuracy=off)[1] == stats.NOT_REPRODUCED
    assert verdict("table-iii", accuracy=close.assign(prov_profile="quick"))[1] == stats.NOT_TESTABLE
    rows = paper_tables.compare_accuracy(close, "mnist", "paper").set_index("B")
    assert rows.loc[64, "verdict (test acc)"] == stats.REPRODUCED and rows.loc[64, "test_acc CI low"] < 99.63



def test_a_table_row_with_runs_at_chance_averages_the_others_and_is_at_best_partly_reproduced():
    """One collapsed seed of three made the quick MNIST B = 256 mean 66 % with an interval of [-54, 185] %; on
    paper-profile runs such an interval covers the paper's value, and the row would have read "reproduced"."""
    theirs = paper.table("III").set_index("B")["test_acc"]
    one_down = runs({("mnist", 64): theirs[64], ("mnist", 128): theirs[128]},
                    outcome={("mnist", 64): "collapsed"})
    one_down.loc[(one_down["batch_size"] == 64) & (one_down["seed"] != 42), "outcome"] = "trained"
    one_down.loc[one_down["outcome"] == "trained", "test_acc"] = one_down["batch_size"].map(theirs)
    rows = paper_tables.compare_accuracy(one_down, "mnist", "paper").set_index("B")
    assert rows.loc[64, "test_acc"] == pytest.approx(theirs[64]) and rows.loc[64, "at chance"] == 1
    assert rows.loc[64, "seeds"] == 3 and rows.loc[64, "test_acc CI high"] - rows.loc[64, "test_acc CI low"] < 1
    assert rows.loc[64, "verdict (test acc)"] == stats.PARTLY
    assert rows.loc[128, "verdict (test acc)"] == stats.REPRODUCED
    assert runtable.mean_by_batch(one_down).set_index("batch_size").loc[64, "test_acc"] < 80  # the plain mean
    all_down = runs({("mnist", 64): theirs[64]}, outcome="collapsed")
    row = paper_tables.compare_accuracy(all_down, "mnist", "paper").set_index("B").loc[64]
    assert pd.isna(row["test_acc"]) and row["verdict (test acc)"] == stats.NOT_REPRODUCED
    assert verdict("table-iii", accuracy=all_down)[1] == stats.NOT_REPRODUCED
    quick = paper_tables.compare_accuracy(all_down.assign(prov_profile="quick"), "mnist", "quick")
    assert quick.set_index("B").loc[64, "verdict (test acc)"] == stats.NOT_TESTABLE

def synthetic(acc_by_b: dict[int, float]) -> pd.DataFrame:
    return runs({(d, b): a for d in runtable.SYNTHETIC for b, a in acc_by_b.items()})


def test_synthetic_trend_and_drops():
    falling = synthetic({8: 95.0, 32: 94.0, 128: 92.0, 512: 90.5})
    flat = synthetic({8: 95.0, 32: 95.0, 128: 95.0, 512: 95.0})
    assert verdict("synthetic-trend", accuracy=falling)[1] == stats.REPRODUCED
    assert verdict("synthetic-trend", accuracy=flat)[1] == stats.NOT_REPRODUCED
    assert verdict("synthetic-drop-1k", accuracy=falling)[1] == stats.REPRODUCED  # 4.5 pp
    assert verdict("synthetic-drop-50k", accuracy=falling)[1] == stats.PARTLY  # 4.5 against 2.0
    assert verdict("synthetic-drop-1k", accuracy=flat)[1] == stats.NOT_REPRODUCED
    assert verdict("synthetic-drop-1k", accuracy=synthetic({32: 95.0}))[1] == stats.NOT_TESTABLE


def test_drop_from_32_to_512_and_its_dependence_on_size():
    smaller_stronger = runs({("synthetic-1k", 32): 95.0, ("synthetic-1k", 512): 90.0,
                             ("synthetic-50k", 32): 95.0, ("synthetic-50k", 512): 92.5})
    assert verdict("drop-32-512", accuracy=smaller_stronger)[1] == stats.REPRODUCED
    none = runs({("synthetic-1k", 32): 95.0, ("synthetic-1k", 512): 95.0,
                 ("synthetic-50k", 32): 95.0, ("synthetic-50k", 512): 95.5})
    assert verdict("drop-32-512", accuracy=none)[1] == stats.NOT_REPRODUCED


def test_sweet_spot():
    assert verdict("synthetic-sweet-spot", accuracy=synthetic({8: 93.0, 32: 96.0, 512: 94.0}))[1] == \
        stats.REPRODUCED
    assert verdict("synthetic-sweet-spot", accuracy=synthetic({8: 93.0, 32: 94.0, 512: 96.0}))[1] == \
        stats.NOT_REPRODUCED


def test_mnist_optimum_and_floor():
    best_64 = runs({("mnist", 32): 98.8, ("mnist", 64): 99.2, ("mnist", 256): 98.9, ("mnist", 512): 98.0,
                    ("mnist", 1024): 97.5})
    assert verdict("mnist-optimum", accuracy=best_64)[1] == stats.REPRODUCED
    assert verdict("mnist-floor", accuracy=best_64)[1] == stats.REPRODUCED
    best_1024 = runs({("mnist", 32): 97.0, ("mnist", 64): 97.2, ("mnist", 512): 98.0, ("mnist", 1024): 99.0})
    assert verdict("mnist-optimum", accuracy=best_1024)[1] == stats.NOT_REPRODUCED
    assert verdict("mnist-floor", accuracy=best_1024)[1] == stats.NOT_REPRODUCED


def test_a_negative_gap_at_chance_is_not_the_papers_negative_gap():
    negative = runs({("mnist", 64): 99.0, ("mnist", 1024): 98.3}, gap={("mnist", 1024): -0.5})
    assert verdict("mnist-negative-gap", accuracy=negative)[1] == stats.REPRODUCED
    collapsed = runs({("mnist", 64): 99.0, ("mnist", 1024): 98.3}, gap={("mnist", 1024): -0.2},
                     outcome={("mnist", 1024): "collapsed"})
    ours, verdict_ = verdict("mnist-negative-gap", accuracy=collapsed)
    assert verdict_ == stats.NOT_REPRODUCED and "at chance" in ours


def test_cifar_collapse_and_slowdown():
    collapse = runs({("cifar10", 64): 80.0, ("cifar10", 1024): 10.0},
                    first_epoch_above_80={("cifar10", 1024): np.nan}, outcome={("cifar10", 1024): "collapsed"})
    assert verdict("cifar-collapse", accuracy=collapse)[1] == stats.REPRODUCED
    assert verdict("cifar-slowdown", accuracy=collapse)[1] == stats.REPRODUCED
    fine = runs({("cifar10", 64): 80.0, ("cifar10", 1024): 79.5}, first_epoch_above_80=3.0)
    assert verdict("cifar-collapse", accuracy=fine)[1] == stats.NOT_REPRODUCED
    assert verdict("cifar-slowdown", accuracy=fine)[1] == stats.NOT_REPRODUCED


def test_a_data_sets_own_claims_are_judged_on_its_paper_runs_finished_so_far():
    """While the CIFAR-10 sweep spans sessions, its claims are judged on the cells it has, either way; with one
    seed in some cell, never better than partly."""
    ids = {c.id for c in report.claims()}
    assert all(set(own) <= ids for own in report.DATASET_CLAIMS.values())
    collapse = runs({("cifar10", 64): 80.0, ("cifar10", 1024): 10.0}, outcome={("cifar10", 1024): "collapsed"},
                    first_epoch_above_80={("cifar10", 1024): np.nan})
    fine = runs({("cifar10", 64): 80.0, ("cifar10", 1024): 79.5})
    one_seed = collapse[collapse["seed"] == SEEDS[0]]
    for so_far, expected, seeds in ((collapse, stats.REPRODUCED, 3), (fine, stats.NOT_REPRODUCED, 3),
                                    (one_seed, stats.PARTLY, 1)):
        verdicts = report.evaluate_so_far({"cifar10": so_far, "synthetic": so_far}, {}).set_index("claim")
        assert set(verdicts.index) == set(report.DATASET_CLAIMS["cifar10"])  # synthetic has no claims of its own
        assert verdicts.loc["cifar-collapse", "verdict"] == verdicts.loc["cifar-slowdown", "verdict"] == expected
        assert verdicts[["section", "runs", "fewest seeds"]].drop_duplicates().values.tolist() == [
            ["cifar10", len(so_far), seeds]]
    assert report.evaluate_so_far({"cifar10": collapse.iloc[:0]}, {}).empty


def test_pearson_leaves_runs_at_chance_out_and_says_so():
    rows = runs({("synthetic-1k", b): 95.0 for b in (8, 64, 512)}, gap={("synthetic-1k", 8): 0.5,
                                                                       ("synthetic-1k", 64): 1.5,
                                                                       ("synthetic-1k", 512): 3.0})
    chance = runs({("mnist", 1024): 11.35}, outcome="collapsed", gap=-10.0)
    ours, verdict_ = verdict("pearson", accuracy=pd.concat([rows, chance]))
    assert "n = 9 (3 runs at chance left out)" in ours and verdict_ != stats.NOT_REPRODUCED
    flat = runs({("synthetic-1k", b): 95.0 for b in (8, 64, 512)}, spread=(-0.3, 0.0, 0.3))
    flat["gap"] = flat["seed"] * 0.1 - 4.3
    assert verdict("pearson", accuracy=flat)[1] == stats.NOT_REPRODUCED


def test_gap_bound():
    assert verdict("gap-bound", accuracy=runs({("mnist", 32): 99.0}, gap=1.0))[1] == stats.REPRODUCED
    assert verdict("gap-bound", accuracy=runs({("mnist", 32): 99.0}, gap=3.0))[1] == stats.NOT_REPRODUCED


def test_epoch_speedup_extra_epochs_and_wall_clock():
    times = {("mnist", 1): 30.0, ("mnist", 1024): 1.0}
    fast = runs({("mnist", 1): 99.0, ("mnist", 1024): 98.0}, median_epoch_time=times,
                first_epoch_above_80={("mnist", 1): 1.0, ("mnist", 1024): 2.0})
    fast["median_epoch_time"] *= np.tile([0.99, 1.0, 1.01], 2)  # CNN seeds are timed one by one: an interval
    assert verdict("epoch-speedup", accuracy=fast)[1] == stats.REPRODUCED  # 30×
    assert verdict("extra-epochs", accuracy=fast)[1] == stats.REPRODUCED  # 2×
    ours, verdict_ = verdict("wall-clock-speedup", accuracy=fast)  # 30 s against 2 s: 15×
    assert verdict_ == stats.NOT_REPRODUCED and "15.0×" in ours
    slow = runs({("mnist", 1): 99.0, ("mnist", 1024): 98.0}, median_epoch_time={("mnist", 1): 3.0,
                                                                            ("mnist", 1024): 1.0})
    assert verdict("epoch-speedup", accuracy=slow)[1] == stats.PARTLY  # 3×
    assert verdict("extra-epochs", accuracy=slow)[1] == stats.NOT_REPRODUCED  # same epoch
    assert verdict("wall-clock-speedup", accuracy=slow)[1] == stats.REPRODUCED  # 3×
    assert verdict("epoch-speedup", accuracy=runs({("mnist", 8): 99.0}))[1] == stats.NOT_TESTABLE
    no_b1 = pd.concat([fast, runs({("cifar10", 8): 60.0, ("cifar10", 256): 50.0})])
    ours, verdict_ = verdict("epoch-speedup", accuracy=no_b1)
    assert verdict_ == stats.PARTLY and "no B = 1 runs of cifar10" in ours  # reproduced where it can be tested
    stacked = runs({("synthetic-1k", 1): 95.0, ("synthetic-1k", 512): 94.0},
                   median_epoch_time={("synthetic-1k", 1): 30.0, ("synthetic-1k", 512): 1.0})
    assert "30.0× (n = 1, no interval)" in verdict("epoch-speedup", accuracy=stacked)[0]  # one shared measurement


def test_epoch_speedup_of_runs_timed_by_different_sweeps_comes_from_the_benchmark():
    """Epoch times of runs from several sessions measure the load as much as B (seen: 777 s against 183 s for two
    seeds at one B), so where a benchmark timed both ends in one process, the claim is graded on it."""
    apart = runs({("mnist", 1): 99.0, ("mnist", 1024): 98.0}, median_epoch_time={("mnist", 1): 30.0,
                                                                                ("mnist", 1024): 1.0},
                 precision="fp32", prov_device_name="cpu").assign(prov_commit=["a", "b", "c"] * 2)
    apart["median_epoch_time"] *= np.tile([0.99, 1.0, 1.01], 2)
    speed = pd.DataFrame({"dataset": "mnist", "precision": ["fp32", "fp32", "bf16"], "batch_size": [1, 1024, 1024],
                          "img_s": [[100.0, 110.0, 105.0], [250.0, 260.0, 255.0], [999.0] * 3], "source": "bench"})
    ours, verdict_ = verdict("epoch-speedup", accuracy=apart, cnn_speed=speed)
    assert verdict_ == stats.PARTLY and "2.4×" in ours and "timed in one process by bench" in ours  # not 30×
    assert "from 3 sweeps" in ours
    together = apart.assign(prov_commit="a")  # one sweep timed them all: its own times are the measurement
    assert verdict("epoch-speedup", accuracy=together, cnn_speed=speed)[1] == stats.REPRODUCED
    assert verdict("epoch-speedup", accuracy=apart, cnn_speed=speed[speed["batch_size"] == 1])[1] == stats.REPRODUCED


def test_wall_clock_of_runs_timed_by_different_sweeps_takes_epoch_times_from_the_benchmark():
    """Time to 80 % is epochs × epoch time; across sweeps the epoch times come from the benchmark, the epochs from
    the runs. Here the runs' own times say 30× per epoch (so 22.5× to the target), the benchmark 2.5× (1.9×)."""
    apart = runs({("mnist", 1): 99.0, ("mnist", 1024): 98.0},
                 median_epoch_time={("mnist", 1): 30.0, ("mnist", 1024): 1.0},
                 first_epoch_above_80={("mnist", 1): 3.0, ("mnist", 1024): 4.0},
                 precision="fp32", prov_device_name="cpu").assign(prov_commit=["a", "b", "c"] * 2)
    speed = pd.DataFrame({"dataset": "mnist", "precision": "fp32", "batch_size": [1, 1024],
                          "img_s": [[100.0, 100.0, 100.0], [250.0, 250.0, 250.0]], "source": "bench"})
    ours, verdict_ = verdict("wall-clock-speedup", accuracy=apart, cnn_speed=speed)
    assert "1.9×" in ours and "timed in one process by bench" in ours and verdict_ == stats.NOT_REPRODUCED
    ours, verdict_ = verdict("wall-clock-speedup", accuracy=apart.assign(prov_commit="a"), cnn_speed=speed)
    assert "22.5×" in ours and "bench" not in ours  # one sweep timed them all: its own epoch times


def test_a_run_resumed_from_another_session_counts_as_another_sweep():
    """One commit finished every run, but B = 64's first epochs were trained (and timed) in an earlier session:
    the CIFAR-10 slowdown then takes its epoch times from the benchmark (2× per image), not the runs (4×)."""
    cells = {("cifar10", 64): 80.0, ("cifar10", 1024): 79.0}
    resumed = runs(cells, first_epoch_above_80=3.0, median_epoch_time={("cifar10", 64): 4.0, ("cifar10", 1024): 1.0},
                   precision="bf16", prov_device_name="cpu", prov_commit="b", train_size=1000)
    speed = pd.DataFrame({"dataset": "cifar10", "precision": "bf16", "batch_size": [64, 1024],
                          "img_s": [[100.0] * 3, [200.0] * 3], "source": "bench"})
    ours, _ = verdict("cifar-slowdown", accuracy=resumed, cnn_speed=speed)
    assert "0.25×" in ours and "bench" not in ours  # one sweep: the runs' own times, 3 × 1 s against 3 × 4 s
    resumed["prov_resumed_from"] = [["a"] if b == 64 else np.nan for b in resumed["batch_size"]]
    ours, _ = verdict("cifar-slowdown", accuracy=resumed, cnn_speed=speed)
    assert "0.50×" in ours and "from 2 sweeps" in ours


def test_runs_that_never_converge_count_in_extra_epochs():
    never = runs({("mnist", 8): 99.0, ("mnist", 1024): 70.0}, first_epoch_above_80={("mnist", 1024): np.nan})
    ours, verdict_ = verdict("extra-epochs", accuracy=never)
    assert verdict_ == stats.PARTLY and "≥ 11.00×" in ours  # at least one epoch more than the 10 it trained


def lr_runs(acc: dict[tuple[int, str], float], gap: dict[tuple[int, str], float] | None = None) -> pd.DataFrame:
    table = runs({("synthetic-50k", b): a for (b, _), a in acc.items()}).iloc[:0]
    parts = [runs({("synthetic-50k", b): a}, lr_rule=rule, gap=(gap or {}).get((b, rule), 0.5))
             for (b, rule), a in acc.items()]
    return pd.concat([table, *parts], ignore_index=True)


def test_linear_scaling_rule_claims():
    paper_like = lr_runs({(128, "fixed"): 87.8, (128, "linear"): 91.5, (512, "fixed"): 82.1, (512, "linear"): 90.2},
                         gap={(512, "fixed"): 7.9, (512, "linear"): 2.8})
    for claim in ("lsr-accuracy", "lsr-accuracy-128", "lsr-up-to-10", "lsr-gap"):
        assert verdict(claim, lr_scaling=paper_like)[1] == stats.REPRODUCED, claim
    assert verdict("table-v", lr_scaling=paper_like)[1] == stats.REPRODUCED  # rows we did not run are skipped
    same = lr_runs({(128, "fixed"): 99.2, (128, "linear"): 99.2, (512, "fixed"): 99.2, (512, "linear"): 99.2})
    for claim in ("lsr-accuracy", "lsr-accuracy-128", "lsr-up-to-10", "lsr-gap", "table-v"):
        assert verdict(claim, lr_scaling=same)[1] == stats.NOT_REPRODUCED, claim


def sharpness(values: dict[int, float]) -> pd.DataFrame:
    rows = [{"dataset": d, "batch_size": b, "seed": s, "epsilon_sharpness": v * (1 + 0.05 * i),
             "hessian_top_eigenvalue": v * (1 + 0.05 * i)}
            for d in runtable.SYNTHETIC for b, v in values.items() for i, s in enumerate(SEEDS)]
    return pd.DataFrame(rows)


def test_sharpness_and_flat_vs_sharp():
    sharp = sharpness({32: 0.02, 512: 0.14})
    assert verdict("sharpness-ratio", sharpness=sharp)[1] == stats.REPRODUCED
    assert verdict("flat-vs-sharp", sharpness=sharp)[1] == stats.REPRODUCED
    flat = sharpness({32: 0.02, 512: 0.019})
    assert verdict("sharpness-ratio", sharpness=flat)[1] == stats.NOT_REPRODUCED
    assert verdict("flat-vs-sharp", sharpness=flat)[1] == stats.NOT_REPRODUCED


def test_variance_slope():
    def fits(slope: float, r2: float) -> pd.DataFrame:
        return pd.DataFrame([{"dataset": "synthetic-1k", "sampling": "with replacement", "fitted": "variance",
                              "slope": slope, "slope CI low": slope - 0.02, "slope CI high": slope + 0.02,
                              "R²": r2, "points": 10}])
    assert verdict("variance-slope", variance_fits=fits(-0.99, 0.999))[1] == stats.REPRODUCED
    assert verdict("variance-slope", variance_fits=fits(-0.5, 0.9))[1] == stats.NOT_REPRODUCED


def critical_runs(drop_from: dict[str, int]) -> pd.DataFrame:
    """Accuracy 95 % up to the given B of each synthetic set, 90 % from it on (no drop: key missing)."""
    sizes = {"synthetic-1k": 800, "synthetic-10k": 8000, "synthetic-50k": 40000}
    parts = [runs({(d, b): 90.0 if d in drop_from and b >= drop_from[d] else 95.0}, train_size=n)
             for d, n in sizes.items() for b in (8, 32, 64, 128, 256, 512)]
    return pd.concat(parts, ignore_index=True)


def test_critical_exponent_and_a_missing_b_star_is_evidence_against():
    sqrt_law = critical_runs({"synthetic-1k": 32, "synthetic-10k": 128, "synthetic-50k": 256})
    assert verdict("critical-exponent", critical_runs=sqrt_law)[1] in (stats.REPRODUCED, stats.PARTLY)
    flat = critical_runs({"synthetic-1k": 64, "synthetic-10k": 64, "synthetic-50k": 64})
    assert verdict("critical-exponent", critical_runs=flat)[1] == stats.NOT_REPRODUCED
    never = critical_runs({"synthetic-1k": 64})
    ours, verdict_ = verdict("critical-exponent", critical_runs=never)
    assert verdict_ == stats.NOT_REPRODUCED and "no B falls" in ours


def test_table_vi_columns():
    theirs = critical_runs({"synthetic-1k": 64, "synthetic-10k": 128, "synthetic-50k": 256})
    assert verdict("table-vi", critical_runs=theirs)[1] == stats.REPRODUCED
    assert verdict("table-vi-optimal", critical_runs=theirs)[1] == stats.NOT_REPRODUCED  # ours: B = 8
    assert verdict("table-vi", critical_runs=critical_runs({}))[1] == stats.NOT_REPRODUCED
    assert verdict("table-vi", critical_runs=theirs.assign(prov_profile="quick"))[1] == stats.NOT_TESTABLE


def test_table_vi_is_one_row_per_data_set_on_the_full_size_runs_and_the_claims_read_it():
    full = critical_runs({"synthetic-1k": 64, "synthetic-10k": 128, "synthetic-50k": 256})
    subset = runs({("synthetic-50k", b): 90.0 if b >= 32 else 95.0 for b in (8, 32, 64)}, train_size=2000)
    table = paper_tables.table_vi(pd.concat([full, subset], ignore_index=True)).set_index("dataset")
    assert sorted(table.index) == ["synthetic-10k", "synthetic-1k", "synthetic-50k"]  # no row for the subset
    assert table.loc["synthetic-50k", "N"] == 40000 and table.loc["synthetic-50k", "critical_b"] == 256
    assert table.loc["synthetic-50k", "paper B*"] == 256 and table.loc["synthetic-50k", "paper N"] == 50000
    assert (table["verdict (B*)"] == stats.REPRODUCED).all()
    assert (table["verdict (optimal B)"] == stats.NOT_REPRODUCED).all()  # ours: B = 8
    # one data set off the paper profile, one without a B*, one the paper does not have
    no_drop = critical_runs({})
    mixed = pd.concat([full[full["dataset"] == "synthetic-50k"],
                       full[full["dataset"] == "synthetic-10k"].assign(prov_profile="quick"),
                       no_drop[no_drop["dataset"] == "synthetic-1k"],
                       no_drop[no_drop["dataset"] == "synthetic-1k"].assign(dataset="fashion-mnist")],
                      ignore_index=True)
    table = paper_tables.table_vi(mixed).set_index("dataset")
    assert table["verdict (B*)"].to_dict() == {"fashion-mnist": stats.NOT_TESTABLE,
                                               "synthetic-10k": stats.NOT_TESTABLE,
                                               "synthetic-1k": stats.NOT_REPRODUCED,
                                               "synthetic-50k": stats.REPRODUCED}
    assert pd.isna(table.loc["synthetic-1k", "critical_b"]) and table.loc["synthetic-10k", "profile"] == "quick"
    ours, verdict_ = verdict("table-vi", critical_runs=mixed)  # one of two testable rows: partly
    assert verdict_ == stats.PARTLY and "synthetic-1k: none (paper 64)" in ours
    assert "not testable off the paper profile: synthetic-10k" in ours and "fashion" not in ours


def test_the_papers_own_table_vi_exponent_is_computed_from_its_numbers():
    ours, verdict_ = verdict("paper-exponent")
    assert "a = 0.35" in ours and verdict_ == stats.REPRODUCED  # CI (−0.11, 0.81) holds 0.5


def test_every_claim_has_a_unique_id_and_names_a_chapter():
    ids = [c.id for c in report.claims()]
    assert len(ids) == len(set(ids))
    assert {c.chapter for c in report.claims()} <= {"accuracy", "gap", "efficiency", "lr_scaling", "landscape",
                                                     "noise", "critical"}


def table_v_runs(acc: dict[tuple[int, str], float], profile: str = "paper") -> pd.DataFrame:
    """Three seeds per (B, LR rule) of the large synthetic set around the given test accuracy."""
    return pd.concat([runs({("synthetic-50k", b): a}, profile).assign(lr_rule=rule, lr=0.001)
                      for (b, rule), a in acc.items()], ignore_index=True)


def test_table_v_judges_each_mean_against_the_paper_and_only_on_paper_runs():
    ours = table_v_runs({(512, "fixed"): 82.0, (512, "linear"): 80.0, (512, "sqrt"): 85.0})
    table = paper_tables.table_v(ours, "paper").set_index(["batch_size", "lr_rule"])["verdict (test acc)"]
    assert table[512, "fixed"] == stats.REPRODUCED  # 82.0 against the paper's 82.1
    assert table[512, "linear"] == stats.NOT_REPRODUCED  # 80.0 against 90.2
    assert table[512, "sqrt"] == stats.NOT_TESTABLE  # the paper has no square-root row
    quick = paper_tables.table_v(table_v_runs({(512, "fixed"): 82.0}, "quick"), "quick")
    assert set(quick["verdict (test acc)"]) == {stats.NOT_TESTABLE}


def test_table_i_reproduces_only_where_every_size_equals_the_papers():
    ours = pd.DataFrame({"dataset": ["mnist", "cifar10"], "train": [60_000, 49_000], "test": 10_000,
                         "features": [784, 3072], "classes": 10})
    table = paper_tables.table_i(ours).set_index("dataset")
    assert table.loc["mnist", "verdict"] == stats.REPRODUCED and table.loc["cifar10", "verdict"] == "differs"
    assert table.loc["cifar10", "paper train"] == 50_000
