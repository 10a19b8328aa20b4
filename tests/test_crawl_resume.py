"""An interrupted nightly crawl resumes from its JOBDIR under the same run, losing and repeating nothing."""

from __future__ import annotations

import os
import signal
import threading
import time

from sqlalchemy import func, select

from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from storage.db import open_engine, run_documents, session_factory
from storage.models import Document, Run

SECTIONS, ARTICLES = 4, 15


def site() -> dict[str, Reply]:
    def page(body: str) -> Reply:
        return Reply(body.encode(), content_type="text/html; charset=utf-8", delay=0.05)

    routes = {"/": page("".join(f'<a href="/s{s}/index.html">栏目{s}</a>' for s in range(SECTIONS)))}
    for s in range(SECTIONS):
        routes[f"/s{s}/index.html"] = page("".join(f'<a href="a{a}.html">文章{s}-{a}</a>' for a in range(ARTICLES)))
        for a in range(ARTICLES):
            routes[f"/s{s}/a{a}.html"] = page(f"<h1>栏目{s}的第{a}篇文章</h1><div class='content'><p>正文{s}-{a}正文正文正文。</p></div>")
    return routes


def test_interrupted_crawl_resumes_without_losing_or_repeating_documents(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    jobdir = tmp_path / "job"
    with SiteServer(routes=site()) as server:
        config = local_config(server.url, jobdir=str(jobdir), concurrency_per_domain=2)
        outcome: dict[str, int] = {}
        worker = threading.Thread(target=lambda: outcome.setdefault("run", crawl(config, db_url, progress=False, overrides=FAST)))
        worker.start()
        deadline = time.monotonic() + 60
        while len(server.paths()) < 15 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(int((jobdir / "child.pid").read_text()), signal.SIGTERM)
        worker.join(60)
        served_before = len(server.paths())
        first_pass = [path for path in server.paths() if path != "/robots.txt"]

        with session_factory(open_engine(db_url))() as session:
            interrupted = session.get(Run, outcome["run"])
            stored_before = session.scalar(select(func.count()).select_from(Document).where(Document.run_id == interrupted.id))
        assert interrupted.status == "failed" and "中断" in interrupted.error
        assert 0 < stored_before < 1 + SECTIONS * (1 + ARTICLES)

        resumed = crawl(config, db_url, progress=False, overrides=FAST)
        second_pass = [path for path in server.paths()[served_before:] if path != "/robots.txt"]

    assert resumed == outcome["run"]
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, resumed)
        urls = [doc.url for doc in run_documents(session, resumed)]
    assert run.status == "crawled" and run.pages == len(urls)
    assert len(urls) == len(set(urls)) == 1 + SECTIONS * (1 + ARTICLES)
    assert not set(first_pass) & set(second_pass)  # nothing fetched twice
    assert not jobdir.exists()  # a finished crawl leaves no state for the next night to resume
