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

# %% tags=["parameters"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # unused here: data sets are loaded on the CPU
seeds = None
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None
datasets = ["synthetic-1k", "synthetic-10k", "synthetic-50k", "mnist", "cifar10"]

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown

from batchsize import book
from batchsize.data import load_dataset
from batchsize.plan import get_profile
from batchsize.store import git_commit

chapter = book.Chapter(["synthetic"], profile, device, seeds, data_dir, store)
prof = get_profile(chapter.profile)
loaded = {name: load_dataset(name, chapter.data_dir) for name in datasets}
source = f"Profile **{chapter.profile}** · data from {chapter.data_dir} · commit {git_commit()}."

# %% [markdown]
# ## Table I, side by side

# %%
paper_table_i = pd.DataFrame({
    "dataset": ["synthetic-1k", "synthetic-10k", "synthetic-50k", "mnist", "cifar10"],
    "paper train": [800, 8_000, 40_000, 60_000, 50_000], "paper test": [200, 2_000, 10_000, 10_000, 10_000],
    "paper features": [20, 20, 20, 784, 3072], "paper classes": [2, 2, 2, 10, 10]})
ours = pd.DataFrame([{
    "dataset": name, "train": len(d.x_train), "test": len(d.x_test), "features": int(np.prod(d.x_train.shape[1:])),
    "classes": d.n_classes, f"{chapter.profile} train subset": prof.n_train.get(name, len(d.x_train)),
    f"{chapter.profile} test subset": prof.n_test.get(name, len(d.x_test)), "note": d.note}
    for name, d in loaded.items()])
table_i = paper_table_i.merge(ours, on="dataset", how="right")
table_i["verdict"] = np.where(
    (table_i["paper train"] == table_i["train"]) & (table_i["paper test"] == table_i["test"])
    & (table_i["paper features"] == table_i["features"]) & (table_i["paper classes"] == table_i["classes"]),
    "reproduced", "differs")
book.publish(book.styled(table_i.drop(columns="note")),
             f"The paper's data set sizes and ours (full sets); the `{chapter.profile}` profile trains on "
             f"the subsets in the last columns (stratified, fixed seed). {source}", table_i, "Table I")

# %%
notes = {n for n in table_i["note"] if n}
Markdown("\n".join(f"```{{note}}\n{n}\n```" for n in notes) or "All data sets are the official files.")

# %% [markdown]
# ## Sample images and the synthetic features
#
# Images are shown after un-normalizing; the synthetic sets are shown by their first two principal components.

# %%
images = [name for name in datasets if loaded[name].x_train.dim() == 4]
fig, axes = plt.subplots(len(images), 10, figsize=(12, 1.4 * len(images)), squeeze=False)
for row, name in zip(axes, images, strict=True):
    d = loaded[name]
    first = [int(np.flatnonzero(d.y_train.numpy() == c)[0]) for c in range(10)]
    x = d.x_train[first].numpy()
    x = (x - x.min(axis=(1, 2, 3), keepdims=True)) / np.ptp(x, axis=(1, 2, 3), keepdims=True)
    for ax, img, label in zip(row, x, range(10), strict=True):
        ax.imshow(img.transpose(1, 2, 0).squeeze(), cmap="gray", interpolation="nearest")
        ax.set_axis_off()
        ax.set_title(f"{book.DATASET_NAMES[name]}: {label}", fontsize=7)
fig.tight_layout()
samples = pd.DataFrame([{"dataset": n, "class": c} for n in images for c in range(10)])
book.publish(fig, f"The first training image of each class. {source}", samples, "Sample images")

# %%
synthetic = [name for name in datasets if loaded[name].x_train.dim() == 2]
fig, axes = plt.subplots(1, len(synthetic), figsize=(4.2 * len(synthetic), 3.6), squeeze=False)
points = []
for ax, name in zip(axes[0], synthetic, strict=True):
    x, y = loaded[name].x_train.numpy()[:2000], loaded[name].y_train.numpy()[:2000]
    centred = x - x.mean(0)
    pcs = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T
    ax.scatter(pcs[:, 0], pcs[:, 1], c=y, s=3, cmap="coolwarm", alpha=0.6, rasterized=True)  # 6,000 dots
    ax.set(title=book.DATASET_NAMES[name], xlabel="PC 1", ylabel="PC 2")
    points.append(pd.DataFrame({"dataset": name, "pc1": pcs[:, 0], "pc2": pcs[:, 1], "label": y}))
fig.tight_layout()
book.publish(fig, "Synthetic training sets (up to 2,000 points each) on their first two principal components, "
             f"coloured by class. {source}", pd.concat(points), "Synthetic features")
