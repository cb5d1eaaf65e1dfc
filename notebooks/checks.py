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
#
# **The machine.** A sweep that spans sessions trains on whichever CPU a session has, and CPUs round bf16
# arithmetic differently. Every CIFAR-10 paper run that ended at chance was trained on an Intel Xeon, so the
# last section replays the first epochs of CIFAR-10's linear-rule runs at the two largest B on another CPU.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained
seeds = 3  # paired seeds per cell
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>

# %% tags=["remove-cell"]
from batchsize import book, pages_checks
from batchsize.datasets import DATASET_SPECS

init = book.Chapter(["init-check"], profile, device, seeds, data_dir, store)
book.glue(init_scale=6 ** 0.5, mnist_momentum=DATASET_SPECS["mnist"].momentum)

# %% [markdown]
# ## Which "Kaiming uniform"?

# %% tags=["hide-input"]
pages_checks.init_check(init.table("init-check"))

# %% [markdown]
# ## bf16 mixed precision

# %% tags=["remove-cell"]
precision = book.Chapter(["precision-check"], profile, device, seeds, data_dir, store)

# %% tags=["hide-input"]
pages_checks.precision_check(precision.table("precision-check"))

# %% [markdown]
# ## Does the CPU decide which runs collapse?
#
# Each replay is its long run's configuration and seed, cut to its first epochs: the learning rate is constant
# after warm-up, and the batch order and augmentation come from the run's own generator, so on a CPU that rounds
# alike the replay must follow its run exactly. A replay that ends at chance where its run trained, or the
# reverse, says that the CPU's arithmetic decides the collapse. The same replays in fp32 ask the same of the
# precision, counted only beside a bf16 twin on the same arithmetic (one CPU, thread count and torch): a pair that
# also changes the threads changes two things.

# %% tags=["remove-cell"]
replay = book.Chapter(["replay-check", "cifar10"], profile, device, seeds, data_dir, store)

# %% tags=["hide-input"]
pages_checks.replay_check(replay)
