"""The accuracy chapter's "Is it the data?" (issue 26 §2): the drop in test accuracy between two B per data set
(`drops.data_drops`), what MNIST, Fashion-MNIST and CIFAR-10 together say of the paper's explanation
(`drops.data_explanation`) for every outcome, and the sections when Fashion-MNIST has no runs (its files absent)."""

from types import SimpleNamespace

import pandas as pd
import pytest

from batchsize import drop_pairs, drops, pages_accuracy, pages_beyond, readings
from batchsize.stats import Estimate

FASHION = "fashion-mnist"
DATASETS = ["mnist", FASHION, "cifar10"]
SEEDS = (42, 43, 44)
ONE_SCALE = {"mnist": "quick", "cifar10": "quick"}  # `gap_slopes_text`'s profiles where the slopes may be compared


def runs(accuracy: dict[str, dict[int, float]], spread: float = 0.1, profile: str = "quick") -> pd.DataFrame:
    """Three seeds per (data set, B) at the given mean test accuracy, `spread` apart; 10.0: a collapsed cell."""
    rows = [{"dataset": d, "batch_size": b, "seed": s, "key": f"{d}-{b}-{s}", "test_acc": acc + (i - 1) * spread,
             "gap": 0.5, "outcome": "collapsed" if acc == 10.0 else "trained", "prov_profile": profile,
             "epochs": 3, "train_size": 5000, "n_train": 5000, "n_test": None, "prov_device": "cpu",
             "prov_device_name": "test CPU", "prov_commit": "abc"}
            for d, by_b in accuracy.items() for b, acc in by_b.items() for i, s in enumerate(SEEDS)]
    table = pd.DataFrame(rows)
    return table.assign(diverged=False, train_acc=table["test_acc"] + table["gap"])


BASE = {"mnist": 99.0, FASHION: 90.0, "cifar10": 80.0}  # each one's accuracy at B = 32: Fashion-MNIST the harder


def drops_of(mnist: float, fashion: float | None, cifar: float, spread: float = 0.1,
             base: dict[str, float] | None = None) -> pd.DataFrame:
    """`data_drops` of runs whose accuracy falls by the given pp from B = 32 (at `base`, default `BASE`) to 512
    (None: no Fashion-MNIST runs)."""
    falls, base = {"mnist": mnist, FASHION: fashion, "cifar10": cifar}, base or BASE
    return drops.data_drops(runs({d: {32: base[d], 512: base[d] - f} for d, f in falls.items() if f is not None},
                                 spread), DATASETS)


def explained(*args, **kwargs) -> str:
    return drops.data_explanation(drops_of(*args, **kwargs), FASHION)


def test_the_drop_is_between_the_papers_b_or_the_ones_all_data_sets_share_nearest():
    assert drop_pairs.drop_ends(runs({"mnist": {32: 99.0, 512: 99.0}, "cifar10": {32: 80.0, 512: 60.0}})) == (32, 512)
    quick = runs({"mnist": dict.fromkeys((1, 8, 32, 128, 256), 97.0), "cifar10": dict.fromkeys((8, 32, 64, 256), 30.0)})
    assert drop_pairs.drop_ends(quick) == (32, 256)
    assert drop_pairs.drop_ends(runs({"mnist": {16: 90.0, 128: 90.0}, "cifar10": {16: 30.0, 128: 30.0}})) == (16, 128)
    assert drop_pairs.drop_ends(runs({"mnist": {16: 90.0, 32: 90.0}, "cifar10": {64: 30.0, 128: 30.0}})) is None
    table = drops_of(0.2, 20.0, 21.0)
    assert list(table["dataset"]) == DATASETS and table["drop (pp)"].round(2).tolist() == [0.2, 20.0, 21.0]
    assert (table["CI low"] < table["drop (pp)"]).all() and (table[readings.RUNS] == 3).all()


def test_a_harder_data_set_that_degrades_like_cifar_supports_the_explanation():
    text = explained(0.2, 20.9, 21.0)
    assert "**The “harder data” explanation gains support:**" in text
    assert "Fashion-MNIST is harder than MNIST in one measured sense: its best test accuracy here, " \
        "90.00 % [" in text and "lies below MNIST's, 99.00 % [" in text and "is not measured" in text
    assert "its drop is larger than MNIST's (intervals apart) and not told apart from CIFAR-10's by our seeds " \
        "(their intervals overlap)" in text
    assert "“MNIST’s resilience is attributable to its low intra-class variation" in text  # the paper's words
    assert "**From B = 32 to B = 512**, the drop in test accuracy (mean over the runs that trained, 95 % Welch " \
        "interval) is MNIST: 0.20 pp [" in text


def test_a_harder_data_set_as_flat_as_mnist_points_at_the_recipe():
    text = explained(0.2, 0.1, 21.0)
    assert "**Against the “harder data” explanation:**" in text
    assert "Fashion-MNIST's drop is not told apart from MNIST's by our seeds (their intervals overlap) and smaller " \
        "than CIFAR-10's (intervals apart)" in text
    assert "its optimizer (Adam, not SGD with momentum)" in text and "its data augmentation" in text
    assert "its epochs (50, not 12)" in text
    assert "or a kind of difficulty CIFAR-10's images have and Fashion-MNIST's do not" in text  # not "the cause"
    assert "the cause lies" not in text and "likely" not in text


