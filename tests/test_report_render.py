"""The HTML gap report, rendered from a store with two checked runs."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from browser.report_store import (
    CONFIG, HOSTILE_NOTE, HOSTILE_TITLE, HOSTILE_URL, build_store, finding,
)
from reports.model import FindingView, compare, safe_link, trend
from reports.render import write_reports


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    session, run1, run2 = build_store(folder / "fazhi.db")
    index = write_reports(session, run2.id, CONFIG, folder / "out")
    yield index.parent, session, run1, run2
    session.close()


def page(out: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((out / name).read_text("utf-8"), "html.parser")


def unit_page(out: Path, unit: str) -> BeautifulSoup:
    units = page(out, "units.html")
    link = units.find("a", string=unit)
    assert link is not None, f"{unit} missing from units.html"
    return page(out, unquote(link["href"]))


def rows_of(section) -> list[tuple[str, str]]:
    """(indicator link text, unit) of each row of a findings table."""
    return [(r.find_all("td")[0].get_text(strip=True), r.find_all("td")[1].get_text(strip=True))
            for r in section.find_next("table").find("tbody").find_all("tr")]


def test_overview_shows_as_of_coverage_and_counts(report):
    out, *_ = report
    text = page(out, "index.html").get_text(" ", strip=True)
    assert "数据截至 2021-09-30" in text
    # the store keeps UTC (18:00); the reader sees the night's crawl in Beijing time
    assert "抓取开始 2021-10-01 02:00" in text and "北京时间" in text
    assert "845 网页" in text and "101 附件" in text and "1 抓取失败的网址" in text
    cards = {c.select_one(".badge").get_text(strip=True)[2:]: c.select_one(".num").get_text()
             for c in page(out, "index.html").select(".card") if c.select_one(".badge")}
    assert cards["未通过"] == "2" and cards["需复核"] == "3" and cards["无法判断"] == "2" and cards["通过"] == "3"
    # findings, not indicators: 10 findings over 6 indicators must not read as "2 项未通过"
    assert "共 10 条" in text


def test_overview_lists_new_and_fixed_gaps_since_previous_run(report):
    out, *_ = report
    soup = page(out, "index.html")
    new = rows_of(soup.find(id="new"))
    fixed = rows_of(soup.find(id="fixed"))
    # LONG_UNIT had no finding the night before: its first night is its baseline, not 新发现
    assert sorted(new) == sorted([("第93项", "县教育局"), ("第52项", "县司法局"), ("减分项1", "县政府")])
    assert fixed == [("第7项", "县司法局")]


def test_gap_that_became_unknown_is_neither_fixed_nor_new():
    before = [FindingView.of(finding("49", "enforcement", "县司法局", "fail", "缺少救济渠道"))]
    after = [FindingView.of(finding("49", "enforcement", "县司法局", "unknown", "抓取失败"))]
    diff = compare(before, after, previous_run=object())
    assert not diff.new_gaps and not diff.fixed
    assert [(c.before.status, c.after.status) for c in diff.other] == [("fail", "unknown")]


def test_first_run_has_nothing_to_compare(tmp_path):
    session, run1, _ = build_store(tmp_path / "fazhi.db")
    write_reports(session, run1.id, CONFIG, tmp_path / "out")
    assert "这是第一次检查" in page(tmp_path / "out", "index.html").get_text()
    session.close()


def test_trend_counts_each_checked_run_up_to_the_reported_one(report):
    _, session, run1, run2 = report
    points = trend(session, run2)
    assert [p.run_id for p in points] == [run1.id, run2.id]
    assert points[0].counts == {"pass": 2, "fail": 2, "warn": 1, "unknown": 0}
    assert points[1].counts == {"pass": 3, "fail": 2, "warn": 3, "unknown": 2}
    assert [p.run_id for p in trend(session, run1)] == [run1.id]


def test_overview_trend_is_inline_svg_with_one_line_per_status(report):
    out, *_ = report
    svg = page(out, "index.html").find("svg")
    assert len(svg.find_all("polyline")) == 4
    assert "2021-09-01" in svg.get_text() and "2021-09-30" in svg.get_text()


def test_unit_page_lists_exactly_that_units_gaps_and_collapses_passes(report):
    out, session, _, run2 = report
    expected = {(f.unit, f"{f.indicator}-{f.check}", f.status) for f in run2.findings}
    for unit in {f.unit for f in run2.findings}:
        soup = unit_page(out, unit)
        shown = {(unit, div["id"], div["class"][1]) for div in soup.select("div.finding")}
        assert shown == {e for e in expected if e[0] == unit}
        for passed in soup.select("div.finding.pass"):
            assert passed.find_parent("details") is not None
        for gap in soup.select("div.finding.fail, div.finding.warn, div.finding.unknown"):
            assert gap.find_parent("details") is None


def test_unit_page_says_what_to_publish_and_links_live_page_and_snapshot(report):
    out, *_ = report
    soup = unit_page(out, "县司法局")
    gap = soup.find(id="52-decision-publicity")
    assert "2 项行政处罚决定公开逾期" in gap.get_text()
    assert "整改要求" in gap.select_one(".fix").get_text()
    row = next(tr for tr in gap.select("tbody tr") if "鲁司罚决字" in tr.get_text())
    assert "相隔 10 个工作日" in row.get_text()
    assert row.find("a", string="原网页")["href"] == "http://www.lushan.test/bm/sfj/cf/2.html"
    snapshot = row.find("a", string="当时快照")["href"]
    assert snapshot.startswith("../snapshots/") and snapshot.endswith(".pdf")
    assert (out / "units" / snapshot).resolve().read_bytes().startswith(b"%PDF")


def test_indicator_page_has_all_99_items_with_manual_tasks_and_units(report):
    out, *_ = report
    soup = page(out, "indicators.html")
    sections = soup.select("section.indicator")
    assert len(sections) == 99
    item_7 = soup.find(id="i7").get_text(" ", strip=True)
    assert "县委编办" in item_7 and "材料查证" in item_7 and "自动检查" in item_7
    item_4 = soup.find(id="i4").get_text(" ", strip=True)
    assert "本项没有自动检查" in item_4 and "随机访谈" in item_4


def all_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_crawled_text_is_escaped_and_cannot_run(report):
    out, *_ = report
    soup = unit_page(out, "县政府")
    cells = [td.get_text() for td in soup.find_all("td")]
    assert any(HOSTILE_TITLE in c for c in cells)
    assert HOSTILE_NOTE in cells
    assert HOSTILE_URL in soup.get_text()
    for path in all_pages(out):
        html = path.read_text("utf-8")
        parsed = BeautifulSoup(html, "html.parser")
        assert parsed.find("script") is None, path
        assert not [a for tag in parsed.find_all(True) for a in tag.attrs if a.lower().startswith("on")], path
        assert "javascript:" not in " ".join(a.get("href", "") for a in parsed.find_all(href=True)).lower()
        assert "<script>alert" not in html, path


def test_every_page_forbids_script_by_content_security_policy(report):
    out, *_ = report
    for path in all_pages(out):
        meta = page(out, path.relative_to(out)).find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None and "default-src 'none'" in meta["content"], path
        assert "script-src" not in meta["content"] and "unsafe-eval" not in meta["content"]


def test_stored_page_snapshot_is_shown_sandboxed(report):
    out, *_ = report
    (wrapper,) = (out / "snapshots").glob("*.html")
    frame = page(out, wrapper.relative_to(out)).find("iframe")
    assert frame.has_attr("sandbox") and not frame["sandbox"]  # no allow-scripts, no allow-same-origin
    assert "<script>alert('snapshot')</script>" in frame["srcdoc"]
    assert "县司法局权责清单（2021年版）" in frame["srcdoc"]  # GBK bytes decoded


def test_links_only_for_http_urls():
    assert safe_link("https://www.gov.cn/a?b=1") == "https://www.gov.cn/a?b=1"
    for url in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//evil", "", None):
        assert safe_link(url) is None


def test_internal_links_resolve(report):
    out, *_ = report
    ids = {path.resolve(): {tag["id"] for tag in page(out, path.relative_to(out)).find_all(id=True)} for path in all_pages(out)}
    for path in all_pages(out):
        for link in page(out, path.relative_to(out)).find_all(href=True):
            href = link["href"]
            if re.match(r"^[a-z]+:", href) or href.startswith("//"):
                continue
            target, _, anchor = href.partition("#")
            resolved = (path.parent / unquote(target)).resolve() if target else path.resolve()
            assert resolved.exists(), f"{path.name}: {href}"
            if anchor:
                assert anchor in ids[resolved], f"{path.name}: {href}"


def test_unit_page_says_what_to_publish_with_the_checks_own_remedy(report):
    out, *_ = report
    fixes = [p.get_text(" ", strip=True) for p in unit_page(out, "县司法局").select(".fix")]
    assert any("7个工作日内公开" in fix and "写明决定日期" in fix for fix in fixes)
    # a check without advice of its own falls back to the plan's 网络检索 task
    county = [p.get_text(" ", strip=True) for p in unit_page(out, "县政府").select(".fix")]
    assert any("行政审批事项清单在网上公开" in fix for fix in county)


def test_evidence_says_when_the_site_last_confirmed_it_in_beijing_time(report):
    from reports.model import EvidenceView

    # verified 18:30 UTC on 29 September is the night of 30 September in Beijing
    assert EvidenceView.of({"url": "http://gov.test/a.html", "verified_at": "2021-09-29T18:30:00+00:00"}).verified_on.isoformat() == "2021-09-30"
    assert EvidenceView.of({"url": "http://gov.test/a.html"}).verified_on is None  # stored before verified_at was kept
    out, *_ = report
    headers = [th.get_text(strip=True) for th in page(out, "indicators.html").select("table thead th")]
    assert "最后核实" in headers
