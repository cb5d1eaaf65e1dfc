"""The store serves a run's own record, weights and checkpoint, or nothing: never another run's numbers, never a
traceback, and a bad file is set aside, never lost (issue 24 §1). Property-based over what a store may hold
(synthetic configs, records made without training), and the committed stores checked file by file."""

import contextlib
import dataclasses
import json
import warnings
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from batchsize import store as store_module
from batchsize.config import RunConfig, make_config
from batchsize.data import load_dataset
from batchsize.integrity import HISTORY, PROVENANCE, PROVENANCE_OPTIONAL, SUMMARY, InvalidRecord, read_record
from batchsize.plan import SECTIONS, section_configs
from batchsize.reference import load_checkpoint, restore, start, start_or_resume, train_run
from batchsize.store import COMMITTED_STORES, RunStore, WeightsError, default_store, load_table
from batchsize.train import train

FAST = settings(max_examples=50, deadline=None)  # each property in a few seconds


@contextlib.contextmanager
def fixed_provenance():
    """The same provenance for every record written, so that hypothesis draws the same cuts of the same bytes when
    it replays an example."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "provenance", lambda profile, device, wall_time: dict(
            profile=profile, device=device, device_name="cpu", torch="2", python="3.11", commit="0123456789ab",
            wall_time=wall_time, timestamp="2026-12-05T00:00:00+00:00", host="test", threads=1, load_average=0.5))
        yield

configs = st.builds(lambda dataset, b, epochs, seed: make_config(dataset, b, epochs=epochs, seed=seed),
                    st.sampled_from(["synthetic-1k", "synthetic-10k"]), st.sampled_from([8, 16, 32, 64]),
                    st.integers(1, 3), st.integers(0, 3))
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
                           | st.sampled_from([10**400, -10**400]),  # beyond the floats: math on it overflows
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=3), max_leaves=12)


@dataclasses.dataclass
class Case:
    """A store holding one file that may be bad, in a temporary directory."""

    store: RunStore
    config: RunConfig
    path: Path
    content: bytes


def record_text(store: RunStore, config: RunConfig, fake_result, weights: bool = False) -> bytes:
    """The bytes of `config`'s record (and weights) as the store writes them."""
    store.put(fake_result(config), save_weights=weights)
    return store.record_path(config).read_bytes()


def mutated(text: bytes, data) -> bytes:
    """A record with one field (at the top, or inside config, summary, provenance or history) replaced or removed."""
    record = json.loads(text)
    parent = data.draw(st.sampled_from([record, record["config"], record["summary"], record["provenance"],
                                        record["history"][0]]))
    field = data.draw(st.sampled_from(sorted(parent)))
    if data.draw(st.booleans()):
        del parent[field]
    else:
        parent[field] = data.draw(json_values)
    return json.dumps(record).encode()  # NaN and infinities as JS tokens, which the store never writes


def read_quietly(store: RunStore, config: RunConfig) -> tuple[dict | None, list[list[str]]]:
    """The record the store serves for `config`, and the warnings of its two ways of reading (one run, all runs)."""
    messages = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record = store.get(config)
        messages.append([str(w.message) for w in caught])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = load_table(store)
        messages.append([str(w.message) for w in caught])
    assert set(table.get("key", [])) <= {config.key()}  # this run's row, or none
    return record, messages


def assert_its_own_or_nothing(case: Case, fake_result) -> None:
    """The store serves this run's record or none (with one warning naming the file); a new run stored in its place
    keeps the bad file's bytes beside it."""
    record, messages = read_quietly(case.store, case.config)
    if record is None:  # one warning, from the first reader
        assert len(messages[0]) == 1 and not messages[1], messages
        assert str(case.path) in messages[0][0] and "\n" not in messages[0][0]
    else:
        assert RunConfig.from_dict(record["config"]) == case.config and record["key"] == case.config.key()
        assert messages == [[], []]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        case.store.put(fake_result(case.config))
        assert case.store.get(case.config)["summary"] == json.loads(json.dumps(fake_result(case.config).summary))
    kept = [p.read_bytes() for p in case.store.root.glob(f"{case.path.name}.rejected*")]
    assert kept == ([] if record is not None else [case.content])


