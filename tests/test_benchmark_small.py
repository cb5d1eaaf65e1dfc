"""Smoke runs of the benchmarks (seconds; no data files): the stacked network must compute what the separate
models compute, or its speed-ups compare different work; the breakdown's shares must add up, or its ceiling on the
fraction of peak means nothing; a comparison's ratio must be that of its two measured sides."""

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow  # ~10 s


def run_benchmark(script: str, out, *args: str, timeout: int = 300) -> dict:
    """`benchmarks/<script>.py --quick` (or `args` instead) writing to `out`: its result JSON, after it exited 0."""
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / f"{script}.py"), *(args or ("--quick",)),
                           "--out", str(out)], capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return json.loads(next(out.glob("*.json")).read_text())


def test_stacked_cnn_benchmark_compares_equal_work(tmp_path):
    result = run_benchmark("stacked_cnn", tmp_path)
    rows = result["rows"]
    assert {(r["dataset"], r["batch_size"]) for r in rows} == {(d, b) for d in ("mnist", "cifar10") for b in (1, 4)}
    for r in rows:
        assert r["equivalence_error"] < 1e-5  # fp32 logits and head gradients of S = 3 seeds
        assert r["separate_ms"] > 0 and r["stacked_ms"] > 0
        assert r["speedup"] == pytest.approx(r["separate_ms"] / r["stacked_ms"], rel=0.01)
    assert (tmp_path / "stacked-cnn-quick.md").read_text().startswith("# Stacked CNN seeds")


def test_step_breakdown_shares_add_up_and_bound_the_fraction_of_peak(tmp_path):
    rows = run_benchmark("step_breakdown", tmp_path)["rows"]
    assert [(r["dataset"], r["batch_size"]) for r in rows] == [("mnist", 8), ("cifar10", 8)]
    for r in rows:
        assert sum(r["shares"].values()) == pytest.approx(1.0, abs=1e-3) and r["step_s"] > 0
        assert r["gemm_share"] == pytest.approx(r["shares"]["convolution"] + r["shares"].get("matmul", 0), abs=1e-3)
        assert 0.05 < r["shares"]["convolution"] < 1  # the profiler saw the convolutions
    mnist, cifar = rows
    assert mnist["shares"]["dropout (masks and their products)"] > cifar["shares"].get(
        "dropout (masks and their products)", 0)  # only the MNIST network has dropout


def test_mlp_backends_projects_each_choice_from_its_own_timings(tmp_path):
    result = run_benchmark("mlp_backends", tmp_path)
    rows, totals = result["rows"], result["projected_total_s"]
    assert [(r["batch_size"], r["auto"]) for r in rows] == [(1, "cpp"), (64, "torch")]  # fast.auto_backend's rule
    for r in rows:
        assert r["projected_s"]["cpp"] == pytest.approx(r["epochs"] * r["epoch_s"]["cpp"], abs=0.01)
    assert totals["auto"] == pytest.approx(sum(r["projected_s"][r["auto"]] for r in rows), abs=0.1)
    assert min(totals["cpp"], totals["torch"]) > 0


def test_the_evaluation_cut_changes_no_number_and_its_errors_are_one_line(tmp_path):
    """`benchmarks/eval_cut.py` on 256 CIFAR-10 images: the run that evaluates its training set only at the last
    epoch and the one that evaluates it after every epoch agree to the last bit (issue 27 §1). In fp32: the proof
    does not depend on the precision, and bf16 is emulated, several times slower, on a CPU without its kernels."""
    from conftest import real_data_root

    script = str(REPO / "benchmarks" / "eval_cut.py")
    bad = subprocess.run([sys.executable, script, "--batch-size", "0"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1].endswith("got 0")
    if real_data_root("cifar10") is None:
        pytest.skip("CIFAR-10 files are not present (run `make data`)")
    result = run_benchmark("eval_cut", tmp_path, "--images", "256", "--batch-size", "64", "--epochs", "2",
                           "--precision", "fp32", timeout=600)
    assert result["same_numbers"] is True and result["images"] == 256 and result["every_epoch_s"] > 0
    assert result["precision"] == "fp32"


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: torch's default is already one thread")
def test_threads_benchmark_times_both_settings_in_one_run(tmp_path):
    result = run_benchmark("threads", tmp_path)
    rows = result["rows"]
    assert [r["threads"] for r in rows] == [os.cpu_count(), 1]  # torch's default, then one thread
    assert all(r["mlp_s"] > 0 and r["cnn_s"] > 0 for r in rows)
    assert result["default_over_one"]["cnn_s"] == pytest.approx(rows[0]["cnn_s"] / rows[1]["cnn_s"])