def test_a_data_set_no_harder_than_mnist_by_its_own_accuracy_tests_nothing_by_harder_data():
    """Fashion-MNIST's difficulty is measured by its own accuracy and no more: where its best does not lie below
    MNIST's, the drops (here as CIFAR-10's) are not read as support."""
    level = drops_of(0.2, 20.9, 21.0, base={"mnist": 99.0, FASHION: 99.0, "cifar10": 80.0})
    text = drops.data_explanation(level, FASHION)
    assert "Fashion-MNIST is not harder than MNIST by its own accuracy here: its best test accuracy, 99.00 % [" in text
    assert "(their intervals overlap)" in text and "gains support" not in text
    assert text.endswith("**Cannot tell:** a data set no harder than MNIST by its own accuracy does not test an "
                         "explanation by harder data.")
    assert drops.data_explanation(drops_of(0.2, 20.9, 21.0), FASHION).count("is harder than MNIST") == 1


def test_it_cannot_tell_without_fashion_mnist_or_when_the_intervals_overlap_both():
    assert "**Cannot tell yet:** Fashion-MNIST has no drop with an interval here." in explained(0.2, None, 21.0)
    assert "overlaps both MNIST's and CIFAR-10's" in explained(0.0, 3.0, 6.0, spread=1.0)
    overlap = explained(0.2, 10.0, 0.3)
    assert "**Cannot tell at this scale:** our seeds cannot tell CIFAR-10's drop from MNIST's (their intervals " \
        "overlap), so there is no MNIST–CIFAR-10 difference yet against which to place Fashion-MNIST's drop." in overlap
    verdict = overlap.split("is not measured. ")[1]  # after what is measured of Fashion-MNIST's difficulty
    assert "no more" not in verdict and "as much as" not in verdict  # overlapping intervals show neither
    assert "CIFAR-10's drop is smaller than MNIST's (intervals apart), the reverse of the paper's reading, so there " \
        "is no MNIST–CIFAR-10 difference in the paper's direction against which to place" in explained(5.0, 10.0, 0.3)
    assert "**Both play a part:**" in explained(0.2, 10.0, 21.0)
    with_one_seed = drops_of(0.2, 20.0, 21.0).assign(**{"CI low": float("nan"), "CI high": float("nan")})
    assert "**Cannot tell yet:** MNIST and Fashion-MNIST and CIFAR-10 have no drop" in drops.data_explanation(
        with_one_seed, FASHION)


def test_a_failed_cell_makes_the_comparison_test_the_recipe_not_the_data():
    """A collapse is no drop for the data to explain: wherever a compared cell failed (CIFAR-10's here, or
    Fashion-MNIST's beside an MNIST cell with a run at chance, as at reduced scale), the comparison says it tests the
    recipe's failures and reads as support neither way."""
    table = drops.data_drops(runs({"mnist": {32: 99.0, 512: 98.9}, FASHION: {32: 90.0, 512: 89.9},
                                   "cifar10": {32: 80.0, 512: 10.0}}), DATASETS)
    assert table.set_index("dataset")["large B failed"].to_dict() == {"mnist": False, FASHION: False, "cifar10": True}
    assert table["failed B"].tolist() == [[], [], [512]]
    text = drops.data_explanation(table, FASHION)
    assert "CIFAR-10: a collapse (most runs at B = 512 did not train)" in text
    assert "**This tests the failures of the recipe, not the data:** a cell compared here failed (at least half of " \
        "its runs at chance): CIFAR-10 (B = 512: 3 of 3 runs at chance, failed)." in text
    assert "read as support neither way" in text and "**Against" not in text and "gains support" not in text
    quick = runs({"mnist": {32: 97.0, 256: 93.5}, FASHION: {32: 85.0, 256: 10.0}, "cifar10": {32: 33.0, 256: 24.0}})
    quick.loc[(quick["dataset"] == "mnist") & (quick["batch_size"] == 256) & (quick["seed"] == 42), "outcome"] = \
        "collapsed"
    quick.loc[(quick["dataset"] == FASHION) & (quick["batch_size"] == 256) & (quick["seed"] == 44), "outcome"] = \
        "trained"
    said = drops.data_explanation(drops.data_drops(quick, DATASETS), FASHION)
    assert "at chance): Fashion-MNIST (B = 256: 2 of 3 runs at chance, failed); runs at chance in the other cells: " \
        "MNIST (B = 256: 1 of 3 runs at chance, left out)." in said
    assert "Fashion-MNIST is harder than MNIST in one measured sense" in said  # still said: what is measured of it
    every = drops.data_explanation(drops_of(0.2, 20.9, 21.0), FASHION)  # every cell trained: the test is read
    assert "failures of the recipe" not in every and "gains support" in every


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    """The text of what the accuracy pages display (Markdown, captions), in order."""
    out = []
    record = lambda what: out.append(str(getattr(what, "data", what)))  # noqa: E731
    monkeypatch.setattr("IPython.display.display", record)
    monkeypatch.setattr(pages_accuracy, "display", record)
    monkeypatch.setattr(pages_beyond, "display", record)
    return out


