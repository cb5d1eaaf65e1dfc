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
# §IV-E draws the test loss on a 2-D filter-normalized random plane around the trained weights (Algorithm 1, after
# Li et al. {cite}`li2018`) and reports the ε-sharpness S(w, ε) = max over ‖δ‖ ≤ ε of L(w + δ) − L(w) with ε =
# {glue:text}`sharpness_epsilon`: **S = {glue:text}`sharpness_32` at B = 32 and {glue:text}`sharpness_512` at B =
# 512, a {glue:text}`sharpness_ratio`× ratio** (synthetic data).
# ε-sharpness in an absolute L2 ball is not scale-invariant (rescaling a network's weights changes it without changing
# its function), so we set other measures beside it: Keskar et al.'s relative-box sharpness {cite}`keskar2017` and,
# beyond the paper, the Hessian's top eigenvalue and its trace; every measure of a data set is taken on one fixed set
# of its test examples for every B (float64 for the MLPs, float32 for the CNNs, within the budget stated below), as
# the paper's Algorithm 1 takes its surfaces on the test set; Keskar et al.'s measure is of the training loss, so ours
# of the test loss is a deviation, said where the measures are shown. The paper does not say which synthetic set its
# pair comes from; we report all three, and MNIST and CIFAR-10 beside them (the paper omits CIFAR-10 landscapes; we
# draw and measure them). On CIFAR-10 the large-B networks end far below the small-B ones' test accuracy (the
# [accuracy chapter](accuracy.py)'s Table IV), so a difference in sharpness there is confounded with how far training
# got; a run that ended at chance is left out altogether.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained (the analyses run on the CPU)
seeds = None  # None: the profile's number of seeds
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>
batch_sizes = None  # None: every B whose weights the profile keeps (its `weights` batch sizes)
datasets = ["synthetic-1k", "synthetic-10k", "synthetic-50k", "mnist", "cifar10"]
grid_points = None  # points per axis; None: 51 MLP / 21 CNN (paper), 21 MLP / 9 CNN (quick), 5 (smoke)
n_eval = None  # evaluation examples (the test set's first); None: 2,000 MLP (or all) / 500 CNN (smoke: 256 / 32)
epsilon = None  # the radius of ε-sharpness; None: the paper's

# %% tags=["remove-input"]
from batchsize import analysis, book, pages_landscape, paper

chapter = book.Chapter(book.sections_of(datasets), profile, device, seeds, data_dir, store, batch_sizes)
every_seed = analysis.runs_with_weights(chapter, datasets)  # the surfaces and the sharpness: all seeds
weights = every_seed[every_seed["seed"] == every_seed["seed"].min()]  # the power-iteration check: one seed per B
book.glue(**paper.quoted(), cnn_cap=analysis.CNN_SHARPNESS["iters"], power_check=analysis.POWER_CHECK)

# %% [markdown]
# ## Loss surfaces: B = 32 against the paper's large batch size
#
# For each data set, the pair of B the paper compares: 32 against 512 for synthetic data (Fig 9), 32 against 256
# for MNIST (Fig 10); for CIFAR-10, which the paper does not draw, MNIST's pair. Both surfaces use directions drawn
# with the same seed, each filter-normalized to its own network's weights, and the two panels share one vertical
# scale, so that their steepness compares by eye. We compute the surfaces of every seed and draw the first; how fast
# each rises around its minimum, over every seed, is a fifth measure of sharpness beside the four of the next section,
# and the one the report judges the paper's "large-batch minima are sharp" by: the surfaces are the paper's own
# evidence, where the Hessian's measures are ours alone.

# %% tags=["hide-input"]
rise = pages_landscape.surfaces(chapter, every_seed, datasets, grid_points, n_eval)

# %% [markdown]
# ## Sharpness: ε-sharpness (Eq. 3), Keskar et al.'s measure, and the Hessian's top eigenvalue and trace
#
# All on the same fixed test examples per data set as the surfaces. ε-sharpness is projected gradient ascent in the L2
# ball of radius ε (20 steps): a lower bound on the maximum. Beyond the paper, beside the top eigenvalue λ_max (the
# sharpest direction; the paper measures neither) we estimate the Hessian's trace (the curvature summed over all
# directions) with Hutchinson's estimator from Rademacher vectors: a minimum can be sharp in one direction and flat in
# the others, and the two need not rank the batch sizes alike. The synthetic MLPs: the first 2,000 test examples (all
# 200 of the 1K set) in float64, 3 restarts of the ascent, 100 vectors for the trace. The CNNs cost thousands of times
# more per evaluation, so they get a budget of a few CPU-minutes per network (measured, below the ratios): 500 test
# examples in float32, one restart, at most 20 power iterations for λ_max and 10 vectors for the trace
# (`analysis.sharpness_params` says why). A measure's absolute value depends on the evaluation set and the weights'
# scale: compare B within a data set, not data sets with each other.

# %% tags=["hide-input"]
sharp = pages_landscape.sharpness(chapter, every_seed, epsilon, n_eval, rise)

# %% [markdown]
# A ratio above 1 means the large-batch solution is sharper. The paper's absolute S values depend on the
# evaluation set and the weights' scale, so only the ratio is compared.

# %% [markdown]
# ### Do the trace and λ_max agree?

# %% tags=["hide-input"]
pages_landscape.rank_agreement(sharp, every_seed)

# %% [markdown]
# ### Had the CNNs' λ_max settled?
#
# Power iteration approaches λ_max from below, as fast as the gap to the second eigenvalue lets it, and the CNNs'
# budget stops it after at most {glue:text}`cnn_cap` Hessian-vector products (the MLPs, far cheaper, get more). Had
# it settled? For each CNN data set's pair of B, on the first seed's weights, we run it {glue:text}`power_check`
# times as long from a start of its own and keep every estimate: where the value at the cap moves by less than
# λ_max scatters between seeds, the cap adds less to the ratios above than the seeds do, and their intervals carry
# that.

# %% tags=["hide-input"]
pages_landscape.power_settling(chapter, weights, sharp, n_eval)
