"""Data sets as tensors: the paper's synthetic sets, MNIST, Fashion-MNIST and CIFAR-10.

Files are read in their official layouts (IDX `.gz`, `cifar-10-batches-py/`) and verified by content
checksum before use. They are looked for in `--data-dir`, then `$BATCHSIZE_DATA`, then `./data`
(and Debian's `/usr/share/datasets` for Fashion-MNIST); where there is network the official files are
downloaded, otherwise the error says which files are missing and where to put them.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import os
import pickle
import tarfile
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from .config import DATA_SEED, UserError

SYNTHETIC_SIZES = {"synthetic-1k": 1_000, "synthetic-10k": 10_000, "synthetic-50k": 50_000}
DATASETS = (*SYNTHETIC_SIZES, "mnist", "fashion-mnist", "cifar10")
DOWNLOAD_TIMEOUT_S = 10


class DataError(UserError):
    """A data file is missing, truncated or fails its checksum."""


@dataclass(frozen=True)
class IdxSource:
    """An MNIST-style data set: four IDX files verified by the MD5 of their decompressed bytes."""

    folder: str
    url: str
    md5: dict[str, str]  # file name -> MD5 of the decompressed content
    mean: float
    std: float


IDX_SOURCES = {
    "mnist": IdxSource(
        folder="mnist", url="https://ossci-datasets.s3.amazonaws.com/mnist/", mean=0.1307, std=0.3081,
        md5={"train-images-idx3-ubyte.gz": "6bbc9ace898e44ae57da46a324031adb",
             "train-labels-idx1-ubyte.gz": "a25bea736e30d166cdddb491f175f624",
             "t10k-images-idx3-ubyte.gz": "2646ac647ad5339dbf082846283269ea",
             "t10k-labels-idx1-ubyte.gz": "27ae3e4e09519cfbb04c329615203637"}),
    "fashion-mnist": IdxSource(
        folder="fashion-mnist", url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        mean=0.2860, std=0.3530,
        md5={"train-images-idx3-ubyte.gz": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
             "train-labels-idx1-ubyte.gz": "9018921c3c673c538a1fc5bad174d6f9",
             "t10k-images-idx3-ubyte.gz": "8181f5470baa50b63fa0f6fddb340f0a",
             "t10k-labels-idx1-ubyte.gz": "15d484375f8d13e6eb1aabb0c3f46965"}),
}

CIFAR_FOLDER = "cifar-10-batches-py"
CIFAR_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR_TAR_MD5 = "c58f30108f718f92721af3b95e74349a"
CIFAR_BATCHES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
# Labels are exact in every copy, so their MD5 (as uint8 bytes) verifies each batch file's content;
# the file MD5 tells the official pickles from the JPEG-compressed copy these machines carry.
CIFAR_LABELS_MD5 = {
    "data_batch_1": "30f55b79f7954f592721267e37ffcbcf", "data_batch_2": "bdca50851f742064551c3fa947e975d6",
    "data_batch_3": "23228d18cd9f4c032bb8cfa72996e3ef", "data_batch_4": "61be7314d261d42101f429408af67a28",
    "data_batch_5": "8ca6bc10f4bd0e81fba552f724423842", "test_batch": "251f18ce75337ae9ca5d0dbd7ea62cf4",
}
CIFAR_OFFICIAL_FILE_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f", "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751", "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb", "test_batch": "40351d587109b95175f43aff81a1287e",
}
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2470, 0.2435, 0.2616)


@dataclass(frozen=True)
class Dataset:
    """Train and test tensors (inputs normalised, float32; labels int64) on one device."""

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    n_classes: int
    note: str = ""  # e.g. that the CIFAR-10 pixels are a JPEG copy

    def to(self, device: torch.device | str) -> Dataset:
        move = lambda t: t.to(device, non_blocking=True)
        return Dataset(self.name, move(self.x_train), move(self.y_train), move(self.x_test),
                       move(self.y_test), self.n_classes, self.note)


# ----------------------------------------------------------------------------- locating files

def search_roots(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Where data is looked for, in order: --data-dir, $BATCHSIZE_DATA, ./data."""
    candidates = [data_dir, os.environ.get("BATCHSIZE_DATA"), "data"]
    return [Path(c).expanduser() for c in candidates if c]


def _roots_for(name: str, data_dir: str | os.PathLike | None) -> list[Path]:
    roots = search_roots(data_dir)
    if name == "fashion-mnist":
        roots.append(Path("/usr/share/datasets"))  # Debian's dataset-fashion-mnist package
    return roots


def _missing_message(name: str, files: Iterable[str], folder: str, source: str, roots: list[Path]) -> str:
    looked = ", ".join(str(r / folder) for r in roots)
    return (f"{name}: missing {', '.join(files)} (looked in {looked}). Download them from {source} into "
            f"DIR/{folder}/ and pass --data-dir DIR (or set BATCHSIZE_DATA=DIR)")


def _download_allowed() -> bool:
    return os.environ.get("BATCHSIZE_OFFLINE", "") not in ("1", "true", "yes")


