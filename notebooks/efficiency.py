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
# # Training efficiency (Figs 6–8)
#
# §IV-C and §V-E: large batches cut the time per epoch "by 10–50×" but "require 1.5–2× more epochs" to reach
# the same accuracy, so the wall-clock speedup is "typically 2–5×". We measure mean epoch time, the learning
# curves, the first epoch above 80% test accuracy (the paper's convergence criterion) and the wall-clock time
# to a target accuracy.
#
# ```{note}
# Epoch times depend on the machine: the paper's come from an RTX 6000 Ada (MNIST, CIFAR-10) and a Threadripper
# CPU (synthetic), ours from the device named in each caption — on the `quick` profile a 2-core CPU shared with
# other jobs, so timings are noisy. Ratios between batch sizes on one machine are what compare.
# ```

# %% tags=["parameters"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained
seeds = None  # None: the profile's number of seeds
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>
batch_sizes = None  # None: the profile's batch sizes
target_rule = 0.9  # target accuracy: 80% (the paper's) where two B reach it, else this × the best accuracy

# %%
import pandas as pd

from batchsize import book, paper, plots, report
from batchsize.run import ACCURACY_TARGET

chapter = book.Chapter(["synthetic", "mnist", "cifar10"], profile, device, seeds, data_dir, store, batch_sizes)
runs = pd.concat([chapter.table(s) for s in chapter.sections], ignore_index=True)
history = chapter.history(runs)
datasets = list(dict.fromkeys(runs["dataset"]))

# %% [markdown]
# ## Epoch time and learning curves, per data set

# %%
theirs = {d: paper.accuracy_table(d).assign(dataset=d).rename(columns={"epoch_time": "mean_epoch_time"})
          for d in datasets}
for figure, group in (("Fig 6", [d for d in datasets if d.startswith("synthetic")]), ("Fig 7", ["mnist"]),
                      ("Fig 8", ["cifar10"])):
    group = [d for d in group if d in datasets]
    if not group:
        continue
    fig, axes = plots.grid(2 * len(group), ncols=2)
    for i, name in enumerate(group):
        part = runs[runs["dataset"] == name]
        plots.by_batch(part, "mean_epoch_time", ax=axes[2 * i], paper=theirs[name], title=book.DATASET_NAMES[name])
        axes[2 * i].set_yscale("log")
        plots.learning_curves(history[history["dataset"] == name], "test_acc", ax=axes[2 * i + 1],
                              title=book.DATASET_NAMES[name])
    fig.tight_layout()
    data = report.mean_by_batch(runs[runs["dataset"].isin(group)])
    book.publish(fig, "Mean epoch time against B (log scale; dotted squares: the "
                 "paper, on its hardware) and test accuracy per epoch for every B.", data, figure,
                 runs=runs[runs["dataset"].isin(group)])


# %% [markdown]
# ## Epochs and wall-clock time to a target accuracy

# %%
def target_for(name: str) -> float:
    """The paper's 80% where at least two batch sizes reach it, else `target_rule` × the best accuracy seen."""
    best = runs[runs["dataset"] == name].groupby("batch_size")["best_test_acc"].mean()
    return ACCURACY_TARGET if (best > ACCURACY_TARGET).sum() >= 2 else round(target_rule * best.max(), 1)


rows = []
for key, curve in history.sort_values("epoch").groupby("key"):
    run = runs.set_index("key").loc[key]
    target = target_for(run["dataset"])
    reached = curve[curve["test_acc"] >= target]
    epoch = int(reached["epoch"].iloc[0]) if len(reached) else None
    seconds = curve["epoch_time"].cumsum()[curve["epoch"] <= epoch].iloc[-1] if epoch else None
    rows.append({"dataset": run["dataset"], "batch_size": run["batch_size"], "seed": run["seed"], "target": target,
                 "epochs_to_target": epoch, "seconds_to_target": seconds,
                 "mean_epoch_time": run["mean_epoch_time"]})
to_target = pd.DataFrame(rows)
cells = to_target.groupby(["dataset", "batch_size"]).agg(
    target=("target", "first"), epochs_to_target=("epochs_to_target", "mean"),
    seconds_to_target=("seconds_to_target", "mean"), mean_epoch_time=("mean_epoch_time", "mean")).reset_index()
fig, axes = plots.grid(2)
plots.by_batch(to_target.dropna(subset=["epochs_to_target"]), "epochs_to_target", ax=axes[0])
plots.by_batch(to_target.dropna(subset=["seconds_to_target"]), "seconds_to_target", ax=axes[1])
axes[1].set_yscale("log")
plots.shared_legend(axes)
fig.tight_layout()
book.publish(fig, "Epochs and training seconds (sum of epoch times) until the test accuracy first reaches the "
             f"target: {ACCURACY_TARGET:.0f}% where two B reach it, else {target_rule} × the best accuracy of the "
             "data set (column `target`). Missing points: never reached in the epoch budget.", cells,
             "Time to target", runs=runs)

# %% [markdown]
# ## The paper's ratios, measured
#
# For each data set: the per-epoch speedup of its largest B over its smallest, the extra epochs the largest B
# needs, and the net wall-clock speedup to the target (> 1: the large batch is faster).

# %%
ratios = []
for name, part in cells.groupby("dataset"):
    small, large = part.iloc[0], part.iloc[-1]
    ratios.append({"dataset": name, "small B": small["batch_size"], "large B": large["batch_size"],
                   "per-epoch speedup": small["mean_epoch_time"] / large["mean_epoch_time"],
                   "epochs ratio (large/small)": large["epochs_to_target"] / small["epochs_to_target"],
                   "wall-clock speedup": small["seconds_to_target"] / large["seconds_to_target"]})
ratios = pd.DataFrame(ratios)
book.publish(book.styled(ratios, na_rep="never reached"),
             f"Paper: per-epoch speedup {paper.EPOCH_SPEEDUP[0]:.0f}–{paper.EPOCH_SPEEDUP[1]:.0f}× (its B = 1 against "
             f"B ≥ 256), {paper.EXTRA_EPOCHS[0]}–{paper.EXTRA_EPOCHS[1]}× more epochs, wall-clock speedup "
             f"{paper.WALL_CLOCK_SPEEDUP[0]:.0f}–{paper.WALL_CLOCK_SPEEDUP[1]:.0f}×.", ratios, "Efficiency ratios",
             runs=runs)
