"""Checks for notebook parameters: papermill passes whatever the reader typed, so fail early and in one line.

`papermill -p batch_sizes '[8, 64]'` passes the *text* '[8, 64]' (papermill's `-p` converts only numbers,
booleans and None), so list parameters are also accepted as JSON text and returned parsed.
"""

from __future__ import annotations

import json
from typing import Any

import torch

from .config import UserError
from .sweep import PROFILES

DEVICES = ("auto", "cpu", "cuda")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_list(value: Any) -> Any:
    """JSON text ('[8, 64]', from `papermill -p`) becomes what it says; anything else is returned as is."""
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return value


def check_parameters(profile: str = "auto", device: str = "auto", seeds: int | None = None,
                     data_dir: str | None = None, store: str | None = None,
                     batch_sizes: list[int] | str | None = None) -> dict[str, Any]:
    """Raise UserError naming the first parameter of the wrong type or value (`profile` may also be 'auto');
    return the parameters with list text parsed, as keyword arguments for `book.Chapter`."""
    if not isinstance(profile, str) or profile not in (*PROFILES, "auto"):
        raise UserError(f"parameter profile={profile!r}: choose auto or one of {', '.join(PROFILES)}")
    if not isinstance(device, str) or not (device in DEVICES or device.startswith("cuda:")):
        raise UserError(f"parameter device={device!r}: choose one of {', '.join(DEVICES)}")
    if device.startswith("cuda") and not torch.cuda.is_available():  # resolve_device would say --device
        raise UserError(f"parameter device={device!r}: no CUDA device is available; use 'cpu' or 'auto'")
    if seeds is not None and not (_is_int(seeds) and seeds >= 1):
        raise UserError(f"parameter seeds={seeds!r}: must be a positive integer")
    for name, value in (("data_dir", data_dir), ("store", store)):
        if value is not None and not isinstance(value, str):
            raise UserError(f"parameter {name}={value!r}: must be a path (a string) or None")
    parsed = _parse_list(batch_sizes)
    if parsed is not None and not (isinstance(parsed, list | tuple) and parsed
                                   and all(_is_int(b) and b >= 1 for b in parsed)):
        raise UserError(f"parameter batch_sizes={batch_sizes!r}: must be a list of positive integers, e.g. [8, 64]")
    return dict(profile=profile, device=device, seeds=seeds, data_dir=data_dir, store=store,
                batch_sizes=None if parsed is None else list(parsed))
