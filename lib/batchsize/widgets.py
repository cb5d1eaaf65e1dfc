"""Batch-size sliders: ipywidgets in a live kernel, and a kernel-free version for the static site.

A choice is a data set, an LR rule and a batch size; each shows every seed of it (the reader should not take one
seed for all), and its metrics as means over the seeds that trained, as every chapter counts them. The static
slider links an HTML range input to figures pre-rendered for every choice (embedded as base64 PNG), with a few
lines of inline JavaScript: no kernel, no widget library, no network.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .captions import scale_text
from .datasets import DATASET_NAMES, DATASET_SPECS, registry_position
from .runtable import trained
from .style import number

STATIC_ENV = "BATCHSIZE_STATIC"  # set by `make book`: the site has no kernel, so show only the static slider
METRICS = {"test_acc": ("test acc (%)", "pp"), "train_acc": ("train acc (%)", "pp"), "gap": ("gap Δ (pp)", "pp"),
           "lr": ("peak LR", "lr"), "median_epoch_time": ("epoch time (s)", "seconds"),
           "first_epoch_above_80": ("first epoch > 80%", "count")}  # column -> label, quantity (`style.number`)
CAPTION = ("Learning curves of every seed of the chosen data set, LR rule and B, one colour per seed (test set "
           "solid, training set dashed); above the figure, the runs' scale and each metric's mean over the seeds "
           "that trained, with the seeds' range; a run that ended at chance is named and left out of the means.")


def live_kernel() -> bool:
    return os.environ.get(STATIC_ENV, "") not in ("1", "true", "yes")


def run_figure(history: pd.DataFrame, runs: pd.DataFrame) -> plt.Figure:
    """Learning curves (accuracy and loss) of every seed of one choice (`runs`: its runs), one colour per seed (a
    run that ended at chance says how), the test set solid and the training set dashed; one legend below both
    panels, clear of the curves. The training set is drawn at the epochs it was evaluated
    (`DatasetSpec.train_eval_every`), joined across the others."""
    fig, (acc, loss) = plt.subplots(1, 2, figsize=(9, 3.6))
    runs = runs.assign(learned=trained(runs)).sort_values("seed")
    for i, run in enumerate(runs.itertuples()):
        curves = history[history["key"] == run.key]
        label = f"seed {run.seed}" + ("" if run.learned else f" ({getattr(run, 'outcome', 'diverged')})")
        for ax, metric in ((acc, "acc"), (loss, "loss")):
            for split, style in (("train", "--"), ("test", "-")):
                curve = curves.dropna(subset=[f"{split}_{metric}"])
                ax.plot(curve["epoch"], curve[f"{split}_{metric}"], style, color=f"C{i}", marker=".",
                        label=label if split == "test" and ax is acc else None)
    acc.set(xlabel="epoch", ylabel="accuracy (%)", ylim=(0, 100))
    loss.set(xlabel="epoch", ylabel="cross-entropy", yscale="log")
    first = runs.iloc[0]
    fig.suptitle(f"{DATASET_NAMES.get(first['dataset'], first['dataset'])}, B = {first['batch_size']}, "
                 f"LR rule {first['lr_rule']}: {len(runs)} seed{'s' if len(runs) != 1 else ''} (test set solid, "
                 "training set dashed)")
    fig.legend(loc="lower center", ncol=min(len(runs), 5), fontsize="small", frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def metrics_text(runs: pd.DataFrame) -> str:
    """One choice's runs in words: their scale (`captions.scale_text`, as every caption says it), the runs that ended
    at chance, and each metric's mean over the seeds that trained with the seeds' range (a count: its range)."""
    learned = trained(runs)
    parts = [re.sub(r"\*\*|`", "", scale_text(runs))]  # plain text: the static page shows it as text
    if not learned.all():
        parts.append("ended at chance, left out: " + ", ".join(
            f"seed {r['seed']} ({r.get('outcome', 'diverged')})" for _, r in runs[~learned].iterrows()))
    for column, (label, quantity) in METRICS.items():
        values = runs.loc[learned, column].dropna() if column in runs else pd.Series(dtype=float)
        parts.append(f"{label}: {_over_seeds(values, quantity)}"
                     + (f" ({len(values)} of {int(learned.sum())} seeds)" if 0 < len(values) < learned.sum() else ""))
    return " · ".join(parts)


def _over_seeds(values: pd.Series, quantity: str) -> str:
    """'98.12 (seeds 97.90 to 98.30)': the mean and the range; one value where the seeds agree; a count's range."""
    if values.empty:
        return "—"
    low, high = number(values.min(), quantity), number(values.max(), quantity)
    if quantity == "count":
        return low if low == high else f"{low}–{high}"
    mean = number(values.mean(), quantity)
    return mean if low == high else f"{mean} (seeds {low} to {high})"


