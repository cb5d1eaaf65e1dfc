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
# **Initialisation.** Table VIII says "Kaiming uniform". That has two readings. The textbook He
# initialisation draws weights from U(±√(6/fan_in)) with zero biases (`he-uniform`); PyTorch's default layer
# initialisation, also implemented as `kaiming_uniform_` (with a = √5), draws from U(±√(1/fan_in)) and biases
# from U(±1/√fan_in) (`torch-default`), so its weights are √6 ≈ 2.4 times smaller. Under the paper's MNIST
# configuration (SGD with momentum 0.9, the linear rule's learning rate, no warmup below B = 256) and its
# CIFAR-10 configuration (Adam, linear rule), the larger initialisation meets the largest learning rates.
#
# **Precision.** bf16 mixed precision (autocast, fp32 master weights) could make the convolutional networks
# faster on a CPU with bf16 arithmetic. On a CPU without it, oneDNN emulates bf16, and it is slower.

# %% tags=["parameters"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained
seeds = 3  # paired seeds per cell
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>

# %% tags=["remove-cell"]
from IPython.display import Markdown

from batchsize import book, checks, paper, plots
from batchsize.config import DATASET_SPECS
from batchsize.plan import get_profile

init = book.Chapter(["init-check"], profile, device, seeds, data_dir, store, mix_profiles=True)
init_runs = init.table("init-check")
init_cells = checks.compare(init_runs, "init", "he-uniform", "torch-default")


def figure(runs, field: str, name: str, caption: str, cells) -> None:
    """One panel per data set: every seed's test accuracy at each B for both values of `field`."""
    datasets = list(dict.fromkeys(runs["dataset"]))
    fig, axes = plots.grid(len(datasets), width=5, height=3.8)
    for ax, dataset in zip(axes, datasets, strict=True):
        plots.seeds_by_value(runs[runs["dataset"] == dataset], field, ax=ax,
                             chance=100 / DATASET_SPECS[dataset].classes, title=book.DATASET_NAMES[dataset])
    fig.tight_layout()
    book.publish(fig, caption, cells, name, runs=runs)


def table(cells, name: str, caption: str, runs) -> None:
    book.publish(book.styled(cells), caption, cells, name, runs=runs)


# %% [markdown]
# ## Which "Kaiming uniform"?

# %%
figure(init_runs, "init", "Initialisation check",
       "Test accuracy of every run under both initialisations, at a small B and at the B where the paper's "
       "learning rate is large; dashed: chance. Reduced scale: a subset of the training set, a few epochs.",
       init_cells)

# %%
table(init_cells, "Initialisation check table",
      "Per data set and B: mean test accuracy of each initialisation, how many runs ended at chance, and the "
      "paired difference (torch-default − he-uniform) with its 95 % t interval.", init_runs)

# %%
collapsed = {v: int((init_runs[init_runs["init"] == v]["outcome"] != "trained").sum()) for v in
             ("he-uniform", "torch-default")}
chosen = get_profile("paper").init
table_iii = paper.table("III").set_index("B")["test_acc"]
trained = init_cells[init_cells["within seed spread"].notna()]  # cells where no run ended at chance
clear = trained[(trained["difference CI low"] > 0) | (trained["difference CI high"] < 0)]
clear = "; ".join(f"{book.DATASET_NAMES[d]} at B = {b}: {v:+.1f} pp [{lo:+.1f}, {hi:+.1f}]" for d, b, v, lo, hi in
                  clear[["dataset", "batch_size", "difference", "difference CI low", "difference CI high"]].to_numpy())
clear = (f"Where both trained, the paired difference (torch-default − he-uniform, 95 % interval) excludes zero at: "
         f"{clear}." if clear else "")
Markdown(f"Of {len(init_runs) // 2} runs per initialisation, **{collapsed['he-uniform']}** ended at chance under "
         f"`he-uniform` and **{collapsed['torch-default']}** under `torch-default`. The paper reports "
         f"{table_iii[128]:.2f} % on MNIST at B = 128, which a run at chance cannot be, so its networks trained: "
         f"the paper profile uses `{chosen}`. The collapse under the other reading stays a finding: the paper's "
         "learning rates leave no margin for a √6 larger initialisation. " + clear)

# %% [markdown]
# ## bf16 mixed precision

# %% tags=["remove-cell"]
precision = book.Chapter(["precision-check"], profile, device, seeds, data_dir, store, mix_profiles=True)
precision_runs = precision.table("precision-check")
precision_cells = checks.compare(precision_runs, "precision", "fp32", "bf16")
speed = precision_runs.pivot_table(index=["dataset", "batch_size"], columns="precision",
                                   values="mean_epoch_time").reset_index()
precision_cells = precision_cells.merge(speed.rename(columns={"fp32": "fp32 epoch s", "bf16": "bf16 epoch s"}),
                                        on=["dataset", "batch_size"])
precision_cells["bf16 speed-up"] = precision_cells["fp32 epoch s"] / precision_cells["bf16 epoch s"]

# %%
figure(precision_runs, "precision", "Precision check",
       "Test accuracy of every run in fp32 and in bf16 mixed precision (same seeds); dashed: chance.",
       precision_cells)

# %%
table(precision_cells, "Precision check table",
      "Per data set and B: paired difference bf16 − fp32 with its 95 % t interval, the seed spread of fp32 "
      "(standard deviation), whether the difference is within it, and the measured speed-up of bf16.",
      precision_runs)

# %%
within = precision_cells["within seed spread"]
validated = bool(within.notna().all() and within.all())
speedup = precision_cells["bf16 speed-up"]
cpus = ", ".join(sorted(precision_runs["prov_device_name"].dropna().unique()))
used = sorted(set(get_profile("paper").precision.values()) | {"fp32"})
Markdown(f"bf16 is within the seed spread of fp32 in **{int(within.fillna(False).sum())} of {len(within)}** cells "
         f"(validated: **{'yes' if validated else 'no'}**; a cell where a run ended at chance cannot validate), and "
         f"**{speedup.min():.2f}–{speedup.max():.2f}×** as fast as fp32 on the machine that made these runs "
         f"({cpus}). The paper profile runs in "
         f"{', '.join(used)}: bf16 pays only where the CPU has bf16 arithmetic (AVX512-BF16 or AMX), and even "
         "then only after this check passes.")
