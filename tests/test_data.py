import dataclasses
import gzip
import pickle

import numpy as np
import pytest
import torch

from batchsize import data
from batchsize.data import DataError, load_dataset, read_idx, stratified_subset
from batchsize.datasets import DATASETS, IdxFiles
from conftest import require_data


@pytest.fixture(autouse=True)
def fresh_cache():
    data._load_cpu.cache_clear()
    yield
    data._load_cpu.cache_clear()


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def register(monkeypatch, name: str, source) -> None:
    """Data set `name` read from `source` for this test (its registry entry otherwise unchanged)."""
    monkeypatch.setitem(DATASETS, name, dataclasses.replace(DATASETS[name], source=source))


@pytest.fixture
def tiny_mnist(tmp_path, monkeypatch):
    """A 40/20-sample data set in the official IDX .gz layout, registered with its own checksums."""
    rng = np.random.default_rng(0)
    arrays = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (40, 28, 28)),
              "train-labels-idx1-ubyte.gz": np.arange(40) % 10,
              "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (20, 28, 28)),
              "t10k-labels-idx1-ubyte.gz": np.arange(20) % 10}
    folder = tmp_path / "mnist"
    folder.mkdir()
    checksums = {}
    for name, array in arrays.items():
        raw = idx_bytes(array)
        (folder / name).write_bytes(gzip.compress(raw))
        checksums[name] = data.md5(raw)
    register(monkeypatch, "mnist", IdxFiles(folder="mnist", url="https://example.invalid/", md5=checksums,
                                            mean=0.1307, std=0.3081))
    monkeypatch.delenv("BATCHSIZE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)  # so ./data is not the repository's real data
    return tmp_path, arrays


def test_tiny_idx_files_load_normalised(tiny_mnist):
    root, arrays = tiny_mnist
    ds = load_dataset("mnist", data_dir=root)
    assert ds.x_train.shape == (40, 1, 28, 28) and ds.x_test.shape == (20, 1, 28, 28)
    expected = (arrays["train-images-idx3-ubyte.gz"][3] / 255.0 - 0.1307) / 0.3081
    assert np.allclose(ds.x_train[3, 0].numpy(), expected, atol=1e-6)
    assert ds.y_train.dtype == torch.int64 and ds.n_classes == 10


def test_corrupted_idx_file_names_the_file(tiny_mnist):
    root, _ = tiny_mnist
    path = root / "mnist" / "t10k-images-idx3-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[100] ^= 0xFF
    path.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DataError, match="t10k-images-idx3-ubyte.gz: checksum mismatch"):
        load_dataset("mnist", data_dir=root)
    assert {r["dataset"]: r["status"] for r in data.verify(root)}["mnist"] == "corrupt"


def test_missing_named_path_with_a_corrupt_file_is_corrupt_not_missing(tiny_mnist, tmp_path_factory):
    """Missing and corrupt are told apart by the error's type (`data.MissingData`), not by a word in its message:
    this test's own folder has "missing" in its name, as any path may. `sweep --skip-absent` leaves out a missing
    data set and stops at a corrupt one."""
    root, _ = tiny_mnist
    assert "missing" in str(root)
    path = root / "mnist" / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(b"not an idx file"))
    assert data.verify_one("mnist", root)["status"] == "corrupt"
    empty = tmp_path_factory.mktemp("empty")
    with pytest.raises(data.MissingData):
        data.find("mnist", empty, download=False)
    assert data.verify_one("mnist", empty)["status"] == "missing"


def test_truncated_gzip_is_a_clear_error(tiny_mnist):
    root, _ = tiny_mnist
    path = root / "mnist" / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz: corrupted or truncated"):
        read_idx(path)


