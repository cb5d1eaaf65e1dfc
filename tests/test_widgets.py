"""The explorer's controls, without a browser or a kernel: which runs each choice offers, and what is drawn."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

pytest.importorskip("ipywidgets")
from batchsize import widgets  # noqa: E402

RUN = {"prov_profile": "quick", "epochs": 2, "train_size": 1000, "precision": "fp32", "outcome": "trained",
       "warmup_epochs": 0}


def fake_runs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three runs: synthetic at B = 8 and 64 (linear), and B = 64 with a fixed LR; two epochs each."""
    runs = pd.DataFrame({"key": ["a", "b", "c"], "dataset": "synthetic-1k", "lr_rule": ["linear", "linear", "fixed"],
                         "batch_size": [8, 64, 64], "seed": 42, "test_acc": [90.0, 85.0, 80.0],
                         "train_acc": [92.0, 88.0, 81.0], "gap": [2.0, 3.0, 1.0], "lr": [2.5e-4, 2e-3, 1e-3],
                         "median_epoch_time": [0.1, 0.02, 0.02], "first_epoch_above_80": [1, 2, None], **RUN})
    history = pd.DataFrame([{"key": k, "epoch": e, "train_acc": 80.0 + e, "test_acc": 79.0 + e, "train_loss": 1 / e,
                             "test_loss": 1.1 / e} for k in "abc" for e in (1, 2)])
    return runs, history


def test_static_slider_has_one_view_per_choice():
    runs, history = fake_runs()
    html = widgets.static_slider(runs, history, element_id="x")
    views = json.loads(re.search(r"const views = (\{.*?\}), combos", html).group(1))
    assert set(views) == {"synthetic-1k|linear|8", "synthetic-1k|linear|64", "synthetic-1k|fixed|64"}
    assert all(v["png"] and "test acc" in v["metrics"] for v in views.values())


def test_live_slider_offers_the_batch_sizes_of_the_chosen_rule():
    runs, history = fake_runs()
    box = widgets.live_slider(runs, history)
    (dataset, rule), size = box.children[0].children, box.children[1]
    rule.value = "linear"
    assert list(size.options) == [8, 64]
    rule.value = "fixed"
    assert list(size.options) == [64]
    assert dataset.value == "synthetic-1k"


def test_runs_differing_only_in_warmup_are_separate_choices_with_one_stop_per_batch_size():
    """CIFAR-10 linear at B = 256 with and without warmup: two rules; MNIST's recipe is one rule at every B, named
    with its warmup (the review: MNIST's warmed-up 'linear' read as CIFAR-10's plain one), at the paper's 5 epochs
    as at the quick profile's cap of 1, which each choice's metrics say; MNIST at B = 512 without it is a rule of
    its own."""
    runs = pd.DataFrame({**RUN, "key": list("abcdefg"), "dataset": ["cifar10"] * 3 + ["mnist"] * 4,
                         "lr_rule": "linear", "batch_size": [256, 256, 256, 128, 256, 512, 512],
                         "seed": [42, 42, 43, 42, 42, 42, 42], "warmup_epochs": [0, 5, 0, 0, 1, 5, 0],
                         "prov_profile": ["paper"] * 4 + ["quick"] + ["paper"] * 2})
    chosen = widgets.offered(runs)
    recipe = "linear + warmup at B ≥ 256 (the paper's recipe)"
    assert sorted(set(zip(chosen["dataset"], chosen["lr_rule"], chosen["batch_size"], strict=True))) == [
        ("cifar10", "linear", 256), ("cifar10", "linear + 5-epoch warmup", 256),
        ("mnist", recipe, 128), ("mnist", recipe, 256), ("mnist", recipe, 512), ("mnist", "linear, no warmup", 512)]
    assert list(dict.fromkeys(chosen["dataset"])) == ["mnist", "cifar10"]  # the registry's order, as the dropdown
    assert "warmup: 5 epochs" in widgets.metrics_text(chosen[(chosen["lr_rule"] == recipe)
                                                             & (chosen["batch_size"] == 512)])
    assert "warmup: 1 epoch ·" in widgets.metrics_text(runs[runs["key"] == "e"])  # the quick profile's cap
    assert "warmup" not in widgets.metrics_text(chosen[chosen["batch_size"] == 128])
    assert f'r.endsWith("{widgets.RECIPE}")' in widgets.static_slider(runs.iloc[:0], pd.DataFrame())  # chosen first


