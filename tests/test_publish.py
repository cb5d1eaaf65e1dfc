"""How `book.publish` puts figures and tables on a page: SVG figures, tables without Python's spellings."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from batchsize import book, captions
from batchsize.datasets import DATASET_NAMES


def test_styled_tables_print_whole_numbers_as_integers_booleans_as_words_and_lists_as_items():
    """An outer merge makes `seeds` float (`1.000`) and sizes `2000.0`; the page shows 1 and 2,000 (a batch size
    1024, as the paper writes it)."""
    table = pd.DataFrame({"seeds": [1.0, np.nan], "N": [40_000.0, 8000.0], "batch_size": [1024.0, 64.0],
                          "acc": [97.25, 1.5], "within": [True, None], "ok": [True, False],
                          "candidates": [[16, 32], [32, 64]]})
    cells = book.styled(table, precision=2).to_html()
    for shown in (">1<", ">—<", ">40,000<", ">8,000<", ">1024<", ">97.25<", ">1.50<", ">yes<", ">no<", ">16, 32<",
                  ">batch size<"):
        assert shown in cells, shown
    for python in ("1.000", "1024.0", "True", "False", "[16", "nan", "<NA>", "batch_size"):
        assert python not in cells, python


def test_styled_tables_show_learning_rates_to_three_significant_digits():
    table = pd.DataFrame({"B": [256, 512], "lr": [0.001 * 8 ** 0.5, 0.001], "recommended η": [0.0078125, 0.1]})
    cells = book.styled(table).to_html()
    for shown in (">0.00283<", ">0.001<", ">0.00781<", ">0.1<"):
        assert shown in cells, shown
    assert "0.002828" not in cells and "0.0078125" not in cells


def test_a_large_ratio_is_shown_without_decimals_that_say_nothing():
    from batchsize.style import number

    assert number(14125.78, "ratio") == "14,126" and number(20.384, "ratio") == "20.38"
    assert number(-250.4, "ratio") == "−250"


def test_captions_turn_markdown_into_html_and_escape_the_rest():
    assert book.caption_html("the `paper …` columns, **smoke**, B < 64 & more") == (
        "the <code>paper …</code> columns, <b>smoke</b>, B &lt; 64 &amp; more")


@pytest.fixture
def shown(monkeypatch) -> list:
    """What `publish` displays, in order (one IPython display object per call)."""
    displayed = []
    monkeypatch.setattr("IPython.display.display", lambda obj: displayed.append(obj))
    return displayed


def test_figures_go_out_as_svg_and_a_caption_alone_displays_no_python_object(shown):
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    data = pd.DataFrame({"x": [1, 2]})
    book.publish(fig, "A `line`.", data, "Fig 1")
    book.publish(None, "What the cell showed itself.", data, "Explorer")
    formats = [InteractiveShell.instance().display_formatter.format(obj)[0] for obj in shown]
    assert "image/svg+xml" in formats[0] and "image/png" not in formats[0]
    assert not plt.fignum_exists(fig.number), "the figure is closed, so the inline backend does not show it again"
    assert len(shown) == 3, "the explorer's caption is one HTML paragraph, no empty Markdown object before it"
    assert "<code>line</code>" in shown[1].data and "`" not in shown[1].data


def test_styled_tables_put_verdicts_first_and_fold_each_interval_under_its_estimate():
    """Fewer, shorter columns: `x CI low` and `x CI high` (or `CI low` after `x`) go into `x`'s cell, a verdict
    column comes right after the column that names the row."""
    table = pd.DataFrame({"B": [8, 64], "lr rule": ["fixed", "linear"], "test_acc": [99.123, np.nan],
                          "test_acc CI low": [98.9, np.nan], "test_acc CI high": [99.3, np.nan],
                          "slope": [-0.98, -1.0], "CI low": [-1.1, -1.0], "CI high": [-0.9, -1.0],
                          "verdict (test acc)": ["partly", "not testable"]})
    html = book.styled(table).to_html()
    headers = re.findall(r'class="col_heading[^"]*" >([^<]+)<', html)
    ci = "[95\u00a0%\u00a0CI]"  # kept on one line when the header wraps
    assert headers == ["B", "lr rule", "verdict (test acc)", f"test acc {ci}", f"slope {ci}"]
    assert '>99.12<span class="bs-ci">[98.90, 99.30]</span><' in html and "−1.10" in html
    assert ">−1.00<" in html  # an interval of one point (one seed) is not shown


def test_verdicts_that_already_follow_the_row_name_stay_before_the_text_columns_after_them():
    table = pd.DataFrame({"data set": ["MNIST"], "verdict": ["partly"], "B: ours / paper": ["256 / 64"]})
    headers = re.findall(r'class="col_heading[^"]*" >([^<]+)<', book.styled(table).to_html())
    assert headers == ["data set", "verdict", "B: ours / paper"]


def test_table_vi_shows_ours_beside_the_papers_and_folds_the_cells_that_count_for_neither():
    """Table VI fits its column (issue 25): one cell per pair, the failed and one-run cells in one column, no
    profile (the caption's provenance says it), the data sets in the paper's order."""
    from batchsize.paper_tables import table_vi_shown

    table = pd.DataFrame({
        "dataset": ["mnist", "synthetic-1k"], "N": [60_000, 800], "profile": ["paper", "quick"],
        "optimal_b": pd.array([256, 32], dtype="Int64"), "tied_b": [[64, 128, 256, 512], [32]],
        "peak_acc": [99.12, 91.0],
        "critical_b": pd.array([1024, pd.NA], dtype="Int64"), "critical_acc": [np.nan, np.nan],
        "critical_by": ["failed", None], "n_seeds": [3, 3], "failed_b": [[1024], []], "one_run_b": [[8], []],
        "paper N": [60_000, 1000], "paper optimal B": [64, 32], "paper B*": [256, 64],
        "B* at paper's": [0.0, np.nan], "B* within 2×": [0.005, np.nan], "B* farther": [0.995, np.nan],
        "verdict (optimal B)": ["not reproduced", "not testable"], "verdict (B*)": ["not reproduced", "not testable"]})
    shown = table_vi_shown(table)
    assert list(shown["data set"]) == ["Small synthetic (1K)", "MNIST"]
    mnist = shown.iloc[1]
    assert (mnist["optimal B: ours / paper"], mnist["B*: ours / paper"], mnist["accuracy at B* (%)"]) == (
        "256 / 64", "1024 / 256", "failed")
    assert (mnist["N: ours / paper"], mnist["not counted"]) == ("60,000 / 60,000", "failed: 1024; one run: 8")
    assert mnist["B tied with our optimal B"] == "64, 128, 256, 512"  # what the optimal B's verdict grades
    assert list(shown.columns).index("B tied with our optimal B") == 4  # beside "optimal B: ours / paper"
    assert (shown.iloc[0]["B*: ours / paper"], shown.iloc[0]["not counted"]) == ("— / 64", "—")
    assert mnist["B* over seed resamples (%): paper's / within 2× / farther"] == "0.0 / 0.5 / 99.5"  # B*'s grade
    assert shown.iloc[0]["B* over seed resamples (%): paper's / within 2× / farther"] == "— / — / —"
    assert len(shown.columns) == 12 and "profile" not in shown


def test_a_chained_format_reformats_its_column_and_leaves_the_others_in_the_house_style():
    """pandas' `Styler.format({column: f})` resets every other column to 6 decimals (a Pearson r of 0.129068)."""
    table = pd.DataFrame({"r": [0.129068], "p": [0.7213]})
    html = book.styled(table, 3).format({"p": "{:.1f}"}).to_html()
    assert ">0.13<" in html and ">0.7<" in html and "0.129068" not in html


def test_a_figure_links_to_the_library_function_that_drew_it():
    """Issue 25: the code behind a figure, one click from its caption (the site's copy of the module's source)."""
    from batchsize import plots

    fig = plots.seeds_by_dataset(pd.DataFrame({"dataset": ["mnist"] * 2, "seed": [42, 43], "test_acc": [98.0, 99.0],
                                               "batch_size": [64, 64]}), "test_acc")
    assert fig.get_label() == "batchsize.plots.seeds_by_dataset"
    plt.close(fig)
    assert book.code_link(fig.get_label()) == (
        ' · <a href="../_modules/batchsize/plots.html#seeds_by_dataset">The code that drew it '
        "(<code>batchsize.plots.seeds_by_dataset</code>)</a>")
    assert book.code_link("") == book.code_link("matplotlib.figure") == ""


def test_a_table_links_to_the_library_function_that_published_it(monkeypatch):
    """Issue 25: a table's code, one click from its caption, as a figure's is: the library function that made and
    published it; a chapter's own table links nowhere (its cell shows its code)."""
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda what: shown.append(getattr(what, "data", what)))
    table = pd.DataFrame({"seed": [42], "test_acc": [98.0]})
    namespace = {"__name__": "batchsize.pages_example", "book": book, "table": table}
    exec("def made():\n    book.publish(table, 'Caption.', table, 'Table X')", namespace)
    namespace["made"]()
    assert shown[-1].endswith('· <a href="../_modules/batchsize/pages_example.html#made">The code that made it '
                              "(<code>batchsize.pages_example.made</code>)</a></p>")
    book.publish(table, "Caption.", table, "Table X")  # called from this test module: outside the library
    assert "The code that" not in shown[-1]


