"""`benchmarks/stacked_cnn.py --quick` end to end (seconds; no data files): the stacked network it times must
compute what the separate models compute, or its speed-ups compare different work."""

import json
import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow  # ~10 s


def test_stacked_cnn_benchmark_compares_equal_work(tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "stacked_cnn.py"), "--quick", "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "stacked-cnn-quick.json").read_text())
    rows = result["rows"]
    assert {(r["dataset"], r["batch_size"]) for r in rows} == {(d, b) for d in ("mnist", "cifar10") for b in (1, 4)}
    for r in rows:
        assert r["equivalence_error"] < 1e-5  # fp32 logits and head gradients of S = 3 seeds
        assert r["separate_ms"] > 0 and r["stacked_ms"] > 0
        assert r["speedup"] == pytest.approx(r["separate_ms"] / r["stacked_ms"], rel=0.01)
    assert (tmp_path / "stacked-cnn-quick.md").read_text().startswith("# Stacked CNN seeds")