def _download(url: str, dest: Path) -> bool:
    """Fetch url to dest atomically; False when there is no network (the caller then explains)."""
    if not _download_allowed():
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response, open(tmp, "wb") as out:
            out.write(response.read())
    except OSError:
        tmp.unlink(missing_ok=True)
        return False
    os.replace(tmp, dest)
    return True


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


# ----------------------------------------------------------------------------- IDX (MNIST, Fashion-MNIST)

def _find_idx_folder(name: str, data_dir: str | os.PathLike | None, download: bool = True) -> Path:
    source = IDX_SOURCES[name]
    roots = _roots_for(name, data_dir)
    for root in roots:
        if all((root / source.folder / f).is_file() for f in source.md5):
            return root / source.folder
    target = roots[0] / source.folder
    missing = [f for f in source.md5 if not (target / f).is_file()]
    if download and all(_download(source.url + f, target / f) for f in missing):
        return target
    raise DataError(_missing_message(name, source.md5, source.folder, source.url, roots))


def read_idx(path: Path, expected_md5: str | None = None) -> np.ndarray:
    """Decompress and parse one IDX file, checking the MD5 of the decompressed bytes first."""
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise DataError(f"{path}: corrupted or truncated gzip file ({err}); delete it and download it again") \
            from None
    if expected_md5 is not None and md5(raw) != expected_md5:
        raise DataError(f"{path}: checksum mismatch (MD5 of decompressed content is {md5(raw)}, "
                        f"expected {expected_md5}); the file is corrupted: replace it with the official one")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if raw[:3] != b"\x00\x00\x08" or data.size != int(np.prod(shape)):
        raise DataError(f"{path}: not a valid IDX file of unsigned bytes")
    return data.reshape(shape)


def _load_idx(name: str, folder: Path) -> tuple[np.ndarray, ...]:
    source = IDX_SOURCES[name]
    arrays = [read_idx(folder / f, checksum) for f, checksum in source.md5.items()]
    x_train, y_train, x_test, y_test = arrays
    to_x = lambda a: ((a.astype(np.float32) / 255.0 - source.mean) / source.std)[:, None]
    return to_x(x_train), y_train, to_x(x_test), y_test


# ----------------------------------------------------------------------------- CIFAR-10

class _CifarUnpickler(pickle.Unpickler):
    """Admits only what the CIFAR-10 pickles contain (numpy arrays); anything else is refused."""

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
               ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR-10 file")
        return super().find_class(module, name)


def read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray, bool]:
    """One batch file → (images N×3×32×32 uint8, labels, is_official_file); verified by label checksum."""
    try:
        raw = path.read_bytes()
        batch = _CifarUnpickler(io.BytesIO(raw), encoding="bytes").load()
        data = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
        labels = np.asarray(batch[b"labels"], dtype=np.uint8)
    except Exception as err:  # any unpickling/shape failure means the file is damaged
        raise DataError(f"{path}: corrupted or truncated CIFAR-10 batch file ({type(err).__name__}: {err}); "
                        "replace it with the official one") from None
    expected = CIFAR_LABELS_MD5.get(path.name)
    if len(labels) != len(data) or (expected and md5(labels.tobytes()) != expected):
        raise DataError(f"{path}: content checksum mismatch (labels MD5 {md5(labels.tobytes())}, "
                        f"expected {expected}); the file is corrupted: replace it with the official one")
    return data, labels.astype(np.int64), md5(raw) == CIFAR_OFFICIAL_FILE_MD5.get(path.name)


def _find_cifar_folder(data_dir: str | os.PathLike | None, download: bool = True) -> Path:
    roots = _roots_for("cifar10", data_dir)
    for root in roots:
        if all((root / CIFAR_FOLDER / f).is_file() for f in CIFAR_BATCHES):
            return root / CIFAR_FOLDER
    archive = roots[0] / "cifar-10-python.tar.gz"
    if download and _download(CIFAR_URL, archive):
        if md5(archive.read_bytes()) != CIFAR_TAR_MD5:
            archive.unlink()
            raise DataError(f"downloaded {CIFAR_URL} fails its checksum; try again")
        with tarfile.open(archive) as tar:
            tar.extractall(roots[0], filter="data")
        return roots[0] / CIFAR_FOLDER
    raise DataError(_missing_message("cifar10", CIFAR_BATCHES, CIFAR_FOLDER, CIFAR_URL, roots))


def _load_cifar(folder: Path) -> tuple[tuple[np.ndarray, ...], str]:
    batches = [read_cifar_batch(folder / f) for f in CIFAR_BATCHES]
    mean = np.array(CIFAR_MEAN, dtype=np.float32)[:, None, None]
    std = np.array(CIFAR_STD, dtype=np.float32)[:, None, None]
    to_x = lambda a: (a.astype(np.float32) / 255.0 - mean) / std
    x_train = to_x(np.concatenate([b[0] for b in batches[:5]]))
    y_train = np.concatenate([b[1] for b in batches[:5]])
    official = all(b[2] for b in batches)
    note = "" if official else ("CIFAR-10 pixels here are a JPEG (quality 75) copy of the official images "
                                "(labels exact); results are close to, not identical with, official CIFAR-10.")
    return (x_train, y_train, to_x(batches[5][0]), batches[5][1]), note


