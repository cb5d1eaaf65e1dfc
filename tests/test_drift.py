"""The committed stores cannot drift from the code: a sample of their records, trained again at HEAD, match.

The sample is chosen by rule, not by hand: in each committed store, the cheapest trained record of each model
family that was made at a clean commit, if it trained in under two minutes (CI time). Bit equality is not expected
across machines (oneDNN picks other kernels on AVX2 than on AVX-512, and float sums then round differently), so
the test allows what such rounding does to a short run: 1 pp of test accuracy and 10 % of the final training
loss. Where bf16 has no fast kernels (a CPU without AVX-512), bf16 records are left out of the sample: the
two-minute run would take a quarter of an hour there. A change to the training code
that alters results (a different LR, an init, the batch order) moves them far more than that.
"""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from batchsize.reference import bf16_on_plain_kernels
from batchsize.store import REPO_ROOT, config_of, load_table
from batchsize.train import train
from conftest import real_data_root

ACC_TOL, LOSS_RTOL = 1.0, 0.10
MAX_SECONDS = 120.0  # a quick CNN run on 5,000 images with its whole test set: ~1.5 min


def sample() -> list[tuple[str, pd.Series]]:
    fast_bf16 = not bf16_on_plain_kernels(torch.device("cpu"))
    picks = []
    for profile in ("quick", "paper"):
        table = load_table(REPO_ROOT / "results" / profile)
        clean = table[~table["prov_commit"].str.endswith("+dirty") & (table["outcome"] == "trained")
                      & (table["prov_wall_time"] < MAX_SECONDS) & ((table["precision"] != "bf16") | fast_bf16)]
        for _, family in clean.groupby("model"):
            picks.append((profile, family.sort_values(["prov_wall_time", "key"]).iloc[0]))
    return picks


SAMPLE = sample()


@pytest.mark.parametrize("profile, record", SAMPLE, ids=[f"{p}-{r['dataset']}-B{r['batch_size']}" for p, r in SAMPLE])
def test_a_committed_record_is_what_head_trains(profile, record):
    if not record["dataset"].startswith("synthetic") and real_data_root(record["dataset"]) is None:
        pytest.skip(f"{record['dataset']} files are not present (run `make data`)")
    threads = torch.get_num_threads()
    torch.set_num_threads(int(record["prov_threads"]) if pd.notna(record.get("prov_threads")) else 1)
    try:
        result = train([config_of(record)], device="cpu")[0]
    finally:
        torch.set_num_threads(threads)
    assert result.config.key() == record["key"]
    assert abs(result.summary["test_acc"] - record["test_acc"]) <= ACC_TOL, (profile, record["key"])
    assert result.summary["train_loss"] == pytest.approx(record["train_loss"], rel=LOSS_RTOL)
