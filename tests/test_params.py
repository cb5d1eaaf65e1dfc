import re

import pytest
import torch

from batchsize.config import UserError
from batchsize.params import check_parameters


@pytest.fixture
def gpu(monkeypatch):
    """Pretend a CUDA device is present, so the device checks run the same on every machine."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)


def test_good_parameters_pass(gpu):
    check_parameters(profile="smoke", device="cpu", seeds=2, data_dir="data", store=None, batch_sizes=[8, 64])
    check_parameters(profile="auto", device="cuda:0")


def test_the_parameters_come_back_normalised():
    assert check_parameters(profile="smoke", seeds=2, batch_sizes=(8, 64)) == dict(
        profile="smoke", device="auto", seeds=2, data_dir=None, store=None, batch_sizes=[8, 64])
    assert check_parameters()["batch_sizes"] is None


@pytest.mark.parametrize("text", ["[8, 64]", "[8,64]", " [ 8 , 64 ] "])
def test_a_list_given_as_text_is_parsed(text):
    """`papermill -p batch_sizes '[8, 64]'` passes the text, not the list."""
    assert check_parameters(batch_sizes=text)["batch_sizes"] == [8, 64]


@pytest.mark.parametrize(("kwargs", "name"), [
    (dict(profile="huge"), "profile"), (dict(profile=3), "profile"), (dict(device="tpu"), "device"),
    (dict(seeds="3"), "seeds"), (dict(seeds=0), "seeds"), (dict(seeds=True), "seeds"),
    (dict(data_dir=5), "data_dir"), (dict(batch_sizes="8,64"), "batch_sizes"),
    (dict(batch_sizes=[8, 0]), "batch_sizes"), (dict(batch_sizes=[8.5]), "batch_sizes"),
    (dict(batch_sizes=[]), "batch_sizes"), (dict(batch_sizes="[8, 0]"), "batch_sizes"),
    (dict(batch_sizes="[8, 64"), "batch_sizes"), (dict(batch_sizes="[8.5]"), "batch_sizes"),
    (dict(batch_sizes="[]"), "batch_sizes"), (dict(batch_sizes="64"), "batch_sizes"),
    (dict(batch_sizes='"[8, 64]"'), "batch_sizes"), (dict(batch_sizes="[8,\n64"), "batch_sizes"),
])
def test_wrong_types_and_values_name_the_parameter(kwargs, name, gpu):
    with pytest.raises(UserError, match=f"parameter {name}=") as err:
        check_parameters(**kwargs)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("device", ["cuda", "cuda:0"])
def test_cuda_without_a_gpu_names_the_parameter(device, monkeypatch):
    """Not `--device cuda` (the command line's wording): the reader set a papermill parameter."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(UserError, match=re.escape(f"parameter device='{device}': no CUDA device")):
        check_parameters(device=device)
    assert check_parameters(device="auto")["device"] == "auto"


def test_the_chapter_gets_the_parsed_list(monkeypatch):
    from batchsize import book

    monkeypatch.setattr(torch, "set_num_threads", lambda n: None)  # Chapter sets it for a kernel, not for pytest
    chapter = book.Chapter(["synthetic"], profile="smoke", batch_sizes="[8, 64]")  # as `papermill -p` passes it
    assert chapter.batch_sizes == [8, 64]
    assert {c.batch_size for c in chapter.configs("synthetic")} == {8, 64}
