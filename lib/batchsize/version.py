"""Which code made a result: the repository and its commit (records and checkpoints name it)."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def git(*args: str, timeout: float = 10) -> str:
    """What a git command in the repository prints (`OSError` or `subprocess.SubprocessError` where it fails)."""
    return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout,
                          check=True).stdout


def changed_files(*pathspec: str, untracked: bool = True) -> list[str]:
    """The files (of `pathspec`: git's, so ':(exclude)*.ckpt' works) that differ from the commit, and the untracked
    ones unless `untracked` is False."""
    status = git("status", "--porcelain", *([] if untracked else ["--untracked-files=no"]), "--", *pathspec,
                 timeout=60)
    return [line[3:] for line in status.splitlines()]


@functools.cache
def git_commit() -> str:
    """The repository's commit (with '+dirty' for uncommitted changes), or 'unknown' outside git.

    Read once per process, when a run first asks (at its start): that is the code the process imported. Read
    again when a record is written, a checkout made meanwhile (a sweep's worktree moved to a new commit) would
    name code that never ran."""
    try:
        return git("rev-parse", "--short=12", "HEAD").strip() + ("+dirty" if changed_files(untracked=False) else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
