"""Benchmark: a province on loopback, its night on 1 and on 2 workers, and one county's store on each database.

    python bench/province.py [--counties 20] [--pages 300] [--shared 6] [--platform-rate 40] [--host-rate 100]

Generated county portals (bench/portal.py) are served on 127.0.0.1: the first ``--shared``
counties on one provincial platform (one server, each county under its own folder), the
others each on its own server. A deployment of them runs one night through real
``fazhi worker`` processes (one job at a time each) and Redis, with the shared per-host
budget on: ``--platform-rate`` requests/s for the platform, ``--host-rate`` for every other
host. Printed: documents/s of the night with 1 and with 2 workers, the most requests any
host received in one second (from the servers' own logs) beside its limit, and the night
of one larger county into SQLite and into PostgreSQL. Needs Redis on 6379 and PostgreSQL
on 5432 (scripts/start-services.sh).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portal import SyntheticPortal  # noqa: E402
from county.deployment import load_deployment  # noqa: E402
from crawler.politeness import host_of  # noqa: E402
from crawler.siteserver import Reply, SiteServer  # noqa: E402
from crawler.testing import local_config  # noqa: E402
from fazhi import workers  # noqa: E402
from fazhi.jobs import nightly  # noqa: E402
from storage.db import open_engine, session_factory  # noqa: E402
from storage.models import Run  # noqa: E402

AS_OF = dt.date(2021, 9, 30)
REDIS = "redis://127.0.0.1:6379/2"
PG_ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}


class LoggedServer:
    """A SiteServer for one or more county portals (each under a folder), logging every request's arrival."""

    def __init__(self):
        self.routes: dict[str, Reply] = {}
        self.arrivals: list[float] = []
        self.lock = threading.Lock()
        self.server = SiteServer(fallback=self.answer)

    def add(self, portal: SyntheticPortal, folder: str) -> str:
        prefix = f"/{folder}"
        for path, reply in portal.routes.items():
            body = reply.body
            if reply.content_type and reply.content_type.startswith("text/html"):
                body = body.replace(b'href="/', f'href="{prefix}/'.encode())
            self.routes[prefix + path] = Reply(body, content_type=reply.content_type)
        return f"{self.server.url}{folder}/"

    def answer(self, path: str) -> Reply | None:
        with self.lock:
            self.arrivals.append(time.monotonic())
        return self.routes.get(path.split("?")[0])

    def rate(self) -> float:
        times = sorted(self.arrivals)
        return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0

    def most_in_one_second(self) -> int:
        times, start, most = sorted(self.arrivals), 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= 1.0:
                start += 1
            most = max(most, end - start + 1)
        return most


def county_toml(start_url: str, name: str, pages: int) -> str:
    return (f'[county]\nname = "{name}"\n[crawl]\nstart_urls = ["{start_url}"]\nallowed_domains = ["127.0.0.1"]\n'
            f'allow_private_addresses = true\ndelay = 0.0\nautothrottle = false\nconcurrency_per_domain = 8\n'
            f'max_pages = {pages * 2 + 100}\nmax_depth = 2000\nretries = 1\ntimeout = 30.0\n'
            '[[units]]\nname = "县人民政府"\nroles = ["county"]\n')


def write_deployment(folder: Path, starts: list[str], pages: int, platform: str, args) -> Path:
    folder.mkdir(parents=True)
    entries = []
    for n, start in enumerate(starts):
        (folder / f"c{n:02d}.toml").write_text(county_toml(start, f"第{n:02d}县", pages), encoding="utf-8")
        entries.append(f'[[counties]]\nconfig = "c{n:02d}.toml"\n')
    path = folder / "province.toml"
    path.write_text(
        f'[deployment]\nname = "基准省-{uuid.uuid4().hex[:8]}"\nbroker = "{REDIS}"\npoliteness = "{REDIS}"\n'
        f'host_rate = {args.host_rate}\n[deployment.host_rates]\n"{platform}" = {args.platform_rate}\n' + "".join(entries),
        encoding="utf-8")
    return path


