"""Sphinx extension: the library's code in the site. The API page (book/api.md) documents every module of
`batchsize` with autodoc, so that `sphinx.ext.viewcode` adds each module's source as a page of the site; a figure's
caption links there (`book.code_link`).

Autodoc imports the modules of this checkout (its `lib/` first on the path, not another installed copy). The
docstrings are written as plain text for people reading the code, not as reStructuredText (`|G|²`, `α`-subscripts,
indented lists): the API page shows each verbatim, so that none can fail the build's --warningiserror.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx.application import Sphinx

LIB = Path(__file__).resolve().parents[2] / "lib"


def verbatim(app: Sphinx, what: str, name: str, obj: object, options: dict, lines: list[str]) -> None:
    if any(line.strip() for line in lines):
        lines[:] = [".. code-block:: text", "   :class: bs-docstring", "", *(f"   {line}" for line in lines), ""]


def setup(app: Sphinx) -> dict:
    sys.path.insert(0, str(LIB))
    app.connect("autodoc-process-docstring", verbatim)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
