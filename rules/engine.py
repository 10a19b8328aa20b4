"""Judging a crawl: build the checks' view of a run, run every check, apply the
fetch-error rules of CHECKS.md ("a transient outage must never turn a pass into
a fail"), and turn results into stored findings."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from county.config import Config
from county.units import UnitFinder, unit_finder
from parsing.urls import canonical_url
from rules.base import CheckContext, Doc, ErrorView, PartialListView, PastFinding, PastRun, Result, Sighting, registered_checks
from rules.completeness import assess, carried_part, start_failures
from rules.corpus import corpus_of
from rules.county_checks import NegativeHitCheck
from storage.db import (
    earlier_findings,
    parent_pages,
    previous_checked_run,
    previous_complete_run,
    run_fetch_errors,
    run_findings,
    run_partial_lists,
)
from storage.models import Document, Finding, Run

log = logging.getLogger(__name__)
# failed URLs named in a finding's message
MAX_URLS = 5
# list pages walked up from an item to find the one that failed
MAX_LIST_DEPTH = 6


def build_context(session: Session, run: Run, config: Config, as_of: dt.date) -> CheckContext:
    """The checks' view of the run. Deciding whether the run is complete is part of judging
    it, so the decision is recorded on `run` here; the caller's commit stores it."""
    from county.catalogue import load_catalogue
    from rules.workdays import WorkCalendar

    # every document's unit from tonight's configuration: prefixes or aliases may have changed since the crawl
    units = unit_finder(config.units)
    query = select(*DOC_COLUMNS).where(Document.run_id == run.id).order_by(Document.id)
    rows = session.execute(query.execution_options(yield_per=ROWS_PER_BATCH))
    documents = [_doc_view(row, units) for row in rows]
    errors = [ErrorView(row.url, units.attribute_url(row.url), row.reason) for row in run_fetch_errors(session, run.id)]
    partial_lists = [PartialListView(row.url, units.attribute_url(row.url), row.claimed, row.read, row.reason)
                     for row in run_partial_lists(session, run.id)]
    failures = start_failures(run.start_urls or config.crawl.start_urls, documents, errors)
    baseline = previous_complete_run(session, run)
    carried = carried_part(run, documents, errors)
    completeness = assess(run, baseline, previous_checked_run(session, run), failures, config.store, carried)
    run.completeness, run.incomplete_reason = completeness.label, completeness.reason or None
    return CheckContext(
        as_of=as_of,
        config=config,
        documents=documents,
        errors=errors,
        calendar=WorkCalendar(config.calendar.extra_holidays, config.calendar.extra_workdays),
        catalogue=load_catalogue(),
        start_failed=bool(failures),
        start_failure="；".join(failures),
        completeness=completeness,
        baseline=_past_run(session, baseline),
        partial_lists=partial_lists,
        last_seen=_last_seen(session, run, config, documents, errors) if errors else {},
    )


# what the checks read of a document, as plain rows: an ORM object per document costs
# several kilobytes more and is kept alive by the session for the whole judging
DOC_COLUMNS = tuple(getattr(Document, name) for name in (
    "url", "title", "kind", "published_on", "text", "fields", "meta", "tables",
    "http_status", "parent_url", "link_text", "extension", "list_date", "sha256", "verified_at",
))

# rows decoded at a time: the run's rows are never all held at once beside their views
ROWS_PER_BATCH = 2000


def _doc_view(row, units: UnitFinder) -> Doc:
    fields, meta = _shared_keys(row.fields), _shared_keys(row.meta)
    credited = units.attribution(row.url, meta | fields)
    return Doc(
        url=row.url,
        title=row.title or "",
        kind=row.kind,
        published_on=row.published_on,
        text=row.text or "",
        fields=fields,
        meta=meta,
        tables=row.tables or [],
        unit=credited.unit,
        unit_reason=credited.reason,
        http_status=row.http_status,
        parent_url=row.parent_url,
        link_text=row.link_text,
        extension=row.extension,
        list_date=row.list_date,
        sha256=row.sha256,
        verified_at=row.verified_at,
    )


def _shared_keys(values: dict | None) -> dict:
    """A run's documents share a few dozen field names (索引号, 发布机构 …): one string each,
    not one per document."""
    return {sys.intern(key): value for key, value in (values or {}).items()}


def _past_run(session: Session, run: Run | None) -> PastRun | None:
    if run is None:
        return None
    findings = tuple(PastFinding(row.indicator, row.check, row.unit, row.status) for row in run_findings(session, run.id))
    return PastRun(run.id, run.as_of, findings)


