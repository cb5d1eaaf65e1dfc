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
# # Appendix: initialisation and precision
#
# Two choices that the paper leaves open decide whether its configurations train at all on our machines, and
# how fast. Both are fields of every run's configuration (and so of its key in the store), and both are
# settled here, by paired runs — same data, batch size and seed, one field changed — before the paper-scale
# runs rely on them.
#
# **Initialisation.** Table VIII says "Kaiming uniform". That has two readings. The textbook He initialisation draws
# weights from U(±√(6/fan_in)) with zero biases (`he-uniform`); PyTorch's default layer initialisation, also
# implemented as `kaiming_uniform_` (with a = √5), draws from U(±√(1/fan_in)) and biases from U(±1/√fan_in)
# (`torch-default`), so its weights are √6 ≈ {glue:text}`init_scale:.1f` times smaller. Under the paper's MNIST
# configuration (SGD with momentum {glue:text}`mnist_momentum`, the linear rule's learning rate, no warmup below
# B = 256) and its CIFAR-10 configuration (Adam, linear rule), the larger initialisation meets the largest
# learning rates.
#
# **Precision.** bf16 mixed precision (autocast, fp32 master weights) could make the convolutional networks
# faster on a CPU with bf16 arithmetic. On a CPU without it, oneDNN emulates bf16, and it is slower.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained
seeds = 3  # paired seeds per cell
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>

# %% tags=["remove-cell"]
from IPython.display import Markdown

from batchsize import book, checks, findings, plots, summaries
from batchsize.datasets import DATASET_SPECS
from batchsize.plan import get_profile

init = book.Chapter(["init-check"], profile, device, seeds, data_dir, store)
init_runs = init.table("init-check")
init_cells = checks.compare(init_runs, "init", "he-uniform", "torch-default")
book.glue(init_scale=6 ** 0.5, mnist_momentum=DATASET_SPECS["mnist"].momentum)

# %% [markdown]
# ## Which "Kaiming uniform"?

# %% tags=["hide-input"]
book.publish(plots.seeds_by_dataset(init_runs, "init"),
             "Test accuracy of every run under both initialisations, at a small B and at the B where the paper's "
             "learning rate is large; dashed: chance. Reduced scale: a subset of the training set, a few epochs.",
             init_cells, "Initialisation check", runs=init_runs)

# %% tags=["hide-input"]
book.publish(book.styled(init_cells),
             "Per data set and B: mean test accuracy of each initialisation, how many runs ended at chance, and the "
             "paired difference (torch-default − he-uniform) with its 95 % t interval.", init_cells,
             "Initialisation check table", runs=init_runs)

# %% tags=["hide-input"]
Markdown(findings.init_check_text(init_runs, init_cells, get_profile("paper").init))

# %% [markdown]
# ## bf16 mixed precision

# %% tags=["remove-cell"]
precision = book.Chapter(["precision-check"], profile, device, seeds, data_dir, store)
precision_runs = precision.table("precision-check")
precision_cells = summaries.precision_check_cells(precision_runs)

# %% tags=["hide-input"]
book.publish(plots.seeds_by_dataset(precision_runs, "precision"),
             "Test accuracy of every run in fp32 and in bf16 mixed precision (same seeds); dashed: chance.",
             precision_cells, "Precision check", runs=precision_runs)

# %% tags=["hide-input"]
book.publish(book.styled(precision_cells),
             "Per data set and B: paired difference bf16 − fp32 with its 95 % t interval, the seed spread of fp32 "
             "(standard deviation), whether the difference is within it, and the measured speed-up of bf16.",
             precision_cells, "Precision check table", runs=precision_runs)

# %% tags=["hide-input"]
paper_precision = {d: get_profile("paper").precision_of(d) for d in ("mnist", "cifar10")}
Markdown(findings.precision_check_text(precision_cells, precision_runs, paper_precision))
