"""The built book shows no raw Python: no repr of a display object, no traceback, no missing value spelled the
pandas way, no Markdown left in a caption, no whole number printed as a float, no True/False. It reads as a
paper: code folded, every page's build date and commit in its footer, no ".pdf" that only prints the page, the
deviations from the paper on a page of their own.

It scans the smoke book that `make test` builds before the tests run (`conftest.BOOK_SITE`). Each test lists
every offending page and cell, so one run shows all the defects.
"""

from __future__ import annotations

import html
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from conftest import BOOK_SITE as SITE
from conftest import REPO

RAW_PYTHON = ("<IPython.core.display", "object at 0x", "Traceback (most recent call last)", "no data (", "<NA>")
FLOAT_INTEGER = re.compile(r"-?\d[\d,]*\.0+")  # 1.000, 2000.0: a whole number printed as a float


def pages() -> dict[str, str]:
    """Every page of the book (not Sphinx's own search and index pages), by path within the site."""
    if not (SITE / "index.html").is_file():
        pytest.skip(f"no built book at {SITE}: run `make book PROFILE=smoke BOOK_OUT=_build/smoke` first")
    skip = {"genindex.html", "search.html"}
    return {str(p.relative_to(SITE)): p.read_text(encoding="utf-8") for p in sorted(SITE.rglob("*.html"))
            if p.name not in skip and not {"_static", "_sources"} & set(p.relative_to(SITE).parts)}


def chapters() -> dict[str, BeautifulSoup]:
    return {name: BeautifulSoup(text, "html.parser") for name, text in pages().items()
            if name.startswith("notebooks/")}


def test_no_page_shows_raw_python():
    """Markers of Python leaking into a page, in its source or as the reader sees it (HTML-escaped)."""
    found = [f"{name}: {marker!r}" for name, text in pages().items() for marker in RAW_PYTHON
             if marker in text or marker in html.unescape(text)]
    assert not found, "\n".join(found)


def test_captions_have_no_markdown_left():
    """Captions are HTML (book.publish): a `code` span or **bold** must be converted, not printed."""
    found = [f"{name}: {p.get_text()[:120]!r}" for name, soup in chapters().items()
             for p in soup.select("p.bs-caption") if "`" in p.get_text() or "**" in p.get_text()]
    assert not found, "\n".join(found)


def table_columns(table) -> dict[str, list[str]]:
    """A rendered table's cells, column by column, by header text."""
    headers = [th.get_text(strip=True) for th in table.select("thead tr")[-1].find_all("th")] if table.thead else []
    columns: dict[str, list[str]] = {h: [] for h in headers}
    for row in table.select("tbody tr"):
        for header, cell in zip(headers, row.find_all(["td", "th"]), strict=False):
            columns[header].append(cell.get_text(strip=True))
    return columns


def output_tables() -> list[tuple[str, str, list[str]]]:
    """(page, column header, cells) for every column of every table a chapter's code printed."""
    return [(name, header, cells) for name, soup in chapters().items() for table in soup.select(".cell_output table")
            for header, cells in table_columns(table).items()]


def test_whole_numbers_are_printed_as_integers():
    """Seeds, batch sizes, counts: pandas makes a column float when a merge leaves a gap in it (`1.000`,
    `2000.0`). A column whose every value is printed that way holds whole numbers: it should show them so."""
    found = []
    for name, header, cells in output_tables():
        values = [c for c in cells if c not in ("", "—")]
        seeds = re.fullmatch(r"seeds?", header) and any("." in v for v in values)
        if seeds or (len(values) >= 2 and all(FLOAT_INTEGER.fullmatch(v) for v in values)):
            found.append(f"{name}: column {header!r}: {values[:4]}")
    assert not found, "\n".join(found)


def test_booleans_are_printed_as_words():
    found = [f"{name}: column {header!r}: {cells[:4]}" for name, header, cells in output_tables()
             if {"True", "False"} & set(cells)]
    assert not found, "\n".join(found)


def test_figures_are_vector_graphics():
    """Every figure of a chapter is an SVG (sharp in print and at any zoom), not a screen-resolution PNG."""
    found = [f"{name}: {img['src']}" for name, soup in chapters().items() for img in soup.select(".cell_output img")
             if img.get("src") and not img["src"].endswith(".svg")]
    assert not found, "\n".join(found)
    assert any(soup.select(".cell_output img") for soup in chapters().values()), "no figure at all"