def two_scales() -> tuple[pd.DataFrame, pd.DataFrame]:
    """CIFAR-10 B = 256, seeds 42-44: linear at the paper's scale (50 epochs, ~62 %) and at reduced scale (2
    epochs, ~24 %), the same keys' seeds and rule; fixed at reduced scale only. The review's slider stop."""
    paper = {**RUN, "prov_profile": "paper", "epochs": 50, "train_size": 50_000, "precision": "bf16"}
    parts = [pd.DataFrame({"seed": [42, 43, 44], "dataset": "cifar10", "lr_rule": rule, "batch_size": 256,
                           "test_acc": acc, "train_acc": acc, "gap": 0.0, "lr": 1e-3,
                           "median_epoch_time": 1.0, "first_epoch_above_80": None, **scale})
             for rule, acc, scale in (("linear", [56.0, 62.0, 67.0], paper), ("linear", [20.0, 24.0, 27.0], RUN),
                                      ("fixed", [25.0, 26.0, 28.0], RUN))]
    runs = pd.concat(parts, ignore_index=True).assign(key=[f"k{i}" for i in range(9)])
    history = pd.DataFrame([{"key": k, "epoch": e, "train_acc": 50.0, "test_acc": 50.0, "train_loss": 1.0,
                             "test_loss": 1.0} for k, epochs in zip(runs["key"], runs["epochs"], strict=True)
                            for e in range(1, epochs + 1)])
    return runs, history


def test_two_profiles_of_one_dataset_rule_and_batch_size_are_never_pooled():
    """The review: CIFAR-10 linear B = 256 showed 6 seeds (42-44 twice), 50 and 3 epochs, a mean of 42.73 % over
    both scales. The stop shows the paper-scale runs alone; the reduced-scale stop that remains says so."""
    runs, history = two_scales()
    html = widgets.static_slider(runs, history, element_id="x")
    views = json.loads(re.search(r"const views = (\{.*?\}), combos", html).group(1))
    assert set(views) == {"cifar10|linear|256", "cifar10|fixed|256"}
    linear, fixed = views["cifar10|linear|256"]["metrics"], views["cifar10|fixed|256"]["metrics"]
    assert linear.startswith("paper scale") and "reduced scale" not in linear and "3 seeds" in linear
    assert "test acc (%): 61.67 (seeds 56.00 to 67.00)" in linear
    assert fixed.startswith("reduced scale")
    chosen = widgets.offered(runs)
    titles = {rule: widgets.run_figure(history, part)._suptitle.get_text()
              for rule, part in chosen.groupby("lr_rule")}
    assert "reduced scale" in titles["fixed"] and "reduced scale" not in titles["linear"]
    assert "3 seeds" in titles["linear"]
    assert "Not offered" in widgets.offer_text(runs) and "CIFAR-10 linear at B = 256, 3 runs (reduced scale" in \
        widgets.offer_text(runs)


def test_the_live_slider_shows_one_scale_and_a_figure_of_two_scales_is_refused(capsys):
    """Outside a kernel the slider's output area lets its text through to stdout."""
    runs, history = two_scales()
    box = widgets.live_slider(runs, history)
    rule = box.children[0].children[1]
    capsys.readouterr()
    rule.value = "linear"
    shown = capsys.readouterr().out
    assert "paper scale" in shown and "reduced scale" not in shown
    with pytest.raises(ValueError, match="mixes scales"):
        widgets.run_figure(history, runs[runs["lr_rule"] == "linear"])


def test_a_reduced_scale_choice_stays_where_the_paper_has_no_run_of_it():
    """Quick runs at a B the paper profile lacks are offered (reduced scale), beside the paper's stops."""
    runs, history = two_scales()
    extra = runs[runs["prov_profile"] == "quick"].assign(batch_size=512, key=lambda t: t["key"] + "x")
    both = pd.concat([runs, extra], ignore_index=True)
    chosen = widgets.offered(both)
    by_stop = chosen.groupby(["lr_rule", "batch_size"])["prov_profile"].agg(set).to_dict()
    assert by_stop == {("fixed", 256): {"quick"}, ("fixed", 512): {"quick"}, ("linear", 256): {"paper"},
                       ("linear", 512): {"quick"}}


def test_the_explorer_offers_the_paper_runs_stored_of_a_section_that_renders_a_reduced_scale():
    """The review: the explorer offered CIFAR-10 fixed at B = 256 at reduced scale beside a stored 50-epoch paper
    run of it, and none of the paper-scale runs at B = 512 and 1024, because `cifar10-lr` renders the quick profile
    while its paper sweep spans sessions. The paper runs stored so far join the chapter's, a run of two sections
    once, and each choice keeps its largest scale."""
    runs, _ = two_scales()
    quick = runs[runs["prov_profile"] == "quick"]  # the section as it renders: fixed and linear at B = 256
    paper = runs[runs["prov_profile"] == "paper"]  # the cifar10 section's linear runs at B = 256, paper scale
    so_far = pd.concat([paper.iloc[:1], paper.iloc[:1].assign(key="p1", lr_rule="fixed"),
                        paper.iloc[:1].assign(key="p2", lr_rule="sqrt", batch_size=1024)], ignore_index=True)
    tables = {"cifar10": paper, "cifar10-lr": quick}
    chapter = type("Chapter", (), {"sections": list(tables), "table": staticmethod(tables.get),
                                   "paper_so_far": staticmethod(lambda s: so_far if s == "cifar10-lr" else
                                                                pd.DataFrame())})
    table = widgets.explorer_runs(chapter)
    assert table["key"].is_unique and len(table) == len(runs) + 2
    by_stop = widgets.offered(table).groupby(["lr_rule", "batch_size"])["prov_profile"].agg(list).to_dict()
    assert by_stop == {("fixed", 256): ["paper"], ("linear", 256): ["paper"] * 3, ("sqrt", 1024): ["paper"]}
    assert "CIFAR-10 fixed at B = 256, 3 runs (reduced scale" in widgets.offer_text(table)


