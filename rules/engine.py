"""Judging a crawl: build the checks' view of a run, run every check, apply the
fetch-error rules of CHECKS.md ("a transient outage must never turn a pass into
a fail"), and turn results into stored findings."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from fazhi.config import Config
from fazhi.units import attribute, attribute_url
from rules.base import CheckContext, Doc, ErrorView, Result, registered_checks
from storage.db import run_documents, run_fetch_errors
from storage.models import Finding, Run

log = logging.getLogger(__name__)


def build_context(session: Session, run: Run, config: Config, as_of: dt.date) -> CheckContext:
    from rules.catalogue import load_catalogue
    from rules.workdays import WorkCalendar

    documents = [_doc_view(row, config) for row in run_documents(session, run.id)]
    errors = [ErrorView(row.url, attribute_url(row.url, config), row.reason) for row in run_fetch_errors(session, run.id)]
    return CheckContext(
        as_of=as_of,
        config=config,
        documents=documents,
        errors=errors,
        calendar=WorkCalendar(config.calendar.extra_holidays, config.calendar.extra_workdays),
        catalogue=load_catalogue(),
        start_failed=_start_failed(run, errors),
    )


def _doc_view(row, config: Config) -> Doc:
    fields = dict(row.fields or {})
    for key, value in (row.meta or {}).items():
        fields.setdefault(key, value)
    return Doc(
        url=row.url,
        title=row.title or "",
        kind=row.kind,
        published_on=row.published_on,
        text=row.text or "",
        fields=dict(row.fields or {}),
        meta=dict(row.meta or {}),
        tables=list(row.tables or []),
        unit=attribute(row.url, fields, config),
        http_status=row.http_status,
        parent_url=row.parent_url,
        link_text=row.link_text,
        extension=row.extension,
        list_date=row.list_date,
        sha256=row.sha256,
    )


def _start_failed(run: Run, errors: Sequence[ErrorView]) -> bool:
    failed = {error.url.rstrip("/") for error in errors}
    return any(url.rstrip("/") in failed for url in run.start_urls or [])


def judge(ctx: CheckContext, checks: Iterable[type] | None = None) -> list[Result]:
    results: list[Result] = []
    for check_class in checks or registered_checks():
        results.extend(_judge_one(check_class, ctx))
    return [_apply_fetch_errors(result, ctx) for result in results]


def _judge_one(check_class, ctx: CheckContext) -> list[Result]:
    """A crashing check becomes one `unknown` finding; the other checks go on."""
    check = check_class()
    try:
        return list(check.judge(ctx))
    except Exception as error:  # noqa: BLE001 — one broken check must not sink the night's report
        log.error("check %s/%s crashed:\n%s", check.indicator, check.slug, traceback.format_exc())
        return [check.result(ctx, ctx.county_unit.name, "unknown", f"检查程序出错，无法判断：{type(error).__name__}: {error}")]


def _apply_fetch_errors(result: Result, ctx: CheckContext) -> Result:
    if ctx.start_failed:
        # "未找到…请公开…" would read as a gap; without the start page nothing was seen
        result.status = "unknown"
        result.message = _start_failure(ctx)
        return result
    if not result.absence or result.status not in ("fail", "warn"):
        return result
    errors = ctx.unit_errors(result.unit)
    if errors:
        urls = "、".join(error.url for error in errors[:5])
        more = f" 等 {len(errors)} 个网址" if len(errors) > 5 else ""
        result.status = "unknown"
        result.message = (
            f"{result.message}；但该单位有页面抓取失败（{urls}{more}），无法确认是否缺失。"
            "请确认这些页面能正常打开，下次检查会重新判断"
        )
    return result


def _start_failure(ctx: CheckContext) -> str:
    starts = {url.rstrip("/") for url in ctx.config.crawl.start_urls}
    failed = "；".join(f"{error.url}：{error.reason}" for error in ctx.errors if error.url.rstrip("/") in starts)
    return f"首页无法访问（{failed}），本次所有指标均无法判断。请确认网站能正常打开后重新运行"


def to_findings(results: Iterable[Result]) -> list[Finding]:
    return [
        Finding(
            indicator=result.indicator,
            check=result.check,
            unit=result.unit,
            status=result.status,
            message=result.message,
            responsible=list(result.responsible),
            evidence=[item.to_dict() | ({"sha256": item.sha256} if item.sha256 else {}) for item in result.evidence],
        )
        for result in results
    ]