def night_on_workers(path: Path, worker_count: int) -> tuple[float, int]:
    """Seconds from enqueue to the roll-up's turn, and the documents stored."""
    deployment = load_deployment(path)
    workers.configure(deployment)
    log = (path.parent / "workers.log").open("w")
    started = [subprocess.Popen([sys.executable, "-m", "fazhi.cli", "worker", "--deployment", str(path), "--concurrency", "1"],
                                stdout=subprocess.DEVNULL, stderr=log) for _ in range(worker_count)]
    try:
        wait_until_ready(worker_count)  # the workers' start-up is not part of the night
        begun = time.perf_counter()
        night = workers.enqueue_night(deployment, deployment.counties, AS_OF, path.parent / "www")
        night.get(propagate=False, timeout=3600)
        seconds = time.perf_counter() - begun
        outcomes = [job.result for job in night.parent.results]
    finally:
        for worker in started:
            worker.terminate()
        for worker in started:
            worker.wait()
    bad = [outcome for outcome in outcomes if outcome["status"]]
    assert not bad, bad
    return seconds, sum(stored_documents(workers.county_store(deployment, county)) for county in deployment.counties)


def wait_until_ready(worker_count: int) -> None:
    deadline = time.monotonic() + 60
    while len(workers.app.control.ping(timeout=0.5)) < worker_count:
        assert time.monotonic() < deadline, "the workers did not start"


def stored_documents(db_url: str) -> int:
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        run = session.query(Run).order_by(Run.id.desc()).first()
        count = run.pages + run.attachments
    engine.dispose()
    return count


def store_comparison(pages: int, folder: Path) -> list[tuple[str, float, int]]:
    import psycopg

    portal = SyntheticPortal(pages)
    rows = []
    with SiteServer(routes=portal.routes) as server:
        config = local_config(server.url, max_pages=pages * 2, max_depth=2000, concurrency_per_domain=8)
        name = f"fazhi_bench_{uuid.uuid4().hex[:8]}"
        admin = psycopg.connect(**PG_ADMIN, autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            for label, db_url in (("SQLite", f"sqlite:///{folder}/one.db"),
                                  ("PostgreSQL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")):
                begun = time.perf_counter()
                nightly(config, db_url, AS_OF, folder / f"www-{label}")
                rows.append((label, time.perf_counter() - begun, stored_documents(db_url)))
                open_engine(db_url).dispose()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--pages", type=int, default=300, help="pages per county portal (a tenth more attachments)")
    parser.add_argument("--shared", type=int, default=6, help="counties on the one provincial platform")
    parser.add_argument("--platform-rate", type=float, default=40.0, help="requests/s the platform allows, all counties together")
    parser.add_argument("--host-rate", type=float, default=100.0, help="requests/s of every other host")
    parser.add_argument("--store-pages", type=int, default=2000, help="pages of the county stored into SQLite and PostgreSQL")
    args = parser.parse_args()

    portal = SyntheticPortal(args.pages)
    print(f"{args.counties} counties of {portal.page_count} pages and {len(portal.files)} attachments, "
          f"{args.shared} of them on one platform")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for worker_count in (1, 2):
            platform = LoggedServer()
            own = [LoggedServer() for _ in range(args.counties - args.shared)]
            servers = [platform, *own]
            for server in servers:
                server.server.start()
            try:
                starts = [platform.add(portal, f"c{n:02d}") for n in range(args.shared)]
                starts += [server.add(portal, f"c{n:02d}") for n, server in enumerate(own, start=args.shared)]
                path = write_deployment(folder / f"night-{worker_count}", starts, args.pages, host_of(platform.server.url), args)
                seconds, documents = night_on_workers(path, worker_count)
            finally:
                for server in servers:
                    server.server.stop()
            print(f"{worker_count} worker(s): {documents} documents in {seconds:.1f} s = {documents / seconds:.1f} documents/s")
            print(f"  platform host: at most {platform.most_in_one_second()} requests in one second, "
                  f"{platform.rate():.1f}/s from its first request to its last "
                  f"(limit {args.platform_rate:g}/s; {len(platform.arrivals)} requests)")
            busiest = max(own, key=LoggedServer.most_in_one_second)
            print(f"  other hosts: at most {busiest.most_in_one_second()} requests in one second (limit {args.host_rate:g}/s)")
        for label, seconds, documents in store_comparison(args.store_pages, folder):
            print(f"one county, {label:<10}: {documents} documents, night {seconds:.1f} s = {documents / seconds:.0f} documents/s")


if __name__ == "__main__":
    main()
