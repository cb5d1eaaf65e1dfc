"""Shared fixtures: no test ever downloads, and real data sets are used only when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from batchsize import data as batchsize_data

REPO = Path(__file__).resolve().parents[1]
# The site the book tests read: the smoke book `make test` builds into its own folder (Makefile BOOK_OUT), so
# that it never replaces the book `make book` built; $BATCHSIZE_BOOK_HTML points them at another site.
BOOK_SITE = Path(os.environ.get("BATCHSIZE_BOOK_HTML", REPO / "_build" / "smoke" / "_build" / "html"))


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
