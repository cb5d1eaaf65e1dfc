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
# # Loss landscape and sharpness (Figs 9–10)
#
# §IV-E draws the test loss on a 2-D filter-normalized random plane around the trained weights
# (Algorithm 1, after Li et al. {cite}`li2018`) and reports the ε-sharpness S(w, ε) = max over ‖δ‖ ≤ ε of
# L(w + δ) − L(w) with ε = 0.1: **S = 0.023 at B = 32 and 0.158 at B = 512, a 6.9× ratio** (synthetic data).
# ε-sharpness in an absolute L2 ball is not scale-invariant, so we evaluate it on one fixed evaluation set for
# every B, in float64, and set other measures beside it: Keskar et al.'s relative-box sharpness
# {cite}`keskar2017`, the Hessian's top eigenvalue and, beyond the paper, its trace. The paper does not say which
# synthetic set its pair comes from; we report all three. The paper omits CIFAR-10 landscapes; so do we by default
# (`datasets` below).

# %% tags=["parameters"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained (the analyses run on the CPU)
seeds = None  # None: the profile's number of seeds
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>
batch_sizes = None  # None: every B whose weights the profile keeps (its `weights` batch sizes)
datasets = ["synthetic-1k", "synthetic-10k", "synthetic-50k", "mnist"]
grid_points = None  # points per axis; None: 51 MLP / 21 CNN (paper), 21 MLP / 9 CNN (quick), 5 (smoke)
n_eval = None  # evaluation examples (the first of the test set); None: 2,000 MLP / 500 CNN (smoke: 256)
epsilon = 0.1  # the paper's ε

# %%
import numpy as np
import pandas as pd
import torch
from IPython.display import Markdown

from batchsize import analysis, book, paper, plots
from batchsize.landscape import filter_normalized_direction, loss_surface

sections = list(dict.fromkeys("synthetic" if d.startswith("synthetic") else d for d in datasets))
chapter = book.Chapter(sections, profile, device, seeds, data_dir, store, batch_sizes, mix_profiles=True)
runs = pd.concat([chapter.table(s) for s in sections], ignore_index=True)
every_seed = analysis.with_weights(chapter, runs[runs["dataset"].isin(datasets)])  # the sharpness: all seeds
weights = every_seed[every_seed["seed"] == every_seed["seed"].min()]  # the surfaces: one seed per B
smoke = chapter.profile == "smoke"


def points(run: pd.Series) -> int:
    if grid_points:
        return grid_points
    if smoke:
        return 5
    if run["prov_profile"] == "paper":  # a 51 × 51 CNN surface is about 45 CPU-minutes: 21 × 21 on a CPU
        return 51 if run["model"] == "mlp" else 21
    return 21 if run["model"] == "mlp" else 9


def evaluation_size(run: pd.Series) -> int:
    return n_eval or (256 if smoke else 2000 if run["model"] == "mlp" else 500)


# %% [markdown]
# ## Loss surfaces: the smallest against the largest batch size
#
# For each data set, the runs with the smallest and the largest B whose weights the store keeps (the paper:
# 32 against 512 for synthetic data, 32 against 256 for MNIST). Both surfaces use directions drawn with the same
# seed, each filter-normalized to its own network's weights.

# %%
surfaces = []
for name in datasets:
    part = weights[weights["dataset"] == name].sort_values("batch_size")
    if len(part) < 2:
        continue
    pair = [part.iloc[0], part.iloc[-1]]
    fig = plots.plt.figure(figsize=(10, 4))
    for i, run in enumerate(pair):
        model = chapter.model(run)
        x, y = chapter.eval_set(run, evaluation_size(run))
        generator = torch.Generator().manual_seed(0)
        directions = (filter_normalized_direction(model, generator), filter_normalized_direction(model, generator))
        axis = np.linspace(-1, 1, points(run))
        loss = loss_surface(model, x, y, directions, axis, axis)
        a, b = np.meshgrid(axis, axis, indexing="ij")
        surfaces.append(pd.DataFrame({"dataset": name, "batch_size": run["batch_size"], "alpha": a.ravel(),
                                      "beta": b.ravel(), "test_loss": loss.ravel()}))
        ax = fig.add_subplot(1, 2, i + 1, projection="3d")
        ax.plot_surface(a, b, np.log10(loss), cmap="viridis", linewidth=0, rasterized=True)  # 200 dpi in the SVG
        ax.set(xlabel="α", ylabel="β", zlabel="log₁₀ test loss", title=f"B = {run['batch_size']}")
    fig.suptitle(book.DATASET_NAMES[name])
    fig.tight_layout()
    data = pd.concat(surfaces[-2:])
    number = "Fig. 10" if name == "mnist" else "Fig. 9"
    book.publish(fig, f"Test loss on a filter-normalized random plane around the trained weights, "
                 f"{len(x)} test examples, {points(run)}×{points(run)} grid.", data,
                 f"{number} {name}", runs=part)