def _last_seen(session: Session, run: Run, config: Config, documents: Sequence[Doc], errors: Sequence[ErrorView]) -> dict:
    """County-scope items found in the newest earlier run that found them, at a URL (or under
    a list page) that failed tonight: each evidence entry behind a failure, with its label."""
    county_checks = {(check.indicator, check.slug) for check in registered_checks() if check.scope == "county"}
    failed = {canonical_url(error.url): error.reason for error in errors}
    fetched = {doc.url for doc in documents}
    newest: dict[tuple[str, str], tuple[Run, list[dict]]] = {}
    for earlier, finding in earlier_findings(session, run, config.county_unit.name, ("pass", "warn")):
        key = (finding.indicator, finding.check)
        entries = [item for item in finding.evidence or () if isinstance(item, dict) and item.get("url")]
        if key in county_checks and key not in newest and entries:
            newest[key] = (earlier, entries)
    parents: dict[int, dict[str, str]] = {}
    sightings: dict[tuple[str, str], list[Sighting]] = {}
    for key, (earlier, entries) in newest.items():
        if all(item["url"] in fetched and item["url"] not in failed for item in entries):
            continue
        if earlier.id not in parents:
            parents[earlier.id] = parent_pages(session, earlier.id)
        for item in entries:
            unreachable = _behind_failure(item["url"], parents[earlier.id], failed, fetched)
            if unreachable is not None:
                label, labelled, _rest = str(item.get("note") or "").partition("：")
                label = label if labelled else ""
                sighting = Sighting(earlier.id, earlier.as_of, item["url"], unreachable, failed[unreachable], label)
                sightings.setdefault(key, []).append(sighting)
    return sightings


def _behind_failure(url: str, parents: dict[str, str], failed: dict[str, str], fetched: set[str]) -> str | None:
    """The URL on the way to `url` (itself, its list page, that page's …) that failed tonight."""
    node: str | None = url
    for _ in range(MAX_LIST_DEPTH):
        if node is None:
            return None
        if node in failed:
            return node
        if node in fetched:
            return None  # reachable tonight: the item is gone, not hidden
        node = parents.get(node)
    return None


def judge(ctx: CheckContext, checks: Iterable[type] | None = None) -> list[Result]:
    check_classes = list(checks or registered_checks())
    results: list[Result] = []
    for check_class in check_classes:
        results.extend(_apply_fetch_errors(result, check_class, ctx) for result in _judge_one(check_class, ctx))
    results += _silenced(ctx, check_classes, results)
    _credit_evidence(ctx, results)
    return results


def _credit_evidence(ctx: CheckContext, results: Sequence[Result]) -> None:
    """Each piece of evidence says which unit its document is credited to and why, so a unit
    shown a page as its own (or missing one) can see what decided it."""
    corpus = corpus_of(ctx)
    for result in results:
        for item in result.evidence:
            doc = corpus.by_url.get(item.url)
            if doc is not None:
                owner = corpus.ownership(doc)
                item.unit, item.unit_reason = owner.unit, owner.reason


def _judge_one(check_class, ctx: CheckContext) -> list[Result]:
    """A crashing check becomes an `unknown` finding and the other checks go on; a
    per-unit check is judged one unit at a time, so a crash on one unit's documents
    leaves every other unit's finding as it is."""
    check = check_class()
    if check.scope == "county":
        return _judged(check, ctx, ctx.county_unit.name, {ctx.county_unit.name})
    if check.scope == "per_item":
        return _judged(check, ctx, ctx.county_unit.name, {unit.name for unit in ctx.config.units})
    return [result for unit in ctx.units_with(*check.roles) for result in _judged(check, ctx.for_unit(unit.name), unit.name, {unit.name})]


def _judged(check, ctx: CheckContext, unit: str, units_in_scope: set[str]) -> list[Result]:
    try:
        results = list(check.judge(ctx))
    except Exception as error:  # noqa: BLE001 — one broken check must not sink the night's report
        log.error("check %s/%s crashed on %s:\n%s", check.indicator, check.slug, unit, traceback.format_exc())
        return [check.result(ctx, unit, "unknown", f"检查程序出错，无法判断：{type(error).__name__}: {error}")]
    return [_as_declared(check, result, units_in_scope) for result in results]


def _as_declared(check, result: Result, units_in_scope: set[str]) -> Result:
    """A finding outside the check's declared scope or statuses is a bug in the check,
    never a verdict: it is shown as `unknown` (which every check may say)."""
    if result.unit not in units_in_scope:
        why = f"给出了范围（{check.scope}）之外的单位“{result.unit}”的结论"
    elif result.status not in (*check.statuses, "unknown"):
        why = f"给出了未声明的结论“{result.status}”（声明的是 {'、'.join(check.statuses)}）"
    else:
        return result
    log.error("检查 %s/%s %s，已改为无法判断", check.indicator, check.slug, why)
    result.absence = False
    return _unknown(result, f"检查程序出错，无法判断：该检查{why}")


