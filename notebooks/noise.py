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
# # Gradient noise (Fig. 11)
#
# §IV-F: for each B, 20 random mini-batches, the elementwise variance of their first-layer gradients (Eq. 4),
# averaged; a log-log fit of that variance on B gives **slope {glue:text}`variance_slope` with
# R² = {glue:text}`variance_r2`**, close to the −1 of
# Var ∝ 1/B (Eq. 1). Var ∝ 1/B holds for mini-batches drawn *with* replacement; without replacement — as in a
# shuffled epoch — the variance carries a finite-population factor (N − B)/(N − 1), which matters when B is
# not small against N (the small synthetic set has N = 800 and B up to 512). We measure both samplings, and
# fit the without-replacement variance after dividing out the factor.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained (the analysis runs on the CPU)
seeds = None  # None: the profile's number of seeds
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>
batch_sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]  # where the variance is measured (≤ N)
datasets = ["synthetic-1k", "synthetic-10k", "synthetic-50k"]
n_batches = 20  # the paper's 20 mini-batches per B

# %% tags=["remove-input"]
from batchsize import analysis, book, paper, plots, summaries

chapter = book.Chapter(book.sections_of(datasets), profile, device, seeds, data_dir, store)
weights = analysis.runs_with_weights(chapter, datasets)
models = analysis.base_batch_models(weights, datasets)  # every seed's network per data set, B closest to 32
variance = analysis.variance_table(chapter, models, batch_sizes, n_batches)
book.glue(**paper.quoted())

# %% tags=["hide-input"]
book.publish(plots.variance_against_b(variance), f"Mean elementwise variance of first-layer gradients over "
             f"{n_batches} mini-batches of size B, on the training set, at the trained weights of the runs named in "
             "the data (`trained_B`, `seed`; the mean over their seeds).", variance, "Fig 11", runs=models)

# %% [markdown]
# ## The log-log fit (Eq. 5)

# %% tags=["hide-input"]
fits = summaries.variance_fits(variance)
book.publish(book.styled(fits, 3),
             f"Least-squares fit of log σ̂² on log B with a 95% t interval for the slope. The paper: slope "
             f"{paper.VARIANCE_SLOPE}, R² = {paper.VARIANCE_R2}. Without replacement the raw variance bends down "
             "as B approaches N; dividing by (N − B)/(N − 1) undoes it (B = N is left out: the factor is 0).",
             fits, "Variance fit", runs=models)
