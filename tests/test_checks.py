import pandas as pd
import pytest

from batchsize.checks import compare
from batchsize.config import make_config
from conftest import REPO


def runs(field: str, values: dict[str, list[float]], dataset: str = "mnist", batch: int = 128) -> pd.DataFrame:
    """A run table: one row per (value, seed) with the given test accuracies."""
    rows = []
    for value, accuracies in values.items():
        for seed, acc in enumerate(accuracies, start=42):
            config = make_config(dataset, batch, seed=seed, **{field: value})
            outcome = "collapsed" if acc < 15 else "trained"
            rows.append({**config.to_dict(), "test_acc": acc, "outcome": outcome, "train_size": 10_000})
    return pd.DataFrame(rows)


def test_a_difference_inside_the_seed_spread_is_within():
    table = compare(runs("precision", {"fp32": [97.0, 98.0, 99.0], "bf16": [97.2, 97.9, 99.1]}),
                    "precision", "fp32", "bf16")
    row = table.iloc[0]
    assert row["seeds"] == 3 and row["difference"] == pytest.approx(0.0667, abs=1e-3)
    assert row["difference CI low"] < 0 < row["difference CI high"]
    assert table["within seed spread"].tolist() == [True]


def test_a_difference_beyond_the_seed_spread_is_not_within():
    table = compare(runs("precision", {"fp32": [97.0, 97.1, 97.2], "bf16": [95.0, 95.1, 95.2]}),
                    "precision", "fp32", "bf16")
    assert table["within seed spread"].tolist() == [False]
    assert table.iloc[0]["difference CI high"] < 0


def test_collapsed_runs_are_counted_and_never_validate():
    table = compare(runs("init", {"he-uniform": [11.35, 11.35, 97.0], "torch-default": [96.0, 97.0, 96.5]}),
                    "init", "he-uniform", "torch-default")
    row = table.iloc[0]
    assert row["he-uniform at chance"] == 2 and row["torch-default at chance"] == 0
    assert table["within seed spread"].tolist() == [None]


def test_runs_at_chance_are_counted_beside_the_means_and_the_difference_is_over_the_seeds_where_both_trained():
    """Review 9: CIFAR-10 B = 256's he-uniform mean 17.81 % averaged a seed at chance (19.44, 10.00, 23.98) into its
    mean and its paired difference; MNIST B = 128's difference had an interval against three runs at chance."""
    cifar = runs("init", {"he-uniform": [19.44, 10.0, 23.98], "torch-default": [30.0, 28.0, 27.0]}, "cifar10", 256)
    cifar["outcome"] = ["trained", "collapsed", "trained"] * 2
    row = compare(cifar, "init", "he-uniform", "torch-default").iloc[0]
    assert row["he-uniform test_acc"] == pytest.approx((19.44 + 23.98) / 2) and row["he-uniform at chance"] == 1
    assert row["seeds"] == 3 and row["pairs trained"] == 2
    assert row["difference"] == pytest.approx((30.0 - 19.44 + 27.0 - 23.98) / 2)  # seed 43 left out of the pairs
    assert row["difference CI low"] < row["difference"] < row["difference CI high"]  # two pairs: an interval
    one_pair = cifar.assign(outcome=["trained", "collapsed", "collapsed"] * 2)
    row = compare(one_pair, "init", "he-uniform", "torch-default").iloc[0]
    assert row["pairs trained"] == 1 and row["difference"] == pytest.approx(30.0 - 19.44)
    assert pd.isna(row["difference CI low"]) and pd.isna(row["difference CI high"])  # one pair: no interval
    mnist = compare(runs("init", {"he-uniform": [11.35] * 3, "torch-default": [97.0, 97.2, 97.1]}), "init",
                    "he-uniform", "torch-default").iloc[0]
    assert mnist["pairs trained"] == 0 and pd.isna(mnist["he-uniform test_acc"]) and pd.isna(mnist["difference"])
    assert mnist["torch-default test_acc"] == pytest.approx(97.1) and mnist["he-uniform at chance"] == 3


