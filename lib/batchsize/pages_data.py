"""What the data sets chapter publishes: each data set as the trainer loads it beside the paper's Table I, with the
sizes a profile's runs train on, and pictures of the data themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from . import book, captions, paper_tables, pictures
from .data import load_dataset
from .datasets import DATASET_NAMES, IN_PAPER, SIZE_SECTION, registry_position
from .plan import get_profile, section_configs
from .store import git_commit
from .style import joined

if TYPE_CHECKING:
    from .book import Chapter


def data_sets(chapter: Chapter, names: list[str] | None) -> tuple[dict, str]:
    """Each data set (None: the paper's, `datasets.IN_PAPER`) loaded as the trainer loads it: its shape beside the
    paper's Table I, what the profile's accuracy runs train and test on, and the notes on its files; the caption
    names the subsets the profile's other runs train on (`runs_on`). Returns them loaded, and where they come from
    in words (for `data_set_pictures`)."""
    profile = get_profile(chapter.profile)
    loaded = {name: load_dataset(name, chapter.data_dir) for name in names or IN_PAPER}
    source = (f"Profile **{chapter.profile}** · data from `{captions.shown_path(chapter.data_dir)}` · commit "
              f"{git_commit()}.")
    trains, tests = f"trained on (profile {chapter.profile})", f"tested on (profile {chapter.profile})"
    ours = pd.DataFrame([{
        "dataset": name, "train": len(d.x_train), "test": len(d.x_test), "features": int(np.prod(d.x_train.shape[1:])),
        "classes": d.n_classes, trains: profile.n_train.get(name, len(d.x_train)),
        tests: profile.n_test.get(name, len(d.x_test)), "note": d.note} for name, d in loaded.items()])
    table_i = paper_tables.table_i(ours)
    book.publish(book.styled(table_i.drop(columns="note")),
                 f"The paper's Table I (its columns marked paper) and our data sets' full sizes, beside them; "
                 f"{runs_on(chapter.profile, table_i, trains)} {source}", table_i, "Table I")
    notes = {n for n in table_i["note"] if n}
    display(Markdown("\n".join(f"```{{note}}\n{n}\n```" for n in notes) or "All data sets are the official files."))
    return loaded, source


def runs_on(profile: str, table_i: pd.DataFrame, trains: str) -> str:
    """What the `profile` runs train on, in words: the accuracy runs' sets (the last columns: whole, or stratified
    subsets with a fixed seed), and the subsets of the training-set-size runs (B* against N), which the columns do
    not show."""
    whole = (table_i[trains] == table_i["train"]).all()
    text = (f"the `{profile}` profile's accuracy runs train and test on " + (
        "the whole sets (the last columns)" if whole else "the last columns' subsets (stratified, fixed seed)"))
    subsets = [c for c in section_configs(profile, SIZE_SECTION) if c.n_train]
    if subsets:
        named = sorted({c.dataset for c in subsets}, key=registry_position)
        text += (f"; its training-set-size runs (B* against N) train {joined([DATASET_NAMES[d] for d in named])} "
                 f"on subsets of {joined([f'{n:,}' for n in sorted({c.n_train for c in subsets})])} examples")
    return text + "."


def data_set_pictures(loaded: dict, source: str) -> None:
    """A sample image per class, and the synthetic sets on their first two principal components."""
    fig, samples = pictures.sample_images(loaded)
    book.publish(fig, f"The first training image of each class. {source}", samples, "Sample images")
    fig, points = pictures.synthetic_features(loaded)
    book.publish(fig, f"Synthetic training sets (up to {pictures.FEATURE_POINTS:,} points each) on their first two "
                 f"principal components, coloured by class. {source}", points, "Synthetic features")
