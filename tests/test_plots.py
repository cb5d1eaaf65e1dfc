import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from batchsize import panels, paper, pictures, plots, plots_failures, plots_landscape
from batchsize.noise import weights_label


def test_ours_and_the_papers_line_of_a_data_set_share_its_one_colour():
    """The paper's table may list data sets in another order than our runs: colours follow names, not order."""
    ours = pd.DataFrame({"dataset": ["synthetic-1k", "synthetic-50k"] * 2, "batch_size": [8, 8, 64, 64],
                         "test_acc": [1.0, 2.0, 3.0, 4.0], "seed": 42})
    theirs = pd.DataFrame({"dataset": ["synthetic-50k", "synthetic-1k"], "B": [8, 8], "test_acc": [1.0, 2.0]})
    ax = panels.by_batch(ours, "test_acc", paper=theirs)
    colours = {line.get_label(): line.get_color() for line in ax.get_lines() if not line.get_label().startswith("_")}
    for name in ("Small synthetic (1K)", "Large synthetic (50K)"):
        assert colours[name] == colours[f"{name} (paper)"] == panels.DATASET_COLOURS[name]
    assert colours["Small synthetic (1K)"] != colours["Large synthetic (50K)"]


BATCH_SIZES = [1, 8, 16, 32, 64, 128, 256, 512, 1024]


def mnist(n: int = len(BATCH_SIZES)) -> tuple[pd.DataFrame, pd.DataFrame]:
    ours = pd.DataFrame({"dataset": "mnist", "batch_size": BATCH_SIZES[:n], "test_acc": range(n),
                         "median_epoch_time": 1.0, "seed": 42})
    theirs = pd.DataFrame({"dataset": "mnist", "B": BATCH_SIZES, "test_acc": range(9), "epoch_time": 2.0})
    return ours, theirs


def drawn_labels(ax) -> list:
    ax.figure.canvas.draw()
    return [t for t in ax.get_xticklabels() if t.get_text()]


@pytest.mark.parametrize("width", [2.5, 4.6, 12.0])
def test_batch_size_tick_labels_never_overlap_and_the_largest_is_labelled(width):
    """On a narrow panel '512' and '1024' used to print as '5121024'; a wide panel labels every size."""
    ours, theirs = mnist()
    fig, axes = panels.grid(3, width=width)
    for ax in axes:
        panels.by_batch(ours, "test_acc", ax=ax, paper=theirs, title="MNIST")
    fig.tight_layout()
    labels = drawn_labels(axes[0])
    boxes = [t.get_window_extent() for t in labels]
    assert all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:], strict=False)), [t.get_text() for t in labels]
    assert labels[-1].get_text() == "1024"
    if width == 12.0:
        assert [t.get_text() for t in labels] == [str(b) for b in BATCH_SIZES]
    plt.close(fig)


def test_the_papers_values_are_drawn_as_dotted_open_squares_or_the_figure_fails():
    """A caption that promises the paper's markers must get them: a paper table without the plotted column
    (Figs 6–8 plotted `median_epoch_time` against the paper's `epoch_time`) is an error, not an empty overlay."""
    ours, theirs = mnist()
    with pytest.raises(ValueError, match="median_epoch_time"):
        panels.by_batch(ours, "median_epoch_time", paper=theirs)
    ax = panels.by_batch(ours, "median_epoch_time", paper=theirs.rename(columns={"epoch_time": "median_epoch_time"}))
    paper_line = next(line for line in ax.get_lines() if line.get_label() == "paper")
    assert (paper_line.get_linestyle(), paper_line.get_marker(), paper_line.get_markerfacecolor()) == (":", "s", "none")
    assert list(paper_line.get_xdata()) == BATCH_SIZES
    plt.close(ax.figure)


def test_legends_sit_outside_the_data_area():
    ours, theirs = mnist()
    fig, axes = panels.grid(2)
    panels.by_batch(ours, "test_acc", ax=axes[0], paper=theirs)
    panels.learning_curves(pd.DataFrame({"epoch": [1, 2] * 2, "test_acc": [1, 2, 3, 4], "batch_size": [8, 8, 64, 64],
                                        "seed": 42}), ax=axes[1])
    fig.tight_layout()
    fig.canvas.draw()
    for ax in axes:
        legend, area = ax.get_legend().get_window_extent(), ax.get_window_extent()
        assert legend.x0 >= area.x1, "the legend overlaps the axes"
    plt.close(fig)


