import hashlib
import json
import os
import re
import stat
import warnings
from types import SimpleNamespace

import pytest
import torch

from batchsize import store as store_module
from batchsize import sweep as sweep_module
from batchsize.config import UserError, make_config
from batchsize.plan import section_configs
from batchsize.reference import train_run
from batchsize.store import RunStore, WeightsError, load_history, load_table
from batchsize.sweep import run_sweep


@pytest.fixture(scope="module")
def result():
    return train_run(make_config("synthetic-1k", 64, epochs=2), device="cpu")


def test_key_is_a_stable_hash_of_the_config():
    a, b = make_config("synthetic-1k", 64, epochs=2), make_config("synthetic-1k", 64, epochs=2)
    assert a.key() == b.key() and len(a.key()) == 20
    assert a.key() != make_config("synthetic-1k", 64, epochs=3).key()
    assert a.key() != make_config("synthetic-1k", 64, epochs=2, lr_rule="sqrt").key()


def test_round_trip_with_provenance_and_weights(tmp_path, result):
    store = RunStore(tmp_path)
    store.put(result, profile="smoke", wall_time=1.5, save_weights=True)
    record = store.get(result.config)
    assert record["summary"]["test_acc"] == result.summary["test_acc"]
    assert record["history"] == result.history
    assert {"profile", "device", "torch", "python", "commit", "timestamp", "wall_time"} <= set(record["provenance"])
    assert record["provenance"]["profile"] == "smoke"
    weights = store.load_weights(result.config)
    assert all(torch.equal(weights[k], v) for k, v in result.model.state_dict().items())
    assert store.has(result.config, weights=True)


def test_failed_write_leaves_no_partial_record_and_keeps_the_old_one(tmp_path, result, monkeypatch):
    store = RunStore(tmp_path)
    store.put(result)
    before = store.record_path(result.config).read_text()
    def crash(fd):  # the record is half on disk when this "crash" happens
        raise RuntimeError("power cut")

    monkeypatch.setattr("os.fsync", crash)
    with pytest.raises(RuntimeError):
        store.put(result)
    assert store.record_path(result.config).read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == [store.record_path(result.config).name]


def test_interrupted_rename_leaves_only_a_hidden_temp_that_is_never_read(tmp_path, result, monkeypatch):
    store = RunStore(tmp_path)
    monkeypatch.setattr("os.replace", lambda *a: (_ for _ in ()).throw(OSError("disk gone")))
    with pytest.raises(OSError):
        store.put(result)
    assert not store.has(result.config) and store.records() == []


def test_corrupted_record_is_skipped_with_a_warning_naming_it(tmp_path, result):
    store = RunStore(tmp_path)
    store.put(result)
    path = store.record_path(result.config)
    path.write_text(path.read_text()[:100])
    with pytest.warns(UserWarning, match=path.name):
        assert store.records() == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert not store.has(result.config)


def test_nan_is_stored_as_null(tmp_path):
    diverged = train_run(make_config("synthetic-1k", 32, base_lr=1e30, epochs=2), device="cpu")
    store = RunStore(tmp_path)
    store.put(diverged)
    text = store.record_path(diverged.config).read_text()
    assert "NaN" not in text and json.loads(text)["summary"]["diverged"] is True


def test_second_identical_sweep_trains_nothing(tmp_path, monkeypatch):
    configs = section_configs("smoke", "synthetic")[:3]
    calls = []
    real_train = sweep_module.train
    monkeypatch.setattr(sweep_module, "train", lambda cs, **k: calls.extend(cs) or real_train(cs, **k))
    first = run_sweep(configs + configs[:1], tmp_path, profile="smoke", device="cpu", progress=False)
    assert len(calls) == 3 and len(first) == 3
    second = run_sweep(configs, tmp_path, profile="smoke", device="cpu", progress=False)
    assert len(calls) == 3
    assert sorted(second["key"]) == sorted(first["key"])


def test_load_table_and_history_filter(tmp_path):
    configs = section_configs("smoke", "synthetic")[:2]
    run_sweep(configs, tmp_path, device="cpu", progress=False)
    table = load_table(tmp_path, batch_size=configs[0].batch_size)
    assert len(table) == 1 and table.loc[0, "key"] == configs[0].key()
    assert {"test_acc", "gap", "prov_device", "lr_rule"} <= set(table.columns)
    assert len(load_table(tmp_path, batch_size=[c.batch_size for c in configs])) == 2
    curves = load_history(tmp_path, dataset="synthetic-1k")
    assert set(curves["epoch"]) == {1, 2, 3} and "batch_size" in curves
    with pytest.raises(KeyError):
        load_table(tmp_path, colour="red")


def test_records_and_weights_are_readable_by_the_group(tmp_path, result):
    """mkstemp makes 0600 files; a store shared by a group (or served by a web server) needs 0644."""
    store = RunStore(tmp_path)
    store.put(result, save_weights=True)
    for path in store.record_path(result.config), store.weights_path(result.config):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name