def record_file(data, store: RunStore, fake_result) -> Case:
    """A store whose record file for a config holds random JSON, random bytes, its own record cut short, another
    config's record, or its own with one field changed."""
    draw = data.draw
    config, other = draw(configs), draw(configs)
    own = record_text(store, config, fake_result)
    kind = draw(st.sampled_from(["json", "bytes", "truncated", "other", "mutated"]))
    content = {
        "json": lambda: json.dumps(draw(json_values)).encode(),
        "bytes": lambda: draw(st.binary(max_size=200)),
        "truncated": lambda: own[:draw(st.integers(0, len(own) - 1))],
        "other": lambda: record_text(RunStore(store.root / "elsewhere"), other, fake_result),
        "mutated": lambda: mutated(own, data),
    }[kind]()
    path = store.record_path(config)
    path.write_bytes(content)
    return Case(store, config, path, content)


@FAST
@given(data=st.data())
def test_whatever_a_record_file_holds_the_store_serves_its_own_run_or_nothing(data, fake_result):
    with TemporaryDirectory() as root, fixed_provenance():
        assert_its_own_or_nothing(record_file(data, RunStore(root), fake_result), fake_result)


@FAST
@given(config=configs, other=configs, kind=st.sampled_from(["bytes", "truncated", "other", "swapped", "unchecked"]),
       data=st.data())
def test_the_store_serves_a_runs_own_weights_or_a_one_line_error(config, other, kind, data, fake_result):
    """Random bytes, a cut-short file, another run's weights, two runs' files swapped, and (records older than
    checksums) a file that is not the run's model: WeightsError or this run's own tensors."""
    with TemporaryDirectory() as root:
        store = RunStore(root)
        for c in {config, other}:
            store.put(fake_result(c), save_weights=True)
        path = store.weights_path(config)
        own, others = path.read_bytes(), store.weights_path(other).read_bytes()
        if kind == "bytes":
            path.write_bytes(data.draw(st.binary(max_size=300)))
        elif kind == "truncated":
            path.write_bytes(own[:data.draw(st.integers(0, len(own) - 1))])
        elif kind in ("other", "swapped"):
            path.write_bytes(others)
            if kind == "swapped":
                store.weights_path(other).write_bytes(own)
        else:  # no checksum in the record: the file must at least be weights of the run's model
            record = json.loads(store.record_path(config).read_text())
            del record["weights_sha256"]
            store.record_path(config).write_text(json.dumps(record))
            torch.save({"weight": torch.zeros(data.draw(st.integers(1, 4)))}, path)
        content = path.read_bytes()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            intact = store.has(config, weights=True)
        assert intact == (content == own), caught
        try:
            weights = store.load_weights(config)
        except WeightsError as err:
            assert str(path) in str(err) and "\n" not in str(err) and not intact
        else:
            expected = fake_result(config).model.state_dict()
            assert weights.keys() == expected.keys() and all(torch.equal(weights[k], v) for k, v in expected.items())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            store.put(fake_result(config), save_weights=True)
        assert store.load_weights(config) and [p.read_bytes() for p in Path(root).glob(f"{path.name}.rejected*")] == (
            [] if intact else [content])


@pytest.mark.parametrize("part, field", [("summary", "test_acc"), ("config", "base_lr"), ("provenance", "wall_time")])
def test_a_number_beyond_the_floats_is_not_served(tmp_path, fake_result, part, field):
    """JSON integers have no bound; math on one beyond the floats' range raises OverflowError, so it is no number."""
    config, store = make_config("synthetic-1k", 64, epochs=1), RunStore(tmp_path)
    store.put(fake_result(config))
    record = json.loads(store.record_path(config).read_text())
    record[part][field] = 10**400
    store.record_path(config).write_text(json.dumps(record))
    with pytest.warns(UserWarning, match=f"{field!r} is 1000"):
        assert store.get(config) is None and load_table(store).empty