def test_loss_surfaces_draw_one_3d_panel_per_batch_size():
    axis = np.linspace(-1, 1, 3)
    a, b = (v.ravel() for v in np.meshgrid(axis, axis, indexing="ij"))
    surfaces = pd.concat([pd.DataFrame({"batch_size": size, "alpha": a, "beta": b, "test_loss": 1 + a ** 2 + size})
                          for size in (512, 32)])
    fig = plots_landscape.loss_surfaces(surfaces, "Small synthetic (1K)")
    assert [ax.get_title() for ax in fig.axes] == ["B = 32", "B = 512"] and fig.axes[0].name == "3d"
    both = np.log10([surfaces["test_loss"].min(), surfaces["test_loss"].max()])
    assert all(np.allclose(ax.get_zlim(), both) for ax in fig.axes), "the pair shares one vertical range"
    plt.close(fig)


def test_sharpness_panels_use_a_log_scale_only_where_every_value_is_positive():
    sharp = pd.DataFrame({"dataset": "synthetic-1k", "batch_size": [32, 512], "seed": 42, "a": [0.1, 0.2],
                          "b": [-1.0, 2.0]})
    panels.LABELS.update(a="a", b="b")
    try:
        fig = plots_landscape.sharpness_panels(sharp, ("a", "b"), {32: 0.023, 512: 0.158})
    finally:
        del panels.LABELS["a"], panels.LABELS["b"]
    assert [ax.get_yscale() for ax in fig.axes] == ["log", "linear"]
    squares = fig.axes[0].collections[-1].get_offsets()
    assert [tuple(p) for p in squares] == [(32, 0.023), (512, 0.158)]
    plt.close(fig)


def test_on_a_log_axis_the_sharpness_line_is_the_geometric_mean_with_its_log_interval():
    """Seeds that spread by factors (1, 4, 16): the line at their geometric mean 4, not their mean 7, and a band
    that stays above zero, as the ratio table is judged."""
    sharp = pd.DataFrame({"dataset": "synthetic-1k", "batch_size": [32] * 3 + [512] * 3, "seed": [42, 43, 44] * 2,
                          "a": [1.0, 4.0, 16.0, 2.0, 2.0, 2.0], "outcome": "trained"})
    panels.LABELS.update(a="a")
    try:
        fig = plots_landscape.sharpness_panels(sharp, ("a",), {})
    finally:
        del panels.LABELS["a"]
    line = next(line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == 2)
    assert line.get_ydata()[0] == pytest.approx(4.0)
    band = fig.axes[0].collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() > 0
    plt.close(fig)


def test_epoch_times_and_curves_draw_two_panels_per_data_set_in_the_run_tables_order():
    runs = pd.DataFrame({"dataset": ["synthetic-10k", "synthetic-1k"] * 2, "batch_size": [8, 8, 64, 64],
                         "median_epoch_time": [1.0, 2.0, 0.5, 0.4], "seed": 42, "key": list("abcd"),
                         "outcome": ["trained"] * 3 + ["collapsed"]})
    history = pd.DataFrame({"dataset": ["synthetic-10k", "synthetic-1k"] * 4, "batch_size": [8, 8, 64, 64] * 2,
                            "epoch": [1] * 4 + [2] * 4, "test_acc": [60.0, 70, 80, 50] * 2, "seed": 42,
                            "key": list("abcd") * 2})
    fig = plots.epoch_times_and_curves(runs, history)
    assert [ax.get_title() for ax in fig.axes] == ["Medium synthetic (10K)"] * 2 + ["Small synthetic (1K)"] * 2
    assert [ax.get_yscale() for ax in fig.axes] == ["log", "linear"] * 2
    # the collapsed run (1K, B = 64): its own grey dotted line and a label, not one of the mean curves
    dotted = [line for line in fig.axes[3].get_lines() if line.get_linestyle() == ":"]
    assert [list(line.get_ydata()) for line in dotted] == [[50.0, 50.0]]
    assert [t.get_text() for t in fig.axes[3].texts] == ["B = 64, did not train"]
    assert not [t.get_text() for t in fig.axes[1].texts]
    assert 0 <= fig.axes[3].get_ylim()[0] and fig.axes[3].get_ylim()[1] <= 100
    plt.close(fig)


