"""Fault benchmark: a bad night must not be a bad county.

    python bench/faults.py [--pages 3000] [--only outages,bombs,traps,kills]

Four groups of scenarios, each against a local portal; the last lines printed are
one table per group, with the bound each figure must keep.

outages  The sample portal (fazhi.sample_portal) behind fazhi.bad_portal's front
         server: a healthy night, then each bad night in OUTAGES on a copy of that
         store, crawled and judged with fazhi.jobs as of AS_OF. Findings that
         passed and now fail must be 0; "gone" are findings the bad night no
         longer has, "exit" is what `fazhi run` would return (3: incomplete).
bombs    The synthetic portal (bench/portal.py) with bench/bombs.py's decompression
         bombs and slow PDF linked from its home page, crawled by `fazhi crawl`;
         the resident memory of the whole process tree (parent, crawler child,
         extraction workers) is sampled from /proc and must stay under 600 MB.
traps    bench/traps.py's TrapPortal: the pages each trap cost must stay within
         the bounds in TRAP_BOUNDS, and every real document must be stored.
kills    Every scenario in SCENARIOS crawls the synthetic portal into its own
         store with a jobdir: each of its steps starts `fazhi crawl` (a real parent
         process with its crawler child) and disturbs it, then the job is started
         again until it completes. The result is compared with an uninterrupted
         crawl: documents lost, documents stored twice, findings whose status
         differs, requests the server got from a crawler child after its parent
         died ("orphan requests"), temporary folders left behind. All must be 0.
         "refetched" is what the faults cost: requests beyond those of the
         uninterrupted crawl.

--only takes group names and kill scenario names, comma-separated. The exit status
is 1 when a figure is out of its bound.

A new kill scenario is a name, a sentence and its steps; a step is any function of
the Job (see kill() for one). A new outage is a name, a sentence and a misbehaviour
of the front server (fazhi.bad_portal.Misbehaviour).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.bombs import bomb_routes, descendants  # noqa: E402
from bench.portal import SyntheticPortal  # noqa: E402
from bench.traps import PER_PAGE, REAL_LIST_PAGES, TRAP_LIST_PAGES, TrapPortal  # noqa: E402
from crawler.runner import crawl  # noqa: E402
from crawler.siteserver import Reply, SiteServer  # noqa: E402
from county.config import load_config  # noqa: E402
from crawler.testing import FAST, local_config  # noqa: E402
from fazhi.bad_portal import DROP, MAINTENANCE, SHELL, BadPortal, Misbehaviour, cut_short, html_answer, path_of  # noqa: E402
from fazhi.jobs import JobError, check_step, crawl_step, incomplete_reason  # noqa: E402
from fazhi.sample_portal import portal_config  # noqa: E402
from storage.db import open_engine, run_documents, run_findings, session_factory  # noqa: E402
from storage.models import Document, Finding, Run  # noqa: E402

AS_OF = dt.date(2021, 9, 30)  # the sample and synthetic portals' dates end here
GONE_WITHIN = 30.0  # seconds a crawler child may take to die after its parent
COLUMNS = ("lost", "twice", "flipped", "orphan requests", "temp left", "refetched")
RSS_LIMIT_MB = 600
BOMB_ATTACHMENT_SECONDS = 20  # the slow PDF's budget: the product's 60 s would only make the run longer
TRAP_SECTION_CAP = 300  # [crawl] max_pages_per_section for the trap crawl (default 10000: max_depth stops it at 4095)
GROUPS = ("outages", "bombs", "traps", "kills")


@dataclass
class Table:
    """One group's results: rows of figures, and the figures that missed their bound."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def add(self, *row, missed: str | None = None) -> None:
        self.rows.append(row)
        print(f"{row[0]}: " + ", ".join(f"{column} {value}" for column, value in zip(self.columns[1:], row[1:])))
        if missed:
            self.missed.append(f"{self.title.split(':')[0]} {row[0]}: {missed}")

    def lines(self) -> list[str]:
        cells = [self.columns, *[tuple(str(value) for value in row) for row in self.rows]]
        widths = [max(_width(row[i]) for row in cells) for i in range(len(self.columns))]
        last = len(self.columns) - 1
        return [self.title] + ["  ".join(_pad(value, width, i in (0, last)) for i, (value, width)
                                         in enumerate(zip(row, widths))).rstrip() for row in cells]


def _width(text: str) -> int:
    # a CJK character takes two columns in a terminal
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _pad(text: str, width: int, left: bool) -> str:
    space = " " * (width - _width(text))
    return text + space if left else space + text


