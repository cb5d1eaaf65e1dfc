"""What changed: every verdict move between recorded builds of the committed stores, so that a reader returning to
the book sees which claims moved as runs arrived (CIFAR-10's paper sweep spans sessions), and why a citation of an
earlier build may differ.

The log (`results/verdicts.json`, committed) holds the verdicts of the last recorded build and the history of every
move before it. `batchsize verdicts --record` appends this build's moves from a clean commit; the report shows the
history, and any move of this build not yet recorded, beside the full table.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .config import UserError
from .store import REPO_ROOT
from .version import changed_files, git_commit

LOG = REPO_ROOT / "results" / "verdicts.json"
SCOPES = {"final": "the full table", "provisional": "provisional, paper-scale runs so far"}
NEW, GONE = "(new claim)", "(claim removed)"
JUDGED = "(now in the full table)"  # a provisional verdict that left because its data set's paper runs are all in


def snapshot(verdicts: pd.DataFrame, provisional: pd.DataFrame) -> dict[str, dict[str, str]]:
    """The verdict of each claim, per scope: the full table's and the provisional table's (empty where none)."""
    of = lambda table: dict(zip(table["claim"], table["verdict"], strict=True)) if len(table) else {}
    return {"final": of(verdicts), "provisional": of(provisional)}


def moves(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    """Every claim whose verdict differs between two snapshots, per scope, in the later snapshot's order (a claim
    present in one only is new or removed)."""
    found = []
    for scope in SCOPES:
        old, new = before.get(scope, {}), after.get(scope, {})
        for claim in [*new, *(c for c in old if c not in new)]:
            if old.get(claim) != new.get(claim):
                found.append({"scope": scope, "claim": claim, "before": old.get(claim, NEW),
                              "after": new.get(claim, GONE)})
    return found


VERDICT_INPUTS = ("lib", "notebooks", "results")  # what the verdicts are computed by and from


def uncommitted() -> list[str]:
    """The files of `VERDICT_INPUTS` that differ from the commit, untracked ones too (results a sweep has just
    written change verdicts), checkpoints aside (a running sweep rewrites them and no verdict reads them): a build is
    recorded only where its verdicts are its commit's. Other files (a build's log beside the clone) do not count."""
    return changed_files(*VERDICT_INPUTS, ":(exclude)*.ckpt")


def read(path: Path = LOG) -> dict:
    """The log, or an empty one where no build was recorded yet; a damaged log is a one-line `UserError` (it is
    never overwritten: its history cannot be rebuilt)."""
    if not path.is_file():
        return {"recorded": None, "verdicts": {}, "history": []}
    try:
        log = json.loads(path.read_text())
        if isinstance(log, dict) and {"recorded", "verdicts", "history"} <= set(log):
            return log
    except (UnicodeDecodeError, json.JSONDecodeError):
        pass
    raise UserError(f"the verdict log {path} is damaged (not the JSON this command writes): restore it from git")


def record(verdicts: pd.DataFrame, provisional: pd.DataFrame, path: Path = LOG) -> list[dict[str, str]]:
    """Append this build's moves to the log with the commit and date, and make this build the last recorded one
    (`batchsize verdicts --record` first checks that nothing is `uncommitted`). Returns the moves (none: the log is
    rewritten only with the new date and commit)."""
    log, now = read(path), snapshot(verdicts, provisional)
    stamp = {"date": datetime.now(UTC).strftime("%Y-%m-%d"), "commit": git_commit().removesuffix("+dirty")}
    found = moves(log["verdicts"], now) if log["recorded"] else []  # the first record has nothing to move from
    log = {"recorded": stamp, "verdicts": now, "history": [*log["history"], *({**stamp, **m} for m in found)]}
    path.write_text(json.dumps(log, indent=1, ensure_ascii=False) + "\n")
    return found


def table(verdicts: pd.DataFrame, provisional: pd.DataFrame, path: Path = LOG) -> pd.DataFrame:
    """The moves a reader should know of, latest first: this build's against the last recorded one (dated "this
    build", not yet recorded), then the recorded history."""
    log = read(path)
    unrecorded = moves(log["verdicts"], snapshot(verdicts, provisional)) if log["recorded"] else []
    rows = [*({"date": "this build", "commit": "", **m} for m in unrecorded), *reversed(log["history"])]
    shown = pd.DataFrame(rows, columns=["date", "commit", "scope", "claim", "before", "after"])
    judged = set(verdicts["claim"]) if len(verdicts) else set()  # a claim still judged left the provisional table
    moved = (shown["scope"] == "provisional") & (shown["after"] == GONE) & shown["claim"].isin(judged)
    shown = shown.assign(scope=shown["scope"].map(SCOPES), after=shown["after"].mask(moved, JUDGED))
    same = ["date", "commit", "claim", "before", "after"]  # one move in both tables is one row, its scopes joined
    both = lambda scopes: " and ".join(s for s in SCOPES.values() if s in set(scopes))
    return shown.groupby(same, sort=False, as_index=False, dropna=False)["scope"].agg(both)[shown.columns]
