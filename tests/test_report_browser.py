"""The report in a real browser: Debian's chromium driven by Playwright through its executable.

Playwright cannot download its own browsers here, so the test launches the system's chromium
(``CANTOBATCH_BROWSER``, default /usr/bin/chromium). Without it the test skips and says why,
unless ``CANTOBATCH_REQUIRE_BROWSER=1`` (set by .ci/run): then a missing browser fails.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from report_helpers import index_small_corpus, write_synthetic_index

from cantobatch.report import build_report
from cantobatch.tables import open_index

BROWSER = Path(os.environ.get("CANTOBATCH_BROWSER", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not BROWSER.is_file():
        return f"no browser at {BROWSER} (apt-get install chromium, or set CANTOBATCH_BROWSER)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _missing()
    if missing:
        if os.environ.get("CANTOBATCH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CANTOBATCH_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(f"the report's browser test needs a browser: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(BROWSER), headless=True, args=ARGS
        )
        yield launched
        launched.close()


class Page:
    """A page that records console errors, uncaught exceptions and every request it makes."""

    def __init__(self, browser, path: Path, fragment: str = ""):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        started = time.perf_counter()
        self.page.goto(self.url + fragment)
        self.page.wait_for_selector("body[data-ready='1']")
        self.seconds = time.perf_counter() - started

    def text(self, selector: str) -> str:
        return self.page.locator(selector).first.inner_text()

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def routed(self, fragment: str) -> None:
        """Wait until the view for ``fragment`` is drawn: the hash changes at once, the view only
        on the hashchange event after it (reading it at the new hash alone raced under load)."""
        self.page.wait_for_function(
            f"() => document.getElementById('view').dataset.rendered === {fragment!r}"
        )


@pytest.fixture(scope="module")
def small_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    return build_report(open_index(index_small_corpus(tmp)), tmp / "report.html").path


def test_the_report_in_a_browser(browser, small_report, tmp_path):
    view = Page(browser, small_report)
    page = view.page
    assert view.count("#chart rect.bar") == 120
    assert view.text("#view").startswith("2\ndocuments read · 2 not read\n")

    # Hovering a bar shows its count; clicking it opens that canto's concordance.
    page.hover('#chart rect.hitbox[data-c="74"]')
    assert view.text("#tip") == "Canto LXXIV (74) · The Pisan Cantos\n2 references"
    page.click('#chart rect.hitbox[data-c="74"]')
    view.routed("#cantos/74")
    assert view.text("#concordance-title") == "Canto LXXIV 74 · The Pisan Cantos"
    assert view.count("article.hit") == 2
    marks = page.locator("article.hit mark.ev").all_inner_texts()
    assert marks == ["Pisan cantos", "Canto LXXIV as elegy; see ll. 1-3"]
    kenner = page.locator("article.hit").nth(1)
    assert kenner.locator(".src").inner_text() == "notes/kenner.txt"
    assert kenner.locator(".lines").inner_text() == "ll. 1–3"
    assert kenner.locator(".badge").inner_text() == "rules"
    first = page.locator("article.hit").nth(0)
    assert first.locator(".where").inner_text() == "p. 1 (printed xi) · ¶ 1"

    # Filters: a section by name, then words; the chart dims the cantos outside the selection.
    page.fill("#f-cantos", "Pisan")
    page.press("#f-cantos", "Enter")
    view.routed("#cantos/Pisan")
    assert view.text("#concordance-title") == "Cantos 74–84"
    assert view.count("article.hit") == 12 and view.count("h3.canto-head") == 11
    assert page.locator('#chart rect.bar[data-c="73"]').get_attribute("opacity") == "0.22"
    assert page.locator('#chart rect.bar[data-c="80"]').get_attribute("opacity") is None
    page.fill("#f-search", "elegy")
    page.wait_for_function("() => document.querySelectorAll('article.hit').length === 1")
    assert page.locator("article.hit mark.q").inner_text() == "elegy"
    page.fill("#f-cantos", "Inferno")
    page.press("#f-cantos", "Enter")
    view.routed("#cantos/Inferno")
    assert "“Inferno” is not a canto" in view.text("#f-error")
    page.click("#f-clear")
    view.routed("#cantos/")

    # A document: its passages in order, every citation marked and linked to its canto.
    page.goto(view.url + "#cantos/74")
    view.routed("#cantos/74")
    page.click("article.hit >> nth=1 >> .src")
    view.routed("#doc/notes%2Fkenner.txt")
    assert view.text("#doc-title") == "notes/kenner.txt"
    assert page.locator("#doc-passages sup.refs a").all_inner_texts() == ["74", "45"]
    page.click("#doc-passages sup.refs a >> text=45")
    view.routed("#cantos/45")
    assert view.text("#concordance-title").startswith("Canto XLV")

    # The documents that could not be read, with their reasons.
    page.click(".tabs a[data-tab='unread']")
    view.routed("#unread")
    rows = page.locator("#unread-table tbody tr").all_inner_texts()
    assert rows == [
        "empty.txt\tunknown\tzero_bytes\tthe file is empty",
        "user_password.pdf\tpdf\tneeds_password\tencrypted with a user password; decrypt it "
        "(qpdf --decrypt --password=... in.pdf out.pdf) and index the decrypted copy",
    ]

    page.goto(view.url + "#cantos/74")
    page.wait_for_selector("article.hit")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot))
    print(f"\nscreenshot: {shot} ({shot.stat().st_size} bytes)")
    assert shot.stat().st_size > 10_000
    assert view.errors == []
    assert {url.split("#")[0] for url in view.requests} == {view.url}  # nothing from the network
    page.close()


def test_a_compressed_report_reads_the_same(browser, small_report, tmp_path):
    packed = build_report(
        open_index(small_report.parent / "out"), tmp_path / "packed.html", compress="always"
    )
    assert packed.compressed
    view = Page(browser, packed.path, "#cantos/74")
    assert view.count("article.hit") == 2 and view.errors == []
    view.page.close()


@pytest.fixture(scope="module")
def large_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("large")
    counts = write_synthetic_index(tmp / "out", citations=100_000)
    started = time.perf_counter()
    summary = build_report(open_index(tmp / "out"), tmp / "report.html")
    return summary, counts, time.perf_counter() - started


def test_a_100000_citation_report_stays_usable(browser, large_report):
    summary, counts, build_seconds = large_report
    assert counts["rows"] == 100_000
    view = Page(browser, summary.path)
    first_render = view.page.evaluate("window.cantobatchReport.firstRender")
    print(
        f"\nreport of {counts['rows']:,} citation rows ({summary.references:,} references, "
        f"{summary.passages:,} citing passages, {summary.documents:,} documents): "
        f"{summary.bytes / 1e6:.1f} MB (data {'gzip' if summary.compressed else 'plain'}), "
        f"built in {build_seconds:.1f} s; first render {first_render:.0f} ms after navigation, "
        f"ready {view.seconds * 1000:.0f} ms after goto"
    )
    page = view.page
    assert view.count("#chart rect.bar") == 120
    # The most cited canto's concordance is paged: 50 passages, then 50 more, never all.
    page.click('#chart rect.hitbox[data-c="74"]')
    view.routed("#cantos/74")
    total = int(view.text(".lede").split()[0].replace(",", ""))
    assert total > 1000 and view.count("article.hit") == 50
    page.click("#pager button")
    assert view.count("article.hit") == 100
    assert page.evaluate("document.getElementsByTagName('*').length") < 5000
    # A filter over all 100,000 rows, and a long document, stay within pages too.
    page.fill("#f-search", "periplum")
    page.wait_for_function(
        "() => document.querySelector('.lede').textContent.indexOf('filtered') >= 0"
    )
    assert view.count("article.hit") == 50 and view.count("article.hit mark.q") >= 50
    page.click(".tabs a[data-tab='docs']")
    page.wait_for_selector("#docs-table tbody tr")
    assert view.count("#docs-table tbody tr") == 100
    page.click("#docs-table tbody tr >> nth=0 >> a")
    page.wait_for_selector("#doc-passages li.dp")
    assert 0 < view.count("#doc-passages li.dp") <= 100
    assert view.errors == []
    page.close()
