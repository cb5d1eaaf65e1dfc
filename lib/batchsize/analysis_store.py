"""Measurements at trained weights, kept beside the weights they were computed from.

A loss surface, the sharpness measures, the gradient variance or the noise scale of a run's trained weights takes
seconds to minutes; a chapter shows it, the report judges it, and a fresh clone has only the run store. So each
value is kept in the run's store as one small JSON file, `analyses/<analysis>-<digest>.json`, the digest naming
all that determines it: the analysis and its version (bumped when its code computes something else), the run's
key, the SHA-256 of its weights file and the analysis' parameters. A value is computed only where its file is
missing; the committed stores keep theirs in git, so the book reads them (`tests/test_drift.py` computes a sample
again at HEAD).

An entry is written like a run record (a temporary file renamed into place) and used only if it is what its name
says (`read_entry`): any other file is skipped with one warning naming it (`integrity.warn_invalid`), the value
computed again and the bad file set aside as `*.rejected` when the new one takes its place. A committed store
takes entries only from a clean commit, as it takes records: from a tree with uncommitted changes they go to
`_build/analyses/<profile>/` (git ignores it), read after the committed ones. Non-finite numbers are stored as
null and read back as NaN: a value is numbers, and lists and objects of numbers.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .config import RunConfig
from .integrity import set_aside, warn_invalid
from .store import RunStore, _atomic_write, _finite, cpu_name, is_committed_store
from .version import REPO_ROOT, git_commit

IDENTITY = ("analysis", "version", "run", "weights_sha256", "params")  # what the file name's digest covers
FIELDS = (*IDENTITY, "value", "provenance")


class InvalidEntry(ValueError):
    """An analysis file that must not be used, with the one-line reason."""


def weights_sha256(store: RunStore, config: RunConfig) -> str:
    """The SHA-256 of the run's weights file (what newer records keep as `weights_sha256`; older ones have none)."""
    return hashlib.sha256(store.weights_path(config).read_bytes()).hexdigest()


def identity(analysis: str, version: int, config: RunConfig, weights: str | None,
             params: dict[str, Any]) -> dict[str, Any]:
    return {"analysis": analysis, "version": version, "run": config.key(), "weights_sha256": weights,
            "params": json.loads(json.dumps(params, default=_plain))}  # as the file will hold them


def file_name(entry: dict[str, Any]) -> str:
    canonical = json.dumps({k: entry[k] for k in IDENTITY}, sort_keys=True, allow_nan=False)
    return f"{entry['analysis']}-{hashlib.sha256(canonical.encode()).hexdigest()[:16]}.json"


def folders(store: RunStore) -> tuple[Path, Path]:
    """Where the store's analyses are read (in order) and the one they are written to: `<store>/analyses`, but
    for a committed store from a tree with uncommitted changes `_build/analyses/<profile>` (read second)."""
    kept = store.root / "analyses"
    if is_committed_store(store.root) and git_commit().endswith("+dirty"):
        return kept, REPO_ROOT / "_build" / "analyses" / store.root.name
    return kept, kept


def read_entry(path: Path) -> dict[str, Any]:
    """The entry in `path` if it is what its name says, else InvalidEntry (OSError if it cannot be read)."""
    try:
        entry = json.loads(path.read_bytes(), parse_constant=_strict)
    except (ValueError, RecursionError) as err:
        raise InvalidEntry(f"it is not JSON: {err}") from None
    if not isinstance(entry, dict) or set(entry) != set(FIELDS):
        raise InvalidEntry(f"it is not an analysis entry (fields {sorted(entry) if isinstance(entry, dict) else []})")
    if not isinstance(entry["analysis"], str) or not isinstance(entry["params"], dict):
        raise InvalidEntry("its analysis or params field is of the wrong type")
    if not isinstance(entry["provenance"], dict) or not isinstance(entry["provenance"].get("commit"), str):
        raise InvalidEntry("its provenance names no commit")
    if file_name(entry) != path.name:
        raise InvalidEntry(f"it is the entry {file_name(entry)}, not {path.name} (copied, renamed or edited?)")
    return entry


def cached(store: RunStore, config: RunConfig, analysis: str, version: int, params: dict[str, Any],
           compute: Callable[[], Any], of_weights: bool = True) -> tuple[Any, dict[str, Any]]:
    """`analysis` (at `version`, with `params`) of the run's weights in `store`, with its provenance (the commit,
    CPU and CPU-seconds that made it: what it cost, measured when it ran): the kept value if there is one, else
    `compute()`, kept for next time. What comes back is what a later call reads (NaN where a number is not
    finite), so that a chapter shows the same whether it computed or read. An analysis of the run's training
    itself (`of_weights=False`: its first updates, replayed) needs no weights and keeps `weights_sha256` null."""
    wanted = identity(analysis, version, config, weights_sha256(store, config) if of_weights else None, params)
    kept = _kept(store, wanted)
    if kept is not None:
        return decoded(kept["value"]), kept["provenance"]
    start = time.process_time()
    value = encoded(compute())
    entry = {**wanted, "value": value, "provenance": provenance(time.process_time() - start)}
    path = folders(store)[1] / file_name(wanted)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            set_aside(path)
        text = json.dumps(entry, indent=1, allow_nan=False)
        _atomic_write(path, lambda f: f.write(text.encode()))
    except OSError as err:  # a read-only checkout: the value still serves this call
        warn_invalid(path, f"it cannot be written: {err.strerror or err}", "the value is computed, not kept")
    return decoded(value), entry["provenance"]


def _kept(store: RunStore, wanted: dict[str, Any]) -> dict[str, Any] | None:
    """The kept entry of `wanted` (an `identity`) in the store's folders, or None; an unreadable one is set aside."""
    for folder in dict.fromkeys(folders(store)):
        path = folder / file_name(wanted)
        if path.is_file():
            try:
                return read_entry(path)
            except (OSError, InvalidEntry) as err:
                warn_invalid(path, err, "the value is computed again (this file is kept, renamed *.rejected)")
    return None


def entries(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every valid entry in a folder of analyses (the committed ones: `<store>/analyses`), by file name; invalid
    ones are skipped with a warning."""
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append((path, read_entry(path)))
        except (OSError, InvalidEntry) as err:
            warn_invalid(path, err, "it is not used")
    return found


def provenance(cpu_seconds: float) -> dict[str, Any]:
    """Which code made the value (the commit, `+dirty` for uncommitted changes), when, where, and its CPU time."""
    import torch

    commit = git_commit()
    return {"commit": commit, "dirty": commit.endswith("+dirty"),
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"), "cpu": cpu_name(),
            "torch": torch.__version__, "threads": torch.get_num_threads(), "cpu_seconds": round(cpu_seconds, 3)}


def encoded(value: Any) -> Any:
    """A computed value as an entry holds it: JSON's types, null for a number that is not finite."""
    return _finite(json.loads(json.dumps(value, default=_plain)))


def decoded(value: Any) -> Any:
    """An entry's value as `cached` returns it: NaN for null."""
    if value is None:
        return math.nan
    if isinstance(value, dict):
        return {k: decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decoded(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """numpy scalars and arrays as Python numbers and lists (JSON cannot hold them)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not a number")


def _strict(constant: str) -> float:
    raise ValueError(f"{constant} is not JSON")  # non-finite numbers are stored as null

