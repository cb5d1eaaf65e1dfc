"""Sphinx extension: the download menu offers every chapter's executed notebook (.ipynb) beside its source, and no
".pdf".

The book theme lists an .ipynb only for chapters written as .ipynb or MyST Markdown; ours are jupytext .py files
(which the menu already offers as the source). MyST-NB writes each executed chapter to `jupyter_execute/`; this
copies it next to the source in `_sources/` and names it to the theme. The theme's ".pdf" entry only prints the
page (window.print()), and no option removes it alone: no PDF of the book is built, so none is offered.
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


def drop_print_button(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"] = [b for b in group["buttons"] if b.get("label") != "download-pdf-button"]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_notebook)  # priority 500: before the theme's buttons (501)
    app.connect("html-page-context", drop_print_button, priority=502)  # after them
    return {"parallel_read_safe": True, "parallel_write_safe": True}