def test_each_mean_carries_its_n_and_the_caption_says_where_the_means_are_over_different_seeds():
    """Review s37 (9a): CIFAR-10 B = 256's means 21.71 (n = 2) and 28.65 (n = 3) are over different seeds, beside a
    paired difference over 2 pairs; each mean's n is a column, and the caption names the cells where they differ."""
    from batchsize.findings_checks import unpaired_means

    cifar = runs("init", {"he-uniform": [19.44, 10.0, 23.98], "torch-default": [30.0, 28.0, 27.0]}, "cifar10", 256)
    cifar["outcome"] = ["trained", "collapsed", "trained"] + ["trained"] * 3
    mnist = runs("init", {"he-uniform": [97.0, 97.1, 97.2], "torch-default": [98.0, 98.1, 98.2]})
    none = runs("init", {"he-uniform": [11.35] * 3, "torch-default": [97.0, 97.2, 97.1]}, batch=8)  # no mean: no gap
    cells = compare(pd.concat([cifar, mnist, none]), "init", "he-uniform", "torch-default").set_index("dataset")
    assert cells.loc["cifar10", ["he-uniform n", "torch-default n", "pairs trained"]].tolist() == [2, 3, 2]
    assert cells.loc["mnist"].set_index("batch_size").loc[128, ["he-uniform n", "pairs trained"]].tolist() == [3, 3]
    columns = list(cells.columns)
    assert columns.index("he-uniform n") == columns.index("he-uniform test_acc") + 1  # beside its mean
    said = unpaired_means(cells.reset_index(), "he-uniform", "torch-default")
    assert said.startswith(" At CIFAR-10 at B = 256 the two means are over different seeds") and "MNIST" not in said
    assert unpaired_means(cells.reset_index().iloc[1:], "he-uniform", "torch-default") == ""


def test_unpaired_runs_are_left_out():
    table = runs("init", {"he-uniform": [97.0, 96.0], "torch-default": [96.0, 97.0, 96.5]})
    assert compare(table, "init", "he-uniform", "torch-default").iloc[0]["seeds"] == 2


def test_the_init_sentence_counts_runs_at_chance_and_names_clear_differences():
    from batchsize import findings_checks

    table = runs("init", {"he-uniform": [10.0, 10.0, 10.0], "torch-default": [99.0, 99.1, 99.2]})
    table = pd.concat([table, runs("init", {"he-uniform": [97.0, 97.1, 97.2], "torch-default": [98.0, 98.1, 98.2]},
                                   batch=8)])
    cells = compare(table, "init", "he-uniform", "torch-default")
    text = findings_checks.init_check_text(table, cells, "torch-default")
    assert text.startswith("Of 6 runs per initialisation, **3** ended at chance under `he-uniform` and **0** under")
    assert "98.70 % on MNIST at B = 128" in text and "the paper profile uses `torch-default`" in text
    assert "excludes zero at: MNIST at B = 8: 1.00 pp (n = 3, no spread)" in text  # B = 128 left out: one at chance
    assert "kept reading" not in text  # torch-default is the better there
    cells = compare(table, "init", "he-uniform", "torch-default")
    kept_worse = findings_checks.init_check_text(table, cells, "he-uniform")
    assert "The kept reading, `he-uniform`, is the worse of the two at MNIST at B = 8: it may account" in kept_worse


def test_the_init_sentence_writes_a_difference_in_the_house_style():
    """A negative difference and its interval with a real minus sign (`Estimate.text`), never a hyphen-minus."""
    from batchsize import findings_checks

    table = runs("init", {"he-uniform": [97.0, 97.5, 97.2], "torch-default": [93.0, 94.0, 92.8]}, batch=8)
    cells = compare(table, "init", "he-uniform", "torch-default")
    text = findings_checks.init_check_text(table, cells, "torch-default")
    said = text.split("excludes zero at: MNIST at B = 8: ")[1].split(").")[0] + ")"  # "−3.97 pp […] (n = 3)"
    assert said.startswith("−3.97 pp [−") and said.endswith("(n = 3)") and "-" not in said
    assert "The kept reading, `torch-default`, is the worse of the two at MNIST at B = 8" in text


USED = {"mnist": "fp32", "cifar10": "bf16"}
NO_REPLAYS = pd.DataFrame()


def twins(fates: dict[int, tuple[float, float]], batch: int = 1024) -> pd.DataFrame:
    """`checks.precision_pairs` of CIFAR-10 replays at `batch` on one CPU: seed -> (bf16, fp32) test accuracy."""
    from batchsize.checks import precision_pairs

    return precision_pairs(pd.DataFrame([
        {**make_config("cifar10", batch, seed=seed, epochs=3, precision=p).to_dict(), "test_acc": acc,
         "prov_device_name": "AMD EPYC", "prov_threads": 1}
        for seed, pair in fates.items() for p, acc in zip(("bf16", "fp32"), pair, strict=True)]))


