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
# # The generalization gap (Fig. 5)
#
# §IV-B: the gap Δ = train accuracy − test accuracy against B for every data set. The paper reports a Pearson
# correlation r = {glue:text}`pearson_r` (p < {glue:text}`pearson_p`) between log B and Δ, and
# Δ < {glue:text}`gap_bound:g`% for B ≤ 64 on every data set. We compute
# both from the store, with a confidence interval for r, and add the control the paper discusses but does not
# run: Hoffer et al.'s *matched steps* {cite}`hoffer2017` — large batches trained for as many updates as B = 32
# gets — which asks whether a gap comes from batch size or from fewer updates.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained
seeds = None  # None: the profile's number of seeds
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>
batch_sizes = None  # None: the profile's batch sizes

# %% tags=["remove-input"]
import pandas as pd
from IPython.display import Markdown

from batchsize import book, findings, paper, plots, runtable, summaries
from batchsize.datasets import PAPER_SECTIONS

chapter = book.Chapter([*PAPER_SECTIONS, "matched-steps"], profile, device, seeds, data_dir, store,
                       batch_sizes)
runs = pd.concat([chapter.table(s) for s in PAPER_SECTIONS], ignore_index=True)
book.glue(**paper.quoted())

# %% [markdown]
# ## Δ against B

# %% tags=["hide-input"]
book.publish(plots.gap_against_b(runs), "Generalization gap Δ against B; dotted squares: the paper's Tables III, IV "
             f"and VII; dashed line: the paper's Δ = {paper.GAP_BOUND}% bound for B ≤ {paper.GAP_BOUND_MAX_B}. "
             "Runs that did not train are crosses, outside the mean.", runtable.mean_by_batch(runs, trained_only=True),
             "Fig 5", runs=runs)

# %% [markdown]
# ## Pearson r between log B and Δ

# %% tags=["hide-input"]
pearson = summaries.pearson_table(runs)
book.publish(book.styled(pearson, 3).format({"p": "{:.2g}"}),
             "Pearson correlation of log₂ B with Δ over the runs that trained (one point per run; `at chance`: "
             "the runs left out, whose gap is a constant predictor's), two-sided p-value and 95% Fisher-z interval; "
             "then per data set. The report's `pearson` claim grades the first row.", pearson, "Pearson r", runs=runs)
overall = pearson.iloc[0]
Markdown(f"Over the runs that trained r = {overall['r']:.2f} (95% CI {overall['ci_low']:.2f} to "
         f"{overall['ci_high']:.2f}, p = {overall['p']:.2g}, n = {overall['n']}); the paper reports r = "
         f"{paper.PEARSON_R} with p < {paper.PEARSON_P}. Pooling data sets mixes levels of Δ that differ by data "
         "set, so the per-data-set values say more.")

# %% [markdown]
# ## Is Δ below the paper's bound for B ≤ 64?

# %% tags=["hide-input"]
worst = summaries.gap_bound_table(runs)
book.publish(book.styled(worst),
             f"Per data set, the B ≤ {paper.GAP_BOUND_MAX_B} whose Δ reaches highest: the top of its 95 % interval "
             "over the runs that trained (a cell of one run: its point, which never passes; cells where at least "
             f"half the runs did not train are left out). The paper: below {paper.GAP_BOUND}% everywhere; the "
             "report's `gap-bound` claim grades these rows.", worst, "Gap bound", runs=runs)
# %% [markdown]
# ## Matched steps: fewer updates, or larger batches?
#
# With a fixed epoch budget, B = 512 makes one update for every 16 of B = 32. The `matched-steps` section trains
# B = 128 and 512 on the medium synthetic set for epochs × B/32 epochs, so that each makes as many updates as
# B = 32 does in the fixed budget. That comparison alone favours the large batch: it gets B/32 times the epochs of
# a B = 32 baseline that may not have converged. The section therefore also trains B = 32 for each long budget,
# and every B for the fixed one, so that each large batch is compared with B = 32 three ways: at the fixed
# budget (the paper's setup), at equal updates, and at equal epochs (B = 32 trained as long).

# %% tags=["hide-input"]
matched = chapter.table("matched-steps")
comparison = summaries.matched_steps(matched)
curves = summaries.matched_curves(chapter.history(matched))
fixed = matched[matched["epochs"] == matched["epochs"].min()]
book.publish(plots.matched_steps(curves, fixed.loc[fixed["batch_size"] == 32, "steps"].median(), fixed["epochs"].min()),
             "Medium synthetic set: test accuracy of each B's longest run against updates (left) and epochs "
             "(right), log scale; dotted: the fixed budget of B = 32. Equal updates: read the curves at the left "
             "panel's dotted line; equal epochs: at the same epoch on the right.", curves, "Matched steps",
             runs=matched)

# %% tags=["hide-input"]
book.publish(book.styled(comparison),
             "Test accuracy and gap Δ of B minus those of B = 32 (seed means, Welch 95% interval; with one seed "
             "the point alone) at the fixed budget, at equal updates and at equal epochs; last, B = 32 trained "
             "longer against its fixed budget.", comparison, "Matched-steps comparison", runs=matched)
Markdown(findings.matched_steps_conclusion(comparison))
