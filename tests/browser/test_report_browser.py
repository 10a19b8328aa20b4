"""The generated report in headless Chromium: it loads without console errors or
policy violations, from disk and from a web server, every internal link leads to
a file, a unit's page prints on A4 without navigation, and screenshots of the
overview and a unit's page can be taken.

The screenshots go to a temporary folder, so running the suite never changes the
tracked files. To refresh the README's docs/screenshots/overview.png and unit.png:

    FAZHI_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/browser -k screenshots
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from browser.cdp import CHROMIUM, Browser
from browser.report_store import CONFIG, build_store
from reports.render import write_reports

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs headless Chromium at /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)"
)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
UPDATE_SCREENSHOTS = os.environ.get("FAZHI_UPDATE_SCREENSHOTS") == "1"
A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-report")
    session, _, run2 = build_store(folder / "fazhi.db")
    index = write_reports(session, run2.id, CONFIG, folder / "out")
    session.close()
    return index.parent


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def server(out):
    handler = functools.partial(QuietHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def unit_file(out: Path, name: str) -> Path:
    html = (out / "units.html").read_text("utf-8")
    href = re.search(rf'<a href="(units/[^"]+\.html)">{re.escape(name)}</a>', html).group(1)
    return out / unquote(href)


def internal_targets(browser: Browser) -> list[str]:
    return browser.evaluate("Array.from(document.querySelectorAll('a[href]'), a => a.href)")


def test_every_page_loads_without_errors_and_links_resolve(out, browser):
    for page in sorted(out.glob("*.html")) + sorted((out / "units").glob("*.html")):
        browser.load(page.as_uri())
        assert browser.errors() == [], page.name
        for href in internal_targets(browser):
            parts = urlsplit(href)
            if parts.scheme == "file":
                assert Path(unquote(parts.path)).exists(), f"{page.name} → {href}"


def test_pages_served_over_http_load_without_errors(server, browser):
    for path in ("/index.html", "/indicators.html", "/" + quote("units/县司法局.html")):
        browser.load(server + path)
        assert browser.errors() == [], path
        assert browser.evaluate("document.querySelectorAll('main h1').length") == 1


def test_hostile_evidence_stays_text_in_the_browser(out, browser):
    browser.load(unit_file(out, "县政府").as_uri())
    assert browser.evaluate("document.scripts.length") == 0
    cell_text = browser.evaluate("Array.from(document.querySelectorAll('td'), td => td.textContent).join('\\n')")
    assert "<script>alert('title')</script>" in cell_text
    hrefs = browser.evaluate("Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.lower().startswith("javascript")]


def test_unit_page_prints_on_a4_without_navigation(out, browser):
    browser.load(unit_file(out, "县司法局").as_uri())
    browser.media("print")
    try:
        assert browser.evaluate("getComputedStyle(document.querySelector('header nav')).display") == "none"
        pdf = browser.pdf()
    finally:
        browser.media("")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all((round(float(w)), round(float(h))) == A4_POINTS for w, h in boxes)


def test_screenshots_of_overview_and_unit_page(out, browser, tmp_path):
    folder = SCREENSHOTS if UPDATE_SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    tracked_before = _tracked_screenshots()
    for name, page in (("overview.png", out / "index.html"), ("unit.png", unit_file(out, "县司法局"))):
        browser.load(page.as_uri())
        browser.screenshot(folder / name)
        assert (folder / name).read_bytes().startswith(b"\x89PNG")
    if not UPDATE_SCREENSHOTS:
        assert _tracked_screenshots() == tracked_before, "the test rewrote docs/screenshots without FAZHI_UPDATE_SCREENSHOTS=1"


def _tracked_screenshots() -> dict[str, tuple[int, bytes]]:
    return {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in SCREENSHOTS.glob("*.png")}
