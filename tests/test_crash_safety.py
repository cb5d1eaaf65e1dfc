"""A crash never costs finished runs: SIGKILLed sweeps resume, concurrent sweeps leave one consistent store, a full
disk tears no record."""

import dataclasses
import errno
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import warnings

import pytest
import torch

from batchsize import sweep as sweep_module
from batchsize.config import make_config
from batchsize.plan import section_configs
from batchsize.store import RunStore
from batchsize.sweep import run_sweep

SWEEP_SCRIPT = """
import os, signal, sys
from batchsize.config import make_config
from batchsize.sweep import run_sweep
store, kill_after, records, real_replace = os.path.abspath(sys.argv[1]), int(sys.argv[2]), 0, os.replace


def replace(src, dst):
    \"\"\"Kill this process right after its kill_after-th record is in place (0: never): a kill that is an event,
    not a time, lands mid-sweep on any machine.\"\"\"
    global records
    real_replace(src, dst)
    if str(dst).endswith(".json") and os.path.dirname(os.path.abspath(dst)) == store:
        records += 1
        if records == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)


os.replace = replace
configs = [make_config("synthetic-10k", b, epochs=2, n_train=1000, n_test=250) for b in (8, 16, 32, 64, 128, 256)]
run_sweep(configs, store, device="cpu", progress=False)
"""
CONFIGS = [make_config("synthetic-10k", b, epochs=2, n_train=1000, n_test=250) for b in (8, 16, 32, 64, 128, 256)]


def start_sweep(store, kill_after_records: int = 0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SWEEP_SCRIPT, str(store), str(kill_after_records)],
                            stderr=subprocess.PIPE, text=True)


def assert_consistent(store: RunStore) -> list[dict]:
    """Every record parses, sits under its own key, and no record is duplicated."""
    files = sorted(store.root.glob("*.json"))
    records = [json.loads(f.read_text()) for f in files]
    assert [f.stem for f in files] == [r["key"] for r in records]
    assert len({r["key"] for r in records}) == len(records)
    return records


@pytest.mark.slow
def test_sigkilled_sweep_resumes_with_only_the_missing_runs(tmp_path, monkeypatch):
    proc = start_sweep(tmp_path, kill_after_records=2)
    assert proc.wait(timeout=600) == -signal.SIGKILL, proc.stderr.read()
    finished = assert_consistent(RunStore(tmp_path))
    assert len(finished) == 2, "the kill lands right after the second record"
    before = {f.name: f.read_bytes() for f in tmp_path.glob("*.json")}

    trained = []
    real_train = sweep_module.train
    monkeypatch.setattr(sweep_module, "train", lambda cs, **k: trained.extend(cs) or real_train(cs, **k))
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
    real_train = sweep_module.train

    def train_then_fail(group, **kwargs):
        if group[0].batch_size == 64:
            raise RuntimeError("worker lost")
        return real_train(group, **kwargs)

    monkeypatch.setattr(sweep_module, "train", train_then_fail)
    with pytest.raises(RuntimeError):
        run_sweep(configs, tmp_path, device="cpu", progress=False)
    assert {r["key"] for r in assert_consistent(RunStore(tmp_path))} == {c.key() for c in configs[:2]}


SMOKE_MLP = [c for c in section_configs("smoke", "synthetic") if c.dataset != "synthetic-50k"]
# stacked MLP groups, then runs `train` trains and checkpoints after each epoch
SOAK_CONFIGS = [*SMOKE_MLP, *(dataclasses.replace(c, optimizer="sgd", momentum=0.9) for c in SMOKE_MLP
                              if c.batch_size == 64)]
SOAK_SCRIPT = """
import json, os, signal, sys
import batchsize.fast
from batchsize.config import RunConfig
from batchsize.sweep import run_sweep
batchsize.fast._kernel()  # the MLP kernel is built (and its files renamed into place) before the count starts
store, configs, kill_at = sys.argv[1], [RunConfig.from_dict(c) for c in json.loads(sys.argv[2])], int(sys.argv[3])
renames, real_replace = 0, os.replace


def replace(src, dst):
    \"\"\"Count the renames into the store (records, weights, checkpoints); the kill_at-th one kills this process
    between its temporary write and its rename.\"\"\"
    global renames
    if os.path.dirname(os.path.abspath(dst)) == os.path.abspath(store):
        renames += 1
        if renames == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)


os.replace = replace
run_sweep(configs, store, device="cpu", save_weights=True, progress=False)
print(renames)
"""
KILLS = 4


def outcome(record: dict) -> tuple:
    """What a run computed (its timings aside), down to the bytes of its weights."""
    summary = record["summary"]
    return (summary["outcome"], summary["epochs_run"], summary["test_acc"], summary["test_loss"],
            record["weights_sha256"])


