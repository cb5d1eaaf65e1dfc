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
# # Learning-rate scaling (Table V)
#
# §IV-D compares a fixed learning rate with the linear scaling rule η = η₀·B/B₀ {cite}`goyal2017` on the large
# synthetic set and finds scaling "essential": without it accuracy at B = 512 drops from
# {glue:text}`v_512_linear:.1f`% to {glue:text}`v_512_fixed:.1f`%. Linear scaling is an SGD rule; for Adam — which
# the paper uses here and for CIFAR-10 — the square-root rule η = η₀·√(B/B₀) is the usual recommendation
# {cite}`you2020`, so we run it too. A second experiment asks whether the paper's CIFAR-10 collapse at B ≥ 256
# ({glue:text}`iv_1024:.0f`% at B = 1024, where the linear rule gives Adam η = {glue:text}`cifar_lr_1024:g`) is
# batch size at all, or the learning-rate rule: fixed, linear, square-root, and linear with a 5-epoch warmup.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained
seeds = None  # None: the profile's number of seeds
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>
batch_sizes = None  # None: the profile's ablation batch sizes

# %% tags=["remove-input"]
from IPython.display import Markdown

from batchsize import analysis, book, findings, instability, panels, paper, paper_tables, plots, runtable, summaries
from batchsize.config import make_config

chapter = book.Chapter(["lr-scaling", "cifar10-lr", "mnist"], profile, device, seeds, data_dir, store, batch_sizes)
lr_runs = chapter.table("lr-scaling")
cifar_runs = summaries.with_rule_names(chapter.table("cifar10-lr"))
book.glue(**paper.quoted(), cifar_lr_1024=make_config("cifar10", 1024).lr)

# %% [markdown]
# ## Table V: fixed, linear and square-root learning rates on the large synthetic set

# %% tags=["hide-input"]
table_v = paper_tables.table_v(lr_runs, chapter.profile)
book.publish(book.styled(table_v, 4),
             "the paper (columns headed paper; linear = its 'Scaled') beside our seed means; the square-root rule is "
             "ours. Absolute accuracies are testable only on the paper profile.", table_v, "Table V", runs=lr_runs)

# %% tags=["hide-input"]
book.publish(plots.lr_rules(lr_runs), "Large synthetic set: test accuracy and gap against B for each LR rule; "
             "dotted squares: the paper's Table V (fixed and linear).",
             runtable.mean_by_batch(lr_runs, ("lr", "test_acc", "gap"), ("batch_size", "lr_rule")), "LR rules",
             runs=lr_runs)

# %% tags=["hide-input"]
Markdown(findings.lr_rule_summary(lr_runs))

# %% [markdown]
# ## CIFAR-10 at large B: batch size, or the learning-rate rule?

# %% tags=["hide-input"]
fig, ax = panels.grid(1, width=7, height=4.2)
panels.by_batch(cifar_runs, "test_acc", hue="rule", ax=ax[0], title="CIFAR-10 (Adam)")
cells = summaries.lr_rule_cells(cifar_runs)
book.publish(fig, "CIFAR-10 test accuracy at large B under four LR rules. If the collapse were batch size itself, "
             "every rule would collapse; if the linear rule's large Adam LR causes it, fixed and square-root "
             "rules would not.", cells, "CIFAR-10 LR rules", runs=cifar_runs)
book.publish(book.styled(cells, 4), "The same runs as a table (seed means).", cells,
             "CIFAR-10 LR rules table", runs=cifar_runs)

# %% [markdown]
# ## MNIST at its largest batch sizes: where the linear rule leaves the normal range
#
# At the paper's scale MNIST at B = 1024 does not always train under the linear rule with its 5-epoch warm-up
# (the [accuracy chapter](accuracy.py) counts the runs that ended at chance). A run's record keeps per-epoch means
# only, so here each run at the two largest B is replayed update by update (the very updates of its training,
# stopped after one epoch of the largest B) to see where its loss first rose above a uniform guess's after
# falling below half of it, and at what LR of the warm-up ramp.

# %% tags=["hide-input"]
mnist = chapter.table("mnist")
largest = mnist[mnist["batch_size"].isin(sorted(mnist["batch_size"].unique())[-2:])]
traced = analysis.first_updates(chapter, largest)
left = instability.excursions(traced)
book.publish(plots.first_updates(traced, left), "MNIST, the first updates of every seed at the two largest B "
             f"({book.scale_text(largest)}): mini-batch loss (log scale, cut at 1,000: a diverging run leaves "
             "through the top), a uniform guess's loss dashed, each run's first excursion above it marked ×, the "
             "warm-up's LR dotted (right axis).", left,
             "MNIST first updates", runs=largest)
Markdown(findings.excursions_text(left, largest))