def test_time_to_target_leaves_out_runs_that_never_reached_it():
    to_target = pd.DataFrame({"dataset": "mnist", "batch_size": [8, 512], "seed": 42, "epochs_to_target": [2, None],
                              "seconds_to_target": [4.0, None]})
    fig = plots.time_to_target(to_target)
    assert [list(line.get_xdata()) for line in fig.axes[0].get_lines()[:1]] == [[8]]
    assert fig.axes[1].get_yscale() == "log"
    plt.close(fig)


def test_critical_against_n_draws_the_fit_only_where_there_is_one():
    from batchsize import summaries

    synthetic = pd.DataFrame({"train_size": [800, 8_000, 40_000], "critical_b": [64, 128, 512],
                              "largest_b": [512] * 3, "critical_by": ["below the peak"] * 3})
    _, fit = summaries.exponent_fits(synthetic)
    ax = plots.critical_against_n(synthetic, fit).axes[0]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert [line.get_label() for line in ax.get_lines()] == [f"fit: B* ∝ N^{fit.slope:.2f}"]
    assert not plots.critical_against_n(synthetic.iloc[:1]).axes[0].get_lines()
    plt.close("all")


def test_critical_against_n_draws_a_size_without_b_star_above_its_largest_b():
    """No B falls a point below the peak: the size is a censored point at its largest B, never left out; a B* set by
    failed runs is a cross, apart from the points of the fit."""
    points = pd.DataFrame({"train_size": [800, 8_000, 20_000], "critical_b": pd.array([128, None, 256], dtype="Int64"),
                           "largest_b": pd.array([512, 512, 512], dtype="Int64"),
                           "critical_by": ["below the peak", None, "failed"]})
    ax = plots.critical_against_n(points).axes[0]
    ours = {c.get_label(): c.get_offsets().tolist() for c in ax.collections}
    assert ours["ours: B*"] == [[800, 128]]
    assert ours["ours: no B* up to the largest B measured (B* beyond)"] == [[8_000, 512]]
    assert ours["ours: B* where runs failed (not fitted)"] == [[20_000, 256]]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["64", "128", "256", "512"]  # the paper's 64 too
    assert ax.get_ylim()[1] > 512  # the censored triangle clears the frame
    plt.close("all")


def test_gap_figure_draws_a_panel_per_data_set_on_one_y_axis_with_the_papers_bound():
    runs = pd.DataFrame({"dataset": ["mnist"] * 3 + ["cifar10"] * 3, "batch_size": [8, 64, 512] * 2,
                         "gap": [0.1, 0.5, 0.3, 1.0, 4.0, 9.0], "seed": 42})
    fig = plots.gap_against_b(runs)
    assert [ax.get_title() for ax in fig.axes] == ["MNIST", "CIFAR-10"]  # the registry's order
    for ax in fig.axes:
        bound = ax.collections[-1].get_segments()[0]
        assert bound[0][1] == bound[1][1] == 2.0 and (bound[0][0], bound[1][0]) == (1, 64)  # the paper's B = 1–64
        assert any(line.get_label() == "paper" for line in ax.get_lines())
        assert ax.get_ylim() == fig.axes[1].get_ylim() and ax.get_ylim()[1] > 9  # shared: MNIST's reaches CIFAR's Δ
        assert ax.get_legend() is None
    assert len(fig.legends) == 1
    plt.close("all")


def test_gap_figure_draws_the_papers_values_only_for_the_data_sets_it_is_given():
    """A data set whose runs are below the paper's scale gets no squares: its Δ is not the paper's quantity."""
    runs = pd.DataFrame({"dataset": ["mnist"] * 3 + ["cifar10"] * 3, "batch_size": [8, 64, 512] * 2,
                         "gap": [0.1, 0.5, 0.3, 1.0, 4.0, 9.0], "seed": 42})
    drawn = {ax.get_title(): any(line.get_label() == "paper" for line in ax.get_lines())
             for ax in plots.gap_against_b(runs, ["cifar10"]).axes}
    assert drawn == {"MNIST": False, "CIFAR-10": True}
    assert not any(line.get_label() == "paper" for ax in plots.gap_against_b(runs, []).axes for line in ax.get_lines())
    plt.close("all")