@pytest.fixture
def one_thread():
    """Tiny models on shared cores: one torch thread is many times faster, and every sweep here uses the same."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield {**os.environ, "OMP_NUM_THREADS": "1"}
    torch.set_num_threads(threads)


@pytest.mark.slow
def test_soak_a_sweep_killed_between_writes_and_renames_ends_as_an_uninterrupted_one(tmp_path, one_thread):
    """SIGKILLed KILLS times, each time at a seeded k-th rename into the store (a record, weights or an epoch's
    checkpoint: written in full, not yet in place), then resumed, a smoke sweep (stacked groups, checkpointed runs,
    weights) leaves the records and weights an uninterrupted sweep leaves; no kill ever tears a record. The kills are
    events, not times, so the test means the same on a fast idle machine and on a loaded one."""
    configs = json.dumps([c.to_dict() for c in SOAK_CONFIGS])

    def sweep(store: RunStore, kill_at: int) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", SOAK_SCRIPT, str(store.root), configs, str(kill_at)],
                              capture_output=True, text=True, env=one_thread, timeout=600)

    reference = RunStore(tmp_path / "reference")
    done = sweep(reference, kill_at=0)
    assert done.returncode == 0, done.stderr
    renames = int(done.stdout)  # a resumed sweep has as many left as it lacks, or more (a killed write is redone)
    store, rng, stored = RunStore(tmp_path / "soak"), random.Random(20250101), {}
    for kill in range(1, KILLS + 1):  # each at most a KILLS-th of the way: every one lands before the sweep ends
        killed = sweep(store, kill_at=rng.randint(1, renames // KILLS))
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert len(list(store.root.glob(".*.tmp"))) == kill, "one more file left written but not renamed"
        assert_consistent(store)
        assert all((store.root / name).read_bytes() == data for name, data in stored.items()), "a stored run changed"
        stored = {f.name: f.read_bytes() for f in store.root.glob("*.json")}
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a damaged weights file would warn
            assert all(store.has(c, weights=True) for c in SOAK_CONFIGS if store.has(c)), "weights come first"
    assert 0 < len(stored) < len(SOAK_CONFIGS), "the resumed sweep starts from some stored runs, not all"
    run_sweep(SOAK_CONFIGS, store.root, device="cpu", save_weights=True, progress=False)
    assert all((store.root / name).read_bytes() == data for name, data in stored.items()), "a stored run changed"
    records = {r["key"]: outcome(r) for r in assert_consistent(store)}
    assert records == {r["key"]: outcome(r) for r in assert_consistent(reference)}
    assert all(store.has(c, weights=True) for c in SOAK_CONFIGS)
    assert not list(store.root.glob("*.ckpt"))  # every finished run removed its checkpoint


class FullDisk(io.BufferedWriter):
    """A file on a disk that fills up: half of a write lands, then ENOSPC."""

    def write(self, data) -> int:
        super().write(bytes(data)[:len(data) // 2])
        self.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_write_that_hits_a_full_disk_leaves_no_torn_record(tmp_path, monkeypatch):
    configs = [make_config("synthetic-1k", b, epochs=1) for b in (16, 32, 64)]
    opened = []
    real_fdopen = os.fdopen

    def fdopen(fd, mode="r", *args, **kwargs):  # the store's writes; from the second one on, the disk is full
        opened.append(fd)
        return FullDisk(io.FileIO(fd, "wb")) if len(opened) > 1 else real_fdopen(fd, mode, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(OSError, match="No space left"):
        run_sweep(configs, tmp_path, device="cpu", progress=False)
    assert [r["key"] for r in assert_consistent(RunStore(tmp_path))] == [configs[0].key()]
    assert not list(tmp_path.glob(".*"))  # the half-written temporary file is gone too
    monkeypatch.setattr(os, "fdopen", real_fdopen)  # space freed: the sweep finishes
    run_sweep(configs, tmp_path, device="cpu", progress=False)
    assert {r["key"] for r in assert_consistent(RunStore(tmp_path))} == {c.key() for c in configs}


LONG_LOCAL_SWEEP = """
import sys
from batchsize.config import make_config
from batchsize.sweep import run_sweep
config = make_config("synthetic-10k", 8, epochs=10_000, n_train=2000, n_test=500, precision="bf16")  # checkpointed
run_sweep([config], sys.argv[1], device="cpu", progress=False, executor="local", workers=1)
"""


def pool_workers(pid: int) -> set[int]:
    """The live process-pool workers of `pid` (not its multiprocessing resource tracker)."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return {int(p) for p in found if alive(int(p)) and b"spawn_main" in cmdline(int(p))}


def cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as line:
            return line.read()
    except FileNotFoundError:
        return b""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads processes from /proc")
def test_a_killed_sweep_takes_its_local_workers_with_it(tmp_path):
    sweep = subprocess.Popen([sys.executable, "-c", LONG_LOCAL_SWEEP, str(tmp_path)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300  # importing torch and pandas on a loaded machine
    while not list(tmp_path.glob("*.ckpt")):  # a worker has trained an epoch
        assert time.monotonic() < deadline and sweep.poll() is None, "the sweep trained no epoch"
        time.sleep(0.5)
    workers = pool_workers(sweep.pid)
    sweep.kill()
    sweep.wait()
    deadline = time.monotonic() + 20
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = [p for p in workers if alive(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "a worker trained on after its sweep was killed"