class Job:
    """One store and jobdir, crawled by `fazhi crawl` processes started one after another."""

    def __init__(self, server: SiteServer, folder: Path, baseline_requests: int, max_pages: int, crawl_options: str = ""):
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
            f'max_pages = {max_pages}\nmax_depth = 2000\nretries = 1\ntimeout = 30.0\njobdir = "{self.jobdir}"\n{crawl_options}'
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
    parser.add_argument("--pages", type=int, default=3000, help="size of the synthetic portal (bombs, kills)")
    parser.add_argument("--only", type=_selection, default=(),
                        help="comma-separated groups or kill scenarios, e.g. outages,traps")
    args = parser.parse_args()

    selected = set(args.only)
    kills = [scenario for scenario in SCENARIOS if not selected or {"kills", scenario.name} & selected]
    runs = {"outages": run_outages, "bombs": lambda folder: run_bombs(folder, args.pages),
            "traps": run_traps, "kills": lambda folder: run_kills(folder, args.pages, kills)}
    tables = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for group in GROUPS:
            if not selected or group in selected or (group == "kills" and selected & {s.name for s in SCENARIOS}):
                group_started = time.perf_counter()
                tables.append(runs[group](Path(folder) / group))
                print(f"[{group}: {time.perf_counter() - group_started:.0f} s]\n")
    missed = [line for table in tables for line in table.missed]
    print(f"==== summary ({time.perf_counter() - started:.0f} s) ====")
    for table in tables:
        print("\n".join(table.lines()) + "\n")
    print("all figures within their bounds" if not missed else "OUT OF BOUNDS:\n  " + "\n  ".join(missed))
    sys.exit(1 if missed else 0)


