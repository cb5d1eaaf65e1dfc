"""Batch-size sliders: ipywidgets in a live kernel, and a kernel-free version for the static site.

A choice is a data set, an LR rule and a batch size; each shows every seed of it (the reader should not take one
seed for all), and its metrics as means over the seeds that trained, as every chapter counts them. A choice's runs
are of one scale: where the store has a choice at the paper's scale, its reduced-scale runs are not offered (a mean
over both would be neither). The static slider links an HTML range input to figures pre-rendered for every choice
(embedded as base64 PNG), with a few lines of inline JavaScript: no kernel, no widget library, no network.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .captions import SCALES, scale_text
from .config import default_warmup
from .datasets import DATASET_NAMES, DATASET_SPECS, registry_position
from .plan import PROFILES
from .runtable import trained
from .style import counted, joined, number

if TYPE_CHECKING:
    from .book import Chapter

STATIC_ENV = "BATCHSIZE_STATIC"  # set by `make book`: the site has no kernel, so show only the static slider
METRICS = {"test_acc": ("test acc (%)", "pp"), "train_acc": ("train acc (%)", "pp"), "gap": ("gap Δ (pp)", "pp"),
           "lr": ("peak LR", "lr"), "median_epoch_time": ("epoch time (s)", "seconds"),
           "first_epoch_above_80": ("first epoch > 80%", "count")}  # column -> label, quantity (`style.number`)
CAPTION = ("Learning curves of every seed of the chosen data set, LR rule and B, one colour per seed (test set "
           "solid, training set dashed), all at one scale: where the paper-scale runs of a choice exist, its "
           "reduced-scale runs are not offered, and a reduced-scale choice says so in its title; above the figure, "
           "the runs' scale and each metric's mean over the seeds that trained, with the seeds' range; a run that "
           "ended at chance is named and left out of the means.")
CHOICE = ["dataset", "lr_rule", "batch_size"]  # one slider stop; `lr_rule` named with its warmup (`offered`)
SCALE = ["prov_profile", "epochs", "train_size"]  # runs that differ in any of these are never pooled
RECIPE = "(the paper's recipe)"  # marks the rule named with the warmup its data set's recipe has (`_rule_name`)


def live_kernel() -> bool:
    return os.environ.get(STATIC_ENV, "") not in ("1", "true", "yes")


def run_figure(history: pd.DataFrame, runs: pd.DataFrame) -> plt.Figure:
    """Learning curves (accuracy and loss) of every seed of one choice (`runs`: its runs), one colour per seed (a
    run that ended at chance says how), the test set solid and the training set dashed; one legend below both
    panels, clear of the curves; the title names a scale other than the paper's. The training set is drawn at the
    epochs it was evaluated (`DatasetSpec.train_eval_every`), joined across the others. Runs of several scales
    (`SCALE`) are refused: their curves side by side would read as seeds of one choice."""
    if len(runs[SCALE].drop_duplicates()) > 1:
        raise ValueError(f"one choice mixes scales: {runs[SCALE].drop_duplicates().to_dict('records')}")
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
    first, scale = runs.iloc[0], _scale(runs)
    fig.suptitle(f"{DATASET_NAMES.get(first['dataset'], first['dataset'])}, B = {first['batch_size']}, "
                 f"LR rule {first['lr_rule']}{'' if scale == SCALES['paper'] else f', {scale}'}: {len(runs)} "
                 f"seed{'s' if len(runs) != 1 else ''}\n(test set solid, training set dashed)", fontsize="medium")
    fig.legend(loc="lower center", ncol=min(len(runs), 5), fontsize="small", frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def metrics_text(runs: pd.DataFrame) -> str:
    """One choice's runs in words: their scale (`captions.scale_text`, as every caption says it), their warmup where
    they have one (a rule's name gives its B, not its epochs), the runs that ended at chance, and each metric's mean
    over the seeds that trained with the seeds' range (a count: its range)."""
    learned = trained(runs)
    parts = [re.sub(r"\*\*|`", "", scale_text(runs))]  # plain text: the static page shows it as text
    if warmup := int(runs["warmup_epochs"].max()):  # one config but for its seed: one warmup
        parts.append(f"warmup: {counted(warmup, 'epoch')}")
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


def _scale(runs: pd.DataFrame) -> str:
    """'paper scale', 'reduced scale', …: the scale of one choice's runs as every caption words it
    (`captions.scale_text`, which also calls a paper-profile run trained for fewer epochs than the paper reduced)."""
    return re.match(r"\*\*(.+?)\*\*", scale_text(runs)).group(1)


def _recipe_warmup(dataset: str, batch_size: int, profile: str) -> int:
    """The warmup of the paper's rule (`config.default_warmup`) as `profile` trains it (a short profile caps it)."""
    cap = PROFILES[profile].max_warmup_epochs if profile in PROFILES else None
    warmup = default_warmup(dataset, batch_size)
    return warmup if cap is None else min(warmup, cap)


def _rule_name(rule: str, warmup: int, recipe: int, dataset: str) -> str:
    """The LR rule as a reader picks it, named with its warmup wherever the run or its data set's recipe has one, so
    that runs differing in warmup (CIFAR-10 linear with and without; MNIST without its own) are separate choices and
    MNIST's warmed-up 'linear' never reads as CIFAR-10's plain one. The recipe's runs at every B are one choice
    (their warmup starts at a B, `config.default_warmup`), named by that B, not by its epochs, which a short profile
    caps (`metrics_text` says them). Only the recipe's own rule (linear, `config.make_config`) is marked the paper's
    recipe: MNIST's largest B runs the square-root rule and a fixed rate with the recipe's warmup too."""
    if warmup == recipe:
        spec = DATASET_SPECS[dataset]
        mark = f" {RECIPE}" if rule == "linear" else ""
        return f"{rule} + warmup at B ≥ {spec.warmup_from_batch}{mark}" if spec.warmup_epochs else rule
    return f"{rule} + {warmup}-epoch warmup" if warmup else f"{rule}, no warmup"


def _named(table: pd.DataFrame) -> pd.DataFrame:
    """The runs with their LR rule named with its warmup (`_rule_name`)."""
    return table.assign(lr_rule=[_rule_name(r, w, _recipe_warmup(d, b, p), d) for r, w, d, b, p in zip(
        table["lr_rule"], table["warmup_epochs"], table["dataset"], table["batch_size"], table["prov_profile"],
        strict=True)])


def explorer_runs(chapter: Chapter, stored_only: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every run of the chapter's sections as it renders them, and the paper-scale runs stored so far of a section
    that still renders a reduced scale (`Chapter.paper_so_far`: its paper sweep spans sessions): so that `offered`
    shows each choice the paper's scale has runs of at that scale, never its reduced-scale stand-in. The sections
    `stored_only` (beyond the paper, whose sweeps span sessions) add the runs their stores hold, none trained here."""
    parts = [chapter.table(s) for s in chapter.sections] + [chapter.paper_so_far(s) for s in chapter.sections]
    parts += [chapter.stored(s) for s in stored_only]
    return pd.concat([part for part in parts if len(part)], ignore_index=True).drop_duplicates("key")


def offered(table: pd.DataFrame) -> pd.DataFrame:
    """The runs the explorer offers, sorted by choice (`CHOICE`: every seed of one is one slider stop; data sets in
    the registry's order), the LR rule named with its warmup (`_rule_name`). Each choice keeps the runs of one scale
    (`SCALE`), the largest: the paper profile's over a reduced one's, then more epochs, then more training examples;
    the runs of the same choice at a smaller scale are not offered."""
    table = _named(table)
    rank = {profile: i for i, profile in enumerate(SCALES)}  # paper, quick, smoke: the larger scale first
    scale = pd.Series([(rank.get(p, len(rank)), -e, -n) for p, e, n in zip(
        table["prov_profile"], table["epochs"], table["train_size"], strict=True)], index=table.index)
    largest = scale.groupby([table[c] for c in CHOICE]).transform("min")  # the smallest key: the largest scale
    return table[scale == largest].sort_values(
        [*CHOICE, "seed"], key=lambda c: c.map(registry_position) if c.name == "dataset" else c)


def offer_text(table: pd.DataFrame) -> str:
    """What the explorer offers, per data set (Markdown, one item each): each LR rule with its batch sizes and their
    scale, the paper's scale first ('linear at B = 1 to 1024 (9 sizes; paper scale, 50 epochs, 50,000 training
    examples)'), and how many runs are not offered because the same choice has runs at a larger scale."""
    runs = offered(table)
    lines = []
    for dataset in dict.fromkeys(runs["dataset"]):
        sizes: dict[tuple[str, str], list[int]] = {}  # (rule, scale) -> its batch sizes, in order
        for (_, rule, b), stop in runs[runs["dataset"] == dataset].groupby(CHOICE, sort=False):
            sizes.setdefault((rule, _scale_said(stop)), []).append(int(b))
        rules: dict[tuple[tuple[int, ...], str], list[str]] = {}  # rules with the same stops are said together
        for (rule, scale), bs in sizes.items():
            rules.setdefault((tuple(bs), scale), []).append(rule)
        said = [f"{joined(names)} at {_sizes(bs, scale)}" for (bs, scale), names in
                sorted(rules.items(), key=lambda item: not item[0][1].startswith(SCALES["paper"]))]
        lines.append(f"- **{DATASET_NAMES.get(dataset, dataset)}**: {'; '.join(said)}")
    named = _named(table)
    left_out = named.drop(index=runs.index)
    if not left_out.empty:
        lines.append("\nNot offered, because the same data set, rule and B has runs at a larger scale (shown alone, "
                     "not in a mean over both): " + "; ".join(
                         f"{DATASET_NAMES.get(d, d)} {rule} at B = {b}, {len(part)} runs ({_scale_said(part)})"
                         for (d, rule, b), part in left_out.groupby(CHOICE, sort=False)) + ".")
    return "\n".join(lines)


def _scale_said(runs: pd.DataFrame) -> str:
    """'reduced scale, 3 epochs, 5,000 training examples': one scale's runs in words (`SCALE`)."""
    first = runs.iloc[0]
    return f"{_scale(runs)}, {counted(int(first['epochs']), 'epoch')}, {first['train_size']:,} training examples"


def _sizes(sizes: tuple[int, ...], scale: str) -> str:
    """'B = 256 (reduced scale, …)', 'B = 128 and 256 (…)', 'B = 1 to 1024 (9 sizes; …)'."""
    if len(sizes) <= 2:
        return f"B = {' and '.join(str(b) for b in sizes)} ({scale})"
    return f"B = {sizes[0]} to {sizes[-1]} ({len(sizes)} sizes; {scale})"


def static_slider(table: pd.DataFrame, history: pd.DataFrame, element_id: str = "bs-explorer") -> str:
    """HTML: a data-set and LR-rule choice and a batch-size slider over pre-rendered choices (every seed)."""
    runs = offered(table)
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
  function fillRules() {{  // the LR rules this data set has runs for; the paper's linear rule (its recipe) first
    const rules = Object.keys(combos).filter((k) => k.startsWith($(".bs-dataset").value + "|"))
      .map((k) => k.split("|")[1]);
    $(".bs-rule").innerHTML = rules.map((r) => `<option value="${{r}}">${{r}}</option>`).join("");
    const recipe = rules.find((r) => r === "linear" || r.endsWith("{RECIPE}"));
    if (recipe) $(".bs-rule").value = recipe;
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

    runs = offered(table)
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
