"""The crawl itself, in its own process: ``python -m crawler.child RESULT_FD``.

The job, a pickle written by crawler.runner, comes on stdin; {"finish_reason",
"error"} goes back through the pipe RESULT_FD. The child dies with its parent: a
crawl nobody records must not go on fetching the county's site.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import traceback

from crawler.signals import die_with_parent


def main(result_fd: int) -> int:
    outcome = {"finish_reason": None, "error": None}
    try:
        job = pickle.loads(sys.stdin.buffer.read())
        die_with_parent(job["parent_pid"])

        from scrapy.crawler import CrawlerProcess

        from crawler.pipelines import STORE_ERROR_STAT
        from crawler.runner import build_settings
        from crawler.spiders.portal import PortalSpider

        settings = build_settings(job["config"], job["db_url"], job["run_id"], job["progress"], job["overrides"])
        process = CrawlerProcess(settings)
        _skip_unshown_records(settings["LOG_LEVEL"])
        _quiet_reported_failures()
        crawler = process.create_crawler(PortalSpider)
        # an error while setting the crawl up ends in this Deferred, not in an exception here
        process.crawl(crawler).addErrback(lambda failure: outcome.update(error=f"{failure.type.__name__}: {failure.value}"))
        process.start()
        outcome["finish_reason"] = crawler.stats.get_value("finish_reason")
        outcome["error"] = crawler.stats.get_value(STORE_ERROR_STAT) or outcome["error"]
    except BaseException as error:  # noqa: BLE001 - the parent needs one line whatever happened
        outcome["error"] = f"{type(error).__name__}: {error}"[:2000]
        traceback.print_exc()
    with os.fdopen(result_fd, "w") as result:
        result.write(json.dumps(outcome))
    return 0 if outcome["finish_reason"] else 1


def _skip_unshown_records(level: str) -> None:
    """Scrapy filters by level only in its log handler (and resets the root logger's
    level when the crawl starts), so every request and item would still build a debug
    record that is then thrown away; a level on Scrapy's own loggers stops that early."""
    import logging

    logging.getLogger("scrapy").setLevel(level)


def _quiet_reported_failures() -> None:
    """Failed fetches are stored as fetch errors and listed in Chinese at the end of
    the crawl; Scrapy's own English tracebacks for them would only fill cron mail."""
    import logging

    for name in ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