def test_without_fashion_mnist_runs_its_section_says_how_to_get_them_and_the_question_cannot_tell(shown):
    chapter = SimpleNamespace(profile="quick")  # one profile: `is_it_the_data` needs no other runs
    pages_beyond.beyond_paper(chapter, pd.DataFrame(), FASHION)
    assert len(shown) == 1 and "`make data`" in shown[0] and "data/fashion-mnist/" in shown[0]
    present = runs({"mnist": {32: 97.0, 256: 96.9}, "cifar10": {32: 33.0, 256: 24.0}})
    with pd.option_context("display.max_columns", None, "display.width", 1000):  # the table's every column shown
        pages_beyond.is_it_the_data(chapter, pd.concat([present, pd.DataFrame()]), FASHION)
    assert "from B = 32 to B = 256" in shown[-1] and "**Cannot tell yet:** Fashion-MNIST has no drop" in shown[-1]
    assert "Scale: **reduced scale** (profile `quick`): MNIST (3 epochs, 5,000 training examples, 3 seeds)" in shown[-1]
    assert "no runs" in shown[1] and "<svg" in shown[3]  # the table's row for Fashion-MNIST, the figure


def test_a_data_set_beyond_the_paper_shows_a_failed_cell_as_tables_iii_and_iv_do(monkeypatch):
    """Fashion-MNIST at B = 256: two runs at chance and one that trained; its accuracy is no seed mean (blank, as
    Tables III and IV show a failed B), and the one that trained is named with n = 1."""
    published = []
    monkeypatch.setattr(pages_beyond.book, "publish", lambda what, caption, data, *a, **k: published.append(data))
    table = runs({FASHION: {32: 85.0, 256: 10.0}}).assign(median_epoch_time=1.0)
    table.loc[(table["batch_size"] == 256) & (table["seed"] == 44), ["outcome", "test_acc"]] = ["trained", 79.83]
    pages_beyond.beyond_paper(SimpleNamespace(profile="quick"), table, FASHION)
    rows = published[-1].set_index("batch_size")
    assert pd.isna(rows.loc[256, "test_acc"]) and pd.isna(rows.loc[256, "gap"])
    assert rows.loc[256, "cell"] == "failed: 2 of 3 runs at chance; the one that trained 79.83 %, n = 1"
    assert rows.loc[32, "test_acc"] == pytest.approx(85.0) and rows.loc[32, "cell"] == "measured: n = 3"


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
    ({"mnist": 0.1, FASHION: 0.2, "cifar10": 15.0},
     "its change is not told apart from MNIST's by our seeds (their intervals overlap) and below CIFAR-10's"),
    ({"mnist": 0.1, FASHION: 14.9, "cifar10": 15.0},
     "above MNIST's (intervals apart) and not told apart from CIFAR-10's by our seeds"),
    ({"mnist": 0.1, FASHION: 5.0, "cifar10": 15.0},
     "above MNIST's (intervals apart) and below CIFAR-10's"),
    ({"mnist": 0.1, FASHION: None, "cifar10": 15.0}, "**This tests the failures of the recipe, not the data:** a "
     "cell compared here failed (at least half of its runs at chance): Fashion-MNIST (B = 512: 3 of 3 runs at chance, "
     "failed). A recipe that does not train at a B leaves no change in Δ there"),
    ({"mnist": 0.1, FASHION: 5.0, "cifar10": 0.2},
     "**Cannot tell at this scale:** our seeds cannot tell CIFAR-10's change in Δ from MNIST's (their intervals "
     "overlap)"),
    ({"mnist": 5.0, FASHION: 5.0, "cifar10": 0.2}, "CIFAR-10's change in Δ is below MNIST's (intervals apart), the "
     "reverse of the paper's reading"),
])
def test_the_gap_rise_of_a_harder_data_set_compares_with_both_either_way(rises, said):
    table = drops.gap_rises(gap_runs(rises), DATASETS)
    assert table.loc[table["dataset"] == "cifar10", drops.RISE].iloc[0] == pytest.approx(rises["cifar10"])
    text = drops.gap_rise_text(table, FASHION)
    assert text.startswith("From B = 32 to B = 512 the gap Δ changes by") and said in text


def shifted_grid() -> pd.DataFrame:
    """MNIST and CIFAR-10 at B = 16, 32, 256, 512 and 1024, Fashion-MNIST at 16, 32 and 1024 only: the B all three
    share nearest to §VII's are 32 and 1024, not either pair fixed in advance. Δ grows by 1 pp per 128 of B."""
    table = runs({"mnist": dict.fromkeys((16, 32, 256, 512, 1024), 97.0), FASHION: dict.fromkeys((16, 32, 1024), 88.0),
                  "cifar10": dict.fromkeys((16, 32, 256, 512, 1024), 70.0)})
    gap = 1.0 + table["batch_size"] / 128 + (table["seed"] - 43) * 0.1
    return table.assign(gap=gap, train_acc=table["test_acc"] + gap)


