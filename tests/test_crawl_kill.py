"""Hard kills and stop signals, sent to real `fazhi crawl` processes: nothing is lost,
no crawler outlives its parent, no run is left `running` by a stop signal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.runner import RUN_STATE, crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from storage.db import open_engine, run_documents, session_factory
from storage.models import Run

SECTIONS, ARTICLES = 4, 50
DOCUMENTS = 1 + SECTIONS * (1 + ARTICLES + 1)


def site() -> dict[str, Reply]:
    def page(body: str) -> Reply:
        return Reply(body.encode(), content_type="text/html; charset=utf-8", delay=0.02)

    routes = {"/": page("".join(f'<a href="/s{s}/index.html">栏目{s}</a>' for s in range(SECTIONS)))}
    for s in range(SECTIONS):
        routes[f"/s{s}/index.html"] = page("".join(f'<a href="a{a}.html">文章{s}-{a}</a>' for a in range(ARTICLES)))
        for a in range(ARTICLES):
            attachment = f'<a href="/s{s}/files/f{a}.txt">附件：栏目{s}办事指南</a>' if a == ARTICLES - 1 else ""
            routes[f"/s{s}/a{a}.html"] = page(f"<h1>栏目{s}的第{a}篇文章</h1><div class='content'><p>正文{s}-{a}。</p>{attachment}</div>")
        routes[f"/s{s}/files/f{ARTICLES - 1}.txt"] = Reply(f"栏目{s}办事指南".encode("gbk"), content_type="text/plain")
    return routes


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """The site, and the paths an uninterrupted crawl of it stores."""
    with SiteServer(routes=site()) as server:
        db_url = f"sqlite:///{tmp_path_factory.mktemp('uninterrupted') / 'store.db'}"
        run_id = crawl(local_config(server.url, concurrency_per_domain=2), db_url, progress=False, overrides=FAST)
        paths, status = stored_paths(db_url, run_id)
        assert status == "crawled" and len(paths) == DOCUMENTS
        yield server, sorted(paths)


class Job:
    """`fazhi crawl` of the portal with a jobdir, as cron or systemd would start it."""

    def __init__(self, server: SiteServer, folder: Path):
        self.server = server
        self.jobdir = folder / "job"
        self.db_url = f"sqlite:///{folder / 'store.db'}"
        self.temp = folder / "tmp"
        self.temp.mkdir()
        self.config = folder / "county.toml"
        self.config.write_text(
            f'[county]\nname = "测试县"\n[crawl]\nstart_urls = ["{server.url}"]\nallowed_domains = ["127.0.0.1"]\n'
            f'allow_private_addresses = true\ndelay = 0.0\nautothrottle = false\nconcurrency_per_domain = 2\n'
            f'retries = 1\ntimeout = 10.0\njobdir = "{self.jobdir}"\n'
            '[[units]]\nname = "县人民政府"\nroles = ["county"]\n',
            encoding="utf-8",
        )
        self.served_at_start = len(server.paths())

    def start(self) -> subprocess.Popen:
        self.served_at_start = len(self.server.paths())
        return subprocess.Popen(
            [sys.executable, "-m", "fazhi.cli", "crawl", "--config", str(self.config), "--db", self.db_url],
            env=os.environ | {"TMPDIR": str(self.temp)}, stderr=subprocess.PIPE, text=True,
        )

    def served(self) -> int:
        return len(self.server.paths()) - self.served_at_start

    def wait_until_served(self, count: int, parent: subprocess.Popen) -> None:
        while self.served() < count:
            assert parent.poll() is None, parent.stderr.read()
            time.sleep(0.01)

    def child_pid(self) -> int:
        return int((self.jobdir / "child.pid").read_text())

    def run(self) -> tuple[Run, list[str]]:
        with session_factory(open_engine(self.db_url))() as session:
            run = session.query(Run).order_by(Run.id.desc()).first()
            session.expunge(run)
            return run, [urlsplit(document.url).path for document in run_documents(session, run.id)]


def stored_paths(db_url: str, run_id: int) -> tuple[list[str], str]:
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id)
        return [urlsplit(document.url).path for document in run_documents(session, run_id)], run.status


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie fetches nothing; its new parent reaps it when it likes


def wait_gone(pid: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def finish(job: Job) -> None:
    parent = job.start()
    _, err = parent.communicate(timeout=120)
    assert parent.returncode == 0, err


def assert_complete(job: Job, expected: list[str]) -> None:
    run, paths = job.run()
    assert run.status == "crawled", run.error
    assert sorted(paths) == expected  # nothing lost, nothing twice
    assert not list(job.temp.iterdir())  # no temporary folder left behind
    assert not job.jobdir.exists()


def test_crawler_child_killed_twice_resumes_with_every_document(portal, tmp_path):
    server, expected = portal
    job = Job(server, tmp_path)
    for _ in range(2):  # at about 30% of the site, and again at about 70%
        parent = job.start()
        job.wait_until_served(DOCUMENTS * 3 // 10, parent)
        os.kill(job.child_pid(), signal.SIGKILL)  # what the OOM killer does
        _, err = parent.communicate(timeout=60)
        run, _ = job.run()
        assert parent.returncode == 1 and "SIGKILL" in err
        assert run.status == "failed" and "SIGKILL" in run.error and "\n" not in run.error
    finish(job)
    assert_complete(job, expected)


def test_killed_parent_takes_its_crawler_child_with_it(portal, tmp_path):
    server, expected = portal
    job = Job(server, tmp_path)
    parent = job.start()
    job.wait_until_served(DOCUMENTS // 3, parent)
    child = job.child_pid()
    parent.kill()
    parent.wait()
    wait_gone(child, seconds=5)  # the watchdog looks every second; an orphan would crawl on
    served_when_gone = job.served()
    assert served_when_gone < DOCUMENTS // 2  # it stopped near where its parent died, not at the end
    time.sleep(0.5)  # an orphan would go on fetching
    assert not alive(child)
    # counted once the child is gone, not at the kill: a loaded machine lets it fetch a few more first
    assert job.served() - served_when_gone <= 2  # at most the requests already on their way
    assert job.run()[0].status == "running"  # nobody was left to record the end
    finish(job)
    assert_complete(job, expected)


def test_sigterm_stops_the_crawl_cleanly_and_the_resume_fetches_nothing_twice(portal, tmp_path):
    server, expected = portal
    job = Job(server, tmp_path)
    parent = job.start()
    job.wait_until_served(DOCUMENTS // 3, parent)
    child = job.child_pid()
    parent.send_signal(signal.SIGTERM)
    _, err = parent.communicate(timeout=120)
    first_pass = server.paths()[job.served_at_start:]

    run, stored = job.run()
    assert parent.returncode == 128 + signal.SIGTERM
    assert err.strip().splitlines()[-1] == "fazhi: 收到 SIGTERM，已停止"
    assert run.status == "failed" and "SIGTERM" in run.error and "\n" not in run.error
    assert 0 < len(stored) < DOCUMENTS
    assert not alive(child) and not list(job.temp.iterdir())
    assert json.loads((job.jobdir / RUN_STATE).read_text())["scheduler_saved"]

    finish(job)
    second_pass = server.paths()[job.served_at_start:]
    assert not (set(first_pass) & set(second_pass)) - {"/robots.txt"}
    assert_complete(job, expected)


def test_a_hard_kill_after_a_clean_stop_does_not_resume_from_the_stale_queue(portal, tmp_path):
    server, expected = portal
    job = Job(server, tmp_path)
    parent = job.start()
    job.wait_until_served(DOCUMENTS // 3, parent)
    parent.send_signal(signal.SIGTERM)
    parent.communicate(timeout=120)
    left = DOCUMENTS - len(job.run()[1])

    parent = job.start()
    job.wait_until_served(left // 3, parent)
    os.kill(job.child_pid(), signal.SIGKILL)
    parent.communicate(timeout=60)
    assert job.run()[0].status == "failed"

    finish(job)
    assert_complete(job, expected)


def test_a_crawler_child_whose_parent_died_before_it_was_watched_ends_itself():
    # the parent can die between spawning the child and the child's prctl; the watchdog catches that
    started = subprocess.run(
        [sys.executable, "-c", "import time; from crawler.signals import die_with_parent; die_with_parent(1); time.sleep(60)"],
        timeout=60,
    )
    assert started.returncode == -signal.SIGKILL