def test_the_precision_cells_carry_the_speed_up_and_the_sentence_says_if_bf16_is_validated():
    from batchsize import checks, findings_checks

    table = runs("precision", {"fp32": [97.0, 98.0, 99.0], "bf16": [97.2, 97.9, 99.1]})
    table = table.assign(median_epoch_time=[2.0] * 3 + [1.0] * 3, prov_device_name="Some(R) CPU @ 2.80GHz")
    cells = checks.precision_check_cells(table)
    assert cells["bf16 speed-up"].tolist() == [2.0]
    text = findings_checks.precision_check_text(cells, table, USED, NO_REPLAYS)
    assert "**1 of 1** cells" in text and "validated (**yes**) in these cells only" in text
    assert "**2.00×** as fast" in text  # one cell: one number
    assert "(Some)" in text and "trains MNIST in fp32, CIFAR-10 in bf16:" in text
    slower = checks.precision_check_cells(table.assign(test_acc=[97.0, 97.1, 97.2, 95.0, 95.1, 95.2]))
    assert "validated (**no**)" in findings_checks.precision_check_text(slower, table, USED, NO_REPLAYS)
    two = pd.concat([table, table.assign(batch_size=8, median_epoch_time=[2.0] * 3 + [1.6] * 3)])
    cells = checks.precision_check_cells(two)
    assert "**1.25–2.00×** as fast" in findings_checks.precision_check_text(cells, two, USED, NO_REPLAYS)
    apart = table.assign(prov_device_name=["Intel"] * 3 + ["AMD"] * 3)  # a sweep across sessions and machines
    cells = checks.precision_check_cells(apart)
    assert cells["bf16 speed-up"].isna().all()
    assert "cannot be told from these runs: each cell's two precisions ran on different CPUs (AMD, Intel)" in \
        findings_checks.precision_check_text(cells, apart, USED, NO_REPLAYS)


def test_the_precision_verdict_says_where_it_was_validated_with_what_tolerance_and_where_precision_decided_fate():
    """Review 10: "validated: yes" overstated a check of two B, a few epochs and a subset, whose tolerance (one fp32
    SD) is looser the noisier the cell, while the replays showed the precision deciding seeds' fate at B = 1024."""
    from batchsize import checks, findings_checks

    mnist = runs("precision", {"fp32": [97.0, 98.0, 99.0], "bf16": [97.2, 97.9, 99.1]})
    cifar = runs("precision", {"fp32": [30.0, 40.0, 35.0], "bf16": [33.0, 37.0, 36.0]}, "cifar10", 256)
    table = pd.concat([mnist.assign(epochs=2, train_size=12_000), cifar.assign(epochs=3, train_size=10_000)])
    table = table.assign(median_epoch_time=1.0, prov_device_name="AMD EPYC")
    cells = checks.precision_check_cells(table)
    flips = findings_checks.precision_check_text(cells, table, USED, twins({42: (28.0, 10.0), 43: (10.0, 20.0),
                                                                             44: (10.0, 10.0)}))
    assert "the tolerance per cell: MNIST at B = 128: 1.00 pp; CIFAR-10 at B = 256: 5.00 pp" in flips
    assert ("in these cells only: MNIST at B = 128 (2 epochs on 12,000 training examples); CIFAR-10 at B = 256 (3 "
            "epochs on 10,000 training examples)") in flips
    assert "at CIFAR-10, B = 256, any bf16 effect under 5.00 pp would" in flips
    assert ("(CIFAR-10 at B = 1024: 2 of 3 replays on one CPU changed fate between bf16 and fp32), at B = 1024, "
            "which this check did not train.") in flips
    assert flips.endswith("CIFAR-10's paper runs are in bf16: at B = 1024, which of their seeds ended at chance "
                          "carries the precision.")
    alike = findings_checks.precision_check_text(cells, table, USED, twins({42: (28.0, 27.0), 44: (10.0, 10.0)}))
    assert "(2 pairs, B = 1024) changed no seed's fate with the precision" in alike
    assert "carries the precision" not in alike
    at_checked_b = findings_checks.precision_check_text(cells, table, USED, twins({42: (28.0, 10.0)}, 256))
    assert "did not train" not in at_checked_b and "at B = 256, which of their seeds" in at_checked_b
    all_fp32 = findings_checks.precision_check_text(cells, table, {"mnist": "fp32", "cifar10": "fp32"},
                                                    twins({42: (28.0, 10.0)}))
    assert "carries the precision" not in all_fp32