# %%
landscape = pd.concat(surfaces, ignore_index=True) if surfaces else pd.DataFrame()
if len(landscape):
    centre = landscape[(landscape["alpha"] == 0) & (landscape["beta"] == 0)].set_index(["dataset", "batch_size"])
    edge = landscape[(landscape["alpha"].abs() <= 0.5) & (landscape["beta"].abs() <= 0.5)]
    rise = (edge.groupby(["dataset", "batch_size"])["test_loss"].mean() - centre["test_loss"]).rename(
        "mean rise within |α|, |β| ≤ 0.5").reset_index()
    book.publish(book.styled(rise, 4),
                 "How fast the surface rises around the minimum: mean test loss over the inner square minus the "
                 "loss at the centre (larger: sharper).", rise, "Surface rise", runs=weights)

# %% [markdown]
# ## Sharpness: ε-sharpness (Eq. 3), Keskar et al.'s measure, and the Hessian's top eigenvalue and trace
#
# All on the same fixed evaluation set per data set, in float64. ε-sharpness is projected gradient ascent in
# the L2 ball of radius ε (20 steps, 3 restarts): a lower bound on the maximum. Beyond the paper, beside the top
# eigenvalue λ_max (the sharpest direction) we estimate the Hessian's trace (the curvature summed over all
# directions) with Hutchinson's estimator, from 100 Rademacher vectors: a minimum can be sharp in one direction
# and flat in the others, and the two need not rank the batch sizes alike.

# %%
METRICS = ("epsilon_sharpness", "keskar_sharpness", "hessian_top_eigenvalue", "hessian_trace")
LABELS = {**plots.LABELS, "hessian_trace": "Hessian trace (Hutchinson)"}
mlp = every_seed[every_seed["model"] == "mlp"]
sharp = analysis.sharpness_table(chapter, mlp, epsilon, n_eval or (256 if smoke else 2000))
fig, axes = plots.grid(4, ncols=2)
for ax, metric in zip(axes, METRICS, strict=True):
    plots.by_batch(sharp, metric, ax=ax, title=LABELS[metric])
    ax.set(ylabel=LABELS[metric], yscale="log" if (sharp[metric] > 0).all() else "linear")
axes[0].scatter(list(paper.SHARPNESS), list(paper.SHARPNESS.values()), marker="s", facecolor="none",
                edgecolor="black", label="paper (data set not stated)", zorder=5)
plots.log2_axis(axes[0], [*sharp["batch_size"], *paper.SHARPNESS])
plots.shared_legend(axes)
fig.tight_layout()
book.publish(fig, f"Sharpness against B on the synthetic sets, ε = {epsilon} (log scale where every value is "
             "positive); open squares (first panel): the paper's S(ε = 0.1) for B = 32 and 512. The data hold each "
             "trace estimate's standard error (`hessian_trace_se`).", sharp, "Sharpness", runs=mlp)

# %%
ratios = analysis.sharpness_ratios(sharp, METRICS)
ratios["metric"] = ratios["metric"].map(LABELS)
book.publish(book.styled(ratios.rename(columns={"metric": "measure"})),
             f"Sharpness of the largest over the smallest B: geometric mean over seeds with a 95% interval (Welch, "
             f"log scale; none where a value is not positive); the paper: S ratio {paper.SHARPNESS_RATIO}× for "
             "B = 512 over B = 32. The report's sharpness claims use these very numbers.", ratios,
             "Sharpness ratios", runs=mlp)
Markdown("A ratio above 1 means the large-batch solution is sharper. The paper's absolute S values depend on the "
         "evaluation set and the weights' scale, so only the ratio is compared.")

# %% [markdown]
# ### Do the trace and λ_max agree?

# %%
ranks = analysis.rank_agreement(sharp, "hessian_top_eigenvalue", "hessian_trace")
book.publish(book.styled(ranks.rename(columns={"order by hessian_top_eigenvalue": "order by top eigenvalue",
                                               "order by hessian_trace": "order by trace"})),
             "The batch sizes of each data set from the flattest to the sharpest by the seed mean of the top Hessian "
             "eigenvalue and of the Hessian trace, and Kendall's τ between the two sets of means.", ranks,
             "Trace and top eigenvalue", runs=mlp)
Markdown(analysis.rank_agreement_text(ranks, "hessian_top_eigenvalue", "hessian_trace",
                                      ("the top eigenvalue λ_max", "the Hessian trace")))
