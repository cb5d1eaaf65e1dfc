"""One truth per data set: every row of the report links to a section of a chapter, and that section shows the very
runs the row's rule judged.

Cheap on purpose: the committed stores (results/paper, results/quick) are read through `book.Chapter`, as the
chapters and the report read them; nothing is trained (the test fails if a run is missing) and nothing measured.
For each claim:
- the report's side: the rows of `report_inputs.report_runs` (built from the report notebook's own `book.Chapter`)
  that the rule reads: the tables it opens, and in them the data sets whose removal changes its row (or every data
  set, where its tables are measurements this test does not make); and, where a data set's paper sweep is still
  running, the paper-scale runs finished so far on which `report.evaluate_so_far` judges that data set's claims;
- the chapter's side: what the claim's chapter renders of those data sets: the runs of the sections its own
  `book.Chapter` declares, each data set at the profile the chapter resolves for it, and the paper-scale runs
  finished so far where the claim's section shows them (its code calls `paper_so_far` or `paper_scale_so_far`);
  for a run table that is no section's runs (`SHOWN_BY`), what the section's call of its `report_inputs` function
  gives.
The two must be the same runs (the same run keys); the section must exist under the heading the claim names.
"""

from __future__ import annotations

import ast

import jupytext
import pandas as pd
import pytest

from batchsize import analysis, book, datasets, overview, report, report_inputs, sweep, timing
from batchsize.stats import NotTestable
from conftest import REPO

NOTEBOOKS = REPO / "notebooks"
RUN_TABLES = ("accuracy", "histories", "lr-scaling", "sharpness", "surface_rise", "variance_fits", "critical_runs",
              "mnist-largest-batch")
# Run tables that are no section's runs, and the `analysis` function that gives them: the claim's section must call
# it, and what it gives there is what the chapter shows.
SHOWN_BY = {"mnist-largest-batch": "largest_batch_runs"}
# A claim whose chapter cannot show the same runs today: claim id -> why (an expected failure, reported as such).
CANNOT_SHOW_YET: dict[str, str] = {}


def cells(chapter: str) -> list:
    return jupytext.read(NOTEBOOKS / f"{chapter}.py").cells


def declared_sections(chapter: str) -> list[str]:
    """The sections of the chapter's `book.Chapter(...)`: its first argument (a list, `[*PAPER_SECTIONS, …]` or
    `book.sections_of(<parameter>)`) evaluated with the chapter's parameters and the registry's lists."""
    parameters = next(c.source for c in cells(chapter) if "parameters" in c.metadata.get("tags", []))
    names = {"book": book, "report": report, "PAPER_SECTIONS": datasets.PAPER_SECTIONS, "SYNTHETIC": datasets.SYNTHETIC,
             "CRITICAL_SECTIONS": datasets.CRITICAL_SECTIONS}
    names |= {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(parameters).body
              if isinstance(node, ast.Assign)}
    for c in cells(chapter):
        if c.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(c.source)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Chapter":
                return list(eval(compile(ast.Expression(node.args[0]), chapter, "eval"), names))
    raise AssertionError(f"{chapter} makes no book.Chapter")


def section_source(chapter: str, heading: str) -> str:
    """The code of the chapter's section under `heading`, up to the next heading of its level or above."""
    found, level, code = False, 0, []
    for c in cells(chapter):
        if c.cell_type == "markdown":
            for line in c.source.splitlines():
                hashes = len(line) - len(line.lstrip("#"))
                if hashes and line[hashes:].strip() == heading:
                    found, level = True, hashes
                elif hashes and found and hashes <= level:
                    return "\n".join(code)
        elif found:
            code.append(c.source)
    assert found, f"{chapter} has no heading {heading!r}"
    return "\n".join(code)


@pytest.fixture(scope="module")
def stores():
    """`book.Chapter` on the committed stores, auto profile, training nothing."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(book.PROFILE_ENV, raising=False)
        patch.setattr(book.torch, "set_num_threads", lambda n: None)

        def refuse(group, *args, **kwargs):
            raise AssertionError(f"the committed stores lack {[c.key() for c in group]}: this test trains nothing")

        patch.setattr(sweep, "train_and_store", refuse)
        chapters: dict[str, book.Chapter] = {}

        def chapter(name: str) -> book.Chapter:
            if name not in chapters:
                chapters[name] = book.Chapter(declared_sections(name))
            return chapters[name]

        yield chapter


@pytest.fixture(scope="module")
def judged(stores):
    """What the report judges: the runs behind each table, and the tables as cheap rules read them."""
    chapter = stores("report")
    runs = report_inputs.report_runs(chapter)
    tables = {**runs, "histories": chapter.history(runs["histories"]), "cnn-speed": timing.cnn_speed()}
    so_far = {s: chapter.paper_so_far(s) for s in report.DATASET_CLAIMS}
    return chapter, runs, tables, so_far


class Reading(dict):
    """The tables a rule opens."""

    def __init__(self, tables: dict):
        super().__init__(tables)
        self.read: set[str] = set()

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)

    def __contains__(self, name):
        self.read.add(name)
        return super().__contains__(name)

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)


def outcome(claim, tables: dict, profile: str):
    """The claim's row on `tables`, or None where its rule needs tables this test does not make (measurements)."""
    try:
        return claim.test(tables, profile)
    except NotTestable as why:
        return str(why)
    except Exception:  # a measurement table given as the runs behind it
        return None


