"""Batch-size sliders: ipywidgets in a live kernel, and a kernel-free version for the static site.

The static slider links an HTML range input to figures pre-rendered for every run (embedded as base64 PNG),
with a few lines of inline JavaScript: no kernel, no widget library, no network.
"""

from __future__ import annotations

import base64
import io
import json
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import panels
from .datasets import DATASET_NAMES, DATASET_SPECS

STATIC_ENV = "BATCHSIZE_STATIC"  # set by `make book`: the site has no kernel, so show only the static slider
METRICS = {"test_acc": "test acc (%)", "train_acc": "train acc (%)", "gap": "gap Δ (pp)", "lr": "peak LR",
           "median_epoch_time": "epoch time (s)", "first_epoch_above_80": "first epoch > 80%"}


def live_kernel() -> bool:
    return os.environ.get(STATIC_ENV, "") not in ("1", "true", "yes")


def run_figure(history: pd.DataFrame, run: pd.Series) -> plt.Figure:
    """Learning curves (accuracy and loss) of one run, all seeds of it: what both sliders show. The training set
    is drawn at the epochs it was evaluated (`DatasetSpec.train_eval_every`), joined across the others."""
    fig, (acc, loss) = plt.subplots(1, 2, figsize=(9, 3.2))
    for column, style in (("train_acc", "--"), ("test_acc", "-")):
        curve = history.dropna(subset=[column])
        acc.plot(curve["epoch"], curve[column], style, marker=".", label=panels.LABELS[column].split(" (")[0])
    acc.set(xlabel="epoch", ylabel="accuracy (%)", ylim=(0, 100))
    acc.legend(fontsize="small")
    for column, style in (("train_loss", "--"), ("test_loss", "-")):
        curve = history.dropna(subset=[column])
        loss.plot(curve["epoch"], curve[column], style, marker=".", label=column.replace("_", " "))
    loss.set(xlabel="epoch", ylabel="cross-entropy", yscale="log")
    loss.legend(fontsize="small")
    fig.suptitle(f"{DATASET_NAMES.get(run['dataset'], run['dataset'])}, B = {run['batch_size']}, "
                 f"LR rule {run['lr_rule']}")
    fig.tight_layout()
    return fig


def metrics_text(run: pd.Series) -> str:
    parts = []
    for column, label in METRICS.items():
        value = run.get(column)
        parts.append(f"{label}: {'—' if pd.isna(value) else f'{value:.4g}'}")
    if run.get("diverged"):
        parts.append("DIVERGED")
    return " · ".join(parts)


def _png(fig: plt.Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _paper_warmup(dataset: str, batch_size: int) -> int:
    spec = DATASET_SPECS[dataset]
    return spec.warmup_epochs if batch_size >= spec.warmup_from_batch else 0


def _one_seed(table: pd.DataFrame) -> pd.DataFrame:
    """The first seed of each choice. A warmup other than the paper's rule is part of the LR rule's name, so that
    runs differing only in warmup (CIFAR-10 linear with and without) are separate choices, not one slider stop."""
    if "warmup_epochs" in table:
        extra = [w != _paper_warmup(d, b) and w > 0 for d, b, w in
                 zip(table["dataset"], table["batch_size"], table["warmup_epochs"], strict=True)]
        table = table.assign(lr_rule=[f"{r} + {w}-epoch warmup" if x else r for r, w, x in
                                      zip(table["lr_rule"], table["warmup_epochs"], extra, strict=True)])
    first = table[table["seed"] == table["seed"].min()]
    return first.drop_duplicates(["dataset", "lr_rule", "batch_size"]).sort_values(["dataset", "lr_rule",
                                                                                    "batch_size"])


def static_slider(table: pd.DataFrame, history: pd.DataFrame, element_id: str = "bs-explorer") -> str:
    """HTML: a data-set and LR-rule choice and a batch-size slider over pre-rendered runs (first seed)."""
    runs = _one_seed(table)
    views, combos = {}, {}
    for _, run in runs.iterrows():
        name = f"{run['dataset']}|{run['lr_rule']}|{run['batch_size']}"
        views[name] = {"png": _png(run_figure(history[history["key"] == run["key"]], run)),
                       "metrics": metrics_text(run)}
        combos.setdefault(f"{run['dataset']}|{run['lr_rule']}", []).append(int(run["batch_size"]))
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

    runs = _one_seed(table)
    dataset = w.Dropdown(options=[(DATASET_NAMES.get(d, d), d) for d in dict.fromkeys(runs["dataset"])],
                         description="data set")
    rule = w.Dropdown(options=list(dict.fromkeys(runs["lr_rule"])), description="LR rule")
    size = w.SelectionSlider(options=[0], description="B", continuous_update=False)
    out = w.Output()

    def choices(*_) -> None:  # the new choice's B, at the one nearest (in log B) to the B shown before
        part = runs[(runs["dataset"] == dataset.value) & (runs["lr_rule"] == rule.value)]
        shown, offered = size.value, [int(b) for b in part["batch_size"]] or [0]
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
            run = part.iloc[0]
            print(metrics_text(run))
            display(run_figure(history[history["key"] == run["key"]], run))
            plt.close("all")

    for control in (dataset, rule):
        control.observe(choices, "value")
    for control in (dataset, rule, size):
        control.observe(redraw, "value")
    choices()
    redraw()
    return w.VBox([w.HBox([dataset, rule]), size, out])