def test_matched_steps_marks_the_fixed_budget_in_both_panels():
    curves = pd.DataFrame({"batch_size": [32, 32, 512, 512], "epoch": [1, 2, 1, 2], "updates": [250, 500, 16, 32],
                           "test_acc": [1.0, 2.0, 1.5, 2.5], "seed": 42})
    fig = plots.matched_steps(curves, base_steps=500, base_epochs=2)
    assert [ax.get_xscale() for ax in fig.axes] == ["log", "log"]
    assert [ax.get_lines()[-1].get_xdata()[0] for ax in fig.axes] == [500, 2]
    plt.close(fig)


def test_variance_figure_draws_each_weights_against_one_over_b_and_the_expectation_of_the_batches_drawn():
    """The dashed line is the table's `expected` (here N = 800's: ≈ 1 up to B = 40, then down to 288/799); the
    trained weights are one marker on every panel, however many epochs each trained, which its title says."""
    factor = {1: 800 / 799, 8: 800 / 799, 64: (736 + 64 * 188 / 380) / 799, 512: 288 / 799}
    epochs = {"synthetic-1k": (0, 1, 5, 50), "mnist": (0, 1, 12)}
    variance = pd.DataFrame([{"dataset": d, "N": 800, "batch_size": b, "sampling": s, "seed": 42, "epoch": e,
                              "weights": weights_label(e, epochs[d][-1]), "sigma2": 2.0, "variance": 2.0 / b * f,
                              "expected": 2.0 / b * (1 if s == "with replacement" else f)}
                             for d in epochs for s in ("with replacement", "without replacement")
                             for e in epochs[d] for b, f in factor.items()])
    fig = plots.variance_against_b(variance)
    assert [ax.get_title() for ax in fig.axes] == ["Small synthetic (1K) (N = 800)\ntrained: epoch 50",
                                                   "MNIST (N = 800)\ntrained: epoch 12"]
    *markers, one_over_b, dashed = fig.axes[0].get_lines()
    assert [m.get_label() for m in markers] == ["initialisation", "epoch 1", "epoch 5", "trained"]
    np.testing.assert_allclose(markers[-1].get_ydata(), list(factor.values()))  # on the dashed line
    np.testing.assert_allclose(dashed.get_ydata(), list(factor.values()))
    assert np.all(np.asarray(one_over_b.get_ydata()) == 1)
    style = [(line.get_marker(), line.get_color()) for line in (markers[-1], fig.axes[1].get_lines()[2])]
    assert style[0] == style[1]  # MNIST has no epoch 5: its trained marker is still the 1K set's
    plt.close(fig)


def test_variance_figure_gives_every_weights_a_marker_and_says_when_a_panel_has_no_trained_weights():
    """The table may hold any number of epochs along training: seven kinds of weights (more than the figure's
    markers) each keep a (marker, colour) of their own; a panel with no trained weights says 'no epoch', never nan."""
    epochs = {"synthetic-1k": ((0, 1, 2, 3, 4, 5, 50), 50), "mnist": ((0, 1), 12)}  # MNIST's trained weights left out
    variance = pd.DataFrame([{"dataset": d, "N": 800, "batch_size": b, "sampling": "without replacement", "seed": 42,
                              "epoch": e, "weights": weights_label(e, final), "sigma2": 2.0, "variance": 2.0 / b,
                              "expected": 2.0 / b} for d, (along, final) in epochs.items() for e in along
                             for b in (1, 8, 64)])
    fig = plots.variance_against_b(variance)
    *markers, _, _ = fig.axes[0].get_lines()
    assert [m.get_label() for m in markers] == ["initialisation", *(f"epoch {e}" for e in range(1, 6)), "trained"]
    assert len({(m.get_marker(), m.get_color()) for m in markers}) == len(markers) == 7
    assert [ax.get_title().split("\n")[1] for ax in fig.axes] == ["trained: epoch 50", "trained: no epoch"]
    plt.close(fig)


