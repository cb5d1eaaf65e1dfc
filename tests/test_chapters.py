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

import ast
import math
import re
from pathlib import Path

import jupytext
import pandas as pd
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


# Paper numbers typed once (issue 23 item 4): the paper's numbers that cannot be mistaken for a setting or a batch
# size (those with decimals, its ranges "2–6", its sizes "5,000") appear in no claim text, caption or chapter
# parameter: they are formatted from `batchsize.paper`. Integers alone (B = 64, Table IV) pass, as in the prose.
REFERENCES = re.compile(r"§[IVX]+(?:-[A-Z]\d?)*|Tables? [IVX]+|Figs?\.? ?\d+(?:–\d+)?|Eq\. ?\(?\d+\)?"
                        r"|lines? \d+(?:–\d+)?")
NUMBER = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?(?:–\d[\d,]*(?:\.\d+)?)?")


def _flat(value) -> list:
    if isinstance(value, dict):
        return _flat([*value.keys(), *value.values()])
    return [x for v in value for x in _flat(v)] if isinstance(value, tuple | list) else [value]


def _paper_constants() -> list:
    """The values of `paper`'s constants (not its tables), nested ones included, in order."""
    from batchsize import paper

    return [getattr(paper, n) for n in dir(paper) if n.isupper() and not isinstance(getattr(paper, n), pd.DataFrame)]


def _paper_numbers() -> set[str]:
    """The paper's distinctive numbers as text: every value of its tables and constants with decimals ('79.98',
    '0.87', '−0.98'), every range among its constants ('2–6', '1.5–2', '16–32') and the thousands among its
    constants ('5,000': not its tables' data-set sizes, which are the registry's too)."""
    from batchsize import paper

    tables = [paper.table(n).select_dtypes("number").to_numpy().ravel() for n in ("I", "III", "IV", "V", "VI", "VII")]
    values = [float(v) for t in [*tables, paper.SECTION_IVA.select_dtypes("number").to_numpy().ravel()] for v in t]
    values += [v for v in _flat(_paper_constants()) if isinstance(v, int | float)]
    found = {t for v in values if math.isfinite(v) and v != int(v) for t in (f"{v:g}", f"{v:g}".replace("-", "−"))}
    found |= {f"{v:,}" for v in _flat(_paper_constants()) if isinstance(v, int) and v >= 1000}  # Algorithm 2's N
    pairs = [v for c in _paper_constants() for v in [c, *(_flat_tuples(c))]]
    found |= {paper.span(p) for p in pairs if isinstance(p, tuple) and len(p) == 2
              and all(isinstance(x, int | float) for x in p)}
    return found - {"0.1"}  # ε = 0.1 is a setting the text states (`SETTINGS`)


def _flat_tuples(value) -> list:
    """Every tuple nested in `value`."""
    if isinstance(value, dict):
        value = tuple(value.values())
    if not isinstance(value, tuple | list):
        return []
    return [v for v in value if isinstance(v, tuple)] + [t for v in value for t in _flat_tuples(v)]


def _fragments(node: ast.AST):
    """The typed parts of a string expression: constants, and an f-string's text between its fields."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield from (v.value if isinstance(v, ast.Constant) else " " for v in node.values)
    elif isinstance(node, ast.BinOp):
        yield from _fragments(node.left)
        yield from _fragments(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _fragments(node.body)
        yield from _fragments(node.orelse)


def typed_texts(source: str) -> list[str]:
    """A claim's text, paper value and tolerance (`Claim(...)`) and a figure's or table's caption
    (`book.publish(...)`), as typed in `source`."""
    texts = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            args = node.args[2:4] + node.args[5:6] if name == "Claim" else node.args[1:2] if name == "publish" else []
            texts += ["".join(_fragments(a)) for a in args]
    return texts


def typed_paper_numbers(text: str, numbers: set[str]) -> list[str]:
    return [n for n in NUMBER.findall(REFERENCES.sub(" ", text)) if n.rstrip(",") in numbers]


def test_the_paper_number_rule_catches_a_typed_one_and_passes_a_formatted_one():
    numbers = _paper_numbers()
    assert {"79.98", "−0.98", "2–6", "16–32", "5,000", "6.9"} <= numbers
    typed = 'Claim("x", "§IV-A", "degrades 2–6% from 32 to 512", "6.9×", "acc", "within 1 pp")'
    assert [typed_paper_numbers(t, numbers) for t in typed_texts(typed)] == [["2–6"], ["6.9"], []]
    formatted = 'Claim("x", "§IV-A", f"degrades {a}–{b}% (Table IV)", f"{r}×", "acc", "CIFAR-10")'
    assert [typed_paper_numbers(t, numbers) for t in typed_texts(formatted)] == [[], [], []]


SOURCES = sorted([*(REPO / "lib" / "batchsize").glob("claims_*.py"), *NOTEBOOKS])


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_no_claim_text_caption_prose_or_parameter_types_a_paper_number(source: Path):
    numbers, code = _paper_numbers(), source.read_text()
    found = [n for text in typed_texts(code) for n in typed_paper_numbers(text, numbers)]
    if source.parent.name == "notebooks":  # its prose, and no parameter equal to one of the paper's constants
        prose = [IGNORED.sub(" ", c.source) for c in jupytext.read(source).cells if c.cell_type == "markdown"]
        found += [n for text in prose for n in typed_paper_numbers(text, numbers)]
        constants = {v for v in _flat(_paper_constants()) if isinstance(v, float)}
        cell = next(c.source for c in jupytext.read(source).cells if "parameters" in c.metadata.get("tags", []))
        found += [node.value for node in ast.walk(ast.parse(cell))
                  if isinstance(node, ast.Constant) and isinstance(node.value, float) and node.value in constants]
    assert not found, f"paper numbers typed in {source.name}: {found} (format them from `batchsize.paper`)"



# Chapters that read like a paper (issue 23 item 5): prose and one call per section, the captions in the library.
MAX_CODE_LINES = 25


def code_lines(notebook: Path) -> int:
    """Lines of code outside the parameters cell, blank lines and comments left out."""
    cells = [c for c in jupytext.read(notebook).cells
             if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    return sum(bool(line.strip()) and not line.strip().startswith("#") for c in cells for line in c.source.splitlines())


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_a_chapter_has_few_lines_of_code_and_defines_no_function(notebook: Path):
    source = "\n".join(c.source for c in jupytext.read(notebook).cells if c.cell_type == "code")
    assert not [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    assert code_lines(notebook) <= MAX_CODE_LINES, f"{code_lines(notebook)} lines of code: move them to the library"


def test_make_test_pretrains_what_the_checks_chapter_trains():
    """`make test` trains the checks chapter's sections at its seeds before the smoke book, on both cores (code
    review s39: 10): the Makefile's sections and seeds are the chapter's, so the book trains nothing on one core."""
    makefile = (REPO / "Makefile").read_text()
    made = set(re.findall(r"--section (\S+)", re.search(r"^CHECK_SECTIONS = (.*)$", makefile, re.M).group(1)))
    seeds = int(re.search(r"\$\(CHECK_SECTIONS\) --seeds (\d+)", makefile).group(1))
    chapter = ast.parse((REPO / "notebooks" / "checks.py").read_text())
    calls = [node for node in ast.walk(chapter) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr == "Chapter"]
    sections = {s.value for call in calls for s in call.args[0].elts}
    chosen = next(n.value.value for n in ast.walk(chapter) if isinstance(n, ast.Assign)
                  and getattr(n.targets[0], "id", None) == "seeds")
    assert calls and made == sections and seeds == chosen