def checkpoint_state(config: RunConfig, epochs: int, steps_per_epoch: int) -> dict:
    """What `train_run` saves after `epochs` epochs (here the fresh run's state, with a made-up history)."""
    model, optimizer, generator = start(config, torch.device("cpu"))
    history = [dict(epoch=e, lr=config.lr, running_loss=1.0, train_loss=1.0, train_acc=50.0, test_loss=1.0,
                    test_acc=50.0, epoch_time=0.1) for e in range(1, epochs + 1)]
    return dict(key=config.key(), commits=["0123456789ab"], model=model.state_dict(), history=history,
                optimizer=optimizer.state_dict(), rng=torch.get_rng_state(), generator=generator.get_state(),
                step=epochs * steps_per_epoch)


def damaged_state(state: dict, other: dict, data) -> dict:
    """The run's own key, and one of its fields replaced: by another run's, by random data, or by a tensor of
    another shape; or the field removed."""
    field = data.draw(st.sampled_from(sorted(set(state) - {"key"})))
    how = data.draw(st.sampled_from(["other", "random", "shape", "removed"]))
    state = dict(state)
    if how == "removed":
        del state[field]
    elif how == "other":
        state[field] = other[field]
    elif how == "random":
        state[field] = data.draw(json_values)
    else:
        name = data.draw(st.sampled_from(sorted(state["model"])))
        state["model"] = {**state["model"], name: torch.zeros(3, 1)}
    return state


@FAST
@given(config=configs, other=configs, data=st.data(),
       kind=st.sampled_from(["own", "bytes", "truncated", "other", "damaged"]))
def test_a_checkpoint_resumes_its_own_run_or_the_run_starts_afresh(config, other, kind, data):
    """A checkpoint of another run, cut short, or with the run's key but another shape: one warning naming the
    file, the run starts from its initial state, and the file is kept as `.rejected`."""
    config = dataclasses.replace(config, epochs=3)
    other = dataclasses.replace(other, epochs=3, optimizer=data.draw(st.sampled_from(["adam", "sgd"])),
                                model=data.draw(st.sampled_from(["mlp", "mnist_cnn"])))
    own = checkpoint_state(config, 2, steps_per_epoch=5)
    with TemporaryDirectory() as root:
        path = Path(root) / f"{config.key()}.ckpt"
        torch.save(own, path)
        if kind == "bytes":
            path.write_bytes(data.draw(st.binary(max_size=300)))
        elif kind == "truncated":
            path.write_bytes(path.read_bytes()[:data.draw(st.integers(0, path.stat().st_size - 1))])
        elif kind == "other":
            torch.save(checkpoint_state(other, 2, steps_per_epoch=5), path)
        elif kind == "damaged":  # another model's fields: of other shapes
            other = dataclasses.replace(other, model="mnist_cnn")
            torch.save(damaged_state(own, checkpoint_state(other, 1, steps_per_epoch=7), data), path)
        content = path.read_bytes()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model, _, _, history, step, commits = start_or_resume(config, torch.device("cpu"), path, 5)
        if commits is not None:  # only a state that fits: the run's own, or one changed where nothing reads
            assert history == own["history"] and step == 10 and not caught
            assert all(torch.equal(model.state_dict()[k], v) for k, v in own["model"].items())
        else:
            assert history == [] and step == 0
            assert len(caught) == 1 and str(path) in str(caught[0].message) and "\n" not in str(caught[0].message)
            fresh = start(config, torch.device("cpu"))[0].state_dict()
            assert all(torch.equal(model.state_dict()[k], v) for k, v in fresh.items())
            assert not path.exists() and (Path(root) / f"{path.name}.rejected").read_bytes() == content


