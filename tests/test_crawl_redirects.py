"""Redirects and meta refreshes: followed, and each target fetched and stored once."""

from __future__ import annotations

from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from storage.db import open_engine, run_documents, session_factory


def html(text: str) -> Reply:
    return Reply(text.encode(), content_type="text/html; charset=utf-8")


def crawled(server: SiteServer, tmp_path) -> dict:
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    run_id = crawl(local_config(server.url), db_url, progress=False, overrides=FAST)
    with session_factory(open_engine(db_url))() as session:
        prefix = server.url.rstrip("/")
        return {doc.url.removeprefix(prefix): doc for doc in run_documents(session, run_id)}


def test_a_page_reached_directly_and_through_two_redirects_is_fetched_once(tmp_path):
    routes = {
        "/": html('<a href="/old1.html">旧地址一</a> <a href="/old2.html">旧地址二</a> <a href="/list.html">栏目</a>'),
        "/list.html": html('<a href="/new/notice.html">通知</a>'),
        "/new/notice.html": html("<h1>关于开展法治政府建设示范创建的通知</h1>"),
    }
    with SiteServer(routes=routes) as server:
        for old in ("/old1.html", "/old2.html"):
            server.routes[old] = Reply(b"", status=301, headers={"Location": f"{server.url}new/notice.html"})
        docs = crawled(server, tmp_path)
        paths = server.paths()
    assert paths.count("/new/notice.html") == 1
    assert docs["/new/notice.html"].title == "关于开展法治政府建设示范创建的通知"


def test_a_meta_refresh_is_followed(tmp_path):
    routes = {
        "/": html('<html><head><meta http-equiv="refresh" content="0; url=/portal/index.html"></head><body></body></html>'),
        "/portal/index.html": html('<a href="/portal/notice.html">通知公告</a>'),
        "/portal/notice.html": html("<h1>关于公布权责清单的通知</h1>"),
    }
    with SiteServer(routes=routes) as server:
        docs = crawled(server, tmp_path)
    assert docs["/portal/notice.html"].title == "关于公布权责清单的通知"
