"""The log of verdict moves between recorded builds (`changes`) and `batchsize verdicts`."""

import json

import pandas as pd
import pytest

from batchsize import book, changes, cli, version


def verdicts(**by_claim: str) -> pd.DataFrame:
    return pd.DataFrame({"claim": list(by_claim), "verdict": list(by_claim.values())})


NONE = pd.DataFrame()


def test_moves_names_changed_new_and_removed_claims_per_scope():
    before = {"final": {"a": "partly", "b": "reproduced", "gone": "partly"}, "provisional": {"c": "partly"}}
    after = {"final": {"a": "not reproduced", "b": "reproduced", "new": "partly"}, "provisional": {"c": "partly"}}
    assert changes.moves(before, after) == [
        {"scope": "final", "claim": "a", "before": "partly", "after": "not reproduced"},
        {"scope": "final", "claim": "new", "before": changes.NEW, "after": "partly"},
        {"scope": "final", "claim": "gone", "before": "partly", "after": changes.GONE}]


def test_record_logs_moves_with_their_build_and_keeps_the_history(tmp_path, monkeypatch):
    log = tmp_path / "verdicts.json"
    monkeypatch.setattr(changes, "git_commit", lambda: "abc123+dirty")  # a running sweep's checkpoint
    assert changes.record(verdicts(a="partly", b="reproduced"), NONE, log) == []  # the first record moves nothing
    found = changes.record(verdicts(a="not reproduced", b="reproduced"), verdicts(c="partly"), log)
    assert [(m["scope"], m["claim"], m["before"], m["after"]) for m in found] == [
        ("final", "a", "partly", "not reproduced"), ("provisional", "c", changes.NEW, "partly")]
    changes.record(verdicts(a="partly", b="reproduced"), verdicts(c="partly"), log)
    saved = json.loads(log.read_text())
    assert saved["recorded"]["commit"] == "abc123"
    assert [(m["claim"], m["after"]) for m in saved["history"]] == [
        ("a", "not reproduced"), ("c", "partly"), ("a", "partly")]


def test_table_shows_unrecorded_moves_first_then_the_history_latest_first(tmp_path):
    log = tmp_path / "verdicts.json"
    changes.record(verdicts(a="partly"), NONE, log)
    changes.record(verdicts(a="reproduced"), NONE, log)
    shown = changes.table(verdicts(a="not reproduced"), NONE, log)
    assert list(shown["date"].iloc[:1]) == ["this build"]
    assert list(zip(shown["before"], shown["after"], strict=True)) == [("reproduced", "not reproduced"),
                                                                       ("partly", "reproduced")]
    assert set(shown["scope"]) == {changes.SCOPES["final"]}


def test_a_provisional_verdict_whose_runs_are_all_in_moved_to_the_full_table_not_removed(tmp_path):
    log = tmp_path / "verdicts.json"
    changes.record(verdicts(a="partly"), verdicts(c="partly", d="partly"), log)
    changes.record(verdicts(a="partly", c="reproduced"), NONE, log)  # c's data set complete; d dropped
    shown = changes.table(verdicts(a="partly", c="reproduced"), NONE, log).set_index("claim")
    assert shown.loc["c"].set_index("scope").loc[changes.SCOPES["provisional"], "after"] == changes.JUDGED
    assert shown.loc["d", "after"] == changes.GONE  # a claim the report no longer judges was removed


def test_one_move_in_both_tables_is_one_row_naming_both(tmp_path):
    log = tmp_path / "verdicts.json"
    changes.record(verdicts(a="not reproduced", b="partly"), verdicts(a="not reproduced"), log)
    changes.record(verdicts(a="not resolved", b="reproduced"), verdicts(a="not resolved"), log)
    shown = changes.table(verdicts(a="not resolved", b="reproduced"), verdicts(a="not resolved"), log)
    assert list(shown["claim"]) == ["a", "b"]
    assert shown.set_index("claim").loc["a", "scope"] == " and ".join(changes.SCOPES.values())
    assert shown.set_index("claim").loc["b", "scope"] == changes.SCOPES["final"]


def test_table_is_empty_before_any_record(tmp_path):
    assert changes.table(verdicts(a="partly"), NONE, tmp_path / "absent.json").empty


def test_the_command_refuses_to_record_from_uncommitted_code_before_any_work(monkeypatch, capsys):
    monkeypatch.setattr(changes, "uncommitted", lambda: ["lib/batchsize/report.py"])
    monkeypatch.setattr(book, "Chapter", lambda *a, **k: pytest.fail("judged the runs before refusing"))
    assert cli.main(["verdicts", "--record"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "differ from the commit (lib/batchsize/report.py" in err


@pytest.mark.parametrize("text", ["{", "[1, 2]", '{"recorded": null}'])
def test_a_damaged_log_is_one_line_before_any_work_and_is_kept(tmp_path, monkeypatch, capsys, text):
    log = tmp_path / "verdicts.json"
    log.write_text(text)
    monkeypatch.setattr(book, "Chapter", lambda *a, **k: pytest.fail("judged the runs before refusing"))
    assert cli.main(["verdicts", "--log", str(log)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "damaged" in err
    assert log.read_text() == text


def test_the_committed_log_names_each_move_with_its_build():
    log = changes.read()
    for move in log["history"]:
        assert set(move) == {"date", "commit", "scope", "claim", "before", "after"} and move["scope"] in changes.SCOPES
        assert not move["commit"].endswith("+dirty")


def test_only_the_verdicts_inputs_count_as_uncommitted(tmp_path, monkeypatch):
    """A log file beside the clone does not block a record; a new record under results/ does."""
    import subprocess

    run = lambda *args: subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)
    run("init", "-q")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "old.json").write_text("{}")
    run("add", "."), run("-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "-m", "x")
    monkeypatch.setattr(version, "REPO_ROOT", tmp_path)
    (tmp_path / "book.log").write_text("a build's log")
    (tmp_path / "results" / "run.ckpt").write_text("a running sweep's checkpoint")
    assert changes.uncommitted() == []
    (tmp_path / "results" / "new.json").write_text("{}")
    assert changes.uncommitted() == ["results/new.json"]