def _png(fig: plt.Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _paper_warmup(dataset: str, batch_size: int) -> int:
    spec = DATASET_SPECS[dataset]
    return spec.warmup_epochs if batch_size >= spec.warmup_from_batch else 0


CHOICE = ["dataset", "lr_rule", "batch_size"]


def _choices(table: pd.DataFrame) -> pd.DataFrame:
    """The runs, sorted by choice (`CHOICE`: every seed of one is one slider stop; data sets in the registry's
    order). A warmup other than the paper's rule is part of the LR rule's name, so that runs differing only in
    warmup (CIFAR-10 linear with and without) are separate choices, not one slider stop."""
    if "warmup_epochs" in table:
        extra = [w != _paper_warmup(d, b) and w > 0 for d, b, w in
                 zip(table["dataset"], table["batch_size"], table["warmup_epochs"], strict=True)]
        table = table.assign(lr_rule=[f"{r} + {w}-epoch warmup" if x else r for r, w, x in
                                      zip(table["lr_rule"], table["warmup_epochs"], extra, strict=True)])
    return table.sort_values([*CHOICE, "seed"], key=lambda c: c.map(registry_position) if c.name == "dataset" else c)


def static_slider(table: pd.DataFrame, history: pd.DataFrame, element_id: str = "bs-explorer") -> str:
    """HTML: a data-set and LR-rule choice and a batch-size slider over pre-rendered choices (every seed)."""
    runs = _choices(table)
    views, combos = {}, {}
    for (dataset, rule, b), part in runs.groupby(CHOICE, sort=False):
        views[f"{dataset}|{rule}|{b}"] = {"png": _png(run_figure(history, part)), "metrics": metrics_text(part)}
        combos.setdefault(f"{dataset}|{rule}", []).append(int(b))
    datasets = list(dict.fromkeys(runs["dataset"]))
    option = lambda v, label: f'<option value="{v}">{label}</option>'
    return f"""
<div id="{element_id}" class="bs-explorer">
  <label>data set <select class="bs-dataset">{''.join(option(d, DATASET_NAMES.get(d, d)) for d in datasets)}
  </select></label>
  <label>LR rule <select class="bs-rule"></select></label>
  <label>batch size <input class="bs-slider" type="range" min="0" max="0" step="1" value="0">
  B = <output class="bs-value"></output></label>
  <p class="bs-metrics"></p>
  <img class="bs-figure" alt="learning curves of the selected run" style="max-width:100%">
</div>
<script>
(function() {{
  const views = {json.dumps(views)}, combos = {json.dumps(combos)};
  const root = document.getElementById("{element_id}");
  const $ = (c) => root.querySelector(c);
  function fillRules() {{  // the LR rules this data set has runs for; the paper's linear rule first
    const rules = Object.keys(combos).filter((k) => k.startsWith($(".bs-dataset").value + "|"))
      .map((k) => k.split("|")[1]);
    $(".bs-rule").innerHTML = rules.map((r) => `<option value="${{r}}">${{r}}</option>`).join("");
    if (rules.includes("linear")) $(".bs-rule").value = "linear";
  }}
  const stops = () => combos[$(".bs-dataset").value + "|" + $(".bs-rule").value] || [];
  function keepB() {{  // after a new data set or rule: the stop nearest (in log B) to the B shown before
    const shown = +$(".bs-value").textContent, bs = stops();
    const far = (b) => Math.abs(Math.log2(b) - Math.log2(shown));
    $(".bs-slider").max = Math.max(bs.length - 1, 0);  // the new choice's range first, or the value would clamp
    if (shown > 0 && bs.length) $(".bs-slider").value = bs.reduce((best, b, i) => far(b) < far(bs[best]) ? i : best, 0);
  }}
  function draw() {{
    const bs = stops();
    $(".bs-slider").max = Math.max(bs.length - 1, 0);
    const i = Math.min(+$(".bs-slider").value, Math.max(bs.length - 1, 0));
    const view = views[$(".bs-dataset").value + "|" + $(".bs-rule").value + "|" + bs[i]];
    $(".bs-value").textContent = bs.length ? bs[i] : "—";
    $(".bs-metrics").textContent = view ? view.metrics : "no run for this choice";
    $(".bs-figure").src = view ? "data:image/png;base64," + view.png : "";
  }}
  $(".bs-dataset").addEventListener("input", () => {{ fillRules(); keepB(); draw(); }});
  $(".bs-rule").addEventListener("input", () => {{ keepB(); draw(); }});
  $(".bs-slider").addEventListener("input", draw);
  fillRules();
  draw();
}})();
</script>"""


def live_slider(table: pd.DataFrame, history: pd.DataFrame):
    """ipywidgets: data set, LR rule and a batch-size slider that redraw the curves and metrics (needs a kernel)."""
    import ipywidgets as w
    from IPython.display import display

    runs = _choices(table)
    dataset = w.Dropdown(options=[(DATASET_NAMES.get(d, d), d) for d in dict.fromkeys(runs["dataset"])],
                         description="data set")
    rule = w.Dropdown(options=list(dict.fromkeys(runs["lr_rule"])), description="LR rule")
    size = w.SelectionSlider(options=[0], description="B", continuous_update=False)
    out = w.Output()

    def choices(*_) -> None:  # the new choice's B, at the one nearest (in log B) to the B shown before
        part = runs[(runs["dataset"] == dataset.value) & (runs["lr_rule"] == rule.value)]
        shown, offered = size.value, [int(b) for b in part["batch_size"].unique()] or [0]
        size.options = offered
        size.value = min(offered, key=lambda b: abs(np.log2(max(b, 1)) - np.log2(max(shown, 1))))

    def redraw(*_) -> None:
        part = runs[(runs["dataset"] == dataset.value) & (runs["lr_rule"] == rule.value)
                    & (runs["batch_size"] == size.value)]
        with out:
            out.clear_output(wait=True)
            if part.empty:
                print("no run for this choice")
                return
            print(metrics_text(part))
            display(run_figure(history, part))
            plt.close("all")

    for control in (dataset, rule):
        control.observe(choices, "value")
    for control in (dataset, rule, size):
        control.observe(redraw, "value")
    choices()
    redraw()
    return w.VBox([w.HBox([dataset, rule]), size, out])
