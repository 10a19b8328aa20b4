"""Benchmark: fazhi against a bare link-following Scrapy spider on a synthetic portal.

    python bench/run.py [--pages 20000] [--concurrency 8]

Prints pages/s of both, their ratio, fazhi's peak RSS, and the time of a second
crawl of the unchanged site against the first. Politeness is overridden for
this local server only.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portal import SyntheticPortal  # noqa: E402
from crawler.runner import crawl  # noqa: E402
from crawler.siteserver import SiteServer  # noqa: E402
from crawler.testing import FAST, local_config  # noqa: E402
from storage.db import open_engine, session_factory  # noqa: E402
from storage.models import Run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--attachments", type=int, default=None, help="default: pages / 10")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent requests per domain, both crawlers")
    args = parser.parse_args()

    portal = SyntheticPortal(args.pages, args.attachments)
    print(f"synthetic portal: {portal.page_count} pages, {len(portal.files)} attachments")
    with SiteServer(routes=portal.routes) as server, tempfile.TemporaryDirectory() as folder:
        # every document re-requested on the second crawl: this measures a re-request's cost (bench/refetch.py the schedule)
        config = local_config(server.url, max_pages=portal.page_count + len(portal.files) + 10, max_depth=2000,
                              concurrency_per_domain=args.concurrency, retries=1, timeout=30, reverify_days=1)
        overrides = FAST | {"CONCURRENT_REQUESTS": 16, "FAZHI_STORE_INTERVAL": 2.0}
        db_url = f"sqlite:///{folder}/bench.db"

        first, run = timed(lambda: crawl(config, db_url, progress=False, overrides=overrides))
        fazhi_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        counts = run_counts(db_url, run)
        second, run2 = timed(lambda: crawl(config, db_url, progress=False, overrides=overrides))
        counts2 = run_counts(db_url, run2)

        bare_time, bare_output = timed(lambda: subprocess.run(
            [sys.executable, str(ROOT / "bench" / "bare.py"), server.url, str(args.concurrency)],
            capture_output=True, text=True, check=True).stdout)
        bare_responses = int(bare_output.strip().splitlines()[-1])

    fazhi_rate = (counts["pages"] + counts["attachments"]) / first
    bare_rate = bare_responses / bare_time
    print(f"fazhi first crawl : {first:7.1f} s  {counts['pages']} pages + {counts['attachments']} attachments, "
          f"{counts['fetch_errors']} errors → {fazhi_rate:.0f} documents/s")
    print(f"bare scrapy       : {bare_time:7.1f} s  {bare_responses} responses → {bare_rate:.0f} responses/s")
    print(f"ratio fazhi/bare  : {fazhi_rate / bare_rate:.2f}   (target ≥ 0.6)")
    print(f"fazhi peak RSS    : {fazhi_rss:.0f} MB   (target < 600 MB)")
    print(f"second crawl      : {second:7.1f} s  = {second / first:.0%} of the first   (target ≤ 40%), "
          f"{counts2['pages']} pages + {counts2['attachments']} attachments")


def timed(action):
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def run_counts(db_url: str, run_id: int) -> dict[str, int]:
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id)
        assert run.status == "crawled", run.error
        return {"pages": run.pages, "attachments": run.attachments, "fetch_errors": run.fetch_errors}


if __name__ == "__main__":
    main()
