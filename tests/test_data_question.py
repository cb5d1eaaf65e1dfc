"""The accuracy chapter's "Is it the data?" (issue 26 §2): the drop in test accuracy between two B per data set
(`drops.data_drops`), what MNIST, Fashion-MNIST and CIFAR-10 together say of the paper's explanation
(`drops.data_explanation`) for every outcome, and the sections when Fashion-MNIST has no runs (its files absent)."""

from types import SimpleNamespace

import pandas as pd
import pytest

from batchsize import drops, pages_accuracy

FASHION = "fashion-mnist"
DATASETS = ["mnist", FASHION, "cifar10"]
SEEDS = (42, 43, 44)


def runs(accuracy: dict[str, dict[int, float]], spread: float = 0.1, profile: str = "quick") -> pd.DataFrame:
    """Three seeds per (data set, B) at the given mean test accuracy, `spread` apart; 10.0: a collapsed cell."""
    rows = [{"dataset": d, "batch_size": b, "seed": s, "key": f"{d}-{b}-{s}", "test_acc": acc + (i - 1) * spread,
             "gap": 0.5, "outcome": "collapsed" if acc == 10.0 else "trained", "prov_profile": profile,
             "epochs": 3, "train_size": 5000, "n_train": 5000, "n_test": None, "prov_device": "cpu",
             "prov_device_name": "test CPU", "prov_commit": "abc"}
            for d, by_b in accuracy.items() for b, acc in by_b.items() for i, s in enumerate(SEEDS)]
    table = pd.DataFrame(rows)
    return table.assign(diverged=False, train_acc=table["test_acc"] + table["gap"])


def drops_of(mnist: float, fashion: float | None, cifar: float, spread: float = 0.1) -> pd.DataFrame:
    """`data_drops` of runs whose accuracy falls by the given pp from B = 32 to 512 (None: no Fashion-MNIST runs)."""
    falls = {"mnist": mnist, FASHION: fashion, "cifar10": cifar}
    return drops.data_drops(runs({d: {32: 95.0, 512: 95.0 - f} for d, f in falls.items() if f is not None},
                                     spread), DATASETS)


def explained(*args, **kwargs) -> str:
    return drops.data_explanation(drops_of(*args, **kwargs), FASHION)


def test_the_drop_is_between_the_papers_b_or_the_ones_all_data_sets_share_nearest():
    assert drops.drop_ends(runs({"mnist": {32: 99.0, 512: 99.0}, "cifar10": {32: 80.0, 512: 60.0}})) == (32, 512)
    quick = runs({"mnist": dict.fromkeys((1, 8, 32, 128, 256), 97.0), "cifar10": dict.fromkeys((8, 32, 64, 256), 30.0)})
    assert drops.drop_ends(quick) == (32, 256)
    assert drops.drop_ends(runs({"mnist": {16: 90.0, 128: 90.0}, "cifar10": {16: 30.0, 128: 30.0}})) == (16, 128)
    assert drops.drop_ends(runs({"mnist": {16: 90.0, 32: 90.0}, "cifar10": {64: 30.0, 128: 30.0}})) is None
    table = drops_of(0.2, 20.0, 21.0)
    assert list(table["dataset"]) == DATASETS and table["drop (pp)"].round(2).tolist() == [0.2, 20.0, 21.0]
    assert (table["CI low"] < table["drop (pp)"]).all() and (table["seeds"] == 3).all()


def test_a_harder_data_set_that_degrades_like_cifar_supports_the_explanation():
    text = explained(0.2, 20.9, 21.0)
    assert "**The “harder data” explanation gains support:**" in text
    assert "loses as much as CIFAR-10 (their intervals overlap) and more than MNIST" in text
    assert "“MNIST’s resilience is attributable to its low intra-class variation" in text  # the paper's words
    assert "From B = 32 to B = 512, the drop in test accuracy (mean over the runs that trained, 95 % Welch " \
        "interval) is MNIST: 0.20 pp [" in text


def test_a_harder_data_set_as_flat_as_mnist_points_at_the_recipe():
    text = explained(0.2, 0.1, 21.0)
    assert "**Against the “harder data” explanation:**" in text
    assert "Fashion-MNIST loses as much as MNIST (their intervals overlap) and less than CIFAR-10" in text
    assert "its optimizer (Adam, not SGD with momentum)" in text and "its data augmentation" in text
    assert "its epochs (50, not 12)" in text


def test_it_cannot_tell_without_fashion_mnist_or_when_the_intervals_overlap_both():
    assert "**Cannot tell yet:** Fashion-MNIST has no drop with an interval here." in explained(0.2, None, 21.0)
    assert "overlaps both MNIST's and CIFAR-10's" in explained(0.0, 3.0, 6.0, spread=1.0)
    overlap = "**Cannot tell:** CIFAR-10 loses no more than MNIST here (their intervals overlap)"
    assert overlap in explained(0.2, 10.0, 0.3)
    assert "**Both play a part:**" in explained(0.2, 10.0, 21.0)
    with_one_seed = drops_of(0.2, 20.0, 21.0).assign(**{"CI low": float("nan"), "CI high": float("nan")})
    assert "**Cannot tell yet:** MNIST and Fashion-MNIST and CIFAR-10 have no drop" in drops.data_explanation(
        with_one_seed, FASHION)


