"""One rule per constraint: the library, the notebooks' parameters and the command line reject a bad value with
the same words (they all call `constraints`)."""

import pytest

from batchsize.cli import main
from batchsize.config import UserError, make_config
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
