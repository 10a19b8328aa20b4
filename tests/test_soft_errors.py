"""Soft errors (CHECKS.md, "fetch error"): 200 answers that are not the page are told
apart from real pages, and a crawl stores them as fetch errors, not as documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract import extract_page
from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.soft_errors import soft_error
from crawler.testing import FAST, local_config
from storage.db import open_engine, run_documents, run_fetch_errors, session_factory

FIXTURES = Path(__file__).parent / "fixtures"
REAL_PAGES = sorted((FIXTURES / "real").glob("*.html"))
SAMPLE_PAGES = sorted((FIXTURES / "html").rglob("*.html")) + sorted((FIXTURES / "night2").rglob("*.html"))
ARTICLE = (FIXTURES / "real" / "notice_article_01.html").read_bytes()


def judged(body: bytes, **kwargs) -> str | None:
    return soft_error(body, extract_page(body, "http://gov.test/a.html"), **kwargs)


def page(title: str, body: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


@pytest.mark.parametrize("path", REAL_PAGES + SAMPLE_PAGES, ids=lambda path: path.name)
def test_real_and_sample_pages_are_pages(path):
    assert judged(path.read_bytes()) is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "空白页面"),
        (b" \r\n\t ", "空白页面"),
        (b"<html><head></head><body></body></html>", "没有任何文字和链接"),
        (page("系统维护中", "<p>系统维护中，请稍后访问。</p>"), "网站维护页面"),
        (page("提示", "<div>网站升级维护，暂停访问，给您带来不便敬请谅解</div>"), "网站维护页面"),
        (page("访问出错", "<p>对不起，访问出错了</p><a href='/'>返回首页</a>"), "错误页面"),
        (page("404", "<h1>页面不存在</h1><p>您访问的页面不存在或已被删除</p>"), "页面不存在"),
        (page("Service Unavailable", "<h1>503 Service Unavailable</h1>"), "错误页面"),
        (page("用户登录", "<form><input name=u><input type='password' name=p><button>登录</button></form>"), "登录页面"),
        (b"<html><body><script>document.cookie='__jsl_clearance=1577;max-age=3600';location.href=location.pathname</script></body></html>",
         "验证页面"),
        (page("安全验证", "<p>请开启JavaScript并刷新该页</p><noscript>enable JavaScript</noscript>"), "验证页面"),
        (ARTICLE[: len(ARTICLE) // 2], "页面不完整"),
    ],
    ids=["empty", "whitespace", "no-text", "maintenance", "upgrade", "error", "not-found", "503-text", "login", "jsl-challenge",
         "js-challenge", "cut-mid-content"],
)
def test_answers_that_are_not_the_page(body, reason):
    assert reason in (judged(body) or "")


def test_a_body_cut_at_a_tag_is_known_by_its_announced_or_previous_length():
    cut = ARTICLE[: ARTICLE.rindex(b"</div>", 0, len(ARTICLE) // 2) + len(b"</div>")]
    assert judged(cut) is None  # some sites never close <html>
    assert "页面不完整" in judged(cut, declared_length=len(ARTICLE))
    assert "页面不完整" in judged(cut, previous_length=lambda: len(ARTICLE))
    assert judged(ARTICLE.replace(b"</body>", b"").replace(b"</html>", b""), previous_length=lambda: len(ARTICLE)) is None


def test_a_page_of_one_short_heading_is_a_page():
    assert judged(b"<html><body><h1>\xe6\x96\x87\xe7\xab\xa0</h1></body></html>") is None


def test_real_articles_mentioning_the_words_are_pages():
    nav = "".join(f"<a href='/c{i}/'>栏目{i}</a>" for i in range(12))
    announcement = page("关于网站系统维护的公告", f"<div class=nav>{nav}</div><div class=content><p>因系统维护，本网站将于10月1日暂停访问。</p></div>")
    login_box = page("示范县人民政府", f"<div class=nav>{nav}</div><form><input type=password></form><p>用户登录</p>")
    assert judged(announcement) is None
    assert judged(login_box) is None


@pytest.mark.parametrize(
    "body",
    [
        b"<html><frameset><frame src='main.html'></frameset></html>",
        b"<html><body><iframe src='/main.html'></iframe></body></html>",
        b"<html><head><script>window.location.href = '/zwgk/index.shtml';</script></head><body></body></html>",
    ],
    ids=["frameset", "iframe", "script-redirect"],
)
def test_a_doorway_to_another_page_is_not_an_empty_answer(body):
    assert judged(body) is None


def test_a_page_that_only_reloads_itself_is_a_challenge():
    body = b"<html><body><script>document.cookie='t=1';location.href=location.pathname+location.search</script></body></html>"
    assert "没有任何文字和链接" in judged(body)


def test_a_crawl_stores_soft_errors_as_fetch_errors_with_their_reason(tmp_path):
    routes = {
        "/": Reply(page("示范县", "<a href='/ok.html'>正常</a> <a href='/empty.html'>空</a> <a href='/down.html'>维护</a>")),
        "/ok.html": Reply(ARTICLE),
        "/empty.html": Reply(b""),
        "/down.html": Reply(page("系统维护中", "<p>系统维护中</p>")),
    }
    db_url = f"sqlite:///{tmp_path / 'fazhi.db'}"
    with SiteServer(routes=routes) as site:
        run_id = crawl(local_config(site.url), db_url, overrides=FAST)
        with session_factory(open_engine(db_url))() as session:
            documents = {doc.url.removeprefix(site.url.rstrip("/")) for doc in run_documents(session, run_id)}
            errors = {error.url.removeprefix(site.url.rstrip("/")): error for error in run_fetch_errors(session, run_id)}
    assert {"/", "/ok.html"} <= documents and not documents & {"/empty.html", "/down.html"}
    assert "空白页面" in errors["/empty.html"].reason and errors["/empty.html"].http_status == 200
    assert "网站维护页面" in errors["/down.html"].reason
