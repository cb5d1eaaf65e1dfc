import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import stats
from torch import nn

from batchsize.config import UserError
from batchsize.models import build_model
from batchsize.noise import (
    batch_gradients,
    draw_batches,
    example_variance,
    first_weight,
    gradient_variance,
    loglog_fit,
    noise_scale_from_norms,
    noise_scale_simple,
    noise_scale_two_batch,
    per_example_gradients,
    variance_vs_batch_size,
    without_replacement_factor,
)


class Probe(nn.Module):
    """Output x·w and loss = mean output: example i's gradient is exactly x_i, a distribution we choose."""

    def __init__(self, d: int):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, d))

    def forward(self, x):
        return x @ self.weight.T


def mean_output(out, y):
    return out.mean()


def population(n=800, d=32, seed=0):
    x = torch.randn(n, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return x.float(), torch.zeros(n)


def test_variance_follows_sigma2_over_b_with_the_finite_population_factor():
    x, y = population()
    s2 = x.double().var(dim=0, correction=0).mean().item()  # per-element population variance
    g = torch.Generator().manual_seed(0)
    for b in (1, 16, 400):
        with_r = gradient_variance(Probe(32), x, y, b, 400, replacement=True, generator=g, ddof=1,
                                   loss_fn=mean_output)
        without = gradient_variance(Probe(32), x, y, b, 400, replacement=False, generator=g, ddof=1,
                                    loss_fn=mean_output)
        assert with_r == pytest.approx(s2 / b, rel=0.05)
        assert without == pytest.approx(s2 / b * without_replacement_factor(800, b), rel=0.05)


def test_eq4_divides_by_n_and_the_unbiased_version_by_n_minus_1():
    x, y = population(200, 8)
    grads = batch_gradients(Probe(8), x, y, 10, 20, generator=torch.Generator().manual_seed(3),
                            loss_fn=mean_output).double()
    assert grads.shape == (20, 8)
    for ddof in (0, 1):
        value = gradient_variance(Probe(8), x, y, 10, 20, generator=torch.Generator().manual_seed(3),
                                  ddof=ddof, loss_fn=mean_output)
        expected = ((grads - grads.mean(0)) ** 2).sum(0).mean().item() / (20 - ddof)
        assert value == pytest.approx(expected, rel=1e-6)


def test_variance_table_and_its_loglog_slope():
    x, y = population(4000, 16)
    table = variance_vs_batch_size(Probe(16), x, y, [1, 4, 16, 64, 256], 200, replacement=True,
                                   generator=torch.Generator().manual_seed(0), loss_fn=mean_output)
    assert list(table.columns) == ["batch_size", "variance", "variance_unbiased", "fpc"]
    assert (table["fpc"] == 1.0).all()
    np.testing.assert_allclose(table["variance"] / table["variance_unbiased"], 199 / 200)
    fit = loglog_fit(table["batch_size"], table["variance_unbiased"])
    assert fit.slope_ci[0] < -1 < fit.slope_ci[1] and fit.r2 > 0.99
    without = variance_vs_batch_size(Probe(16), x, y, [4000], 2, loss_fn=mean_output)
    assert without["variance"].item() == pytest.approx(0, abs=1e-12) and without["fpc"].item() == 0


def test_without_replacement_factor():
    assert without_replacement_factor(800, 1) == 1
    assert without_replacement_factor(800, 800) == 0
    assert without_replacement_factor(800, 32) == pytest.approx(768 / 799)
    with pytest.raises(UserError):
        without_replacement_factor(800, 801)


def test_loglog_fit_recovers_a_power_law_and_an_honest_interval():
    b = np.array([1, 8, 16, 32, 64, 128, 256, 512])
    exact = loglog_fit(b, 3.0 * b**-0.98)
    assert exact.slope == pytest.approx(-0.98) and exact.prefactor == pytest.approx(3.0)
    assert exact.r2 == pytest.approx(1.0) and exact.n == 8
    noisy_y = 3.0 * b**-0.98 * np.exp(np.random.default_rng(0).normal(0, 0.1, len(b)))
    fit = loglog_fit(b, noisy_y)
    reference = stats.linregress(np.log(b), np.log(noisy_y))
    half = stats.t.ppf(0.975, len(b) - 2) * reference.stderr
    assert fit.slope_ci == pytest.approx((reference.slope - half, reference.slope + half))
    three = loglog_fit([1, 2, 4], [1.0, 0.6, 0.2])
    width = three.slope_ci[1] - three.slope_ci[0]
    stderr = stats.linregress(np.log([1, 2, 4]), np.log([1, 0.6, 0.2])).stderr
    assert width == pytest.approx(2 * 12.7062 * stderr, rel=1e-4)  # t(0.975, 1 dof) = 12.706
    assert all(math.isnan(v) for v in loglog_fit([1, 2], [1.0, 0.5]).slope_ci)
    with pytest.raises(UserError):
        loglog_fit([1, 2, 4], [1.0, 0.0, 0.5])


def test_training_draws_disjoint_batches_of_shuffled_epochs():
    batches = draw_batches(10, 4, 6, replacement=False, generator=torch.Generator().manual_seed(0))
    assert [len(set(b.tolist())) for b in batches] == [4] * 6
    for first in (0, 2, 4):  # two full batches per epoch (the remainder of 2 left out), then a new shuffle
        assert len(set(torch.cat(batches[first:first + 2]).tolist())) == 8
    assert batches[0].tolist() != batches[2].tolist()


def test_a_batch_of_a_shuffled_epoch_has_the_finite_population_variance():
    """Known answer: the mean of B of N values drawn without replacement varies by σ²/B·(N − B)/(N − 1) about
    the population mean (σ² divided by N), not σ²/B."""
    x, y = population(10, 3)
    s2 = x.double().var(dim=0, correction=0).mean().item()
    assert example_variance(Probe(3), x, y, chunk=4, loss_fn=mean_output) == pytest.approx(s2, rel=1e-5)
    for b in (2, 4, 9):
        grads = batch_gradients(Probe(3), x, y, b, 2000, generator=torch.Generator().manual_seed(b),
                                loss_fn=mean_output).double()
        spread = ((grads - x.double().mean(0)) ** 2).mean().item()
        assert spread == pytest.approx(s2 / b * without_replacement_factor(10, b), rel=0.08)


def test_first_weight_is_the_first_matrix_or_filter_bank():
    assert first_weight(build_model("mlp", 0)) == "0.weight"
    assert first_weight(build_model("cifar_cnn", 0)) == "0.weight"
    with pytest.raises(UserError):
        first_weight(nn.Sequential(nn.ReLU()))


def test_per_example_gradients_match_one_backward_per_example():
    model = build_model("mlp", 0).train()
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    x, y = torch.randn(5, 20), torch.randint(0, 2, (5,))
    grads = per_example_gradients(model, x, y)
    assert grads.shape == (5, 3490)
    model.eval()
    for i in range(5):
        model.zero_grad()
        F.cross_entropy(model(x[i:i + 1]), y[i:i + 1]).backward()
        torch.testing.assert_close(grads[i], torch.cat([p.grad.flatten() for p in model.parameters()]))
    torch.testing.assert_close(per_example_gradients(model, x, y, names=["3.weight"]), grads[:, 1344:3392])
    assert all(torch.equal(p, before[n]) for n, p in model.named_parameters())


def gradients_with_known_moments(n=4000, d=10, sigma=2.0):
    """Per-example gradients μ + z_i whose sample mean is exactly μ and sample covariance exactly σ²I."""
    z = torch.randn(n, d, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    z -= z.mean(0)
    u, _, vt = torch.linalg.svd(z, full_matrices=False)
    z = u @ vt * sigma * math.sqrt(n - 1)
    mu = torch.full((d,), 0.5, dtype=torch.float64)
    return (mu + z).float(), torch.zeros(n), float(mu @ mu), d * sigma**2


def test_simple_noise_scale_from_per_example_gradients():
    x, y, g2, trace = gradients_with_known_moments()
    result = noise_scale_simple(Probe(10), x, y, batch_size=1000, loss_fn=mean_output)
    assert result.trace_sigma == pytest.approx(trace, rel=1e-4)
    assert result.grad_sq_norm == pytest.approx(g2 - trace / len(x), rel=1e-4)
    assert result.b_noise == pytest.approx(result.trace_sigma / result.grad_sq_norm)


def test_two_batch_estimator():
    exact = noise_scale_from_norms(4, 2.0 + 30.0 / 4, 64, 2.0 + 30.0 / 64)
    assert (exact.grad_sq_norm, exact.trace_sigma, exact.b_noise) == pytest.approx((2.0, 30.0, 15.0))
    x, y, g2, _ = gradients_with_known_moments()
    trace = x.double().var(0, correction=0).sum().item()  # with replacement the population variance is exact
    result = noise_scale_two_batch(Probe(10), x, y, 8, 128, 1500, generator=torch.Generator().manual_seed(0),
                                   loss_fn=mean_output)
    assert result.trace_sigma == pytest.approx(trace, rel=0.1)
    assert result.grad_sq_norm == pytest.approx(g2, rel=0.1)
    with pytest.raises(UserError):
        noise_scale_from_norms(64, 1.0, 64, 1.0)


def test_model_weights_unchanged_and_bad_input_refused():
    model = build_model("mlp", 0)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    x, y = torch.randn(64, 20), torch.randint(0, 2, (64,))
    gradient_variance(model, x, y, 8, layer="3.weight")
    noise_scale_two_batch(model, x, y, 4, 16, 3)
    noise_scale_simple(model, x, y, batch_size=20)
    assert all(torch.equal(p, before[n]) for n, p in model.named_parameters())
    with pytest.raises(UserError, match="no parameter"):
        gradient_variance(model, x, y, 8, layer="nope")
    with pytest.raises(UserError, match="larger than"):
        gradient_variance(model, x, y, 65)
    with pytest.raises(UserError):
        gradient_variance(model, x, y, 8, n_batches=1)


def test_a_weights_label_reads_back_as_its_stage():
    from batchsize.noise import STAGES, stage_of, weights_label

    labels = [weights_label(e, 50) for e in (0, 5, 49, 50)]
    assert labels == ["initialisation", "epoch 5", "epoch 49", "trained (epoch 50)"]
    assert [stage_of(label) for label in labels] == [STAGES[0], STAGES[1], STAGES[1], STAGES[2]]
