"""The one training entry point: configs in, results out, each run by the backend that suits it.

Two backends compute the same runs: `reference.train_run` (one run, a plain torch loop: every model, optimizer
and precision, checkpointed per epoch) is the reference; `fast.train_stacked` (the seeds and LR variants of one
stacked MLP config in one [S, P] parameter matrix: a C++ kernel at B <= 2 on the CPU, else batched torch ops) is
tested against it in `tests/test_fast.py`. Neither calls back into this module.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .config import RunConfig, UserError
from .data import Dataset
from .fast import can_stack, group_key, train_stacked
from .reference import train_run
from .run import RunResult
from .version import git_commit

BACKENDS = ("auto", "reference", "cpp", "torch")  # auto: stacked where it can (cpp on the CPU), else the reference


def group_runs(configs: list[RunConfig]) -> list[list[RunConfig]]:
    """Runs that can be trained together (seeds and LR variants of one stacked MLP config); others alone."""
    groups: dict[str, list[RunConfig]] = {}
    for config in configs:
        groups.setdefault(group_key(config), []).append(config)
    return list(groups.values())


def train(configs: list[RunConfig], device: str = "auto", data_dir: str | None = None,
          dataset: Dataset | None = None, backend: str = "auto", checkpoint_dir: Path | None = None,
          on_epoch: Callable[[int], object] | None = None) -> list[RunResult]:
    """Train `configs` (results in their order). A non-finite loss ends a run early with `diverged: True`.

    Runs the reference trains are checkpointed per epoch as `<checkpoint_dir>/<key>.ckpt` when a directory is
    given, and continue from there when killed. `on_epoch(n)`: n run-epochs have just ended (progress bars).
    """
    if backend not in BACKENDS:
        raise UserError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    git_commit()  # pinned now, with the code this process runs: its records name it, however long they take
    results: dict[RunConfig, RunResult] = {}
    for group in group_runs(list(dict.fromkeys(configs))):
        if backend != "reference" and can_stack(group[0]):
            stacked = train_stacked(group, device, data_dir, dataset, backend, on_epoch)
            results.update(zip(group, stacked, strict=True))
            continue
        for config in group:
            checkpoint = checkpoint_dir / f"{config.key()}.ckpt" if checkpoint_dir else None
            results[config] = train_run(config, dataset, device, data_dir, checkpoint, on_epoch)
    return [results[c] for c in configs]
