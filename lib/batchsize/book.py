"""What every chapter of the book does: pick the profile, get its runs from the store, say where they came from.

Notebooks never train directly: `section_table` asks the sweep for a section's configs, which trains only what
the store lacks (nothing, when the committed `results/quick` or `results/paper` store has them). Every figure
and table goes out through `publish`, which adds the provenance caption and a CSV download of its data.
"""

from __future__ import annotations

import base64
import html
import inspect
import io
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch

from .captions import provenance, reader_words
from .config import RunConfig, UserError
from .data import load_dataset
from .datasets import DATASET_NAMES, SECTION_OF
from .models import build_model
from .params import check_parameters
from .plan import get_profile, section_configs, weights_wanted
from .store import REPO_ROOT, RunStore, config_of, default_store, load_history
from .style import number, quantity_of
from .sweep import run_sweep

if TYPE_CHECKING:  # matplotlib and the Styler's jinja2 are imported only where a chapter draws or shows
    from IPython.display import SVG
    from matplotlib.figure import Figure
    from pandas.io.formats.style import Styler

PROFILE_ENV = "BATCHSIZE_BOOK_PROFILE"  # `make book PROFILE=smoke` sets it for every chapter
CODE = "../_modules/"  # the library's source in the site (sphinx.ext.viewcode), from a chapter's page (notebooks/)
THREADS_ENV = "BATCHSIZE_THREADS"  # torch threads in a chapter's kernel (default 1, see Chapter)


def resolve_profile(profile: str, sections: list[str], dataset: str | None = None) -> str:
    """'auto': $BATCHSIZE_BOOK_PROFILE if set, else `paper` where its store has every run of `sections` (of
    `dataset` alone, if given), else `quick` (trained on the spot if the committed store lacks runs)."""
    if profile != "auto":
        return profile
    if os.environ.get(PROFILE_ENV, "auto") != "auto":
        return os.environ[PROFILE_ENV]
    paper = default_store("paper")
    complete = all(paper.has(c) for s in sections for c in section_configs("paper", s)
                   if dataset is None or c.dataset == dataset)
    return "paper" if complete else "quick"


def datasets_of(section: str) -> list[str]:
    """The data sets a section trains, in its order."""
    return list(dict.fromkeys(c.dataset for c in section_configs("paper", section, 1)))


def _stored(section: str, profile: str, store: RunStore, datasets: set[str] | None = None, seeds: int | None = None,
            batch_sizes: list[int] | None = None) -> pd.DataFrame:
    """The runs of one profile's section (of `datasets` only, where given) that `store` holds: no run is trained."""
    finished = [c for c in section_configs(profile, section, seeds, batch_sizes)
                if (datasets is None or c.dataset in datasets) and store.has(c)]
    return run_sweep(finished, store, profile, progress=False).assign(section=section)  # no runs: the columns


