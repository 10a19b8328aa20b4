"""Sites that would keep a crawler busy forever: pagers that claim 99999 pages, links with a fresh
random parameter on every rendering, endless generated pages. Each is served on 127.0.0.1 and
crawled with the real engine; the crawl must read every real document and stop at the trap.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from storage.db import open_engine, run_documents, session_factory

ARTICLE = "<html><head><title>{0}</title></head><body><h1>{0}</h1><div class='content'><p>{0}全文如下，请遵照执行。</p></div></body></html>"
REAL_PAGES, PER_PAGE = 5, 4
CLAIMED = 99999


def html(text: str) -> Reply:
    return Reply(text.encode("utf-8"), content_type="text/html; charset=utf-8")


def article(path: str) -> Reply:
    return html(ARTICLE.format(f"关于{urlsplit(path).path.strip('/').replace('/', '')}事项的通知"))


def run_crawl(server: SiteServer, tmp_path: Path, start: str = "", **options) -> dict:
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    run_id = crawl(local_config(server.url + start, **options), db_url, progress=False, overrides=FAST)
    with session_factory(open_engine(db_url))() as session:
        prefix = server.url.rstrip("/")
        return {doc.url.removeprefix(prefix): doc for doc in run_documents(session, run_id)}


def items(page: int) -> str:
    # past the real end the CMS shows its last page again, as many do
    page = min(page, REAL_PAGES)
    entries = range((page - 1) * PER_PAGE, page * PER_PAGE)
    return "".join(f'<li><a href="/tzgg/202101/t20210101_{n}.html">第{n}号通知公告</a><span>2021-01-01</span></li>' for n in entries)


def numbered_pager(page: int) -> str:
    """A window of five page numbers around the current page, 下一页 and a 尾页 that claims 99999 pages."""
    window = range(max(1, page - 2), page + 3)
    numbers = "".join(f'<a href="/tzgg/index_{n}.html">{n}</a>' for n in window)
    return f'{numbers}<a href="/tzgg/index_{page + 1}.html">下一页</a><a href="/tzgg/index_{CLAIMED}.html">尾页</a>'


def trs_pager(page: int) -> str:
    return f'<script>createPageHTML({CLAIMED}, {page - 1}, "index", "html");</script>'


def pager_site(pager) -> dict:
    def list_page(path: str) -> Reply | None:
        name = urlsplit(path).path.rsplit("/", 1)[-1]
        # TRS numbers its pages index.html, index_1.html …: index_1.html is the second page
        page = 1 if name == "index.html" else int(name.removeprefix("index_").removesuffix(".html")) + (pager is trs_pager)
        return html(f"<html><body><ul>{items(page)}</ul>{pager(page)}</body></html>")

    return {"/": html('<a href="/tzgg/index.html">通知公告</a>')}, lambda path: (
        list_page(path) if urlsplit(path).path.startswith("/tzgg/index") else article(path))


@pytest.mark.parametrize("pager", [numbered_pager, trs_pager], ids=["numbered-weiye", "trs-createPageHTML"])
def test_a_pager_claiming_99999_pages_is_followed_only_while_it_shows_new_items(tmp_path, pager):
    routes, fallback = pager_site(pager)
    with SiteServer(routes=routes, fallback=fallback) as server:
        docs = run_crawl(server, tmp_path, max_pages=1500)
        paths = server.paths()
    list_pages = [path for path in paths if path.startswith("/tzgg/index")]
    assert {f"/tzgg/202101/t20210101_{n}.html" for n in range(REAL_PAGES * PER_PAGE)} <= docs.keys()
    # a few pages past the end are fetched while the list proves itself: tens, never thousands
    assert len(list_pages) <= 40, f"{len(list_pages)} list pages fetched for {REAL_PAGES} real ones"


def test_a_long_list_with_pages_of_repeated_items_is_read_to_its_end(tmp_path):
    pages = 80
    repeats = {30, 31}  # two pages that show only items already listed (top-pinned entries, say)

    def fallback(path: str) -> Reply | None:
        name = urlsplit(path).path.rsplit("/", 1)[-1]
        if not name.startswith("list"):
            return article(path)
        page = int(parse_qs(urlsplit(path).query).get("page", ["1"])[0])
        shown = 1 if page in repeats else page
        entries = f'<li><a href="/zwgk/doc{shown}.html">第{shown}号文件</a>2021-02-01</li>'
        return html(f'<html><body><ul>{entries}</ul>共 {pages} 页 <a href="/zwgk/list.jsp?page={page + 1}">下一页</a></body></html>')

    with SiteServer(routes={"/": html('<a href="/zwgk/list.jsp?page=1">政务公开</a>')}, fallback=fallback) as server:
        docs = run_crawl(server, tmp_path)
    assert {f"/zwgk/doc{n}.html" for n in range(1, pages + 1) if n not in repeats} <= docs.keys()


VOLATILE_NAMES = ("token", "_", "sessid")  # none of them is a known session parameter


def test_a_parameter_that_changes_on_every_visit_is_dropped(tmp_path):
    articles = [f"/wz/{name}.html" for name in "abcde"]

    def page(path: str) -> Reply | None:
        target = urlsplit(path).path
        if target.startswith("/view.jsp"):
            return article(path)
        if target != "/" and target not in articles:
            return None
        links = [f'<a href="/?_={secrets.token_hex(8)}">首页</a>']
        links += [f'<a href="{href}?{VOLATILE_NAMES[i % 3]}={secrets.token_hex(8)}">第{i}篇</a>' for i, href in enumerate(articles)]
        links += [f'<a href="/view.jsp?id={n}">文件{n}</a>' for n in range(1, 5)]
        body = ARTICLE.format(f"关于{target.strip('/') or '首页'}的说明")
        return html(body.replace("</body>", "".join(links) + "</body>"))

    with SiteServer(fallback=page) as server:
        docs = run_crawl(server, tmp_path, max_pages=1000)
        paths = server.paths()
    fetched = {href: sum(urlsplit(path).path == href for path in paths) for href in articles}
    # a few visits with the parameter before it is recognised, those already on their way, then none
    assert all(1 <= count <= 15 for count in fetched.values()), fetched
    assert {f"/view.jsp?id={n}" for n in range(1, 5)} <= docs.keys()
    assert len(paths) <= 80, f"{len(paths)} requests for a site of {len(articles) + 5} pages"


def test_endless_generated_pages_stop_at_the_section_and_pattern_caps(tmp_path):
    def endless(path: str) -> Reply:
        # every page links two deeper ones: nothing in the URL or the page says it never ends
        number = int("".join(char for char in urlsplit(path).path if char.isdigit()) or 0)
        links = "".join(f'<a href="/gen/{2 * number + k}.html">第{2 * number + k}页</a>' for k in (1, 2))
        links += "".join(f'<a href="/deep/{2 * number + k}/view.html">详情{2 * number + k}</a>' for k in (1, 2))
        return html(ARTICLE.format(f"第{number}页") .replace("</body>", links + "</body>"))

    with SiteServer(fallback=endless) as server:
        run_crawl(server, tmp_path, max_pages=1000, max_depth=40, max_pages_per_section=25, max_pages_per_pattern=30)
        paths = server.paths()
    assert 20 <= sum(path.startswith("/gen/") for path in paths) <= 25
    assert 20 <= sum(path.startswith("/deep/") for path in paths) <= 30


def test_by_default_one_url_shape_may_take_the_whole_crawl():
    # a county portal's articles share one shape (/contents/12/3456.html, /s1/202111/t20211102_1.html):
    # a default pattern cap below max_pages silently cut the 20,000-page benchmark portal in half
    from county.config import parse_config

    raw = {"county": {"name": "示范县"},
           "crawl": {"start_urls": ["http://www.example.gov.cn/"], "allowed_domains": ["www.example.gov.cn"], "max_pages": 50000},
           "units": [{"name": "县政府", "roles": ["county"]}]}
    crawl = parse_config(raw).crawl
    assert crawl.pattern_cap == 50000 and crawl.max_pages_per_section >= 10000
