"""Benchmark: the night after the first crawl, with 1 % of the portal changed.

    python bench/refetch.py [--pages 20000] [--changed 0.01] [--reverify-days 1 7 14]

Serves bench/portal.py's synthetic portal, crawls it and judges it (so that the
findings' evidence is known), then publishes new articles on top of the lists and
edits existing ones — together the --changed share of the documents — and crawls
again, once per --reverify-days value, each time from a copy of the judged store.
Prints, for each, the requests and the time of the re-crawl as shares of the first
crawl's, how many of the new articles and edits it found, and how many of the
evidence URLs it fetched. reverify_days = 1 re-requests every known document: the
behaviour before the schedule. Politeness is overridden for this local server only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portal import GBK_SECTIONS, PER_LIST, SECTIONS, SyntheticPortal  # noqa: E402
from crawler.runner import crawl  # noqa: E402
from crawler.siteserver import SiteServer  # noqa: E402
from crawler.testing import FAST, local_config  # noqa: E402
from fazhi.jobs import check_step  # noqa: E402
from storage.db import open_engine, run_documents, run_findings, session_factory  # noqa: E402
from storage.models import Run  # noqa: E402

FIRST_NIGHT = dt.date(2021, 9, 29)
AS_OF = dt.date(2021, 9, 30)
NEW_DAY = dt.date(2021, 9, 30)
EDIT_MARK = "本文已于2021年9月30日更新"
EDIT = f"<p>（{EDIT_MARK}：补充了办理时限和监督电话。）</p>"


class ChangingPortal(SyntheticPortal):
    """The synthetic portal, where new articles appear on top of a section's list and
    existing articles can be edited in place."""

    def __init__(self, pages: int, attachments: int | None = None):
        self.new: dict[int, list[int]] = {section: [] for section in range(SECTIONS)}
        self.edited: set[tuple[int, int]] = set()
        super().__init__(pages, attachments)

    def change(self, documents: int) -> tuple[list[str], list[str]]:
        """Publish half of ``documents`` as new articles and edit the other half, spread over
        the sections; returns the paths of both."""
        new_paths, edited_paths = [], []
        for index in range(documents // 2):
            section = index % SECTIONS
            number = self.articles_per_section + len(self.new[section])
            self.new[section].append(number)
            new_paths.append(self._article_path(section, number))
        edits = documents - documents // 2
        step = max(1, self.articles_per_section * SECTIONS // max(1, edits))
        for index in range(edits):
            section, number = divmod(index * step + step // 2, self.articles_per_section)
            self.edited.add((section, number))
            edited_paths.append(self._article_path(section, number))
        longest = max(len(self._listed(section)) for section in range(SECTIONS))
        self.lists_per_section = -(-longest // PER_LIST)
        self.routes = self._render()
        return new_paths, edited_paths

    def _render(self):
        routes = super()._render()
        for section, numbers in self.new.items():
            for number in numbers:
                routes[self._article_path(section, number)] = self._html(self._article(section, number), section in GBK_SECTIONS)
        return routes

    def _listed(self, section: int) -> list[int]:
        return list(reversed(self.new.get(section, []))) + super()._listed(section)

    def _date(self, section: int, number: int) -> dt.date:
        return NEW_DAY if number >= self.articles_per_section else super()._date(section, number)

    def _article(self, section: int, number: int) -> str:
        text = super()._article(section, number)
        return text.replace("<div class='TRS_Editor'>", "<div class='TRS_Editor'>" + EDIT) if (section, number) in self.edited else text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--changed", type=float, default=0.01, help="share of the documents changed before the re-crawl")
    parser.add_argument("--reverify-days", type=int, nargs="+", default=[1, 7, 14])
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    portal = ChangingPortal(args.pages)
    documents = portal.page_count + len(portal.files)
    print(f"synthetic portal: {portal.page_count} pages, {len(portal.files)} attachments")
    with SiteServer(routes=portal.routes) as server, tempfile.TemporaryDirectory() as folder:
        def config(reverify_days: int):
            return local_config(server.url, max_pages=documents * 2, max_depth=2000, concurrency_per_domain=args.concurrency,
                                retries=1, timeout=30, reverify_days=reverify_days)

        overrides = FAST | {"CONCURRENT_REQUESTS": 16, "FAZHI_STORE_INTERVAL": 2.0}
        judged = Path(folder) / "judged.db"
        first_time, first_run, first_asked = timed_crawl(server, config(7), f"sqlite:///{judged}", overrides, FIRST_NIGHT)
        check_step(config(7), f"sqlite:///{judged}", AS_OF, first_run)
        evidence = evidence_paths(f"sqlite:///{judged}", first_run)
        print(f"first crawl: {first_time:.1f} s, {len(first_asked):,} requests; its findings cite {len(evidence):,} URLs")

        new_paths, edited_paths = portal.change(round(documents * args.changed))
        server.routes = dict(portal.routes)
        print(f"then {len(new_paths)} new articles on top of the lists and {len(edited_paths)} articles edited")
        print("reverify_days | requests       | time             | new found | edits found | evidence fetched")
        for reverify_days in args.reverify_days:
            store = Path(folder) / f"night2-{reverify_days}.db"
            copy_store(judged, store)
            seconds, run_id, asked = timed_crawl(server, config(reverify_days), f"sqlite:///{store}", overrides,
                                                 FIRST_NIGHT + dt.timedelta(days=1))
            found = stored_texts(f"sqlite:///{store}", run_id)
            new_found = sum(path in found for path in new_paths)
            edits_found = sum(EDIT_MARK in found.get(path, "") for path in edited_paths)
            print(f"{reverify_days:13d} | {len(asked):6,} = {len(asked) / len(first_asked):5.1%} | "
                  f"{seconds:5.1f} s = {seconds / first_time:5.1%} | {new_found:4}/{len(new_paths)} | "
                  f"{edits_found:5}/{len(edited_paths)} | {len(evidence & set(asked))}/{len(evidence)}")


def timed_crawl(server: SiteServer, config, db_url: str, overrides: dict, night: dt.date) -> tuple[float, int, list[str]]:
    """The crawl's seconds, its run and the paths it requested (robots.txt aside)."""
    before = len(server.paths())
    started = time.perf_counter()
    run_id = crawl(config, db_url, progress=False, overrides=overrides, night=night)
    seconds = time.perf_counter() - started
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id)
        assert run.status == "crawled", run.error
    return seconds, run_id, [path for path in server.paths()[before:] if path != "/robots.txt"]


def evidence_paths(db_url: str, run_id: int) -> set[str]:
    with session_factory(open_engine(db_url))() as session:
        return {urlsplit(item["url"]).path for finding in run_findings(session, run_id) for item in finding.evidence or ()}


def stored_texts(db_url: str, run_id: int) -> dict[str, str]:
    """Path → text of the run's documents that answered 200."""
    with session_factory(open_engine(db_url))() as session:
        return {urlsplit(doc.url).path: doc.text or "" for doc in run_documents(session, run_id) if doc.http_status == 200}


def copy_store(source: Path, target: Path) -> None:
    original, copy = sqlite3.connect(source), sqlite3.connect(target)
    original.backup(copy)
    original.close()
    copy.close()


if __name__ == "__main__":
    main()
