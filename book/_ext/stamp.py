"""Sphinx extension: the foot of every page says when the site was built and from which commit, and links to how
to cite it (the landing page's section). The numbers of the book change as runs accumulate: a citation, a
screenshot or a printout names the build it shows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sphinx.application import Sphinx

from batchsize.version import git_commit


def setup(app: Sphinx) -> dict:
    built = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    commit = git_commit()  # the checkout the book was built from ('+dirty': with uncommitted changes)

    def add_stamp(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
        cite = ("" if pagename == "book/intro" else context["pathto"]("book/intro")) + "#how-to-cite"
        stamp = (f'<p class="bs-stamp">Built {built} from commit <code>{commit}</code> · '
                 f'<a href="{cite}">How to cite</a></p>')
        context["theme_extra_footer"] = context.get("theme_extra_footer", "") + stamp

    app.connect("html-page-context", add_stamp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
