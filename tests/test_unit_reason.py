"""The unit a document is credited to, with the reason, from the crawl to the report.

An assessor reads a department's own section as the department's, whatever its 来源 says
or leaves empty; elsewhere the 来源 / 发布机构 or the 索引号 decides. The unit and the reason
are stored with the document and shown beside each piece of evidence in the report and
findings.json, so a unit credited with a page (or missing one) can see why.
"""

from __future__ import annotations

import datetime as dt
import json

from county.units import UnitFinder
from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from fazhi.jobs import check_step, report_step
from storage.db import open_engine, run_documents, session_factory

AS_OF = dt.date(2021, 4, 1)
PAGE = ("<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        "<div class='info'>{header}</div><div class='content'><p>{title}全文如下。</p></div></body></html>")


def page(title: str, header: str) -> Reply:
    return Reply(PAGE.format(title=title, header=header).encode("utf-8"), content_type="text/html; charset=utf-8")


def units(base: str) -> list[dict]:
    return [
        {"name": "县人民政府", "roles": ["county"]},
        {"name": "县司法局", "aliases": ["示范县司法局"], "roles": ["department"], "url_prefixes": [f"{base}bm/sfj/"]},
        {"name": "县教育局", "aliases": ["示范县教育局"], "roles": ["department"], "url_prefixes": [f"{base}bm/jyj/"]},
        {"name": "县卫健委", "roles": ["department"], "index_prefixes": ["sfx12/"]},
    ]


def portal() -> SiteServer:
    links = "".join(f'<li><a href="{path}">{text}</a></li>' for path, text in (
        ("/bm/sfj/1.html", "司法局报告"), ("/xxgk/1.html", "教育局报告"), ("/xxgk/2.html", "卫健委报告"), ("/bm/sfj/2.html", "转载")))
    return SiteServer(routes={
        "/": page("示范县人民政府", f"<ul>{links}</ul>"),
        # the department's own section, 来源 left empty
        "/bm/sfj/1.html": page("2020年法治政府建设情况报告", "发布日期：2021-03-20　来源："),
        # the department's section, 来源 naming another unit: still the department's
        "/bm/sfj/2.html": page("转发示范县教育局关于开展普法宣传的通知", "发布日期：2021-03-22　来源：示范县教育局"),
        # the county portal's disclosure column: the 来源 names the unit
        "/xxgk/1.html": page("2020年法治政府建设情况报告", "发布日期：2021-03-25　来源：示范县教育局"),
        # the county portal: only the 索引号 names the publishing unit
        "/xxgk/2.html": page("2020年法治政府建设情况报告", "索引号：sfx12/2021-00007　发布日期：2021-03-26"),
    })


def test_each_document_is_stored_with_its_unit_and_the_reason(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    with portal() as server:
        run_id = crawl(local_config(server.url, units=units(server.url)), db_url, progress=False, overrides=FAST)
        with session_factory(open_engine(db_url))() as session:
            stored = {doc.url.removeprefix(server.url.rstrip("/")): (doc.unit, doc.unit_reason) for doc in run_documents(session, run_id)}
        base = server.url
    assert stored["/bm/sfj/1.html"] == ("县司法局", f"网址前缀 {base}bm/sfj/")
    assert stored["/bm/sfj/2.html"] == ("县司法局", f"网址前缀 {base}bm/sfj/")
    assert stored["/xxgk/1.html"] == ("县教育局", "来源：示范县教育局")
    assert stored["/xxgk/2.html"] == ("县卫健委", "索引号 sfx12/2021-00007")
    assert stored["/"][0] == "县人民政府" and "未归入其他单位" in stored["/"][1]


def test_the_report_and_findings_json_show_why_a_document_is_the_units(tmp_path):
    db_url, out = f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "report"
    with portal() as server:
        config = local_config(server.url, units=units(server.url))
        run_id = crawl(config, db_url, progress=False, overrides=FAST)
        base = server.url
    check_step(config, db_url, AS_OF, run_id)
    report_step(config, db_url, out)

    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
    reports = {f["unit"]: f for f in findings if f["indicator"] == "93"}
    assert reports["县司法局"]["status"] == "pass"
    [evidence] = [e for e in reports["县司法局"]["evidence"] if e["url"] == f"{base}bm/sfj/1.html"]
    assert (evidence["unit"], evidence["unit_reason"]) == ("县司法局", f"网址前缀 {base}bm/sfj/")
    [evidence] = [e for e in reports["县教育局"]["evidence"] if e["url"] == f"{base}xxgk/1.html"]
    assert evidence["unit_reason"] == "来源：示范县教育局"
    assert reports["县卫健委"]["status"] == "pass"

    unit_page = (out / "units" / "县司法局.html").read_text(encoding="utf-8")
    assert f"归属：县司法局（依据：网址前缀 {base}bm/sfj/）" in unit_page
    assert "归属：县教育局（依据：来源：示范县教育局）" in (out / "units" / "县教育局.html").read_text(encoding="utf-8")


def test_a_prefix_outweighs_a_publisher_naming_another_unit_and_the_reason_says_so():
    config = local_config("http://127.0.0.1/", units=units("http://127.0.0.1/"))
    finder = UnitFinder(config.units)
    inside = finder.attribution("https://127.0.0.1/bm/sfj/3.html", {"来源": "示范县教育局", "索引号": "sfx12/2021-1"})
    assert (inside.unit, inside.reason) == ("县司法局", "网址前缀 http://127.0.0.1/bm/sfj/")
    published = finder.attribution("http://127.0.0.1/xxgk/3.html", {"发布机构": "示范县司法局", "来源": "示范县教育局"})
    assert (published.unit, published.reason) == ("县司法局", "发布机构：示范县司法局")
    assert finder.attribution("http://127.0.0.1/xxgk/4.html", {"来源": ""}).unit == "县人民政府"