def test_the_gap_side_reads_the_pairs_fixed_in_advance_not_those_the_shared_b_would_pick():
    grid = shifted_grid()
    assert drop_pairs.drop_ends(grid) == (32, 1024)  # what the gap side read before: a pair of no one's choosing
    rises = drops.pair_rises(grid, DATASETS)
    pairs = drop_pairs.data_pairs()
    assert rises[drop_pairs.PAIR].tolist() == [label for label in pairs for _ in DATASETS]  # a row per set per pair
    assert rises["dataset"].tolist() == DATASETS * len(pairs)
    for label, (small, large) in pairs.items():
        part = rises[rises[drop_pairs.PAIR] == label].set_index("dataset")
        assert (part["B small"] == small).all() and (part["B large"] == large).all()
        assert part.loc["mnist", drops.RISE] == pytest.approx((large - small) / 128)
        assert part.loc[FASHION, "note"] == f"no runs at B = {large}" and pd.isna(part.loc[FASHION, drops.RISE])
    assert 1024 not in set(rises["B large"])
    accuracy = drops.pair_drops(grid, DATASETS)  # the accuracy side reads the very same pairs
    assert accuracy[drop_pairs.PAIR].tolist() == rises[drop_pairs.PAIR].tolist()
    text = drops.gap_rise_text(rises, FASHION)
    seventh, below = text.split("\n\n")  # one paragraph per pair, labelled as the accuracy side's
    assert seventh.startswith("*§VII's pair.* From B = 32 to B = 512 the gap Δ changes by")
    assert below.startswith("*The pair below 512.* From B = 32 to B = 256 the gap Δ changes by")
    assert "B = 1024" not in text and "Fashion-MNIST: no interval (no runs at B = 512)" in seventh


def test_where_no_declared_pair_is_in_the_runs_the_gap_side_falls_back_to_the_nearest_and_says_so():
    grid = shifted_grid()
    nearest = grid[grid["batch_size"].isin([16, 1024])]
    rises = drops.pair_rises(nearest, DATASETS)
    assert rises[drop_pairs.PAIR].tolist() == [drop_pairs.NEAREST] * 3 and set(rises["B small"]) == {16}
    assert drops.gap_rise_text(rises, FASHION).startswith("*Nearest.* From B = 16 to B = 1024 the gap Δ changes by")
    none = drops.pair_rises(grid[grid["batch_size"] == 16], DATASETS)
    assert none[drop_pairs.PAIR].tolist() == [drop_pairs.NEAREST] * 3
    assert drops.gap_rise_text(none, FASHION) == ("*Nearest.* The data sets share no two batch sizes, so their gaps' "
                                                  "rises cannot be compared.")


def test_paper_scale_says_what_it_says_between_the_same_b_and_what_the_test_waits_for():
    """Where Fashion-MNIST has only reduced-scale runs, MNIST's and CIFAR-10's paper-scale drops between the B of the
    reduced comparison are set beside it, compared, and the missing runs counted."""
    paper_runs = runs({"mnist": {32: 98.7, 256: 99.1, 512: 99.0}, "cifar10": {32: 76.0, 256: 61.6, 512: 50.0}},
                      profile="paper")
    table = drops.data_drops(paper_runs, ["mnist", "cifar10"], (32, 256))
    assert table["drop (pp)"].round(2).tolist() == [-0.4, 14.4]  # not 32 to 512, which `drop_ends` would pick
    text = drops.scale_contrast(table, {FASHION: (0, 18)})
    assert text.startswith("**At paper scale**, from B = 32 to B = 256, the drop in test accuracy")
    assert "CIFAR-10's drop is larger than MNIST's (intervals apart), the difference the paper puts down to the " \
        "data" in text
    assert text.endswith("The three-way test at paper scale waits for the paper runs of Fashion-MNIST (0 of 18 "
                         "stored).")
    level = runs({"mnist": {32: 98.7, 256: 98.0}, "cifar10": {32: 76.0, 256: 74.0}}, spread=3.0, profile="paper")
    close = drops.scale_contrast(drops.data_drops(level, ["mnist", "cifar10"], (32, 256)), {FASHION: (5, 18)})
    assert "CIFAR-10's drop is not told apart from MNIST's by our seeds" in close and "puts down" not in close
    lacking = drops.data_drops(paper_runs, ["mnist", "cifar10"], (32, 128))
    assert lacking["note"].tolist() == ["no runs at B = 128"] * 2 and lacking["drop (pp)"].isna().all()
    rises = drops.scale_contrast(drops.gap_rises(paper_runs, ["mnist", "cifar10"], (32, 256)), {FASHION: (0, 18)})
    assert "the gap Δ (mean over the runs that trained, 95 % Welch interval) changes by MNIST: 0.00 pp" in rises


def test_paper_scale_names_a_run_at_chance_left_out_though_no_cell_failed():
    """CIFAR-10's B = 512 with one seed of three at chance: its cell trained, so the comparison is read, and the run
    left out of the mean is named, as the reduced-scale paragraphs name theirs."""
    paper_runs = runs({"mnist": {32: 98.7, 512: 98.0}, "cifar10": {32: 76.0, 512: 50.0}}, profile="paper")
    collapsed = (paper_runs["dataset"] == "cifar10") & (paper_runs["batch_size"] == 512) & (paper_runs["seed"] == 44)
    paper_runs.loc[collapsed, ["test_acc", "outcome"]] = [10.0, "collapsed"]
    for table in (drops.gap_rises(paper_runs, ["mnist", "cifar10"], (32, 512)),
                  drops.data_drops(paper_runs, ["mnist", "cifar10"], (32, 512))):
        text = drops.scale_contrast(table, {FASHION: (0, 18)})
        assert "CIFAR-10: " in text and "failures of the recipe" not in text
        assert " Runs at chance in the cells compared: CIFAR-10 (B = 512: 1 of 3 runs at chance, left out)." in text
    assert "CIFAR-10: 26.05 pp [" in text and "(n = 2)" in text  # the drop over the two runs that trained
    every = drops.scale_contrast(drops.data_drops(paper_runs[~collapsed], ["mnist", "cifar10"], (32, 512)), {})
    assert "Runs at chance" not in every


