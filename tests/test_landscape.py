import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from batchsize.config import UserError
from batchsize.landscape import (
    default_points_per_call,
    filter_normalized_direction,
    interpolate,
    loss_slice_1d,
    loss_surface,
)
from batchsize.models import build_model, cifar_cnn, mlp


def snapshot(model):
    return {n: p.detach().clone() for n, p in model.named_parameters()}


def assert_unchanged(model, before):
    assert all(torch.equal(p, before[n]) for n, p in model.named_parameters())


def data(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 20, generator=g), torch.randint(0, 2, (n,), generator=g)


@torch.no_grad()
def loss_at(model, x, y, shift):
    """The reference: copy the model, move its weights by hand, evaluate in eval mode."""
    moved = copy.deepcopy(model).eval()
    for name, p in moved.named_parameters():
        p += shift[name]
    out = moved(x)
    return F.cross_entropy(out, y).item(), 100.0 * (out.argmax(1) == y).float().mean().item()


@pytest.mark.parametrize("name", ["mlp", "mnist_cnn"])
def test_direction_filters_have_the_weights_norms_and_biases_are_zero(name):
    model = build_model(name, seed=0)
    d = filter_normalized_direction(model, torch.Generator().manual_seed(1))
    assert d.keys() == dict(model.named_parameters()).keys()
    for n, w in model.named_parameters():
        assert d[n].shape == w.shape
        if w.dim() == 1:
            assert torch.count_nonzero(d[n]) == 0
        else:
            torch.testing.assert_close(d[n].flatten(1).norm(dim=1), w.detach().flatten(1).norm(dim=1))
    again = filter_normalized_direction(model, torch.Generator().manual_seed(1))
    other = filter_normalized_direction(model, torch.Generator().manual_seed(2))
    assert all(torch.equal(d[n], again[n]) for n in d)
    assert not torch.equal(d["0.weight"], other["0.weight"])


def test_surface_matches_hand_moved_weights_and_leaves_the_model_alone():
    model, (x, y) = build_model("mlp", 0), data()
    model.train()  # dropout on: the surface must still be evaluated without it
    before = snapshot(model)
    g = torch.Generator().manual_seed(0)
    d1, d2 = filter_normalized_direction(model, g), filter_normalized_direction(model, g)
    alphas, betas = np.array([-1.0, 0.0, 0.5]), np.array([0.0, 0.25])
    surface = loss_surface(model, x, y, (d1, d2), alphas, betas, batch_size=25, points_per_call=4)
    assert surface.shape == (3, 2)
    for i, a in enumerate(alphas):
        for j, b in enumerate(betas):
            expected, _ = loss_at(model, x, y, {n: a * d1[n] + b * d2[n] for n in d1})
            assert surface[i, j] == pytest.approx(expected, rel=1e-5)
    assert_unchanged(model, before)
    assert model.training


def test_surface_centre_is_the_models_loss_and_grouping_does_not_matter():
    model, (x, y) = build_model("mlp", 3), data(50)
    g = torch.Generator().manual_seed(0)
    dirs = (filter_normalized_direction(model, g), filter_normalized_direction(model, g))
    surface = loss_surface(model, x, y, dirs)
    assert surface.shape == (51, 51)
    with torch.no_grad():
        assert surface[25, 25] == pytest.approx(F.cross_entropy(model.eval()(x), y).item(), rel=1e-5)
    pick = [0, 10, 25, 50]
    grid = np.linspace(-1, 1, 51)[pick]
    one = loss_surface(model, x, y, dirs, grid, grid, points_per_call=1)
    seven = loss_surface(model, x, y, dirs, grid, grid, points_per_call=7, batch_size=16)
    np.testing.assert_allclose(one, seven, rtol=1e-5)
    np.testing.assert_allclose(one, surface[np.ix_(pick, pick)], rtol=1e-5)


def test_conv_surface_matches_hand_moved_weights():
    model = build_model("mnist_cnn", 0)
    before = snapshot(model)
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(4, 1, 28, 28, generator=g), torch.randint(0, 10, (4,), generator=g)
    d1, d2 = filter_normalized_direction(model, g), filter_normalized_direction(model, g)
    surface = loss_surface(model, x, y, (d1, d2), [0.0, 0.3], [-0.2], batch_size=3)
    for i, a in enumerate([0.0, 0.3]):
        expected, _ = loss_at(model, x, y, {n: a * d1[n] - 0.2 * d2[n] for n in d1})
        assert surface[i, 0] == pytest.approx(expected, rel=1e-4)
    assert_unchanged(model, before)


