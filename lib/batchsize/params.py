"""Checks for notebook parameters: papermill passes whatever the reader typed, so fail early and in one line."""

from __future__ import annotations

from typing import Any

from .config import UserError
from .sweep import PROFILES

DEVICES = ("auto", "cpu", "cuda")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_parameters(profile: str = "auto", device: str = "auto", seeds: int | None = None,
                     data_dir: str | None = None, store: str | None = None,
                     batch_sizes: list[int] | None = None) -> None:
    """Raise UserError naming the first parameter of the wrong type or value (`profile` may also be 'auto')."""
    if not isinstance(profile, str) or profile not in (*PROFILES, "auto"):
        raise UserError(f"parameter profile={profile!r}: choose auto or one of {', '.join(PROFILES)}")
    if not isinstance(device, str) or not (device in DEVICES or device.startswith("cuda:")):
        raise UserError(f"parameter device={device!r}: choose one of {', '.join(DEVICES)}")
    if seeds is not None and not (_is_int(seeds) and seeds >= 1):
        raise UserError(f"parameter seeds={seeds!r}: must be a positive integer")
    for name, value in (("data_dir", data_dir), ("store", store)):
        if value is not None and not isinstance(value, str):
            raise UserError(f"parameter {name}={value!r}: must be a path (a string) or None")
    if batch_sizes is not None and not (isinstance(batch_sizes, list | tuple) and batch_sizes
                                        and all(_is_int(b) and b >= 1 for b in batch_sizes)):
        raise UserError(f"parameter batch_sizes={batch_sizes!r}: must be a list of positive integers")