def test_the_end_of_paper_scale_says_what_waits_and_never_that_complete_runs_are_waited_for():
    paper_runs = runs({"mnist": {32: 98.7, 256: 99.1}, "cifar10": {32: 76.0, 256: 61.6}}, profile="paper")
    table = drops.data_drops(paper_runs, ["mnist", "cifar10"], (32, 256))
    nothing = drops.scale_contrast(table, {})
    assert nothing.endswith("the difference the paper puts down to the data.") and "waits" not in nothing
    complete = drops.scale_contrast(table, {FASHION: (18, 18)})
    assert "waits" not in complete
    assert complete.endswith("Every paper run of Fashion-MNIST (18 of 18 stored) is stored, but the runs this "
                             "section has of it are not all at paper scale, so the three-way test at paper scale "
                             "is not made here.")
    both = drops.scale_contrast(table, {FASHION: (18, 18), "mnist": (3, 18)})
    assert "waits for the paper runs of MNIST (3 of 18 stored). Every paper run of Fashion-MNIST (18 of 18" in both


def mixed_scales() -> tuple[pd.DataFrame, pd.DataFrame]:
    """MNIST and CIFAR-10 at paper scale, where CIFAR-10 drops and its gap grows from B = 32 to 256 and MNIST stays
    level; all three at reduced scale (up to B = 256 only), where the seeds spread too far to tell them apart."""
    paper_runs = runs({"mnist": {32: 98.7, 64: 98.8, 256: 99.1, 512: 99.0},
                       "cifar10": {32: 76.0, 64: 74.0, 256: 61.6, 512: 50.0}}, profile="paper")
    cifar, level = paper_runs["dataset"].eq("cifar10"), 0.5 + (paper_runs["seed"] - 43) * 0.1
    paper_runs = paper_runs.assign(gap=level.where(~cifar, (100.0 - paper_runs["test_acc"]) / 10),
                                   epochs=paper_runs["dataset"].map({"mnist": 12, "cifar10": 50}))
    quick = runs({"mnist": {32: 97.0, 256: 94.0}, FASHION: {32: 70.0, 256: 69.0}, "cifar10": {32: 33.0, 256: 30.0}},
                 spread=3.0)
    return paper_runs.assign(median_epoch_time=1.0), quick.assign(median_epoch_time=0.1)


@pytest.fixture
def switched(monkeypatch, tmp_path) -> SimpleNamespace:
    """A chapter whose data sets render different profiles: `_one_scale` takes every one's reduced-scale runs of
    `mixed_scales` and the paper store (empty here) holds none of Fashion-MNIST's paper runs. `runs`: what the
    chapter hands the section, MNIST and CIFAR-10 at paper scale and Fashion-MNIST at reduced scale."""
    from batchsize.store import RunStore

    paper_runs, quick = mixed_scales()
    monkeypatch.setattr(pages_beyond, "runs_if_data", lambda chapter, d: quick[quick["dataset"] == d])
    monkeypatch.setattr(pages_accuracy, "default_store", lambda profile: RunStore(tmp_path / profile))
    return SimpleNamespace(profile="auto", sections=["mnist", "cifar10", FASHION], device="cpu", seeds=None,
                           data_dir=None, batch_sizes=None,
                           runs=pd.concat([paper_runs, quick[quick["dataset"] == FASHION]], ignore_index=True))


def test_is_it_the_data_sets_the_paper_scale_drops_beside_a_reduced_scale_that_cannot_tell(shown, switched):
    from batchsize.plan import section_configs

    pages_beyond.is_it_the_data(switched, switched.runs, FASHION)
    reduced, paper_scale = shown[-2], shown[-1]
    assert "all three are compared at the reduced one" in reduced
    assert "**Cannot tell at this scale:** our seeds cannot tell CIFAR-10's drop from MNIST's" in reduced
    assert "Scale: **reduced scale**" in reduced
    planned = len(section_configs("paper", FASHION))
    assert paper_scale.startswith("*§VII's pair.* **At paper scale**, from B = 32 to B = 512, the drop in test")
    assert "*The pair below 512.* **At paper scale**, from B = 32 to B = 256, the drop in test accuracy" in paper_scale
    assert "CIFAR-10: 14.40 pp [" in paper_scale and "CIFAR-10's drop is larger than MNIST's (intervals apart)" in \
        paper_scale
    assert f"waits for the paper runs of Fashion-MNIST (0 of {planned} stored)" in paper_scale
    assert "Scale: **paper scale**" in paper_scale and "Fashion-MNIST (3 epochs" not in paper_scale


def test_the_gap_question_first_asks_whether_our_fig_5_shows_the_papers_reading(shown, switched):
    pages_beyond.gap_is_it_the_data(switched, switched.runs, FASHION)
    slopes = next(s for s in shown if s.startswith("In our runs, the slope of Δ on log₂ B"))
    assert "CIFAR-10's Δ rises with B, and more steeply than MNIST's (intervals apart)" in slopes
    assert "Scale: **paper scale**" in slopes
    switch, *reduced = shown[-2].split("\n\n")  # the reduced scale (B up to 256) has the pair below 512 alone
    assert switch.startswith("This chapter renders these data sets at different scales") and len(reduced) == 1
    assert reduced[0].startswith("*The pair below 512.* From B = 32 to B = 256 the gap Δ changes by")
    seventh, below = shown[-1].split("\n\n")  # at paper scale, both pairs, as the accuracy side reads them
    assert seventh.startswith("*§VII's pair.* **At paper scale**, from B = 32 to B = 512, the gap Δ")
    assert below.startswith("*The pair below 512.* **At paper scale**, from B = 32 to B = 256, the gap Δ")
    for said in (seventh, below):
        assert "CIFAR-10's Δ rises, and its change is above MNIST's (intervals apart), as the paper's Fig 5 reads" in \
            said
    assert "waits for the paper runs of Fashion-MNIST" in below and "waits" not in seventh  # the wait said once