def test_slice_is_the_surface_column_at_beta_zero():
    model, (x, y) = build_model("mlp", 1), data()
    g = torch.Generator().manual_seed(5)
    d1, d2 = filter_normalized_direction(model, g), filter_normalized_direction(model, g)
    alphas = np.linspace(-1, 1, 9)
    line = loss_slice_1d(model, x, y, d1, alphas)
    surface = loss_surface(model, x, y, (d1, d2), alphas, [0.0])
    np.testing.assert_allclose(line, surface[:, 0], rtol=1e-6)


def test_interpolation_ends_at_both_solutions():
    a, b, (x, y) = build_model("mlp", 1), build_model("mlp", 2), data(80)
    before = snapshot(a)
    path = interpolate(a.state_dict(), b.state_dict(), a, x, y, [0.0, 0.5, 1.0], batch_size=30)
    assert list(path.columns) == ["alpha", "loss", "acc"]
    wa, wb = snapshot(a), snapshot(b)
    for row, shift in zip(path.itertuples(), [0.0, 0.5, 1.0], strict=True):
        loss, acc = loss_at(a, x, y, {n: shift * (wb[n] - wa[n]) for n in wa})
        assert row.loss == pytest.approx(loss, rel=1e-5)
        assert row.acc == pytest.approx(acc)
    assert_unchanged(a, before)


def test_incomplete_directions_are_refused():
    model, (x, y) = build_model("mlp", 0), data()
    d = filter_normalized_direction(model)
    del d["0.bias"]
    with pytest.raises(UserError, match="0.bias"):
        loss_surface(model, x, y, (d, d), [0.0], [0.0])
    with pytest.raises(UserError, match="0.bias"):
        interpolate(d, model.state_dict(), model, x, y)


def test_a_network_with_convolutions_evaluates_one_point_per_call():
    """CIFAR-10's CNN has fewer than 100k parameters, but vmapping its convolutions over 64 points of 500 examples
    each went past 20 GB: a convolutional network gets one point a call, a small MLP many."""
    assert default_points_per_call(cifar_cnn(), 500) == 1
    assert default_points_per_call(mlp(), 500) == 64 and default_points_per_call(mlp(), 2000) == 16


def test_every_sharpness_measure_and_surface_is_of_the_test_loss():
    """The chapter, the report's sharpness rows and the deviations page say the measures and surfaces are of the
    test loss (the paper's claim is of the training loss): `analysis_measures` evaluates each on `Chapter.eval_set`,
    which must give the test set's first examples, never the training set's."""
    import types

    import pandas as pd

    from batchsize import analysis_measures, book, claims_landscape

    split = types.SimpleNamespace(x_train=torch.zeros(5, 2), y_train=torch.zeros(5), x_test=torch.arange(8.0)
                                  .reshape(4, 2), y_test=torch.arange(4.0))
    chapter = types.SimpleNamespace(_data=lambda run: split)
    x, y = book.Chapter.eval_set(chapter, pd.Series(dtype=object), 3)
    assert torch.equal(x, split.x_test[:3]) and torch.equal(y, split.y_test[:3])
    names = [getattr(analysis_measures, f"_{measure}").__code__.co_names
             for measure in ("sharpness", "trace", "loss_surface", "power_iteration")]  # what each computation calls
    assert all("eval_set" in called and "train_set" not in called for called in names)
    assert "test loss" in claims_landscape.TEST_LOSS and "training loss" in claims_landscape.TEST_LOSS


def test_the_chapter_says_on_which_examples_each_data_set_was_measured():
    """The sizes come from the values kept (`n_eval`), not typed: the 1K set's whole test set is smaller."""
    import pandas as pd

    from batchsize import pages_landscape

    kept = pd.DataFrame({"dataset": ["synthetic-1k", "synthetic-1k", "mnist"], "n_eval": [200, 200, 500]})
    text = pages_landscape.evaluation_text(kept)
    assert "(Small synthetic (1K) 200; MNIST 500;" in text
    assert "*test* loss" in text and "sharp minimizers of the training loss" in text and "deviation" in text
    assert "Algorithm 1 evaluates its surfaces on the test set" in text  # the paper's surfaces are of the test loss
