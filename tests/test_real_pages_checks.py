"""The checks on real government pages (tests/fixtures/real/, see MANIFEST.md there).

A mini-site serves the saved pages at their original paths on 127.0.0.1 under a
hand-written home page; the real crawler stores them and the checks judge them
at fixed as-of dates. Each expectation is what an assessor would conclude by
CHECKS.md, not what the code happened to print.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from crawler.extract import extract_page
from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from parsing.dates import parse_window
from rules.engine import build_context, judge
from storage.db import open_engine, run_documents, session_factory
from storage.models import Run

REAL = Path(__file__).parent / "fixtures" / "real"

# served path → saved page (柘城县 pages keep their original paths, so their own links resolve)
PAGES = {
    "/xxgk/xxgkml/gsgg/index.html": "empirecms_list_utf8_01.html",
    "/xxgk/xxgkml/gsgg/index_23.html": "empirecms_list_utf8_02.html",
    "/xxgk/xxgkml/gsgg/2018-07-11/5858.html": "notice_article_01.html",
    "/hdjl/yjzj/index.html": "comment_list_01.html",
    "/hdjl/yjzj/2018-07-09/941.html": "comment_notice_01.html",
    "/hdjl/yjzj/2018-07-09/939.html": "comment_notice_02.html",
    "/xxgk/xxgknb/index.html": "annual_report_list_01.html",
    "/xxgk/xxgknb/bmnb/2018-07-12/7480.html": "annual_report_01.html",
    "/xxgk/xxgkml/zfwj/xzfwj/zzb/2018-07-11/6360.html": "gov_document_01.html",
    "/xxgk/xxgkzn/2018-06-30/298.html": "disclosure_guide_01.html",
    "/xxgk/xxgkz/2018-06-30/249.html": "disclosure_policy_doc_01.html",
    "/xxgk/index.html": "disclosure_portal_01.html",
    "/xxgk/xxgkml/zcjd/2018-07-23/10104.html": "policy_interpretation_01.html",
    "/gzjg/index.html": "dept_township_index_01.html",
    "/gzjg/zfgzbm/xsfj/index.html": "dept_subsite_index_01.html",
    "/gzjg/xzjd/apz/index.html": "township_subsite_index_01.html",
    "/xxgk/zdly/zfcg/2021-06-10/cjgg.html": "procurement_result_01.html",
    "/bm/czj/bljggs/202211/t20221102_38049.htm": "trs_penalty_notice_01.html",
    "/zwgk/zfxxgk/zfxxgknb/index.html": "trs_list_js_pager_01.html",
}

HOME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试县人民政府</title></head><body>
<h1>测试县人民政府</h1>
<ul class="nav">
<li><a href="/xxgk/index.html">信息公开</a></li>
<li><a href="/xxgk/xxgkml/gsgg/index.html">公示公告</a></li>
<li><a href="/hdjl/yjzj/index.html">意见征集</a></li>
<li><a href="/xxgk/xxgknb/index.html">信息公开年报</a></li>
<li><a href="/zwgk/zfxxgk/zfxxgknb/index.html">政府信息公开年报（区）</a></li>
<li><a href="/gzjg/index.html">工作机构</a></li>
<li><a href="/bm/czj/index.html">县财政局</a></li>
</ul>
<ul class="news">
<li><a href="/xxgk/xxgknb/bmnb/2018-07-12/7480.html">柘城县发改委2017政府信息公开工作年度报告</a><span>2018-04-02</span></li>
<li><a href="/xxgk/xxgkml/zfwj/xzfwj/zzb/2018-07-11/6360.html">关于表彰创建“四好农村路”示范段先进乡镇的通报</a><span>2018-07-03</span></li>
<li><a href="/xxgk/xxgkzn/2018-06-30/298.html">柘城县信息公开指南</a><span>2017-03-02</span></li>
<li><a href="/xxgk/xxgkz/2018-06-30/249.html">关于推进重点领域政府信息公开工作的通知</a><span>2015-10-09</span></li>
<li><a href="/xxgk/xxgkml/zcjd/2018-07-23/10104.html">河南再取消和调整345项行政职权事项</a><span>2018-07-23</span></li>
<li><a href="/xxgk/zdly/zfcg/2021-06-10/cjgg.html">安防工程十标成交公告</a><span>2021-06-10</span></li>
</ul></body></html>"""