@pytest.mark.parametrize(("cifar", "said"), [
    (Estimate(0.9, 0.7, 1.1, 24), "CIFAR-10's Δ rises with B, and more steeply than MNIST's (intervals apart)"),
    (Estimate(0.3, 0.1, 0.5, 24), "rises with B, but our seeds cannot tell its slope from MNIST's"),
    (Estimate(-0.09, -0.37, 0.18, 24), "CIFAR-10's slope holds 0: our seeds cannot tell it from flat, so ours does "
     "not show the paper's Fig 5 reading"),
    (Estimate(-0.5, -0.7, -0.3, 24), "CIFAR-10's slope lies below 0: it falls, so ours does not show"),
])
def test_the_slopes_say_whether_cifars_gap_rises_steepest(cifar, said):
    text = readings.gap_slopes_text({"mnist": Estimate(0.2, 0.0, 0.4, 25), "cifar10": cifar}, ONE_SCALE)
    assert text.startswith("In our runs, the slope of Δ on log₂ B") and said in text
    assert "cannot be compared" in readings.gap_slopes_text({"cifar10": cifar}, ONE_SCALE)


@pytest.mark.parametrize("profiles", [{"mnist": "quick", "cifar10": "paper"}, {"mnist": "mixed", "cifar10": "mixed"}])
def test_slopes_at_two_scales_are_not_set_against_each_other(profiles):
    text = readings.gap_slopes_text({"mnist": Estimate(0.2, 0.0, 0.4, 25), "cifar10": Estimate(0.9, 0.7, 1.1, 24)},
                                 profiles)
    assert "MNIST: 0.20 pp per doubling" in text and "CIFAR-10: 0.90 pp per doubling" in text
    assert "intervals apart" not in text and "steeply" not in text
    assert text.endswith(f"Their runs are not at one scale (MNIST's: profile `{profiles['mnist']}`; CIFAR-10's: "
                         f"profile `{profiles['cifar10']}`), so the slopes are not set against each other: more "
                         "epochs on more training examples change Δ by themselves.")


def test_the_gap_slopes_leave_out_the_one_run_that_trained_in_a_failed_cell(shown, switched):
    """CIFAR-10 at B = 1024: two runs at chance and one that trained with Δ far below the line; the failed cell is
    no mean anywhere, so it is no point of the slope either (with it, CIFAR-10's Δ would not rise), and it is named."""
    cell = switched.runs[(switched.runs["dataset"] == "cifar10") & (switched.runs["batch_size"] == 512)]
    failed = cell.assign(batch_size=1024, key=cell["key"] + "-1024", outcome=["collapsed", "collapsed", "trained"],
                         test_acc=[10.0, 10.0, 45.0], gap=[0.0, 0.0, -60.0])
    handed = pd.concat([switched.runs, failed], ignore_index=True)
    pages_beyond.gap_is_it_the_data(switched, handed, FASHION)
    slopes = next(s for s in shown if s.startswith("In our runs, the slope of Δ on log₂ B"))
    assert "CIFAR-10's Δ rises with B, and more steeply than MNIST's (intervals apart)" in slopes
    assert "Left out of the slopes: 1 run that trained in a failed cell (CIFAR-10 B = 1024), as of every mean." in \
        slopes
    assert readings.gap_slope(handed[handed["dataset"] == "cifar10"]).low < 0  # with it: no rise the seeds tell


def test_the_gap_question_does_not_set_a_reduced_scale_slope_against_a_paper_scale_one(shown, switched):
    """MNIST's runs at reduced scale (level Δ) beside CIFAR-10's at paper scale (Δ rising, its slope's interval
    above MNIST's): the slopes are shown, not compared."""
    paper_runs, quick = mixed_scales()
    cifar_paper = paper_runs[paper_runs["dataset"] == "cifar10"]
    mnist_quick = runs({"mnist": {32: 97.0, 64: 96.5, 256: 94.0}}, profile="quick")
    mnist_quick = mnist_quick.assign(gap=0.5 + (mnist_quick["seed"] - 43) * 0.1, median_epoch_time=0.1)
    handed = pd.concat([mnist_quick, cifar_paper, quick[quick["dataset"] == FASHION]], ignore_index=True)
    pages_beyond.gap_is_it_the_data(switched, handed, FASHION)
    slopes = next(s for s in shown if s.startswith("In our runs, the slope of Δ on log₂ B"))
    assert "steeply" not in slopes and "intervals apart" not in slopes
    assert "not at one scale (MNIST's: profile `quick`; CIFAR-10's: profile `paper`)" in slopes


