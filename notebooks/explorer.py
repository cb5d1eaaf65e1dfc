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
# ipywidgets, drawing from the store on the fly. The LR-rule choice has fixed, linear and square-root runs for
# the large synthetic set (the [LR chapter](lr_scaling.py)) and CIFAR-10 at large B; the other runs use the
# paper's linear rule.

# %% tags=["parameters", "hide-input"]
profile = "auto"  # smoke | quick | paper | auto (paper where its store has the runs, else quick)
device = "auto"
seeds = None
data_dir = None
store = None
batch_sizes = None  # None: every batch size of the profile

# %% tags=["remove-input"]
import pandas as pd
from IPython.display import HTML, Markdown, display

from batchsize import book, widgets
from batchsize.datasets import PAPER_SECTIONS

chapter = book.Chapter([*PAPER_SECTIONS, "lr-scaling", "cifar10-lr"], profile, device, seeds,
                       data_dir, store, batch_sizes)
table = pd.concat([chapter.table(s) for s in chapter.sections], ignore_index=True).drop_duplicates("key")
history = chapter.history(table)

# %% tags=["hide-input"]
display(HTML(widgets.static_slider(table, history)))
book.publish(None, widgets.CAPTION,
             table.drop(columns=[c for c in table if c.startswith("prov_")]), "Explorer runs", runs=table)

# %% tags=["hide-input"]
if widgets.live_kernel():
    display(widgets.live_slider(table, history))
else:
    display(Markdown("*(In a live kernel, an ipywidgets version of the explorer appears here.)*"))
