import pandas as pd

from batchsize import report


def accuracy(rows: list[tuple[str, int, int, float, float, str]]) -> dict[str, pd.DataFrame]:
    """An accuracy table from (dataset, B, seed, test_acc, gap, outcome) rows."""
    table = pd.DataFrame(rows, columns=["dataset", "batch_size", "seed", "test_acc", "gap", "outcome"])
    return {"accuracy": table.assign(train_acc=table["test_acc"] + table["gap"], mean_epoch_time=1.0,
                                     diverged=table["outcome"] == "diverged")}


def test_cell_means_count_the_runs_at_chance():
    tables = accuracy([("mnist", 128, 42, 11.35, -0.1, "collapsed"), ("mnist", 128, 43, 98.0, 0.5, "trained")])
    cell = report.mean_by_batch(tables["accuracy"]).iloc[0]
    assert cell["seeds"] == 2 and cell["at chance"] == 1


def test_a_negative_gap_at_chance_is_not_the_papers_negative_gap():
    trained = accuracy([("mnist", 64, 42, 99.0, 0.4, "trained"), ("mnist", 1024, 42, 98.3, -0.5, "trained")])
    assert report._mnist_negative_gap(trained, "paper")[1] == report.REPRODUCED
    collapsed = accuracy([("mnist", 64, 42, 99.0, 0.4, "trained"), ("mnist", 1024, 42, 11.35, -0.2, "collapsed")])
    ours, verdict = report._mnist_negative_gap(collapsed, "paper")
    assert verdict == report.NOT_REPRODUCED and "1 of 1 runs at chance" in ours


def test_pearson_leaves_runs_at_chance_out_and_says_so():
    rows = [("synthetic-1k", b, s, 95.0, g + 0.1 * s, "trained") for s in (42, 43, 44)
            for b, g in ((8, 0.5), (64, 1.5), (512, 3.0))]
    rows.append(("mnist", 1024, 42, 11.35, -10.0, "collapsed"))
    ours, verdict = report._pearson(accuracy(rows), "paper")
    assert "n = 9 (1 runs at chance left out)" in ours and verdict != report.NOT_REPRODUCED


def test_absolute_numbers_are_testable_only_on_paper_runs_whatever_the_chapter_profile():
    tables = accuracy([("mnist", 64, 42, 99.1, 0.3, "trained")])
    paper_runs, quick_runs = (tables["accuracy"].assign(prov_profile=p) for p in ("paper", "quick"))
    assert report.compare_accuracy(paper_runs, "mnist", "quick").set_index("B").loc[64, "verdict (test acc)"] \
        == report.REPRODUCED
    assert report.compare_accuracy(quick_runs, "mnist", "paper").set_index("B").loc[64, "verdict (test acc)"] \
        == report.NOT_TESTABLE
    assert report.runs_profile(pd.concat([paper_runs, quick_runs]), "paper") == "mixed"
