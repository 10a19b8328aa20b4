"""The whole pipeline on the bundled sample portal: serve → crawl → store → judge.

Expectations are those of tests/fixtures/html/CASES.md, as of 2021-09-30. Each
(check, unit) pair is its own test, so a failure names the check and the unit.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from rules.base import registered_checks
from storage.db import open_engine, run_documents, run_fetch_errors, session_factory

COUNTY = "县政府"

# (indicator, check slug) → {unit: status}; exact: no other unit may get a finding
EXPECTED: dict[tuple[str, str], dict[str, str]] = {
    ("7", "power-list"): {"县市场监管局": "pass", "县司法局": "warn", "县自然资源局": "warn", "县教育局": "fail"},
    ("7", "public-service-list"): {COUNTY: "pass"},
    ("93", "rule-of-law-report"): {
        COUNTY: "pass", "县司法局": "pass", "县教育局": "pass", "团城乡": "pass",
        "县市场监管局": "fail", "县自然资源局": "fail", "城关镇": "fail", "下汤镇": "unknown",
    },
    ("49", "enforcement-disclosure"): {"县市场监管局": "pass", "县司法局": "fail", "县自然资源局": "fail"},
    ("51", "enforcement-annual-report"): {"县司法局": "pass", "县市场监管局": "fail", "县自然资源局": "fail"},
    ("31", "major-decision-catalogue"): {
        COUNTY: "pass", "县市场监管局": "pass", "县自然资源局": "pass", "县司法局": "fail", "县教育局": "fail",
    },
    ("52", "decision-publicity"): {"县市场监管局": "pass", "县自然资源局": "fail", "县司法局": "warn"},
    ("84", "penalty-decision-remedy"): {"县市场监管局": "pass", "县自然资源局": "fail"},
    ("34", "major-decision-comment-window"): {COUNTY: "pass", "县自然资源局": "fail", "县教育局": "warn"},
    ("27", "normative-doc-negative"): {COUNTY: "warn"},
    ("D1", "negative-hits"): {COUNTY: "warn"},
}
# per-item check whose other units may or may not count the 34 notices (they pass 23 anyway)
PARTIAL: dict[tuple[str, str], dict[str, str]] = {
    ("23", "normative-comment-window"): {COUNTY: "fail", "县司法局": "pass", "县教育局": "pass"},
}
# county-scope checks (one finding, unit 县政府), by indicator
COUNTY_EXPECTED = {
    "1": "pass", "2": "fail", "3": "fail", "5": "fail", "6": "fail", "8": "pass", "9": "fail", "13": "pass",
    "16": "fail", "17": "fail", "18": "fail", "19": "fail", "20": "fail", "24": "pass", "25": "pass", "28": "fail",
    "30": "pass", "33": "pass", "35": "fail", "36": "fail", "37": "pass", "74": "fail", "75": "fail", "76": "pass",
    "77": "fail", "83": "pass", "85": "pass", "95": "pass",
}


def _registered(indicator: str, slug: str | None = None) -> bool:
    return any(c.indicator == indicator and (slug is None or c.slug == slug) for c in registered_checks())


def _findings(crawled, indicator: str, slug: str | None = None) -> list:
    return [f for f in crawled.findings if f.indicator == indicator and (slug is None or f.check == slug)]


def _one(crawled, indicator: str, slug: str, unit: str):
    found = [f for f in _findings(crawled, indicator, slug) if f.unit == unit]
    assert len(found) == 1, f"{indicator}/{slug}: expected one finding for {unit}, got {len(found)}"
    return found[0]


def _cases(table):
    return [pytest.param(key, unit, status, id=f"{key[0]}-{unit}") for key, units in table.items() for unit, status in units.items()]


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1]


@pytest.mark.parametrize(("key", "unit", "status"), _cases(EXPECTED) + _cases(PARTIAL))
def test_unit_status_as_in_cases(crawled_portal, key, unit, status):
    indicator, slug = key
    if not _registered(indicator, slug):
        pytest.skip(f"check {indicator}/{slug} not registered")
    finding = _one(crawled_portal, indicator, slug, unit)
    assert finding.status == status, f"{indicator} {unit}: {finding.status} — {finding.message}"


@pytest.mark.parametrize("key", list(EXPECTED), ids=[f"{i}-{s}" for i, s in EXPECTED])
def test_no_findings_for_units_outside_cases(crawled_portal, key):
    if not _registered(*key):
        pytest.skip(f"check {key[0]}/{key[1]} not registered")
    units = sorted(f.unit for f in _findings(crawled_portal, *key))
    assert units == sorted(EXPECTED[key])


@pytest.mark.parametrize(("indicator", "status"), COUNTY_EXPECTED.items(), ids=list(COUNTY_EXPECTED))
def test_county_scope_status(crawled_portal, indicator, status):
    if not _registered(indicator):
        pytest.skip(f"no check registered for indicator {indicator}")
    statuses = {f.check: f.status for f in _findings(crawled_portal, indicator) if f.unit == COUNTY}
    assert statuses, f"indicator {indicator}: no finding for {COUNTY}"
    overall = max(statuses.values(), key=["pass", "warn", "unknown", "fail"].index)
    assert overall == status, f"indicator {indicator}: {statuses}"


# --- the cases that matter most, in detail -----------------------------------------------


def test_late_rule_of_law_report_fails_with_its_date(crawled_portal):
    finding = _one(crawled_portal, "93", "rule-of-law-report", "县市场监管局")
    assert finding.status == "fail"
    assert "2021-04-06" in finding.message or "2021年4月6日" in finding.message
    assert any(_path(e["url"]) == "/bm/scjgj/202104/t20210406_3102.html" for e in finding.evidence)


def test_outage_makes_the_unit_unknown_not_failed(crawled_portal):
    finding = _one(crawled_portal, "93", "rule-of-law-report", "下汤镇")
    assert finding.status == "unknown"
    assert "/xz/xtz/" in finding.message


def test_outage_of_one_township_leaves_the_others_judged(crawled_portal):
    statuses = {f.unit: f.status for f in _findings(crawled_portal, "93", "rule-of-law-report")}
    assert statuses["城关镇"] == "fail" and statuses["团城乡"] == "pass"


def test_gbk_section_is_read_and_attributed(crawled_portal):
    finding = _one(crawled_portal, "93", "rule-of-law-report", "团城乡")
    assert [e["title"] for e in finding.evidence if _path(e["url"]) == "/xz/tcx/2021-03/2701.html"] == ["团城乡2020年法治政府建设情况报告"]


def test_late_decision_across_national_day_counts_the_make_up_workday(crawled_portal):
    finding = _one(crawled_portal, "52", "decision-publicity", "县自然资源局")
    assert finding.status == "fail"
    late = [e for e in finding.evidence if _path(e["url"]) == "/bm/zrzyj/2020-10/2410.html"]
    assert len(late) == 1 and "8" in late[0]["note"], finding.evidence
    # the on-time 决定书 of the same unit is counted, not listed
    assert not any(_path(e["url"]) == "/bm/zrzyj/2021-06/2411.html" for e in finding.evidence)


def test_on_time_decisions_in_tables_and_spreadsheets_pass(crawled_portal):
    """Rows decided 2021-09-10 and published 09-22 are 7 working days after 中秋 and its make-up Saturday."""
    finding = _one(crawled_portal, "52", "decision-publicity", "县市场监管局")
    assert finding.status == "pass", finding.message
    # every source of items was read: the HTML table, the spreadsheet rows and the 决定书
    sources = {_path(e["url"]) for e in finding.evidence}
    assert {
        "/bm/scjgj/202109/t20210922_3111.html",
        "/bm/scjgj/202107/P020210709386512739811.xlsx",
        "/bm/scjgj/202108/t20210805_3113.html",
    } <= sources, finding.evidence
    assert "7" in finding.message  # 3 table rows + 3 spreadsheet rows + 1 决定书


def test_decision_notice_without_decision_date_warns(crawled_portal):
    finding = _one(crawled_portal, "52", "decision-publicity", "县司法局")
    assert finding.status == "warn"
    assert [_path(e["url"]) for e in finding.evidence] == ["/bm/sfj/2021-06/2107.html"]


def test_meeting_news_and_missing_list_do_not_make_a_power_list(crawled_portal):
    finding = _one(crawled_portal, "7", "power-list", "县教育局")
    assert finding.status == "fail"
    assert not any(_path(e["url"]) == "/bm/jyj/2021-04/2302.html" for e in finding.evidence)


def test_document_published_under_county_columns_counts_for_its_publisher(crawled_portal):
    finding = _one(crawled_portal, "51", "enforcement-annual-report", "县司法局")
    assert finding.status == "pass"
    assert any(_path(e["url"]) == "/xxgk/bmwj/2021-01/1801.html" for e in finding.evidence)


def test_negative_hits_are_reports_not_meeting_news(crawled_portal):
    for key, hit, near_miss in (
        (("27", "normative-doc-negative"), "/xxgk/zfwj/2021-06/1305.html", "/xwzx/2021-07/2004.html"),
        (("D1", "negative-hits"), "/xxgk/zfwj/2021-08/1306.html", "/xwzx/2021-09/2005.html"),
    ):
        if not _registered(*key):
            continue
        paths = {_path(e["url"]) for e in _one(crawled_portal, *key, COUNTY).evidence}
        assert hit in paths and near_miss not in paths, (key, paths)



def test_normative_column_and_expert_review_make_24_pass(crawled_portal):
    """Documents of 2019, 2020 and 2021 filed in the 规范性文件 column, and the 专家论证会 news."""
    if not _registered("24", "normative-docs"):
        pytest.skip("check 24 not registered")
    finding = _one(crawled_portal, "24", "normative-docs", COUNTY)
    paths = {_path(e["url"]) for e in finding.evidence}
    assert {"/xxgk/gfxwj/2019-04/1103.html", "/xxgk/gfxwj/2020-05/1102.html", "/xxgk/gfxwj/2021-07/1101.html"} <= paths
    assert "/xwzx/2021-06/2010.html" in paths, finding.evidence

# --- crawl-level facts --------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawl_store(crawled_portal):
    engine = open_engine(crawled_portal.db_url)
    with session_factory(engine)() as session:
        documents = run_documents(session, crawled_portal.run_id)
        errors = run_fetch_errors(session, crawled_portal.run_id)
    engine.dispose()
    return documents, errors


def test_every_evidence_url_was_fetched_with_http_200(crawled_portal, crawl_store):
    documents, _ = crawl_store
    fetched_ok = {doc.url for doc in documents if doc.http_status == 200}
    unresolved = [(f.indicator, f.unit, e["url"]) for f in crawled_portal.findings for e in f.evidence if e["url"] not in fetched_ok]
    assert unresolved == []


def test_listed_404_is_absent_not_a_fetch_error(crawl_store):
    documents, errors = crawl_store
    assert not any(_path(e.url) == "/bm/jyj/2021-04/2302.html" for e in errors)
    assert not any(_path(d.url) == "/bm/jyj/2021-04/2302.html" and d.http_status == 200 for d in documents)


def test_fetch_errors_are_the_500_section_only(crawl_store):
    _, errors = crawl_store
    assert errors and all(_path(e.url).startswith("/xz/xtz/") for e in errors)


def test_crawl_reaches_every_section_and_attachment(crawl_store):
    documents, _ = crawl_store
    paths = {_path(d.url) for d in documents if d.http_status == 200}
    for expected in (
        "/bm/scjgj/202005/t20200520_3103.html",  # on the second list page
        "/bm/scjgj/202107/P020210709386512739811.xlsx",
        "/xxgk/xzfy/files/xzfysqs.docx",
        "/xz/tcx/2021-03/2701.html",
        "/xz/cgz/2021-01/2501.html",
    ):
        assert expected in paths
    spreadsheet = next(d for d in documents if d.url.endswith(".xlsx"))
    assert spreadsheet.kind == "attachment" and "示范县惠民大药房" in (spreadsheet.text or "")


def test_published_dates_follow_the_precedence_of_checks_md(crawl_store):
    documents, _ = crawl_store
    published = {_path(d.url): d.published_on for d in documents if d.http_status == 200}
    assert published["/bm/scjgj/202104/t20210406_3102.html"].isoformat() == "2021-04-06"  # PubDate, not signed 04-02
    assert published["/xz/cgz/2021-01/2501.html"].isoformat() == "2021-01-28"  # list entry, not signed 01-27
    assert published["/bm/scjgj/202107/P020210709386512739811.xlsx"].isoformat() == "2021-07-09"  # its page's date


def test_crawler_obeys_robots_and_stays_on_the_portal(crawled_portal, sample_portal):
    assert "/robots.txt" in sample_portal.requests
    assert not any(path.startswith("/e/") for path in sample_portal.requests)


# --- the server itself --------------------------------------------------------------------


def _get(portal, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(portal.url(path), timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_server_answers_500_for_the_configured_section(sample_portal):
    assert _get(sample_portal, "/xz/xtz/2021-03/2601.html")[0] == 500
    assert _get(sample_portal, "/xz/xtz/")[0] == 500
    assert _get(sample_portal, "/xz/cgz/")[0] == 200


def test_server_answers_404_for_missing_and_server_only_files(sample_portal):
    for path in ("/bm/jyj/2021-04/2302.html", "/_server.json", "/CASES.md", "/../portal.toml"):
        assert _get(sample_portal, path)[0] == 404, path


def test_server_sends_gbk_section_without_charset(sample_portal):
    status, content_type, body = _get(sample_portal, "/xz/tcx/2021-03/2701.html")
    assert (status, content_type) == (200, "text/html")
    assert "团城乡".encode("gbk") in body
    assert _get(sample_portal, "/index.html")[1] == "text/html; charset=utf-8"


def test_server_serves_attachments_with_their_type(sample_portal):
    status, content_type, body = _get(sample_portal, "/bm/scjgj/202107/P020210709386512739811.xlsx")
    assert status == 200 and content_type.endswith("spreadsheetml.sheet") and body[:2] == b"PK"


def test_server_logs_requests(sample_portal):
    _get(sample_portal, "/xwzx/index.html?probe=log")
    assert "/xwzx/index.html?probe=log" in sample_portal.requests
