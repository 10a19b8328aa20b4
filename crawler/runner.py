"""Entry point: crawl a county's sites into the store, one run per call.

Twisted's reactor cannot start twice in one process, so the Scrapy crawl runs
in a child process (``python -m crawler.child``); this process owns the run row.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from scrapy.settings import Settings
from sqlalchemy import func, select

from fazhi.config import Config
from storage.db import finish_run, open_engine, session_factory, start_run
from storage.models import Document, FetchError, Run

RUN_STATE = "fazhi-run.json"
# finish reasons of a crawl that went through; anything else could not complete
COMPLETE = ("finished", "closespider_pagecount", "closespider_itemcount", "closespider_timeout")


def crawl(config: Config, db_url: str, *, progress: bool | None = None, overrides: dict | None = None) -> int:
    """Crawl the configured sites; returns the run id (status crawled, or failed with a one-line error)."""
    engine = open_engine(db_url)
    sessions = session_factory(engine)
    jobdir = Path(config.crawl.jobdir) if config.crawl.jobdir else None
    with sessions() as session:
        run = _resumable_run(session, jobdir) or start_run(session, config.county, config.crawl.start_urls)
        if jobdir is not None:
            jobdir.mkdir(parents=True, exist_ok=True)
            (jobdir / RUN_STATE).write_text(json.dumps({"run_id": run.id}))
        outcome = _run_child(config, db_url, run.id, _progress_mode(progress), overrides or {})
        _count(session, run)
        if outcome.get("finish_reason") in COMPLETE:
            finish_run(session, run, "crawled")
            if jobdir is not None:
                shutil.rmtree(jobdir, ignore_errors=True)
        else:
            finish_run(session, run, "failed", _failure_line(outcome, jobdir))
    engine.dispose()
    return run.id


def build_settings(config: Config, db_url: str, run_id: int, progress: str = "off", overrides: dict | None = None) -> Settings:
    crawl = config.crawl
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    contact = f"; contact: {crawl.contact}" if crawl.contact else ""
    settings.update(
        {
            "USER_AGENT": f"fazhi/0.1 (+rule-of-law site check{contact})",
            "ROBOTSTXT_OBEY": crawl.obey_robots,
            "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
            "AUTOTHROTTLE_START_DELAY": max(crawl.delay, 0.1),
            "DOWNLOAD_DELAY": crawl.delay,
            "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency_per_domain,
            "DOWNLOAD_TIMEOUT": crawl.timeout,
            "RETRY_TIMES": crawl.retries,
            "DEPTH_LIMIT": crawl.max_depth,
            "JOBDIR": crawl.jobdir,
            "HTTPCACHE_ENABLED": crawl.http_cache,
            "FAZHI_MAX_PAGES": crawl.max_pages,
            "FAZHI_MAX_ATTACHMENT_BYTES": int(crawl.max_attachment_mb * 1024 * 1024),
            "FAZHI_CONFIG": config,
            "FAZHI_DB_URL": db_url,
            "FAZHI_RUN_ID": run_id,
            "FAZHI_PROGRESS": progress,
        },
        priority="cmdline",
    )
    settings.update(overrides or {}, priority="cmdline")
    return settings


def _resumable_run(session, jobdir: Path | None) -> Run | None:
    """The run an interrupted crawl left in ``jobdir``, to be continued under the same id."""
    if jobdir is None or not (jobdir / RUN_STATE).exists():
        return None
    try:
        run = session.get(Run, json.loads((jobdir / RUN_STATE).read_text())["run_id"])
    except (ValueError, KeyError):
        run = None
    if run is None or run.status not in ("running", "failed"):
        shutil.rmtree(jobdir, ignore_errors=True)  # left over from a finished run: start afresh
        return None
    run.status, run.error = "running", None
    session.commit()
    return run


def _run_child(config: Config, db_url: str, run_id: int, progress: str, overrides: dict[str, Any]) -> dict:
    with tempfile.TemporaryDirectory(prefix="fazhi-crawl-") as folder:
        job, result = Path(folder) / "job.pickle", Path(folder) / "result.json"
        job.write_bytes(pickle.dumps({"config": config, "db_url": db_url, "run_id": run_id, "progress": progress, "overrides": overrides}))
        if config.crawl.jobdir:
            Path(config.crawl.jobdir, "child.pid").unlink(missing_ok=True)
        process = subprocess.Popen([sys.executable, "-m", "crawler.child", str(job), str(result)], env=_child_env())
        if config.crawl.jobdir:
            Path(config.crawl.jobdir, "child.pid").write_text(str(process.pid))
        try:
            code = process.wait()
        except KeyboardInterrupt:
            code = process.wait()  # the child got the same Ctrl-C and shuts down cleanly
        if result.exists():
            return json.loads(result.read_text())
        return {"finish_reason": None, "error": f"crawler process exited with status {code}"}


def _child_env() -> dict[str, str]:
    # the child must import this checkout's packages even when fazhi is not installed
    root = str(Path(__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return os.environ | {"PYTHONPATH": root + (os.pathsep + path if path else "")}


def _count(session, run: Run) -> None:
    counts = dict(
        session.execute(select(Document.kind, func.count()).where(Document.run_id == run.id).group_by(Document.kind)).all()
    )
    run.pages = counts.get("page", 0)
    run.attachments = counts.get("attachment", 0)
    run.fetch_errors = session.scalar(select(func.count()).select_from(FetchError).where(FetchError.run_id == run.id))


def _failure_line(outcome: dict, jobdir: Path | None) -> str:
    if outcome.get("finish_reason") == "shutdown":
        resume = "; the next crawl with the same jobdir resumes it" if jobdir else ""
        return f"crawl interrupted before it finished{resume}"
    error = outcome.get("error") or f"crawl ended early ({outcome.get('finish_reason')})"
    return " ".join(str(error).split())[:500]


def _progress_mode(progress: bool | None) -> str:
    if progress is None:
        return "bar" if sys.stderr.isatty() else "log"
    return "bar" if progress else "off"
