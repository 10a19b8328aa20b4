"""Fault benchmark: interrupt `fazhi crawl` on a synthetic portal, resume it, and compare.

    python bench/faults.py [--pages 3000] [--only NAME ...]

Every scenario in SCENARIOS crawls the same local portal into its own store with
a jobdir: each of its steps starts `fazhi crawl` (a real parent process with its
crawler child) and disturbs it, then the job is started again until it completes.
The result is compared with an uninterrupted crawl: documents lost, documents
stored twice, findings whose status differs, requests the server got from a
crawler child after its parent died ("orphan requests"), temporary folders left
behind. All must be 0. "refetched" is what the faults cost: requests beyond
those of the uninterrupted crawl.

A new scenario is a name, a sentence and its steps; a step is any function of the
Job (see kill() for one), so outages, bombs or traps can alter job.server's routes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.portal import SyntheticPortal  # noqa: E402
from county.config import load_config  # noqa: E402
from crawler.siteserver import SiteServer  # noqa: E402
from fazhi.jobs import check_step  # noqa: E402
from storage.db import open_engine, session_factory  # noqa: E402
from storage.models import Document, Finding, Run  # noqa: E402

AS_OF = dt.date(2021, 9, 30)  # the synthetic portal's dates end here
GONE_WITHIN = 30.0  # seconds a crawler child may take to die after its parent
COLUMNS = ("lost", "twice", "flipped", "orphan requests", "temp left", "refetched")


class Job:
    """One store and jobdir, crawled by `fazhi crawl` processes started one after another."""

    def __init__(self, server: SiteServer, folder: Path, baseline_requests: int, max_pages: int):
        self.server = server
        self.folder = folder
        self.jobdir = folder / "job"
        self.temp = folder / "tmp"
        self.temp.mkdir(parents=True)
        self.db_url = f"sqlite:///{folder / 'store.db'}"
        self.config = folder / "county.toml"
        self.config.write_text(
            f'[county]\nname = "示范县"\n[crawl]\nstart_urls = ["{server.url}"]\nallowed_domains = ["127.0.0.1"]\n'
            f"allow_private_addresses = true\ndelay = 0.0\nautothrottle = false\nconcurrency_per_domain = 8\n"
            f'max_pages = {max_pages}\nmax_depth = 2000\nretries = 1\ntimeout = 30.0\njobdir = "{self.jobdir}"\n'
            '[[units]]\nname = "县人民政府"\naliases = ["示范县人民政府"]\nroles = ["county"]\n',
            encoding="utf-8",
        )
        self.baseline_requests = baseline_requests
        self.first_request = len(server.paths())
        self.orphan_requests = 0

    def start(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "fazhi.cli", "crawl", "--config", str(self.config), "--db", self.db_url],
            env=os.environ | {"TMPDIR": str(self.temp)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def requests(self) -> int:
        return len(self.server.paths()) - self.first_request

    def wait_for(self, fraction: float, parent: subprocess.Popen) -> None:
        """Until the job has made this fraction of the uninterrupted crawl's requests."""
        while self.requests() < fraction * self.baseline_requests and parent.poll() is None:
            time.sleep(0.01)

    def child_pid(self) -> int:
        return int((self.jobdir / "child.pid").read_text())

    def reap(self, child: int) -> None:
        """Counts the requests a crawler child made after its parent died, then makes sure it is gone."""
        parent_died_at = self.requests()
        deadline = time.monotonic() + GONE_WITHIN
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(child):
            os.kill(child, signal.SIGKILL)
        self.orphan_requests += self.requests() - parent_died_at

    def complete(self) -> int:
        """Starts the job until a crawl completes (three tries at most); the id of its last run."""
        for _ in range(3):
            if self.start().wait() == 0:
                break
        with session_factory(open_engine(self.db_url))() as session:
            return session.scalars(select(Run.id).order_by(Run.id.desc())).first()


Step = Callable[[Job], None]