def test_a_checkpoint_with_the_runs_key_but_another_shape_costs_only_its_epochs(tmp_path):
    """Issue 24 §1: a checkpoint named for the run, holding another model's weights, gives no traceback."""
    config = make_config("synthetic-1k", 64, epochs=2)
    state = checkpoint_state(config, 1, steps_per_epoch=-(-len(load_dataset("synthetic-1k").x_train) // 64))
    state["model"] = start(dataclasses.replace(config, model="mnist_cnn"), torch.device("cpu"))[0].state_dict()
    path = tmp_path / f"{config.key()}.ckpt"
    torch.save(state, path)
    with pytest.warns(UserWarning, match=f"ignoring {path}: it does not fit the run: RuntimeError.*starts at epoch 1"):
        result = train_run(config, device="cpu", checkpoint=path)
    untimed = lambda summary: {k: v for k, v in summary.items() if k != "mean_epoch_time"}  # noqa: E731
    assert untimed(result.summary) == untimed(train_run(config, device="cpu").summary)
    assert (tmp_path / f"{path.name}.rejected").read_bytes() and not result.resumed_from


def test_records_the_trainers_write_pass_the_check_field_for_field(tmp_path):
    """The check knows every field the store writes, no more: records of both backends, one of them resumed."""
    config = make_config("synthetic-1k", 64, epochs=2)
    results = [train_run(config, device="cpu"), *train([dataclasses.replace(config, seed=1)], device="cpu")]
    results[0].resumed_from = ["0123456789ab"]
    store = RunStore(tmp_path)
    for result in results:
        store.put(result, save_weights=True)
        record = read_record(store.record_path(result.config))
        assert set(record["summary"]) == set(SUMMARY)
        assert all(set(row) == set(HISTORY) for row in record["history"])
        assert set(PROVENANCE) - set(record["provenance"]) <= PROVENANCE_OPTIONAL
    assert read_record(store.record_path(config))["provenance"]["resumed_from"] == ["0123456789ab"]


def planned_configs(profile: str) -> dict[str, RunConfig]:
    return {c.key(): c for s in SECTIONS for c in section_configs(profile, s)}


@pytest.mark.parametrize("profile", COMMITTED_STORES)
def test_every_file_of_a_committed_store_is_its_runs(profile):
    """What the book renders: every record its run's, every weights file its record's, every checkpoint resumable
    by its run. Fails naming each bad file (read only: nothing in `results/` is moved)."""
    store, bad = default_store(profile), []
    for path in sorted(store.root.glob("*.json")):
        try:
            read_record(path)
        except InvalidRecord as err:
            bad.append(f"{path.name}: {err}")
    for path in sorted(store.root.glob("*.pt")):
        try:
            config = RunConfig.from_dict(read_record(path.with_suffix(".json"))["config"])
            store.load_weights(config)
        except (InvalidRecord, OSError, WeightsError) as err:
            bad.append(f"{path.name}: {err}")
    planned = planned_configs(profile)
    for path in sorted(store.root.glob("*.ckpt")):
        if path.stem not in planned:
            bad.append(f"{path.name}: no run of the {profile} profile has this key")
            continue
        config = planned[path.stem]
        try:
            state = load_checkpoint(path, config)
            model, optimizer, generator = start(config, torch.device("cpu"))
            restore(state, config, model, optimizer, generator, state["step"] // max(1, len(state["history"])))
        except Exception as err:  # noqa: BLE001 - whatever a checkpoint does wrong, name the file
            bad.append(f"{path.name}: {type(err).__name__}: {err}")
    assert not bad, "\n".join(bad)


def test_the_committed_store_check_can_fail(tmp_path, monkeypatch, fake_result):
    """The test above names a record that is another run's."""
    a, b = make_config("synthetic-1k", 32, epochs=1), make_config("synthetic-1k", 64, epochs=1)
    store = RunStore(tmp_path)
    store.put(fake_result(a))
    store.record_path(b).write_bytes(store.record_path(a).read_bytes())
    monkeypatch.setattr(f"{__name__}.default_store", lambda profile: store)
    with pytest.raises(AssertionError, match=f"{b.key()}.json: it is the record of run {a.key()}"):
        test_every_file_of_a_committed_store_is_its_runs("quick")