def test_the_precision_caveat_is_the_appendixs_sentence_wherever_a_page_states_the_precision():
    """One function says where a bf16 data set's fate at chance follows the precision: the appendix's sentence ends
    with it, and the deviations page, which also states CIFAR-10's bf16, glues the same (`pages_checks`)."""
    from batchsize import checks, findings_checks

    cifar = runs("precision", {"fp32": [30.0, 40.0, 35.0], "bf16": [33.0, 37.0, 36.0]}, "cifar10", 256)
    table = cifar.assign(epochs=3, train_size=10_000, median_epoch_time=1.0, prov_device_name="AMD EPYC")
    flipped = twins({42: (28.0, 10.0), 43: (10.0, 10.0)})
    caveat = findings_checks.precision_caveat(USED, flipped)
    assert caveat == ("CIFAR-10's paper runs are in bf16: at B = 1024, which of their seeds ended at chance carries "
                      "the precision.")
    text = findings_checks.precision_check_text(checks.precision_check_cells(table), table, USED, flipped)
    assert text.endswith(f"passes. {caveat}")
    assert findings_checks.precision_caveat(USED, NO_REPLAYS) == ""  # no replay pairs stored: nothing to say
    assert findings_checks.precision_caveat({"cifar10": "fp32"}, flipped) == ""  # not trained in bf16: no caveat
    page = (REPO / "book" / "deviations.md").read_text().split("## Precision")[1].split("\n## ")[0]
    assert "{glue:text}`precision_caveat`" in page
    assert "precision_caveat=pages_checks.precision_caveat()" in (REPO / "book" / "deviations.md").read_text()


def replay_tables(curves: dict[tuple[int, str], list[float]], cpus: dict[str, str],
                  threads: dict[str, int] | None = None) -> tuple[pd.DataFrame, ...]:
    """Long runs (5 epochs) and their 3-epoch replays of CIFAR-10 at B = 1024: test accuracy per epoch per (seed,
    side; a curve that stops early diverged), and the CPU (and threads, where given) of each side."""
    tables: dict[str, list] = {"run": [], "replay": []}
    history = []
    for (seed, side), accuracies in curves.items():
        config = make_config("cifar10", 1024, seed=seed, epochs=5 if side == "run" else 3)
        outcome = "collapsed" if accuracies[-1] < 15 else "trained"
        tables[side].append({**config.to_dict(), "key": config.key(), "outcome": outcome, "test_acc": accuracies[-1],
                             "prov_device_name": cpus[side], **({"prov_threads": threads[side]} if threads else {})})
        history += [{"key": config.key(), "epoch": e, "test_acc": a} for e, a in enumerate(accuracies, start=1)]
    return pd.DataFrame(tables["replay"]), pd.DataFrame(tables["run"]), pd.DataFrame(history)


CURVES = {(42, "run"): [22.0, 25.0, 28.0, 30.0, 31.0], (42, "replay"): [22.0, 25.5, 27.0],
          (43, "run"): [10.0, 10.0, 10.0, 10.0, 10.0], (43, "replay"): [21.0, 24.0, 26.0]}
TWO_CPUS = {"run": "Intel(R) Xeon(R) Processor", "replay": "AMD EPYC"}


def test_a_replay_pairs_with_its_long_run_and_a_fate_that_follows_the_arithmetic_is_said():
    from batchsize.checks import replay_pairs
    from batchsize.findings_checks import replay_text

    pairs = replay_pairs(*replay_tables(CURVES, TWO_CPUS))
    assert pairs["seed"].tolist() == [42, 43] and pairs["epochs"].tolist() == [3, 3]
    assert pairs["largest difference"].tolist() == pytest.approx([1.0, 16.0])
    assert pairs["same fate"].tolist() == [True, False] and pairs["run outcome"].tolist() == ["trained", "collapsed"]
    assert not pairs["same arithmetic"].any() and not pairs["undecided"].any()
    text = replay_text(pairs, 6)
    assert text.startswith("2 of the 6 replays are stored beside their runs, compared after 3 epochs.")
    assert "At chance after 3 epochs, the runs: Intel Xeon 1 of 2; the replays: AMD EPYC 0 of 2." in text
    assert "**1 changed fate**: B = 1024 seed 43: at chance on Intel Xeon (10.00 %), above chance on AMD EPYC" in text
    assert "For this seed, whether a run is at chance after 3 epochs depends on the arithmetic" in text

    same_fate = replay_pairs(*replay_tables({**CURVES, (43, "replay"): [10.0, 10.0, 10.0]}, TWO_CPUS))
    same_fate.loc[same_fate["seed"] == 42, "replay CPU"] = "Other CPU"  # only the CPU of the runs at chance is named
    text = replay_text(same_fate, 6)
    assert "**0 changed fate**" in text and "The runs at chance are at chance on AMD EPYC too." in text


