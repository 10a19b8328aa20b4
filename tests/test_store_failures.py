"""A store write that fails loses nothing it could keep, and never passes for a finished crawl."""

from __future__ import annotations

import random
import sqlite3
import threading
import time

import pytest
from sqlalchemy import event, func, select, text

from crawler.pipelines import StorePipeline
from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from fazhi.jobs import JobError, crawl_step
from storage.db import open_engine, run_documents, session_factory
from storage.models import Document, Run


class FullDiskPipeline(StorePipeline):
    """The real store pipeline on a disk with room for FAZHI_TEST_FREE_PAGES more pages of the store.

    SQLite's max_page_count on every connection fails writes past it with
    "database or disk is full", exactly as a full disk does.
    """

    def open_spider(self):
        super().open_spider()
        with self.engine.connect() as connection:
            limit = connection.exec_driver_sql("PRAGMA page_count").scalar() + self.crawler.settings.getint("FAZHI_TEST_FREE_PAGES")
        event.listen(self.engine, "checkout", lambda dbapi_connection, _record, _proxy: dbapi_connection.execute(f"PRAGMA max_page_count = {limit}"))


def article_site(count: int, words: int = 10) -> dict[str, Reply]:
    chance = random.Random(7)  # text that zlib cannot shrink much, so the store grows as a real one does

    def page(body: str) -> Reply:
        return Reply(body.encode(), content_type="text/html; charset=utf-8")

    routes = {"/": page("".join(f'<a href="/a{n}.html">通知{n}</a>' for n in range(count)))}
    for n in range(count):
        body = "".join(chr(chance.randint(0x4E00, 0x9FA5)) for _ in range(words))
        routes[f"/a{n}.html"] = page(f"<h1>关于第{n}项工作的通知</h1><div class='content'><p>{body}</p></div>")
    return routes


def stored_urls(db_url: str, run_id: int) -> list[str]:
    with session_factory(open_engine(db_url))() as session:
        return [document.url for document in run_documents(session, run_id)]


def test_a_full_disk_stops_the_crawl_and_fails_the_run_with_one_line(tmp_path, capfd):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    overrides = FAST | {
        "ITEM_PIPELINES": {"tests.test_store_failures.FullDiskPipeline": 300},
        "FAZHI_TEST_FREE_PAGES": 40,
        "FAZHI_STORE_BATCH": 5,
    }
    with SiteServer(routes=article_site(150, words=3000)) as server:
        config = local_config(server.url, concurrency_per_domain=2)
        with pytest.raises(JobError) as raised:
            crawl_step(config, db_url, overrides)
        fetched = len(server.paths())

    with session_factory(open_engine(db_url))() as session:
        run = session.scalars(select(Run)).one()
        saved = session.scalar(select(func.count()).select_from(Document).where(Document.run_id == run.id))
    assert run.status == "failed"
    assert run.error.startswith("数据库写入失败：磁盘已满（database or disk is full）")
    assert f"已保存 {saved} 篇，未保存 " in run.error and "\n" not in run.error
    assert int(run.error.rsplit("未保存 ", 1)[1].split(" ")[0]) > 0
    assert run.error in str(raised.value)
    assert fetched < 151  # the crawl stopped instead of fetching what it could not keep
    printed = capfd.readouterr().err
    assert "Traceback" not in printed and len(printed.splitlines()) <= 3


def test_a_refused_row_loses_only_itself_and_fails_the_run(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = open_engine(db_url)
    with engine.begin() as connection:  # a value the database refuses, as PostgreSQL refuses a too long one
        connection.execute(text(
            "CREATE TRIGGER refuse_one BEFORE INSERT ON documents WHEN NEW.url LIKE '%/a7.html' "
            "BEGIN SELECT RAISE(ABORT, 'value refused'); END"
        ))
    engine.dispose()
    with SiteServer(routes=article_site(20)) as server:
        config = local_config(server.url)
        run_id = crawl(config, db_url, progress=False, overrides=FAST | {"FAZHI_STORE_INTERVAL": 60})
        refused = server.url + "a7.html"

    urls = stored_urls(db_url, run_id)
    assert len(urls) == 20 and refused not in urls  # its batch neighbours are all there
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id)
    assert run.status == "failed"
    assert run.error == f"数据库写入失败：数据库拒绝了 {refused}（value refused），已保存 20 篇，未保存 1 篇"


def test_a_locked_database_is_waited_for_and_nothing_is_lost(tmp_path, capfd):
    path = tmp_path / "store.db"
    db_url = f"sqlite:///{path}?timeout=0.1"  # give up on a lock at once instead of SQLite's 5 s
    open_engine(db_url).dispose()
    released = threading.Event()

    def lock_for_a_while():
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        time.sleep(2)
        holder.execute("ROLLBACK")
        holder.close()
        released.set()

    routes = article_site(20)
    front = routes["/"]

    def front_page(_path: str) -> Reply:
        if not hasattr(front_page, "locker"):
            front_page.locker = threading.Thread(target=lock_for_a_while)
            front_page.locker.start()
        return front

    routes["/"] = front_page
    with SiteServer(routes=routes) as server:
        run_id = crawl(local_config(server.url), db_url, progress=False, overrides=FAST)
    assert released.wait(10)

    with session_factory(open_engine(db_url))() as session:
        assert session.get(Run, run_id).status == "crawled"
    assert len(stored_urls(db_url, run_id)) == 21
    assert "数据库暂时无法写入（database is locked）" in capfd.readouterr().err
