"""What a user may ask for, declared once: the command line, the notebooks' parameters and the library check
values here (scikit-learn's parameter validation is the model), so a mistake gets the same one-line error
wherever it is made. Light on purpose: torch is imported only to ask whether a CUDA device exists.
"""

from __future__ import annotations

from typing import Any

from .config import FIELD_BOUNDS, UserError, check_choice, check_positive
from .plan import PROFILES

DEVICES = ("auto", "cpu", "cuda")  # and cuda:N
EXECUTORS = ("inline", "local", "dask")  # see sweep.run_sweep


def check_device(device: Any) -> str:
    """auto (CUDA when present), cpu, cuda or cuda:N; CUDA without a CUDA device is a user error, not a crash."""
    if not isinstance(device, str) or not (device in DEVICES or device.startswith("cuda:")):
        raise UserError(f"unknown device {device!r}; choose one of {', '.join(DEVICES)}")
    if device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise UserError(f"no CUDA device is available (device {device!r}); use cpu or auto")
    return device


def check_profile(profile: Any, allow_auto: bool = False) -> str:
    """A profile of `plan.PROFILES` (or 'auto' where the book picks one)."""
    return check_choice("profile", profile, (*PROFILES, "auto") if allow_auto else PROFILES)


def check_executor(executor: Any) -> str:
    return check_choice("executor", executor, EXECUTORS)


def check_seeds(seeds: Any) -> int:
    """How many seeds (42, 43, …) to run."""
    return check_positive("seeds", seeds)


def check_batch_sizes(batch_sizes: Any) -> list[int]:
    """A non-empty list of batch sizes, each checked by the run's own bound (whether each fits its data set is the
    run's own check too)."""
    if not (isinstance(batch_sizes, list | tuple) and batch_sizes):
        raise UserError(f"batch sizes must be a non-empty list of positive integers, e.g. [8, 64], got {batch_sizes!r}")
    return [FIELD_BOUNDS["batch_size"].check("batch size", b) for b in batch_sizes]
