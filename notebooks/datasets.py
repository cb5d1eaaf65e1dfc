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
datasets = None  # None: the paper's data sets (the registry's); or a list of registered names

# %% tags=["remove-input"]
from batchsize import book, pages_data

chapter = book.Chapter(["synthetic"], profile, device, seeds, data_dir, store)

# %% [markdown]
# ## Table I, side by side

# %% tags=["hide-input"]
loaded, source = pages_data.data_sets(chapter, datasets)

# %% [markdown]
# ## Sample images and the synthetic features
#
# Images are shown after un-normalizing; the synthetic sets are shown by their first two principal components.

# %% tags=["hide-input"]
pages_data.data_set_pictures(loaded, source)