def test_missing_files_say_what_where_and_how(tmp_path, monkeypatch):
    monkeypatch.delenv("BATCHSIZE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as err:
        load_dataset("mnist", data_dir=tmp_path / "nowhere")
    message = str(err.value)
    assert "train-images-idx3-ubyte.gz" in message and "--data-dir" in message and "http" in message


def test_search_order(monkeypatch, tmp_path):
    monkeypatch.setenv("BATCHSIZE_DATA", str(tmp_path / "env"))
    roots = data.search_roots(tmp_path / "cli")
    assert roots[:3] == [tmp_path / "cli", tmp_path / "env", data.Path("data")]


def write_cifar_batch(path, images: np.ndarray, labels: list[int]) -> None:
    batch = {b"batch_label": b"x", b"labels": labels, b"data": images.reshape(len(labels), 3072),
             b"filenames": [b"f"] * len(labels)}
    path.write_bytes(pickle.dumps(batch, protocol=4))


@pytest.fixture
def tiny_cifar(tmp_path, monkeypatch):
    source = DATASETS["cifar10"].source
    folder = tmp_path / source.folder
    folder.mkdir()
    rng = np.random.default_rng(1)
    checksums = {}
    for name in source.labels_md5:
        labels = [int(v) for v in rng.integers(0, 10, 20)]
        write_cifar_batch(folder / name, rng.integers(0, 256, (20, 3, 32, 32), dtype=np.uint8), labels)
        checksums[name] = data.md5(np.asarray(labels, dtype=np.uint8).tobytes())
    register(monkeypatch, "cifar10", dataclasses.replace(source, labels_md5=checksums))
    monkeypatch.delenv("BATCHSIZE_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_tiny_cifar_loads_with_jpeg_note(tiny_cifar):
    ds = load_dataset("cifar10", data_dir=tiny_cifar)
    assert ds.x_train.shape == (100, 3, 32, 32) and ds.x_test.shape == (20, 3, 32, 32)
    assert "JPEG" in ds.note  # these are not the official files


def test_cifar_corruption_and_hostile_pickles_are_refused(tiny_cifar):
    source = DATASETS["cifar10"].source
    path = tiny_cifar / source.folder / "data_batch_3"
    batch = pickle.loads(path.read_bytes())
    batch[b"labels"][0] = (batch[b"labels"][0] + 1) % 10
    path.write_bytes(pickle.dumps(batch))
    with pytest.raises(DataError, match="data_batch_3: content checksum mismatch"):
        load_dataset("cifar10", data_dir=tiny_cifar)
    path.write_bytes(pickle.dumps(print))  # a pickle that would import something other than numpy
    with pytest.raises(DataError, match="refusing to load builtins.print"):
        data.read_cifar_batch(path, source)
    path.write_bytes(b"\x80\x02}q\x00")  # truncated
    with pytest.raises(DataError, match="data_batch_3: corrupted or truncated"):
        data.read_cifar_batch(path, source)


@pytest.mark.parametrize(("name", "n_train", "n_test"), [
    ("synthetic-1k", 800, 200), ("synthetic-10k", 8_000, 2_000), ("synthetic-50k", 40_000, 10_000)])
def test_synthetic_sets_match_table_one(name, n_train, n_test):
    ds = load_dataset(name)
    assert ds.x_train.shape == (n_train, 20) and ds.x_test.shape == (n_test, 20)
    assert torch.allclose(ds.x_train.mean(0), torch.zeros(20), atol=1e-4)
    assert torch.allclose(ds.x_train.std(0), torch.ones(20), atol=1e-3)
    data._load_cpu.cache_clear()
    assert torch.equal(load_dataset(name).x_test, ds.x_test)  # deterministic


def test_stratified_subset_keeps_class_balance_and_is_seeded():
    labels = np.array([0] * 900 + [1] * 100)
    subset = stratified_subset(labels, 100, "n-train")
    assert len(subset) == 100 and (labels[subset] == 1).sum() == 10
    assert np.array_equal(subset, stratified_subset(labels, 100, "n-train"))
    with pytest.raises(data.UserError, match="exceeds"):
        stratified_subset(labels, 2_000, "n-train")


def test_cifar_augmentation_is_a_padded_crop_or_its_mirror():
    x = torch.arange(2 * 3 * 32 * 32, dtype=torch.float32).reshape(2, 3, 32, 32) + 1
    out = data.augment_cifar(x, torch.Generator().manual_seed(0))
    padded = torch.nn.functional.pad(x, (4, 4, 4, 4))
    for i in range(2):
        candidates = [padded[i, :, dy:dy + 32, dx:dx + 32] for dy in range(9) for dx in range(9)]
        assert any(torch.equal(out[i], c) or torch.equal(out[i], c.flip(2)) for c in candidates)


def test_real_mnist_when_present():
    root = require_data("mnist")
    ds = load_dataset("mnist", data_dir=root)
    assert ds.x_train.shape == (60_000, 1, 28, 28) and ds.x_test.shape == (10_000, 1, 28, 28)
    assert abs(ds.x_train.mean().item()) < 0.01 and abs(ds.x_train.std().item() - 1) < 0.01
    assert torch.bincount(ds.y_test).tolist()[:3] == [980, 1135, 1032]


def test_real_cifar10_when_present():
    root = require_data("cifar10")
    ds = load_dataset("cifar10", data_dir=root, n_train=1_000)
    assert ds.x_train.shape == (1_000, 3, 32, 32) and ds.x_test.shape == (10_000, 3, 32, 32)
    assert torch.bincount(ds.y_train).tolist() == [100] * 10  # stratified subset
    assert torch.bincount(ds.y_test).tolist() == [1_000] * 10


def test_missing_files_are_downloaded_and_verified_before_use(tiny_mnist, tmp_path, monkeypatch):
    """The download path, served from a file:// URL (no network needed): fetched, then checksum-verified."""
    root, _ = tiny_mnist
    mirror = root / "mnist"
    source = DATASETS["mnist"].source
    register(monkeypatch, "mnist", IdxFiles("mnist", mirror.as_uri() + "/", source.md5, 0.0, 1.0))
    monkeypatch.setenv("BATCHSIZE_OFFLINE", "0")
    target = tmp_path / "fresh"
    ds = load_dataset("mnist", data_dir=target)
    assert ds.x_train.shape == (40, 1, 28, 28) and (target / "mnist" / "t10k-labels-idx1-ubyte.gz").is_file()

    data._load_cpu.cache_clear()
    tampered = tmp_path / "tampered"  # a mirror serving a corrupted file
    (mirror / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"\x00\x00\x08\x01" + bytes(8)))
    with pytest.raises(DataError, match="checksum mismatch"):
        load_dataset("mnist", data_dir=tampered)
