"""A seconds-long smoke run of benchmarks/trainer.py (the benchmark itself is not run in CI)."""

import importlib.util

import torch

from conftest import REPO


def load_script():
    spec = importlib.util.spec_from_file_location("bench_trainer", REPO / "benchmarks" / "trainer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_table_smoke():
    bench = load_script()
    table = bench.run_table(torch.device("cpu"), repeats=1, steps=4, data_dir=None, rows=[("synthetic-1k", 8)],
                            log=lambda _: None)
    (row,) = table["rows"]
    assert row["steps"] == 4 and row["reference_steps_per_s"] > 0 and row["ours_steps_per_s"] > 0
    # the ratio is computed from unrounded rates, the rates are stored to 0.1 step/s: equal within that rounding
    ours, ref = row["ours_steps_per_s"], row["reference_steps_per_s"]
    assert (ours - 0.05) / (ref + 0.05) - 0.005 <= row["ratio"] <= (ours + 0.05) / max(ref - 0.05, 1e-9) + 0.005
    assert "| mlp | 8 | 4 |" in bench.markdown_table(table) and table["machine"]["cores"]
