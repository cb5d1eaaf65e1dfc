"""Analyses kept beside the weights they measure (issue 24 §3): computed where missing, read where kept, one value
per analysis, version, weights and parameters; a bad file costs a warning and a computation, never a traceback;
and the committed ones are their runs' (the drift test computes a sample of them again)."""

import hashlib
import math
import warnings

import numpy as np
import pytest

from batchsize import analysis_measures, analysis_store
from batchsize import store as store_module
from batchsize.config import RunConfig, make_config
from batchsize.integrity import InvalidRecord, read_record
from batchsize.store import COMMITTED_STORES, RunStore, default_store


@pytest.fixture
def stored(tmp_path, fake_result):
    """A store with one run and its weights."""
    config = make_config("synthetic-1k", 32, epochs=1)
    store = RunStore(tmp_path / "store")
    store.put(fake_result(config), save_weights=True)
    return store, config


class Compute:
    """A computation that counts its calls."""

    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def cached(*args, **kwargs):
    """The value `analysis_store.cached` returns, without its provenance."""
    return analysis_store.cached(*args, **kwargs)[0]


def never():
    raise AssertionError("computed although the value is kept")


def kept(store: RunStore) -> list:
    return sorted((store.root / "analyses").glob("*.json"))


def test_a_missing_value_is_computed_and_kept_and_a_kept_one_is_read(stored):
    store, config = stored
    compute = Compute({"sharpness": 0.25, "n_eval": 2000})
    value, made = analysis_store.cached(store, config, "sharpness", 1, {"epsilon": 0.1}, compute)
    assert value == compute.value
    [path] = kept(store)
    entry = analysis_store.read_entry(path)
    assert (entry["analysis"], entry["version"], entry["run"], entry["params"]) == \
        ("sharpness", 1, config.key(), {"epsilon": 0.1})
    assert entry["weights_sha256"] == hashlib.sha256(store.weights_path(config).read_bytes()).hexdigest()
    assert store.get(config)["weights_sha256"] == entry["weights_sha256"]  # the checksum its record keeps
    assert {"commit", "dirty", "timestamp", "cpu", "torch", "threads", "cpu_seconds"} == set(entry["provenance"])
    assert path.name.startswith("sharpness-") and oct(path.stat().st_mode)[-3:] == "644"
    assert made == entry["provenance"]  # what it cost, as kept
    assert analysis_store.cached(store, config, "sharpness", 1, {"epsilon": 0.1}, never) == (compute.value, made)
    assert compute.calls == 1


def test_an_analysis_of_training_itself_needs_no_weights(tmp_path):
    """A replay of a run's first updates (`analysis.first_updates`) depends on its config alone: kept with a null
    checksum for a run that has no weights, and read back."""
    store, config = RunStore(tmp_path / "store"), make_config("synthetic-1k", 32, epochs=1)
    value = {"step": [1, 2], "lr": [0.001, 0.001], "loss": [0.7, math.nan]}
    got = cached(store, config, "first_steps", 1, {"steps": 2}, Compute(value), of_weights=False)
    assert got["step"] == [1, 2] and got["loss"][0] == 0.7 and math.isnan(got["loss"][1])
    [path] = kept(store)
    assert analysis_store.read_entry(path)["weights_sha256"] is None
    assert cached(store, config, "first_steps", 1, {"steps": 2}, never, of_weights=False)["loss"][0] \
        == 0.7


def test_each_analysis_version_parameter_and_weights_file_has_its_own_value(stored):
    store, config = stored
    asked = [("sharpness", 1, {"epsilon": 0.1}), ("sharpness", 1, {"epsilon": 0.05}),
             ("sharpness", 2, {"epsilon": 0.1}), ("noise_scale", 1, {"epsilon": 0.1}),
             ("sharpness", 1, {"epsilon": 0.1, "n_eval": None})]
    for value, (name, version, params) in enumerate(asked):
        assert cached(store, config, name, version, params, Compute(value)) == value
    assert [cached(store, config, *one, never) for one in asked] == list(range(len(asked)))
    store.weights_path(config).write_bytes(b"other weights")  # trained again, say
    assert cached(store, config, "sharpness", 1, {"epsilon": 0.1}, Compute(9)) == 9
    assert len(kept(store)) == 6


def test_numbers_come_back_alike_whether_computed_or_read(stored):
    """numpy as Python, NaN and infinities as NaN (stored as null: strict JSON)."""
    store, config = stored
    value = {"b_noise": float("nan"), "big": float("inf"), "n": np.int64(800), "loss": np.array([[0.5, 1.0]]),
             "rows": [{"batch_size": 8, "variance": np.float32(0.25)}]}
    computed = cached(store, config, "noise_scale", 1, {"n_examples": None}, lambda: value)
    read = cached(store, config, "noise_scale", 1, {"n_examples": None}, never)
    for found in (computed, read):
        assert math.isnan(found["b_noise"]) and math.isnan(found["big"])
        assert found["n"] == 800 and found["loss"] == [[0.5, 1.0]] and found["rows"][0]["variance"] == 0.25
    assert "NaN" not in kept(store)[0].read_text()