def test_a_replay_on_its_runs_arithmetic_must_follow_it_and_threads_are_part_of_the_arithmetic():
    from batchsize.checks import replay_pairs
    from batchsize.findings_checks import replay_text

    one_cpu = {"run": "AMD EPYC", "replay": "AMD EPYC"}
    exact = {**CURVES, (42, "replay"): [22.0, 25.0, 28.0]}
    text = replay_text(replay_pairs(*replay_tables(exact, one_cpu)), 6)
    assert "On their run's arithmetic (CPU, thread count and torch), 1 of 2 followed it exactly; the largest " \
           "difference in test accuracy was 16.00 pp." in text and "**1 changed fate**" in text  # seen, not hidden
    threads = replay_pairs(*replay_tables(exact, one_cpu, threads={"run": 1, "replay": 2}))
    assert not threads["same arithmetic"].any() and set(threads["replay CPU"]) == {"AMD EPYC (2 threads)"}
    assert "On their run's arithmetic" not in replay_text(threads, 6)


def test_a_run_that_recovered_after_the_replays_epochs_is_undecided_and_a_diverged_replay_is_at_chance():
    from batchsize.checks import replay_pairs
    from batchsize.findings_checks import replay_text

    late = {(43, "run"): [10.0, 10.0, 10.0, 20.0, 30.0], (43, "replay"): [21.0, 24.0, 26.0],
            (42, "run"): CURVES[42, "run"], (42, "replay"): [22.0]}  # seed 42's replay diverged in epoch 1
    pairs = replay_pairs(*replay_tables(late, TWO_CPUS))
    assert pairs["undecided"].tolist() == [False, True]
    assert pairs["replay at chance"].tolist() == [True, False]  # NaN accuracy after 3 epochs: not trained
    text = replay_text(pairs, 6)
    assert "B = 1024 seed 43 is left undecided: its run's state after 3 epochs is not its final one (trained in " \
           "the end)." in text and "Of the 1 compared, **1 changed fate**: B = 1024 seed 42" in text


def test_a_replay_without_its_long_run_is_said_to_have_nothing_to_compare():
    from batchsize.checks import replay_pairs
    from batchsize.findings_checks import replay_text

    replays, long_runs, history = replay_tables({(42, "replay"): [22.0, 25.0, 27.0]}, {"run": "", "replay": "AMD"})
    pairs = replay_pairs(replays, long_runs.reindex(columns=replays.columns), history)
    assert pairs.empty and replay_text(pairs, 3).startswith("No replay is stored beside a longer run")


def test_replays_in_two_precisions_pair_on_one_cpu_and_a_fate_that_follows_the_precision_is_said():
    from batchsize.checks import precision_pairs
    from batchsize.findings_checks import replay_precision_text

    def replays(fp32: list[float], cpu: str = "AMD EPYC", threads: int = 1) -> pd.DataFrame:
        rows = [{**make_config("cifar10", 1024, seed=seed, epochs=3, precision=p).to_dict(), "test_acc": acc,
                 "prov_device_name": "AMD EPYC" if p == "bf16" else cpu,
                 "prov_threads": 2 if p == "bf16" else threads}
                for p, accuracies in (("bf16", [10.0, 25.0]), ("fp32", fp32))
                for seed, acc in zip((42, 43), accuracies, strict=True)]
        return pd.DataFrame(rows)

    pairs = precision_pairs(replays([24.0, 26.0]))
    assert pairs["seed"].tolist() == [42, 43] and pairs["same fate"].tolist() == [False, True]
    assert not pairs["same arithmetic"].any()  # two thread counts on one CPU: not one arithmetic
    assert replay_precision_text(pairs).startswith("No replay is stored in both bf16 and fp32 on the same CPU and")
    pairs = precision_pairs(replays([24.0, 26.0], threads=2))
    assert pairs["same arithmetic"].all()
    text = replay_precision_text(pairs)
    assert ("(AMD EPYC (2 threads); 2 pairs), **1 changed fate** with the precision after 3 "
            "epochs: B = 1024 seed 42: at chance in bf16") in text
    assert "For this seed, the precision decides whether the run is at chance after 3 epochs." in text
    both = replay_precision_text(precision_pairs(replays([24.0, 10.0], threads=2)))
    assert "**2 changed fate**" in both and "the flips go both ways, so these pairs do not show bf16 collapsing" in both
    alike = replay_precision_text(precision_pairs(replays([10.0, 26.0], threads=2)))
    assert "**0 changed fate**" in alike and "on this CPU their collapse does not need bf16" in alike
    assert "None was at chance" in replay_precision_text(precision_pairs(replays([24.0, 26.0], threads=2).assign(
        test_acc=lambda t: t["test_acc"].clip(lower=30.0))))
    assert replay_precision_text(precision_pairs(replays([24.0, 26.0], cpu="Intel Xeon", threads=2))).startswith(
        "No replay is stored in both bf16 and fp32 on the same CPU")  # two CPUs do not isolate the precision