def test_check_writable_creates_the_store_and_leaves_no_probe(tmp_path):
    store = RunStore(tmp_path / "new" / "store")
    store.check_writable()
    assert store.root.is_dir() and list(store.root.iterdir()) == []


@pytest.mark.parametrize("where", ["file", "file/store"])
def test_a_file_in_the_way_is_a_one_line_error_naming_the_path(tmp_path, where):
    (tmp_path / "file").write_text("not a store")
    store = RunStore(tmp_path / where)
    with pytest.raises(UserError, match=re.escape(f"cannot write to the run store {tmp_path / where}: ")) as err:
        store.check_writable()
    assert "\n" not in str(err.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_store_is_a_one_line_error(tmp_path):
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(UserError, match=re.escape(f"run store {tmp_path}: Permission denied")):
            RunStore(tmp_path).check_writable()
    finally:
        tmp_path.chmod(0o755)


def test_a_sweep_into_an_unusable_store_fails_before_training(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a store")
    monkeypatch.setattr(sweep_module, "train", lambda *a, **k: pytest.fail("trained before the check"))
    with pytest.raises(UserError, match="cannot write to the run store"):
        run_sweep(section_configs("smoke", "synthetic")[:1], tmp_path / "file" / "store", device="cpu",
                  progress=False)


@pytest.mark.parametrize("commit, refused", [("0123456789ab+dirty", True), ("0123456789ab", False)])
def test_a_committed_store_takes_records_only_from_a_clean_commit(tmp_path, result, monkeypatch, commit, refused):
    monkeypatch.setattr(store_module, "git_commit", lambda: commit)
    committed, scratch = RunStore(tmp_path / "results" / "quick"), RunStore(tmp_path / "elsewhere" / "quick")
    if refused:
        with pytest.raises(UserError, match="committed store and the code has uncommitted changes"):
            committed.check_writable()
        with pytest.raises(UserError):
            committed.put(result)
        assert not committed.has(result.config)
    else:
        committed.put(result)
        assert committed.has(result.config)
    scratch.put(result)  # any other store takes a record of a dirty tree (it names the tree as dirty)
    assert scratch.has(result.config)


def test_a_complete_store_is_read_without_a_write_check(tmp_path, monkeypatch):
    """Committed results on a read-only checkout still render: the check runs only when there is training to do."""
    configs = section_configs("smoke", "synthetic")[:1]
    run_sweep(configs, tmp_path, device="cpu", progress=False)
    monkeypatch.setattr(RunStore, "check_writable", lambda self: pytest.fail("checked a complete store"))
    assert len(run_sweep(configs, tmp_path, device="cpu", progress=False)) == 1


def test_records_older_than_a_config_field_read_as_its_old_value(tmp_path, fake_result):
    """A record written before `init`/`precision` existed lists neither; its row (and config) take the old value."""
    from batchsize.config import LEGACY_DEFAULTS
    from batchsize.store import config_of

    old, new = make_config("mnist", 32, epochs=1), make_config("mnist", 64, epochs=1, init="torch-default")
    store = RunStore(tmp_path)
    for config in (old, new):
        store.put(fake_result(config))
    path = store.record_path(old)
    record = json.loads(path.read_text())
    record["config"] = {k: v for k, v in record["config"].items() if k not in LEGACY_DEFAULTS}
    path.write_text(json.dumps(record))
    table = load_table(tmp_path).set_index("batch_size")
    assert table.loc[32, "init"] == "he-uniform" and table.loc[64, "init"] == "torch-default"
    assert config_of(table.reset_index().set_index("key").loc[old.key()].rename(old.key())).key() == old.key()


def damage(path) -> None:
    """Flip one byte in the middle of a file (a bad sector, a torn copy)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_weights_checksum_is_recorded_and_a_damaged_file_is_caught(tmp_path, result):
    store = RunStore(tmp_path)
    store.put(result, save_weights=True)
    path = store.weights_path(result.config)
    assert store.get(result.config)["weights_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    damage(path)
    with pytest.warns(UserWarning, match=f"{re.escape(str(path))} is damaged.*trained again"):
        assert not store.has(result.config, weights=True)
    assert store.has(result.config)  # the record itself is fine
    with pytest.raises(WeightsError, match=f"weights file {re.escape(str(path))} is damaged"):
        store.load_weights(result.config)


def test_records_older_than_checksums_trust_weights_that_load(tmp_path, result):
    """A record without `weights_sha256` (written before checksums): its weights count if they load."""
    store = RunStore(tmp_path)
    store.put(result, save_weights=True)
    record_path, path = store.record_path(result.config), store.weights_path(result.config)
    record = json.loads(record_path.read_text())
    del record["weights_sha256"]
    record_path.write_text(json.dumps(record))
    assert store.has(result.config, weights=True)
    assert all(torch.equal(store.load_weights(result.config)[k], v) for k, v in result.model.state_dict().items())
    path.write_bytes(path.read_bytes()[:200])  # truncated: does not load
    with pytest.warns(UserWarning, match="cannot be loaded"):
        assert not store.has(result.config, weights=True)
    with pytest.raises(WeightsError, match=f"weights file {re.escape(str(path))} cannot be loaded"):
        store.load_weights(result.config)
    path.unlink()
    with pytest.raises(WeightsError, match="is missing"):
        store.load_weights(result.config)


def test_the_sweep_retrains_a_run_whose_weights_are_damaged(tmp_path, monkeypatch):
    configs = section_configs("smoke", "synthetic")[:2]
    run_sweep(configs, tmp_path, device="cpu", save_weights=True, progress=False)
    store = RunStore(tmp_path)
    damage(store.weights_path(configs[0]))
    trained = []
    real_train = sweep_module.train
    monkeypatch.setattr(sweep_module, "train", lambda cs, **k: trained.extend(cs) or real_train(cs, **k))
    with pytest.warns(UserWarning, match=store.weights_path(configs[0]).name):
        run_sweep(configs, tmp_path, device="cpu", save_weights=True, progress=False)
    assert trained == configs[:1]
    assert store.has(configs[0], weights=True) and store.load_weights(configs[0])


def test_a_chapter_retrains_damaged_weights_instead_of_failing(tmp_path, monkeypatch):
    """The landscape chapter's path: `table("weights")` then `model(run)`; a damaged file is retrained between."""
    from batchsize.book import Chapter
    from batchsize.store import config_of

    monkeypatch.setattr(torch, "set_num_threads", lambda n: None)  # Chapter sets it for a kernel, not for pytest
    chapter = Chapter(["weights"], profile="smoke", device="cpu", store=str(tmp_path), batch_sizes=[8])
    run = chapter.table("weights").iloc[0]
    damage(RunStore(tmp_path).weights_path(config_of(run)))
    with pytest.warns(UserWarning, match="trained again"):
        run = chapter.table("weights").iloc[0]
    assert not chapter.model(run).training


def test_the_table_compares_median_epoch_times_that_a_slowed_epoch_does_not_move(tmp_path):
    """On a shared CPU another process can slow one epoch several-fold; the analyses use each run's median."""
    store = RunStore(tmp_path)
    result = train_run(make_config("synthetic-1k", 64, epochs=3), device="cpu")
    for row, seconds in zip(result.history, (1.0, 9.0, 1.2), strict=True):
        row["epoch_time"] = seconds
    store.put(result)
    row = load_table(store).iloc[0]
    assert row["median_epoch_time"] == 1.2  # the mean of these epochs would be 3.7


def test_the_commit_is_read_once_per_process_so_a_later_checkout_cannot_relabel_records(monkeypatch):
    from batchsize import version

    heads = iter(["aaaaaaaaaaaa", "", "bbbbbbbbbbbb", ""])  # rev-parse, then status, per read
    monkeypatch.setattr(version.subprocess, "run", lambda *a, **k: SimpleNamespace(stdout=next(heads)))
    version.git_commit.cache_clear()
    try:
        assert version.git_commit() == "aaaaaaaaaaaa"
        assert version.git_commit() == "aaaaaaaaaaaa"  # the worktree moved on; this process's code did not
    finally:
        version.git_commit.cache_clear()


def train_cli(store, batch_size: int, capsys) -> dict:
    """`batchsize train` as the issue ran it; its one line of JSON."""
    from batchsize.cli import main

    assert main(["train", "--dataset", "synthetic-1k", "--epochs", "2", "--batch-size", str(batch_size),
                 "--store", str(store), "--device", "cpu", "--no-progress"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_record_copied_under_another_runs_name_is_never_served_as_that_run(tmp_path, capsys):
    """Issue 24: `cp <B32 key>.json <B64 key>.json` made `train --batch-size 64` answer with B = 32's record."""
    b32, b64 = make_config("synthetic-1k", 32, epochs=2), make_config("synthetic-1k", 64, epochs=2)
    train_cli(tmp_path, 32, capsys)
    store = RunStore(tmp_path)
    copied = store.record_path(b64)
    copied.write_text(store.record_path(b32).read_text())
    with pytest.warns(UserWarning, match=f"{copied.name}: it is the record of run {b32.key()}") as caught:
        out = train_cli(tmp_path, 64, capsys)
    assert len(caught) == 1  # however often the command reads the record
    assert not out["from_store"] and out["batch_size"] == 64 and out["key"] == b64.key()
    assert store.get(b64)["config"]["batch_size"] == 64
    assert (tmp_path / f"{copied.name}.rejected").read_text() == store.record_path(b32).read_text()  # not lost


def test_a_record_of_the_wrong_shape_is_set_aside_and_the_run_trained_again(tmp_path, capsys):
    """Issue 24: `{"config": 3, "summary": "x"}` stopped `train` with a raw AttributeError traceback."""
    config = make_config("synthetic-1k", 64, epochs=2)
    path = RunStore(tmp_path).record_path(config)
    path.write_text(json.dumps({"config": 3, "summary": "x"}))
    with pytest.warns(UserWarning, match=path.name) as caught:
        out = train_cli(tmp_path, 64, capsys)
    assert len(caught) == 1 and not out["from_store"] and out["key"] == config.key()
