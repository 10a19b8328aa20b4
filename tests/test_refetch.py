"""Adaptive re-fetch (crawler.schedule): after the first night a crawl requests the start
pages, the lists, the evidence, the 已整改 addresses and its share of the re-verify cycle,
and carries the rest forward — and the checks see the same site a full crawl would."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from conftest import AS_OF, _crawl_and_judge
from sample_expectations import path_of, within_any

from crawler.frontier import DRY_PAGES, KNOWN_LIST_FIRST_PAGES
from crawler.runner import crawl
from crawler.schedule import url_slot
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from fazhi.sample_portal import NIGHT2_ROOT, REMOVED_FILE, serve_portal
from rules.engine import build_context
from storage.db import open_engine, run_documents, session_factory
from storage.models import Finding, Run
from storage.review import Verdict

SECTIONS, LIST_PAGES, PER_PAGE = 3, 8, 5
NIGHT1 = dt.date(2021, 9, 27)
HTML = "text/html; charset=utf-8"
REMOVED = tuple(json.loads((NIGHT2_ROOT / REMOVED_FILE).read_text(encoding="utf-8")))
BODY = "为深入贯彻落实法治政府建设的决策部署，进一步规范行政权力运行，现将有关事项通知如下。" * 3


def article(section: int, number: int) -> Reply:
    attachment = f'<p><a href="/s{section}/files/f{number}.txt">附件：办事指南{section}-{number}</a></p>' if number % 10 == 3 else ""
    return Reply(f"<html><head><title>栏目{section}第{number}号通知</title></head><body><h1>栏目{section}第{number}号通知</h1>"
                 f"<div class='content'><p>{BODY}</p>{attachment}</div></body></html>".encode(), content_type=HTML)


def list_page(section: int, page: int, numbers: list[int]) -> Reply:
    entries = "".join(f'<li><a href="/s{section}/a{n}.html">栏目{section}第{n}号通知</a><span>2021-09-{1 + n % 20:02d}</span></li>'
                      for n in numbers)
    pager = f'<script>createPageHTML({LIST_PAGES}, {page}, "index", "html");</script>'
    return Reply(f"<html><head><title>栏目{section}</title></head><body><a href='/'>首页</a>"
                 f"<ul class='list'>{entries}</ul>{pager}</body></html>".encode(), content_type=HTML)


def list_path(section: int, page: int) -> str:
    return f"/s{section}/index.html" if page == 0 else f"/s{section}/index_{page}.html"


class Portal:
    """Three columns, each a list of eight pages of five items, newest on top."""

    def __init__(self):
        self.items = {section: list(range(LIST_PAGES * PER_PAGE)) for section in range(SECTIONS)}
        self.server = SiteServer(routes={}).start()
        for section in range(SECTIONS):
            for number in self.items[section]:
                self.server.routes[f"/s{section}/a{number}.html"] = article(section, number)
                if number % 10 == 3:
                    self.server.routes[f"/s{section}/files/f{number}.txt"] = Reply(f"办事指南{section}-{number}".encode("gbk"),
                                                                                  content_type="text/plain")
        self.render()

    def render(self) -> None:
        columns = "".join(f'<li><a href="/s{k}/index.html">栏目{k}</a></li>' for k in range(SECTIONS))
        self.server.routes["/"] = Reply(f"<html><head><title>示范县</title></head><body><ul>{columns}</ul></body></html>".encode(),
                                        content_type=HTML)
        for section, numbers in self.items.items():
            for page in range(LIST_PAGES):
                self.server.routes[list_path(section, page)] = list_page(section, page, numbers[page * PER_PAGE:(page + 1) * PER_PAGE])

    def publish(self, section: int, number: int) -> None:
        """A new item on top of the column's list; every item below moves down one place."""
        self.server.routes[f"/s{section}/a{number}.html"] = article(section, number)
        self.items[section].insert(0, number)
        self.render()

    def withdraw(self, section: int, number: int) -> None:
        self.items[section].remove(number)
        del self.server.routes[f"/s{section}/a{number}.html"]
        self.render()

    def requests_since(self, start: int) -> list[str]:
        return [path for path in self.server.paths()[start:] if path != "/robots.txt"]

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def portal():
    front = Portal()
    yield front
    front.stop()


