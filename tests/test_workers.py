"""A deployment's nights on real Celery workers and a real Redis: counties run once at a time,
a killed worker's county is resumed, the roll-up comes after every county."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from broker import redis_url  # noqa: F401 - the fixture
from county.deployment import load_deployment
from crawler.siteserver import Reply, SiteServer
from storage.db import open_engine, run_documents, session_factory
from storage.models import Run

pytest.importorskip("celery")
from fazhi import workers  # noqa: E402 - needs the workers extra

AS_OF = dt.date(2021, 9, 30)
ARTICLES = 40
DOCUMENTS = 1 + ARTICLES  # the start page and its articles


def county_site(prefix: str, delay: float) -> dict[str, Reply]:
    def page(body: str) -> Reply:
        return Reply(body.encode(), content_type="text/html; charset=utf-8", delay=delay)

    routes = {f"/{prefix}/": page("".join(f'<a href="/{prefix}/a{n}.html">文章{n}</a>' for n in range(ARTICLES)))}
    for n in range(ARTICLES):
        routes[f"/{prefix}/a{n}.html"] = page(f"<h1>{prefix}县第{n}号通知</h1><div class='content'><p>正文{n}。</p></div>")
    return routes


class City:
    """A deployment of counties a, b on one local server, its workers and its store folders."""

    def __init__(self, folder: Path, broker: str, server: SiteServer, redeliver_after: int = 300):
        self.folder = folder
        self.server = server
        self.workers: list[subprocess.Popen] = []
        for prefix in "ab":
            (folder / f"{prefix}.toml").write_text(
                f'[county]\nname = "{prefix}县"\n[crawl]\nstart_urls = ["{server.url}{prefix}/"]\n'
                'allowed_domains = ["127.0.0.1"]\nallow_private_addresses = true\ndelay = 0.0\nautothrottle = false\n'
                'concurrency_per_domain = 2\nretries = 1\ntimeout = 10.0\n'
                '[[units]]\nname = "县人民政府"\nroles = ["county"]\n', encoding="utf-8")
        self.path = folder / "city.toml"
        self.path.write_text(
            f'[deployment]\nname = "测试市-{uuid.uuid4().hex[:8]}"\nbroker = "{broker}"\nredeliver_after = {redeliver_after}\n'
            '[[counties]]\nconfig = "a.toml"\n[[counties]]\nconfig = "b.toml"\n', encoding="utf-8")
        self.deployment = load_deployment(self.path)
        self.out = folder / "www"
        self.log = folder / "worker.log"

    def start_worker(self, concurrency: int = 1) -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "-m", "fazhi.cli", "worker", "--deployment", str(self.path), "--concurrency", str(concurrency)],
            stdout=subprocess.DEVNULL, stderr=self.log.open("a"), start_new_session=True)
        self.workers.append(worker)
        return worker

    def enqueue(self, *slugs: str):
        return workers.enqueue_night(self.deployment, self.deployment.select(list(slugs)), AS_OF, self.out)

    def runs(self, slug: str) -> list[tuple[int, str, list[str]]]:
        db_url = f"sqlite:///{self.folder / 'stores' / slug}.db"
        with session_factory(open_engine(db_url))() as session:
            return [(run.id, run.status, sorted(urlsplit(d.url).path for d in run_documents(session, run.id)))
                    for run in session.query(Run).order_by(Run.id)]

    def served(self, prefix: str) -> int:
        return sum(path.startswith(f"/{prefix}/") for path in self.server.paths())

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()


@pytest.fixture
def city(redis_url, tmp_path, request):  # noqa: F811
    options = getattr(request, "param", {})
    delay = options.get("delay", 0.0)
    with SiteServer(routes=county_site("a", delay) | county_site("b", delay)) as server:
        city = City(tmp_path, redis_url, server, options.get("redeliver_after", 300))
        try:
            yield city
        finally:
            city.stop()


def expected_paths(prefix: str) -> list[str]:
    return sorted([f"/{prefix}/"] + [f"/{prefix}/a{n}.html" for n in range(ARTICLES)])


def outcomes_of(night, timeout: float = 120) -> list[dict]:
    night.get(timeout=timeout, propagate=False)
    return [job.result for job in night.parent.results]


def test_each_county_is_judged_and_reported_and_the_rollup_comes_after_all_of_them(city):
    city.start_worker(concurrency=2)
    night = city.enqueue()
    outcomes = outcomes_of(night)
    assert [(o["county"], o["status"]) for o in outcomes] == [("a", 0), ("b", 0)], outcomes
    for slug in "ab":
        assert (city.out / slug / "index.html").is_file()
        [(_, status, paths)] = city.runs(slug)
        assert status == "checked" and paths == expected_paths(slug)
    # the roll-up was handed every county's outcome, so it ran after the last of them
    assert [o["county"] for o in night.args[0]] == ["a", "b"]
    if importlib.util.find_spec("fazhi.city"):
        assert night.successful(), night.result
    else:  # wt-city's roll-up is not on this branch yet: the callback ran and could not import it
        assert isinstance(night.result, ModuleNotFoundError) and "fazhi.city" in str(night.result)


@pytest.mark.parametrize("city", [{"delay": 0.03}], indirect=True)
def test_a_second_job_for_a_running_county_is_skipped_with_a_line_saying_so(city):
    city.start_worker(concurrency=2)
    first, second = city.enqueue("a"), city.enqueue("a")
    [ran], [skipped] = sorted([outcomes_of(first), outcomes_of(second)], key=lambda o: o[0]["status"])
    assert ran["status"] == 0 and skipped["status"] == workers.EXIT_BUSY
    assert "另一个 fazhi 任务正在使用" in skipped["message"]
    assert "已有任务在运行，本次跳过" in city.log.read_text()
    [(_, status, paths)] = city.runs("a")  # one run: the skipped job created none
    assert status == "checked" and paths == expected_paths("a")


def crawl_child(city: City, slug: str) -> int:
    pid_file = city.folder / "jobs" / slug / "child.pid"
    while True:
        try:
            return int(pid_file.read_text())
        except (FileNotFoundError, ValueError):
            time.sleep(0.01)


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def wait_until_served(city: City, prefix: str, count: int) -> None:
    deadline = time.monotonic() + 60
    while city.served(prefix) < count:
        assert time.monotonic() < deadline, city.log.read_text()
        time.sleep(0.01)


@pytest.mark.parametrize("city", [{"delay": 0.05}], indirect=True)
def test_a_killed_pool_process_gives_its_county_back_and_the_crawl_resumes_its_run(city):
    city.start_worker(concurrency=1)
    night = city.enqueue("a")
    wait_until_served(city, "a", DOCUMENTS // 3)
    pool_process = parent_of(crawl_child(city, "a"))
    os.kill(pool_process, signal.SIGKILL)  # the process running the job, as the OOM killer would
    [outcome] = outcomes_of(night)
    assert outcome["status"] == 0, outcome
    [(_, status, paths)] = city.runs("a")  # the same run, resumed: not a second, not a partial one
    assert status == "checked" and paths == expected_paths("a")
    assert city.served("a") < 2 * DOCUMENTS  # resumed, not started over … and not lost


@pytest.mark.parametrize("city", [{"delay": 1.5, "redeliver_after": 10}], indirect=True)
def test_a_whole_worker_killed_mid_crawl_is_handed_to_another_after_redeliver_after(city):
    lost = city.start_worker(concurrency=1)
    night = city.enqueue("a")
    wait_until_served(city, "a", 8)
    os.killpg(lost.pid, signal.SIGKILL)  # every process of the worker at once, as when its machine is lost
    lost.wait()
    city.start_worker(concurrency=2)
    [outcome] = outcomes_of(night, timeout=180)
    assert outcome["status"] == 0, outcome
    [(_, status, paths)] = city.runs("a")
    assert status == "checked" and paths == expected_paths("a")
    # the resumed crawl outlasts redeliver_after: its delivery was kept fresh, so the second
    # pool process was never handed the same job
    assert "已有任务在运行" not in city.log.read_text()


def enqueue_command(city: City, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fazhi.cli", "enqueue", "--deployment", str(city.path), "--out", str(city.out),
                           "--as-of", AS_OF.isoformat(), *options], capture_output=True, text=True, timeout=180)


def test_enqueue_prints_the_job_ids_and_wait_exits_with_the_worst_county_status(city):
    city.start_worker(concurrency=2)
    (city.folder / "b.toml").write_text((city.folder / "b.toml").read_text().replace("/b/", "/nothing-here/"), encoding="utf-8")
    done = enqueue_command(city, "--wait")
    lines = [line.split("\t") for line in done.stdout.splitlines()[:3]]
    assert [line[0] for line in lines] == ["a", "b", "汇总"] and all(len(line[1]) == 36 for line in lines)
    assert "fazhi: b: " in done.stderr  # b's start page is a 404: nothing can be judged
    if importlib.util.find_spec("fazhi.city"):
        assert done.returncode == 3, done.stderr
    else:  # without wt-city's roll-up the night's callback fails, which is worse than b's incomplete night
        assert done.returncode == 1 and "汇总失败" in done.stderr, done.stderr


@pytest.mark.parametrize("options, message", [
    (("--county", "c"), "没有这些县: c"),
])
def test_enqueue_refuses_in_one_line(city, options, message):
    done = enqueue_command(city, *options)
    assert done.returncode == 2 and message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_enqueue_without_a_broker_says_so_in_one_line(tmp_path):
    with SiteServer(routes={}) as server:
        city = City(tmp_path, "redis://127.0.0.1:1/0", server)
        done = enqueue_command(city)
    assert done.returncode == 2 and "无法连接任务队列 redis://127.0.0.1:1/0" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("city", [{"delay": 0.4}], indirect=True)
def test_sigterm_stops_the_running_crawl_cleanly_and_puts_its_job_back(city):
    stopped = city.start_worker(concurrency=1)
    night = city.enqueue("a")
    wait_until_served(city, "a", DOCUMENTS // 3)
    stopped.send_signal(signal.SIGTERM)  # systemctl stop, with KillMode=mixed
    stopped.wait(timeout=90)
    [(_, status, paths)] = city.runs("a")
    assert status == "failed" and 0 < len(paths) < DOCUMENTS  # recorded as stopped, not left running
    assert "放回队列" in city.log.read_text()
    city.start_worker(concurrency=1)
    [outcome] = outcomes_of(night)
    assert outcome["status"] == 0, outcome
    [(_, status, paths)] = city.runs("a")  # the stopped run, resumed from its saved queue
    assert status == "checked" and paths == expected_paths("a")
