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

from batchsize.style import DECIMALS, SIGNIFICANT, quantity_of
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


def without_library_code(name: str, text: str) -> str:
    """A page without the library's code it shows on purpose: the source pages (`_modules/`) and the API page's
    docstrings, where `<NA>` is pandas' name for a missing value, not a leak."""
    if name.startswith("_modules/"):
        return ""
    soup = BeautifulSoup(text, "html.parser")
    for docstring in soup.select(".bs-docstring"):
        docstring.decompose()
    return str(soup)


def test_no_page_shows_raw_python():
    """Markers of Python leaking into a page, in its source or as the reader sees it (HTML-escaped)."""
    shown = {name: without_library_code(name, text) for name, text in pages().items()}
    found = [f"{name}: {marker!r}" for name, text in shown.items() for marker in RAW_PYTHON
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
    `2000.0`). A column whose every value is printed that way holds whole numbers: it should show them so, unless
    its quantity has decimals or significant digits in the house style (an accuracy of 3.00 %, a ratio of 2.00, a
    p-value of 1.0: `style.quantity_of`)."""
    found = []
    for name, header, cells in output_tables():
        values = [c for c in cells if c not in ("", "—")]
        seeds = re.fullmatch(r"seeds?", header) and any("." in v for v in values)
        measured = quantity_of(header.split(" [95")[0]) in DECIMALS | SIGNIFICANT.keys()  # a p of 1.0: 2 digits
        if seeds or (not measured and len(values) >= 2 and all(FLOAT_INTEGER.fullmatch(v) for v in values)):
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


# What a reader should never see (issue 25), each with what it looks like, in a page's visible text (code, folded
# code cells and the page's own scripts aside: a command may well show /tmp/out.ipynb).
DEFECTS = {
    "a correlation with more than 3 decimals": re.compile(r"\b[rρ]\s?=\s?[-−]?\d\.\d{4,}"),
    "a range of one value (5–5 seeds)": re.compile(r"\b(\d+)\s?[–-]\s?\1 seeds?\b"),
    "a stray '(paper …)'": re.compile(r"\(\s*paper …"),
    "a literal backtick": re.compile(r"`"),
    "a raw subscript (σ̂²_B)": re.compile(r"[²σ̂]_\w"),
    "a signed zero (+0.0 pp, −0.00)": re.compile(r"(?<![\d.,])[+\-−]0\.0+(?![\d.])"),
    "a path of the build machine": re.compile(r"(?<![\w.])/(?:work|home|tmp|root|Users|private)/"),
}


def visible_text(soup: BeautifulSoup) -> str:
    """What a reader reads on a page: its article (inline code too), without code blocks, code cells' sources and
    scripts."""
    article = soup.select_one("article") or soup
    for hidden in article.select("pre, script, style, .cell_input, .highlight"):
        hidden.decompose()
    return article.get_text(" ")


def figure_text(soup: BeautifulSoup, page: str) -> str:
    """The words of a page's SVG figures: matplotlib draws text as paths and keeps each string in a comment."""
    files = [SITE / urljoin(page, img["src"]) for img in soup.select("img[src$='.svg']")]
    return " ".join(c for f in files if f.is_file() for c in re.findall(r"<!-- (.*?) -->", f.read_text()))


def test_the_defects_of_issue_25_appear_on_no_page():
    """In the text and in the figures of every page."""
    found = []
    for name, text in pages().items():
        soup = BeautifulSoup(text, "html.parser")
        shown = figure_text(soup, name) + " " + visible_text(soup)
        found += [f"{name}: {what}: {shown[max(0, m.start() - 40):m.end() + 40]!r}"
                  for what, pattern in DEFECTS.items() for m in [pattern.search(shown)] if m]
    assert not found, "\n".join(found)


def test_the_defect_patterns_catch_what_they_name():
    caught = {what for what, pattern in DEFECTS.items() for sample in (
        "r = 0.012345", "5–5 seeds", "values (paper …) beside", "`paper`", "σ̂²_B", "+0.0 pp", "[-2.20, -0.00]",
        "data from /work/wt-findings/data") if pattern.search(sample)}
    assert caught == set(DEFECTS)
    for fine in ("r = 0.87", "3–5 seeds", "+0.13 pp", "0.00 pp", "B = 1024", "10.00%", "1–1024", "notebooks/work/x"):
        assert not any(p.search(fine) for p in DEFECTS.values()), fine


def test_every_link_within_the_book_leads_to_a_page_and_a_place_on_it():
    """Relative links (the verdict overview's to each claim's evidence, the chapters' to each other) name a file of
    the site, and their #fragment an element of it: a renamed heading breaks the link and fails here."""
    soups = {name: BeautifulSoup(text, "html.parser") for name, text in pages().items()}  # each page parsed once
    ids: dict[Path, set[str]] = {}
    broken = []
    for name, soup in soups.items():
        for a in soup.select("a[href]"):
            href = a["href"]
            if re.match(r"[a-z]+:", href) or href in ("#", ""):
                continue
            target, _, fragment = urljoin(name, href).partition("#")
            path = SITE / (target or name)
            if not path.is_file():
                broken.append(f"{name}: {href} (no such file)")
            elif fragment and path.suffix == ".html":
                if path not in ids:
                    page = soups.get(str(path.relative_to(SITE))) or BeautifulSoup(path.read_text(), "html.parser")
                    ids[path] = {e["id"] for e in page.select("[id]")}
                if fragment not in ids[path]:
                    broken.append(f"{name}: {href} (no #{fragment} there)")
    assert not broken, "\n".join(sorted(set(broken)))


def test_the_landing_page_and_the_report_open_with_the_findings_then_one_line_per_claim():
    """Findings first: the landing page's first section, and the report's top, say what held and what did not (the
    report's findings, glued onto the landing page), then one line per claim, each linking to its evidence; the
    report's full table comes after."""
    report = BeautifulSoup(pages()["notebooks/report.html"], "html.parser")
    claims = len(report.select("table.bs-verdicts")[0].select("tbody tr"))
    for name in ("book/intro.html", "notebooks/report.html"):
        soup = BeautifulSoup(pages()[name], "html.parser")
        findings = soup.select_one(".bs-findings")
        assert findings is not None, f"{name}: no findings"
        assert "What we found" in findings.get_text() and "quantitative claims" in findings.get_text()
        rows = findings.select("table.bs-overview tbody tr:not(.bs-group)")
        assert len(rows) == claims and all(r.select_one("td a[href]") for r in rows), name
        first_heading = soup.select_one("article section section h2, article h2")
        assert first_heading is None or findings.sourceline < first_heading.sourceline, f"{name}: findings not first"
    assert report.select_one(".bs-findings").sourceline < report.select_one("table.bs-verdicts").sourceline
