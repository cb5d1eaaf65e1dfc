"""Every chapter runs end-to-end under papermill on the smoke profile, as a reader would re-execute it."""

from __future__ import annotations

import os
from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.py"))
TIMEOUT_S = 600  # per cell; a smoke chapter takes about a minute on 2 cores


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


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_runs_under_papermill(notebook: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BATCHSIZE_STATIC", "1")  # no ipywidgets in a headless run
    source = tmp_path / f"{notebook.stem}.ipynb"
    nbformat.write(jupytext.read(notebook), source)
    out = tmp_path / f"{notebook.stem}-out.ipynb"
    papermill.execute_notebook(source, out, parameters={"profile": "smoke"}, cwd=str(notebook.parent),
                               kernel_name="python3", execution_timeout=TIMEOUT_S, progress_bar=False,
                               log_output=False)
    executed = nbformat.read(out, as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert os.path.getsize(out) > 0


def test_a_parameter_of_the_wrong_type_fails_in_one_line(tmp_path: Path):
    """`papermill ... -p seeds three` stops at the first code cell with a message naming the parameter."""
    source = tmp_path / "protocol.ipynb"
    nbformat.write(jupytext.read(REPO / "notebooks" / "protocol.py"), source)
    with pytest.raises(papermill.PapermillExecutionError, match="parameter seeds='three'"):
        papermill.execute_notebook(source, tmp_path / "out.ipynb", parameters={"profile": "smoke", "seeds": "three"},
                                   cwd=str(REPO / "notebooks"), kernel_name="python3", progress_bar=False)