# a department column as a TRS site would list it (办理结果公示)
FINANCE_COLUMN = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>县财政局 办理结果公示</title></head><body>
<h2>办理结果公示</h2><ul>
<li><a href="./bljggs/202211/t20221102_38049.htm">平潭综合实验区财政金融局行政处罚决定</a><span>2022-06-08</span></li>
</ul></body></html>"""

UNITS = [
    {"name": "县人民政府", "aliases": ["柘城县人民政府", "县政府办公室"], "roles": ["county"]},
    {"name": "县财政局", "aliases": ["平潭综合实验区财政金融局"], "url_prefixes": ["{url}bm/czj/"], "roles": ["department", "enforcement"]},
    {"name": "县司法局", "url_prefixes": ["{url}gzjg/zfgzbm/xsfj/"], "roles": ["department", "enforcement"]},
    {"name": "安平镇", "url_prefixes": ["{url}gzjg/xzjd/apz/"], "roles": ["township"]},
    # owns the 信息公开年报 by its title (柘城县发改委2017政府信息公开工作年度报告)
    {"name": "县发改委", "aliases": ["柘城县发改委"], "roles": ["department"]},
    # files the 政策解读 on 行政职权事项, so that 7 judges it for a department
    {"name": "县编办", "url_prefixes": ["{url}xxgk/xxgkml/zcjd/"], "roles": ["department"]},
]


def _page(name: str) -> Reply:
    return Reply((REAL / name).read_bytes(), content_type="text/html; charset=utf-8")


def routes() -> dict[str, Reply]:
    table = {path: _page(name) for path, name in PAGES.items()}
    table["/"] = Reply(HOME.encode(), content_type="text/html; charset=utf-8")
    table["/bm/czj/index.html"] = Reply(FINANCE_COLUMN.encode(), content_type="text/html; charset=utf-8")
    return table


def site_config(server: SiteServer):
    units = [unit | {"url_prefixes": [p.format(url=server.url) for p in unit.get("url_prefixes", [])]} for unit in UNITS]
    return local_config(server.url, units=units, county="测试县", max_depth=3, max_pages=400)


# the day 柘城县's portal was mirrored, and a day after the 平潭 penalty notice
ZHECHENG_DAY = dt.date(2018, 7, 27)
PINGTAN_DAY = dt.date(2022, 6, 30)
LIST_PAGES = {path for path, name in PAGES.items() if "list" in name or "index" in name or "portal" in name} | {"/", "/bm/czj/index.html"}
PENALTY = "/bm/czj/bljggs/202211/t20221102_38049.htm"
COMMENT_NOTICE = "/hdjl/yjzj/2018-07-09/941.html"
INTERNAL_REQUEST = "/hdjl/yjzj/2018-07-09/939.html"
ANNUAL_REPORT = "/xxgk/xxgknb/bmnb/2018-07-12/7480.html"
INTERPRETATION = "/xxgk/xxgkml/zcjd/2018-07-23/10104.html"
HOLIDAY_NOTICE = "/xxgk/xxgkml/gsgg/2018-07-11/5858.html"
PROCUREMENT = "/xxgk/zdly/zfcg/2021-06-10/cjgg.html"


class RealSite:
    def __init__(self, server: SiteServer, db_url: str, run_id: int):
        self.server, self.db_url, self.run_id = server, db_url, run_id
        self.config = site_config(server)

    def path(self, url: str) -> str:
        return "/" + url.removeprefix(self.server.url)

    @cache
    def results(self, as_of: dt.date) -> list:
        with session_factory(open_engine(self.db_url))() as session:
            run = session.get(Run, self.run_id)
            return judge(build_context(session, run, self.config, as_of))

    def findings(self, as_of: dt.date, indicator: str, slug: str | None = None) -> list:
        return [r for r in self.results(as_of) if r.indicator == indicator and (slug is None or r.check == slug)]

    def one(self, as_of: dt.date, indicator: str, slug: str, unit: str):
        found = [r for r in self.findings(as_of, indicator, slug) if r.unit == unit]
        assert len(found) == 1, f"{indicator}/{slug} {unit}: {len(found)} findings"
        return found[0]

    def cited(self, result) -> list[str]:
        return [self.path(item.url) for item in result.evidence]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with SiteServer(routes=routes()) as server:
        db_url = f"sqlite:///{tmp_path_factory.mktemp('real') / 'store.db'}"
        run_id = crawl(site_config(server), db_url, progress=False, overrides=FAST)
        yield RealSite(server, db_url, run_id)


def test_every_real_page_is_stored_with_its_date(site):
    with session_factory(open_engine(site.db_url))() as session:
        assert session.get(Run, site.run_id).status == "crawled"
        stored = {site.path(doc.url): doc for doc in run_documents(session, site.run_id) if doc.http_status == 200}
    assert set(PAGES) <= set(stored)
    assert stored[PENALTY].published_on == dt.date(2022, 6, 8)  # PubDate, not the URL's t20221102
    assert stored[HOLIDAY_NOTICE].published_on == dt.date(2018, 6, 11)  # not the folder date 2018-07-11
    assert stored[PENALTY].unit == "县财政局"


# --- C. items on time ------------------------------------------------------------------


def test_52_penalty_notice_is_one_item_published_on_its_decision_day(site):
    finding = site.one(PINGTAN_DAY, "52", "decision-publicity", "县财政局")
    assert finding.status == "pass"
    assert "共1项执法决定" in finding.message and "1项按时公开" in finding.message
    assert site.cited(finding) == [PENALTY]
    assert "决定日期 2022-06-08，公开日期 2022-06-08，间隔 0 个工作日" in finding.evidence[0].note
    assert {r.unit for r in site.findings(PINGTAN_DAY, "52")} == {"县财政局"}


def test_84_a_public_announcement_of_the_decision_is_not_the_decision_document(site):
    # 现将本机关…作出的行政处罚决定公告如下: no 决定书 number, addressed to the public
    assert site.findings(PINGTAN_DAY, "84", "penalty-decision-remedy") == []


def test_23_three_day_window_of_an_implementing_opinion_fails_with_its_dates(site):
    finding = site.one(ZHECHENG_DAY, "23", "normative-comment-window", "县人民政府")
    assert finding.status == "fail"
    assert site.cited(finding) == [COMMENT_NOTICE]
    assert "征求意见期 2017-08-01 至 2017-08-03，共 3 个工作日" in finding.evidence[0].note
    assert "共1项" in finding.message  # the request to the county's own bodies is no public consultation


def test_window_parser_reads_the_real_wordings():
    notice = extract_page((REAL / "comment_notice_01.html").read_bytes(), "http://x/941.html")
    window = parse_window(notice.text, notice.published_on)
    assert (window.start, window.end, window.kind) == (dt.date(2017, 8, 1), dt.date(2017, 8, 3), "range")
    request = extract_page((REAL / "comment_notice_02.html").read_bytes(), "http://x/939.html")
    window = parse_window(request.text, request.published_on)
    assert (window.start, window.end, window.kind) == (None, dt.date(2018, 3, 16), "deadline")


def test_34_a_draft_that_mentions_major_decisions_is_not_one(site):
    assert site.findings(ZHECHENG_DAY, "34") == []
    opinions = site.one(ZHECHENG_DAY, "35", "major-decision-opinions", "县人民政府")
    assert opinions.status == "fail" and COMMENT_NOTICE not in site.cited(opinions)


# --- A. present per unit ---------------------------------------------------------------


def test_93_information_disclosure_annual_report_is_not_a_rule_of_law_report(site):
    finding = site.one(ZHECHENG_DAY, "93", "rule-of-law-report", "县发改委")
    assert finding.status == "fail" and "未找到" in finding.message
    assert ANNUAL_REPORT not in site.cited(finding)
    assert all(ANNUAL_REPORT not in site.cited(r) for r in site.findings(ZHECHENG_DAY, "93"))


def test_93_empty_township_column_is_missing_not_unknown(site):
    assert site.one(ZHECHENG_DAY, "93", "rule-of-law-report", "安平镇").status == "fail"


def test_7_interpretation_of_cancelled_powers_is_no_power_list(site):
    finding = site.one(ZHECHENG_DAY, "7", "power-list", "县编办")
    assert finding.status == "fail" and finding.evidence == []


def test_2_province_headline_is_not_the_county_taking_over_items(site):
    finding = site.one(ZHECHENG_DAY, "2", "approval-cancellation", "县人民政府")
    assert finding.status == "fail" and INTERPRETATION not in site.cited(finding)


# --- B/D. county scope ------------------------------------------------------------------


def test_goods_procurement_is_not_a_service_purchase(site):
    finding = site.one(ZHECHENG_DAY, "20", "service-purchase", "县人民政府")
    assert finding.status == "fail" and PROCUREMENT not in site.cited(finding)
    assert "采购的不是服务" in finding.message


@pytest.mark.parametrize("as_of", [ZHECHENG_DAY, PINGTAN_DAY])
def test_holiday_notice_and_commendation_are_no_negative_hits(site, as_of):
    assert site.one(as_of, "27", "normative-doc-negative", "县人民政府").status == "pass"
    assert site.one(as_of, "D1", "negative-hits", "县人民政府").status == "pass"


@pytest.mark.parametrize("as_of", [ZHECHENG_DAY, PINGTAN_DAY])
@pytest.mark.parametrize(
    "path",
    [HOLIDAY_NOTICE, ANNUAL_REPORT, INTERPRETATION, PROCUREMENT, INTERNAL_REQUEST,
     "/xxgk/xxgkml/zfwj/xzfwj/zzb/2018-07-11/6360.html", "/xxgk/xxgkzn/2018-06-30/298.html",
     "/xxgk/xxgkz/2018-06-30/249.html"],
)
def test_unrelated_real_pages_are_evidence_of_nothing(site, as_of, path):
    citing = [f"{r.indicator}/{r.check}" for r in site.results(as_of) if path in site.cited(r)]
    assert citing == []


@pytest.mark.parametrize("as_of", [ZHECHENG_DAY, PINGTAN_DAY])
def test_no_check_cites_a_list_page(site, as_of):
    citing = {(r.indicator, path) for r in site.results(as_of) for path in site.cited(r) if path in LIST_PAGES}
    assert citing == set()
