"""Shared fixtures: no test ever downloads, and real data sets are used only when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from batchsize import data as batchsize_data

if os.environ.get("PYTEST_XDIST_WORKER"):
    # `make test` runs two workers on two cores; torch's default of a thread per core in each put four threads on
    # two cores, where the tests' small models wait on each other: one thread each trained 1.8-4.8x faster
    # (benchmarks/threads.py, results/threads-cpu.md). The variable reaches the processes the tests start.
    torch.set_num_threads(1)
    os.environ["OMP_NUM_THREADS"] = "1"

REPO = Path(__file__).resolve().parents[1]
# The site the book tests read: the smoke book `make test` builds into its own folder (Makefile BOOK_OUT), so
# that it never replaces the book `make book` built; $BATCHSIZE_BOOK_HTML points them at another site.
BOOK_SITE = Path(os.environ.get("BATCHSIZE_BOOK_HTML", REPO / "_build" / "smoke" / "_build" / "html"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with `slow` tests first. `make test` gives each of its two workers whole files (`--dist loadfile
    --no-loadscope-reorder`, in this order): a long file that starts last runs alone while the other worker idles (the
    drift test's three CNN retrains did so for the last minutes of every CI run)."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: each file's tests stay together, in order


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("BATCHSIZE_OFFLINE", "1")


def real_data_root(name: str) -> Path | None:
    """The first root holding a valid copy of `name` (CI points BATCHSIZE_DATA at ./data), else None."""
    status = {row["dataset"]: row for row in batchsize_data.verify(os.environ.get("BATCHSIZE_DATA"))}[name]
    return Path(status["where"]).parent if status["status"] == "ok" else None


def require_data(name: str) -> Path:
    root = real_data_root(name)
    if root is None:
        pytest.skip(f"{name} files are not present (run `make data`, or set BATCHSIZE_DATA)")
    return root


@pytest.fixture(scope="session")
def fake_result():
    """A finished run without training (`fake_result(config)`): the config's own model at its initial weights, and
    a history whose numbers come from the config's key, so that one run's numbers are never another's."""
    from batchsize.models import build_model
    from batchsize.run import RunResult, summarize

    def make(config):
        mark = int(config.key()[:6], 16) % 10_000 / 100  # 0.00 … 99.99, different for (almost) every config
        history = [dict(epoch=e, lr=config.lr, running_loss=mark / e, train_loss=mark / e, train_acc=mark,
                        test_loss=mark / e, test_acc=mark, epoch_time=0.01) for e in range(1, config.epochs + 1)]
        model = build_model(config.model, config.seed, config.init)
        return RunResult(config, summarize(history, False, 10 * config.epochs, 1000, config), history, model)

    return make