def test_a_table_names_its_data_sets_as_the_book_does_and_its_csv_keeps_the_ids():
    table = pd.DataFrame({"dataset": ["synthetic-1k", "cifar10"], "test_acc": [90.0, 75.0]})
    html = book.styled(table).to_html()
    assert ">data set<" in html and f">{DATASET_NAMES['cifar10']}<" in html and ">cifar10<" not in html
    assert list(table["dataset"]) == ["synthetic-1k", "cifar10"]


def test_a_caption_title_names_data_sets_as_the_book_does():
    assert captions.reader_words("Table IV cifar10") == f"Table IV {DATASET_NAMES['cifar10']}"
    assert captions.reader_words("Fig. 9 synthetic-1k, mnist") == \
        f"Fig. 9 {DATASET_NAMES['synthetic-1k']}, {DATASET_NAMES['mnist']}"
    assert captions.reader_words("fashion-mnist-like mnist2") == "fashion-mnist-like mnist2"  # only whole ids


def test_an_interval_folds_beside_its_estimate_whatever_words_its_name_holds():
    """Only the bound's own trailing word turns "low" into "high": a name with "lower" or "below" in it folded
    nothing (review 4's target-sensitivity columns had to be renamed around it)."""
    import pandas as pd

    from batchsize import book

    table = pd.DataFrame({"ratio 0.1 pp below, lower target": [1.2], "ratio 0.1 pp below, lower target CI low": [1.0],
                          "ratio 0.1 pp below, lower target CI high": [1.4], "x": [3.0], "95% CI LOW": [2.0],
                          "95% CI HIGH": [4.0]})
    assert book._intervals(table) == {
        "ratio 0.1 pp below, lower target": ("ratio 0.1 pp below, lower target CI low",
                                             "ratio 0.1 pp below, lower target CI high"),
        "x": ("95% CI LOW", "95% CI HIGH")}


def test_an_interval_folds_whatever_the_case_of_its_bounds_names():
    """"CI Low" pairs with "CI High" (it looked for "CI high" and folded nothing), and each bound with its own
    column where the cases differ."""
    import pandas as pd

    from batchsize import book

    table = pd.DataFrame({"acc": [1.0], "CI Low": [0.5], "CI High": [1.5], "loss": [2.0], "loss ci low": [1.8],
                          "loss CI HIGH": [2.2]})
    assert book._intervals(table) == {"acc": ("CI Low", "CI High"), "loss": ("loss ci low", "loss CI HIGH")}
    assert '1.00<span class="bs-ci">[0.50, 1.50]</span>' in book.styled(table).to_html()
