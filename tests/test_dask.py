"""Sweeps on a real Dask LocalCluster (2 worker processes on loopback) and on a local process pool."""

import os
import signal
import time

import pytest

from batchsize.cli import main
from batchsize.config import UserError, make_config
from batchsize.store import RunStore, load_table
from batchsize.sweep import run_sweep

distributed = pytest.importorskip("distributed")

CONFIGS = [make_config("synthetic-1k", b, epochs=3) for b in (8, 16, 32, 64)]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, worker_dashboard_address=None) as cluster:
        yield cluster


@pytest.mark.slow
def test_sweep_on_a_local_cluster_from_python(cluster, tmp_path):
    with distributed.Client(cluster) as client:
        table = run_sweep(CONFIGS, tmp_path, executor="dask", client=client, device="cpu", progress=False)
    assert sorted(table["key"]) == sorted(c.key() for c in CONFIGS)
    assert (table["prov_device"] == "cpu").all()


@pytest.mark.slow
def test_sweep_on_a_local_cluster_from_the_command_line(cluster, tmp_path, capsys):
    assert main(["sweep", "--profile", "smoke", "--section", "lr-scaling", "--store", str(tmp_path), "--device",
                 "cpu", "--executor", "dask", "--scheduler", cluster.scheduler_address, "--no-progress"]) == 0
    assert "synthetic-50k" in capsys.readouterr().out
    assert len(load_table(tmp_path)) == 6


@pytest.mark.slow
def test_a_task_whose_worker_dies_is_retried(cluster, tmp_path):
    slow = [make_config("synthetic-10k", b, epochs=15, n_train=4000, n_test=500) for b in (8, 16)]
    with distributed.Client(cluster) as client:
        pids = client.run(os.getpid)
        done = run_sweep_in_background(client, slow, tmp_path)
        deadline = time.time() + 60
        while not any(client.processing().values()) and time.time() < deadline:
            time.sleep(0.05)
        busy = next(addr for addr, tasks in client.processing().items() if tasks)
        os.kill(pids[busy], signal.SIGKILL)
        table = done.result(timeout=300)
        assert pids[busy] not in client.run(os.getpid).values()  # that worker really died and was replaced
    assert sorted(table["key"]) == sorted(c.key() for c in slow)
    assert len(RunStore(tmp_path).records()) == 2


def run_sweep_in_background(client, configs, store):
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1)
    future = pool.submit(run_sweep, configs, store, executor="dask", client=client, device="cpu", progress=False)
    pool.shutdown(wait=False)
    return future


@pytest.mark.slow
def test_local_process_pool(tmp_path):
    table = run_sweep(CONFIGS, tmp_path, executor="local", workers=2, device="cpu", progress=False)
    assert sorted(table["key"]) == sorted(c.key() for c in CONFIGS)


def test_dask_without_a_scheduler_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="--scheduler"):
        run_sweep(CONFIGS, tmp_path, executor="dask", device="cpu", progress=False)
    with pytest.raises(UserError, match="executor"):
        run_sweep(CONFIGS, tmp_path, executor="mpi", device="cpu", progress=False)
