"""Checks for notebook parameters: papermill passes whatever the reader typed, so fail early and in one line.

`papermill -p batch_sizes '[8, 64]'` passes the *text* '[8, 64]' (papermill's `-p` converts only numbers,
booleans and None), so list parameters are also accepted as JSON text and returned parsed.
"""

from __future__ import annotations

import json
from typing import Any

from .config import UserError
from .constraints import check_batch_sizes, check_device, check_profile, check_seeds


def _parse_list(value: Any) -> Any:
    """JSON text ('[8, 64]', from `papermill -p`) becomes what it says; anything else is returned as is."""
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return value


def check_parameters(profile: str = "auto", device: str = "auto", seeds: int | None = None,
                     data_dir: str | None = None, store: str | None = None,
                     batch_sizes: list[int] | str | None = None) -> dict[str, Any]:
    """Raise UserError naming the first parameter of the wrong type or value (the constraints are
    `constraints`', as for the command line); return the parameters with list text parsed, as keyword
    arguments for `book.Chapter`."""
    parsed = _parse_list(batch_sizes)
    checks = [("profile", profile, lambda v: check_profile(v, allow_auto=True)), ("device", device, check_device),
              ("seeds", seeds, check_seeds), ("data_dir", data_dir, _check_path), ("store", store, _check_path),
              ("batch_sizes", parsed, check_batch_sizes)]
    for name, value, check in checks:
        try:
            if value is not None or name in ("profile", "device"):
                check(value)
        except UserError as err:
            shown = batch_sizes if name == "batch_sizes" else value
            raise UserError(f"parameter {name}={shown!r}: {err}") from None
    return dict(profile=profile, device=device, seeds=seeds, data_dir=data_dir, store=store,
                batch_sizes=None if parsed is None else list(parsed))


def _check_path(value: Any) -> str:
    if not isinstance(value, str):
        raise UserError("must be a path (a string) or None")
    return value