def _selection(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    known = set(GROUPS) | {scenario.name for scenario in SCENARIOS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown: {', '.join(unknown)} (choose from {', '.join(sorted(known))})")
    return names


# --- outages -------------------------------------------------------------------------------------

SECTION = "/bm/sfj/"  # 县司法局, whose 2020 法治政府建设情况报告 passes on a healthy night
CLEAN_LISTS = ("/xxgk/index.html", "/xxgk/qd/index.html")  # the two list pages linking the 清单


@dataclass(frozen=True)
class Outage:
    name: str
    about: str
    misbehave: Misbehaviour


def at_start(answer) -> Misbehaviour:
    return lambda path, real: answer if path_of(path) == "/" else real


def in_section(change) -> Misbehaviour:
    return lambda path, real: change(real) if path_of(path).startswith(SECTION) else real


def everywhere_but_robots(answer) -> Misbehaviour:
    return lambda path, real: real if path_of(path) == "/robots.txt" else answer


OUTAGES = (
    Outage("start-empty-200", "start page answers an empty 200", at_start(html_answer(b""))),
    Outage("start-404", "start page answers 404", at_start(html_answer(b"<h1>404</h1>", 404))),
    Outage("section-empty-200", f"section {SECTION} answers empty 200s", in_section(lambda real: html_answer(b""))),
    Outage("section-maintenance", f"section {SECTION} answers 系统维护中", in_section(lambda real: html_answer(MAINTENANCE))),
    Outage("section-cut-short", f"section {SECTION} answers half of each page", in_section(cut_short)),
    Outage("dies-after-start", "server drops every connection after the start page",
           lambda path, real: real if path_of(path) in ("/", "/robots.txt") else DROP),
    Outage("site-empty", "every page an empty 200", everywhere_but_robots(html_answer(b""))),
    Outage("site-frame-only", "every page the home page's frame with nothing in it", everywhere_but_robots(html_answer(SHELL))),
    Outage("lists-500", "the two list pages linking the 清单 answer 500",
           lambda path, real: html_answer(b"error", 500) if path_of(path) in CLEAN_LISTS else real),
)


def run_outages(folder: Path) -> Table:
    folder.mkdir(parents=True)
    table = Table("outages: sample portal, healthy night then each bad night on its store",
                  ("night", "pass→fail", "gone", "unknown", "completeness", "exit", "what"))
    front = BadPortal()
    try:
        config = portal_config(front.base_url)
        healthy = f"sqlite:///{folder / 'healthy.db'}"
        before, completeness, exit_status = judged_night(config, healthy)
        passed = {key for key, status in before.items() if status == "pass"}
        unknown = sum(status == "unknown" for status in before.values())
        table.add("healthy", "", "", f"{unknown}/{len(before)}", completeness, exit_status, f"{len(passed)} findings pass")
        for outage in OUTAGES:
            store = folder / f"{outage.name}.db"
            _copy_store(folder / "healthy.db", store)
            front.misbehave = outage.misbehave
            try:
                after, completeness, exit_status = judged_night(config, f"sqlite:///{store}")
            finally:
                front.misbehave = None
            flipped = sum(after.get(key) == "fail" for key in passed)
            gone = len(before.keys() - after.keys())
            unknown = sum(status == "unknown" for status in after.values())
            table.add(outage.name, flipped, gone, f"{unknown}/{len(after)}", completeness, exit_status, outage.about,
                      missed=f"{flipped} findings pass→fail" if flipped else None)
    finally:
        front.stop()
    return table


def judged_night(config, db_url: str) -> tuple[dict[tuple[str, str, str], str], str, int]:
    """One night crawled and judged as `fazhi run` would: its findings' statuses, completeness, exit status."""
    try:
        run_id = crawl_step(config, db_url)
    except JobError as error:
        print(f"  {error}", file=sys.stderr)
        return {}, "crawl failed", 1
    check_step(config, db_url, AS_OF, run_id)
    with session_factory(open_engine(db_url))() as session:
        findings = {(f.indicator, f.check, f.unit): f.status for f in run_findings(session, run_id)}
        completeness = session.get(Run, run_id).completeness
    return findings, completeness, 0 if incomplete_reason(db_url, config.county, run_id) is None else 3


def _copy_store(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as healthy, sqlite3.connect(target) as copy:
        healthy.backup(copy)


# --- bombs ---------------------------------------------------------------------------------------


def run_bombs(folder: Path, pages: int) -> Table:
    table = Table(f"bombs: synthetic portal ({pages} pages) with decompression bombs, `fazhi crawl`",
                  ("crawl", "peak RSS, whole tree", "peak PSS", "parent", "crawler child", "largest worker",
                   "stored", "bombs noted", "exit", "seconds"))
    portal = SyntheticPortal(pages)
    bombs = bomb_routes()
    routes = portal.routes | {path: reply for path, (_text, reply) in bombs.items()}
    anchors = "".join(f'<li><a href="{path}">{text}</a></li>' for path, (text, _reply) in bombs.items())
    home = routes["/"]
    routes["/"] = Reply(home.body.replace(b"</body>", f"<ul class='files'>{anchors}</ul></body>".encode()),
                        content_type=home.content_type)
    expected = portal.page_count + len(portal.files) + len(bombs)
    with SiteServer(routes=routes) as server:
        job = Job(server, folder, 0, expected + 10, f"attachment_seconds = {BOMB_ATTACHMENT_SECONDS}\n")
        started = time.perf_counter()
        parent = job.start()
        with TreeMemory(parent.pid) as memory:
            exit_status = parent.wait()
        elapsed = time.perf_counter() - started
        prefix = server.url.rstrip("/")
        with session_factory(open_engine(job.db_url))() as session:
            run_id = session.scalars(select(Run.id).order_by(Run.id.desc())).first()
            notes = {doc.url.removeprefix(prefix): doc.extraction_note for doc in run_documents(session, run_id)}
    noted = sum(bool(notes.get(path)) for path in bombs)
    peak = memory.peak["rss"] // 1024
    for path in bombs:
        print(f"{path:20}: {notes.get(path, 'NOT STORED')}")
    table.add("bomb night", f"{peak} MB (< {RSS_LIMIT_MB})",
              *(f"{memory.peak[part] // 1024} MB" for part in ("pss", "parent", "crawler child", "worker")),
              f"{len(notes)}/{expected}", f"{noted}/{len(bombs)}", exit_status, f"{elapsed:.0f}",
              missed=f"peak RSS {peak} MB, not under {RSS_LIMIT_MB}" if peak >= RSS_LIMIT_MB else None)
    if noted < len(bombs) or exit_status:
        table.missed.append(f"bombs: {noted} of {len(bombs)} bombs stored with a note, exit {exit_status}")
    return table


class TreeMemory(threading.Thread):
    """Peak memory (kB) of a process and its descendants, sampled from /proc every 50 ms: the tree's
    summed RSS and summed PSS (shared pages, such as libraries, divided among the processes that map
    them), and the RSS of the parent, the crawler child and the largest extraction worker."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.peak = dict.fromkeys(("rss", "pss", "parent", "crawler child", "worker"), 0)
        self._done = threading.Event()

    def __enter__(self) -> TreeMemory:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.wait(0.05):
            tree = [self.root, *descendants(self.root)]
            sizes = {pid: _memory_kb(pid) for pid in tree}
            self._keep("rss", sum(rss for rss, _pss in sizes.values()))
            self._keep("pss", sum(pss for _rss, pss in sizes.values()))
            for pid, (rss, _pss) in sizes.items():
                command = _cmdline(pid)
                if pid == self.root:
                    self._keep("parent", rss)
                elif b"crawler.extract_worker" in command:
                    self._keep("worker", rss)
                elif b"crawler.child" in command:
                    self._keep("crawler child", rss)

    def _keep(self, figure: str, kb: int) -> None:
        self.peak[figure] = max(self.peak[figure], kb)


def _memory_kb(pid: int) -> tuple[int, int]:
    """RSS and PSS of one process; (0, 0) once it is gone."""
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])
    except (OSError, KeyError, ValueError):
        return 0, 0


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


# --- traps ---------------------------------------------------------------------------------------

# trap → (path prefix on the trap portal, most requests it may cost, what that bound is)
TRAP_BOUNDS = {
    "real 40-page list": ("/real/index", REAL_LIST_PAGES, "all 40 read, no more"),
    "尾页 = 99999 pager": ("/weiye/index", 40, f"≤ 40 list pages for {TRAP_LIST_PAGES} real"),
    "createPageHTML(99999)": ("/trs/index", 40, f"≤ 40 list pages for {TRAP_LIST_PAGES} real"),
    "random ?token= links": ("/zwgk/info.html", 30, "≤ 30 requests for 1 page"),
    "endless generated": ("/gen/", TRAP_SECTION_CAP, f"≤ max_pages_per_section = {TRAP_SECTION_CAP}"),
}


def run_traps(folder: Path) -> Table:
    folder.mkdir(parents=True)
    table = Table("traps: TrapPortal, [crawl] defaults but max_pages_per_section", ("trap", "requests", "bound"))
    db_url = f"sqlite:///{folder / 'traps.db'}"
    with SiteServer(routes={}) as other:
        with SiteServer(fallback=TrapPortal(other.port).reply) as server:
            config = local_config(server.url, retries=0, max_pages_per_section=TRAP_SECTION_CAP)
            run_id = crawl(config, db_url, progress=False, overrides=FAST | {"CLOSESPIDER_TIMEOUT": 600})
            paths = [urlsplit(path).path for path in server.paths()]
        other_requests = len(other.paths())
    for trap, (prefix, most, bound) in TRAP_BOUNDS.items():
        fetched = sum(path.startswith(prefix) for path in paths)
        table.add(trap, fetched, bound, missed=f"{fetched} requests" if fetched > most else None)
    table.add("other port, same host", other_requests, "0", missed=f"{other_requests} requests" if other_requests else None)
    with session_factory(open_engine(db_url))() as session:
        stored = {urlsplit(doc.url).path for doc in run_documents(session, run_id)}
    real = {f"/{section}/202101/t20210101_{n}.html"
            for section, pages in (("real", REAL_LIST_PAGES), ("weiye", TRAP_LIST_PAGES), ("trs", TRAP_LIST_PAGES))
            for n in range(pages * PER_PAGE)}
    table.add("real documents stored", f"{len(real & stored)}/{len(real)}", "all",
              missed="real documents missing" if real - stored else None)
    table.add("requests in all", len(paths), "")
    return table


# --- kills ---------------------------------------------------------------------------------------


def run_kills(folder: Path, pages: int, scenarios: list[Scenario]) -> Table:
    portal = SyntheticPortal(pages)
    max_pages = portal.page_count + len(portal.files) + 10
    table = Table(f"kills: synthetic portal ({portal.page_count} pages, {len(portal.files)} attachments), kill and resume",
                  ("scenario", *COLUMNS, "what"))
    with SiteServer(routes=portal.routes) as server:
        baseline = Job(server, folder / "uninterrupted", 0, max_pages)
        expected = outcome(baseline, baseline.complete())
        requests = baseline.requests()
        print(f"uninterrupted: {len(expected.documents)} documents, {requests} requests, {len(expected.findings)} findings")
        for scenario in scenarios:
            job = Job(server, folder / scenario.name, requests, max_pages)
            for step in scenario.steps:
                step(job)
            got = outcome(job, job.complete())
            figures = compare(expected, got, job, requests)
            broken = [column for column in COLUMNS[:-1] if figures[column]]
            if got.status != "checked":
                broken.append(f"run {got.status}")
            table.add(scenario.name, *(figures[column] for column in COLUMNS), scenario.about,
                      missed=", ".join(broken) or None)
    return table


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