def test_every_chapter_offers_its_notebook_and_its_source_for_download():
    missing = []
    for name, soup in chapters().items():
        stem = Path(name).stem
        for suffix in (".ipynb", ".py"):
            link = soup.find("a", href=re.compile(rf"_sources/notebooks/{re.escape(stem)}{re.escape(suffix)}$"))
            if link is None or not (SITE / "_sources" / "notebooks" / f"{stem}{suffix}").is_file():
                missing.append(f"{name}: {suffix}")
    assert not missing, "\n".join(missing)


def test_the_book_names_the_paper_it_reproduces():
    intro = pages()["book/intro.html"]
    assert "Large Batch vs. Small Batch Training" in intro and "github.com/anishpal2235/Batch-Processing" in intro


def test_code_is_folded_and_outputs_stay_visible():
    """Code cells a chapter shows (its parameters too) are folded: their source sits in a closed <details> with a
    toggle (the `hide-input` tag); their figures and tables do not."""
    folded, open_code, hidden_output = 0, [], []
    for name, soup in chapters().items():
        for source in soup.select(".cell_input"):
            fold = source.find_parent("details", class_="hide")
            if fold is None or fold.has_attr("open") or fold.find("summary") is None:
                open_code.append(f"{name}: {source.get_text()[:80]!r}")
            else:
                folded += 1
        hidden_output += [f"{name}: {out.get_text()[:80]!r}" for out in soup.select(".cell_output")
                          if out.find_parent("details") is not None]
    assert not open_code, "code shown unfolded:\n" + "\n".join(open_code)
    assert not hidden_output, "output folded away:\n" + "\n".join(hidden_output)
    assert folded, "no folded code cell at all"


STAMP = re.compile(r"Built (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC from commit ([0-9a-f]{12})(\+dirty)?")


def test_every_page_names_its_build_date_and_commit_and_links_how_to_cite():
    stamps, missing = set(), []
    for name, text in pages().items():
        if text.startswith('<meta http-equiv="Refresh"'):
            continue  # index.html: a redirect to the landing page, no page of its own
        stamp = BeautifulSoup(text, "html.parser").select_one("footer .bs-stamp")
        match = STAMP.search(stamp.get_text(" ", strip=True)) if stamp else None
        cite = stamp.find("a", href=True, string="How to cite") if stamp else None
        if not (match and cite and urljoin(name, cite["href"]) == "book/intro.html#how-to-cite"):
            missing.append(name)
        elif match:
            stamps.add(match.groups())
    assert not missing, "no build date, commit or how-to-cite link in the footer of:\n" + "\n".join(missing)
    assert len(stamps) == 1, f"pages of one build name different builds: {stamps}"
    intro = BeautifulSoup(pages()["book/intro.html"], "html.parser")
    assert intro.find(id="how-to-cite") and "cff-version" in intro.get_text(), "no how-to-cite section to link to"
    built, commit, _ = stamps.pop()
    assert datetime.strptime(built, "%Y-%m-%d %H:%M") <= datetime.now(UTC).replace(tzinfo=None)
    known = subprocess.run(["git", "cat-file", "-t", commit], cwd=REPO, capture_output=True, text=True)
    assert known.stdout.strip() == "commit", f"the footer names {commit}, not a commit of this repository"


def test_no_page_offers_a_pdf_that_only_prints_it():
    found = [name for name, text in pages().items() if "btn-download-pdf-button" in text or "window.print()" in text]
    assert not found, "\n".join(found)
    assert "btn-download-notebook-button" in pages()["notebooks/report.html"], "the download menu is gone too"


def test_the_deviations_page_is_in_the_book_and_linked_from_the_report_and_the_landing_page():
    deviations = BeautifulSoup(pages()["book/deviations.html"], "html.parser")
    text = deviations.get_text(" ")
    for topic in ("bf16", "32-bit", "JPEG", "Kaiming uniform", "he-uniform", "torch-default", "CPU", "Seeds",
                  "Warm-up", "epochs", "quick profile", "paper profile"):
        assert topic in text, f"the deviations page does not mention {topic!r}"
    assert len(deviations.select(".cell_output table.bs-table")) == 2, "the two budget tables are missing"
    for page in ("notebooks/report.html", "book/intro.html"):
        links = BeautifulSoup(pages()[page], "html.parser").select("article a[href]")
        assert any(a["href"].split("#")[0].endswith("deviations.html") for a in links), f"{page} does not link it"
