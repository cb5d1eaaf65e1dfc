import math

import pandas as pd
import pytest

from batchsize.config import UserError
from batchsize.critical import (
    FAILED,
    MEASURED,
    ONE_RUN,
    bootstrap_critical,
    cell_status,
    critical_batch_size,
    fit_scaling_law,
)


def runs(accuracies, dataset="synthetic-1k", n_train=800, outcomes=None, **extra):
    """A run table from {batch size: [test accuracy per seed]}; `outcomes`: {(batch size, seed): outcome}."""
    rows = [dict(dataset=dataset, n_train=n_train, batch_size=b, seed=seed, test_acc=acc, train_acc=acc + 1.0,
                 gap=1.0, lr_rule="linear", outcome=(outcomes or {}).get((b, seed), "trained"), **extra)
            for b, accs in accuracies.items() for seed, acc in enumerate(accs)]
    return pd.DataFrame(rows)


def twice(accuracies):
    """Two seeds with the same accuracy per B: cells the rule can rank."""
    return runs({b: [acc, acc] for b, acc in accuracies.items()})


def one(table, **kwargs):
    result = critical_batch_size(table, **kwargs)
    assert len(result) == 1
    return result.iloc[0]


def test_a_cell_counts_when_two_runs_and_most_of_its_runs_trained():
    cases = {(3, 0): MEASURED, (2, 1): MEASURED, (3, 2): MEASURED, (1, 2): FAILED, (1, 1): FAILED, (2, 2): FAILED,
             (0, 3): FAILED, (1, 0): ONE_RUN}
    assert {c: cell_status(*c) for c in cases} == cases
    assert cell_status(1, 0, min_trained=1) == MEASURED  # the paper's own tables: one number per cell
    assert list(cell_status([2, 1], [0, 1])) == [MEASURED, FAILED]  # arrays: the bootstrap's replicates


def test_smallest_b_more_than_one_point_below_the_peak():
    row = one(twice({8: 90.0, 16: 91.0, 32: 92.0, 64: 91.5, 128: 90.9, 256: 85.0}))
    assert (row.optimal_b, row.peak_acc, row.critical_b, row.critical_acc) == (32, 92.0, 128, 90.9)
    assert row.critical_by == "below the peak" and row.failed_b == [] and row.one_run_b == []


def test_exactly_one_point_below_is_not_below():
    assert one(twice({32: 92.0, 64: 91.0, 128: 90.5})).critical_b == 128


def test_ties_pick_the_smallest_optimal_b():
    row = one(twice({16: 90.0, 32: 92.0, 64: 92.0, 128: 89.0}))
    assert (row.optimal_b, row.critical_b) == (32, 128)


def test_no_drop_gives_na():
    row = one(twice({32: 92.0, 64: 91.5, 128: 91.2}))
    assert row.optimal_b == 32 and pd.isna(row.critical_b) and math.isnan(row.critical_acc)


def test_seeds_are_averaged_before_the_rule():
    # B = 64: one seed is 2 points down but the mean (91.0 vs peak 92.0) is not more than 1 below.
    row = one(runs({32: [92.0, 92.0], 64: [92.0, 90.0], 128: [91.0, 90.0]}))
    assert (row.critical_b, row.critical_acc, row.n_seeds) == (128, 90.5, 2)


def test_bad_small_batches_count_only_when_asked_for_the_literal_rule():
    table = twice({1: 70.0, 8: 91.0, 32: 92.0, 128: 92.0, 512: 85.0})
    assert one(table).critical_b == 512
    assert one(table, above_optimum=False).critical_b == 1


def test_a_cell_where_most_runs_did_not_train_is_never_the_best_and_is_below_the_peak():
    """The paper-scale MNIST runs: at B = 1024 one seed of three trained (99.22 %), the others collapsed and
    diverged. Its lone run is not a mean: the best B is the best measured cell, and B = 1024 failed."""
    table = runs({32: [98.8, 98.7, 98.9], 256: [99.0, 99.2, 99.2], 1024: [99.22, 11.35, 9.8]},
                 outcomes={(1024, 1): "collapsed", (1024, 2): "diverged"})
    row = one(table)
    assert (row.optimal_b, row.critical_b, row.critical_by) == (256, 1024, "failed")
    assert row.peak_acc == pytest.approx(99.1333, abs=1e-3) and math.isnan(row.critical_acc)
    assert row.failed_b == [1024]
    one_down = runs({32: [92.0, 92.0, 92.0], 128: [92.0, 92.0, 10.0]}, outcomes={(128, 2): "diverged"})
    row = one(one_down)  # two of three trained: measured, its mean over them; the failed run is counted, not averaged
    assert (row.optimal_b, pd.isna(row.critical_b), row.failed_b) == (32, True, [])


def test_a_cell_of_one_run_is_neither_the_best_nor_b_star():
    table = pd.concat([twice({32: 92.0, 128: 90.0}), runs({64: [95.0], 256: [50.0]})], ignore_index=True)
    row = one(table)
    assert (row.optimal_b, row.critical_b, row.one_run_b) == (32, 128, [64, 256])
    nothing = one(runs({32: [92.0], 64: [90.0]}))  # one seed everywhere: no best B, no B*
    assert pd.isna(nothing.optimal_b) and pd.isna(nothing.critical_b) and math.isnan(nothing.peak_acc)


