"""The committed stores cannot drift from the code: a sample of their records, trained again at HEAD, match; so do
a sample of the analyses they keep (`analysis_store`), computed again at HEAD.

The sample is chosen by rule, not by hand: in each committed store, the cheapest trained record of each model
family that was made at a clean commit, if it trained in under two minutes (CI time). A record that took longer
than `WHOLE_SECONDS` is trained again for its first epoch only (or its warm-up, where longer) and compared with its
own history there: the LR depends on the step alone (warm-up, then constant), so the first epoch of a shorter run
is that run's first epoch, and an LR, init, batch order or augmentation that changed shows there already; the CNNs'
retrains cost a third. Bit equality is not expected across machines (oneDNN picks other kernels on AVX2 than on
AVX-512, and float sums then round differently), so the test allows what such rounding does to a short run: 1 pp
of test accuracy and 10 % of the training loss (the final one; for a run retrained in part, that epoch's running
loss). Where bf16 has no fast kernels (a CPU without AVX-512), bf16 records are left out of the sample: the
two-minute run would take a quarter of an hour there. A change to the training code
that alters results (a different LR, an init, the batch order) moves them far more than that.

The analyses' sample: of each analysis, the committed entry of its current version made at a clean commit that took
the least CPU time, if under half a minute. They run in float64 (sharpness) or float32 (surfaces, gradients) from
fixed seeds: on the same CPU they come out the same to the last bit, on another only rounding differs, which
moves no number by 0.1 % (`ANALYSIS_RTOL`; a change of seed, evaluation set or steps moves them by more).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import torch

from batchsize import analysis_measures, analysis_store
from batchsize.reference import bf16_on_plain_kernels
from batchsize.store import COMMITTED_STORES, REPO_ROOT, config_of, default_store, load_history, load_table
from batchsize.train import train
from conftest import real_data_root

ACC_TOL, LOSS_RTOL = 1.0, 0.10
MAX_SECONDS = 120.0  # a quick CNN run on 5,000 images with its whole test set: ~1.5 min
WHOLE_SECONDS = 10.0  # the MLP records (well under a second) train whole; the CNNs' (a minute or more) one epoch
ANALYSIS_RTOL, ANALYSIS_ATOL = 1e-3, 1e-9
MAX_CPU_SECONDS = 30.0


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


@pytest.mark.slow
@pytest.mark.parametrize("profile, record", SAMPLE, ids=[f"{p}-{r['dataset']}-B{r['batch_size']}" for p, r in SAMPLE])
def test_a_committed_record_is_what_head_trains(profile, record):
    if not record["dataset"].startswith("synthetic") and real_data_root(record["dataset"]) is None:
        pytest.skip(f"{record['dataset']} files are not present (run `make data`)")
    config = config_of(record)
    assert config.key() == record["key"]
    whole = record["prov_wall_time"] < WHOLE_SECONDS
    first = max(1, config.warmup_epochs)  # a config's warm-up may not outlast its training
    threads = torch.get_num_threads()
    torch.set_num_threads(int(record["prov_threads"]) if pd.notna(record.get("prov_threads")) else 1)
    try:
        result = train([config if whole else dataclasses.replace(config, epochs=first)], device="cpu")[0]
    finally:
        torch.set_num_threads(threads)
    if whole:
        assert abs(result.summary["test_acc"] - record["test_acc"]) <= ACC_TOL, (profile, record["key"])
        assert result.summary["train_loss"] == pytest.approx(record["train_loss"], rel=LOSS_RTOL)
        return
    kept = load_history(default_store(profile), key=[record["key"]]).sort_values("epoch").iloc[first - 1]
    found = result.history[-1]
    assert abs(found["test_acc"] - kept["test_acc"]) <= ACC_TOL, (profile, record["key"])
    assert found["running_loss"] == pytest.approx(kept["running_loss"], rel=LOSS_RTOL)
    assert found["lr"] == pytest.approx(kept["lr"])  # the step's LR: the schedule is the run's, not a shorter one's


def analysis_sample() -> list[tuple[str, dict]]:
    cheapest = {}
    for profile in COMMITTED_STORES:
        for _, entry in analysis_store.entries(default_store(profile).root / "analyses"):
            version = analysis_measures.ANALYSES.get(entry["analysis"], (None,))[0]
            cost = entry["provenance"].get("cpu_seconds", np.inf)
            if entry["version"] != version or entry["provenance"]["dirty"] or cost > MAX_CPU_SECONDS:
                continue
            if entry["analysis"] not in cheapest or cost < cheapest[entry["analysis"]][1]["provenance"]["cpu_seconds"]:
                cheapest[entry["analysis"]] = (profile, entry)
    return [cheapest[name] for name in sorted(cheapest)]


ANALYSIS_SAMPLE = analysis_sample()


def numbers(value, path: str = "") -> dict[str, float]:
    """A value's numbers by where they sit in it (`.rows[3].variance`)."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in numbers(item, f"{path}.{key}").items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in numbers(item, f"{path}[{i}]").items()}
    return {path: value}


@pytest.mark.parametrize("profile, entry", ANALYSIS_SAMPLE,
                         ids=[f"{p}-{e['analysis']}-{e['run'][:8]}" for p, e in ANALYSIS_SAMPLE])
def test_a_committed_analysis_is_what_head_computes(profile, entry):
    from batchsize.book import Chapter

    run = load_table(default_store(profile), key=entry["run"]).iloc[0]
    if not run["dataset"].startswith("synthetic") and real_data_root(run["dataset"]) is None:
        pytest.skip(f"{run['dataset']} files are not present (run `make data`)")
    threads = torch.get_num_threads()
    chapter = Chapter([], profile=profile)  # sets one torch thread, as the book's chapters do
    torch.set_num_threads(entry["provenance"]["threads"])
    try:
        computed = analysis_measures.ANALYSES[entry["analysis"]][1](chapter, run, **entry["params"])
    finally:
        torch.set_num_threads(threads)
    if entry["analysis"] not in analysis_measures.OF_TRAINING:
        assert analysis_store.weights_sha256(chapter.store, config_of(run)) == entry["weights_sha256"]
    found = numbers(analysis_store.decoded(analysis_store.encoded(computed)))  # as `cached` returns it
    kept = numbers(analysis_store.decoded(entry["value"]))
    assert found.keys() == kept.keys()
    far = {k: (found[k], kept[k]) for k in kept
           if not np.isclose(found[k], kept[k], rtol=ANALYSIS_RTOL, atol=ANALYSIS_ATOL, equal_nan=True)}
    assert not far, f"{len(far)} of {len(kept)} numbers differ, e.g. {dict(list(far.items())[:3])}"
