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
# exponent ½ is read off three synthetic points; we fit it, with its uncertainty, over every training-set size
# the store has: the three synthetic sets plus the `dataset-size` section's subsets of the large set. Like the
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
from IPython.display import Markdown, display
from scipy import stats

from batchsize import analysis, book, findings, paper, paper_tables, plots, runtable, summaries
from batchsize.critical import bootstrap_critical
from batchsize.datasets import PAPER_SECTIONS

chapter = book.Chapter([*PAPER_SECTIONS, "dataset-size"], profile, device, seeds, data_dir, store, batch_sizes)
runs = pd.concat([chapter.table(s) for s in chapter.sections], ignore_index=True).drop_duplicates("key")

# %% [markdown]
# ## Table VI: optimal and critical batch size per data set
#
# One row per data set, on its full training set (the subsets of the large synthetic set enter only the fit
# below). The verdicts are those of the report's `table-vi` claims, from the same function
# (`paper_tables.table_vi`).

# %% tags=["hide-input"]
table_vi = paper_tables.table_vi(runs, tolerance)
full = runtable.full_size(runs)
book.publish(book.styled(paper_tables.table_vi_shown(table_vi)),
             f"Optimal B (highest mean test accuracy) and B* (smallest B above it more than {tolerance:g} point below "
             "the peak, or whose runs failed; — where none is) per data set, ours / the paper's Table VI. The "
             "paper's N counts the whole synthetic set (train + test); ours, the training examples. A verdict is "
             "reproduced when our B equals the paper's, and given only at paper scale (reduced-scale runs train on "
             "subsets). Not counted: batch sizes where at least half the runs did not train (failed) or only one "
             "run was made; neither can be the optimum. Seeds: the fewest runs of any batch size. The CSV has every "
             "column.", table_vi, "Table VI", runs=full)

# %% tags=["hide-input"]
if full["seed"].nunique() > 1:
    spread = bootstrap_critical(full, tolerance, by=("dataset", "train_size"))
    book.publish(book.styled(spread, 3),
                 "How often each B* of Table VI comes out when the seeds of every cell are resampled (1,000 "
                 "bootstrap replicates).", spread, "B* bootstrap", runs=full)
else:
    display(Markdown("With one seed per configuration B* has no bootstrap spread; the `paper` profile has three "
                     "seeds."))

# %% [markdown]
# ## B* against N: the exponent, fitted
#
# Every synthetic training-set size the store has, the subsets of the large set included, with B* computed by the
# same rule as Table VI.

# %% tags=["hide-input"]
points = summaries.critical_sizes(runs, tolerance)
synthetic = points.dropna(subset=["critical_b"])
book.publish(book.styled(points),
             f"B* (— where no B falls more than {tolerance:g} point below the peak) per synthetic data set and "
             "training-set size: the points of the fit.", points, "B* per training-set size",
             runs=runs[runs["dataset"].str.startswith("synthetic")])

# %% tags=["hide-input"]
fits, ours = summaries.exponent_fits(synthetic)
book.publish(plots.critical_against_n(points, ours), "Critical batch size against training-set size (synthetic "
             "data), log-log, with the fitted power law where ours has two points or more; open squares: the paper's "
             "Table VI (its N × 0.8, the training examples). A size with no B* (no B falls a point below the peak) "
             "is an open triangle at the largest B measured: its B*, if any, lies above.", points, "B* against N",
             runs=runs)
book.publish(book.styled(fits, 3),
             f"Fits of log B* on log N with 95% t intervals for the exponent; the paper assumes "
             f"{paper.CRITICAL_EXPONENT}. With three points there is one degree of freedom, so the interval is "
             f"wide (t = {stats.t.ppf(0.975, 1):.1f}).", fits, "Exponent fit", runs=runs)

# %% [markdown]
# ## Beyond the paper: the gradient noise scale
#
# McCandlish et al. {cite}`mccandlish2018` predict the batch size beyond which a larger batch stops buying
# proportionally fewer steps from the gradient's signal-to-noise ratio: the simple noise scale
# B_noise = tr Σ / |G|², with Σ the covariance of one example's gradient and G the full gradient. It is a
# statement about optimisation speed, the paper's B* one about accuracy; whether the two coincide is an empirical
# question. We estimate B_noise from per-example gradients at the trained weights of the runs at the B closest to
# 32 (every seed whose weights the store keeps), on the run's training set (all of it for the MLPs, 2,000 random
# examples for the CNNs), and set it beside B* of Table VI. The gradient shrinks as training converges, so
# B_noise at trained weights is at the high end of its value over training.

# %% tags=["hide-input"]
models = analysis.base_batch_models(analysis.with_weights(chapter, full), list(table_vi["dataset"]))
noise = analysis.noise_scales(chapter, models)
versus = summaries.noise_against_critical(noise, table_vi)
book.publish(book.styled(versus),
             "B_noise (geometric mean over seeds with a 95% t interval on the log scale; `not estimable`: seeds "
             "whose estimate of |G|² is not positive) beside B* of Table VI and their ratio. Agreement: B_noise's "
             "interval lies inside [B*/2, 2·B*]; larger or smaller: beyond it; undecided: across its edge.",
             versus, "Noise scale and B*", runs=models)
Markdown(findings.noise_agreement(versus))
