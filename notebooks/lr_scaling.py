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
# batch size at all, or the learning-rate rule: fixed, linear, square-root, and linear with a warm-up
# {glue:text}`cifar_warmup`, as the runs shown below were trained. At the paper's scale, where CIFAR-10's runs at
# chance lie at B = 512 and 1024, these rules take several sessions to train: until they are all in, the section
# shows first the paper-scale runs finished so far (a provisional answer), then the reduced scale, which stands in
# for them but, on short runs, may not show a collapse at all. Two last sections ask why MNIST's largest B fails
# under the linear rule in some seeds: where its loss leaves the normal range, and which ingredient of the recipe
# the failures follow.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"  # auto | cpu | cuda: where missing runs are trained
seeds = None  # None: the profile's number of seeds
data_dir = None  # None: $BATCHSIZE_DATA, else ./data
store = None  # None: results/<profile>
batch_sizes = None  # None: the profile's ablation batch sizes

# %% tags=["remove-input"]
from batchsize import book, pages_lr, pages_training, paper, paper_table_v, report_inputs, summaries
from batchsize.config import make_config

chapter = book.Chapter(["lr-scaling", "cifar10-lr", "mnist"], profile, device, seeds, data_dir, store, batch_sizes)
cifar, mnist = summaries.with_rule_names(chapter.table("cifar10-lr")), chapter.table("mnist")
book.glue(**paper.quoted(), cifar_lr_1024=make_config("cifar10", 1024).lr,
          cifar_warmup=pages_training.warmups_shown(chapter.paper_so_far("cifar10-lr"), cifar),
          mnist_warmup=mnist.loc[mnist["batch_size"] == mnist["batch_size"].max(), "warmup_epochs"].max(),
          v_against_vii=paper_table_v.table_v_against_vii(chapter.table("lr-scaling")["dataset"].iloc[0]))

# %% [markdown]
# ## Table V: fixed, linear and square-root learning rates on the large synthetic set
#
# Where the rules give one learning rate at a B, their runs are one configuration: the table shows them in one row,
# graded once. {glue:text}`v_against_vii`

# %% tags=["hide-input"]
pages_training.table_v(chapter.table("lr-scaling"), chapter.profile)

# %% [markdown]
# ## CIFAR-10 at large B: batch size, or the learning-rate rule?
#
# Each rule's runs at the paper's scale, against B = 32's. Whether a run ends at chance may also hang on the CPU
# and the precision that trained it: the [appendix](checks.py) replays the first epochs of the linear rule's runs
# at the two largest B on another CPU, and in fp32, to ask.

# %% tags=["hide-input"]
pages_lr.cifar_lr_so_far(chapter)
pages_training.cifar_lr_rules(cifar)

# %% [markdown]
# ## MNIST at its largest batch sizes: where the linear rule leaves the normal range
#
# At the paper's scale MNIST at B = 1024 does not always train under the linear rule with its
# {glue:text}`mnist_warmup`-epoch warm-up
# (the [accuracy chapter](accuracy.py) counts the runs that ended at chance). A run's record keeps per-epoch means
# only, so here each run at the two largest B is replayed update by update (the very updates of its training,
# stopped after one epoch of the largest B) to see where its loss first rose above a uniform guess's after
# falling below half of it, and at what LR of the warm-up ramp.

# %% tags=["hide-input"]
pages_lr.first_updates(chapter, mnist)

# %% [markdown]
# ## MNIST at its largest batch size: which ingredient do the failures follow?
#
# The paper's recipe at MNIST's largest B combines three things: the linear rule's peak LR, the warm-up's length
# and the batch size itself. The `mnist-largest-batch` sweep changes one ingredient at a time on the first three
# seeds, and adds seeds of the recipe itself, so that its failure rate has an interval. The changes, named in the
# table as rule and warm-up: the square-root rule (`sqrt`) and no scaling (`fixed`), each with the recipe's
# warm-up, lower the peak LR; a warm-up twice as long (`linear` with the longer warm-up) keeps the peak. The
# square-root rule and the longer warm-up climb equally fast per update (half the recipe's slope), so if the
# failures follow the ramp's speed both remove them, and if they follow how high the LR goes only the lower-peak
# rules do (the longer warm-up also leaves fewer epochs at the peak). A lower peak lowers the whole ramp with it:
# where the failed runs first left the normal range, on the ramp or at the peak, the text below says, and with it
# which reading the runs allow, and what the planned seeds can show at all. Goyal et al. {cite}`goyal2017` hold the
# linear rule with a gradual warm-up up to B = 8k, in a network with batch normalization; this one has none.

# %% tags=["hide-input"]
pages_lr.largest_batch_ingredients(chapter, report_inputs.largest_batch_runs(chapter, recipe_only=False))
