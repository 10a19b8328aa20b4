"""crawl(): run bookkeeping, failures, progress output."""

from __future__ import annotations

from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from storage.db import open_engine, session_factory
from storage.models import Run

HOME = {"/": Reply("<h1>测试县人民政府首页</h1><a href='/a.html'>一</a>".encode(), content_type="text/html; charset=utf-8"),
        "/a.html": Reply("<h1>一篇文章的标题</h1>".encode(), content_type="text/html; charset=utf-8")}


def runs(db_url: str) -> dict[int, Run]:
    with session_factory(open_engine(db_url))() as session:
        return {run.id: run for run in session.query(Run).all()}


def test_a_crawl_that_cannot_complete_fails_alone_with_one_line(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    with SiteServer(routes=HOME) as server:
        config = local_config(server.url)
        good = crawl(config, db_url, progress=False, overrides=FAST)
        broken = crawl(config, db_url, progress=False, overrides=FAST | {"ITEM_PIPELINES": {"crawler.no_such_module.Pipeline": 300}})
    stored = runs(db_url)
    assert (stored[good].status, stored[good].pages) == ("crawled", 2)
    assert stored[broken].status == "failed" and stored[broken].finished_at is not None
    assert "no_such_module" in stored[broken].error and "\n" not in stored[broken].error


def test_run_records_county_start_urls_and_counts(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    with SiteServer(routes=HOME) as server:
        run_id = crawl(local_config(server.url, county="鲁山县"), db_url, progress=False, overrides=FAST)
        start = server.url
    run = runs(db_url)[run_id]
    assert (run.county, run.start_urls, run.status) == ("鲁山县", [start], "crawled")
    assert (run.pages, run.attachments, run.fetch_errors) == (2, 0, 0)


def test_without_a_terminal_progress_is_plain_log_lines(tmp_path, capfd):
    with SiteServer(routes=HOME) as server:
        crawl(local_config(server.url), f"sqlite:///{tmp_path / 'store.db'}", progress=None, overrides=FAST)
    captured = capfd.readouterr()
    assert "\r" not in captured.err
    assert captured.err.strip().splitlines()[-1].startswith("[fazhi crawl] 网页 2  附件 0  错误 0")
    # stdout stays free for what the command itself prints (the report's path)
    assert captured.out == ""


def test_progress_false_is_silent(tmp_path, capfd):
    with SiteServer(routes=HOME) as server:
        crawl(local_config(server.url), f"sqlite:///{tmp_path / 'store.db'}", progress=False, overrides=FAST)
    captured = capfd.readouterr()
    assert captured.out == "" and "[fazhi crawl]" not in captured.err


def test_failed_fetches_are_listed_in_chinese_without_scrapy_tracebacks(tmp_path, capfd):
    routes = {
        "/": Reply("<h1>测试县人民政府首页</h1><a href='/broken.html'>坏</a>".encode(), content_type="text/html; charset=utf-8"),
        "/broken.html": Reply(b"oops", status=500),
    }
    with SiteServer(routes=routes) as server:
        crawl(local_config(server.url), f"sqlite:///{tmp_path / 'store.db'}", progress=None, overrides=FAST)
    err = capfd.readouterr().err
    assert "抓取失败：" in err and "broken.html" in err
    assert "Gave up retrying" not in err and "Traceback" not in err
