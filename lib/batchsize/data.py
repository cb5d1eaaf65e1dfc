"""Data sets as tensors: every data set of the registry (`datasets.DATASETS`), loaded by the type of its source.

Files are read in their official layouts (IDX `.gz`, `cifar-10-batches-py/`) and verified by content
checksum before use. They are looked for in `--data-dir`, then `$BATCHSIZE_DATA`, then `./data`
(then where a system package puts them: Debian's `/usr/share/datasets` for Fashion-MNIST); where there is
network the official files are downloaded, otherwise the error says which files are missing and where to put them.
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
from .datasets import DATASETS, CifarBatches, Generated, IdxFiles, Source

DOWNLOAD_TIMEOUT_S = 10


class DataError(UserError):
    """A data file is missing, truncated or fails its checksum."""


class MissingData(DataError):
    """A data set's files are not on this machine (as against present and corrupt: `verify_one` tells them apart)."""


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


def _roots_for(source: IdxFiles | CifarBatches, data_dir: str | os.PathLike | None) -> list[Path]:
    return search_roots(data_dir) + [Path(root) for root in source.system_roots]


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

def _find_idx_folder(name: str, source: IdxFiles, data_dir: str | os.PathLike | None, download: bool) -> Path:
    roots = _roots_for(source, data_dir)
    for root in roots:
        if all((root / source.folder / f).is_file() for f in source.md5):
            return root / source.folder
    target = roots[0] / source.folder
    missing = [f for f in source.md5 if not (target / f).is_file()]
    if download and all(_download(source.url + f, target / f) for f in missing):
        return target
    raise MissingData(_missing_message(name, source.md5, source.folder, source.url, roots))


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


def _load_idx(source: IdxFiles, folder: Path) -> tuple[tuple[np.ndarray, ...], str]:
    x_train, y_train, x_test, y_test = (read_idx(folder / f, checksum) for f, checksum in source.md5.items())
    to_x = lambda a: ((a.astype(np.float32) / 255.0 - source.mean) / source.std)[:, None]
    return (to_x(x_train), y_train, to_x(x_test), y_test), ""


# ----------------------------------------------------------------------------- CIFAR-10

class _CifarUnpickler(pickle.Unpickler):
    """Admits only what the CIFAR-10 pickles contain (numpy arrays); anything else is refused."""

    ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
               ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR-10 file")
        return super().find_class(module, name)


def read_cifar_batch(path: Path, source: CifarBatches) -> tuple[np.ndarray, np.ndarray, bool]:
    """One batch file → (images N×3×32×32 uint8, labels, is_official_file); verified by label checksum."""
    try:
        raw = path.read_bytes()
        batch = _CifarUnpickler(io.BytesIO(raw), encoding="bytes").load()
        data = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
        labels = np.asarray(batch[b"labels"], dtype=np.uint8)
    except Exception as err:  # any unpickling/shape failure means the file is damaged
        raise DataError(f"{path}: corrupted or truncated CIFAR-10 batch file ({type(err).__name__}: {err}); "
                        "replace it with the official one") from None
    expected = source.labels_md5.get(path.name)
    if len(labels) != len(data) or (expected and md5(labels.tobytes()) != expected):
        raise DataError(f"{path}: content checksum mismatch (labels MD5 {md5(labels.tobytes())}, "
                        f"expected {expected}); the file is corrupted: replace it with the official one")
    return data, labels.astype(np.int64), md5(raw) == source.file_md5.get(path.name)


def _find_cifar_folder(name: str, source: CifarBatches, data_dir: str | os.PathLike | None,
                       download: bool) -> Path:
    roots = _roots_for(source, data_dir)
    for root in roots:
        if all((root / source.folder / f).is_file() for f in source.labels_md5):
            return root / source.folder
    archive = roots[0] / source.url.rsplit("/", 1)[-1]
    if download and _download(source.url, archive):
        if md5(archive.read_bytes()) != source.archive_md5:
            archive.unlink()
            raise DataError(f"downloaded {source.url} fails its checksum; try again")
        with tarfile.open(archive) as tar:
            tar.extractall(roots[0], filter="data")
        return roots[0] / source.folder
    raise MissingData(_missing_message(name, source.labels_md5, source.folder, source.url, roots))


def _load_cifar(source: CifarBatches, folder: Path) -> tuple[tuple[np.ndarray, ...], str]:
    batches = [read_cifar_batch(folder / f, source) for f in source.labels_md5]
    mean = np.array(source.mean, dtype=np.float32)[:, None, None]
    std = np.array(source.std, dtype=np.float32)[:, None, None]
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


def source_of(name: str) -> Source:
    """The registered source of data set `name` (one line naming the choices if it is unknown)."""
    if name not in DATASETS:
        raise UserError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    return DATASETS[name].source


def find(name: str, data_dir: str | os.PathLike | None = None, download: bool = True) -> Path | None:
    """The folder holding data set `name`'s verified-to-be-present files (None for generated data)."""
    source = source_of(name)
    finder = _FINDERS.get(type(source))
    return finder(name, source, data_dir, download) if finder else None


def load_dataset(name: str, data_dir: str | os.PathLike | None = None, n_train: int | None = None,
                 n_test: int | None = None, device: torch.device | str = "cpu") -> Dataset:
    """The named data set, optionally subsampled (stratified, fixed seed), as tensors on `device`."""
    return _load_cpu(name, find(name, data_dir), n_train, n_test).to(device)


@functools.lru_cache(maxsize=4)
def _load_cpu(name: str, folder: Path | None, n_train: int | None, n_test: int | None) -> Dataset:
    """Read, verify and subsample once per process; keyed by the folder the files were found in."""
    source = source_of(name)
    (x_train, y_train, x_test, y_test), note = _READERS[type(source)](source, folder)
    train = stratified_subset(y_train, n_train, "n-train")
    test = stratified_subset(y_test, n_test, "n-test")
    tensor = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    return Dataset(name, tensor(x_train[train]), tensor(y_train[train].astype(np.int64)),
                   tensor(x_test[test]), tensor(y_test[test].astype(np.int64)),
                   int(y_train.max()) + 1, note)


# Each type of source: where its files are (none for generated data), and how they are read and verified.
_FINDERS = {IdxFiles: _find_idx_folder, CifarBatches: _find_cifar_folder}
_READERS = {Generated: lambda source, _: (synthetic_arrays(source.samples), ""), IdxFiles: _load_idx,
            CifarBatches: _load_cifar}


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
    return [verify_one(name, data_dir) for name in DATASETS]


def verify_one(name: str, data_dir: str | os.PathLike | None = None) -> dict[str, str]:
    """One data set's status, as `verify` gives it: a sweep leaves out a missing one, and stops at a corrupt one."""
    source = source_of(name)
    if isinstance(source, Generated):
        return {"dataset": name, "status": "ok", "where": "generated", "detail": "make_classification"}
    try:
        folder = find(name, data_dir, download=False)
        if isinstance(source, CifarBatches):
            official = all(read_cifar_batch(folder / f, source)[2] for f in source.labels_md5)
            detail = "official files" if official else "labels verified; pixels are not the official files"
        else:
            for file, checksum in source.md5.items():
                read_idx(folder / file, checksum)
            detail = "MD5 of decompressed files verified"
    except DataError as err:
        status = "missing" if isinstance(err, MissingData) else "corrupt"
        return {"dataset": name, "status": status, "where": "", "detail": str(err)}
    return {"dataset": name, "status": "ok", "where": str(folder), "detail": detail}