def test_the_gap_figure_draws_the_papers_values_only_beside_runs_at_its_scale(shown, switched, monkeypatch):
    """Tables III and IV are Δ after 12 and 50 epochs on the full sets: beside reduced-scale runs (the fallback to
    one scale), or a paper-profile check shorter than the paper's epochs, they are not drawn; the caption says so."""
    given = []
    draw = pages_beyond.plots.gap_against_b
    monkeypatch.setattr(pages_beyond.plots, "gap_against_b",
                        lambda runs, with_paper: given.append(list(with_paper)) or draw(runs, with_paper))
    pages_beyond.gap_is_it_the_data(switched, switched.runs, FASHION)
    assert given == [[]]
    assert any("no run shown is at the paper's scale, so its tables are not drawn" in s for s in shown)
    paper_runs, _ = mixed_scales()
    pages_beyond.gap_is_it_the_data(SimpleNamespace(profile="paper"), paper_runs, FASHION)
    assert given[-1] == ["mnist", "cifar10"]
    assert any("dotted squares: the paper's tables, for MNIST and CIFAR-10 (runs at its scale)" in s for s in shown)
    pages_beyond.gap_is_it_the_data(SimpleNamespace(profile="paper"), paper_runs.assign(epochs=3), FASHION)
    assert given[-1] == []


def test_the_recipe_prose_says_the_scale_of_the_runs_shown_and_what_is_stored_at_the_papers(switched):
    """Fashion-MNIST on MNIST's recipe: at reduced scale its runs train fewer epochs on a subset with the warm-up
    capped, and none of its paper runs is in the (empty) paper store; at paper scale nothing is pending."""
    from batchsize.plan import section_configs

    quick = runs({FASHION: {32: 85.0, 256: 84.0}}).assign(warmup_epochs=lambda t: (t["batch_size"] >= 256).astype(int))
    said = pages_accuracy.recipe_scale(quick, FASHION).data
    assert said.startswith("The runs shown are at **reduced scale** (profile `quick`): Fashion-MNIST (3 epochs, "
                           "5,000 training examples, 3 seeds)")
    assert ", with the warm-up cut to 1 epoch (the recipe's 5 epochs) at B = 256;" in said
    assert said.endswith(f"of its runs at paper scale, 0 of {len(section_configs('paper', FASHION))} are stored.")
    full = quick.assign(prov_profile="paper", epochs=12, train_size=60_000, warmup_epochs=quick["warmup_epochs"] * 5)
    assert pages_accuracy.recipe_scale(full, FASHION).data.startswith("The runs shown are at **paper scale**")
    assert "warm-up" not in pages_accuracy.recipe_scale(full[full["batch_size"] < 256], FASHION).data
    assert pages_accuracy.recipe_scale(full, FASHION).data.endswith("seeds).")  # nothing pending at paper scale


def test_the_best_b_table_labels_each_rows_scale_and_the_failed_count_says_which_runs_it_counts(shown, monkeypatch):
    """Fashion-MNIST's reduced-scale row beside MNIST's paper-scale one: each row names its scale, so a failed B of
    one is not read against the other's."""
    published = []
    monkeypatch.setattr(pages_accuracy.book, "publish", lambda what, caption, data, *a, **k: published.append(data))
    paper_runs, quick = mixed_scales()
    handed = pd.concat([paper_runs[paper_runs["dataset"] == "mnist"], quick[quick["dataset"] == FASHION]],
                       ignore_index=True)
    pages_accuracy.best_batch_sizes(handed)
    assert published[0].set_index("dataset")["scale"].to_dict() == {"mnist": "paper scale", FASHION: "reduced scale"}
    pages_accuracy.failed_runs(SimpleNamespace(), handed)
    assert "Counted over the runs each data set's own section above shows, at the scale it renders: **paper" in \
        shown[-1]


def test_the_two_pairs_are_fixed_from_the_papers_grid_and_both_are_read():
    """§VII's pair and the one below its large B (the grid's largest below 512), each read by the one rule: the
    text never concludes at one pair and leaves the other unsaid."""
    from batchsize.datasets import PAPER_BATCH_SIZES

    pairs = drop_pairs.data_pairs()
    below = max(b for b in PAPER_BATCH_SIZES if b < 512)
    assert list(pairs.values()) == [(32, 512), (32, below)]
    paper_runs = runs({"mnist": {32: 99.0, below: 98.9, 512: 98.9}, FASHION: {32: 90.0, below: 80.0, 512: 80.0},
                       "cifar10": {32: 80.0, below: 70.0, 512: 60.0}})
    table = drops.pair_drops(paper_runs, DATASETS)
    assert table[drop_pairs.PAIR].unique().tolist() == list(pairs) and drops.TWO_WAY not in set(table[drop_pairs.PAIR])
    text = drops.data_explanation(table, FASHION)
    assert "Two pairs of B are compared, both fixed before Fashion-MNIST's paper runs existed" in text
    assert "**§VII's pair, from B = 32 to B = 512**" in text
    assert "**The pair below 512, from B = 32 to B = 256**" in text
    assert text.count("**Both play a part:**") == 1 and text.count("gains support") == 1  # one verdict per pair