def night(portal: Portal, db_url: str, day: dt.date, **crawl_options) -> tuple[int, list[str]]:
    """One night's crawl: its run id and the paths it requested."""
    before = len(portal.server.paths())
    run_id = crawl(local_config(portal.server.url, **crawl_options), db_url, progress=False, overrides=FAST, night=day)
    return run_id, portal.requests_since(before)


def documents(db_url: str, run_id: int) -> dict[str, object]:
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id)
        assert run.status in ("crawled", "checked"), run.error
        return {urlsplit(doc.url).path: doc for doc in run_documents(session, run_id)}


def due_on(day: dt.date, paths, reverify_days: int, base: str) -> set[str]:
    return {path for path in paths if url_slot(base.rstrip("/") + path, reverify_days) == day.toordinal() % reverify_days}


def test_an_unchanged_night_requests_the_lists_and_its_share_of_the_cycle_and_carries_the_rest(portal, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    first, everything = night(portal, db_url, NIGHT1)
    known = documents(db_url, first)
    second, asked = night(portal, db_url, NIGHT1 + dt.timedelta(days=1))

    heads = {"/"} | {list_path(section, 0) for section in range(SECTIONS)}
    due = due_on(NIGHT1 + dt.timedelta(days=1), known, 7, portal.server.url)
    pager_pages = {path for path in asked if "/index_" in path} - due
    assert len(everything) == len(known) == 1 + SECTIONS * (LIST_PAGES + LIST_PAGES * PER_PAGE + 4)
    assert heads | due <= set(asked)
    assert set(asked) - heads - due == pager_pages  # nothing else
    assert Counter(path.split("/")[1] for path in pager_pages).most_common(1)[0][1] <= KNOWN_LIST_FIRST_PAGES + DRY_PAGES
    assert len(asked) == len(set(asked)) < len(known) / 3

    carried = documents(db_url, second)
    assert carried.keys() == known.keys()  # the checks see the whole site
    assert all(carried[path].sha256 == known[path].sha256 and carried[path].title == known[path].title for path in known)
    for path, document in carried.items():
        if path in asked:
            assert document.verified_at > known[path].verified_at
        else:
            assert document.verified_at == known[path].verified_at  # when the site last said so


def test_a_new_item_on_a_list_is_found_the_same_night_and_none_pushed_down_is_lost(portal, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    first, _ = night(portal, db_url, NIGHT1)
    portal.publish(1, 500)
    second, asked = night(portal, db_url, NIGHT1 + dt.timedelta(days=1))

    stored = documents(db_url, second)
    assert "/s1/a500.html" in asked
    assert stored["/s1/a500.html"].title == "栏目1第500号通知" and stored["/s1/a500.html"].list_date is not None
    assert stored.keys() == documents(db_url, first).keys() | {"/s1/a500.html"}


def test_an_item_withdrawn_from_its_list_is_gone_the_same_night(portal, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    night(portal, db_url, NIGHT1)
    portal.withdraw(2, 1)  # on the list's first page: the list changes, and nothing links to the item any more
    second, asked = night(portal, db_url, NIGHT1 + dt.timedelta(days=1))

    assert "/s2/a1.html" in asked
    assert documents(db_url, second)["/s2/a1.html"].http_status == 404


def test_evidence_is_fetched_every_night_whatever_its_turn(portal, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    first, _ = night(portal, db_url, NIGHT1)
    evidence = portal.server.url + "s0/a37.html"  # deep in the list, on page 7
    judged(db_url, first, [evidence])
    nights = [NIGHT1 + dt.timedelta(days=n) for n in range(1, 4)]
    assert not all(due_on(day, ["/s0/a37.html"], 7, portal.server.url) for day in nights)
    for day in nights:
        run_id, asked = night(portal, db_url, day)
        judged(db_url, run_id, [evidence])
        assert asked.count("/s0/a37.html") == 1
        assert documents(db_url, run_id)["/s0/a37.html"].verified_at >= started(db_url, run_id)


def test_a_fix_address_is_fetched_first_and_one_outside_the_crawl_is_refused(portal, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    night(portal, db_url, NIGHT1)
    portal.server.routes["/zt/fzzf/2021nb.html"] = article(9, 9)  # linked from nowhere yet
    with SiteServer(routes={"/x.html": article(8, 8)}) as elsewhere:  # the same host, another port
        answers = {"fixed": portal.server.url + "zt/fzzf/2021nb.html", "outside": elsewhere.url + "x.html"}
        with session_factory(open_engine(db_url))() as session:
            for check, fix_url in answers.items():
                session.add(Verdict(county=local_config(portal.server.url).county, indicator="93", check=check, unit="县人民政府", action="fixed", fix_url=fix_url, user_name="司法局小李"))
            session.commit()
        second, asked = night(portal, db_url, NIGHT1 + dt.timedelta(days=1))
        assert elsewhere.paths() == []

    assert asked[0] == "/zt/fzzf/2021nb.html"
    assert documents(db_url, second)["/zt/fzzf/2021nb.html"].title == "栏目9第9号通知"


def test_after_reverify_days_nights_every_document_was_verified(portal, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    first, _ = night(portal, db_url, NIGHT1, reverify_days=3)
    known = documents(db_url, first)
    asked: set[str] = set()
    for day in range(1, 4):
        last, tonight = night(portal, db_url, NIGHT1 + dt.timedelta(days=day), reverify_days=3)
        asked |= set(tonight)
    assert known.keys() <= asked
    assert all(document.verified_at > known[path].verified_at for path, document in documents(db_url, last).items())


@pytest.mark.parametrize("failing", ["/", "lists"])
def test_a_night_whose_start_page_or_lists_failed_is_incomplete_though_its_documents_are_carried(portal, tmp_path, failing):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    first, _ = night(portal, db_url, NIGHT1)
    judged(db_url, first, [])
    broken = ["/"] if failing == "/" else [list_path(section, 0) for section in range(SECTIONS)]
    for path in broken:
        portal.server.routes[path] = Reply(b"<h1>500</h1>", status=500, content_type=HTML)
    second, _ = night(portal, db_url, NIGHT1 + dt.timedelta(days=1), retries=0)

    config = local_config(portal.server.url)
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, second)
        assert run.pages + run.attachments > len(documents(db_url, first)) / 2  # carried rows are in the run
        context = build_context(session, run, config, AS_OF)
    assert not context.completeness.complete
    reason = "首页未能正常打开" if failing == "/" else "所在栏目本次未能打开"
    assert reason in context.completeness.reason


def test_a_night_killed_and_resumed_stores_what_an_uninterrupted_night_stores(portal, tmp_path):
    slow = tmp_path / "slow"
    slow.mkdir()
    healthy = f"sqlite:///{tmp_path / 'healthy.db'}"
    night(portal, healthy, NIGHT1, reverify_days=2)
    portal.publish(0, 600)
    for reply in portal.server.routes.values():
        reply.delay = 0.02
    uninterrupted = copy_store(tmp_path / "healthy.db", tmp_path / "uninterrupted.db")
    expected = documents(uninterrupted, night(portal, uninterrupted, NIGHT1 + dt.timedelta(days=1), reverify_days=2)[0])

    killed = copy_store(tmp_path / "healthy.db", tmp_path / "killed.db")
    jobdir = tmp_path / "job"
    config = local_config(portal.server.url, reverify_days=2, jobdir=str(jobdir))
    begun = len(portal.server.paths())
    worker = threading.Thread(target=crawl, args=(config, killed),
                              kwargs={"progress": False, "overrides": FAST, "night": NIGHT1 + dt.timedelta(days=1)})
    worker.start()
    deadline = time.monotonic() + 60
    while len(portal.server.paths()) - begun < 25 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(int((jobdir / "child.pid").read_text()), signal.SIGKILL)
    worker.join(60)
    resumed = crawl(config, killed, progress=False, overrides=FAST, night=NIGHT1 + dt.timedelta(days=1))

    stored = documents(killed, resumed)
    assert {path: doc.sha256 for path, doc in stored.items()} == {path: doc.sha256 for path, doc in expected.items()}
    assert "/s0/a600.html" in stored


def test_carried_documents_give_the_findings_a_full_crawl_of_the_sample_portals_second_night_gives(crawled_night2, tmp_path):
    scheduled = sample_night2(tmp_path, keep_evidence=True)
    assert seen(scheduled) == seen(crawled_night2)


def test_without_last_nights_evidence_a_removed_page_still_listed_stays_until_its_turn_and_says_when_it_was_verified(
        crawled_night2, tmp_path):
    """Only the lists and the cycle's share are fetched (most documents are carried): every finding is
    as a full crawl's but those resting on a page the night-2 portal removed while its list still
    links it (night2/CASES.md), whose evidence says it was last verified before the night began."""
    scheduled = sample_night2(tmp_path, keep_evidence=False)
    full, carried = seen(crawled_night2), seen(scheduled)
    differing = [key for key in full if full[key] != carried[key]]
    assert differing and carried.keys() == full.keys()
    night_began = started(scheduled.db_url, scheduled.run_id)
    for finding in scheduled.findings:
        if (finding.indicator, finding.check, finding.unit) in differing:
            stale = [e for e in finding.evidence if dt.datetime.fromisoformat(e["verified_at"]).replace(tzinfo=None) < night_began]
            assert any(within_any(path_of(e["url"]), REMOVED) for e in stale), finding.evidence


def sample_night2(folder, keep_evidence: bool):
    """The sample portal's first night, then its second on the same store and port, judged."""
    with serve_portal(night=1) as first:
        port = first.port
        judged_first = _crawl_and_judge(first, folder, night=NIGHT1)
    if not keep_evidence:
        forget_findings(judged_first.db_url, judged_first.run_id)
    with serve_portal(port=port, night=2) as second:
        return _crawl_and_judge(second, folder, night=NIGHT1 + dt.timedelta(days=1))


def seen(crawled) -> dict:
    """Each finding's status, message and evidence, with the portal's address (its port) taken out."""
    with session_factory(open_engine(crawled.db_url))() as session:
        base = session.get(Run, crawled.run_id).start_urls[0].rstrip("/")
    return {(f.indicator, f.check, f.unit): (f.status, f.message.replace(base, ""), sorted(e["url"].replace(base, "") for e in f.evidence))
            for f in crawled.findings}


def judged(db_url: str, run_id: int, evidence: list[str]) -> None:
    """Mark the run judged, with one finding resting on ``evidence``."""
    with session_factory(open_engine(db_url))() as session:
        session.add(Finding(run_id=run_id, indicator="7", check="power-list", unit="县人民政府", status="pass", message="找到",
                            evidence=[{"url": url, "title": "", "note": ""} for url in evidence]))
        session.get(Run, run_id).status = "checked"
        session.commit()


def forget_findings(db_url: str, run_id: int) -> None:
    with session_factory(open_engine(db_url))() as session:
        session.query(Finding).filter(Finding.run_id == run_id).delete()
        session.get(Run, run_id).status = "crawled"
        session.commit()


def started(db_url: str, run_id: int) -> dt.datetime:
    with session_factory(open_engine(db_url))() as session:
        return session.get(Run, run_id).started_at


def copy_store(source, target) -> str:
    original, copy = sqlite3.connect(source), sqlite3.connect(target)
    original.backup(copy)
    original.close()
    copy.close()
    return f"sqlite:///{target}"
