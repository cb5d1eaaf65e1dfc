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
# # Test accuracy against batch size (Figs 2–4, Tables III, IV, VII)
#
# §IV-A of the paper: test accuracy as a function of B for the three synthetic sets, MNIST and CIFAR-10, each
# trained with the paper's Table II settings and the linear LR rule. Our runs come from the run store; the
# paper's values are drawn as dotted open squares and set beside ours in the tables, with a verdict per row.
# Absolute numbers are comparable only on the `paper` profile; on `quick` (subsets, fewer epochs) the
# question is whether the *shape* — where accuracy peaks and where it falls — is the same.

# %% tags=["parameters"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained
seeds = None  # None: the profile's number of seeds (42, 43, ...)
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>
batch_sizes = None  # e.g. [8, 32, 128]; None: the profile's batch sizes

# %%
import pandas as pd
from IPython.display import Markdown

from batchsize import book, paper, plots, report

chapter = book.Chapter(["synthetic", "mnist", "cifar10"], profile, device, seeds, data_dir, store, batch_sizes,
                       mix_profiles=True)
runs = {s: chapter.table(s) for s in chapter.sections}
Markdown("Rendering " + "; ".join(f"{s}: the **{chapter.profile_of(s)}** profile ({len(t)} runs, "
                                  f"{t['seed'].nunique()} seeds)" for s, t in runs.items()) + ".")

# %% [markdown]
# ## Synthetic data (Fig. 2, Table VII)
#
# ```{warning}
# The paper contradicts itself here. §IV-A says test accuracy falls from 89.5% (B = 8) to 85.0% (B = 512) on
# the 1K set, 91.0% → 88.5% on 10K and 92.5% → 90.5% on 50K, and calls the trend monotonic; its own Table VII
# gives 95.0% → 96.5%, 98.15% → 98.80% and 99.32% → 99.27% for the same runs — higher and flat. We draw
# Table VII (the only per-B numbers) and test the §IV-A drops separately in the reproduction report.
# ```

# %%
synthetic = runs["synthetic"]
vii = paper.table("VII")
fig, axes = plots.grid(3)
for ax, name in zip(axes, ["synthetic-1k", "synthetic-10k", "synthetic-50k"], strict=True):
    part = synthetic[synthetic["dataset"] == name]
    if part.empty:
        ax.remove()
        continue
    plots.by_batch(part, "test_acc", ax=ax, paper=vii[vii["dataset"] == name], title=book.DATASET_NAMES[name])
fig.tight_layout()
book.publish(fig, "Test accuracy against B for the three synthetic sets; dotted squares: the paper's "
             "Table VII.", report.mean_by_batch(synthetic), "Fig 2", runs=synthetic)


# %%
def comparison(dataset: str, name: str) -> None:
    """The paper's table beside our seed means, with verdicts."""
    table = report.compare_accuracy(runs_all, dataset, chapter.profile_of(SECTION_OF[dataset]))
    book.publish(book.styled(table, 3), f"{name}, {book.DATASET_NAMES[dataset]}: the paper's values (`paper …`) "
                 f"beside our seed means. Verdicts: within {report.ACC_TOL} pp of the paper's test accuracy (gap: "
                 f"{report.GAP_TOL} pp) reproduced, within {report.ACC_PARTLY_TOL} pp ({report.GAP_PARTLY_TOL} pp) "
                 "partly; absolute numbers are not testable off the paper profile.", table, f"{name} {dataset}",
                 runs=runs_all[runs_all["dataset"] == dataset])


runs_all = pd.concat(runs.values(), ignore_index=True)
SECTION_OF = {d: s for s, t in runs.items() for d in t["dataset"].unique()}
for name in ["synthetic-1k", "synthetic-10k", "synthetic-50k"]:
    if name in set(synthetic["dataset"]):
        comparison(name, "Table VII")

# %% [markdown]
# ## MNIST (Fig. 3, Table III)
#
# The paper reports its optimum at B = 64 (99.18%) in the text, while Table III lists 99.13% at B = 64 and its
# highest value, 99.15%, at B = 8; Table VI then gives 64 again. The table is what we compare with.

# %%
def image_chapter(dataset: str, table_name: str, figure: str) -> None:
    """Fig 3 / Fig 4: test accuracy against B beside the paper's table, then the row-by-row comparison."""
    part, name = runs[dataset], book.DATASET_NAMES[dataset]
    fig, ax = plots.grid(1, width=6.4, height=4)
    plots.by_batch(part, "test_acc", ax=ax[0], paper=paper.table(table_name.split()[-1]).assign(dataset=dataset),
                   title=name)
    book.publish(fig, f"{name} test accuracy against B; dotted squares: the paper's {table_name}.",
                 report.mean_by_batch(part), figure, runs=part)
    comparison(dataset, table_name)


image_chapter("mnist", "Table III", "Fig 3")

# %% [markdown]
# ## CIFAR-10 (Fig. 4, Table IV)
#
# ```{note}
# The CIFAR-10 copy on this project's machines is JPEG-compressed (quality 75; labels exact, pixels lossy), so
# our CIFAR-10 numbers are close to, not identical with, runs on the official files.
# ```
# The paper's collapse at B ≥ 256 coincides with Adam learning rates of 0.008–0.032 from the linear rule; the
# [learning-rate chapter](lr_scaling.py) tests whether the rule, not the batch size, causes it.

# %%
image_chapter("cifar10", "Table IV", "Fig 4")

# %% [markdown]
# ## Where does accuracy peak?

# %%
peaks = report.mean_by_batch(runs_all).sort_values("test_acc", ascending=False).groupby("dataset").head(1)
peaks = peaks[["dataset", "batch_size", "test_acc"]].rename(columns={"batch_size": "best B (ours)"})
peaks = peaks.merge(paper.table("VI")[["dataset", "optimal_B"]].rename(columns={"optimal_B": "optimal B (paper)"}),
                    on="dataset", how="left")
book.publish(book.styled(peaks),
             "The batch size with the highest mean test accuracy per data set, beside the paper's Table VI.",
             peaks, "Best batch size", runs=runs_all)
