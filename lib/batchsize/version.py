"""Which code made a result: the repository and its commit (records and checkpoints name it)."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def git_commit() -> str:
    """The repository's commit (with '+dirty' for uncommitted changes), or 'unknown' outside git.

    Read once per process, when a run first asks (at its start): that is the code the process imported. Read
    again when a record is written, a checkout made meanwhile (a sweep's worktree moved to a new commit) would
    name code that never ran."""
    try:
        run = lambda *args: subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                                           timeout=10, check=True).stdout.strip()
        commit = run("rev-parse", "--short=12", "HEAD")
        return commit + ("+dirty" if run("status", "--porcelain", "--untracked-files=no") else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
