"""Entry point: crawl a county's sites into the store, one run per call.

Twisted's reactor cannot start twice in one process, so the Scrapy crawl runs
in a child process (``python -m crawler.child``); this process owns the run row.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from scrapy.settings import Settings
from sqlalchemy import func, select

from county.config import Config
from crawler.schedule import night_of
from crawler.signals import Interrupted, signal_of
from storage.db import finish_run, open_engine, session_factory, start_run
from storage.models import Document, FetchError, Run

RUN_STATE = "fazhi-run.json"
# finish reasons of a crawl that went through; anything else could not complete
COMPLETE = ("finished", "closespider_pagecount", "closespider_itemcount", "closespider_timeout")
# seconds a stopped crawl gets to finish its downloads and save its queue (the systemd unit allows more)
STOP_GRACE = 60.0


def crawl(config: Config, db_url: str, *, progress: bool | None = None, overrides: dict | None = None,
          night: dt.date | None = None) -> int:
    """Crawl the configured sites; returns the run id (status crawled, or failed with a one-line error).

    SIGTERM or Ctrl-C stops the crawl gracefully, marks the run failed and raises
    the interrupt again; a resume after a hard kill re-reads what the store holds.
    ``night`` picks the documents due for re-verification (crawler.schedule); by
    default the Beijing date the run started, which a resumed run keeps.
    """
    engine = open_engine(db_url)
    sessions = session_factory(engine)
    jobdir = Path(config.crawl.jobdir) if config.crawl.jobdir else None
    with sessions() as session:
        run = _resumable_run(session, jobdir, config.county) or start_run(session, config.county, config.crawl.start_urls)
        try:
            _save_run_state(jobdir, run.id, scheduler_saved=False)
            tonight = {"FAZHI_NIGHT": (night or night_of(run.started_at)).isoformat()}
            outcome = _run_child(config, db_url, run.id, _progress_mode(progress), tonight | (overrides or {}))
        except KeyboardInterrupt as interrupt:
            _finish(session, run, {"finish_reason": None, "signal": signal_of(interrupt)}, jobdir)
            raise
        _finish(session, run, outcome, jobdir)
    engine.dispose()
    if outcome.get("signal"):
        raise Interrupted(outcome["signal"])
    return run.id


def _finish(session, run: Run, outcome: dict, jobdir: Path | None) -> None:
    _count(session, run)
    # an error with a complete finish: documents that could not be stored
    if outcome.get("finish_reason") in COMPLETE and not outcome.get("error"):
        finish_run(session, run, "crawled")
        if jobdir is not None:
            shutil.rmtree(jobdir, ignore_errors=True)
        return
    if outcome.get("finish_reason") == "shutdown":
        # Scrapy wrote its queue and the spider's state only because it shut down cleanly
        _save_run_state(jobdir, run.id, scheduler_saved=True)
    finish_run(session, run, "failed", _failure_line(outcome, jobdir))


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


def _resumable_run(session, jobdir: Path | None, county: str) -> Run | None:
    """The run an interrupted crawl of this county left in ``jobdir``, to be continued under the same id."""
    state = _run_state(jobdir)
    run = session.get(Run, state["run_id"]) if state else None
    # a jobdir moved to another county's configuration holds that county's queue, not this one's
    if run is None or run.status not in ("running", "failed") or run.county != county:
        if jobdir is not None:
            shutil.rmtree(jobdir, ignore_errors=True)  # left over from a finished run: start afresh
        return None
    if not state.get("scheduler_saved"):
        _discard_scrapy_state(jobdir)
    run.status, run.error = "running", None
    session.commit()
    return run


def _run_state(jobdir: Path | None) -> dict | None:
    if jobdir is None:
        return None
    try:
        state = json.loads((jobdir / RUN_STATE).read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and isinstance(state.get("run_id"), int) else None


def _save_run_state(jobdir: Path | None, run_id: int, *, scheduler_saved: bool) -> None:
    if jobdir is None:
        return
    jobdir.mkdir(parents=True, exist_ok=True)
    (jobdir / RUN_STATE).write_text(json.dumps({"run_id": run_id, "scheduler_saved": scheduler_saved}))


def _discard_scrapy_state(jobdir: Path) -> None:
    """After a hard kill Scrapy's queue chunks and spider state are stale or missing:
    resuming from them silently skips pages. Without them the spider rebuilds what is
    left to crawl from the documents the store already holds (PortalSpider.start)."""
    for entry in jobdir.iterdir():
        if entry.name == RUN_STATE:
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _run_child(config: Config, db_url: str, run_id: int, progress: str, overrides: dict[str, Any]) -> dict:
    """Runs the crawl child to its end; the job goes in on stdin and the result comes back
    through a pipe, so a killed parent leaves no temporary files behind."""
    job = pickle.dumps({"config": config, "db_url": db_url, "run_id": run_id, "progress": progress,
                        "overrides": overrides, "parent_pid": os.getpid()})
    pid_file = Path(config.crawl.jobdir, "child.pid") if config.crawl.jobdir else None
    if pid_file is not None:
        pid_file.unlink(missing_ok=True)
    result_read, result_write = os.pipe()
    try:
        # its own session: a terminal's Ctrl-C reaches only this process, which stops the child once
        process = subprocess.Popen([sys.executable, "-m", "crawler.child", str(result_write)], stdin=subprocess.PIPE,
                                   pass_fds=(result_write,), env=_child_env(), start_new_session=True)
    finally:
        os.close(result_write)
    with os.fdopen(result_read, "rb") as result:
        code, stop_signal = _supervise(process, job, pid_file)
        answer = result.read()
    outcome = json.loads(answer) if answer else {"finish_reason": None, "error": None, "exit_status": code}
    return outcome | ({"signal": stop_signal} if stop_signal else {})


def _supervise(process: subprocess.Popen, job: bytes, pid_file: Path | None) -> tuple[int, int | None]:
    """The child's exit status, and the stop signal this process received while it ran, if any."""
    try:
        if pid_file is not None:
            pid_file.write_text(str(process.pid))
        try:
            process.stdin.write(job)
            process.stdin.close()
        except BrokenPipeError:
            pass  # the child died before reading its job; its exit status says why
        return process.wait(), None
    except KeyboardInterrupt as interrupt:
        stop_signal = signal_of(interrupt)
    process.send_signal(stop_signal)  # Scrapy's graceful stop: finishes downloads, saves the queue
    try:
        process.wait(STOP_GRACE)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):  # too slow, or a second signal: stop now
        process.kill()
        process.wait()
    return process.returncode, stop_signal


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
    resume = "；下次用同一 jobdir 抓取时接着抓，不丢不重" if jobdir else ""
    if outcome.get("signal"):
        return f"抓取被 {signal.Signals(outcome['signal']).name} 中断{resume}"
    if outcome.get("finish_reason") == "shutdown":
        return f"抓取在完成前被中断{resume}"
    code = outcome.get("exit_status")
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        cause = "（系统内存不足时会这样结束它）" if -code == signal.SIGKILL else ""
        return f"抓取进程被 {name} 结束{cause}{resume}"
    if code is not None:
        return f"抓取进程异常退出（状态 {code}）{resume}"
    error = outcome.get("error") or f"crawl ended early ({outcome.get('finish_reason')})"
    return " ".join(str(error).split())[:500]


def _progress_mode(progress: bool | None) -> str:
    if progress is None:
        return "bar" if sys.stderr.isatty() else "log"
    return "bar" if progress else "off"
