"""What a comparison of data sets between two B is read beside (`readings`): a hump in Δ against B is said to be
one, with a slope on each side, never read off one line as flat; and the gap's rise at paper scale stands beside the
paper's own tables, which may agree with ours where its Fig. 5 caption does not. (A failed cell and a data set's
difficulty by its own accuracy: tests/test_data_question.py.)"""

import numpy as np
import pandas as pd
import pytest
from test_claims_shapes import gaps
from test_data_question import FASHION, ONE_SCALE, runs
from test_report import verdict

from batchsize import drops, paper, readings
from batchsize.stats import NOT_REPRODUCED, Estimate
from batchsize.style import number

EPOCHS = {"mnist": 12, "cifar10": 50, FASHION: 12}  # the paper's: runs of the paper profile that trained this long
HUMP = {1: 1.0, 8: 3.2, 16: 4.4, 32: 5.2, 64: 4.5, 128: 3.4, 256: 1.0, 512: 0.5}  # Δ rising to B = 32, then falling


def with_gap(table: pd.DataFrame, gap: dict[str, dict[int, float]], spread: float = 0.1) -> pd.DataFrame:
    """`table` with Δ per (data set, B) as given (a data set not in `gap` keeps its own), `spread` apart by seed."""
    given = [gap.get(d, {}).get(b, np.nan) for d, b in zip(table["dataset"], table["batch_size"], strict=True)]
    gaps_ = pd.Series(given, index=table.index).fillna(table["gap"]) + (table["seed"] - 43) * spread
    return table.assign(gap=gaps_, train_acc=table["test_acc"] + gaps_)


def at_paper(accuracy: dict[str, dict[int, float]], **columns) -> pd.DataFrame:
    """Runs of the paper profile, trained for the paper's epochs (`runtable.at_paper_scale`), of the recipe's rule."""
    table = runs(accuracy, profile="paper")
    return table.assign(epochs=table["dataset"].map(EPOCHS), lr_rule="linear", warmup_epochs=0, **columns)


def test_a_humped_gap_gives_its_peak_and_a_slope_on_each_side():
    humped = with_gap(runs({"cifar10": dict.fromkeys(HUMP, 70.0)}), {"cifar10": HUMP})
    slope = readings.gap_slope(humped)
    assert slope.peak == 32 and slope.below.low > 0 and slope.above.high < 0
    assert slope.low < 0 < slope.high  # one line through the hump: near zero, as CIFAR-10's at paper scale
    assert "but not monotonic: it peaks at B = 32" in slope.shape_text(" pp per doubling")
    rising = with_gap(humped, {"cifar10": {b: float(np.log2(b)) for b in HUMP}})
    assert readings.gap_slope(rising).peak is None and readings.gap_slope(rising).low > 0
    plateau = with_gap(humped, {"cifar10": {**HUMP, 1: 4.9, 8: 5.0, 16: 5.1}})  # no cell below it before the peak
    assert readings.peak_inside(plateau) is None
    assert readings.gap_slope(plateau).shape_text() == readings.gap_slope(plateau).text()


def test_a_hump_is_said_to_be_one_never_flat():
    humped = readings.gap_slope(with_gap(runs({"cifar10": dict.fromkeys(HUMP, 70.0)}), {"cifar10": HUMP}))
    text = readings.gap_slopes_text({"mnist": Estimate(-0.02, -0.03, -0.01, 25), "cifar10": humped}, ONE_SCALE)
    assert "CIFAR-10's Δ is not monotonic in B: it peaks inside the range of B; it rises up to B = 32, and falls " \
        "from there on." in text
    assert "flat" not in text and "does not show the paper's Fig 5 reading" in text
    line = Estimate(humped.mean, humped.low, humped.high, humped.n)  # the same slope without its shape
    assert "cannot tell it from flat" in readings.gap_slopes_text({"mnist": humped, "cifar10": line}, ONE_SCALE)


def test_the_reports_gap_rule_names_a_hump_and_grades_it_as_no_monotonic_rise():
    table = with_gap(gaps({"cifar10": 0.0, "synthetic-1k": 0.5, "mnist": 0.0}),
                     {"cifar10": {32: 1.0, 64: 4.0, 128: 2.5, 256: 1.0}}, spread=0.05)
    ours, found = verdict("gap-ordering", accuracy=table)
    assert found == NOT_REPRODUCED and "CIFAR-10 " in ours and "but not monotonic: it peaks at B = 64" in ours


def rises_at_paper(cifar_gap: dict[int, float]) -> pd.DataFrame:
    table = with_gap(at_paper({"mnist": {32: 98.7, 256: 99.1}, "cifar10": {32: 76.0, 256: 61.6},
                               FASHION: {32: 90.0, 256: 89.0}}), {"mnist": {32: 0.6, 256: 0.6}, "cifar10": cifar_gap})
    return drops.gap_rises(table, ["mnist", FASHION, "cifar10"], (32, 256))


def test_the_gaps_rise_at_paper_scale_stands_beside_the_papers_own_tables():
    iv, iii = (paper.accuracy_table(d).set_index("B")["gap"] for d in ("cifar10", "mnist"))
    falls = rises_at_paper({32: 5.2, 256: 1.0})
    theirs = falls.set_index("dataset")[drops.PAPER_RISE]
    assert theirs["cifar10"] == pytest.approx(iv[256] - iv[32]) and theirs["mnist"] == pytest.approx(iii[256] - iii[32])
    assert np.isnan(theirs[FASHION])
    text = drops.scale_contrast(falls.drop(index=1), {FASHION: (0, 18)})
    assert f"(n = 3), in the paper's Table IV {number(iv[256] - iv[32], 'pp')} pp" in text
    assert "CIFAR-10's Δ falls, and its change is below MNIST's (intervals apart), as the paper's own tables order " \
        "them" in text
    for said in (text, drops.gap_rise_text(falls, FASHION)):  # the caption is said once, by `paper_order`
        assert said.count("Fig. 5 caption") == 1 and "as the paper's own Table IV has it" not in said
    assert "rise is smaller" not in text  # a fall is called one
    assert "Fashion-MNIST: " in drops.gap_rise_text(falls, FASHION) and "not in the paper's tables" in \
        drops.gap_rise_text(falls, FASHION)
    rises = drops.scale_contrast(rises_at_paper({32: 1.0, 256: 5.2}).drop(index=1), {})
    assert "CIFAR-10's Δ rises, unlike the paper's own Table IV (where it falls); in the direction of its Fig. 5 " \
        "caption, which has it rising steepest: how steep, only the other data sets' rises tell." in rises
    reduced = runs({"mnist": {32: 97.0, 256: 96.0}, "cifar10": {32: 33.0, 256: 30.0}})  # the quick profile's
    assert drops.PAPER_RISE not in drops.gap_rises(reduced, ["mnist", "cifar10"])


def test_a_change_our_seeds_cannot_tell_from_none_is_no_contradiction_of_the_caption():
    level = rises_at_paper({32: 3.0, 256: 3.0})
    assert readings.paper_reading(level, "cifar10") == " Our seeds cannot tell CIFAR-10's change in Δ from none."
    assert "caption" not in drops.scale_contrast(level.drop(index=1), {})
