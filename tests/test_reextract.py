"""An improved extractor reaches pages that did not change: they are re-read from their stored bytes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from crawler.extract import EXTRACTOR_VERSION
from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config, minimal_pdf
from storage.db import open_engine, run_documents, session_factory
from storage.models import Document

HTML = "text/html; charset=utf-8"
ARTICLE = """<html><head><title>关于开展2021年法治宣传月活动的通知_县司法局</title></head><body>
<table><tr><td>索引号：</td><td>001-2021-0042</td><td>发布机构：</td><td>县司法局</td></tr>
<tr><td>发布日期：</td><td>2021-05-20</td></tr></table>
<h1>关于开展2021年法治宣传月活动的通知</h1>
<div class="content"><p>各乡镇：现将活动方案印发给你们。</p><a href="/b.html">活动方案</a><a href="/plan.pdf">附件：方案全文</a></div>
</body></html>"""


def site() -> dict[str, Reply]:
    return {
        "/": Reply('<a href="/a.html">法治宣传月</a><a href="/c.html">其他通知</a>'.encode(), content_type=HTML),
        "/a.html": Reply(ARTICLE.encode(), content_type=HTML),
        "/b.html": Reply("<h1>法治宣传月活动方案</h1><p>方案正文。</p>".encode(), content_type=HTML),
        "/c.html": Reply("<h1>关于召开会议的通知</h1><p>正文。</p>".encode(), content_type=HTML),
        "/plan.pdf": Reply(minimal_pdf(["法治宣传月活动方案全文"]), content_type="application/pdf"),
    }


def by_path(db_url: str, run_id: int, base: str) -> dict[str, Document]:
    with session_factory(open_engine(db_url))() as session:
        return {document.url.removeprefix(base.rstrip("/")): document for document in run_documents(session, run_id)}


def pretend_an_older_extractor_read(db_url: str, run_id: int, base: str) -> None:
    """What an extractor before today's made of these pages: no title, date, fields or attachment text."""
    older = {"title": "旧标题", "published_on": None, "fields": {}, "text": ""}
    with session_factory(open_engine(db_url))() as session:
        for path, version in (("/a.html", EXTRACTOR_VERSION - 1), ("/plan.pdf", None), ("/c.html", EXTRACTOR_VERSION)):
            session.execute(update(Document).where(Document.run_id == run_id, Document.url == base.rstrip("/") + path)
                            .values(older | {"extractor_version": version}))
        session.commit()


def test_unchanged_pages_read_by_an_older_extractor_are_re_read_from_their_stored_bytes(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    with SiteServer(routes=site()) as server:
        config = local_config(server.url)
        first = crawl(config, db_url, progress=False, overrides=FAST)
        pretend_an_older_extractor_read(db_url, first, server.url)
        served_before = len(server.served)
        again = crawl(config, db_url, progress=False, overrides=FAST)
        answers = dict(server.served[served_before:])

    documents = by_path(db_url, again, server.url)
    assert answers["/a.html"] == answers["/plan.pdf"] == 304  # re-read from the store, not downloaded again
    article = documents["/a.html"]
    assert article.title == "关于开展2021年法治宣传月活动的通知"
    assert article.published_on == dt.date(2021, 5, 20)
    assert article.fields["发布机构"] == "县司法局" and article.fields["索引号"] == "001-2021-0042"
    assert article.extractor_version == EXTRACTOR_VERSION
    assert "方案全文" in documents["/plan.pdf"].text
    assert documents["/plan.pdf"].title == "方案全文"
    assert "/b.html" in documents  # the links of a re-read page are followed as before
    assert documents["/c.html"].title == "旧标题"  # read by today's extractor already: copied, not re-read