# ----------------------------------------------------------------------------- synthetic

def synthetic_arrays(n_samples: int) -> tuple[np.ndarray, ...]:
    """make_classification (20 features: 15 informative, 5 redundant, 2 classes), 80/20 split, scaled."""
    x, y = make_classification(n_samples=n_samples, n_features=20, n_informative=15, n_redundant=5,
                               n_classes=2, random_state=DATA_SEED)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=DATA_SEED)
    scaler = StandardScaler().fit(x_train)
    as_x = lambda a: scaler.transform(a).astype(np.float32)
    return as_x(x_train), y_train, as_x(x_test), y_test


# ----------------------------------------------------------------------------- public API

def stratified_subset(labels: np.ndarray, n: int | None, what: str) -> np.ndarray:
    """Indices of a class-stratified subset of size n (fixed seed), or of everything when n is None."""
    everything = np.arange(len(labels))
    if n is None or n == len(labels):
        return everything
    if n > len(labels):
        raise UserError(f"{what} of {n} exceeds the {len(labels)} samples available")
    subset, _ = train_test_split(everything, train_size=n, stratify=labels, random_state=DATA_SEED)
    return np.sort(subset)


def load_dataset(name: str, data_dir: str | os.PathLike | None = None, n_train: int | None = None,
                 n_test: int | None = None, device: torch.device | str = "cpu") -> Dataset:
    """The named data set, optionally subsampled (stratified, fixed seed), as tensors on `device`."""
    if name in SYNTHETIC_SIZES:
        folder = None
    elif name in IDX_SOURCES:
        folder = _find_idx_folder(name, data_dir)
    elif name == "cifar10":
        folder = _find_cifar_folder(data_dir)
    else:
        raise UserError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    return _load_cpu(name, folder, n_train, n_test).to(device)


@functools.lru_cache(maxsize=4)
def _load_cpu(name: str, folder: Path | None, n_train: int | None, n_test: int | None) -> Dataset:
    """Read, verify and subsample once per process; keyed by the folder the files were found in."""
    note = ""
    if folder is None:
        arrays = synthetic_arrays(SYNTHETIC_SIZES[name])
    elif name == "cifar10":
        arrays, note = _load_cifar(folder)
    else:
        arrays = _load_idx(name, folder)
    x_train, y_train, x_test, y_test = arrays
    train = stratified_subset(y_train, n_train, "n-train")
    test = stratified_subset(y_test, n_test, "n-test")
    tensor = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    return Dataset(name, tensor(x_train[train]), tensor(y_train[train].astype(np.int64)),
                   tensor(x_test[test]), tensor(y_test[test].astype(np.int64)),
                   int(y_train.max()) + 1, note)


def augment_cifar(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random 32×32 crop after 4-pixel zero padding and a random horizontal flip, per image, on x's device."""
    n, c, h, w = x.shape
    padded = torch.nn.functional.pad(x, (4, 4, 4, 4))
    dy = torch.randint(0, 9, (n, 1), device=x.device, generator=generator)
    dx = torch.randint(0, 9, (n, 1), device=x.device, generator=generator)
    rows = (dy + torch.arange(h, device=x.device))[:, None, :, None]
    cols = (dx + torch.arange(w, device=x.device))[:, None, None, :]
    batch = torch.arange(n, device=x.device)[:, None, None, None]
    channel = torch.arange(c, device=x.device)[None, :, None, None]
    cropped = padded[batch, channel, rows, cols]
    flip = torch.rand(n, device=x.device, generator=generator) < 0.5
    return torch.where(flip[:, None, None, None], cropped.flip(3), cropped)


def verify(data_dir: str | os.PathLike | None = None) -> list[dict[str, str]]:
    """Status of every data set: ok, missing or corrupt, with where it was found and why (never downloads)."""
    return [_verify_one(name, data_dir) for name in DATASETS]


def _verify_one(name: str, data_dir: str | os.PathLike | None) -> dict[str, str]:
    if name in SYNTHETIC_SIZES:
        return {"dataset": name, "status": "ok", "where": "generated", "detail": "make_classification"}
    try:
        if name == "cifar10":
            folder = _find_cifar_folder(data_dir, download=False)
            official = all(read_cifar_batch(folder / f)[2] for f in CIFAR_BATCHES)
            detail = "official files" if official else "labels verified; pixels are not the official files"
        else:
            folder = _find_idx_folder(name, data_dir, download=False)
            for file, checksum in IDX_SOURCES[name].md5.items():
                read_idx(folder / file, checksum)
            detail = "MD5 of decompressed files verified"
    except DataError as err:
        status = "missing" if "missing" in str(err) else "corrupt"
        return {"dataset": name, "status": status, "where": "", "detail": str(err)}
    return {"dataset": name, "status": "ok", "where": str(folder), "detail": detail}
