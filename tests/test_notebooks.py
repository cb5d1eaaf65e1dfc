"""Every chapter has one `parameters` cell, runs end-to-end in the smoke book, and takes papermill's parameters as a
reader re-executing it would give them."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest

from conftest import BOOK_SITE, REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.py"))


def test_every_chapter_is_in_the_table_of_contents():
    toc = (REPO / "_toc.yml").read_text()
    missing = [nb.stem for nb in NOTEBOOKS if f"notebooks/{nb.stem}" not in toc]
    assert not missing, f"chapters missing from _toc.yml: {missing}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_parameters_cell(notebook: Path):
    cells = jupytext.read(notebook).cells
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged `parameters`"
    for name in ("profile", "device", "seeds", "data_dir", "store"):
        assert f"\n{name} = " in "\n" + tagged[0].source, f"parameter {name} missing"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_every_chapter_ran_end_to_end_in_the_smoke_book(notebook: Path):
    """Every chapter as the smoke book executed it (`make test` builds it first, on the smoke profile): every code
    cell ran, none raised. The book's build fails on an error itself; this says which chapter, and that none was
    left out. (They were executed a second time under papermill here, which did what the build had done;
    papermill's own route, a parameter injected into a chapter, is run by the test below and by README's
    papermill command in `tests/test_docs_commands.py`.)"""
    executed = BOOK_SITE.parent / "jupyter_execute" / "notebooks" / f"{notebook.stem}.ipynb"
    if not BOOK_SITE.is_dir():
        pytest.skip(f"no built book at {BOOK_SITE}: run `make book PROFILE=smoke BOOK_OUT=_build/smoke` first")
    assert executed.is_file(), f"the smoke book did not execute {notebook.name}"
    cells = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
    errors = [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert [c.source for c in cells] == [c.source for c in jupytext.read(notebook).cells if c.cell_type == "code"], \
        "the smoke book is older than this chapter: build it again"
    assert not errors
    assert all(c.get("execution_count") for c in cells if c.source.strip()), "a code cell did not run"


def test_a_parameter_of_the_wrong_type_fails_in_one_line(tmp_path: Path):
    """`papermill ... -p seeds three` stops at the first code cell with a message naming the parameter."""
    source = tmp_path / "protocol.ipynb"
    nbformat.write(jupytext.read(REPO / "notebooks" / "protocol.py"), source)
    with pytest.raises(papermill.PapermillExecutionError, match="parameter seeds='three'"):
        papermill.execute_notebook(source, tmp_path / "out.ipynb", parameters={"profile": "smoke", "seeds": "three"},
                                   cwd=str(REPO / "notebooks"), kernel_name="python3", progress_bar=False)
