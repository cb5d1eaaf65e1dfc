"""Run configuration: one frozen dataclass whose canonical JSON is the run's identity in the store.

A run is a pure function of its config, so everything that changes the result lives here (and nothing
else: device, profile and timing are provenance, recorded beside the result but not part of the key).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any, Literal

from .datasets import DATASET_SPECS

LrRule = Literal["fixed", "linear", "sqrt"]
LR_RULES: tuple[str, ...] = ("fixed", "linear", "sqrt")
Init = Literal["he-uniform", "torch-default"]
INITS: tuple[str, ...] = ("he-uniform", "torch-default")  # two readings of Table VIII's "Kaiming uniform"
Precision = Literal["fp32", "bf16"]
PRECISIONS: tuple[str, ...] = ("fp32", "bf16")
# Fields added after stores existed, at the value every older run had: left out of the key at that value,
# so older records keep their keys (and a run that differs in them gets a new one).
LEGACY_DEFAULTS: dict[str, Any] = {"init": "he-uniform", "precision": "fp32"}
DATA_SEED = 42  # the paper's seed; fixes synthetic data, splits and subsets for every training seed


class UserError(ValueError):
    """A mistake in what the user asked for: reported as one line, never as a traceback."""


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Bound:
    """A number's constraint, declared once (scikit-learn's constraints-as-data): `check` is the one validator,
    and `invalid()` gives values every entry point must reject in one line (the tests draw them from here)."""

    low: float
    kind: type = int  # int, or float (which admits ints)
    optional: bool = False  # None allowed: the default (e.g. the whole training set)
    above: bool = False  # `low` itself excluded (a learning rate above 0)

    def describe(self) -> str:
        if self.kind is int and not self.above:
            return {0: "a non-negative integer", 1: "a positive integer"}.get(self.low, f"an integer >= {self.low}")
        return f"{'an integer' if self.kind is int else 'a finite number'} {'>' if self.above else '>='} {self.low:g}"

    def check(self, what: str, value: Any) -> Any:
        """`value` if it satisfies the bound, else the one-line error naming `what`."""
        if value is None and self.optional:
            return value
        number = is_int(value) or (self.kind is float and isinstance(value, float) and math.isfinite(value))
        if not number or value < self.low or (self.above and value == self.low):
            raise UserError(f"{what} must be {self.describe()}, got {value!r}")
        return value

    def invalid(self) -> list[Any]:
        """Values the bound rejects: just below it, the wrong kind, and None where None is not the default."""
        return [self.low if self.above else self.low - 1, 1.5 if self.kind is int else float("nan"),
                *([] if self.optional else [None])]


POSITIVE = Bound(1)


def check_positive(what: str, value: Any) -> int:
    """`value` if it is a positive integer (not a bool, not a float), else a one-line error."""
    return POSITIVE.check(what, value)


def check_choice(what: str, value: Any, options) -> Any:
    """`value` if it is one of `options`, else the one-line error every choice gives."""
    if not isinstance(value, str) or value not in options:
        raise UserError(f"unknown {what} {value!r}; choose one of {', '.join(options)}")
    return value


@dataclass(frozen=True)
class RunConfig:
    """Everything that determines one training run (the paper's Table II defaults come from `make_config`)."""

    dataset: str
    batch_size: int
    model: str
    optimizer: Literal["adam", "sgd"]
    base_lr: float
    base_batch: int
    lr_rule: LrRule
    warmup_epochs: int
    epochs: int
    seed: int = 42
    weight_decay: float = 0.0
    momentum: float = 0.0
    augment: bool = False
    n_train: int | None = None  # stratified subset of the training set; None = all of it
    n_test: int | None = None  # stratified subset of the test set (quick/smoke profiles only)
    init: Init = "he-uniform"  # see models.INITIALISERS
    precision: Precision = "fp32"  # bf16: autocast mixed precision, fp32 master weights (reference.autocast)

    @property
    def lr(self) -> float:
        """Peak learning rate after the LR rule: base × B/B0 (linear), × √(B/B0) (sqrt) or base (fixed)."""
        return scaled_lr(self.base_lr, self.batch_size, self.base_batch, self.lr_rule)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def key(self) -> str:
        """Content address: a hash of the canonical JSON of the config."""
        fields = {k: v for k, v in self.to_dict().items() if LEGACY_DEFAULTS.get(k, object()) != v}
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:20]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def __post_init__(self) -> None:
        self.validate()  # a RunConfig is valid on construction, however made (make_config, from_dict, replace)

    def validate(self) -> RunConfig:
        """Raise UserError for values no run can have (`FIELD_CHOICES`, `FIELD_BOUNDS`, and a warmup that ends
        within training); return self so calls chain."""
        for name, options in FIELD_CHOICES.items():
            check_choice(FIELD_LABELS.get(name, name), getattr(self, name), options)
        for name, bound in FIELD_BOUNDS.items():
            bound.check(FIELD_LABELS.get(name, name.replace("_", " ")), getattr(self, name))
        if self.warmup_epochs > self.epochs:
            raise UserError(f"warmup epochs ({self.warmup_epochs}) must not exceed epochs ({self.epochs}): the "
                            "learning rate would never reach its peak")
        return self


