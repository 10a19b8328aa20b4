"""The steps of the nightly job — crawl, check, report — each usable alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fazhi.config import Config
from storage.db import finish_run, latest_run, open_engine, session_factory
from storage.models import Run

CHINA = dt.timezone(dt.timedelta(hours=8))


class JobError(Exception):
    """A step that could not complete; the message is one line for the operator."""


def today_in_china() -> dt.date:
    return dt.datetime.now(CHINA).date()


def crawl_step(config: Config, db_url: str, overrides: dict | None = None) -> int:
    from crawler.runner import crawl

    run_id = crawl(config, db_url, overrides=overrides)
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id)
        if run is None or run.status != "crawled":
            raise JobError(f"抓取未完成（运行 {run_id}）：{run.error if run else '没有记录'}")
    return run_id


def check_step(config: Config, db_url: str, as_of: dt.date, run_id: int | None = None) -> int:
    from rules.engine import build_context, judge, to_findings
    from storage.db import replace_findings

    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id) if run_id else latest_run(session)
        if run is None:
            raise JobError("数据库中没有已完成的抓取，请先运行 fazhi crawl")
        try:
            results = judge(build_context(session, run, config, as_of))
            replace_findings(session, run, to_findings(results))
        except Exception as error:
            session.rollback()
            finish_run(session, run, "failed", f"检查失败: {error}")
            raise JobError(f"检查失败（运行 {run.id}）：{error}") from error
        run.as_of = as_of
        finish_run(session, run, "checked")
        return run.id


def report_step(config: Config, db_url: str, out_dir: Path, run_id: int | None = None) -> Path:
    from reports.render import write_reports

    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id) if run_id else latest_run(session, statuses=("checked",))
        if run is None:
            raise JobError("数据库中没有已检查的运行，请先运行 fazhi check")
        prepare_out_dir(out_dir)
        try:
            return write_reports(session, run.id, config, out_dir)
        except OSError as error:
            raise JobError(f"报告无法写入 {out_dir}：{error.strerror or error}") from error


def incomplete_reason(db_url: str, run_id: int | None = None) -> str | None:
    """Why the run (default: the newest judged one) was incomplete, or None when it was complete."""
    with session_factory(open_engine(db_url))() as session:
        run = session.get(Run, run_id) if run_id else latest_run(session, statuses=("checked",))
        if run is None or run.completeness != "incomplete":
            return None
        return run.incomplete_reason or "抓取不完整"


def prepare_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise JobError(f"输出目录 {out_dir} 已存在且不是目录，请换一个 --out") from None
    except OSError as error:
        raise JobError(f"无法创建输出目录 {out_dir}：{error.strerror or error}") from error


def nightly(config: Config, db_url: str, as_of: dt.date, out_dir: Path, overrides: dict | None = None) -> Path:
    # a night-long crawl must not end in "cannot write the report"
    prepare_out_dir(out_dir)
    open_engine(db_url).dispose()
    run_id = crawl_step(config, db_url, overrides)
    check_step(config, db_url, as_of, run_id)
    return report_step(config, db_url, out_dir, run_id)
