"""The city's roll-up in headless Chromium: it loads without console errors or policy violations,
every county's link opens that county's report, the trend is drawn, hostile text stays text,
it prints on A4 landscape without navigation, and a screenshot can be taken.

The screenshot goes to a temporary folder; to refresh docs/screenshots/rollup.png:

    FAZHI_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/browser -k screenshots
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser.cdp import CHROMIUM, Browser
from browser.rollup_store import AS_OF, DEPLOYMENT, build_city, write_county_reports
from browser.test_report_browser import SCREENSHOTS, UPDATE_SCREENSHOTS, _tracked_screenshots
from reports.rollup_render import write_rollup

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs headless Chromium at /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)"
)
A4_LANDSCAPE_POINTS = (842, 595)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-rollup")
    session, runs = build_city(folder / "city.db")
    write_county_reports(session, runs, folder / "www")
    index = write_rollup(session, DEPLOYMENT, AS_OF, folder / "www")
    session.close()
    return index.parent


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


def test_the_rollup_loads_and_every_county_link_opens_its_report(out, browser):
    browser.load((out / "index.html").as_uri())
    assert browser.errors() == []
    hrefs = browser.evaluate("Array.from(document.querySelectorAll('#county-table a[href]'), a => a.href)")
    assert len(hrefs) == len(DEPLOYMENT.counties)
    for href in hrefs:
        target = Path(unquote(urlsplit(href).path))
        assert target.is_file(), href
        browser.load(href)
        assert browser.errors() == [], href
        assert browser.evaluate("document.querySelector('main h1').textContent").endswith("网络检索自查报告")


def test_trend_matrix_and_flags_are_drawn_and_hostile_text_stays_text(out, browser):
    browser.load((out / "index.html").as_uri())
    assert browser.evaluate("document.scripts.length") == 0
    assert browser.evaluate("document.querySelectorAll('#county-lushan svg.spark circle').length") == 2
    cells = browser.evaluate("document.querySelectorAll('#matrix-table td.cell.fail').length")
    assert cells >= 3
    flagged = browser.evaluate("document.querySelector('#unranked').textContent")
    assert "叶县" in flagged and "<script>alert('reason')</script>" in flagged
    worst = browser.evaluate("document.querySelector('#worst-counties').textContent")
    assert "郏县" in worst and "叶县" not in worst


def test_the_rollup_prints_on_a4_landscape_without_navigation(out, browser):
    browser.load((out / "index.html").as_uri())
    browser.media("print")
    try:
        assert browser.evaluate("getComputedStyle(document.querySelector('header nav')).display") == "none"
        pdf = browser.pdf()
    finally:
        browser.media("")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all((round(float(w)), round(float(h))) == A4_LANDSCAPE_POINTS for w, h in boxes)


def test_screenshots_of_the_rollup(out, browser, tmp_path):
    folder = SCREENSHOTS if UPDATE_SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    tracked_before = _tracked_screenshots()
    browser.load((out / "index.html").as_uri())
    browser.screenshot(folder / "rollup.png")
    assert (folder / "rollup.png").read_bytes().startswith(b"\x89PNG")
    if not UPDATE_SCREENSHOTS:
        assert _tracked_screenshots() == tracked_before, "the test rewrote docs/screenshots without FAZHI_UPDATE_SCREENSHOTS=1"
