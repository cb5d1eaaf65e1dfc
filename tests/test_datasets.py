"""The registry of data sets (`datasets.DATASETS`): one entry is all a data set needs, and every list of data
sets is derived from it. Fashion-MNIST proves it: registered in one entry, it has a loader with checksums, a
colour, and a section in every profile, while the paper's lists stay the paper's."""

import ast

import pandas as pd
import pytest
import torch

from batchsize import data, panels, paper
from batchsize.cli import build_parser
from batchsize.datasets import (
    DATASET_NAMES,
    DATASETS,
    IN_PAPER,
    PAPER_SECTIONS,
    SECTION_OF,
    IdxFiles,
    in_registry_order,
    registry_position,
)
from batchsize.plan import PROFILES, SECTIONS, section_configs
from conftest import REPO, require_data


def named_in(module: str, name: str) -> bool:
    """Whether `name` is a string literal (not merely a word of a docstring) of a package module's code."""
    tree = ast.parse((REPO / "lib" / "batchsize" / f"{module}.py").read_text())
    return any(isinstance(node, ast.Constant) and node.value == name for node in ast.walk(tree))


def test_fashion_mnist_is_named_in_one_place_only():
    modules = [p.stem for p in (REPO / "lib" / "batchsize").glob("*.py")]
    assert [m for m in modules if named_in(m, "fashion-mnist")] == ["datasets"]


def test_every_list_of_data_sets_is_the_registry():
    names = list(DATASETS)
    assert [row["dataset"] for row in data.verify("/nonexistent")] == names
    assert build_parser().parse_args(["train", "--dataset", names[-1], "--batch-size", "8"]).dataset == names[-1]
    colours = [panels.DATASET_COLOURS[entry.spec.name] for entry in DATASETS.values()]
    assert len(set(colours)) == len(names)  # one colour each, none shared
    assert set(SECTION_OF.values()) <= set(SECTIONS)
    for profile in PROFILES.values():
        assert set(profile.batch_sizes) == {d for d, entry in DATASETS.items() if entry.scale(profile.name)}


def test_data_sets_sort_in_the_registrys_order_by_key_or_display_name_unknown_ones_last():
    keys = list(DATASETS)
    assert in_registry_order(reversed(keys)) == keys
    assert in_registry_order(["elsewhere", keys[2], keys[0]]) == [keys[0], keys[2], "elsewhere"]
    shown = [DATASET_NAMES[k] for k in keys]
    assert in_registry_order(["unknown", *sorted(shown)]) == [*shown, "unknown"]  # not alphabetical
    table = pd.DataFrame({"dataset": [keys[-1], "other", keys[0], keys[1]]})
    ordered = table.sort_values("dataset", key=lambda s: s.map(registry_position), kind="stable")
    assert list(ordered["dataset"]) == [keys[0], keys[1], keys[-1], "other"]


def test_only_the_papers_data_sets_are_compared_with_the_paper():
    assert "fashion-mnist" not in IN_PAPER and "fashion-mnist" not in PAPER_SECTIONS
    assert paper.accuracy_table("fashion-mnist").empty  # no table of the paper's to set beside it
    for name in IN_PAPER:
        assert not paper.accuracy_table(name).empty, name
    assert set(paper.table("I")["dataset"]) == set(IN_PAPER)


def test_the_fashion_mnist_section_is_mnists_recipe():
    """Quick: MNIST's quick runs on Fashion-MNIST; paper: SGD, the linear rule, 5 warm-up epochs from B = 256,
    12 epochs, B in {8, 32, 128, 256, 512, 1024}, 3 seeds."""
    same = lambda c: {k: v for k, v in c.to_dict().items() if k != "dataset"}
    quick, mnist = section_configs("quick", "fashion-mnist"), section_configs("quick", "mnist")
    assert quick and [same(c) for c in quick] == [same(c) for c in mnist]
    assert {c.dataset for c in quick} == {"fashion-mnist"}
    full = section_configs("paper", "fashion-mnist")
    assert sorted({c.batch_size for c in full}) == [8, 32, 128, 256, 512, 1024]
    assert {c.seed for c in full} == {42, 43, 44} and len(full) == 18
    assert {(c.optimizer, c.lr_rule, c.epochs, c.n_train, c.momentum) for c in full} == {("sgd", "linear", 12, None,
                                                                                           0.9)}
    assert {c.batch_size: c.warmup_epochs for c in full} == {8: 0, 32: 0, 128: 0, 256: 5, 512: 5, 1024: 5}
    assert {c.key() for c in full}.isdisjoint(c.key() for c in section_configs("paper", "mnist"))


def test_fashion_mnist_files_are_found_where_debian_installs_them_and_verified():
    source = DATASETS["fashion-mnist"].source
    assert isinstance(source, IdxFiles) and len(source.md5) == 4 and "/usr/share/datasets" in source.system_roots
    root = require_data("fashion-mnist")
    ds = data.load_dataset("fashion-mnist", data_dir=root)
    assert ds.x_train.shape == (60_000, 1, 28, 28) and ds.x_test.shape == (10_000, 1, 28, 28)
    assert torch.bincount(ds.y_test).tolist() == [1_000] * 10
    assert abs(ds.x_train.mean().item()) < 0.01 and abs(ds.x_train.std().item() - 1) < 0.01  # its mean and std


def test_a_fashion_mnist_file_that_fails_its_checksum_is_refused(tmp_path):
    """A copy in --data-dir (searched first) whose test labels are the training labels: refused by name."""
    root = require_data("fashion-mnist")
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    for name in DATASETS["fashion-mnist"].source.md5:
        (folder / name).write_bytes((root / "fashion-mnist" / name).read_bytes())
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes((root / "fashion-mnist" / "train-labels-idx1-ubyte.gz")
                                                       .read_bytes())
    with pytest.raises(data.DataError, match="t10k-labels-idx1-ubyte.gz: checksum mismatch"):
        data.load_dataset("fashion-mnist", data_dir=tmp_path)