def test_lr_rules_draw_each_rule_beside_the_papers_table_v():
    runs = pd.DataFrame({"dataset": "synthetic-50k", "batch_size": [32, 512] * 2, "lr_rule": ["fixed"] * 2 +
                         ["linear"] * 2, "test_acc": [92.0, 82.0, 92.0, 90.0], "gap": 1.0, "seed": 42})
    fig = plots.lr_rules(runs)
    labels = {line.get_label() for line in fig.axes[0].get_lines()}
    assert {"fixed", "linear", "fixed (paper)", "linear (paper)"} <= labels
    plt.close(fig)


def test_accuracy_figures_draw_the_papers_table_and_drop_panels_without_runs():
    runs = pd.DataFrame({"dataset": "synthetic-10k", "batch_size": [8, 512], "test_acc": [98.0, 98.5], "seed": 42})
    fig = plots.synthetic_accuracy(runs)
    assert [ax.get_title() for ax in fig.axes] == ["Medium synthetic (10K)"]  # the 1K and 50K panels removed
    ours, _ = mnist()
    ax = plots.image_accuracy(ours, "mnist", "III").axes[0]
    paper_line = next(line for line in ax.get_lines() if line.get_label() == "paper")
    assert list(paper_line.get_ydata()) == list(paper.table("III")["test_acc"])
    plt.close("all")


def test_image_accuracy_zooms_in_on_the_runs_that_trained_when_some_did_not():
    b = [8, 8, 64, 64, 1024, 1024]
    runs = pd.DataFrame({"dataset": "mnist", "batch_size": b, "seed": [42, 43] * 3,
                         "test_acc": [98.9, 99.1, 99.0, 98.8, 99.2, 11.35],
                         "outcome": ["trained"] * 5 + ["collapsed"]})
    fig = plots.image_accuracy(runs, "mnist", "III")
    full, zoomed = fig.axes
    assert full.get_ylim()[0] < 12 < 90 < zoomed.get_ylim()[0]  # the cross at 11.35 % is drawn only on the left
    assert "5 runs that trained" in zoomed.get_title()
    assert any("did not train" in t.get_text() for t in zoomed.get_legend().get_texts())
    plt.close(fig)
    assert len(plots.image_accuracy(runs[runs["outcome"] == "trained"], "mnist", "III").axes) == 1
    plt.close("all")


def test_failed_cells_curves_show_every_seed_of_a_cell_with_its_outcome_and_warmup():
    runs = pd.DataFrame({"key": ["a", "b", "c"], "dataset": "mnist", "batch_size": 1024, "seed": [42, 43, 44],
                         "outcome": ["collapsed", "diverged", "trained"], "epochs_run": [3, 1, 3]})
    lr = [0.08, 0.16, 0.24]
    history = pd.DataFrame({"key": ["a"] * 3 + ["b"] + ["c"] * 3, "epoch": [1, 2, 3, 1, 1, 2, 3],
                            "lr": lr + lr[:1] + lr, "running_loss": [3.2, 2.3, 2.3, np.nan, 0.8, 0.1, 0.05],
                            "test_acc": [10.1, 11.3, 11.3, np.nan, 96.6, 98.3, 98.9]})
    fig = plots_failures.failed_cells_curves(history, runs)
    loss, acc = fig.axes
    assert loss.get_title() == "MNIST, B = 1024, η 0.08 → 0.24 by epoch 3" and loss.get_yscale() == "log"
    labels = [t.get_text() for t in acc.get_legend().get_texts()]
    assert labels == ["seed 42 (collapsed)", "seed 43 (diverged in epoch 1)", "seed 44 (trained)", "chance"]
    plt.close(fig)


