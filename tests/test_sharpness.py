import itertools

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call

from batchsize.config import UserError
from batchsize.models import build_model
from batchsize.sharpness import (
    FlatLoss,
    epsilon_sharpness,
    hessian_top_eigenvalue,
    hessian_trace,
    keskar_sharpness,
    rayleigh_quotients,
)

F64 = torch.float64
EIGENVALUES = torch.tensor([4.0, 2.0, 1.0, 0.5, 0.25, 0.1], dtype=F64)


class Quadratic(nn.Module):
    """A test problem with a known Hessian: every example's output is ½wᵀHw, and the loss is their mean."""

    def __init__(self, h: torch.Tensor, w: torch.Tensor):
        super().__init__()
        self.register_buffer("h", h.float())
        self.weight = nn.Parameter(w.float())

    def forward(self, x):
        return (0.5 * self.weight @ self.h @ self.weight).expand(len(x))


def mean_output(out, y):
    return out.mean()


def rotated_hessian(seed=0):
    q, _ = torch.linalg.qr(torch.randn(6, 6, generator=torch.Generator().manual_seed(seed), dtype=F64))
    return q @ torch.diag(EIGENVALUES) @ q.T


def problem(h, w=None):
    """(model, x, y, options) for a quadratic; x and y only set the number of examples."""
    w = torch.zeros(len(h)) if w is None else w
    opts = dict(loss_fn=mean_output, batch_size=4, dtype=F64)
    return Quadratic(h, w), torch.zeros(10, 1), torch.zeros(10), opts


def test_top_eigenvalue_and_trace_of_a_known_hessian():
    model, x, y, opts = problem(rotated_hessian())
    g = torch.Generator().manual_seed(0)
    top = hessian_top_eigenvalue(model, x, y, iters=500, tol=1e-12, generator=g, **opts)
    assert top == pytest.approx(4.0)
    trace, stderr = hessian_trace(model, x, y, samples=400, generator=g, **opts)
    assert stderr > 0  # a rotated H has off-diagonal terms, so Hutchinson's estimate is noisy
    assert abs(trace - EIGENVALUES.sum().item()) < 4 * stderr
    assert trace == pytest.approx(EIGENVALUES.sum().item(), rel=0.1)


def test_power_iteration_estimates_rise_to_lambda_max_and_the_capped_one_is_among_them():
    """With eigenvalues 4 and 2 next to each other the Rayleigh quotient's error shrinks as (2/4)^2k: after 3
    products an estimate is still visibly short of 4, after 40 it is there (to float32's H); the capped
    `hessian_top_eigenvalue` is one of the same sequence (the first that moved by less than `tol`)."""
    model, x, y, opts = problem(rotated_hessian())
    estimates = list(itertools.islice(rayleigh_quotients(model, x, y, generator=torch.Generator().manual_seed(0),
                                                         **opts), 40))
    assert len(estimates) == 40 and estimates[2] < 4.0 - 1e-2 and estimates[-1] == pytest.approx(4.0, rel=1e-6)
    assert all(later >= earlier - 1e-12 for earlier, later in itertools.pairwise(estimates))  # H is PSD: rising
    capped = hessian_top_eigenvalue(model, x, y, iters=40, tol=1e-3, generator=torch.Generator().manual_seed(0),
                                    **opts)
    assert capped in estimates and capped < estimates[-1]
    flat = problem(torch.zeros(6, 6, dtype=F64))
    assert list(rayleigh_quotients(*flat[:3], **flat[3])) == [0.0]  # Hv = 0: one last 0.0


def test_epsilon_sharpness_at_the_minimum_is_half_eps_squared_lambda_max():
    model, x, y, opts = problem(rotated_hessian(1))
    for eps in (0.1, 0.5):
        g = torch.Generator().manual_seed(0)
        s = epsilon_sharpness(model, x, y, eps, steps=100, restarts=2, generator=g, **opts)
        assert s == pytest.approx(0.5 * eps**2 * 4.0, rel=1e-4)


def test_keskar_sharpness_of_a_diagonal_quadratic_is_at_the_box_corner():
    h = torch.diag(EIGENVALUES)
    w = torch.tensor([1.0, -2.0, 1.5, -1.0, 3.0, 1.0])
    model, x, y, opts = problem(h, w)
    eps = 1e-3
    base = 0.5 * float(w.double() @ h @ w.double())
    # Separable: coordinate i goes to the box edge away from 0, |w_i| + ε(|w_i| + 1).
    edge = w.double().abs() + eps * (w.double().abs() + 1)
    top = 0.5 * float(edge @ h @ edge)
    expected = 100 * (top - base) / (1 + base)
    s = keskar_sharpness(model, x, y, eps, steps=50, generator=torch.Generator().manual_seed(0), **opts)
    assert s == pytest.approx(expected, rel=1e-6)


def test_hessian_of_a_small_network_matches_autograd():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x, y = torch.randn(30, 3), torch.randint(0, 2, (30,))
    f = FlatLoss(model, x, y, batch_size=15, dtype=F64)
    loss = lambda t: F.cross_entropy(functional_call(model, f.params(t), (x.double(),)), y)
    full = torch.autograd.functional.hessian(loss, f.theta)
    eigenvalues = torch.linalg.eigvalsh(full)
    top = eigenvalues[eigenvalues.abs().argmax()].item()
    g = torch.Generator().manual_seed(0)
    opts = dict(batch_size=15, dtype=F64, generator=g)
    assert hessian_top_eigenvalue(model, x, y, iters=500, tol=1e-12, **opts) == pytest.approx(top, rel=1e-5)
    trace, stderr = hessian_trace(model, x, y, samples=60, **opts)
    assert abs(trace - torch.trace(full).item()) < 4 * stderr


def test_real_model_analyses_leave_weights_and_mode_alone():
    model = build_model("mlp", 0).train()
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(100, 20, generator=g), torch.randint(0, 2, (100,), generator=g)
    small = epsilon_sharpness(model, x, y, 0.05, steps=5, restarts=1, generator=g)
    same = lambda: dict(steps=5, restarts=1, generator=torch.Generator().manual_seed(1))
    large = epsilon_sharpness(model, x, y, 0.5, **same())
    precise = epsilon_sharpness(model, x, y, 0.5, dtype=F64, batch_size=33, **same())
    assert 0 <= small < large
    assert precise == pytest.approx(large, rel=1e-3)  # same start, only the precision differs
    assert keskar_sharpness(model, x, y, steps=5, generator=g) >= 0
    assert hessian_top_eigenvalue(model, x, y, iters=5, generator=g) > 0
    hessian_trace(model, x, y, samples=2, generator=g)
    assert all(torch.equal(p, before[n]) for n, p in model.named_parameters())
    assert model.training and next(model.parameters()).dtype == torch.float32


def test_bad_arguments():
    model, x, y, opts = problem(torch.eye(6))
    with pytest.raises(UserError):
        epsilon_sharpness(model, x, y, 0.0, **opts)
    with pytest.raises(UserError):
        keskar_sharpness(model, x, y, steps=0, **opts)
    with pytest.raises(UserError):
        hessian_trace(model, x, y, samples=1, **opts)
