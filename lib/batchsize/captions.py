"""What a caption says about the runs behind a figure or table, in the reader's words: at which scale they are
(epochs, training examples, seeds and arithmetic per data set), where they came from (device, commit), and data set
ids as the book names them. `book.publish` puts it under every figure and table; chapters quote `scale_text`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .datasets import DATASET_NAMES, IN_PAPER, registry_position
from .runtable import at_paper_scale
from .store import REPO_ROOT
from .style import counted, cpu_label, joined
from .summaries import paper_scale_datasets

SCALES = {"paper": "paper scale", "quick": "reduced scale", "smoke": "smoke-test scale"}  # a profile in reader words


def _span(values: pd.Series, noun: str) -> str:
    """'50 epochs', '1 epoch', or '10–160 epochs' where the runs differ; sizes with thousands separated."""
    low, high = int(values.min()), int(values.max())
    return counted(low, noun) if low == high else f"{low:,}–{high:,} {noun}s"


PRECISIONS = {"fp32": "fp32", "bf16": "bf16 mixed precision"}  # a run's arithmetic, as a caption names it


def seeds_text(runs: pd.DataFrame, cell: tuple[str, ...] = ("train_size", "batch_size")) -> str:
    """'3 seeds', '1 seed', or '3–5 seeds' where the cells (by default a training-set size and B) have different
    numbers."""
    per_cell = runs.groupby([c for c in cell if c in runs])["seed"].nunique()
    low, high = int(per_cell.min()), int(per_cell.max())
    return f"{low}–{high} seeds" if low != high else counted(low, "seed")


def scale_text(table: pd.DataFrame) -> str:
    """Per data set (in the registry's order), in the reader's words, at which scale the runs of `table` are:
    'paper scale: MNIST (12 epochs, 60,000 training examples, 3 seeds, fp32)', 'reduced scale: …' for the quick
    profile's subsets and shorter training, and for a paper-profile check trained for fewer epochs than the paper
    (named as a check, so that "reduced" and "paper" do not read as a contradiction; `runtable.at_paper_scale`, run
    by run, so that a table holding both names each apart); every profile of a figure that mixes them."""
    groups: dict[tuple[str, str], list[str]] = {}
    table = table.assign(short=(table["prov_profile"] == "paper") & ~at_paper_scale(table))
    for (profile, d, short), runs in sorted(table.groupby(["prov_profile", "dataset", "short"]), key=lambda item: (
            item[0][0] != "paper", item[0][2], registry_position(item[0][1]))):
        scale = SCALES["quick"] if short else SCALES.get(profile, profile)
        precision = (f", {' and '.join(PRECISIONS.get(p, p) for p in runs['precision'].unique())}"
                     if "precision" in runs else "")
        origin = f"profile `{profile}`" + (", a check shorter than the paper's runs" if short else "")
        groups.setdefault((scale, origin), []).append(
            f"{DATASET_NAMES.get(d, d)} ({_span(runs['epochs'], 'epoch')}, "
            f"{_span(runs['train_size'], 'training example')}, {seeds_text(runs)}{precision})")
    return "; ".join(f"**{scale}** ({origin}): {'; '.join(texts)}" for (scale, origin), texts in groups.items())


def shown_path(path: str | os.PathLike) -> str:
    """A folder as a page may name it: relative to the repository (`data`), never the build machine's absolute
    path, which says nothing to a reader and changes with every clone; a folder outside the repository by its
    name alone."""
    path = Path(path).absolute()
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else f"…/{path.name}"


def provenance(table: pd.DataFrame) -> str:
    """At which scale the runs behind a figure or table are (`scale_text`), their seeds, device and commit."""
    def values(column: str) -> str:
        return ", ".join(str(v) for v in sorted(table[column].dropna().unique(), key=str))

    seeds = sorted(table["seed"].unique())
    if {"epochs", "train_size"} <= set(table):
        where = scale_text(table)
    else:
        where = f"profile **{values('prov_profile')}**: " + ", ".join(
            DATASET_NAMES.get(d, d) for d in table["dataset"].unique())
    band = ("where the table or figure has an interval, it is the 95 % t interval over seeds unless the caption "
            "names another" if len(seeds) > 1 else "one seed: no interval")  # said of what has one, not of every one
    pairs = zip(table["prov_device"], table["prov_device_name"], strict=True)
    devices = ", ".join(sorted({f"{d} ({cpu_label(n)})" for d, n in pairs}))
    text = (f"Runs at {where} · seeds {', '.join(map(str, seeds))} ({band}) · device: {devices} · commit "
            f"{values('prov_commit')}.")
    if "cifar10" in set(table["dataset"]):
        text += " CIFAR-10 here is a JPEG (quality 75) copy of the official images: close to, not identical with."
    return text


def whole_ids(ids: Iterable[str]) -> re.Pattern[str]:
    """Any of `ids` where it stands whole, the longest first, never inside a longer name ('mnist' in 'fashion-mnist',
    'cifar10' in the section 'cifar10-lr'): the one boundary of both renamings of ids (`overview.reader_words` too)."""
    keys = "|".join(sorted(map(re.escape, ids), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{keys})(?![\w-])")


_DATASET_ID = whole_ids(DATASET_NAMES)


def reader_words(text: str) -> str:
    """`text` with each data set's id ('cifar10') as the book names it ('CIFAR-10'): a caption's title may be built
    from ids, which also name its CSV file."""
    return _DATASET_ID.sub(lambda m: DATASET_NAMES[m[0]], text)


def paper_squares(runs: pd.DataFrame) -> tuple[list[str], str]:
    """The data sets whose runs are at the paper's scale (`summaries.paper_scale_datasets`: full sets, its epochs),
    whose Δ alone is the paper's quantity, and a caption's words for the paper's squares drawn beside them."""
    full = [d for d in IN_PAPER if d in paper_scale_datasets(runs)]
    return full, (f"dotted squares: the paper's tables, for {joined([DATASET_NAMES[d] for d in full])} (runs at its "
                  "scale)" if full else "no run shown is at the paper's scale, so its tables are not drawn")
