"""The paper's three networks (§III-B), without batch norm, Kaiming-uniform initialised (two readings)."""

from __future__ import annotations

import torch
from torch import nn

from .config import UserError


def mlp() -> nn.Sequential:
    """Synthetic data: 20 → 64 → 32 → 2 with ReLU and dropout 0.2 (3,490 parameters)."""
    return nn.Sequential(
        nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(32, 2),
    )


def mnist_cnn() -> nn.Sequential:
    """MNIST: three 3×3 convs (padding 1, so the head sees 128·14·14), one max-pool (343,562 parameters)."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.Dropout(0.25),
        nn.Flatten(), nn.Linear(128 * 14 * 14, 10),
    )


def cifar_cnn() -> nn.Sequential:
    """CIFAR-10: three 3×3 convs, one max-pool, global average pool, linear head (94,538 parameters)."""
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10),
    )


MODELS = {"mlp": mlp, "mnist_cnn": mnist_cnn, "cifar_cnn": cifar_cnn}


def he_uniform_init(model: nn.Module) -> nn.Module:
    """He-uniform weights (ReLU gain, bound √(6/fan_in)) and zero biases for every conv and linear layer."""
    for module in model.modules():
        if isinstance(module, nn.Conv2d | nn.Linear):
            nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")
            nn.init.zeros_(module.bias)
    return model


# Table VIII says only "Kaiming uniform". PyTorch's own default (`reset_parameters`) is kaiming_uniform_ with
# a = √5, i.e. bound √(1/fan_in), with biases uniform in ±1/√fan_in; the textbook He init is √(6/fan_in), zero
# biases. Both are "Kaiming uniform"; the book's initialisation appendix shows which one trains the paper's
# configs.
INITIALISERS = {"he-uniform": he_uniform_init, "torch-default": lambda model: model}


def build_model(name: str, seed: int, init: str = "he-uniform") -> nn.Module:
    """A freshly initialised network; the same seed gives the same weights on every device."""
    if name not in MODELS:
        raise UserError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    if init not in INITIALISERS:
        raise UserError(f"unknown initialisation {init!r}; choose one of {', '.join(INITIALISERS)}")
    generator_state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    model = INITIALISERS[init](MODELS[name]())
    torch.random.set_rng_state(generator_state)
    return model


def n_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
