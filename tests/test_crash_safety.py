"""A crash never costs finished runs: SIGKILLed sweeps resume, concurrent sweeps leave one consistent store."""

import json
import signal
import subprocess
import sys
import time

import pytest

from batchsize import sweep as sweep_module
from batchsize.config import make_config
from batchsize.store import RunStore
from batchsize.sweep import run_sweep

SWEEP_SCRIPT = """
import sys
from batchsize.config import make_config
from batchsize.sweep import run_sweep
configs = [make_config("synthetic-10k", b, epochs=4, n_train=2000, n_test=500) for b in (8, 16, 32, 64, 128, 256)]
run_sweep(configs, sys.argv[1], device="cpu", progress=False)
"""
CONFIGS = [make_config("synthetic-10k", b, epochs=4, n_train=2000, n_test=500) for b in (8, 16, 32, 64, 128, 256)]


def start_sweep(store) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SWEEP_SCRIPT, str(store)], stderr=subprocess.PIPE, text=True)


def assert_consistent(store: RunStore) -> list[dict]:
    """Every record parses, sits under its own key, and no record is duplicated."""
    files = sorted(store.root.glob("*.json"))
    records = [json.loads(f.read_text()) for f in files]
    assert [f.stem for f in files] == [r["key"] for r in records]
    assert len({r["key"] for r in records}) == len(records)
    return records


@pytest.mark.slow
def test_sigkilled_sweep_resumes_with_only_the_missing_runs(tmp_path, monkeypatch):
    proc = start_sweep(tmp_path)
    deadline = time.time() + 120
    while len(list(tmp_path.glob("*.json"))) < 2 and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = assert_consistent(RunStore(tmp_path))
    assert 2 <= len(finished) < len(CONFIGS), "the kill should land mid-sweep"
    before = {f.name: f.read_bytes() for f in tmp_path.glob("*.json")}

    trained = []
    real_train = sweep_module.train_group
    monkeypatch.setattr(sweep_module, "train_group", lambda cs, **k: trained.extend(cs) or real_train(cs, **k))
    table = run_sweep(CONFIGS, tmp_path, device="cpu", progress=False)
    assert len(trained) == len(CONFIGS) - len(finished)
    assert {c.key() for c in trained}.isdisjoint(r["key"] for r in finished)
    assert len(table) == len(CONFIGS) and len(assert_consistent(RunStore(tmp_path))) == len(CONFIGS)
    assert all((tmp_path / name).read_bytes() == data for name, data in before.items())  # untouched


@pytest.mark.slow
def test_two_sweeps_on_one_store_at_once_stay_consistent(tmp_path):
    first, second = start_sweep(tmp_path), start_sweep(tmp_path)
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0, first.stderr.read() + second.stderr.read()
    records = assert_consistent(RunStore(tmp_path))
    assert {r["key"] for r in records} == {c.key() for c in CONFIGS}
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_a_failing_run_keeps_the_runs_finished_before_it(tmp_path, monkeypatch):
    configs = [make_config("synthetic-1k", b, epochs=1) for b in (16, 32, 64)]
    real_train = sweep_module.train_group

    def train_then_fail(group, **kwargs):
        if group[0].batch_size == 64:
            raise RuntimeError("worker lost")
        return real_train(group, **kwargs)

    monkeypatch.setattr(sweep_module, "train_group", train_then_fail)
    with pytest.raises(RuntimeError):
        run_sweep(configs, tmp_path, device="cpu", progress=False)
    assert {r["key"] for r in assert_consistent(RunStore(tmp_path))} == {c.key() for c in configs[:2]}