def test_the_largest_b_is_the_largest_cell_that_could_be_b_star():
    """A cell of one run that trained can be neither B* nor a bound on it: flat on three seeds up to 256, one run
    each at 512 and 1024 (80 %, which two more seeds could make B*), no B* was searched for beyond 256. A lone run
    that failed is a failed cell, and counts."""
    flat = {b: [92.0, 92.1, 91.9] for b in (32, 64, 128, 256)}
    row = one(runs({**flat, 512: [91.5], 1024: [80.0]}))
    assert (pd.isna(row.critical_b), row.one_run_b, row.largest_b) == (True, [512, 1024], 256)
    failed = one(runs({**flat, 512: [91.5], 1024: [10.0]}, outcomes={(1024, 0): "collapsed"}))
    assert (failed.critical_b, failed.failed_b, failed.largest_b) == (1024, [1024], 1024)
    assert one(runs({32: [92.0], 64: [90.0]})).largest_b is pd.NA  # one run everywhere: nothing could be B*


def test_groups_by_dataset_and_training_set_size():
    table = pd.concat([runs({32: [97.0] * 2, 64: [96.5] * 2, 128: [95.0] * 2}, n_train=800),
                       runs({32: [97.0] * 2, 64: [97.5] * 2, 128: [97.0] * 2, 256: [96.0] * 2}, n_train=8000),
                       runs({64: [99.0] * 2, 256: [97.0] * 2}, dataset="mnist", n_train=60000)])
    result = critical_batch_size(table, tolerance=1.0)
    assert list(result.columns) == ["dataset", "n_train", "optimal_b", "peak_acc", "critical_b", "critical_acc",
                                    "critical_by", "n_seeds", "failed_b", "one_run_b", "largest_b"]
    assert result[["dataset", "n_train", "optimal_b", "critical_b", "largest_b"]].values.tolist() == [
        ["mnist", 60000, 64, 256, 256], ["synthetic-1k", 800, 32, 128, 128], ["synthetic-1k", 8000, 64, 256, 256]]
    assert one(table[table.n_train == 8000], tolerance=2.0).critical_b is pd.NA


def test_tables_the_rule_would_misread_are_refused():
    with pytest.raises(UserError, match="lacks columns: n_train"):
        critical_batch_size(runs({32: [90.0]}).drop(columns="n_train"))
    missing = runs({32: [90.0], 64: [float("nan")]})
    with pytest.raises(UserError, match="without a test accuracy"):
        critical_batch_size(missing)
    mixed = pd.concat([twice({32: 92.0, 64: 90.0}), twice({32: 91.0, 64: 91.0}).assign(lr_rule="sqrt")])
    with pytest.raises(UserError, match="differ in lr_rule"):
        critical_batch_size(mixed)
    with pytest.raises(UserError, match="same run repeated"):
        critical_batch_size(pd.concat([runs({32: [92.0]}), runs({32: [91.0]})]))
    split = critical_batch_size(mixed, by=["dataset", "n_train", "lr_rule"])
    assert split.critical_b.tolist() == [64, pd.NA]


def test_bootstrap_over_seeds_judges_each_replicate_by_the_same_rule():
    single = bootstrap_critical(runs({32: [92.0], 64: [90.0]}), n_boot=50)
    assert single[["critical_b", "frequency"]].values.tolist() == [[pd.NA, 1.0]]  # one run per cell: no best B
    # B = 64 falls below only when its bad seed is drawn at least twice out of three.
    spread = bootstrap_critical(runs({32: [92.0, 92.0, 92.0], 64: [92.0, 92.0, 89.0]}), n_boot=2000, seed=1)
    assert spread.frequency.sum() == pytest.approx(1.0)
    below = spread.set_index("critical_b").frequency
    assert below[64] == pytest.approx(7 / 27, abs=0.03)
    assert spread.critical_b.isna().sum() == 1
    # A collapsed run drawn once leaves two that trained (a measured cell at 92 %), twice or more a failed cell: B*
    # = 64 as often as above. Averaged in, one draw of it (a mean of 64.7 %) would have made B* = 64 in 19 of 27.
    failing = runs({32: [92.0, 92.0, 92.0], 64: [92.0, 92.0, 10.0]}, outcomes={(64, 2): "collapsed"})
    below = bootstrap_critical(failing, n_boot=2000, seed=1).set_index("critical_b").frequency
    assert below[64] == pytest.approx(7 / 27, abs=0.03)



