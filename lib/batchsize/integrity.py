"""What makes a stored run file trustworthy, and what becomes of one that is not.

A run record is used only if it is strict JSON with the fields the store writes, of the types it writes them
in, and its config hashes to its file name (`RunConfig.key()`): a record copied under another run's name (a
careless merge, a copy between stores, a rename), cut short, or edited into another shape is never served as
a run, and never stops a reader with a traceback.

A bad file is *set aside*, never lost: readers skip it with one warning line naming it and change nothing
(a committed store in a read-only checkout, or under git, stays as it is), and only when a good file is about
to take its place (a record or weights stored again; a checkpoint as its run starts afresh) is the bad one
renamed to `<name>.rejected` (`<name>.rejected-2`, … if that exists). Renaming rather than ignoring alone:
the good file would overwrite the bad one. The side file keeps its bytes for whoever wants to find out what
went wrong, and its suffix is one that no reader of the store globs for.
"""

from __future__ import annotations

import json
import math
import sys
import types
import typing
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from .config import LEGACY_DEFAULTS, RunConfig, UserError, is_int

OUTCOMES = ("trained", "collapsed", "diverged")  # `run.run_outcome`
Check = Callable[[Any], bool]


class InvalidRecord(ValueError):
    """A run record that must not be used, with the one-line reason."""


def _number(value: Any) -> bool:
    """A finite JSON number; an integer beyond the floats' range is none (math on it overflows)."""
    if isinstance(value, float):
        return math.isfinite(value)
    return is_int(value) and abs(value) <= sys.float_info.max


def _optional(check: Check) -> Check:
    return lambda value: value is None or check(value)


def _str(value: Any) -> bool:
    return isinstance(value, str)


_float = _optional(_number)  # a metric: null where the run's value was NaN or infinite (`store._finite`)
SUMMARY: dict[str, Check] = {
    "test_acc": _float, "train_acc": _float, "gap": _float, "test_loss": _float, "train_loss": _float,
    "best_test_acc": _float, "mean_epoch_time": _float, "first_epoch_above_80": _optional(is_int),
    "epochs_run": is_int, "steps": is_int, "train_size": is_int, "lr": _float,
    "diverged": lambda v: isinstance(v, bool), "outcome": lambda v: v in OUTCOMES,
}
SUMMARY_OPTIONAL = {"outcome"}  # records older than outcomes: `store._outcome` derives it
HISTORY: dict[str, Check] = {"epoch": is_int, "lr": _float, "running_loss": _float, "train_loss": _float,
                             "train_acc": _float, "test_loss": _float, "test_acc": _float, "epoch_time": _float}
PROVENANCE: dict[str, Check] = {
    "profile": _str, "device": _str, "device_name": _str, "torch": _str, "python": _str, "commit": _str,
    "wall_time": _float, "timestamp": _str, "host": _str, "threads": is_int, "load_average": _float,
    "resumed_from": lambda v: isinstance(v, list) and all(map(_str, v)),
}
PROVENANCE_OPTIONAL = {"resumed_from"}  # only runs finished across sessions


def _fields(what: str, value: Any, checks: dict[str, Check], optional: set[str] = frozenset()) -> None:
    """`value` is an object with exactly these fields (some may be absent), each passing its check."""
    if not isinstance(value, dict):
        raise InvalidRecord(f"its {what} is a {type(value).__name__}, not an object")
    missing = set(checks) - set(value) - optional
    unknown = set(value) - set(checks)
    if missing or unknown:
        names = ", ".join(sorted(missing)) if missing else ", ".join(sorted(unknown))
        raise InvalidRecord(f"its {what} {'lacks' if missing else 'has unknown field(s)'} {names}")
    for name, item in value.items():
        if not checks[name](item):
            raise InvalidRecord(f"its {what} field {name!r} is {item!r:.60}")


