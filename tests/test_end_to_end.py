"""The whole pipeline on the bundled sample portal: serve → crawl → store → judge.

Expectations are the table tests/fixtures/html/_expected.yaml (night 1), as of
2021-09-30: every registered check has a row there. Each (check, unit) pair is its
own test, so a failure names the check and the unit; a check missing from the table,
or a row naming no registered check, fails.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from sample_expectations import (
    TABLE_FILE,
    assert_as_expected,
    assert_no_findings_outside,
    assert_table_covers_the_registry,
    cases,
    load_table,
    one_finding,
    path_of,
)

from fazhi.sample_portal import PORTAL_ROOT
from storage.db import open_engine, run_documents, run_fetch_errors, session_factory

EXPECTED = load_table(PORTAL_ROOT)


def test_table_has_a_row_for_every_registered_check_and_no_other():
    assert_table_covers_the_registry(EXPECTED, PORTAL_ROOT)


@pytest.mark.parametrize(("key", "unit", "expected"), cases(EXPECTED))
def test_finding_as_in_table(crawled_portal, key, unit, expected):
    assert_as_expected(crawled_portal.findings, key, unit, expected)


def test_no_findings_for_units_outside_the_table(crawled_portal):
    assert_no_findings_outside(crawled_portal.findings, EXPECTED)


# --- the cases that matter most, in detail (beyond what the table says) -------------------


def _one(crawled, indicator: str, slug: str, unit: str):
    return one_finding(crawled.findings, (indicator, slug), unit)


def test_late_rule_of_law_report_fails_with_its_date(crawled_portal):
    finding = _one(crawled_portal, "93", "rule-of-law-report", "县市场监管局")
    assert "2021-04-06" in finding.message or "2021年4月6日" in finding.message


def test_gbk_section_is_read_and_attributed(crawled_portal):
    finding = _one(crawled_portal, "93", "rule-of-law-report", "团城乡")
    assert [e["title"] for e in finding.evidence if path_of(e["url"]) == "/xz/tcx/2021-03/2701.html"] == ["团城乡2020年法治政府建设情况报告"]


def test_late_decision_across_national_day_counts_the_make_up_workday(crawled_portal):
    finding = _one(crawled_portal, "52", "decision-publicity", "县自然资源局")
    assert finding.status == "fail"
    late = [e for e in finding.evidence if path_of(e["url"]) == "/bm/zrzyj/2020-10/2410.html"]
    assert len(late) == 1 and "8" in late[0]["note"], finding.evidence
    # the on-time 决定书 of the same unit is counted, not listed
    assert not any(path_of(e["url"]) == "/bm/zrzyj/2021-06/2411.html" for e in finding.evidence)


def test_decision_notice_without_decision_date_warns(crawled_portal):
    finding = _one(crawled_portal, "52", "decision-publicity", "县司法局")
    assert finding.status == "warn"
    assert [path_of(e["url"]) for e in finding.evidence] == ["/bm/sfj/2021-06/2107.html"]


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
    assert not any(path_of(e.url) == "/bm/jyj/2021-04/2302.html" for e in errors)
    assert not any(path_of(d.url) == "/bm/jyj/2021-04/2302.html" and d.http_status == 200 for d in documents)


def test_fetch_errors_are_the_500_section_only(crawl_store):
    _, errors = crawl_store
    assert errors and all(path_of(e.url).startswith("/xz/xtz/") for e in errors)


def test_crawl_reaches_every_section_and_attachment(crawl_store):
    documents, _ = crawl_store
    paths = {path_of(d.url) for d in documents if d.http_status == 200}
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
    published = {path_of(d.url): d.published_on for d in documents if d.http_status == 200}
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
    for path in ("/bm/jyj/2021-04/2302.html", "/_server.json", "/CASES.md", "/" + TABLE_FILE, "/../portal.toml"):
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
