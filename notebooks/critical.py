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
# # Critical batch size (Table VI)
#
# §IV-G defines the critical batch size B* as the smallest B whose test accuracy falls more than 1 point below
# the peak, reports it with the optimal B per data set (Table VI), and concludes B* ≈ c·√N (Eq. 6). The
# exponent ½ is read off three synthetic points; we set out to fit it, with its uncertainty, over every
# training-set size the store has (the three synthetic sets plus the `dataset-size` section's subsets of the large
# set), wherever a size has a B*: what the fit found, or why there is none, is said below its figure. Like the
# paper's Table VI we count only batch sizes above the optimum (the literal rule would return B = 1 whenever
# B = 1 is under-trained); see `batchsize.critical`.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained (the noise scale is computed on the CPU)
seeds = None  # None: the profile's number of seeds
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>
batch_sizes = None  # None: the profile's batch sizes
tolerance = 1.0  # accuracy points below the peak that define B* (the paper: 1)

# %% tags=["remove-input"]
import pandas as pd
from IPython.display import Markdown

from batchsize import book, findings, pages_accuracy
from batchsize.datasets import CRITICAL_SECTIONS

chapter = book.Chapter(list(CRITICAL_SECTIONS), profile, device, seeds, data_dir, store, batch_sizes)
runs = pd.concat([chapter.table(s) for s in chapter.sections], ignore_index=True).drop_duplicates("key")

# %% [markdown]
# ## Table VI: optimal and critical batch size per data set
#
# One row per data set, on its full training set (the subsets of the large synthetic set enter only the fit
# below). The verdicts are those of the report's claims on the optimal and the critical batch size per data set,
# computed by the same code as this table. B* of the seed means can move when other seeds are drawn, so its verdict
# is graded on how often each B* comes out when the seeds are resampled (the bootstrap table below the first), by
# the rule the table's caption states: where the replicates split, the verdict is not resolved, since the seeds
# cannot tell.

# %% tags=["hide-input"]
table_vi = pages_accuracy.table_vi(runs, tolerance)

# %% [markdown]
# ## B* against N: the exponent, fitted
#
# Every synthetic training-set size the store has, the subsets of the large set included, with B* computed by the
# same rule as Table VI. In its table, `optimal b` is the B of the highest mean test accuracy (`peak acc`),
# `critical b` the B* and `critical acc` its accuracy; `critical by` says what made it critical: its accuracy
# fell more than the tolerance below the peak, or its runs failed. `failed b` and `one run b` list the batch
# sizes left out of the ranking: at least half of their runs did not train, or only one run was made; `largest b`
# is the largest B that could be B* (measured or failed, not of one run): where the row has no B*, none was found
# up to it.

# %% tags=["hide-input"]
pages_accuracy.critical_against_n(runs, tolerance)
Markdown(findings.exponent_fit_text(runs, tolerance))

# %% [markdown]
# ## Beyond the paper: the gradient noise scale
#
# McCandlish et al. {cite}`mccandlish2018` predict the batch size beyond which a larger batch stops buying
# proportionally fewer steps from the gradient's signal-to-noise ratio: the simple noise scale
# B_noise = tr Σ / |G|², with Σ the covariance of one example's gradient and G the full gradient. It is a
# statement about optimisation speed, the paper's B* one about accuracy; whether the two coincide is an empirical
# question. We estimate B_noise from per-example gradients at the trained weights of the runs at the B closest to
# 32 (every seed whose weights the store keeps), on the run's training set (all of it for the MLPs, 2,000 random
# examples for the CNNs), and set it beside B* of Table VI. Training draws its batches without replacement from N
# examples, where noise equals signal at N·B_noise/(N − 1 + B_noise) rather than at B_noise: the table gives both and
# compares the corrected one (the two differ little while B_noise ≪ N). The gradient shrinks as training converges, so
# B_noise at trained weights is at the high end of its value over training. Only a B* where accuracy fell is
# compared: a B* that Table VI has because the runs there failed (its accuracy at B* reads "failed") marks where
# the recipe stops training, not an accuracy threshold, so its row is shown and left out of the count.

# %% tags=["hide-input"]
pages_accuracy.noise_against_critical(chapter, runs, table_vi)