def test_where_no_pair_reads_all_three_the_same_recipe_is_compared_alone():
    """Quick Fashion-MNIST fails at B = 256 (its warm-up cut) and CIFAR-10 has no B = 128: MNIST and Fashion-MNIST
    are still set against each other at the largest B up to 256 where both trained, by the same rule."""
    quick = runs({"mnist": {32: 97.0, 128: 96.0, 256: 95.0}, FASHION: {32: 86.0, 128: 84.5, 256: 10.0},
                  "cifar10": {32: 33.0, 256: 24.0}}, spread=1.0)
    assert drops.two_way_ends(quick, "mnist", FASHION, (32, 256)) == (32, 128)
    table = drops.pair_drops(quick, DATASETS)
    two = table[table[drop_pairs.PAIR] == drops.TWO_WAY]
    assert two["dataset"].tolist() == ["mnist", FASHION] and (two["B large"] == 128).all()
    text = drops.data_explanation(table, FASHION, recipe="the quick recipe (1-epoch warm-up)")
    assert "**§VII's pair (B = 32 → 512):** not in these runs" in text
    assert "**This tests the failures of the quick recipe (1-epoch warm-up), not the data:**" in text
    assert "**Exploratory, the same recipe alone, from B = 32 to B = 128**" in text
    assert "This row is exploratory: no pair above reads all three" in text and "a B chosen after seeing which " \
        "cells failed, not fixed in advance as the two pairs are" in text
    assert "**Cannot tell:** Fashion-MNIST's drop is not told apart from MNIST's by our seeds" in text
    apart = drops.data_explanation(drops.pair_drops(quick.assign(test_acc=quick["test_acc"].where(
        (quick["dataset"] != FASHION) | (quick["batch_size"] != 128), 70.0)), DATASETS), FASHION)
    assert "**On one recipe:** Fashion-MNIST's drop is larger than MNIST's (intervals apart)" in apart


def test_the_same_recipe_pair_needs_both_ends_trained_and_reads_failures_and_difficulty_as_the_three_way_does():
    """A failed cell at the small B leaves no same-recipe pair; a same-recipe row with a failed cell tests the
    recipe's failures, and one where Fashion-MNIST is no harder than MNIST tests nothing by harder data."""
    failed_small = runs({"mnist": {32: 97.0, 128: 96.0}, FASHION: {32: 10.0, 128: 84.5}})
    assert drops.two_way_ends(failed_small, "mnist", FASHION, (32, 256)) is None
    assert drops.two_way_ends(failed_small.assign(outcome="trained"), "mnist", FASHION, (32, 256)) == (32, 128)
    pair = ["mnist", FASHION]
    failed = drops.data_drops(runs({"mnist": {32: 97.0, 128: 96.0}, FASHION: {32: 86.0, 128: 10.0}}), pair)
    said = drops.data_explanation(failed.assign(**{drop_pairs.PAIR: drops.TWO_WAY}), FASHION)
    assert "This row is exploratory" in said and "**This tests the failures of the recipe, not the data:**" in said
    assert "**Cannot tell:** Fashion-MNIST's drop" not in said and "On one recipe" not in said
    level = runs({"mnist": {32: 97.0, 128: 96.0}, FASHION: {32: 97.0, 128: 70.0}})
    level = drops.data_drops(level, pair).assign(**{drop_pairs.PAIR: drops.TWO_WAY})
    said = drops.data_explanation(level, FASHION)
    assert "Fashion-MNIST is not harder than MNIST by its own accuracy here" in said
    assert said.endswith("**Cannot tell:** a data set no harder than MNIST by its own accuracy does not test an "
                         "explanation by harder data.") and "On one recipe" not in said


def test_the_two_pairs_sentence_is_said_only_where_one_of_the_pairs_is_in_the_table():
    """Where the data sets have neither pair, the table falls back to the B they share nearest: no pair of
    `data_pairs` is read, so the text does not say that two pairs are compared."""
    nearest = drops.pair_drops(runs({"mnist": {16: 99.0, 64: 98.0}, FASHION: {16: 90.0, 64: 80.0},
                                     "cifar10": {16: 80.0, 64: 60.0}}), DATASETS)
    assert set(nearest[drop_pairs.PAIR]) == {"nearest"}
    text = drops.data_explanation(nearest, FASHION)
    assert "Two pairs of B are compared" not in text and "**§VII's pair (B = 32 → 512):** not in these runs" in text
    assert "**Nearest, from B = 16 to B = 64**" in text


def test_a_wide_drop_is_flagged_wide_and_still_read_by_its_interval():
    """A wide interval apart from MNIST's and overlapping CIFAR-10's still places the drop: the words flag it wide,
    never as too wide to inform, beside the verdict it gives."""
    wide = drops_of(0.2, 15.0, 21.0)
    wide.loc[wide["dataset"] == FASHION, ["CI low", "CI high"]] = [3.0, 27.0]
    text = drops.data_explanation(wide, FASHION)
    assert f"Fashion-MNIST: 15.00 pp [3.00, 27.00] (n = 3), wide (interval over {drops.WIDE_PP:g} pp)" in text
    assert "gains support" in text and "too wide to inform" not in text
    assert "wide (interval" not in explained(0.2, 5.0, 21.0)


def test_the_quick_recipes_cut_warm_up_is_named_where_its_failures_are_shown():
    quick = runs({"mnist": {32: 97.0, 256: 95.0}, FASHION: {32: 86.0, 256: 10.0}})
    quick = quick.assign(warmup_epochs=(quick["batch_size"] >= 256).astype(int))
    recipe, caption = pages_beyond._recipe(quick)
    assert recipe == "the quick recipe (1-epoch warm-up)"
    assert "its runs of MNIST (B = 256) and Fashion-MNIST (B = 256) warm up over 1 epoch, not the paper's 5 epochs" \
        in caption
    assert pages_beyond._recipe(quick.assign(warmup_epochs=5 * (quick["batch_size"] >= 256))) == ("the recipe", "")
