"""Sphinx extension: offer every chapter's executed notebook (.ipynb) in the download menu beside its source.

The book theme lists an .ipynb only for chapters written as .ipynb or MyST Markdown; ours are jupytext .py files
(which the menu already offers as the source). MyST-NB writes each executed chapter to `jupyter_execute/`; this
copies it next to the source in `_sources/` and names it to the theme.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx


def add_notebook(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_notebook)  # priority 500: before the theme's buttons (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