def test_rule_curves_draw_each_rules_seeds_epoch_by_epoch():
    """Review s39 (8): the changes' runs are shown epoch by epoch beside the recipe's, two panels per rule."""
    runs = pd.DataFrame({"key": ["a", "b", "c"], "dataset": "mnist", "batch_size": 1024, "seed": [42, 43, 42],
                         "outcome": ["collapsed", "trained", "trained"], "epochs_run": 2,
                         "rule": ["linear + 5-epoch warmup"] * 2 + ["sqrt + 5-epoch warmup"]})
    history = pd.DataFrame({"key": ["a", "a", "b", "b", "c", "c"], "epoch": [1, 2] * 3,
                            "lr": [0.08, 0.16, 0.08, 0.16, 0.04, 0.08], "running_loss": [3.2, 2.3, 0.8, 0.1, 1.1, 0.1],
                            "test_acc": [10.1, 11.3, 96.6, 98.3, 94.2, 98.1]})
    fig = plots_failures.rule_curves(history, runs)
    assert [ax.get_title() for ax in fig.axes] == [
        "linear + 5-epoch warmup, η 0.08 → 0.16 by epoch 2", "linear + 5-epoch warmup",
        "sqrt + 5-epoch warmup, η 0.04 → 0.08 by epoch 2", "sqrt + 5-epoch warmup"]
    assert [t.get_text() for t in fig.axes[3].get_legend().get_texts()] == ["seed 42 (trained)", "chance"]
    plt.close(fig)


def test_seeds_by_dataset_draws_a_panel_per_data_set_with_its_chance_line():
    runs = pd.DataFrame({"dataset": ["mnist", "mnist", "synthetic-1k", "synthetic-1k"], "batch_size": 8,
                         "init": ["a", "b"] * 2, "test_acc": [99.0, 10.0, 95.0, 50.0], "seed": 42})
    fig = plots.seeds_by_dataset(runs, "init")
    assert [ax.get_title() for ax in fig.axes] == ["MNIST", "Small synthetic (1K)"]
    assert [ax.get_lines()[-1].get_ydata()[0] for ax in fig.axes] == [10.0, 50.0]  # chance: 10 and 2 classes
    plt.close(fig)


def test_sample_images_and_synthetic_features_show_what_was_loaded():
    from types import SimpleNamespace

    import torch

    images = SimpleNamespace(x_train=torch.randn(40, 1, 4, 4), y_train=torch.arange(40) % 10)
    table = SimpleNamespace(x_train=torch.randn(50, 5), y_train=torch.arange(50) % 2)
    fig, samples = pictures.sample_images({"mnist": images, "synthetic-1k": table})
    assert len(samples) == 10 and set(samples["dataset"]) == {"mnist"} and len(fig.axes) == 10
    fig, points = pictures.synthetic_features({"mnist": images, "synthetic-1k": table}, limit=30)
    assert len(points) == 30 and [ax.get_title() for ax in fig.axes] == ["Small synthetic (1K)"]
    assert abs(points["pc1"].mean()) < 1e-5  # centred: principal components of the points themselves
    plt.close("all")


def test_a_run_that_did_not_train_is_drawn_alone_and_left_out_of_the_mean():
    ours = pd.DataFrame({"dataset": "mnist", "batch_size": [32, 32, 256, 256, 256], "seed": [42, 43, 42, 43, 44],
                         "test_acc": [97.0, 97.0, 95.0, 96.0, 10.0],
                         "outcome": ["trained"] * 4 + ["collapsed"]})
    ax = panels.by_batch(ours, "test_acc")
    mean = next(line for line in ax.get_lines() if len(line.get_xdata()) == 2)
    assert list(mean.get_ydata()) == [97.0, 95.5]  # not (95 + 96 + 10) / 3
    crosses = [c for c in ax.collections if c.get_label().startswith("did not train")]
    assert len(crosses) == 1 and crosses[0].get_offsets().tolist() == [[256.0, 10.0]]
    assert crosses[0].get_label() == "did not train: each a cross, not in the mean"  # one label for every panel
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a panel of failed runs only: crosses, no line, no seaborn warning
        panels.by_batch(ours[ours["outcome"] != "trained"], "test_acc")
    timed = panels.by_batch(ours.assign(median_epoch_time=1.0), "median_epoch_time")  # its time is still a time
    assert not [c for c in timed.collections if c.get_label().startswith("did not train")]