def test_bootstrap_lists_data_sets_in_the_registrys_order_with_the_same_draws():
    """Table VI's bootstrap lists the data sets as every table does (the registry's order, not by id: CIFAR-10
    first), and sorting them moves no frequency: each data set keeps the draws it had."""
    table = pd.concat([runs({32: [92.0, 92.0, 92.0], 64: [92.0, 92.0, 89.0]}, dataset=d)
                       for d in ("synthetic-1k", "mnist", "cifar10")])
    spread = bootstrap_critical(table, n_boot=500, seed=1)
    assert list(dict.fromkeys(spread["dataset"])) == ["synthetic-1k", "mnist", "cifar10"]
    for name in ("synthetic-1k", "mnist", "cifar10"):
        alone = bootstrap_critical(table[table["dataset"] == name], n_boot=500, seed=1)
        assert spread[spread["dataset"] == name].reset_index(drop=True).equals(alone)


def test_a_data_set_draws_the_same_whatever_the_other_data_sets_cells():
    """Each group draws from its own stream: a B = 256 cell added to CIFAR-10 (drawn before MNIST, by id) leaves
    MNIST's frequencies as they were; from one stream shared, MNIST's draws would begin where CIFAR-10's ended."""
    mnist = runs({32: [92.0, 92.0, 91.0], 64: [92.0, 91.5, 89.0], 128: [90.5, 91.8, 88.0]}, dataset="mnist")
    cifar = runs({32: [80.0, 79.0, 81.0], 64: [79.0, 80.5, 78.0]}, dataset="cifar10")
    more = pd.concat([cifar, runs({256: [70.0, 79.5, 80.0]}, dataset="cifar10")], ignore_index=True)
    before, after = (bootstrap_critical(pd.concat([mnist, c], ignore_index=True), n_boot=300, seed=3)
                     for c in (cifar, more))
    assert not before[before["dataset"] == "cifar10"].reset_index(drop=True).equals(
        after[after["dataset"] == "cifar10"].reset_index(drop=True))  # the added cell moved CIFAR-10's own
    mnist_before, mnist_after = (s[s["dataset"] == "mnist"].reset_index(drop=True) for s in (before, after))
    assert len(mnist_before) > 1 and mnist_after.equals(mnist_before)  # B* moves with the draws; MNIST's did not
    assert bootstrap_critical(mnist.assign(n_train=800.0), n_boot=300, seed=3)["frequency"].equals(
        mnist_before["frequency"])  # N stored as a float draws as N stored as an int

def test_bootstrap_draws_the_same_runs_however_the_table_is_ordered():
    """Table VI grades B* on these frequencies, in the report and the chapter alike, which put their tables
    together in other orders (and with repeated index labels): the draws follow the seeds, not the rows."""
    table = pd.concat([runs({32: [92.0, 92.0, 91.0], 64: [92.0, 91.5, 89.0], 128: [90.5, 91.8, 88.0]}, dataset=d)
                       for d in ("synthetic-1k", "mnist")])
    spread = bootstrap_critical(table, n_boot=300, seed=3)
    assert spread.groupby("dataset").size().min() > 1  # B* moves with the seeds drawn: the order could matter
    assert bootstrap_critical(table.iloc[::-1], n_boot=300, seed=3).equals(spread)


def test_scaling_law_fit():
    exact = fit_scaling_law([1_000, 10_000, 100_000], [2 * 1_000**0.5, 2 * 10_000**0.5, 2 * 100_000**0.5])
    assert exact.slope == pytest.approx(0.5) and exact.prefactor == pytest.approx(2.0) and exact.n == 3
    paper = fit_scaling_law([800, 8_000, 40_000], [64, 128, 256])  # Table VI, synthetic rows
    assert 0.3 < paper.slope < 0.4 and paper.slope_ci[0] < 0 < 0.5 < paper.slope_ci[1]
    with pytest.raises(UserError):
        fit_scaling_law([800, 8_000], [64, float("nan")])


def test_the_critical_chapter_says_what_the_fit_found_or_why_there_is_none():
    """The chapter once promised a fit of ours where no size had a B*: the sentence now comes from the points."""
    from batchsize import findings

    def sizes(drop_at: dict[int, int]) -> pd.DataFrame:  # per training-set size, the B whose accuracy falls 2 points
        return pd.concat([runs({b: [95.0 - 2.0 * (b >= drop_at.get(n, 10**6))] * 2 for b in (32, 64, 128, 256)},
                               dataset=d, train_size=n) for d, n in (("synthetic-1k", 800), ("synthetic-10k", 8000),
                                                                     ("synthetic-50k", 40000))], ignore_index=True)

    found = findings.exponent_fit_text(sizes({800: 64, 8000: 128, 40000: 256}))
    assert found.startswith("Over the 3 of our 3 training-set sizes") and "a = 0.35 [" in found
    flat = findings.exponent_fit_text(sizes({}))
    assert flat.startswith("We have no fit of our own") and "none of them has a B*" in flat
    assert "no B up to the largest that could be B* (256) falls more than 1 point below the peak" in flat
    assert "censored" in flat and "not testable" in flat and "evidence against" not in flat  # as the report's rule
    one_point = findings.exponent_fit_text(sizes({800: 64}))
    assert "only one of them has a B*, and a line needs two" in one_point and "N = 8,000, 40,000" in one_point
    lone = sizes({}).groupby(["train_size", "batch_size"]).head(1)  # one run a cell (the smoke book): none is B*
    assert "no B up to the largest that could be B* (—) falls" in findings.exponent_fit_text(lone)
