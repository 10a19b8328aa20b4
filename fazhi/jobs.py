"""The steps of the nightly job — crawl, check, report — each usable alone.

Every step holds its county's store lock while it works (storage/locks.py), and
`nightly` holds it from before the crawl until the report is published, so that a
second job of the same county stops at once instead of interleaving with this one,
while other counties sharing the store go on. Every step sees only its county's
runs (Run.county is the configuration's county name).
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from county.config import Config
from storage.db import finish_run, latest_run, open_engine, session_factory
from storage.locks import folder_lock, store_lock
from storage.models import Run
from storage.retention import Pruned

CHINA = dt.timezone(dt.timedelta(hours=8))


class JobError(Exception):
    """A step that could not complete; the message is one line for the operator."""


def today_in_china() -> dt.date:
    return dt.datetime.now(CHINA).date()


def crawl_step(config: Config, db_url: str, overrides: dict | None = None) -> int:
    from crawler.runner import crawl

    with store_lock(db_url, config.county), _jobdir_lock(config):
        run_id = crawl(config, db_url, overrides=overrides)
        with session_factory(open_engine(db_url))() as session:
            run = session.get(Run, run_id)
            if run is None or run.status != "crawled":
                raise JobError(f"抓取未完成（运行 {run_id}）：{run.error if run else '没有记录'}")
    return run_id


def _jobdir_lock(config: Config) -> AbstractContextManager:
    # two crawls resuming from one jobdir would each take half of its queue
    if not config.crawl.jobdir:
        return nullcontext()
    return folder_lock(Path(config.crawl.jobdir), "抓取目录 jobdir", JobError)


def check_step(config: Config, db_url: str, as_of: dt.date, run_id: int | None = None) -> int:
    from rules.engine import build_context, judge, to_findings
    from rules.fix_checks import attach_fix_checks
    from storage.db import replace_findings
    from storage.review import open_fix_answers

    with store_lock(db_url, config.county), session_factory(open_engine(db_url))() as session:
        run = _county_run(session, config, run_id) if run_id else latest_run(session, config.county)
        if run is None:
            raise JobError("数据库中没有已完成的抓取，请先运行 fazhi crawl")
        try:
            ctx = build_context(session, run, config, as_of)
            findings = to_findings(judge(ctx))
            # the units' 已整改 answers are judged with the night's documents, which reports never read
            attach_fix_checks(findings, open_fix_answers(session, run.county), ctx, run.started_at)
            replace_findings(session, run, findings)
        except Exception as error:
            session.rollback()
            finish_run(session, run, "failed", f"检查失败: {error}")
            raise JobError(f"检查失败（运行 {run.id}）：{error}") from error
        run.as_of = as_of
        finish_run(session, run, "checked")
        return run.id


def prune_step(config: Config, db_url: str) -> Pruned:
    """Apply [store] keep_runs: old runs keep their findings, only the newest keep their documents."""
    from storage.retention import prune

    with store_lock(db_url, config.county), session_factory(open_engine(db_url))() as session:
        return prune(session, config.store.keep_runs, config.county)


def report_step(config: Config, db_url: str, out_dir: Path, run_id: int | None = None) -> Path:
    from reports.publish import PublishError, publish_reports

    with store_lock(db_url, config.county):
        prepare_out_dir(out_dir)
        with _out_lock(out_dir), session_factory(open_engine(db_url))() as session:
            run = _county_run(session, config, run_id) if run_id else latest_run(session, config.county, ("checked",))
            if run is None:
                raise JobError("数据库中没有已检查的运行，请先运行 fazhi check")
            try:
                return publish_reports(session, run.id, config, out_dir)
            except PublishError as error:
                raise JobError(str(error)) from error
            except OSError as error:
                raise JobError(f"报告无法写入 {out_dir}：{error.strerror or error}") from error


def _out_lock(out_dir: Path) -> AbstractContextManager:
    # two stores publishing into one --out would each clear away the other's half-written night
    return folder_lock(out_dir, "报告目录", JobError)


def _county_run(session, config: Config, run_id: int) -> Run | None:
    run = session.get(Run, run_id)
    if run is not None and run.county != config.county:
        raise JobError(f"运行 {run_id} 属于{run.county}，不是{config.county}")
    return run


def incomplete_reason(db_url: str, county: str, run_id: int | None = None) -> str | None:
    """Why the run (default: the county's newest judged one) was incomplete, or None when it was complete."""
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id) if run_id else latest_run(session, county, ("checked",))
        if run is None or run.completeness != "incomplete":
            return None
        return run.incomplete_reason or "抓取不完整"


def prepare_out_dir(out_dir: Path) -> None:
    """Check that a report can be published at out_dir, before anything is crawled."""
    from reports.publish import PublishError, check_publishable

    try:
        check_publishable(out_dir)
    except PublishError as error:
        raise JobError(str(error)) from error


def nightly(config: Config, db_url: str, as_of: dt.date, out_dir: Path, overrides: dict | None = None) -> Path:
    with store_lock(db_url, config.county), _jobdir_lock(config):
        # a night-long crawl must not end in "cannot write the report"
        prepare_out_dir(out_dir)
        with _out_lock(out_dir):
            open_engine(db_url).dispose()
            run_id = crawl_step(config, db_url, overrides)
            check_step(config, db_url, as_of, run_id)
            prune_step(config, db_url)
            return report_step(config, db_url, out_dir, run_id)
