"""A unit's 已整改 answer, judged on the next night: was the address it gave fetched, and does
the finding now pass with it?

Decided here, at check time, with the night's documents and fetch errors at hand, and
stored with the finding (Finding.fix_check): reports read findings, never pages, so they
show the judgement as it was made and cannot make another one from a pruned store.
An answer counts only when the finding passes; it is *confirmed* by its address when that
address (or the page an attachment among the evidence was linked from) is evidence of the pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from parsing.urls import canonical_url
from rules.base import CheckContext
from storage.models import Finding
from storage.review import Verdict

# where a night leaves a unit's 已整改 answer; the text is shown as it is, after "整改链接"
COUNTED = "counted"
PASSED_ELSEWHERE = "passed_elsewhere"
NOT_COUNTED = "not_counted"
FETCH_FAILED = "fetch_failed"
NOT_CRAWLED = "not_crawled"
COUNTS = (COUNTED, PASSED_ELSEWHERE)


def attach_fix_checks(findings: Iterable[Finding], answers: Mapping[tuple[str, str, str], Verdict], ctx: CheckContext,
                      crawl_started: dt.datetime | None) -> None:
    """Give each finding with an open 已整改 answer the night's judgement of its address."""
    if not answers:
        return
    fetched = {canonical_url(doc.url): doc for doc in ctx.documents}
    failed = {canonical_url(error.url): error.reason for error in ctx.errors}
    for finding in findings:
        answer = answers.get((finding.indicator, finding.check, finding.unit))
        if answer is not None:
            finding.fix_check = fix_check(finding, answer, fetched, failed, crawl_started)


def fix_check(finding: Finding, answer: Verdict, fetched: Mapping, failed: Mapping[str, str],
              crawl_started: dt.datetime | None) -> dict:
    url = canonical_url(answer.fix_url)
    state, note = _judged(finding, url, fetched, failed, _answered_late(answer, crawl_started))
    return {"verdict_id": answer.id, "url": answer.fix_url, "state": state, "counts": state in COUNTS, "note": note}


def _judged(finding: Finding, url: str, fetched: Mapping, failed: Mapping[str, str], late: bool) -> tuple[str, str]:
    if finding.status == "pass":
        if url in _evidence_pages(finding, fetched):
            return COUNTED, "整改链接已抓取并计入：本项已通过"
        return PASSED_ELSEWHERE, "本项已通过，依据的是其他网页；整改链接未计入证据"
    if url in failed:
        return FETCH_FAILED, f"整改链接未能抓取：{failed[url]}。请确认该网页能正常打开，下次检查会重新判断"
    if url in fetched:
        return NOT_COUNTED, f"整改链接已抓取，但仍不符合：{finding.message}"
    if late:
        return NOT_CRAWLED, "整改链接不在本次抓取中：答复晚于本次抓取开始，下一次检查时判断"
    return NOT_CRAWLED, "整改链接不在本次抓取中：请确认该网页仍在、且能从本单位栏目的链接到达"


def _evidence_pages(finding: Finding, fetched: Mapping) -> set[str]:
    """The finding's evidence URLs and the pages its attachments were linked from."""
    pages = set()
    for item in finding.evidence or ():
        if not item.get("url"):
            continue
        url = canonical_url(str(item["url"]))
        pages.add(url)
        doc = fetched.get(url)
        if doc is not None and doc.parent_url:
            pages.add(canonical_url(doc.parent_url))
    return pages


def _answered_late(answer: Verdict, crawl_started: dt.datetime | None) -> bool:
    return bool(answer.created_at and crawl_started and answer.created_at > crawl_started)
