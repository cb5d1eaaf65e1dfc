"""No typed results in the chapters' prose: every number of ours (and every number quoted from the paper) that a
markdown cell shows is glued from the computation or from `batchsize.paper` (`{glue:text}`), never typed.

The rule, small on purpose. After removing glue references, citations, inline code and fenced code blocks (those
that name their language; a MyST directive such as ```{note} is prose), a markdown cell fails if it has
- a decimal number (0.023, 89.5, p < 0.001), or
- a number followed by %, × or pp (98 %, 6.9×, 2 pp), or
- a statistic set equal to a number (r = 1, p = 1, R² = 1, t = 13, τ = 1),
unless the match is part of a stated setting in `SETTINGS`. Integers alone pass: section, figure, table and
equation numbers, citations, years, batch sizes and sizes the design chooses (B = 32 against 512, N = 800).
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.py"))
SETTINGS = ("ε = 0.1", "95 % interval", "95% interval")  # settings the text states (the paper's ε), not results
IGNORED = re.compile(r"\{glue(?::\w+)?\}`[^`]*`|\{cite\}`[^`]*`|^```[a-z]+\n.*?^```$|`[^`\n]+`", re.DOTALL | re.M)
TYPED = re.compile(r"\d+\.\d+|\d+\s?(?:%|×|pp\b)|\b(?:r|p|R²|t|τ)\s?[=<>≈]\s?[-−]?\d")


def typed_numbers(markdown: str) -> list[str]:
    """The typed numbers of one markdown cell that look like results (see the module's rule)."""
    text = IGNORED.sub(" ", markdown)
    for setting in SETTINGS:
        text = text.replace(setting, " ")
    return TYPED.findall(text)


def test_the_rule_catches_a_typed_result_and_passes_glued_and_structural_numbers():
    assert typed_numbers("the gap is 0.023 at B = 512") == ["0.023"]
    assert typed_numbers("accuracy 98 % and a 6.9× ratio, r = 1") == ["98 %", "6.9", "r = 1"]
    assert typed_numbers("up by 2 pp (p = 3)") == ["2 pp", "p = 3"]
    assert typed_numbers("S = {glue:text}`paper_s:.3f` at B = 32 against 512, a {glue:text}`ratio`× ratio") == []
    assert typed_numbers("§IV-E, Fig. 9, Table VII, Eq. 3 {cite}`li2018` (2018), with ε = 0.1, N = 800") == []
    assert typed_numbers("run `batchsize train --lr 0.1`\n```bash\nmake book 2.5\n```") == []
    assert typed_numbers("```{note}\nit fell by 8.1 points\n```") == ["8.1"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_no_markdown_cell_types_a_result(notebook: Path):
    cells = [c.source for c in jupytext.read(notebook).cells if c.cell_type == "markdown"]
    found = {i: typed_numbers(source) for i, source in enumerate(cells)}
    assert not {i: f for i, f in found.items() if f}, "typed numbers in markdown cells (glue them)"


def test_the_papers_quoted_numbers_are_its_tables_and_constants():
    from batchsize import paper

    quoted = paper.quoted()
    assert (quoted["vii_10k_8"], quoted["iii_64"], quoted["iv_1024"]) == (98.15, 99.13, 10.0)
    assert (quoted["iva_1k_8"], quoted["v_drop_512"], quoted["epoch_speedup"]) == (89.5, 8.1, "10–50")
