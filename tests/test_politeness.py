"""Counties on one provincial platform share its request budget: two crawls at once, one host."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

from broker import redis_url  # noqa: F401 - the fixture
from crawler.politeness import HostBudget, host_of, politeness_settings
from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from storage.db import open_engine, session_factory
from storage.models import Run

ARTICLES = 15
RATE = 8.0  # requests per second for the shared host, both crawls together


def county_pages(prefix: str) -> dict[str, Reply]:
    def page(body: str) -> Reply:
        return Reply(body.encode(), content_type="text/html; charset=utf-8")

    routes = {f"/{prefix}/": page("".join(f'<a href="/{prefix}/a{n}.html">文章{n}</a>' for n in range(ARTICLES)))}
    for n in range(ARTICLES):
        routes[f"/{prefix}/a{n}.html"] = page(f"<h1>{prefix}县第{n}号通知</h1><div class='content'><p>正文{n}。</p></div>")
    return routes


class Platform:
    """One server for two counties' portals, with the time of every request it received."""

    def __init__(self):
        self.routes = county_pages("a") | county_pages("b")
        self.arrivals: list[float] = []
        self.lock = threading.Lock()
        self.server = SiteServer(fallback=self.answer)

    def answer(self, path: str) -> Reply | None:
        with self.lock:
            self.arrivals.append(time.monotonic())
        return self.routes.get(path.split("?")[0])

    def __enter__(self) -> Platform:
        self.server.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()


def most_in_any_window(arrivals: list[float], seconds: float) -> int:
    times = sorted(arrivals)
    start, most = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


def crawl_two_counties_at_once(platform: Platform, folder, overrides: dict) -> None:
    failures = []

    def one(prefix: str) -> None:
        config = local_config(f"{platform.server.url}{prefix}/", county=f"{prefix}县", concurrency_per_domain=4)
        db_url = f"sqlite:///{folder / prefix}.db"  # each county its own store: one store runs one job at a time
        run_id = crawl(config, db_url, progress=False, overrides=FAST | {"CONCURRENT_REQUESTS": 8} | overrides)
        with session_factory(open_engine(db_url))() as session:
            run = session.get(Run, run_id)
            if run.status != "crawled" or run.pages != ARTICLES + 1:
                failures.append(f"{prefix}: {run.status} {run.pages} {run.error}")

    for prefix in "ab":
        open_engine(f"sqlite:///{folder / prefix}.db")  # Alembic brings stores up to date one at a time, not in threads
    threads = [threading.Thread(target=one, args=(prefix,)) for prefix in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


def within_budget(arrivals: list[float], rate: float) -> bool:
    """One request every 1/rate seconds: any window of w seconds holds at most rate·w + 1 of them,
    and one more for the jitter between the moment a request was let go and its arrival."""
    return all(most_in_any_window(arrivals, seconds) <= rate * seconds + 2 for seconds in (0.5, 1.0, 2.0))


def test_two_crawls_sharing_a_host_stay_within_its_budget_together(redis_url, tmp_path):  # noqa: F811
    with Platform() as platform:
        host = host_of(platform.server.url)
        # the default rate is for other hosts; this host's own rate is the one that applies
        crawl_two_counties_at_once(platform, tmp_path, politeness_settings(redis_url, 100.0, ((host, RATE),)))
    arrivals = platform.arrivals
    assert len(arrivals) >= 2 * (ARTICLES + 1)
    assert within_budget(arrivals, RATE)
    assert max(arrivals) - min(arrivals) >= (len(arrivals) - 1) / RATE * 0.9


def test_crawls_that_each_keep_the_rate_alone_exceed_it_together(tmp_path):
    """The control: with Redis unreachable each crawl paces itself, and two of them send twice the rate."""
    with Platform() as platform:
        crawl_two_counties_at_once(platform, tmp_path, politeness_settings("redis://127.0.0.1:1/0", RATE, ()))
    assert not within_budget(platform.arrivals, RATE)


def test_an_unreachable_budget_paces_the_crawl_alone_and_says_so_once(caplog):
    budget = HostBudget("redis://127.0.0.1:1/0", 4.0, {"slow.example.gov.cn": 1.0})

    async def reserve_three(host: str) -> list[float]:
        return [await budget.reserve(host) for _ in range(3)]

    with caplog.at_level(logging.WARNING, logger="crawler.politeness"):
        fast = asyncio.run(reserve_three("www.example.gov.cn"))
        slow = asyncio.run(reserve_three("slow.example.gov.cn"))
    assert [round(wait, 1) for wait in fast] == [0.0, 0.2, 0.5]
    assert [round(wait, 1) for wait in slow] == [0.0, 1.0, 2.0]
    assert [record.message for record in caplog.records].count(caplog.records[0].message) == 1
    assert "不可用" in caplog.records[0].message


@pytest.mark.parametrize("url, host", [
    ("http://www.hnzwfw.gov.cn/a/b.html", "www.hnzwfw.gov.cn"),
    ("https://WWW.HNZWFW.GOV.CN:443/", "www.hnzwfw.gov.cn"),
    ("http://127.0.0.1:8080/x", "127.0.0.1:8080"),
])
def test_a_host_is_counted_by_name_and_its_port_unless_the_default(url, host):
    assert host_of(url) == host