class Chapter:
    """One chapter's parameters, resolved once: profile, store, device, seeds, data directory, batch sizes."""

    def __init__(self, sections: list[str], profile: str = "auto", device: str = "auto", seeds: int | None = None,
                 data_dir: str | None = None, store: str | None = None, batch_sizes: list[int] | str | None = None):
        batch_sizes = check_parameters(profile, device, seeds, data_dir, store, batch_sizes)["batch_sizes"]
        # The book's models are small: on a shared CPU, intra-op threads wait on each other far longer than
        # they compute (one thread measured ~80× faster for the MLP analyses on a loaded 2-core machine).
        torch.set_num_threads(int(os.environ.get(THREADS_ENV, "1")))
        self.sections = sections
        self.profile = resolve_profile(profile, sections)
        get_profile(self.profile)  # an unknown $BATCHSIZE_BOOK_PROFILE fails here, in one line
        # 'auto' and the committed stores: each data set of each section on its own, in every chapter and in the
        # report alike, so that a data set renders paper scale wherever its paper runs are complete (the quick
        # profile where not) and a chapter shows the very runs the report judges. A profile or store given by
        # hand: one for all.
        self.per_dataset = profile == "auto" and os.environ.get(PROFILE_ENV, "auto") == "auto" and not store
        self.store = RunStore(store) if store else default_store(self.profile)
        self.device = device
        self.seeds = seeds
        self.data_dir = data_dir or os.environ.get("BATCHSIZE_DATA") or str(REPO_ROOT / "data")
        self.batch_sizes = list(batch_sizes) if batch_sizes else None
        self._read: dict[str, pd.DataFrame] = {}  # each section's table as `table` last read it

    def profile_of(self, section: str, dataset: str | None = None) -> str:
        """The profile that `section` renders for `dataset` (see `per_dataset`); without one, the profile of all of
        the section's data sets, or 'mixed' where they differ."""
        if not self.per_dataset:
            return self.profile
        if dataset is not None:
            return resolve_profile("auto", [section], dataset)
        found = {self.profile_of(section, d) for d in datasets_of(section)}
        return found.pop() if len(found) == 1 else "mixed"

    def _store(self, profile: str) -> RunStore:
        return default_store(profile) if self.per_dataset else self.store

    def _parts(self, section: str) -> dict[str, list[RunConfig]]:
        """The section's configs at the chapter's seeds and batch sizes (see `plan.section_configs`), by the
        profile that each data set renders."""
        if not self.per_dataset:
            return {self.profile: section_configs(self.profile, section, self.seeds, self.batch_sizes)}
        parts: dict[str, list[RunConfig]] = {}
        for dataset in datasets_of(section):
            profile = self.profile_of(section, dataset)
            parts.setdefault(profile, []).extend(c for c in section_configs(profile, section, self.seeds,
                                                                            self.batch_sizes)
                                                 if c.dataset == dataset)
        return parts

    def configs(self, section: str) -> list[RunConfig]:
        """The section's configs, each data set's at the profile it renders."""
        return [c for configs in self._parts(section).values() for c in configs]

    def table(self, section: str) -> pd.DataFrame:
        """One row per run of the section (trained first if the store lacks it), accuracies in percent."""
        tables = [run_sweep(configs, self._store(profile), profile, device=self.device, data_dir=self.data_dir,
                            save_weights=weights_wanted(profile, self.seeds), progress=False)
                  for profile, configs in self._parts(section).items() if configs]
        table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
        if table.empty:
            raise UserError(f"section {section!r} of profile {self.profile_of(section)!r} has no runs")
        self._read[section] = table.assign(section=section)
        return self._read[section].copy()

    def read(self, section: str) -> pd.DataFrame:
        """The section's table as this chapter last read it (`table`), read now where it has not: a page that
        needs another section's runs, which the chapter's code already read, takes them without reading the store
        again (and without checking it again: `table` does, retraining what is missing or damaged)."""
        if section not in self._read:
            self.table(section)
        return self._read[section].copy()

    def paper_so_far(self, section: str) -> pd.DataFrame:
        """The paper profile's runs finished so far of the section's data sets that render another profile (their
        paper sweep spans sessions): what paper scale says as yet, to show beside them, never as their result.
        Empty where every data set renders `paper`, or where the chapter's profile or store was chosen by hand."""
        if not self.per_dataset:
            return pd.DataFrame()
        behind = {d for d in datasets_of(section) if self.profile_of(section, d) != "paper"}
        return self.paper_stored(section, behind)

    @staticmethod
    def paper_stored(section: str, datasets: set[str] | None = None) -> pd.DataFrame:
        """The paper profile's runs of the section (of `datasets` only, where given) that its store holds, whether
        or not the section is complete: what the paper's scale says as yet, whatever the chapter renders (with no
        rows, the run table's columns)."""
        return _stored(section, "paper", default_store("paper"), datasets)

    def stored(self, section: str) -> pd.DataFrame:
        """The section's runs that the chapter's stores hold, at each scale it could render (paper and quick for
        'auto', else its own), never training one: a section shown as far as its sweeps went (the explorer)."""
        profiles = ("paper", "quick") if self.per_dataset else (self.profile,)
        return pd.concat([_stored(section, p, self._store(p), None, self.seeds, self.batch_sizes) for p in profiles],
                         ignore_index=True)

    def model(self, run: pd.Series) -> torch.nn.Module:
        """The trained network of a run of the `weights` section, in eval mode, on the CPU."""
        config = config_of(run)
        model = build_model(config.model, config.seed)
        model.load_state_dict(self.weights_store(run).load_weights(config))
        return model.eval()

    def weights_store(self, run: pd.Series) -> RunStore:
        """The store holding a run's weights: its own profile's when sections mix profiles."""
        return self._store(run["prov_profile"])

    def eval_set(self, run: pd.Series, n: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """The run's own test set (its profile's subset), cut to its first `n` examples: one fixed evaluation
        set for every batch size of a data set."""
        data = self._data(run)
        return data.x_test[:n], data.y_test[:n]

    def train_set(self, run: pd.Series) -> tuple[torch.Tensor, torch.Tensor]:
        """The training set (or subset) the run was trained on."""
        data = self._data(run)
        return data.x_train, data.y_train

    def _data(self, run: pd.Series):
        n_train, n_test = (None if pd.isna(v) else int(v) for v in (run["n_train"], run["n_test"]))
        return load_dataset(run["dataset"], self.data_dir, n_train, n_test)

    def history(self, table: pd.DataFrame) -> pd.DataFrame:
        """Per-epoch curves of the runs in `table`."""
        stores = [default_store(p) for p in table["prov_profile"].unique()] if self.per_dataset else [self.store]
        curves = pd.concat([load_history(s, key=list(table["key"])) for s in stores], ignore_index=True)
        return curves.merge(table[["key", "train_size"]], on="key")


def paper_progress(section: str, done: pd.DataFrame) -> str:
    """'The paper profile's <section> sweep spans sessions: N of M runs are finished', for the runs that
    `Chapter.paper_so_far` returned (M: the paper runs of their data sets)."""
    datasets = set(done["dataset"])
    total = sum(c.dataset in datasets for c in section_configs("paper", section))
    return f"The paper profile's {section} sweep spans sessions: {len(done)} of {total} runs are finished"


def sections_of(datasets: list[str]) -> list[str]:
    """The sweep sections that train `datasets` (the three synthetic sets share one), in their order."""
    return list(dict.fromkeys(SECTION_OF[d] for d in datasets))


def glue(**values: object) -> None:
    """Hand computed values to the chapter's prose (`{glue:text}` in a markdown cell), so that no number of a
    chapter's text is typed: each is glued from the computation or from `paper`, without being displayed here."""
    from myst_nb import glue as glue_one

    for name, value in values.items():  # numpy scalars as Python's: `{glue:text}` formats what it can parse
        glue_one(name, value.item() if isinstance(value, np.generic) else value, display=False)


def csv_link(data: pd.DataFrame, name: str) -> str:
    """An HTML link that downloads `data` as CSV from the page itself (a data: URI, no server needed)."""
    payload = base64.b64encode(data.to_csv(index=False).encode()).decode()
    return f'<a download="{slug(name)}.csv" href="data:text/csv;base64,{payload}">Download the data (CSV)</a>'


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


HEADERS = {"dataset": "data set"}  # a column's header where its name is no word


def styled(table: pd.DataFrame, precision: int = 2, na_rep: str = "—") -> Styler:
    """A table as the book prints it, narrow enough for the page. Verdict columns come first (after the column that
    names the row); an interval's columns (`x CI low`, `x CI high`, or `CI low` after `x`) fold into their estimate's
    cell, under its mean. Pandas turns an integer column with a missing value into floats (seeds `1.000`, sizes
    `2000.0`) and prints booleans and lists as Python does; here every number is in the house style of its column's
    quantity (`style.number`: batch sizes as 1024, counts and sizes thousands separated, accuracies and ratios with 2
    decimals, p-values with 2 significant digits, ...; `precision` decimals where the column's name says nothing),
    booleans show yes/no, lists their items, missing values `na_rep`; headers have spaces for underscores, data sets
    their names; text is left-aligned, numbers right (book.css). The CSV keeps the raw values. `.format({column: ...})`
    chained to it reformats that column only (pandas alone would reset every other column to 6 decimals)."""
    formats = {column: _column_format(column, table[column].dropna(), precision) for column in table.columns}
    shown, folded = table.copy(), _intervals(table)
    for estimate, (low, high) in folded.items():
        show = formats[estimate] or str
        shown[estimate] = [v if pd.isna(v) else show(v) + _interval(show, lo, hi, v)
                           for v, lo, hi in zip(table[estimate], table[low], table[high], strict=True)]
        shown = shown.drop(columns=[low, high])
        formats[estimate] = None
    shown = shown[_verdicts_first(list(shown.columns), table)]
    if "dataset" in shown:  # the reader's names ("Synthetic 1K"), not the store's ids; the CSV keeps the ids
        shown["dataset"] = shown["dataset"].map(lambda name: DATASET_NAMES.get(name, name))
    numeric = {c: pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
               for c in shown.columns}
    text = pd.DataFrame({c: "" if numeric[c] else "bs-text" for c in shown.columns}, index=shown.index)
    styler = (shown.style.hide(axis="index").set_table_attributes('class="bs-table"').set_td_classes(text)
              .format({c: f for c, f in formats.items() if f and c in shown}, precision=precision, na_rep=na_rep)
              .relabel_index([HEADERS.get(c, str(c).replace("_", " ")) + (" [95\u00a0%\u00a0CI]" if c in folded else "")
                              for c in shown.columns], axis="columns"))
    format_all = styler.format

    def format_columns(formatter=None, subset=None, **options):
        if isinstance(formatter, dict) and subset is None:
            subset = list(formatter)
        return format_all(formatter, subset=subset, **options)

    styler.format = format_columns
    return styler


def _intervals(table: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Each estimate column with the two columns of its interval: `x CI low` and `x CI high` beside `x`, or an
    unprefixed `CI low` / `95% CI low` after it (a p-value has none)."""
    columns = [str(c) for c in table.columns]
    found = {}
    for i, column in enumerate(columns):
        low = re.fullmatch(r"(.*?)\s*(?:95\s?% )?ci low", column, re.IGNORECASE)
        paired = re.sub(r"low$", "high", column, flags=re.IGNORECASE).lower()  # "CI Low" pairs with "CI High"
        high = next((c for c in columns if c.lower() == paired), None)
        if not low or high is None:
            continue
        before = [c for c in columns[:i] if not re.search(r"ci (low|high)$", c, re.I) and quantity_of(c) != "p"]
        estimate = low[1] if low[1] in columns else before[-1] if before else None
        if estimate and pd.api.types.is_numeric_dtype(table[estimate]) and estimate not in found:
            found[estimate] = (column, high)
    return found


def _interval(show: Callable[[object], str], low: float, high: float, mean: float) -> str:
    if pd.isna(low) or pd.isna(high) or low == high == mean:
        return ""
    return f'<span class="bs-ci">[{show(low)}, {show(high)}]</span>'


def _verdicts_first(columns: list, table: pd.DataFrame) -> list:
    """The columns with the verdicts moved up, after the first column and the text columns right after it that
    come before any verdict (what names a row: B, or a data set, or B and its LR rule)."""
    verdicts = [c for c in columns if str(c).startswith("verdict")]
    lead = 1
    while lead < len(columns) and columns[lead] in table and not pd.api.types.is_numeric_dtype(table[columns[lead]]) \
            and not str(columns[lead]).startswith("verdict"):
        lead += 1
    rest = [c for c in columns if c not in verdicts]
    return rest[:lead] + verdicts + rest[lead:]


def _column_format(column: object, values: pd.Series, precision: int) -> Callable[[object], str] | None:
    if len(values) and values.map(lambda v: isinstance(v, bool | np.bool_)).all():
        return lambda v: "yes" if v else "no"
    if len(values) and values.map(lambda v: isinstance(v, list | tuple)).all():
        return lambda v: ", ".join(map(str, v))
    if not (len(values) and pd.api.types.is_numeric_dtype(values)):
        return None
    quantity = quantity_of(column)
    if quantity in ("value", "ratio", "r") and (values % 1 == 0).all():
        quantity = "count"  # seeds, epochs, sizes: whole numbers
    return lambda v: number(v, quantity, decimals=precision)


def publish(what: Figure | Styler | pd.DataFrame | None, caption: str, data: pd.DataFrame, name: str,
            runs: pd.DataFrame | None = None) -> None:
    """Show a figure (as SVG) or a table (a DataFrame goes through `styled`) with its caption, the provenance of
    `runs` (default: `data`) and a CSV link; `None` captions what the cell has just displayed itself."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    if isinstance(what, pd.DataFrame):
        what = styled(what)
    if what is not None:
        display(_svg(what) if isinstance(what, plt.Figure) else what)
    source = data if runs is None else runs
    prov = provenance(source) if {"prov_profile", "seed"} <= set(source.columns) else ""
    text = caption_html(f"**{reader_words(name)}.** {caption} {prov}")
    if isinstance(what, plt.Figure):
        code = code_link(what.get_label())
    else:  # a table: the library function that published it computed it (a chapter's own cell shows its code)
        caller = inspect.currentframe().f_back
        code = code_link(f"{caller.f_globals['__name__']}.{caller.f_code.co_qualname}", "made")
    display(HTML(f'<p class="bs-caption">{text}<br>{csv_link(data, name)}{code}</p>'))


def code_link(qualified_name: str, verb: str = "drew") -> str:
    """' · The code that drew it', linked to the source of the library function named (a figure's label, from
    `plots.drawn_by`: 'batchsize.plots.lr_rules'; or the function that made a table), as the site shows it
    (`sphinx.ext.viewcode`'s page of the module, from a chapter's page); nothing for a name outside the library."""
    module, _, function = qualified_name.rpartition(".")
    if not module.startswith("batchsize."):
        return ""
    href = f"{CODE}{module.replace('.', '/')}.html#{function}"
    return f' · <a href="{href}">The code that {verb} it (<code>{html.escape(qualified_name)}</code>)</a>'



def _svg(fig: Figure) -> SVG:
    """The figure as SVG (vector: sharp at any zoom and in print; rasterized artists at 200 dpi), then closed
    so that the inline backend does not show it a second time as a PNG."""
    import matplotlib.pyplot as plt
    from IPython.display import SVG

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", dpi=200, bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return SVG(buffer.getvalue())


def caption_html(text: str) -> str:
    """A caption written in Markdown's inline style as HTML (captions are HTML, not Markdown): escaped, then
    **bold** as <b> and `code` as <code>, so neither asterisks nor backticks reach the page."""
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