DAMAGE = {
    "cut short": lambda text, other: text[: len(text) // 2],
    "not JSON": lambda text, other: "\x00\xff garbage",
    "another entry": lambda text, other: other,  # another parameter's entry copied under this name
    "a field missing": lambda text, other: text.replace('"provenance"', '"provenance_"'),
    "NaN": lambda text, other: text.replace('"value": 1', '"value": NaN'),
    "a list": lambda text, other: "[1, 2]",
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_bad_file_is_computed_again_with_one_warning_and_set_aside(stored, damage):
    store, config = stored
    cached(store, config, "sharpness", 1, {"epsilon": 0.1}, Compute(1))
    cached(store, config, "sharpness", 1, {"epsilon": 0.2}, Compute(2))
    name = analysis_store.file_name(analysis_store.identity(
        "sharpness", 1, config, analysis_store.weights_sha256(store, config), {"epsilon": 0.1}))
    path, other = store.root / "analyses" / name, next(p for p in kept(store) if p.name != name)
    bad = DAMAGE[damage](path.read_text(), other.read_text())
    path.write_text(bad)
    compute = Compute(1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cached(store, config, "sharpness", 1, {"epsilon": 0.1}, compute) == 1
    assert compute.calls == 1
    assert [str(w.message).split(":")[0] for w in caught] == [f"ignoring {path}"]
    assert "computed again" in str(caught[0].message)
    assert path.with_name(f"{name}.rejected").read_text() == bad  # kept, never lost
    assert cached(store, config, "sharpness", 1, {"epsilon": 0.1}, never) == 1


def test_a_committed_store_takes_values_only_from_a_clean_commit(tmp_path, fake_result, monkeypatch):
    """From a tree with uncommitted changes the values go to _build/analyses/<profile>/ (git ignores it); a
    committed value is read there too."""
    config = make_config("synthetic-1k", 32, epochs=1)
    store = RunStore(tmp_path / "repo" / "results" / "quick")
    monkeypatch.setattr(store_module, "git_commit", lambda: "0123456789ab")  # a record from a clean commit
    store.put(fake_result(config), save_weights=True)
    monkeypatch.setattr(analysis_store, "REPO_ROOT", tmp_path / "repo")
    monkeypatch.setattr(analysis_store, "git_commit", lambda: "0123456789ab+dirty")
    assert cached(store, config, "sharpness", 1, {}, Compute(1)) == 1
    assert not kept(store)
    [scratch] = (tmp_path / "repo" / "_build" / "analyses" / "quick").glob("*.json")
    assert analysis_store.read_entry(scratch)["provenance"]["dirty"]
    assert cached(store, config, "sharpness", 1, {}, never) == 1
    monkeypatch.setattr(analysis_store, "git_commit", lambda: "0123456789ab")
    assert cached(store, config, "sharpness", 1, {}, Compute(1)) == 1  # the scratch one is not read
    [path] = kept(store)
    assert not analysis_store.read_entry(path)["provenance"]["dirty"]
    monkeypatch.setattr(analysis_store, "git_commit", lambda: "0123456789ab+dirty")
    scratch.unlink()
    assert cached(store, config, "sharpness", 1, {}, never) == 1


@pytest.mark.parametrize("profile", COMMITTED_STORES)
def test_every_committed_analysis_is_of_a_run_and_weights_of_its_store_and_current(profile):
    """Each file of results/<profile>/analyses is an entry (named by what it holds), made at a clean commit, of a
    run whose weights the store keeps (these very weights; an analysis of training itself names none), by the
    analysis' current version: an entry of an old
    version is never read again (remove it; the book computes the new one)."""
    store, bad = default_store(profile), []
    for path in sorted((store.root / "analyses").glob("*")):
        try:
            entry = analysis_store.read_entry(path)
        except (OSError, analysis_store.InvalidEntry) as err:
            bad.append(f"{path.name}: {err}")
            continue
        record = _record(store, entry["run"])
        if record is None:
            bad.append(f"{path.name}: no run {entry['run']} in {store.root}")
            continue
        config = RunConfig.from_dict(record["config"])
        if entry["analysis"] in analysis_measures.OF_TRAINING:  # of the run's config: no weights, no checksum
            if entry["weights_sha256"] is not None:
                bad.append(f"{path.name}: {entry['analysis']} names weights, but it is not of weights")
        elif not store.weights_path(config).is_file() or \
                analysis_store.weights_sha256(store, config) != entry["weights_sha256"]:
            bad.append(f"{path.name}: not of the weights {store.weights_path(config).name} the store keeps")
        if entry["provenance"]["dirty"]:
            bad.append(f"{path.name}: made with uncommitted changes ({entry['provenance']['commit']})")
        if entry["analysis"] not in analysis_measures.ANALYSES or \
                entry["version"] != analysis_measures.ANALYSES[entry["analysis"]][0]:
            bad.append(f"{path.name}: {entry['analysis']} version {entry['version']} is not the current one")
    assert not bad, "\n".join(bad)


def _record(store: RunStore, key: str) -> dict | None:
    """The record of run `key` in `store`, if there is a valid one."""
    path = store.root / f"{key}.json"
    try:
        return read_record(path) if path.is_file() else None
    except InvalidRecord:
        return None
