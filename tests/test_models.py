import pytest
import torch

from batchsize.config import UserError
from batchsize.models import build_model, n_parameters


@pytest.mark.parametrize(("name", "shape", "count"), [
    ("mlp", (5, 20), 3_490), ("mnist_cnn", (5, 1, 28, 28), 343_562), ("cifar_cnn", (5, 3, 32, 32), 94_538),
])
def test_architectures_match_the_paper(name, shape, count):
    model = build_model(name, seed=0)
    assert n_parameters(model) == count
    classes = 2 if name == "mlp" else 10
    assert model(torch.randn(shape)).shape == (5, classes)
    assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in model.modules())


def test_init_is_seeded_kaiming_uniform_with_zero_bias():
    a, b, c = build_model("mlp", 1), build_model("mlp", 1), build_model("mlp", 2)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a[0].weight, c[0].weight)
    bound = (6 / 20) ** 0.5  # Kaiming uniform, ReLU gain, fan_in 20
    assert a[0].weight.abs().max() <= bound and a[0].weight.abs().max() > 0.9 * bound
    assert torch.count_nonzero(a[0].bias) == 0


def test_torch_default_init_is_the_other_kaiming_uniform():
    """PyTorch's default is kaiming_uniform_(a=√5): bound √(1/fan_in), and biases are not zero."""
    model = build_model("mlp", 1, init="torch-default")
    bound = (1 / 20) ** 0.5
    assert model[0].weight.abs().max() <= bound and model[0].weight.abs().max() > 0.9 * bound
    assert torch.count_nonzero(model[0].bias) == 64
    again = build_model("mlp", 1, init="torch-default")
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), again.parameters(), strict=True))
    with pytest.raises(UserError, match="unknown initialisation"):
        build_model("mlp", 1, init="xavier")


def test_build_model_leaves_global_rng_alone():
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    build_model("cifar_cnn", 3)
    assert torch.equal(torch.rand(3), expected)


def test_unknown_model():
    with pytest.raises(UserError, match="unknown model"):
        build_model("resnet", 0)
