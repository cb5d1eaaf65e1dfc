"""A content-addressed run store: one JSON file per run, named by the hash of its config.

Records are written to a temporary file in the same directory and renamed into place, so a reader sees either
the whole record or none. A record is used only if it is its file name's run, with the fields and types the
store writes (`integrity`): any other is skipped with a warning that names it, and set aside (never overwritten)
when the run is stored again. Weights (for the landscape and sharpness analyses) sit beside the record as
`<key>.pt`, with their SHA-256 in the record (`weights_sha256`), and are loaded with `weights_only=True`: a
damaged file is found before it is loaded (the sweep trains that run again, setting the file aside). Records
written before checksums have none; their weights are trusted if they load as the run's model's. Both files are
group- and world-readable (0644), so a store shared between the users of a group (or served by a web server)
can be read by all of them.

torch and pandas are imported where they are used: the command line's `--help` must not wait for them.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import platform
import statistics
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .config import LEGACY_DEFAULTS, RunConfig, UserError
from .integrity import InvalidRecord, read_record, set_aside, warn_invalid
from .version import REPO_ROOT, git_commit

if TYPE_CHECKING:
    import pandas as pd
    import torch

    from .run import RunResult

STORE_FILE_MODE = 0o644  # records and weights: readable by everyone who can see the store, writable by its owner


COMMITTED_STORES = ("quick", "paper")  # results/<profile>: what the book renders and git keeps


def is_committed_store(root: Path) -> bool:
    """`results/quick` and `results/paper` of any checkout (a sweep's worktree may write into main's)."""
    return root.resolve().parent.name == "results" and root.name in COMMITTED_STORES


class WeightsError(UserError):
    """A run's weights file is missing, fails the checksum in its record, or (no checksum) does not load."""


