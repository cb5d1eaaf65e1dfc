"""One rule per constraint: the library, the notebooks' parameters and the command line reject a bad value with
the same words (they all call `constraints`)."""

import dataclasses

import pytest

import batchsize.sweep as sweep_module
from batchsize.cli import build_parser, main
from batchsize.config import FIELD_BOUNDS, FIELD_LABELS, RunConfig, UserError, make_config
from batchsize.params import check_parameters
from batchsize.plan import section_configs
from batchsize.sweep import run_sweep


@pytest.mark.parametrize("seeds", [0, -2])
def test_seeds_are_checked_by_one_rule(seeds, capsys):
    with pytest.raises(UserError) as library:
        section_configs("smoke", "synthetic", seeds)
    with pytest.raises(UserError) as parameter:
        check_parameters(seeds=seeds)
    assert main(["sweep", "--profile", "smoke", "--seeds", str(seeds)]) == 2
    message = str(library.value)
    assert message == f"seeds must be a positive integer, got {seeds}"
    assert str(parameter.value) == f"parameter seeds={seeds}: {message}"
    assert capsys.readouterr().err == f"batchsize: error: argument --seeds: {message}\n"


def test_devices_are_checked_by_one_rule_before_any_work(tmp_path, capsys):
    with pytest.raises(UserError) as library:
        run_sweep([make_config("synthetic-1k", 8, epochs=1)], tmp_path / "store", device="tpu")
    with pytest.raises(UserError) as parameter:
        check_parameters(device="tpu")
    assert main(["train", "--dataset", "synthetic-1k", "--batch-size", "8", "--device", "tpu"]) == 2
    message = str(library.value)
    assert message.startswith("unknown device 'tpu'; choose one of auto, cpu, cuda")
    assert str(parameter.value) == f"parameter device='tpu': {message}"
    assert capsys.readouterr().err == f"batchsize: error: argument --device: {message}\n"
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("profile", ["huge", 3])
def test_profiles_are_checked_by_one_rule(profile):
    with pytest.raises(UserError) as library:
        section_configs(profile, "synthetic")
    with pytest.raises(UserError) as parameter:
        check_parameters(profile=profile)
    assert str(library.value).startswith(f"unknown profile {profile!r}; choose one of smoke, quick, paper")
    assert str(parameter.value).startswith(f"parameter profile={profile!r}: unknown profile")
    assert str(parameter.value).endswith(", auto")  # a chapter may also say 'auto'


# `batchsize train`'s options that set a bounded RunConfig field (the test below checks none is missed)
TRAIN_OPTIONS = {"batch_size": "--batch-size", "epochs": "--epochs", "warmup_epochs": "--warmup-epochs",
                 "seed": "--seed", "n_train": "--n-train", "n_test": "--n-test", "base_lr": "--base-lr"}
BAD_VALUES = [(field, value) for field in TRAIN_OPTIONS for value in FIELD_BOUNDS[field].invalid() if value is not None]


def test_every_bounded_train_option_is_covered():
    options = vars(build_parser().parse_args(["train", "--dataset", "synthetic-1k", "--batch-size", "8"]))
    assert {f for f in FIELD_BOUNDS if f in options} == set(TRAIN_OPTIONS)


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=[f"{f}={v}" for f, v in BAD_VALUES])
def test_a_value_the_declared_bound_forbids_is_one_line_before_any_work(field, value, tmp_path, capsys,
                                                                          monkeypatch):
    """Values drawn from `config.FIELD_BOUNDS`: the library (however a config is made) and the command line
    reject each, in one line, before anything trains."""
    valid = make_config("synthetic-1k", 8, epochs=2)
    for make in (lambda: make_config("synthetic-1k", **{"batch_size": 8, "epochs": 2, field: value}),
                 lambda: dataclasses.replace(valid, **{field: value}),
                 lambda: RunConfig.from_dict({**valid.to_dict(), field: value})):
        with pytest.raises(UserError, match=FIELD_LABELS.get(field, field.replace("_", " "))):
            make()
    monkeypatch.setattr(sweep_module, "train", lambda *a, **k: pytest.fail("trained before the check"))
    args = {"--batch-size": "8", "--epochs": "2", TRAIN_OPTIONS[field]: str(value)}
    assert main(["train", "--dataset", "synthetic-1k", *[x for kv in args.items() for x in kv],
                 "--store", str(tmp_path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("batchsize: error:")
    assert not list(tmp_path.iterdir())


def test_a_warmup_longer_than_training_is_refused_and_the_papers_is_cut_to_the_run():
    with pytest.raises(UserError, match=r"warmup epochs \(3\) must not exceed epochs \(2\)"):
        make_config("mnist", 256, epochs=2, warmup_epochs=3)
    assert make_config("mnist", 256, epochs=2).warmup_epochs == 2  # the paper's 5 epochs, in a 2-epoch run
    assert make_config("mnist", 256, epochs=5).warmup_epochs == make_config("mnist", 256).warmup_epochs == 5
