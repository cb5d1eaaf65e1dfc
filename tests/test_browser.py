"""The static site's batch-size slider works in headless Chromium with no kernel and no network.

The site is the smoke book `make test` builds first, into its own folder so that it never replaces the book
`make book` built (or the site at $BATCHSIZE_BOOK_HTML). The test skips, saying why, when Chromium or the
built site is absent.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pytest

from conftest import BOOK_SITE

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium not found (Debian: apt-get install -y chromium)")


@pytest.fixture(scope="module")
def site() -> Path:
    if not (BOOK_SITE / "notebooks" / "explorer.html").is_file():
        pytest.skip(f"no built book in {BOOK_SITE} (run `make test`, or "
                    "`make book PROFILE=smoke BOOK_OUT=_build/smoke`)")
    return BOOK_SITE


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(site: Path, browser):
    context = browser.new_context(offline=True)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.goto((site / "notebooks" / "explorer.html").as_uri())
    page.requests = requests
    yield page
    context.close()


def test_slider_changes_what_is_shown(page):
    explorer = page.locator(".bs-explorer").first
    slider = explorer.locator("input.bs-slider")
    figure, metrics, value = (explorer.locator(c) for c in ("img.bs-figure", ".bs-metrics", "output.bs-value"))
    assert figure.get_attribute("src").startswith("data:image/png;base64,")
    before = (figure.get_attribute("src"), metrics.inner_text(), value.inner_text())
    assert int(slider.get_attribute("max")) >= 1, "the explorer needs at least two batch sizes"
    slider.fill(slider.get_attribute("max"))
    after = (figure.get_attribute("src"), metrics.inner_text(), value.inner_text())
    assert after[2] != before[2], "the batch size shown did not change"
    assert after[0] != before[0] and after[1] != before[1], "the figure and metrics did not change"


def test_data_set_choice_changes_the_figure(page):
    explorer = page.locator(".bs-explorer").first
    choice = explorer.locator("select.bs-dataset")
    options = choice.locator("option").all()
    assert len(options) >= 2
    before = explorer.locator("img.bs-figure").get_attribute("src")
    choice.select_option(options[-1].get_attribute("value"))
    assert explorer.locator("img.bs-figure").get_attribute("src") != before


def test_a_new_data_set_keeps_the_batch_size_or_the_nearest_one(page):
    """Issue 25 item 7: the slider keeps B (or the nearest B in log scale), not its position, when the data set
    changes."""
    explorer = page.locator(".bs-explorer").first
    combos = json.loads(re.search(r"combos = (\{.*?\});", page.content()).group(1))
    choice, slider = explorer.locator("select.bs-dataset"), explorer.locator("input.bs-slider")
    values = [o.get_attribute("value") for o in choice.locator("option").all()]
    choice.select_option(values[0])
    slider.fill(slider.get_attribute("max"))
    shown = int(explorer.locator("output.bs-value").inner_text())
    for other in values[1:]:
        choice.select_option(other)
        rule = explorer.locator("select.bs-rule").input_value()  # the paper's rule, named as its data set trains it
        assert rule == "linear" or rule.endswith("(the paper's recipe)"), rule
        offered = combos[f"{other}|{rule}"]
        nearest = min(offered, key=lambda b: abs(math.log2(b) - math.log2(shown)))
        assert int(explorer.locator("output.bs-value").inner_text()) == nearest, (other, shown, offered)
        shown = nearest


def test_page_needs_no_network(page):
    remote = [url for url in page.requests if url.startswith(("http://", "https://"))]
    # the page is read from disk; anything remote it asked for failed (offline), so the slider cannot need it
    assert page.locator(".bs-explorer").count() == 1, f"remote requests: {remote}"


WIDTH = 1400  # a laptop's browser window: every table fits its column without scrolling sideways
TOO_WIDE = """() => {
  const column = document.querySelector("article.bd-article");
  return [...column.querySelectorAll("table")].filter(t => t.offsetWidth > column.clientWidth + 1).map(t => {
    const captions = [...(t.closest(".cell_output")?.querySelectorAll(".bs-caption b") ?? [])];
    const caption = captions.find(b => t.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)?.textContent;
    const headers = [...t.querySelectorAll("thead th")].map(th => th.textContent.trim()).join(" | ");
    return `${caption || headers.slice(0, 80)}: ${t.offsetWidth} px in a ${column.clientWidth} px column`;
  });
}"""


def test_every_table_fits_its_column_at_1400_px(site: Path, browser):
    """No table on any page is wider than the page's text column in a 1,400 px wide window (no sideways scrolling):
    verdicts first, few and short columns, wrapping headers."""
    context = browser.new_context(offline=True, viewport={"width": WIDTH, "height": 1000})
    page = context.new_page()
    found, tables = [], 0
    for path in sorted(site.rglob("*.html")):
        if path.name in ("genindex.html", "search.html") or {"_static", "_sources"} & set(path.parts):
            continue
        if 'http-equiv="Refresh"' in path.read_text():
            continue  # index.html: a redirect, which would interrupt the next page's loading
        page.goto(path.as_uri())
        tables += page.locator("article.bd-article table").count()
        found += [f"{path.relative_to(site)}: {t}" for t in page.evaluate(TOO_WIDE)]
    context.close()
    assert tables, "no table found: the selector is wrong"
    assert not found, "tables wider than their column at 1,400 px:\n" + "\n".join(found)