def kill(at: float, target: str, signum: signal.Signals) -> Step:
    """Start the job and send `signum` to its "parent", its "child" or "both" at `at` of the requests."""

    def step(job: Job) -> None:
        parent = job.start()
        job.wait_for(at, parent)
        child = job.child_pid()
        for pid in {"parent": [parent.pid], "child": [child], "both": [parent.pid, child]}[target]:
            os.kill(pid, signum)
        parent.wait()
        job.reap(child)

    return step


@dataclass(frozen=True)
class Scenario:
    name: str
    about: str
    steps: tuple[Step, ...]


SCENARIOS = (
    Scenario("sigkill-30-70", "SIGKILL parent and child at 30%, again at 70%",
             (kill(0.3, "both", signal.SIGKILL), kill(0.7, "both", signal.SIGKILL))),
    Scenario("child-sigkill", "SIGKILL the crawler child (the OOM killer's pick) at 30% and 70%",
             (kill(0.3, "child", signal.SIGKILL), kill(0.7, "child", signal.SIGKILL))),
    Scenario("parent-sigkill", "SIGKILL the parent only at 50%; the child must die with it",
             (kill(0.5, "parent", signal.SIGKILL),)),
    Scenario("sigterm-sigkill", "SIGTERM the parent at 30% (clean stop), SIGKILL parent and child at 70%",
             (kill(0.3, "parent", signal.SIGTERM), kill(0.7, "both", signal.SIGKILL))),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--only", nargs="*", choices=[scenario.name for scenario in SCENARIOS], help="run only these scenarios")
    args = parser.parse_args()

    portal = SyntheticPortal(args.pages)
    max_pages = portal.page_count + len(portal.files) + 10
    scenarios = [scenario for scenario in SCENARIOS if not args.only or scenario.name in args.only]
    print(f"synthetic portal: {portal.page_count} pages, {len(portal.files)} attachments")
    with SiteServer(routes=portal.routes) as server, tempfile.TemporaryDirectory() as folder:
        baseline = Job(server, Path(folder) / "uninterrupted", 0, max_pages)
        expected = outcome(baseline, baseline.complete())
        requests = baseline.requests()
        print(f"uninterrupted: {len(expected.documents)} documents, {requests} requests, "
              f"{len(expected.findings)} findings\n")
        print(f"{'scenario':18}" + "".join(f"{column:>{len(column) + 2}}" for column in COLUMNS) + "  what")
        for scenario in scenarios:
            job = Job(server, Path(folder) / scenario.name, requests, max_pages)
            for step in scenario.steps:
                step(job)
            got = outcome(job, job.complete())
            figures = compare(expected, got, job, requests)
            print(f"{scenario.name:18}" + "".join(f"{figures[column]:>{len(column) + 2}}" for column in COLUMNS)
                  + f"  {scenario.about}" + ("" if got.status == "checked" else f"  [run {got.status}]"))


def compare(expected: Outcome, got: Outcome, job: Job, requests: int) -> dict[str, int]:
    return {
        "lost": len(set(expected.documents) - set(got.documents)),
        "twice": sum(count - 1 for count in Counter(got.documents).values()),
        "flipped": sum(got.findings.get(key) != expected.findings.get(key) for key in expected.findings | got.findings),
        "orphan requests": job.orphan_requests,
        "temp left": len(list(job.temp.iterdir())),
        "refetched": job.requests() - requests,
    }


@dataclass
class Outcome:
    status: str
    documents: list[str]
    findings: dict[tuple[str, str, str], str]


def outcome(job: Job, run_id: int) -> Outcome:
    """The run's stored documents (URLs, repeats kept) and, once judged, its findings' statuses."""
    try:
        check_step(load_config(job.config), job.db_url, AS_OF, run_id)
    except Exception as error:  # noqa: BLE001 - an unjudgeable run is itself the result to print
        print(f"{job.folder.name}: {error}", file=sys.stderr)
    with session_factory(open_engine(job.db_url))() as session:
        documents = list(session.scalars(select(Document.url).where(Document.run_id == run_id)))
        findings = {(finding.indicator, finding.check, finding.unit): finding.status
                    for finding in session.scalars(select(Finding).where(Finding.run_id == run_id))}
        return Outcome(session.get(Run, run_id).status, documents, findings)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie fetches nothing


if __name__ == "__main__":
    main()
