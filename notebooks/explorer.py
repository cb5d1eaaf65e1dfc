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
# # Explorer: learning curves for every batch size
#
# Pick a data set and a learning-rate rule, then move the slider over batch size: the learning curves of every
# seed and the metrics over the seeds redraw. On this static page the slider switches between figures rendered in
# advance for every choice of the store (no kernel, no network needed). In a live notebook (Jupyter, or
# `jupytext --to ipynb notebooks/explorer.py`) the cell below the static one gives the same controls as
# ipywidgets, drawing from the store on the fly. The runs of one choice are all of one scale: where a data set,
# LR rule and B has runs at the paper's scale, its reduced-scale runs (fewer epochs or training examples) are
# not offered, and a choice at reduced scale says so in its title. A rule is named with its warmup wherever it has
# one: the paper's recipe by the B its warmup starts at ("linear + warmup at B ≥ 256 (the paper's recipe)", MNIST's
# linear rule, one choice at every B), a warmup other than the recipe's by its epochs ("linear + 5-epoch warmup",
# CIFAR-10's, whose recipe has none), and the metrics of a choice say its warmup's epochs. The two experiments beyond
# the paper whose sweeps span sessions (MNIST's largest B with one ingredient of the recipe changed, and
# Fashion-MNIST) are offered as far as their runs are stored. Below, computed from the
# runs: which rules and batch sizes each data set offers, and at which scale (the [LR chapter](lr_scaling.py)
# compares the rules at one scale).

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"
seeds = None
data_dir = None
store = None
batch_sizes = None  # None: every batch size of the profile

# %% tags=["remove-input"]
from IPython.display import HTML, Markdown, display

from batchsize import book, widgets
from batchsize.datasets import PAPER_SECTIONS

chapter = book.Chapter([*PAPER_SECTIONS, "lr-scaling", "cifar10-lr"], profile, device, seeds,
                       data_dir, store, batch_sizes)
table = widgets.explorer_runs(chapter, stored_only=("mnist-largest-batch", "fashion-mnist"))  # as far as they went
history = chapter.history(table)
display(Markdown(widgets.offer_text(table)))

# %% tags=["hide-input"]
display(HTML(widgets.static_slider(table, history)))
shown = table.loc[widgets.offered(table).index]
book.publish(None, widgets.CAPTION,
             shown.drop(columns=[c for c in shown if c.startswith("prov_")]), "Explorer runs", runs=shown)

# %% tags=["hide-input"]
if widgets.live_kernel():
    display(widgets.live_slider(table, history))
else:
    display(Markdown("*(In a live kernel, an ipywidgets version of the explorer appears here.)*"))
