"""The real Scrapy engine against a small county portal on 127.0.0.1."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from storage.db import open_engine, run_documents, run_fetch_errors, session_factory
from storage.db import load_snapshot
from storage.models import Run


def html(text: str, charset: str = "utf-8") -> Reply:
    return Reply(text.encode(charset), content_type=f"text/html; charset={charset}")


PORTAL = {
    "/": html('<title>测试县人民政府</title><a href="/xxgk/">信息公开</a> <a href="/bm/sfj/">县司法局</a>'
              '<a href="/bm/jyj/index.html">县教育局</a> <a href="http://www.example.com/far.html">外站</a>'),
    "/xxgk/": html('<ul><li><a href="t1.html">测试县权责清单</a><span>2021-04-09</span></li>'
                   '<li><a href="t2.html">关于公布行政执法主体的公告</a><span>2021-03-01</span></li></ul>'),
    "/xxgk/t1.html": html(
        '<html><head><meta name="PubDate" content="2021-04-08 10:00"><meta name="ArticleTitle" content="测试县权责清单">'
        '<meta name="ContentSource" content="县司法局"></head><body><div class="nav"><a href="/">首页</a></div>'
        '<div class="TRS_Editor"><p>根据有关规定，现公布本县权责清单如下，请社会监督。</p>'
        '<table><tr><td>事项名称</td><td>法律依据</td></tr><tr><td>行政处罚</td><td>行政处罚法</td></tr></table>'
        '<p><a href="files/list.txt">附件：权责清单目录</a></p></div></body></html>'),
    "/xxgk/files/list.txt": Reply("事项名称 法律依据 实施主体".encode("gbk"), content_type="text/plain"),
    "/xxgk/t2.html": html('<html><body><h1>关于公布行政执法主体的公告</h1><div id="zoom">'
                          '<p>现将我县行政执法主体予以公布，接受社会监督。</p><p>测试县人民政府</p><p>2021年2月27日</p></div></body></html>'),
    "/bm/sfj/": Reply(b"server error", status=500, content_type="text/plain"),
    "/bm/jyj/index.html": html('<a href="gone.html">已删除</a> <a href="missing.pdf">附件：缺失的文件</a>'),
}

UNITS = [
    {"name": "县人民政府", "roles": ["county"]},
    {"name": "县司法局", "aliases": ["司法局"], "url_prefixes": ["{url}bm/sfj/"], "roles": ["department"]},
    {"name": "县教育局", "url_prefixes": ["{url}bm/jyj/"], "roles": ["department"]},
]


@pytest.fixture()
def portal():
    with SiteServer(routes=PORTAL) as server:
        yield server


def config_for(server, **crawl_options):
    units = [unit | {"url_prefixes": [p.format(url=server.url) for p in unit.get("url_prefixes", [])]} for unit in UNITS]
    return local_config(server.url, units=units, **crawl_options)


def stored(db_url: str, run_id: int):
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id)
        documents = {doc.url.removeprefix(run.start_urls[0].rstrip("/")): doc for doc in run_documents(session, run_id)}
        errors = run_fetch_errors(session, run_id)
        return run, documents, errors


def test_crawl_stores_pages_attachments_and_errors(portal, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    run_id = crawl(config_for(portal), db_url, progress=False, overrides=FAST)
    run, docs, errors = stored(db_url, run_id)

    assert run.status == "crawled"
    notice = docs["/xxgk/t1.html"]
    assert notice.title == "测试县权责清单"
    assert (notice.published_on, notice.published_source) == (dt.date(2021, 4, 8), "meta")
    assert notice.unit == "县司法局"  # ContentSource names the unit
    assert "现公布本县权责清单" in notice.text and "首页" not in notice.text
    assert notice.tables == [[["事项名称", "法律依据"], ["行政处罚", "行政处罚法"]]]
    assert notice.meta["PubDate"] == "2021-04-08 10:00"

    signed = docs["/xxgk/t2.html"]
    assert signed.title == "关于公布行政执法主体的公告"
    assert (signed.published_on, signed.published_source) == (dt.date(2021, 3, 1), "list")
    assert signed.list_date == dt.date(2021, 3, 1)
    assert signed.parent_url.endswith("/xxgk/")

    attachment = docs["/xxgk/files/list.txt"]
    assert attachment.kind == "attachment" and attachment.extension == "txt"
    assert attachment.title == "权责清单目录"
    assert attachment.text == "事项名称 法律依据 实施主体"
    assert attachment.published_on == dt.date(2021, 4, 8)
    with session_factory(open_engine(db_url))() as session:
        assert load_snapshot(session, attachment.sha256)[0] == "事项名称 法律依据 实施主体".encode("gbk")

    assert docs["/bm/jyj/gone.html"].http_status == 404
    assert docs["/bm/jyj/missing.pdf"].http_status == 404 and docs["/bm/jyj/missing.pdf"].kind == "attachment"
    assert [(e.url.rsplit(":", 1)[-1].split("/", 1)[-1], e.unit, e.http_status) for e in errors] == [("bm/sfj/", "县司法局", 500)]
    assert (run.pages, run.attachments, run.fetch_errors) == (len(docs) - 2, 2, 1)
    assert not any("example.com" in path for path in portal.paths())
    assert portal.paths().count("/bm/sfj/") == 2  # one retry, as configured


def test_recrawl_of_unchanged_site_reuses_documents_and_fetches_changes(portal, tmp_path):
    # every document re-verified every night: what a re-request of a known document does
    config = config_for(portal, reverify_days=1)
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    first = crawl(config, db_url, progress=False, overrides=FAST)
    portal.routes["/xxgk/t2.html"] = html("<html><body><h1>关于公布行政执法主体的公告（更新）</h1><div id='zoom'><p>新内容新内容新内容新内容新内容。</p></div></body></html>")
    portal.log.clear()
    portal.served.clear()
    second = crawl(config, db_url, progress=False, overrides=FAST)
    _run, before, _ = stored(db_url, first)
    run, after, _ = stored(db_url, second)

    assert run.status == "crawled" and after.keys() == before.keys()
    conditional = {path: headers.get("If-None-Match") for _m, path, headers in portal.log}
    assert conditional["/xxgk/t1.html"] and conditional["/xxgk/files/list.txt"]
    full_bodies = sorted(path for path, status in portal.served if status == 200 and path != "/robots.txt")
    assert full_bodies == ["/xxgk/t2.html"]  # only the changed page is downloaded again
    assert after["/xxgk/t1.html"].title == before["/xxgk/t1.html"].title
    assert after["/xxgk/t1.html"].text == before["/xxgk/t1.html"].text
    assert after["/xxgk/t1.html"].unit == "县司法局"
    assert after["/xxgk/files/list.txt"].text == before["/xxgk/files/list.txt"].text
    assert after["/xxgk/t2.html"].title == "关于公布行政执法主体的公告（更新）"
    assert after["/xxgk/t2.html"].sha256 != before["/xxgk/t2.html"].sha256


def test_unreachable_start_page_is_a_fetch_error_not_a_crash(tmp_path):
    with SiteServer(routes={}) as server:
        dead = server.url
    config = local_config(dead, timeout=2)
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    run_id = crawl(config, db_url, progress=False, overrides=FAST)
    run, docs, errors = stored(db_url, run_id)
    assert run.status == "crawled" and not docs
    assert [e.url for e in errors] == [dead] and errors[0].unit == "县人民政府"
    assert errors[0].reason == "连接失败"