class RunStore:
    """A directory of run records: `<key>.json` (and optionally `<key>.pt`)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def record_path(self, config: RunConfig) -> Path:
        return self.root / f"{config.key()}.json"

    def weights_path(self, config: RunConfig) -> Path:
        return self.root / f"{config.key()}.pt"

    def check_writable(self) -> None:
        """Create the directory if missing and write and remove a probe file, or raise a one-line UserError.

        A sweep calls this before training, so an unusable `--store` (a file, a path under a file, a
        read-only directory) fails at once instead of after the first run has been computed and lost.
        """
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(dir=self.root, prefix=".write-probe.", suffix=".tmp")
            os.close(fd)
            os.unlink(probe)
        except OSError as err:
            reason = "it is a file" if isinstance(err, FileExistsError) else err.strerror or str(err)
            raise UserError(f"cannot write to the run store {self.root}: {reason}") from None
        self.check_clean()

    def check_clean(self) -> None:
        """A committed store takes records only from a clean commit, so that every record names code that
        exists: from a tree with uncommitted changes, a one-line UserError (commit, or use another --store)."""
        if is_committed_store(self.root) and git_commit().endswith("+dirty"):
            raise UserError(f"{self.root} is a committed store and the code has uncommitted changes "
                            f"({git_commit()}): commit them first, or write to another --store")

    def has(self, config: RunConfig, weights: bool = False) -> bool:
        """Whether the run is stored; with `weights`, also its intact weights (a damaged file: train it again)."""
        record = self.get(config)
        if record is None:
            return False
        if not weights:
            return True
        if not self.weights_path(config).is_file():
            return False
        try:
            self._check_weights(config, record, load=False)
        except WeightsError as err:
            warn_invalid(self.weights_path(config), err, "the run is trained again (this file is kept, renamed "
                         "*.rejected)")
            return False
        return True

    def get(self, config: RunConfig) -> dict[str, Any] | None:
        """The stored record of this config, or None: none, or one that is not this run's (with a warning)."""
        return _read_record(self.record_path(config))

    def _set_aside_bad_files(self, config: RunConfig, save_weights: bool) -> None:
        """Before a new run's files replace the old ones: move the old ones aside if they are bad (`integrity`)."""
        record = _read_record(self.record_path(config), warn=False)
        if record is None and self.record_path(config).exists():
            set_aside(self.record_path(config))
        if save_weights and self.weights_path(config).exists():
            try:
                self._check_weights(config, record or {}, load=True)
            except WeightsError:
                set_aside(self.weights_path(config))

    def put(self, result: RunResult, profile: str = "custom", wall_time: float | None = None,
            save_weights: bool = False) -> dict[str, Any]:
        """Write a finished run atomically; weights first, so a record never points at missing weights."""
        self.check_clean()
        self.root.mkdir(parents=True, exist_ok=True)
        self._set_aside_bad_files(result.config, save_weights)
        record = {
            "key": result.config.key(),
            "config": result.config.to_dict(),
            "summary": _finite(result.summary),
            "history": _finite(result.history),
            "provenance": provenance(profile, result.device, wall_time),
        }
        if save_weights:
            import torch

            buffer = io.BytesIO()
            torch.save({k: v.detach().cpu() for k, v in result.model.state_dict().items()}, buffer)
            payload = buffer.getvalue()
            _atomic_write(self.weights_path(result.config), lambda f: f.write(payload))
            record["weights_sha256"] = hashlib.sha256(payload).hexdigest()
        if result.resumed_from:  # a run finished across sessions: the commits that trained its earlier epochs
            record["provenance"]["resumed_from"] = result.resumed_from
        text = json.dumps(record, indent=1, allow_nan=False)
        _atomic_write(self.record_path(result.config), lambda f: f.write(text.encode()))
        (self.root / f"{record['key']}.ckpt").unlink(missing_ok=True)  # the run's epoch checkpoint, if any
        return record

    def load_weights(self, config: RunConfig) -> dict[str, torch.Tensor]:
        """The run's state dict on the CPU; a missing or damaged file (or one without its run's record) raises
        WeightsError naming it."""
        record = self.get(config)
        if record is None:
            raise WeightsError(f"weights file {self.weights_path(config)} has no valid run record beside it")
        return self._check_weights(config, record, load=True)

    def _check_weights(self, config: RunConfig, record: dict[str, Any], load: bool) -> dict[str, torch.Tensor] | None:
        """Compare the weights file with the record's SHA-256, then load it if asked to or if the record (older
        than checksums) has none: such a file is trusted if it loads as the run's model's."""
        path = self.weights_path(config)
        if not path.is_file():
            raise WeightsError(f"weights file {path} is missing")
        expected = record.get("weights_sha256")
        try:
            payload = path.read_bytes() if expected else b""
        except OSError as err:
            raise WeightsError(f"weights file {path} cannot be read: {err.strerror}") from None
        if expected and hashlib.sha256(payload).hexdigest() != expected:
            raise WeightsError(f"weights file {path} is damaged: its SHA-256 differs from the one in its record")
        if expected and not load:
            return None
        import torch

        try:
            weights = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as err:  # unpickling a damaged file can raise almost anything
            raise WeightsError(f"weights file {path} cannot be loaded: {type(err).__name__}: {err}") from None
        if not expected and not _fits_model(weights, config):
            raise WeightsError(f"weights file {path} does not hold weights of the run's model {config.model}")
        return weights

    def records(self) -> list[dict[str, Any]]:
        """Every readable record; unreadable ones are skipped with a warning naming the file."""
        if not self.root.is_dir():
            return []
        found = (_read_record(path) for path in sorted(self.root.glob("*.json")))
        return [r for r in found if r is not None]


def _read_record(path: Path, warn: bool = True) -> dict[str, Any] | None:
    """The record in `path` if it is its run's (`integrity.read_record`), else None, with a warning naming it."""
    if not path.is_file():
        return None
    try:
        return read_record(path)
    except (OSError, InvalidRecord) as err:
        if warn:
            warn_invalid(path, err)
        return None


def _fits_model(weights: Any, config: RunConfig) -> bool:
    """Whether `weights` is a state dict of the config's model (names and shapes): what an unchecksummed file must
    be before a chapter loads it into one. Another run's weights of the same model cannot be told apart."""
    from .models import build_model

    try:
        expected = build_model(config.model, config.seed, config.init).state_dict()
    except Exception:  # noqa: BLE001 - a model this code cannot build has no weights to compare with
        return False
    return (isinstance(weights, dict) and weights.keys() == expected.keys()
            and all(getattr(weights[k], "shape", None) == v.shape for k, v in expected.items()))


