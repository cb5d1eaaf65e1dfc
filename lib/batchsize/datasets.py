"""The registry of data sets: one entry holds all the code knows of a data set, and every list of data sets is
derived from here, so that adding one is an entry below plus its files.

An entry is the paper's recipe (Table II, `DatasetSpec`), where its files come from and their checksums (its
`source`, whose type picks the loader in `data`), its name and colour in the figures, the paper's table of
per-B results, the sweep section that trains it, and its size in each profile. Plain data (no torch): the
definitions layer, read by `config`, `plan`, `data`, `paper` and the figures alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

# Every B the paper profile trains (up to a data set's largest): Tables III and IV's. Table VII has no B = 16 on the
# synthetic sets; we train it there too, and the deviations page marks it ours (`paper.accuracy_table` has theirs).
PAPER_BATCH_SIZES: tuple[int, ...] = (1, 8, 16, 32, 64, 128, 256, 512, 1024)


@dataclass(frozen=True)
class DatasetSpec:
    """The paper's Table II settings for one data set, and the network that goes with it."""

    model: str
    optimizer: Literal["adam", "sgd"]
    base_lr: float
    base_batch: int
    epochs: int
    weight_decay: float = 0.0
    momentum: float = 0.0
    warmup_epochs: int = 0
    warmup_from_batch: int = 0  # warmup applies only when B >= this (MNIST: 256)
    augment: bool = False
    max_batch: int = 1024
    classes: int = 10
    name: str = ""  # what figures and captions call it (not part of any run's config)
    # Evaluate the whole training set after every k-th epoch and the last (the test set after every epoch): not
    # part of any run's config, since evaluation draws no random numbers and leaves the final summary as it is.
    train_eval_every: int = 1


@dataclass(frozen=True)
class Generated:
    """Drawn by `data.synthetic_arrays` (sklearn's make_classification, seeded): `samples` in all, split 80/20."""

    samples: int


@dataclass(frozen=True)
class IdxFiles:
    """An MNIST-style data set: four IDX files verified by the MD5 of their decompressed bytes."""

    folder: str
    url: str
    md5: dict[str, str]  # file name -> MD5 of the decompressed content
    mean: float
    std: float
    system_roots: tuple[str, ...] = ()  # where a system package installs `folder`, searched after the user's roots


@dataclass(frozen=True)
class CifarBatches:
    """CIFAR-10's pickled batches. Labels are exact in every copy, so their MD5 (as uint8 bytes) verifies each
    batch file's content; the file MD5 tells the official pickles from a re-encoded copy."""

    folder: str
    url: str
    archive_md5: str
    labels_md5: dict[str, str]  # batch file -> MD5 of its labels; the order is the files' (training, then test)
    file_md5: dict[str, str]  # batch file -> MD5 of the official file
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    system_roots: tuple[str, ...] = ()  # as `IdxFiles.system_roots`


Source = Generated | IdxFiles | CifarBatches


@dataclass(frozen=True)
class Scale:
    """How big one profile trains a data set: its batch sizes, and epochs and subsets (None: the paper's)."""

    batch_sizes: tuple[int, ...]
    epochs: int | None = None
    n_train: int | None = None
    n_test: int | None = None


@dataclass(frozen=True)
class Entry:
    """One registered data set."""

    spec: DatasetSpec
    source: Source
    # One colour in every figure, from seaborn's colorblind palette: the synthetic sets in blues and a green, the
    # image data sets in warm colours (Medium synthetic's orange was too near MNIST's vermillion).
    colour: str
    section: str = ""  # the accuracy section that trains it; "" for its own (the three synthetic sets share one)
    paper_table: str | None = None  # the paper's per-B results (`paper.table`); None: not in the paper
    scales: dict[str, Scale] = field(default_factory=dict)  # profile -> size; "paper" defaults to the paper's B

    def scale(self, profile: str) -> Scale | None:
        """Its size in `profile` (the paper's: every B of `PAPER_BATCH_SIZES` it admits, at its recipe)."""
        if profile == "paper" and profile not in self.scales:
            return Scale(tuple(b for b in PAPER_BATCH_SIZES if b <= self.spec.max_batch))
        return self.scales.get(profile)


_SYNTHETIC = DatasetSpec(model="mlp", optimizer="adam", base_lr=1e-3, base_batch=32, epochs=50, max_batch=512,
                         classes=2)
_MNIST = DatasetSpec(model="mnist_cnn", optimizer="sgd", base_lr=0.1, base_batch=256, epochs=12, weight_decay=5e-4,
                     momentum=0.9, warmup_epochs=5, warmup_from_batch=256, name="MNIST")
_IDX_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
              "t10k-labels-idx1-ubyte.gz")
# Every run trains (no warmup longer than training, >= 30 updates at the largest B); see plan.PROFILES.
_MLP_QUICK = (1, 8, 16, 32, 64, 128, 256, 512)
_CNN_SMOKE = Scale((16, 128), epochs=1, n_train=512, n_test=256)
_MNIST_QUICK = Scale((1, 8, 32, 128, 256), epochs=3, n_train=5_000)


def _synthetic(samples: int, name: str, colour: str, quick: Scale, smoke: Scale) -> Entry:
    return Entry(dataclasses.replace(_SYNTHETIC, name=name), Generated(samples), colour, section="synthetic",
                 paper_table="VII", scales={"smoke": smoke, "quick": quick})


