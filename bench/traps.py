"""Benchmark: how many pages the crawler spends on a portal full of traps.

    python bench/traps.py [--timeout 600]

Serves on 127.0.0.1 a small portal (a 40-page real list, 20 articles behind it) with
every trap the crawler has met: a numbered pager whose 尾页 says 99999, a TRS
createPageHTML(99999 …), nav links carrying a fresh random ?token= / ?_= / ?sessid=
on every rendering, a second server on another port linked from every page, and
pages that each link two new generated ones. Crawls it with the default limits
([crawl] defaults, politeness off for this local server) and prints the requests
each trap took and whether every real document was stored.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.runner import crawl  # noqa: E402
from crawler.siteserver import Reply, SiteServer  # noqa: E402
from crawler.testing import FAST, local_config  # noqa: E402
from storage.db import open_engine, run_documents, session_factory  # noqa: E402

CLAIMED, REAL_LIST_PAGES, TRAP_LIST_PAGES, PER_PAGE = 99999, 40, 5, 4
ARTICLE = "<html><head><title>{0}</title></head><body><h1>{0}</h1><div class='content'><p>{0}全文如下。</p></div>{1}</body></html>"
VOLATILE = ("token", "_", "sessid")


def html(text: str) -> Reply:
    return Reply(text.encode("utf-8"), content_type="text/html; charset=utf-8")


class TrapPortal:
    def __init__(self, other_port: int):
        self.other_port = other_port

    def nav(self) -> str:
        links = [f'<a href="/zwgk/info.html?{VOLATILE[i % 3]}={secrets.token_hex(8)}">栏目{i}</a>' for i in range(6)]
        links += [f'<a href="http://127.0.0.1:{self.other_port}/admin/">后台</a>', '<a href="/gen/1.html">专题</a>']
        return "".join(links)

    def reply(self, path: str) -> Reply | None:
        route = urlsplit(path).path
        if route == "/":
            sections = '<a href="/real/index.html">政策文件</a><a href="/weiye/index.html">通知公告</a><a href="/trs/index.html">工作动态</a>'
            return html(ARTICLE.format("示例县人民政府", sections + self.nav()))
        if route.startswith("/real/index"):
            page = _number(route, trs=True)
            return self.list_page("real", page, REAL_LIST_PAGES, f'<script>createPageHTML({REAL_LIST_PAGES}, {page - 1}, "index", "html");</script>')
        if route.startswith("/trs/index"):
            page = _number(route, trs=True)
            return self.list_page("trs", page, TRAP_LIST_PAGES, f'<script>createPageHTML({CLAIMED}, {page - 1}, "index", "html");</script>')
        if route.startswith("/weiye/index"):
            page = _number(route, trs=False)
            window = "".join(f'<a href="/weiye/index_{n}.html">{n}</a>' for n in range(max(1, page - 2), page + 3))
            pager = f'{window}<a href="/weiye/index_{page + 1}.html">下一页</a><a href="/weiye/index_{CLAIMED}.html">尾页</a>'
            return self.list_page("weiye", page, TRAP_LIST_PAGES, pager)
        if route.startswith("/gen/"):
            number = int(route.removeprefix("/gen/").removesuffix(".html"))
            links = "".join(f'<a href="/gen/{2 * number + k}.html">专题{2 * number + k}</a>' for k in (0, 1))
            return html(ARTICLE.format(f"专题第{number}页", links))
        if route.endswith(".html"):
            return html(ARTICLE.format(f"关于{route.strip('/').replace('/', '')}的通知", self.nav()))
        return None

    def list_page(self, section: str, page: int, real_pages: int, pager: str) -> Reply:
        # past the real end the CMS shows its last page again, as many do
        shown = min(page, real_pages)
        entries = "".join(f'<li><a href="/{section}/202101/t20210101_{n}.html">{section}第{n}号文件</a>2021-01-01</li>'
                          for n in range((shown - 1) * PER_PAGE, shown * PER_PAGE))
        return html(f"<html><body><ul>{entries}</ul>{pager}{self.nav()}</body></html>")


def _number(route: str, trs: bool) -> int:
    name = route.rsplit("/", 1)[-1]
    return 1 if name == "index.html" else int(name.removeprefix("index_").removesuffix(".html")) + trs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=600, help="seconds before the crawl is stopped")
    args = parser.parse_args()
    with SiteServer(routes={}) as other:
        portal = TrapPortal(other.port)
        with SiteServer(fallback=portal.reply) as server, tempfile.TemporaryDirectory() as folder:
            db_url = f"sqlite:///{folder}/traps.db"
            overrides = FAST | {"CLOSESPIDER_TIMEOUT": args.timeout}
            started = time.perf_counter()
            run_id = crawl(local_config(server.url, retries=0), db_url, progress=False, overrides=overrides)
            elapsed = time.perf_counter() - started
            paths = server.paths()
            with session_factory(open_engine(db_url))() as session:
                stored = {urlsplit(doc.url).path for doc in run_documents(session, run_id)}
        other_requests = len(other.paths())
    report(paths, stored, other_requests, elapsed)


def report(paths: list[str], stored: set[str], other_requests: int, elapsed: float) -> None:
    def count(prefix: str) -> int:
        return sum(urlsplit(path).path.startswith(prefix) for path in paths)

    real = {f"/{section}/202101/t20210101_{n}.html" for section, pages in (("real", REAL_LIST_PAGES), ("weiye", TRAP_LIST_PAGES),
            ("trs", TRAP_LIST_PAGES)) for n in range(pages * PER_PAGE)}
    print(f"requests in all      : {len(paths)} in {elapsed:.1f} s")
    print(f"real 40-page list    : {count('/real/index')} list pages (40 real)")
    print(f"尾页 = 99999 pager   : {count('/weiye/index')} list pages (5 real)")
    print(f"createPageHTML(99999): {count('/trs/index')} list pages (5 real)")
    print(f"random ?token= links : {count('/zwgk/info.html')} requests (1 page)")
    print(f"other port, same host: {other_requests} requests")
    print(f"endless generated    : {count('/gen/')} pages")
    print(f"real documents stored: {len(real & stored)} of {len(real)}")


if __name__ == "__main__":
    main()