def _atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write via a temporary file renamed into place, so readers see the whole file or none of it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, STORE_FILE_MODE)  # mkstemp makes 0600: other users of a shared store could not read it
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _finite(value: Any) -> Any:
    """NaN/inf become null so every record is strict JSON (browsers and pandas read it alike)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def cpu_name() -> str:
    """The CPU's model name (Linux), else what `platform` knows: epoch times mean little without it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "cpu"


def provenance(profile: str, device: str, wall_time: float | None) -> dict[str, Any]:
    """Where and how a run was made; threads and load average say whether its epoch times had the cores alone."""
    import torch

    name = torch.cuda.get_device_name() if device.startswith("cuda") else cpu_name()
    return {
        "profile": profile, "device": device, "device_name": name, "torch": torch.__version__,
        "python": platform.python_version(), "commit": git_commit(), "wall_time": wall_time,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"), "host": platform.node(),
        "threads": torch.get_num_threads(), "load_average": round(os.getloadavg()[0], 2),
    }


def config_of(run: pd.Series) -> RunConfig:
    """The exact config of a table row (pandas turns None into NaN and ints into floats in mixed columns)."""
    import pandas as pd

    values = {k: run[k] for k in RunConfig.__dataclass_fields__}
    values = {k: None if pd.isna(v) else v.item() if hasattr(v, "item") else v for k, v in values.items()}
    values.update({k: int(values[k]) for k in ("n_train", "n_test") if values[k] is not None})
    return RunConfig.from_dict(values)


def default_store(profile: str) -> RunStore:
    """The committed store the book renders from (`results/<profile>`)."""
    return RunStore(REPO_ROOT / "results" / profile)


def _as_store(store: RunStore | str | os.PathLike) -> RunStore:
    return store if isinstance(store, RunStore) else RunStore(store)


def _outcome(record: dict[str, Any]) -> str:
    """The run's outcome; records written before outcomes were stored get it from their summary."""
    from .run import run_outcome

    summary = record["summary"]
    test_acc = math.nan if summary["test_acc"] is None else summary["test_acc"]
    return summary.get("outcome") or run_outcome(record["config"]["dataset"], summary["diverged"], test_acc)


def _median_epoch_time(record: dict[str, Any]) -> float | None:
    """The median of a run's epoch times: what the analyses compare. On a shared CPU other processes slow some
    epochs several-fold (a paper MNIST run here: 255 s and 1,894 s for the same work), which the mean absorbs."""
    times = [h["epoch_time"] for h in record.get("history", []) if h.get("epoch_time") is not None]
    return statistics.median(times) if times else None


def _select(records: list[dict[str, Any]], filters: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd

    rows = [{"key": r["key"], **LEGACY_DEFAULTS, **r["config"], "outcome": _outcome(r), **r["summary"],
             "median_epoch_time": _median_epoch_time(r), **{f"prov_{k}": v for k, v in r["provenance"].items()}}
            for r in records]
    table = pd.DataFrame(rows)
    for column, wanted in filters.items():
        if column not in table:
            raise KeyError(f"no column {column!r} in the run table")
        values = wanted if isinstance(wanted, list | tuple | set) else [wanted]
        table = table[table[column].isin(values)]
    return table.reset_index(drop=True)


def load_table(store: RunStore | str | os.PathLike, **filters: Any) -> pd.DataFrame:
    """One row per run: config, summary and `prov_*` provenance columns; a filter matches a value or a list."""
    return _select(_as_store(store).records(), filters)


def load_history(store: RunStore | str | os.PathLike, **filters: Any) -> pd.DataFrame:
    """Per-epoch curves of the matching runs in long format, joined with each run's config columns."""
    import pandas as pd

    records = _as_store(store).records()
    runs = _select(records, filters)
    if runs.empty:
        return pd.DataFrame()
    history = {r["key"]: r["history"] for r in records}
    curves = pd.concat([pd.DataFrame(history[key]).assign(key=key) for key in runs["key"]], ignore_index=True)
    return curves.merge(runs[["key", *RunConfig.__dataclass_fields__]], on="key")
