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

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained
seeds = None  # None: the profile's number of seeds (42, 43, ...)
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>
batch_sizes = None  # e.g. [8, 32, 128]; None: the profile's batch sizes

# %% tags=["remove-input"]
import pandas as pd

from batchsize import book, pages_accuracy, pages_beyond, pages_lr, paper, report_inputs
from batchsize.config import make_config
from batchsize.datasets import PAPER_SECTIONS

chapter = book.Chapter(list(PAPER_SECTIONS), profile, device, seeds, data_dir, store, batch_sizes)
runs = {s: chapter.table(s) for s in chapter.sections}
runs_all = pd.concat(runs.values(), ignore_index=True)
fashion = pages_accuracy.runs_if_data(chapter, "fashion-mnist")  # not in the paper: empty where its files are absent
with_fashion = pd.concat([runs_all, fashion], ignore_index=True)  # where the book's own rules apply, it is a row too
book.glue(**paper.quoted(), cifar_lr_256=make_config("cifar10", 256).lr, cifar_lr_1024=make_config("cifar10", 1024).lr)
book.glue(fashion_scale=pages_accuracy.recipe_scale(fashion, "fashion-mnist"))  # the scale of its runs shown
pages_accuracy.scale_note(runs_all)

# %% [markdown]
# ## Synthetic data (Fig. 2, Table VII)
#
# ```{warning}
# The paper contradicts itself here. §IV-A says test accuracy falls from {glue:text}`iva_1k_8:.1f`% (B = 8) to
# {glue:text}`iva_1k_512:.1f`% (B = 512) on the 1K set, {glue:text}`iva_10k_8:.1f`% →
# {glue:text}`iva_10k_512:.1f`% on 10K and {glue:text}`iva_50k_8:.1f`% → {glue:text}`iva_50k_512:.1f`% on 50K, and
# calls the trend monotonic; its own Table VII gives {glue:text}`vii_1k_8:.1f`% → {glue:text}`vii_1k_512:.1f`%,
# {glue:text}`vii_10k_8:.2f`% → {glue:text}`vii_10k_512:.2f`% and {glue:text}`vii_50k_8:.2f`% →
# {glue:text}`vii_50k_512:.2f`% for the same runs — higher and flat. We draw Table VII (the only per-B numbers) and
# test the §IV-A drops separately in the reproduction report.
# ```

# %% tags=["hide-input"]
pages_accuracy.synthetic_accuracy(chapter, runs["synthetic"])

# %% [markdown]
# ## MNIST (Fig. 3, Table III)
#
# The paper reports its optimum at B = {glue:text}`mnist_text_b` ({glue:text}`mnist_text_acc:.2f`%) in the text,
# while Table III lists {glue:text}`iii_64:.2f`% at B = 64 and its highest value, {glue:text}`iii_8:.2f`%, at
# B = 8; Table VI then gives 64 again. The table is what we compare with.

# %% tags=["hide-input"]
pages_accuracy.image_accuracy(chapter, runs["mnist"], "mnist")
pages_accuracy.paper_scale_so_far(chapter, "mnist")

# %% [markdown]
# ## CIFAR-10 (Fig. 4, Table IV)
#
# ```{note}
# The CIFAR-10 copy on this project's machines is JPEG-compressed (quality 75; labels exact, pixels lossy), so
# our CIFAR-10 numbers are close to, not identical with, runs on the official files. Our reading of the paper's
# initialisation is another candidate for a shortfall against Table IV: the [initialisation check](checks.py) says
# where, at its reduced scale, the reading we keep is the worse of the two.
# ```
# The paper's collapse at B ≥ 256 coincides with Adam learning rates of
# {glue:text}`cifar_lr_256:g`–{glue:text}`cifar_lr_1024:g` from the linear rule; the
# [learning-rate chapter](lr_scaling.py) tests whether the rule, not the batch size, causes it.

# %% tags=["hide-input"]
pages_accuracy.image_accuracy(chapter, runs["cifar10"], "cifar10")
pages_accuracy.paper_scale_so_far(chapter, "cifar10")

# %% [markdown]
# ## Fashion-MNIST (not in the paper)
#
# Fashion-MNIST {cite}`xiao2017` has MNIST's format and size (grey images of the same size, ten classes, as many for
# training and testing) but shows clothes: harder to classify, as the best accuracies of the two at one scale show (the
# `best test acc (%)` column of "Is it the data?" below; MNIST's table above may be at another scale),
# a difficulty asserted by its authors, not measured as the paper's intra-class variability. Its recipe is MNIST's
# unchanged (network, SGD with momentum, the linear rule and its warm-up, epochs), so that at the paper's scale only the
# images differ. {glue:md}`fashion_scale` The paper did not run it, so there is no table of its to set beside ours and
# no verdict; the figure and the table show our runs alone.

