"""Crawling list habits of CMSs we have no saved site for, through the real Scrapy engine.

Each site is served on 127.0.0.1 in the markup its CMS writes (see tests/fixtures/crawl/cms/);
a test passes only when every item on every list page is requested and stored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from storage.db import open_engine, run_documents, session_factory

ARTICLE = "<html><head><title>{0}</title></head><body><h1>{0}</h1><div class='content'><p>{0}全文如下，请遵照执行。</p></div></body></html>"


def html(text: str) -> Reply:
    return Reply(text.encode("utf-8"), content_type="text/html; charset=utf-8")


def article(path: str) -> Reply | None:
    return html(ARTICLE.format(f"关于第{path.rsplit('_', 1)[-1].split('.')[0]}号事项的通知"))


def run_crawl(server: SiteServer, tmp_path: Path, start: str, **options) -> dict:
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    run_id = crawl(local_config(server.url + start, **options), db_url, progress=False, overrides=FAST)
    with session_factory(open_engine(db_url))() as session:
        prefix = server.url.rstrip("/")
        return {doc.url.removeprefix(prefix): doc for doc in run_documents(session, run_id)}


# ---- Hanweb JCMS: datastore in the column page, the rest from dataproxy.jsp ----------

TOTAL, PER_PAGE = 20, 3  # jpage groups 3 pages: 9 records in the page, then 10-18, 19-20
COLUMN = {"columnid": "1229", "unitid": "4063", "webid": "1"}


def record(n: int) -> str:
    # the record markup of hanweb_datastore_dingxi.xml
    return (f'<record><![CDATA[\n<li class="clearfix">    <a target="_blank" href="/art/2021/3/{n}/art_1229_{n}.html" '
            f'title="关于第{n}号事项的通知">关于第{n}号事项的通知</a>    <b>2021-03-{n:02d}</b></li>]]></record>')


def datastore(first: int, last: int, offsite_port: int | None = None) -> str:
    nextgroup = ("/module/web/jpage/dataproxy.jsp?page=1&appid=1&appid=1&webid=1&path=/&columnid=1229&unitid=4063"
                 "&webname=%25E7%25A4%25BA%25E4%25BE%258B%25E5%258E%25BF&permissiontype=0")
    records = "".join(record(n) for n in range(first, last + 1))
    if offsite_port:  # a record linking to another site (another host name for the same server)
        records = records.replace('href="/art/2021/3/5/', f'href="http://localhost:{offsite_port}/art/2021/3/5/')
    return f'<datastore>\n<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>\n<recordset>{records}</recordset>\n</datastore>'


def dataproxy(path: str, body: bytes) -> Reply:
    # jpage.js POSTs: the paging in the query string, the column in the form body
    query = {key: values[0] for key, values in parse_qs(urlsplit(path).query).items()}
    form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
    if any(form.get(key) != value for key, value in COLUMN.items()) or form.get("col") != "1":
        return Reply(b"<datastore><recordset></recordset></datastore>", content_type="text/xml")
    first, last = int(query["startrecord"]), min(int(query["endrecord"]), TOTAL)
    body = f'<?xml version="1.0" encoding="UTF-8"?>{datastore(first, last)}'
    return Reply(body.encode("utf-8"), content_type="text/xml;charset=UTF-8")


def test_hanweb_column_reaches_every_record_through_dataproxy(tmp_path):
    with SiteServer(routes={}) as server:
        column = (f'<html><head><title>通知公告</title></head><body><div id="4063"><script type="text/xml">'
                  f'{datastore(1, 3 * PER_PAGE, server.port)}</script></div>'
                  f"<script>$(document).ready(function(){{ $('#4063').jpage({{totalRecord:{TOTAL},perPage:{PER_PAGE},"
                  f"proxyUrl:'/module/web/jpage/dataproxy.jsp'}}); }});</script></body></html>")
        server.routes |= {"/": html('<a href="/col/col1229/index.html">通知公告</a>'),
                          "/col/col1229/index.html": html(column)}
        server.post_routes["/module/web/jpage/dataproxy.jsp"] = dataproxy
        server.fallback = lambda path: article(path) if path.startswith("/art/") else None
        docs = run_crawl(server, tmp_path, "")
        paths, posted = server.paths(), server.posted
    proxy_queries = [parse_qs(urlsplit(path).query) | parse_qs(body.decode()) for path, body in posted]
    # both groups are scheduled together, so Scrapy may ask for them in either order; what counts
    # is that each group is asked for once and none beyond the last record
    groups = sorted((int(query["startrecord"][0]), int(query["endrecord"][0])) for query in proxy_queries)
    assert groups == [(10, 18), (19, 27)]
    assert all(query["columnid"] == ["1229"] for query in proxy_queries)
    articles = {url: doc for url, doc in docs.items() if url.startswith("/art/")}
    assert len(articles) == TOTAL - 1
    assert not any(path.startswith("/art/2021/3/5/") for path in paths)  # the offsite record: never requested
    last = articles[f"/art/2021/3/{TOTAL}/art_1229_{TOTAL}.html"]
    assert (last.published_on, last.published_source) == (dt.date(2021, 3, TOTAL), "list")
    assert last.title == f"关于第{TOTAL}号事项的通知"


# ---- numbered pagers that show a window and a 尾页 link -------------------------------

PAGERS = {
    "dedecms": "/a/tzgg/list_12_{n}.html",
    "empire_shtml": "/xxgk/tzgg/index_{n}.shtml",
    "query_pageNo": "/list.jsp?channelId=5&pageNo={n}",
    "query_pageIndex": "/news.aspx?pageIndex={n}&type=2",
}


@pytest.mark.parametrize("template", PAGERS.values(), ids=PAGERS.keys())
def test_numbered_pager_reaches_the_last_page_beyond_the_depth_limit(tmp_path, template):
    last = 30

    def list_page(path: str) -> Reply | None:
        number = next((n for n in range(1, last + 1) if path == template.format(n=n)), None)
        if number is None:
            return article(path) if path.startswith("/doc_") else None
        window = "".join(f'<a href="{template.format(n=n)}">{n}</a> ' for n in range(number + 1, min(number + 3, last + 1)))
        pager = f'{window}<a href="{template.format(n=min(number + 1, last))}">下一页</a> <a href="{template.format(n=last)}">尾页</a>'
        item = f'<li><a href="/doc_{number}.html">第{number}号通知</a><span>2021-04-{number:02d}</span></li>'
        return html(f"<html><body><ul>{item}</ul><div class='pages'>{pager}</div></body></html>")

    with SiteServer(fallback=list_page) as server:
        docs = run_crawl(server, tmp_path, template.format(n=1).lstrip("/"), max_depth=3)
        paths = server.paths()
    assert {template.format(n=n) for n in range(1, last + 1)} <= set(paths)
    assert template.format(n=last + 1) not in paths
    assert {f"/doc_{n}.html" for n in range(1, last + 1)} <= docs.keys()
    assert docs[f"/doc_{last}.html"].published_on == dt.date(2021, 4, last)


# ---- links that only script follows --------------------------------------------------


def test_links_in_onclick_javascript_hrefs_and_document_write_are_crawled(tmp_path):
    with SiteServer(routes={}) as server:
        listing = f"""<html><head><title>政务公开</title></head><body><ul>
          <li onclick="window.open('./t20210315_1.html')"><span>行政执法公示制度</span><span>2021-03-15</span></li>
          <li><a href="javascript:openUrl('/xxgk/t20210316_2.html')">权责清单调整公告</a><span>2021-03-16</span></li>
          <li onclick="showPage('prompt',this)"><span>菜单</span></li>
          </ul><table><tr onclick="location.href='t20210317_3.html'"><td>双随机抽查结果</td><td>2021-03-17</td></tr></table>
          <script>document.write("<li><a href='t20210318_4.html'>行政复议决定书</a><span>2021-03-18</span></li>");
          document.write('<a href="'+base+'x.html">x</a>');</script>
          <a href="#" onclick="window.open('http://localhost:{server.port}/xxgk/offsite.html')">外站</a>
          </body></html>"""
        server.routes |= {"/xxgk/index.html": html(listing)}
        server.fallback = lambda path: article(path) if path.startswith("/xxgk/t2021") else None
        docs = run_crawl(server, tmp_path, "xxgk/index.html")
        paths = server.paths()
    expected = {f"/xxgk/t2021031{5 + n}_{1 + n}.html": dt.date(2021, 3, 15 + n) for n in range(4)}
    assert expected.keys() <= docs.keys()
    assert {url: docs[url].list_date for url in expected} == expected
    assert docs["/xxgk/t20210315_1.html"].link_text == "行政执法公示制度2021-03-15"
    assert "/xxgk/offsite.html" not in paths
    assert not any("base" in path or "prompt" in path for path in paths)
