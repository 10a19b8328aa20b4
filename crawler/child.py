"""The crawl itself, in its own process: ``python -m crawler.child JOB RESULT``.

JOB is a pickle written by crawler.runner; RESULT receives {"finish_reason", "error"}.
"""

from __future__ import annotations

import json
import pickle
import sys
import traceback
from pathlib import Path


def main(job_path: str, result_path: str) -> int:
    outcome = {"finish_reason": None, "error": None}
    try:
        from scrapy.crawler import CrawlerProcess

        from crawler.pipelines import STORE_ERROR_STAT
        from crawler.runner import build_settings
        from crawler.spiders.portal import PortalSpider

        job = pickle.loads(Path(job_path).read_bytes())
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
        outcome["error"] = f"{type(error).__name__}: {error}"
        traceback.print_exc()
    Path(result_path).write_text(json.dumps(outcome))
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
    sys.exit(main(sys.argv[1], sys.argv[2]))