def test_the_appendix_counts_only_the_precision_pairs_on_one_arithmetic(monkeypatch):
    """Review 2: a pair on one CPU but two thread counts changes two things; the table says "same arithmetic: no"
    (not "one CPU: yes"), and the sentence counts only the pairs that isolate the precision."""
    from batchsize import pages_checks

    rows = [{**make_config("cifar10", 512, seed=seed, epochs=3, precision=p).to_dict(), "key": f"{p}{seed}",
             "test_acc": acc, "prov_device_name": "AMD EPYC", "prov_threads": 2 if (p, seed) == ("bf16", 42) else 1,
             "prov_torch": "2.13.0+cpu"}
            for p, accuracies in (("bf16", [37.5, 28.2, 10.0]), ("fp32", [36.3, 10.0, 10.0]))
            for seed, acc in zip((42, 43, 44), accuracies, strict=True)]
    replays = pd.DataFrame(rows)

    class Appendix:  # the chapter: paper replays stored so far, no long run beside them
        profile = "paper"

        def paper_so_far(self, section: str) -> pd.DataFrame:
            return replays

        def table(self, section: str) -> pd.DataFrame:
            return replays.iloc[:0]

        def history(self, table: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame(columns=["key", "epoch", "test_acc"])

    tables, said = {}, []
    monkeypatch.setattr(pages_checks.book, "publish", lambda what, caption, data, name, **_: tables.update(
        {name: data}))
    monkeypatch.setattr(pages_checks, "display", lambda markdown: said.append(markdown.data))
    pages_checks.replay_check(Appendix())
    table = tables["Replay check in two precisions"]
    assert "one CPU" not in table and table["same arithmetic"].tolist() == [False, True, True]
    assert "on the same CPU and thread count (AMD EPYC (1 thread); 2 pairs), **1 changed fate**" in said[-1]


def test_the_landing_brief_counts_flips_on_another_arithmetic_and_with_the_precision_and_says_how_far_it_is():
    from batchsize.checks import precision_pairs, replay_pairs
    from batchsize.findings_checks import replay_brief

    pairs = replay_pairs(*replay_tables({**CURVES, (43, "replay"): [10.0, 10.0, 10.0]}, TWO_CPUS))
    twins = pd.DataFrame([{**make_config("cifar10", 1024, seed=42, epochs=3, precision=p).to_dict(), "test_acc": acc,
                           "prov_device_name": "AMD EPYC", "prov_threads": 1}
                          for p, acc in (("bf16", 25.0), ("fp32", 10.0))])
    brief = replay_brief(pairs, precision_pairs(twins), 6, 6)
    assert brief == ("On another CPU or thread count, **0 of 2** replays changed fate after 3 epochs (1 run at chance "
                     "stayed at chance). In fp32 on the same CPU and thread count, **1 of 1** changed fate with the "
                     "precision (1 at chance only in fp32).")
    assert replay_brief(pairs, pd.DataFrame(), 2, 12).startswith("So far (2 of the 12 replays stored): ")
    assert replay_brief(pairs.iloc[:0], pd.DataFrame(), 0, 12) == \
        "0 of the 12 paper-scale replays are stored so far; none beside its run yet."