def test_the_run_that_trained_in_a_failed_cell_is_a_point_not_a_mean():
    """Paper-scale MNIST at B = 1024: one seed of three trained; the line ended on its 99.22 % as if a mean."""
    ours = pd.DataFrame({"dataset": "mnist", "batch_size": [256] * 3 + [1024] * 3, "seed": [42, 43, 44] * 2,
                         "test_acc": [99.0, 99.2, 99.1, 11.35, 9.8, 99.22],
                         "outcome": ["trained"] * 3 + ["collapsed", "diverged", "trained"]})
    for ax in (panels.by_batch(ours, "test_acc"), plots.image_accuracy(ours, "mnist", "III").axes[1]):
        ours_lines = [line for line in ax.get_lines() if len(line.get_xdata()) and line.get_linestyle() == "-"]
        assert [list(line.get_xdata()) for line in ours_lines] == [[256]]  # no mean drawn at B = 1024
        lone = [c for c in ax.collections if c.get_label().startswith("trained where at least half")]
        assert len(lone) == 1 and lone[0].get_offsets().tolist() == [[1024.0, 99.22]]
    plt.close("all")


def test_the_band_is_the_verdicts_t_interval_not_a_bootstrap():
    """Three seeds: the band spans `stats.estimate`'s t interval (seaborn's bootstrap would be far narrower)."""
    from batchsize.stats import estimate

    acc = [90.0, 91.0, 95.0]
    data = pd.DataFrame({"dataset": "mnist", "batch_size": [32] * 3 + [64] * 3, "seed": [42, 43, 44] * 2,
                         "test_acc": acc + [80.0, 80.5, 81.0]})
    ax = panels.by_batch(data, "test_acc")
    band = ax.collections[0].get_paths()[0].vertices
    at_32 = band[np.isclose(band[:, 0], 32), 1]
    expected = estimate(acc)
    assert at_32.min() == pytest.approx(expected.low) and at_32.max() == pytest.approx(expected.high)
    assert expected.high - expected.low > 8  # wide enough that a bootstrap band (max − min ≤ 5) could not pass
    plt.close("all")


def test_seeds_by_rule_draws_every_seed_and_the_t_interval_per_rule_not_a_line():
    from batchsize.stats import estimate

    acc = {"fixed": [26.0, 27.0, 25.0], "linear": [24.0, 10.0, 23.0]}
    runs = pd.DataFrame([{"batch_size": 256, "rule": r, "seed": s, "test_acc": a,
                          "outcome": "collapsed" if a == 10.0 else "trained"}
                         for r, values in acc.items() for s, a in zip((42, 43, 44), values, strict=True)])
    fig = plots.seeds_by_rule(runs, chance=10.0)
    ax = fig.axes[0]
    dots = np.concatenate([c.get_offsets() for c in ax.collections if len(c.get_offsets()) == 3])
    assert sorted(dots[:, 1]) == sorted(acc["fixed"] + acc["linear"])  # every seed, none averaged away
    interval = estimate([24.0, 23.0])  # the mean of the runs that trained: the one at chance is drawn, not averaged
    bars = [np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()
            if np.isnan(np.asarray(line.get_ydata(), dtype=float)).any()]  # an error bar with its caps, NaN-separated
    assert any(np.nanmin(y) == pytest.approx(interval.low) and np.nanmax(y) == pytest.approx(interval.high)
               for y in bars)
    assert ax.get_title() == "B = 256" and len(fig.legends) == 1
    plt.close("all")


def test_replays_draw_each_long_run_solid_and_its_replay_dashed_in_the_seeds_colour():
    from test_checks import CURVES, TWO_CPUS, replay_tables

    from batchsize.checks import replay_pairs

    replays, long_runs, history = replay_tables(CURVES, TWO_CPUS)
    fig = plots_failures.replays(replay_pairs(replays, long_runs, history), history)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert lines["seed 43, long run"].get_linestyle() == "-" and lines["seed 43, replay"].get_linestyle() == "--"
    assert lines["seed 43, long run"].get_color() == lines["seed 43, replay"].get_color() != \
        lines["seed 42, replay"].get_color()
    assert list(lines["seed 42, long run"].get_ydata()) == CURVES[42, "run"][:3]  # cut at the replay's epochs
