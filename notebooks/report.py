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
# # Reproduction report
#
# Every quantitative claim of the paper, judged by code on our runs: first what we found, then one line per claim
# (each links to the chapter section with its evidence), then how a verdict is decided and the full table.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained
seeds = None  # None: the profile's number of seeds
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>

# %% tags=["remove-input"]
from batchsize import book, pages_report, report

chapter = book.Chapter(report.SECTIONS, profile, device, seeds, data_dir, store)
judged = report.judge(chapter)
pending = judged.pending.groupby(judged.pending["section"].isin(chapter.sections))["said"].agg("; ".join)
book.glue(sweeps_pending=pending.get(True, "none"), sections_pending=pending.get(False, "none"))
pages_report.findings(judged, chapter)

# %% [markdown]
# ## How a verdict is decided
#
# Each number of ours that is compared is a mean over seeds with its 95 % interval (t; Welch for a difference,
# on the log scale for a ratio). One scale grades every claim (`batchsize.stats.SCALE`):
#
# - **reproduced**: *all* of our interval lies within the stated tolerance of the paper's value (one seed, or
#   seeds that share one timing, have no interval and never are);
# - **partly**: the same direction *and* an effect of comparable size (our interval excludes no effect and
#   overlaps half to twice the paper's); for a claim of several parts, more than half of its testable parts
#   reproduced, or none not reproduced and more than half of those testable at least partly (so one part not
#   reproduced, with at most half reproduced, makes the claim not reproduced); a claim about every data set
#   holds only if every data set does;
# - **not resolved**: our interval holds both no effect and an effect of the paper's size (it contains the null
#   and overlaps half to twice the paper's; for a claim of a direction alone, it contains the null and reaches
#   the paper's side), so our seeds cannot tell the two apart and more would decide it; a claim of several
#   parts is not resolved when none is not reproduced and at most half of those testable are at least partly
#   (one data set partly among four that cannot tell is not resolved). This keeps apart what "not reproduced"
#   would lump together: an effect our seeds show absent or opposite, and one they cannot see either way;
# - **not reproduced**: otherwise: the opposite direction, an effect far from the paper's, or a value outside the
#   wider tolerance;
# - **not testable**: only where our runs or this hardware cannot answer (absolute numbers off the paper's scale,
#   a batch size we did not run, the paper's epoch times from its own hardware; the row says which, with our
#   numbers).
#
# Each row's tolerance is folded under our numbers. Runs that ended at chance are counted in each row, never
# averaged in silently. The rules live beside their claims in `batchsize.claims_trends`, `claims_accuracy`,
# `claims_cifar10`, `claims_shapes`, `claims_training`, `claims_landscape` and `claims_critical`, each with tests on
# hand-made tables for every outcome it can give. Checks of the paper against its own tables are not verdicts on our
# runs: they are listed apart, under "Where the paper disagrees with itself". Where our runs differ from the
# paper's (precision, the CIFAR-10 copy, initialisation, hardware, seeds, epochs, warm-up), and the check behind
# each difference: [where our runs differ from the paper](../book/deviations.md).

# %% tags=["hide-input"]
pages_report.scales(judged)

# %% [markdown]
# ## Every claim in full

# %% tags=["hide-input"]
pages_report.every_claim(judged)

# %% [markdown]
# ## Provisional verdicts at paper scale
#
# In this build, the data sets whose paper sweep is still being trained: {glue:text}`sweeps_pending`; the sections
# read as far as their runs are stored that still have runs pending: {glue:text}`sections_pending`.
#
# While a data set's paper sweep spans sessions, it renders the quick profile above, and the quick runs cannot
# answer the claims about it (its absolute accuracies, or B = 1024 trained for 50 epochs). The claims that rest on
# that data set alone are then judged here on its paper-scale runs finished so far, by the same rules, except that
# while some batch size has a single seed (a point, with no interval) a verdict is at best *partly*. A verdict may
# change as seeds arrive; once a data set's paper runs are all in, the table above judges its claims.
#
# A claim whose rule reads a section as far as its runs are stored (MNIST at its largest B: every seed of the paper's
# recipe there) is judged in the table above on those runs; while runs of that section are pending, its verdict is
# provisional too: marked so there (ours says how many of the section's runs are stored) and listed here. Last, what
# else is pending: sections the report reads with no provisional verdict, and paper-scale runs no claim reads.

# %% tags=["hide-input"]
pages_report.provisional(judged)

# %% [markdown]
# ## What changed
#
# Verdicts move as runs arrive (a paper sweep spans sessions; CIFAR-10's took several) and as rules are mended. Each
# build of the committed stores that was recorded (`batchsize verdicts --record`, from a clean commit) logs the claims
# whose verdict moved since the build recorded before it, in `results/verdicts.json`; a move of this build that is
# not yet recorded comes first.

# %% tags=["hide-input"]
pages_report.what_changed(judged)

# %% [markdown]
# ## Where the paper disagrees with itself
#
# Checks of the paper against its own numbers, computed from its tables (`report.disagreements`), outside the
# tally above:
#
# - §IV-A gives synthetic accuracies of {glue:text}`iva_1k_8:.1f`% → {glue:text}`iva_1k_512:.1f`% (1K),
#   {glue:text}`iva_10k_8:.1f`% → {glue:text}`iva_10k_512:.1f`% (10K) and {glue:text}`iva_50k_8:.1f`% →
#   {glue:text}`iva_50k_512:.1f`% (50K) for B = 8 → 512 and calls the trend monotonic; Table VII, for the same
#   runs, lists {glue:text}`vii_1k_8:.1f`% → {glue:text}`vii_1k_512:.1f`%, {glue:text}`vii_10k_8:.2f`% →
#   {glue:text}`vii_10k_512:.2f`% and {glue:text}`vii_50k_8:.2f`% → {glue:text}`vii_50k_512:.2f`%, with the best
#   accuracy at B = 256 for the 1K set. The drops from B = 8 to 512 are judged against the text, the
#   accuracies at each B against Table VII.
# - §IV-A2 puts the MNIST optimum at B = {glue:text}`mnist_text_b` with {glue:text}`mnist_text_acc:.2f`%; Table III
#   lists {glue:text}`iii_64:.2f`% at B = 64 and {glue:text}`iii_8:.2f`% at B = 8.
# - §V-D speaks of a "{glue:text}`lsr_max_drop:.0f`% accuracy degradation" without LR scaling; Table V shows
#   {glue:text}`v_drop_512:.1f` points.
# - §V-B cites "Section IV-G" for the variance law, which is §IV-F; §V-A cites "Section IV-F" for sharpness (§IV-E).

# %% tags=["hide-input"]
pages_report.disagreements()
