import pandas as pd

from batchsize import plots


def test_ours_and_the_papers_line_of_a_data_set_share_its_one_colour():
    """The paper's table may list data sets in another order than our runs: colours follow names, not order."""
    ours = pd.DataFrame({"dataset": ["synthetic-1k", "synthetic-50k"] * 2, "batch_size": [8, 8, 64, 64],
                         "test_acc": [1.0, 2.0, 3.0, 4.0], "seed": 42})
    theirs = pd.DataFrame({"dataset": ["synthetic-50k", "synthetic-1k"], "B": [8, 8], "test_acc": [1.0, 2.0]})
    ax = plots.by_batch(ours, "test_acc", paper=theirs)
    colours = {line.get_label(): line.get_color() for line in ax.get_lines() if not line.get_label().startswith("_")}
    for name in ("Small synthetic (1K)", "Large synthetic (50K)"):
        assert colours[name] == colours[f"{name} (paper)"] == plots.DATASET_COLOURS[name]
    assert colours["Small synthetic (1K)"] != colours["Large synthetic (50K)"]
