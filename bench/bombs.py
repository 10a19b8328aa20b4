"""Benchmark: a crawl of the synthetic portal with decompression bombs and a slow PDF on it.

    python bench/bombs.py [--pages 2000] [--attachment-seconds 60]

Serves bench.portal's pages and attachments plus crawler.hostile's bombs (linked from
the home page) on 127.0.0.1, crawls them with fazhi, and prints the crawl time, the peak
RSS of the crawl process and its extraction workers (summed, sampled every 50 ms, and
the largest single process), and the note recorded on each hostile document.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portal import SyntheticPortal  # noqa: E402
from crawler import hostile  # noqa: E402
from crawler.runner import crawl  # noqa: E402
from crawler.siteserver import Reply, SiteServer  # noqa: E402
from crawler.testing import FAST, local_config  # noqa: E402
from storage.db import open_engine, run_documents, session_factory  # noqa: E402
from storage.models import Run  # noqa: E402


def bomb_routes() -> dict[str, tuple[str, Reply]]:
    """Path → (link text, reply) of each hostile attachment."""
    files = {
        "/bombs/tongji.docx": ("2023年行政执法统计年报（256 MB document.xml）", hostile.repeated_docx(256)),
        "/bombs/mulu.docx": ("重大行政决策事项目录（1 GB 零字节）", hostile.zero_docx(1024)),
        "/bombs/baogao.pdf": ("法治政府建设年度报告（1 GB FlateDecode）", hostile.flate_pdf(1024)),
        "/bombs/qingdan.zip": ("权责清单汇总（1 GB zip）", hostile.zero_zip(1024)),
        "/bombs/nested.zip": ("执法文书汇编（zip 中的 docx 炸弹）", hostile.archive({"附件1.docx": hostile.zero_docx(1024),
                                                                       "附件2.docx": hostile.repeated_docx(256)})),
        "/bombs/slow.pdf": ("行政处罚案卷（处理需数分钟的 PDF）", hostile.slow_pdf(2_000_000)),
    }
    return {path: (text, Reply(body, content_type="application/octet-stream")) for path, (text, body) in files.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--attachment-seconds", type=float, default=60.0)
    args = parser.parse_args()

    portal = SyntheticPortal(args.pages)
    bombs = bomb_routes()
    routes = portal.routes | {path: reply for path, (_text, reply) in bombs.items()}
    anchors = "".join(f'<li><a href="{path}">{text}</a></li>' for path, (text, _reply) in bombs.items())
    home = routes["/"]
    routes["/"] = Reply(home.body.replace("</body>".encode(), f"<ul class='files'>{anchors}</ul></body>".encode()),
                        content_type=home.content_type)
    print(f"site: {portal.page_count} pages, {len(portal.files)} attachments, {len(bombs)} hostile attachments "
          f"({sum(len(reply.body) for _text, reply in bombs.values()) / 1024 / 1024:.1f} MB on the wire)")

    with SiteServer(routes=routes) as server, tempfile.TemporaryDirectory() as folder:
        config = local_config(server.url, max_pages=portal.page_count + len(portal.files) + 100, max_depth=2000,
                              concurrency_per_domain=8, attachment_seconds=args.attachment_seconds)
        db_url = f"sqlite:///{folder}/bombs.db"
        sampler = TreeRss()
        sampler.start()
        started = time.perf_counter()
        run_id = crawl(config, db_url, progress=False, overrides=FAST | {"CONCURRENT_REQUESTS": 16})
        elapsed = time.perf_counter() - started
        sampler.stop()
        with session_factory(open_engine(db_url))() as session:
            run = session.get(Run, run_id)
            docs = {doc.url.removeprefix(server.url.rstrip("/")): doc for doc in run_documents(session, run_id)}
            print(f"crawl             : {elapsed:.1f} s, status {run.status}, {run.pages} pages + {run.attachments} attachments, "
                  f"{run.fetch_errors} fetch errors")
            print(f"peak RSS          : {sampler.peak / 1024:.0f} MB crawl process + workers (summed); "
                  f"crawl process {sampler.crawl_peak / 1024:.0f} MB, largest worker {sampler.worker_peak / 1024:.0f} MB"
                  f"   (target < 600 MB)")
            for path, (text, _reply) in bombs.items():
                doc = docs.get(path)
                print(f"{path:20}: {'NOT STORED' if doc is None else doc.extraction_note}  [title: {doc.title if doc else ''}]")


class TreeRss(threading.Thread):
    """Samples the resident memory (kB) of this process's descendants: summed, the crawl's, a worker's."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = self.crawl_peak = self.worker_peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            sizes = {pid: _rss_kb(pid) for pid in descendants(os.getpid())}
            self.peak = max(self.peak, sum(sizes.values()))
            for pid, size in sizes.items():
                if b"crawler.extract_worker" in _cmdline(pid):
                    self.worker_peak = max(self.worker_peak, size)
                elif b"crawler.child" in _cmdline(pid):
                    self.crawl_peak = max(self.crawl_peak, size)

    def stop(self) -> None:
        self._done.set()
        self.join()


def descendants(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    main()
