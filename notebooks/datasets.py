# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Data sets (Table I)
#
# The paper trains on three synthetic binary problems (scikit-learn's `make_classification`: 20 features,
# 15 informative, 5 redundant, standardized, 80/20 split), MNIST and CIFAR-10 (§III-A). This chapter loads each
# set exactly as the trainer does and compares its shape with the paper's Table I; the profile's subsets
# (the `quick` and `smoke` profiles train on stratified subsets) are listed beside it.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # unused here: data sets are loaded on the CPU
seeds = None
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None
datasets = ["synthetic-1k", "synthetic-10k", "synthetic-50k", "mnist", "cifar10"]

# %% tags=["remove-input"]
import numpy as np
import pandas as pd
from IPython.display import Markdown

from batchsize import book, paper_tables, plots
from batchsize.data import load_dataset
from batchsize.plan import get_profile
from batchsize.store import git_commit

chapter = book.Chapter(["synthetic"], profile, device, seeds, data_dir, store)
prof = get_profile(chapter.profile)
loaded = {name: load_dataset(name, chapter.data_dir) for name in datasets}
source = (f"Profile **{chapter.profile}** · data from `{book.shown_path(chapter.data_dir)}` · "
          f"commit {git_commit()}.")

# %% [markdown]
# ## Table I, side by side

# %% tags=["hide-input"]
ours = pd.DataFrame([{
    "dataset": name, "train": len(d.x_train), "test": len(d.x_test), "features": int(np.prod(d.x_train.shape[1:])),
    "classes": d.n_classes, f"{chapter.profile} train subset": prof.n_train.get(name, len(d.x_train)),
    f"{chapter.profile} test subset": prof.n_test.get(name, len(d.x_test)), "note": d.note}
    for name, d in loaded.items()])
table_i = paper_tables.table_i(ours)
book.publish(book.styled(table_i.drop(columns="note")),
             f"The paper's data set sizes and ours (full sets); the `{chapter.profile}` profile trains on "
             f"the subsets in the last columns (stratified, fixed seed). {source}", table_i, "Table I")

# %% tags=["hide-input"]
notes = {n for n in table_i["note"] if n}
Markdown("\n".join(f"```{{note}}\n{n}\n```" for n in notes) or "All data sets are the official files.")

# %% [markdown]
# ## Sample images and the synthetic features
#
# Images are shown after un-normalizing; the synthetic sets are shown by their first two principal components.

# %% tags=["hide-input"]
fig, samples = plots.sample_images(loaded)
book.publish(fig, f"The first training image of each class. {source}", samples, "Sample images")

# %% tags=["hide-input"]
fig, points = plots.synthetic_features(loaded)
book.publish(fig, "Synthetic training sets (up to 2,000 points each) on their first two principal components, "
             f"coloured by class. {source}", points, "Synthetic features")
