"""On PostgreSQL, web values longer than any length a column could assume are stored whole,
and a NUL character that PostgreSQL refuses costs no document."""

from __future__ import annotations

import hashlib

from pg import pg_url  # noqa: F401 - the fixture
from sqlalchemy import func, select

from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.store import PageLinks
from crawler.testing import FAST, local_config
from storage.db import open_engine, run_documents, run_fetch_errors, session_factory
from storage.models import Run

LONG_PATH = "/p/" + "a" * 2490 + ".html"
CONTENT_TYPE = "text/html; charset=utf-8; " + "; ".join(f"x-cms-param{n}=value{n}" for n in range(20))
CONTENT_TYPE = (CONTENT_TYPE + "; x-pad=" + "p" * 400)[:400]
ETAG = '"' + "e" * 998 + '"'


def long_values_site() -> tuple[dict[str, Reply], callable]:
    html = "text/html; charset=utf-8"
    routes = {
        "/": Reply('<a href="/plain.html">通知</a><a href="/download?id=1">附件下载</a><a href="/long">很长的地址</a>'
                   '<a href="/gone.html">已删除</a><a href="/notes.txt">说明</a>'.encode(), content_type=html),
        "/plain.html": Reply("<h1>关于开展法治宣传的通知</h1><p>正文。</p>".encode(), content_type=CONTENT_TYPE, etag=ETAG),
        "/download": Reply("第一行\n第二行".encode(), content_type="application/octet-stream",
                           headers={"Content-Disposition": 'attachment; filename="report-2021.documentarchive"'}),
        "/long": Reply(status=302, headers={"Location": LONG_PATH}, content_type=None, conditional=False),
        "/gone.html": Reply(b"error", status=500, content_type="text/plain"),
        # a NUL character, which PostgreSQL refuses in text: the document is kept without it
        "/notes.txt": Reply("第一行\x00第二行".encode(), content_type="text/plain"),
    }

    def long_page(path: str) -> Reply | None:
        return Reply("<h1>很长的地址</h1>".encode(), content_type=html) if path == LONG_PATH else None

    return routes, long_page


def test_a_crawl_with_oversized_web_values_stores_every_document(pg_url):  # noqa: F811
    routes, fallback = long_values_site()
    with SiteServer(routes=routes, fallback=fallback) as server:
        config = local_config(server.url)
        first = crawl(config, pg_url, progress=False, overrides=FAST)
        again = crawl(config, pg_url, progress=False, overrides=FAST)  # unchanged: the copies keep the values too

    for run_id in (first, again):
        with session_factory(open_engine(pg_url))() as session:
            run = session.get(Run, run_id)
            documents = {document.url.removeprefix(server.url.rstrip("/")): document for document in run_documents(session, run_id)}
            errors = run_fetch_errors(session, run_id)
        assert (run.status, run.error) == ("crawled", None)
        assert set(documents) == {"/", "/plain.html", "/download?id=1", LONG_PATH, "/notes.txt"}
        assert documents["/download?id=1"].extension == "documentarchive"
        assert documents["/plain.html"].content_type == CONTENT_TYPE and len(CONTENT_TYPE) == 400
        assert documents["/plain.html"].etag == ETAG and len(ETAG) == 1000
        assert len(documents[LONG_PATH].url) > 2500 and documents[LONG_PATH].title == "很长的地址"
        assert documents["/notes.txt"].text == "第一行第二行"
        assert [error.reason for error in errors] == ["HTTP 500"]


def incompressible(length: int) -> str:
    """Hex that PostgreSQL cannot compress below its index limit (a run of one letter it can)."""
    digits, block = "", b"fazhi"
    while len(digits) < length:
        block = hashlib.sha256(block).digest()
        digits += block.hex()
    return digits[:length]


HUGE_PATH = "/p/" + incompressible(5000) + ".html"


def test_a_redirect_to_a_5000_byte_url_is_stored_and_recrawled(pg_url):  # noqa: F811
    """PostgreSQL's btree refuses index keys over ~2,700 bytes: the URL indexes hold its hash."""
    html = "text/html; charset=utf-8"
    routes = {
        "/": Reply('<a href="/huge">很长的地址</a><a href="/plain.html">通知</a>'.encode(), content_type=html),
        "/plain.html": Reply(f'<h1>通知</h1><a href="{HUGE_PATH}">再次链接</a>'.encode(), content_type=html),
        "/huge": Reply(status=302, headers={"Location": HUGE_PATH}, content_type=None, conditional=False),
    }

    def huge_page(path: str) -> Reply | None:
        return Reply(f'<h1>很长的地址</h1><a href="/plain.html">返回</a>'.encode(), content_type=html) if path == HUGE_PATH else None

    with SiteServer(routes=routes, fallback=huge_page) as server:
        config = local_config(server.url)
        first = crawl(config, pg_url, progress=False, overrides=FAST)
        again = crawl(config, pg_url, progress=False, overrides=FAST)  # unchanged: copied rows and cached links

    for run_id in (first, again):
        with session_factory(open_engine(pg_url))() as session:
            run = session.get(Run, run_id)
            urls = {document.url.removeprefix(server.url.rstrip("/")) for document in run_documents(session, run_id)}
            cached = session.scalar(select(func.count()).select_from(PageLinks).where(PageLinks.url.like(f"%{HUGE_PATH}")))
        assert (run.status, run.error) == ("crawled", None)
        assert urls == {"/", "/plain.html", HUGE_PATH}
        assert cached == 1
    assert len(HUGE_PATH.encode()) > 5000