DATASETS: dict[str, Entry] = {
    "synthetic-1k": _synthetic(1_000, "Small synthetic (1K)", "#0173B2", Scale(_MLP_QUICK, epochs=20),
                               Scale((8, 64), epochs=3)),
    "synthetic-10k": _synthetic(10_000, "Medium synthetic (10K)", "#56B4E9", Scale(_MLP_QUICK, epochs=10),
                                Scale((8, 64), epochs=3, n_train=1_000, n_test=500)),
    "synthetic-50k": _synthetic(50_000, "Large synthetic (50K)", "#029E73",
                                Scale(_MLP_QUICK, epochs=10, n_train=10_000),
                                Scale((8, 64), epochs=3, n_train=2_000, n_test=500)),
    "mnist": Entry(
        _MNIST, IdxFiles(folder="mnist", url="https://ossci-datasets.s3.amazonaws.com/mnist/", mean=0.1307,
                         std=0.3081, md5=dict(zip(_IDX_FILES, ("6bbc9ace898e44ae57da46a324031adb",
                                                               "a25bea736e30d166cdddb491f175f624",
                                                               "2646ac647ad5339dbf082846283269ea",
                                                               "27ae3e4e09519cfbb04c329615203637"), strict=True))),
        "#D55E00", paper_table="III", scales={"smoke": _CNN_SMOKE, "quick": _MNIST_QUICK}),
    "cifar10": Entry(
        DatasetSpec(model="cifar_cnn", optimizer="adam", base_lr=1e-3, base_batch=32, epochs=50, augment=True,
                    name="CIFAR-10",
                    # Its 50,000 training images took ~40 % of a paper run's CPU time when evaluated after every
                    # epoch, and only the final epoch's training accuracy enters a claim (the gap Δ).
                    train_eval_every=10),
        CifarBatches(
            folder="cifar-10-batches-py", url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
            archive_md5="c58f30108f718f92721af3b95e74349a",
            labels_md5={"data_batch_1": "30f55b79f7954f592721267e37ffcbcf",
                        "data_batch_2": "bdca50851f742064551c3fa947e975d6",
                        "data_batch_3": "23228d18cd9f4c032bb8cfa72996e3ef",
                        "data_batch_4": "61be7314d261d42101f429408af67a28",
                        "data_batch_5": "8ca6bc10f4bd0e81fba552f724423842",
                        "test_batch": "251f18ce75337ae9ca5d0dbd7ea62cf4"},
            file_md5={"data_batch_1": "c99cafc152244af753f735de768cd75f",
                      "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
                      "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
                      "data_batch_4": "634d18415352ddfa80567beed471001a",
                      "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
                      "test_batch": "40351d587109b95175f43aff81a1287e"},
            mean=(0.4914, 0.4822, 0.4465), std=(0.2470, 0.2435, 0.2616)),
        "#CC78BC", paper_table="IV",
        scales={"smoke": _CNN_SMOKE, "quick": Scale((8, 32, 64, 256), epochs=3, n_train=5_000)}),
    # Not in the paper: MNIST's recipe on harder images of the same shape (Debian's dataset-fashion-mnist package).
    "fashion-mnist": Entry(
        dataclasses.replace(_MNIST, name="Fashion-MNIST"),
        IdxFiles(folder="fashion-mnist", url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                 mean=0.2860, std=0.3530, system_roots=("/usr/share/datasets",),
                 md5=dict(zip(_IDX_FILES, ("f4a8712d7a061bf5bd6d2ca38dc4d50a", "9018921c3c673c538a1fc5bad174d6f9",
                                           "8181f5470baa50b63fa0f6fddb340f0a", "15d484375f8d13e6eb1aabb0c3f46965"),
                              strict=True))),
        "#CA9161",
        scales={"smoke": _CNN_SMOKE, "quick": _MNIST_QUICK, "paper": Scale((8, 32, 128, 256, 512, 1024))}),
}

DATASET_SPECS: dict[str, DatasetSpec] = {name: entry.spec for name, entry in DATASETS.items()}
DATASET_NAMES: dict[str, str] = {name: entry.spec.name for name, entry in DATASETS.items()}
SECTION_OF: dict[str, str] = {name: entry.section or name for name, entry in DATASETS.items()}
ACCURACY_SECTIONS: dict[str, tuple[str, ...]] = {  # section -> the data sets it trains, in registration order
    section: tuple(d for d in DATASETS if SECTION_OF[d] == section) for section in dict.fromkeys(SECTION_OF.values())}
IN_PAPER: tuple[str, ...] = tuple(d for d, entry in DATASETS.items() if entry.paper_table)
PAPER_SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(SECTION_OF[d] for d in IN_PAPER))  # the paper's experiments
SYNTHETIC: tuple[str, ...] = ACCURACY_SECTIONS["synthetic"]
SIZE_SECTION = "dataset-size"  # the large synthetic set's subsets (`plan`): B* against N
CRITICAL_SECTIONS: tuple[str, ...] = (*PAPER_SECTIONS, SIZE_SECTION)  # what Table VI and the B* ∝ N^a fit read

_POSITION: dict[str, int] = {**{entry.spec.name: i for i, entry in enumerate(DATASETS.values())},
                             **{name: i for i, name in enumerate(DATASETS)}}


def registry_position(name: str) -> int:
    """A data set's place in the registry, by its key or its display name (an unknown name after them all): the
    one order in which every table, caption and figure lists data sets; `runtable.registry_sorted` sorts a table's
    rows by it."""
    return _POSITION.get(name, len(DATASETS))


def in_registry_order(names: Iterable[str]) -> list[str]:
    """`names` (keys or display names) in the registry's order, unknown names last in their given order."""
    return sorted(names, key=registry_position)