def test_the_explorer_offers_the_stored_runs_of_the_sections_beyond_the_paper_and_names_only_linear_the_recipe():
    """The review: MNIST's largest-B runs with one ingredient changed were neither offered nor named among the runs
    left out; `stored_only` sections add what their stores hold (never training), and a fixed rate or the
    square-root rule with the recipe's warmup is not called the paper's recipe."""
    runs, _ = two_scales()
    paper = runs[runs["prov_profile"] == "paper"]
    changed = paper.iloc[:2].assign(key=["m1", "m2"], dataset="mnist", batch_size=1024, warmup_epochs=5,
                                    lr_rule=["fixed", "sqrt"])
    chapter = type("Chapter", (), {"sections": ["cifar10"], "table": staticmethod(lambda s: paper),
                                   "paper_so_far": staticmethod(lambda s: pd.DataFrame()),
                                   "stored": staticmethod(lambda s: changed if s == "mnist-largest-batch" else
                                                          pd.DataFrame())})
    table = widgets.explorer_runs(chapter, stored_only=("mnist-largest-batch",))
    mnist = widgets.offered(table).query("dataset == 'mnist'")
    assert sorted(mnist["lr_rule"]) == ["fixed + warmup at B ≥ 256", "sqrt + warmup at B ≥ 256"]
    assert widgets.RECIPE not in widgets.offer_text(table)


def test_a_new_choice_keeps_the_batch_size_or_the_nearest_one():
    """Issue 25 item 7: changing the data set or the rule keeps B where the new choice has it, else the nearest
    (in log B), instead of the slider's position."""
    runs, history = fake_runs()
    other = runs.assign(dataset="synthetic-10k", key=["d", "e", "f"], batch_size=[16, 128, 128])
    box = widgets.live_slider(pd.concat([runs, other], ignore_index=True),
                              pd.concat([history, history.replace({"key": {"a": "d", "b": "e", "c": "f"}})]))
    (dataset, rule), size = box.children[0].children, box.children[1]
    dataset.value, rule.value = "synthetic-1k", "linear"
    size.value = 64
    rule.value = "fixed"
    assert size.value == 64
    rule.value = "linear"
    assert size.value == 64  # not the first stop, 8
    size.value = 8
    dataset.value = "synthetic-10k"
    assert size.value == 16  # the nearest of 16 and 128 to 8


def test_a_choice_shows_every_seed_and_its_metrics_over_the_seeds_that_trained():
    """Not the first seed alone: each seed's curves, the scale in words, the means of the runs that trained with
    the seeds' range, and the run that ended at chance named and left out (as every chapter counts them)."""
    runs, history = fake_runs()
    three = pd.concat([runs.iloc[[0]].assign(key=k, seed=s, test_acc=acc, lr=0.001 * 8 ** 0.5)
                       for k, s, acc in (("a", 42, 90.0), ("d", 43, 92.0), ("e", 44, 10.0))], ignore_index=True)
    three.loc[2, "outcome"] = "collapsed"
    history = pd.concat([history, history[history["key"] == "a"].assign(key="d"),
                         history[history["key"] == "a"].assign(key="e")])
    fig = widgets.run_figure(history, three)
    acc = fig.axes[0]
    assert len(acc.lines) == 6 and [t.get_text() for t in fig.legends[0].get_texts()] == [
        "seed 42", "seed 43", "seed 44 (collapsed)"]  # test and training curve of each seed, one legend entry each
    assert "3 seeds" in fig._suptitle.get_text()
    text = widgets.metrics_text(three)
    assert text.startswith("reduced scale (profile quick): Small synthetic (1K) (2 epochs, 1,000 training examples, "
                           "3 seeds, fp32)")
    assert "ended at chance, left out: seed 44 (collapsed)" in text
    assert "test acc (%): 91.00 (seeds 90.00 to 92.00)" in text and "peak LR: 0.00283 ·" in text
    assert "first epoch > 80%: 1 ·" in text or text.endswith("first epoch > 80%: 1")


def test_the_explorer_caption_says_what_it_draws():
    assert "every seed" in widgets.CAPTION and "first seed" not in widgets.CAPTION