def without(tables: dict, dataset: str) -> dict:
    gone = set(tables["accuracy"].loc[tables["accuracy"]["dataset"] == dataset, "key"])
    gone |= set(tables["critical_runs"].loc[tables["critical_runs"]["dataset"] == dataset, "key"])
    return {name: table[table["dataset"] != dataset] if "dataset" in table else
            table[~table["key"].isin(gone)] if "key" in table else table for name, table in tables.items()}


def report_keys(claim, judged) -> tuple[set[str], set[str], set[str]]:
    """The run keys the report judges for `claim`, the tables it reads and the data sets in them it judges."""
    chapter, runs, tables, so_far = judged
    reading = Reading(tables)
    first = outcome(claim, reading, chapter.profile)
    read = reading.read & set(RUN_TABLES)
    everything = set().union(*(runs[t]["dataset"] for t in read))
    datasets = (everything if first is None else
                {d for d in everything if outcome(claim, without(tables, d), chapter.profile) != first})
    keys = set()
    for section, ids in report.DATASET_CLAIMS.items():  # judged on the paper runs finished so far, too
        if claim.id in ids and not so_far[section].empty:
            keys |= set(so_far[section]["key"])
            datasets |= set(so_far[section]["dataset"])
    keys |= {k for t in read for k in runs[t].loc[runs[t]["dataset"].isin(datasets), "key"]}
    return keys, read, datasets


def chapter_keys(claim, read: set[str], datasets: set[str], stores) -> set[str]:
    """The run keys the claim's chapter renders of `datasets` for the tables the rule reads."""
    chapter, declared = stores(claim.chapter), declared_sections(claim.chapter)
    if read <= set(SHOWN_BY):
        source = section_source(claim.chapter, claim.section)
        for table in read:
            assert f"report_inputs.{SHOWN_BY[table]}(" in source, f"{claim.section} does not show {table}"
        shown = pd.concat([getattr(report_inputs, SHOWN_BY[table])(chapter) for table in sorted(read)])
        return set(shown.loc[shown["dataset"].isin(datasets), "key"])
    shows_so_far = any(call in section_source(claim.chapter, claim.section)
                       for call in ("paper_so_far", "paper_scale_so_far"))
    wanted = set(book.sections_of(sorted(datasets)))
    if "critical_runs" in read and any(d.startswith("synthetic") for d in datasets):
        wanted.add("dataset-size")
    if "lr-scaling" in read:
        wanted = {"lr-scaling"}
    missing = wanted - set(declared)
    assert not missing, f"{claim.chapter} does not render the sections {sorted(missing)} that {claim.id} judges"
    if not wanted:
        return set()
    shown = pd.concat([chapter.table(s) for s in sorted(wanted)] +
                      [chapter.paper_so_far(s) for s in sorted(wanted) if shows_so_far], ignore_index=True)
    shown = shown[shown["dataset"].isin(datasets)]
    if read & {"sharpness", "surface_rise"}:  # the runs whose weights the analyses load, as `report_runs` picks them
        shown = analysis.with_weights(chapter, shown)
    if "variance_fits" in read:
        kept = analysis.with_weights(chapter, shown)
        shown = analysis.base_batch_models(kept, sorted(datasets))
    return set(shown["key"])


@pytest.mark.parametrize("claim", [pytest.param(c, id=c.id, marks=pytest.mark.xfail(reason=CANNOT_SHOW_YET[c.id]))
                                   if c.id in CANNOT_SHOW_YET else pytest.param(c, id=c.id) for c in report.claims()])
def test_a_claims_chapter_section_shows_the_runs_its_rule_judges(claim, judged, stores):
    keys, read, datasets = report_keys(claim, judged)
    assert read, f"{claim.id} reads no run table"
    shown = chapter_keys(claim, read, datasets, stores)
    assert keys == shown, (f"{claim.id}: judged but not shown {sorted(keys - shown)[:5]}, shown but not judged "
                           f"{sorted(shown - keys)[:5]}")


def test_every_claim_links_the_section_of_its_chapter():
    for claim in report.claims():
        section_source(claim.chapter, claim.section)  # the heading exists in the chapter
        assert overview.evidence_link(claim.chapter, claim.section).startswith(f"{claim.chapter}.html#")