# %% tags=["hide-input"]
pages_beyond.beyond_paper(chapter, fashion, "fashion-mnist")

# %% [markdown]
# ## Is it the data?
#
# The paper explains why large batches hurt CIFAR-10 and spare MNIST by the data: natural images vary more within a
# class. Its runs cannot test that, since CIFAR-10 also differs from MNIST in its network, optimizer, augmentation,
# epochs and learning-rate rule. Fashion-MNIST narrows it: other images on MNIST's recipe, harder than MNIST's by
# its own accuracy (computed below; how much they vary within a class is not measured). If it loses accuracy with B
# as CIFAR-10 does, the explanation gains support; if it stays as flat as MNIST, harder images alone did not degrade
# on MNIST's recipe, which points at what CIFAR-10's recipe does differently, or at a difficulty Fashion-MNIST does
# not share. Where a compared cell failed (most of its runs did not train), the comparison tests the failures of the
# recipe its runs had, not the data, and is read neither way; at reduced scale that recipe is the quick profile's,
# whose warm-up is cut short (named with the table). Below, the drop in test accuracy for the three data sets between
# two pairs of B, both fixed before Fashion-MNIST's paper runs exist so that neither is picked after seeing its
# result: §VII's own pair, and from its small B to the largest B of the paper's grid below its large one, a drop that
# the collapses at §VII's large B do not enter. Each pair is read by the same rule, and where no pair reads all three,
# MNIST and Fashion-MNIST, on one recipe, are still set against each other. The three are compared at one scale:
# where Fashion-MNIST has only reduced-scale runs, all three at that scale, and beside them the paper-scale drops of
# MNIST and CIFAR-10 between both pairs: what the reduced scale cannot tell, paper scale may still show, and the test
# at paper scale waits for Fashion-MNIST's paper runs (how many are stored is counted below). Last, CIFAR-10's drop
# under the other learning-rate rules the store holds at paper scale, between the B it names: a drop that follows the
# LR rule is not one the data explain.

# %% tags=["hide-input"]
pages_beyond.is_it_the_data(chapter, pd.concat([runs["mnist"], fashion, runs["cifar10"]]), "fashion-mnist",
                              book.Chapter.paper_stored("cifar10-lr"))

# %% [markdown]
# ## Where does accuracy peak?
#
# Where its runs are in the store, Fashion-MNIST, which the paper did not run, has its row by the same rule and no
# Table VI value beside it. Each row says at which scale its runs are: a row at reduced scale (fewer epochs on a
# subset, a shorter warm-up) does not compare with one at paper scale, least of all where its runs failed.

# %% tags=["hide-input"]
pages_accuracy.best_batch_sizes(with_fashion)

# %% [markdown]
# ## Runs that did not train
#
# A run whose network ends as a constant predictor (collapsed) or whose loss becomes non-finite (diverged) is
# not a low accuracy to average: it says the paper's setting did not train there, with that seed.
# The count is over the runs each data set's own section above shows, at the scale that section renders: where
# "Is it the data?" falls back to reduced-scale runs of a data set shown at paper scale, those runs are not in it.

# %% tags=["hide-input"]
pages_accuracy.failed_runs(chapter, with_fashion)

# %% [markdown]
# ## MNIST at its largest batch size: how often training fails
#
# Table III gives one number at MNIST's largest B, {glue:text}`iii_1024:.2f`%, and says nothing of runs that did
# not train. Here a run of the paper's recipe at that B (the linear rule with its warm-up) that collapsed or
# diverged counts as a failure of the recipe, never as missing data: every seed the store has is counted (the
# `mnist-largest-batch` sweep plans further seeds of the recipe beside those of the MNIST section; how many of them
# are stored so far, the table's caption and the text below it say), the failure rate is given with its exact
# (Clopper–Pearson) interval, and beside it the accuracy of the runs that trained and the paper's. The report's
# claim that MNIST trains at its largest B under this recipe grades this row, provisionally while seeds are pending.
# Where the failing runs leave the normal range, and which ingredient of the recipe the failures follow, the
# [learning-rate chapter](lr_scaling.py) asks (how far its runs are, the text below the table says).

# %% tags=["hide-input"]
pages_lr.largest_batch_failures(report_inputs.largest_batch_runs(chapter, recipe_only=False))