def test_a_collapse_at_the_large_b_is_the_largest_drop_not_a_missing_one():
    table = drops.data_drops(runs({"mnist": {32: 99.0, 512: 98.9}, FASHION: {32: 90.0, 512: 89.9},
                                       "cifar10": {32: 80.0, 512: 10.0}}), DATASETS)
    assert table.set_index("dataset")["large B failed"].to_dict() == {"mnist": False, FASHION: False, "cifar10": True}
    text = drops.data_explanation(table, FASHION)
    assert "CIFAR-10: a collapse (most runs at B = 512 did not train)" in text and "**Against" in text
    mnist_collapses = table.assign(**{"large B failed": table["dataset"] != FASHION})
    assert "**Cannot tell:** CIFAR-10 loses no more than MNIST here (MNIST's runs collapse at the large B)" in \
        drops.data_explanation(mnist_collapses, FASHION)


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    """The text of what the accuracy pages display (Markdown, captions), in order."""
    out = []
    record = lambda what: out.append(str(getattr(what, "data", what)))  # noqa: E731
    monkeypatch.setattr("IPython.display.display", record)
    monkeypatch.setattr(pages_accuracy, "display", record)
    return out


def test_without_fashion_mnist_runs_its_section_says_how_to_get_them_and_the_question_cannot_tell(shown):
    chapter = SimpleNamespace(profile="quick")  # one profile: `is_it_the_data` needs no other runs
    pages_accuracy.beyond_paper(chapter, pd.DataFrame(), FASHION)
    assert len(shown) == 1 and "`make data`" in shown[0] and "data/fashion-mnist/" in shown[0]
    present = runs({"mnist": {32: 97.0, 256: 96.9}, "cifar10": {32: 33.0, 256: 24.0}})
    pages_accuracy.is_it_the_data(chapter, pd.concat([present, pd.DataFrame()]), FASHION)
    assert "From B = 32 to B = 256" in shown[-1] and "**Cannot tell yet:** Fashion-MNIST has no drop" in shown[-1]
    assert "Scale: **reduced scale** (profile `quick`): MNIST (3 epochs, 5,000 training examples, 3 seeds)" in shown[-1]
    assert "no runs" in shown[1] and "<svg" in shown[3]  # the table's row for Fashion-MNIST, the figure


def test_a_chapter_without_fashion_mnist_files_gets_no_runs_instead_of_an_error(tmp_path, monkeypatch):
    """Its smoke runs are not in a fresh store and its files are nowhere (not even Debian's folder): the section's
    runs are empty, so the chapter renders with a note rather than failing."""
    import dataclasses

    from batchsize import book
    from batchsize.data import DataError, load_dataset
    from batchsize.datasets import DATASETS

    entry = DATASETS[FASHION]
    monkeypatch.setitem(DATASETS, FASHION, dataclasses.replace(
        entry, source=dataclasses.replace(entry.source, system_roots=())))
    monkeypatch.delenv("BATCHSIZE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./data here
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError):
        load_dataset(FASHION, empty)
    chapter = book.Chapter([FASHION], "smoke", data_dir=str(empty), store=str(tmp_path / "store"))
    assert pages_accuracy.runs_if_data(chapter, FASHION).empty


def gap_runs(rises: dict[str, float | None], spread: float = 0.1) -> pd.DataFrame:
    """Runs whose gap Δ rises by the given pp from B = 32 to 512 (None: a data set at chance at B = 512)."""
    table = runs({d: {32: 95.0, 512: 95.0 if r is not None else 10.0} for d, r in rises.items()}, spread)
    rise = table["dataset"].map(lambda d: rises[d] or 0.0)
    gap = 1.0 + (table["batch_size"] == 512) * rise + (table["seed"] - 43) * spread
    return table.assign(gap=gap, train_acc=table["test_acc"] + gap)


@pytest.mark.parametrize(("rises", "said"), [
    ({"mnist": 0.1, FASHION: 0.2, "cifar10": 15.0}, "as much as MNIST (their intervals overlap) and less"),
    ({"mnist": 0.1, FASHION: 14.9, "cifar10": 15.0}, "more than MNIST (intervals apart) and as much as CIFAR-10"),
    ({"mnist": 0.1, FASHION: 5.0, "cifar10": 15.0}, "more than MNIST (intervals apart) and less than CIFAR-10"),
    ({"mnist": 0.1, FASHION: None, "cifar10": 15.0}, "cannot be compared"),
])
def test_the_gap_rise_of_a_harder_data_set_compares_with_both_either_way(rises, said):
    table = drops.gap_rises(gap_runs(rises), DATASETS)
    assert table.loc[table["dataset"] == "cifar10", drops.RISE].iloc[0] == pytest.approx(15.0)
    text = drops.gap_rise_text(table, FASHION)
    assert text.startswith("From B = 32 to B = 512 the gap Δ changes by") and said in text