def _fits(value: Any, hint: Any) -> bool:
    """Whether a JSON value is one that a `RunConfig` field of this type hint holds."""
    if typing.get_origin(hint) is Literal:
        return isinstance(value, str) and value in typing.get_args(hint)
    if isinstance(hint, types.UnionType):
        return any(_fits(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return _number(value)
    if hint is int:
        return is_int(value)
    return isinstance(value, hint)


def check_config(value: Any) -> RunConfig:
    """The run config a record holds: the fields of `RunConfig` with their types (the ones added since may be
    absent: `LEGACY_DEFAULTS`), values a run can have; else InvalidRecord."""
    hints = typing.get_type_hints(RunConfig)
    _fields("config", value, {name: lambda v, h=hint: _fits(v, h) for name, hint in hints.items()},
            set(LEGACY_DEFAULTS))
    try:
        return RunConfig(**value).validate()
    except UserError as err:
        raise InvalidRecord(f"its config is not a run's: {err}") from None


def check_history(value: Any) -> list[dict[str, Any]]:
    """A run's per-epoch history as the trainers write it (epochs 1, 2, …); else InvalidRecord."""
    if not isinstance(value, list):
        raise InvalidRecord(f"its history is a {type(value).__name__}, not a list")
    for number, row in enumerate(value, 1):
        _fields(f"history row {number}", row, HISTORY)
        if row["epoch"] != number:
            raise InvalidRecord(f"its history row {number} is epoch {row['epoch']}")
    return value


def check_record(record: Any, key: str) -> dict[str, Any]:
    """`record` if it is the record of the run named `key` as the store writes it, else InvalidRecord."""
    _fields("record", record, {"key": _str, "config": lambda v: True, "summary": lambda v: True,
                               "history": lambda v: True, "provenance": lambda v: True,
                               "weights_sha256": lambda v: isinstance(v, str) and len(v) == 64},
            {"weights_sha256"})
    config = check_config(record["config"])
    if config.key() != key:
        raise InvalidRecord(f"it is the record of run {config.key()}, not of {key} (copied or renamed?)")
    if record["key"] != key:
        raise InvalidRecord(f"its key field is {record['key']!r:.30}, not {key}")
    _fields("summary", record["summary"], SUMMARY, SUMMARY_OPTIONAL)
    check_history(record["history"])
    _fields("provenance", record["provenance"], PROVENANCE, PROVENANCE_OPTIONAL)
    return record


def _strict(constant: str) -> float:
    raise ValueError(f"{constant} is not JSON")  # the store writes NaN and infinities as null


def read_record(path: Path) -> dict[str, Any]:
    """The record in `<key>.json` if it is that run's, else InvalidRecord (OSError if it cannot be read)."""
    try:
        record = json.loads(path.read_bytes(), parse_constant=_strict)
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise InvalidRecord(f"it is not JSON: {err}") from None
    return check_record(record, path.stem)


_warned: set[tuple[Path, str]] = set()  # (file, reason): a sweep and its command line read a record several times


def warn_invalid(path: Path, reason: object, consequence: str | None = None) -> None:
    """The one warning line a bad file gets in a process: which file, what is wrong (in short), what happens to it."""
    reason = " ".join(str(reason).split())[:200]  # torch's messages span lines
    if (path.resolve(), reason) in _warned:
        return
    _warned.add((path.resolve(), reason))
    consequence = consequence or "the run counts as not stored (storing it again keeps this file, renamed *.rejected)"
    warnings.warn(f"ignoring {path}: {reason}; {consequence}", stacklevel=3)


def set_aside(path: Path) -> Path | None:
    """Rename a bad file to `<name>.rejected` (or `-2`, `-3`, …: an earlier one is kept too) before a good file
    takes its place; return where it went (None if it is already gone: another process set it aside). No warning:
    the reader that found the file bad has said so, and that this is where it goes."""
    side = path.with_name(f"{path.name}.rejected")
    n = 1
    while side.exists():
        n += 1
        side = path.with_name(f"{path.name}.rejected-{n}")
    try:
        path.rename(side)
    except FileNotFoundError:
        return None
    return side