def _apply_fetch_errors(result: Result, check_class, ctx: CheckContext) -> Result:
    """CHECKS.md Statuses: what could not be read is never a gap."""
    if ctx.start_failed:
        # "未找到…请公开…" would read as a gap; without the start page nothing was seen
        return _unknown(result, _start_failure(ctx))
    sighting = _sighting_of_missing(result, ctx)
    if check_class.scope == "county" and result.status == "fail" and sighting is not None:
        return _unknown(result, _but(result.message, f"第 {sighting.run_id} 次检查（数据截至 {_day(sighting.as_of)}）曾在 {sighting.url} 找到，"
                                     f"本次 {sighting.unreachable} 抓取失败（{sighting.reason}），无法确认是否已撤下。请确认该页面能正常打开"))
    errors = ctx.unit_errors(result.unit)
    if errors and _hidden_by_errors(result, check_class):
        return _unknown(result, _but(result.message, f"该单位有页面抓取失败（{_urls(errors)}），无法确认是否缺失。"
                                     "请确认这些页面能正常打开，下次检查会重新判断"))
    partial = ctx.unit_partial_lists(result.unit)
    if partial and _hidden_by_errors(result, check_class):
        return _unknown(result, _but(result.message, f"该单位的列表只读到一部分（{_partial(partial)}），缺少的可能在未读到的记录中，无法确认是否缺失。"
                                     "请让网站在页面上提供完整的翻页链接，或确认列表接口能正常访问"))
    if ctx.completeness.complete:
        return result
    if result.status == "fail":
        return _unknown(result, _but(result.message, f"本次抓取不完整（{ctx.completeness.reason}），无法确认是否缺失"))
    if result.status == "pass" and issubclass(check_class, NegativeHitCheck):
        return _unknown(result, _but(result.message, f"本次抓取不完整（{ctx.completeness.reason}），未读到的页面中可能有，无法判断"))
    return result


def _hidden_by_errors(result: Result, check_class) -> bool:
    """CHECKS.md: a unit whose pages had fetch errors has every per-unit fail unknown (a report
    found late may have an on-time copy behind the page that failed), and any finding unknown
    that says something is missing."""
    if check_class.scope == "per_unit" and result.status == "fail":
        return True
    return result.absence and result.status in ("fail", "warn")


def _sighting_of_missing(result: Result, ctx: CheckContext) -> Sighting | None:
    """Where a requirement the result misses was last seen, behind a URL that failed tonight
    (a requirement found tonight elsewhere says nothing about the one missing)."""
    for sighting in ctx.last_seen.get((result.indicator, result.check), ()):
        if not sighting.label or f"未找到{sighting.label}" in result.message:
            return sighting
    return None


def _but(message: str, why_unknown: str) -> str:
    return f"{message.rstrip('。；')}；但{why_unknown}"


def _silenced(ctx: CheckContext, check_classes: Sequence[type], results: Sequence[Result]) -> Iterator[Result]:
    """A unit whose per-item findings (23, 34, 52, 84) the last complete run had keeps one
    `unknown` finding per such check when its pages could not be read tonight."""
    if ctx.baseline is None:
        return
    judged = {(result.indicator, result.check, result.unit) for result in results}
    per_item = {(check.indicator, check.slug): check for check in check_classes if check.scope == "per_item"}
    for past in ctx.baseline.findings:
        check_class = per_item.get((past.indicator, past.check))
        if check_class is None or (past.indicator, past.check, past.unit) in judged:
            continue
        cause = _unread(ctx, past.unit)
        if cause is not None:
            judged.add((past.indicator, past.check, past.unit))
            message = (f"上次完整检查（第 {ctx.baseline.id} 次，数据截至 {_day(ctx.baseline.as_of)}）该单位有此类事项；"
                       f"本次{cause}，未能读到，无法判断")
            yield check_class().result(ctx, past.unit, "unknown", message)


def _unread(ctx: CheckContext, unit: str) -> str | None:
    """Why tonight's run may have missed the unit's items, or None when it read them."""
    if ctx.start_failed:
        return "首页未能正常打开"
    if ctx.unit_errors(unit):
        return f"该单位有页面抓取失败（{_urls(ctx.unit_errors(unit))}）"
    if ctx.unit_partial_lists(unit):
        return f"该单位的列表只读到一部分（{_partial(ctx.unit_partial_lists(unit))}）"
    if not ctx.completeness.complete:
        return f"抓取不完整（{ctx.completeness.reason}）"
    return None


def _unknown(result: Result, message: str) -> Result:
    result.status = "unknown"
    result.message = message
    return result


def _urls(errors: Sequence[ErrorView]) -> str:
    urls = "、".join(error.url for error in errors[:MAX_URLS])
    return urls + (f" 等 {len(errors)} 个网址" if len(errors) > MAX_URLS else "")


def _partial(partial: Sequence[PartialListView]) -> str:
    described = "；".join(item.describe() for item in partial[:MAX_URLS])
    return described + (f" 等 {len(partial)} 个列表" if len(partial) > MAX_URLS else "")


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else "日期不明"


def _start_failure(ctx: CheckContext) -> str:
    failed = ctx.start_failure or "；".join(start_failures(ctx.config.crawl.start_urls, ctx.documents, ctx.errors))
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
            title=result.title or None,
            remedy=result.remedy or None,
        )
        for result in results
    ]
