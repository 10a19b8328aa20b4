"""Lists that only script reaches, crawled through the real Scrapy engine on saved real markup.

A TRS 动静结合 list (tests/fixtures/real/lists/trs_dongjing_pingtan.html) holds 10 of its 20
records and leaves the rest to the site's TRS search; a Hanweb column page
(hanweb_jpage_jiangsu.html) leaves all but two to dataproxy.jsp, which answers POST only.
Each is served on 127.0.0.1 with a small list API answering as the real one does
(MANIFEST.md there). Every record the API has must be reached; a list read short of its
claim must be stored as partly read, and its unit's missing items judged unknown.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawler import cms
from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from fazhi.jobs import check_step, report_step
from storage.db import open_engine, run_documents, run_findings, run_partial_lists, session_factory

LISTS = Path(__file__).parent / "fixtures" / "real" / "lists"
TRS_COLUMN = "/zwgk/zfxxgk/zfxxgknb/"
# the ten static records' folder and name shape, as on the real page
TRS_ITEM = re.compile(r"^/zwgk/zfxxgk/zfxxgknb/\d{6}/t\d{8}_\d+\.htm$")
ARTICLE = ("<html><head><title>{0}</title></head><body><h1>{0}</h1><div class='content'><p>{0}全文如下。</p>"
           "<p>发布日期：2016-03-01</p></div></body></html>")
AS_OF = dt.date(2026, 6, 1)


def html(text: str) -> Reply:
    return Reply(text.encode("utf-8"), content_type="text/html; charset=utf-8")


def article(path: str) -> Reply | None:
    if TRS_ITEM.match(path) or path.startswith("/art/"):
        return html(ARTICLE.format(f"平潭综合实验区第{path.rsplit('_', 1)[-1].split('.')[0]}号年度报告"))
    return None


def trs_search(docs_after_static: int):
    """The site's WAS search as list2.trsapi asks it: page N of the column's documents, as JSON."""

    def answer(path: str) -> Reply:
        query = {key: values[0] for key, values in parse_qs(urlsplit(path).query).items()}
        wanted = {"channelid": "200210", "classsql": "chnlid=1813", "templet": "advsch.jsp", "prepage": "10"}
        if any(query.get(key) != value for key, value in wanted.items()):
            return Reply(json.dumps({"count": 0, "docs": [{"title": "文章标题", "url": ""}]}).encode(), content_type="text/html")
        page = int(query["page"])
        numbers = range(10 * (page - 1) + 1, min(10 * page, 10 + docs_after_static) + 1)
        docs = [{"title": f"平潭综合实验区第{900 + n}号年度报告", "url": f"http://127.0.0.1{TRS_COLUMN}2016{n:02d}/t201601{n:02d}_{900 + n}.htm",
                 "pubtime": f"2016-01-{n:02d}", "content": "……"} for n in numbers if n > 10]
        # the real search writes a line break inside its strings (its users strip them before json.loads)
        body = json.dumps({"count": 10 + docs_after_static, "docs": docs}, ensure_ascii=False).replace("……", "…\n…")
        return Reply(body.encode("utf-8"), content_type="text/html;charset=UTF-8")

    return answer


def with_host(answer, server: SiteServer):
    """The search answers with the site's own absolute URLs: here, the test server's."""
    def rewritten(path: str) -> Reply:
        reply = answer(path)
        reply.body = reply.body.replace(b"http://127.0.0.1/", server.url.encode())
        return reply
    return rewritten


def run_crawl(server: SiteServer, tmp_path: Path, start: str, units: list[dict] | None = None) -> tuple[str, int]:
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    config = local_config(server.url + start.lstrip("/"), units=units)
    return db_url, crawl(config, db_url, progress=False, overrides=FAST)


def stored(db_url: str, run_id: int, server: SiteServer) -> tuple[dict, list]:
    with session_factory(open_engine(db_url))() as session:
        prefix = server.url.rstrip("/")
        docs = {doc.url.removeprefix(prefix): doc for doc in run_documents(session, run_id) if doc.http_status == 200}
        partial = [(row.url.removeprefix(prefix), row.unit, row.claimed, row.read, row.reason) for row in run_partial_lists(session, run_id)]
    return docs, partial


def trs_server(search=None) -> SiteServer:
    page = (LISTS / "trs_dongjing_pingtan.html").read_bytes()
    server = SiteServer(routes={TRS_COLUMN: Reply(page, content_type="text/html; charset=utf-8")}, fallback=article)
    if search is not None:
        server.routes["/was5/web/search"] = search
    return server


# ---- TRS 动静结合 -------------------------------------------------------------------------


def test_trs_list_reaches_the_records_its_page_leaves_to_the_search(tmp_path):
    with trs_server() as server:
        server.routes["/was5/web/search"] = with_host(trs_search(docs_after_static=10), server)
        db_url, run_id = run_crawl(server, tmp_path, TRS_COLUMN)
        docs, partial = stored(db_url, run_id, server)
        searched = [path for path in server.paths() if path.startswith("/was5/")]
    items = {url for url in docs if TRS_ITEM.match(url)}
    assert len(items) == 20  # 10 on the page, 10 from the search's page 2
    assert len(searched) == 1 and "page=2" in searched[0]
    assert "sortfield=-docorderpri%2C-docreltime" in searched[0]
    assert partial == []
    from_search = docs[f"{TRS_COLUMN}201611/t20160111_911.htm"]
    assert from_search.list_date == dt.date(2016, 1, 11)  # the search's pubtime, as a list date


def test_trs_list_whose_search_does_not_answer_is_partly_read_and_its_units_gaps_unknown(tmp_path):
    units = [{"name": "县人民政府", "roles": ["county"]},
             {"name": "县统计局", "roles": ["department"], "url_prefixes": ["__SERVER__zwgk/"]}]
    with trs_server() as server:  # no /was5/ on this site: the search answers 404
        for unit in units:
            unit["url_prefixes"] = [prefix.replace("__SERVER__", server.url) for prefix in unit.get("url_prefixes", [])]
        db_url, run_id = run_crawl(server, tmp_path, TRS_COLUMN, units)
        docs, partial = stored(db_url, run_id, server)
        config = local_config(server.url + TRS_COLUMN.lstrip("/"), units=units)
    assert len({url for url in docs if TRS_ITEM.match(url)}) == 10
    assert [(url, unit, claimed, read) for url, unit, claimed, read, _reason in partial] == [(TRS_COLUMN, "县统计局", 20, 10)]

    check_step(config, db_url, AS_OF, run_id)
    with session_factory(open_engine(db_url))() as session:
        findings = {(row.indicator, row.unit): row for row in run_findings(session, run_id)}
    # no 2025 rule-of-law report among the 10 records read: the other 10 may hold it
    report = findings[("93", "县统计局")]
    assert report.status == "unknown"
    assert "只读到 10 条" in report.message and "称共 20 条" in report.message
    report_step(config, db_url, tmp_path / "report")
    unit_page = (tmp_path / "report" / "units" / "县统计局.html").read_text(encoding="utf-8")
    assert "该单位的列表只读到一部分" in unit_page and "称共 20 条，本次只读到 10 条" in unit_page


def test_trs_claim_without_search_arguments_says_why_the_rest_cannot_be_read():
    page = (LISTS / "trs_dongjing_pingtan.html").read_text(encoding="utf-8")
    # the same list with its listArgs (search channel and column) moved into a script file
    stripped = re.sub(r"listArgs:\s*\{[^}]*\},", "", page)
    claim = cms.list_claim(stripped, "http://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/")
    assert (claim.total, claim.on_page, claim.api) == (20, 10, None)
    assert "channelid" in claim.why_not


# ---- Hanweb jpage: dataproxy.jsp answers POST only ------------------------------------------


def dataproxy(records: int):
    """dataproxy.jsp as jpage.js calls it: the group in the query string, the column in the form."""
    template = (LISTS / "hanweb_dataproxy_answer_dingxi.xml").read_text(encoding="utf-8")
    record = re.search(r"<record>.*?</record>", template, re.S).group(0)

    def answer(path: str, body: bytes) -> Reply:
        query = {key: values[0] for key, values in parse_qs(urlsplit(path).query).items()}
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        column = {"col": "1", "webid": "1", "columnid": "33718", "unitid": "212860", "path": "/", "permissiontype": "0"}
        if any(form.get(key) != value for key, value in column.items()):
            return Reply(b"<datastore><recordset></recordset></datastore>", content_type="text/xml")
        first, last = int(query["startrecord"]), min(int(query["endrecord"]), records)
        rows = "".join(re.sub(r"/art/2022/1/20/art_12377_1486865\.html", f"/art/2026/1/{n % 28 + 1}/art_33718_{n}.html", record)
                       for n in range(first, last + 1))
        return Reply(f"<datastore><totalrecord>{records}</totalrecord><recordset>{rows}</recordset></datastore>".encode(),
                     content_type="text/xml;charset=UTF-8")

    return answer


def test_hanweb_column_is_read_through_its_post_only_dataproxy(tmp_path):
    page = (LISTS / "hanweb_jpage_jiangsu.html").read_bytes()
    with SiteServer(routes={"/col/col33718/index.html": Reply(page, content_type="text/html; charset=utf-8")},
                    fallback=article, post_routes={"/module/web/jpage/dataproxy.jsp": dataproxy(records=120)}) as server:
        db_url, run_id = run_crawl(server, tmp_path, "/col/col33718/index.html")
        docs, partial = stored(db_url, run_id, server)
        gets = [path for method, path, _headers in server.log if method == "GET" and "dataproxy" in path]
    articles = {url for url in docs if url.startswith("/art/")}
    # two records on the page, records 3 … 120 from the proxy (the fixture's record links once each)
    assert {int(url.rsplit("_", 1)[1].split(".")[0]) for url in articles if "art_33718_" in url} >= set(range(3, 121))
    assert gets == []  # jpage.js never GETs the proxy
    # the page claims 4,895 records; the proxy had 120: the list is recorded as read short, with both counts
    assert [(url, claimed) for url, _unit, claimed, _read, _reason in partial] == [("/col/col33718/index.html", 4895)]
    assert 120 <= partial[0][3] < 4895


def test_an_unchanged_night_still_knows_the_list_is_partly_read(tmp_path):
    with trs_server() as server:  # the search answers 404 both nights; nothing on the site changes
        db_url, first = run_crawl(server, tmp_path, TRS_COLUMN)
        _db_url, second = run_crawl(server, tmp_path, TRS_COLUMN)
        conditional = [headers for method, path, headers in server.log if path == TRS_COLUMN and "If-None-Match" in headers]
        _docs, partial = stored(db_url, second, server)
    assert second != first and conditional  # the list page came back 304: its claim came from the cache
    assert [(url, claimed, read) for url, _unit, claimed, read, _reason in partial] == [(TRS_COLUMN, 20, 10)]


def test_a_hanweb_list_of_many_groups_is_read_to_its_last_group(tmp_path):
    # the real column with jpage asked for one record a group: 13 groups after the page's two,
    # more than a list releases before its pages show new records
    page = (LISTS / "hanweb_jpage_jiangsu.html").read_text(encoding="utf-8")
    page = page.replace("totalRecord:4895,perPage:19", "totalRecord:15,perPage:1,groupSize:1")
    with SiteServer(routes={"/col/col33718/index.html": html(page)}, fallback=article,
                    post_routes={"/module/web/jpage/dataproxy.jsp": dataproxy(records=15)}) as server:
        db_url, run_id = run_crawl(server, tmp_path, "/col/col33718/index.html")
        docs, partial = stored(db_url, run_id, server)
        groups = len(server.posted)
    assert {int(url.rsplit("_", 1)[1].split(".")[0]) for url in docs if "art_33718_" in url} >= set(range(3, 16))
    assert groups == 13 and partial == []


def test_hanweb_claim_without_column_parameters_says_why_the_rest_cannot_be_read():
    page = (LISTS / "hanweb_jpage_jiangsu.html").read_text(encoding="utf-8")
    # the same column with its nextgroup and param_ object left to a script file
    stripped = re.sub(r"<nextgroup>.*?</nextgroup>", "", page, flags=re.S).replace("var param_212860={columnid:33718,unitid:'212860'}; ", "")
    claim = cms.list_claim(stripped, "http://www.jiangsu.gov.cn/col/col33718/index.html")
    assert (claim.total, claim.on_page, claim.api) == (4895, 2, None)
    assert "columnid" in claim.why_not