# What each field of a RunConfig may be, declared once; `RunConfig.validate` checks them all.
FIELD_CHOICES: dict[str, Any] = {"dataset": DATASET_SPECS, "optimizer": ("adam", "sgd"), "lr_rule": LR_RULES,
                                 "init": INITS, "precision": PRECISIONS}
FIELD_BOUNDS: dict[str, Bound] = {
    "batch_size": POSITIVE, "base_batch": POSITIVE, "epochs": POSITIVE, "warmup_epochs": Bound(0),
    "seed": Bound(0), "base_lr": Bound(0, float, above=True), "weight_decay": Bound(0, float),
    "momentum": Bound(0, float), "n_train": Bound(2, optional=True), "n_test": Bound(2, optional=True),
}
FIELD_LABELS = {"dataset": "data set", "lr_rule": "LR rule", "init": "initialisation", "base_lr": "base learning rate",
                "n_train": "n-train", "n_test": "n-test"}


def default_warmup(dataset: str, batch_size: int) -> int:
    """The paper's warmup rule (MNIST: 5 epochs when B >= 256, else none)."""
    spec = DATASET_SPECS[check_choice("data set", dataset, DATASET_SPECS)]
    return spec.warmup_epochs if batch_size >= spec.warmup_from_batch else 0


def scaled_lr(base_lr: float, batch_size: int, base_batch: int, rule: str) -> float:
    """The paper's Eq. (2) and its square-root variant."""
    ratio = batch_size / base_batch
    factor = {"fixed": 1.0, "linear": ratio, "sqrt": math.sqrt(ratio)}
    return base_lr * factor[check_choice("LR rule", rule, LR_RULES)]


def make_config(dataset: str, batch_size: int, **overrides: Any) -> RunConfig:
    """The paper's configuration for `dataset` at batch size B (Table II), with explicit overrides.

    `warmup_epochs` defaults to the paper's rule (MNIST: 5 epochs when B >= 256, else none), at most the run's
    epochs; a warmup given longer than training is an error.
    """
    spec = DATASET_SPECS[check_choice("data set", dataset, DATASET_SPECS)]
    fields = dict(dataset=dataset, batch_size=batch_size, model=spec.model, optimizer=spec.optimizer,
                  base_lr=spec.base_lr, base_batch=spec.base_batch, lr_rule="linear",
                  warmup_epochs=default_warmup(dataset, batch_size),
                  epochs=spec.epochs, weight_decay=spec.weight_decay, momentum=spec.momentum,
                  augment=spec.augment)
    unknown = set(overrides) - {f.name for f in dataclasses.fields(RunConfig)}
    if unknown:
        raise UserError(f"unknown config field(s): {', '.join(sorted(unknown))}")
    fields.update({k: v for k, v in overrides.items() if v is not None})
    if overrides.get("warmup_epochs") is None:  # the paper's warmup, in a run shortened below it: all of the run
        fields["warmup_epochs"] = min(fields["warmup_epochs"], fields["epochs"])
    return RunConfig(**fields)
