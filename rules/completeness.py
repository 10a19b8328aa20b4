"""Whether a run read enough of the sites to judge absences (CHECKS.md, "complete run").

A night on which the portal was down, half-answered or empty must not read as
"the county published nothing": such a run is incomplete, its would-be fails are
`unknown`, it is not compared with other nights, and `fazhi run` exits with 3.

A night requests only part of the portal and carries the rest forward (crawler.schedule).
Carried documents count as read, except those found through a page that failed tonight
(as a full crawl would not have reached them): a list that could not be opened may have
gained or lost items. Fetch errors are weighed against the requests sent tonight, not
against the carried rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from county.config import StoreSettings
from parsing.urls import canonical_url
from storage.models import Run
from storage.statuses import COMPLETE, INCOMPLETE

# how the reason of a run that was only too small begins: only such a night can show the site shrank
TOO_SMALL = "只读到上次完整运行"


@dataclass(frozen=True)
class Completeness:
    complete: bool = True
    # why the run is incomplete, one line in Chinese
    reason: str = ""

    @property
    def label(self) -> str:
        return COMPLETE if self.complete else INCOMPLETE


def start_failures(start_urls: Iterable[str], documents: Sequence, errors: Sequence) -> list[str]:
    """"URL：reason" for each start URL that did not answer with content (an error, a soft
    error, a 404), comparing URLs in canonical form (http://LOCALHOST/?b=2&a=1 is
    http://localhost/?a=1&b=2)."""
    error_at = {canonical_url(error.url): error.reason for error in errors}
    document_at = {canonical_url(doc.url): doc for doc in documents}
    # a start URL that redirected is stored under its target, a page nothing linked to
    redirected = [doc for doc in documents if doc.parent_url is None and canonical_url(doc.url) not in error_at]
    failures = []
    for url in start_urls:
        start = canonical_url(url)
        doc = document_at.get(start)
        if start in error_at:
            failures.append(f"{url}：{error_at[start]}")
        elif doc is not None and doc.http_status != 200:
            failures.append(f"{url}：HTTP {doc.http_status}")
        elif doc is None and not any(target.http_status == 200 for target in redirected):
            failures.append(f"{url}：没有应答")
    return failures


@dataclass(frozen=True)
class Carried:
    """The part of a run carried forward from earlier nights without a request."""

    documents: int = 0
    # documents found through a page (their list, its list …) that failed tonight: a full crawl
    # would not have reached them, and their list may have gained or lost items
    behind_failures: int = 0


def carried_part(run: Run, documents: Sequence, errors: Sequence) -> Carried:
    """Documents verified before the run began were carried forward, not fetched by it."""
    started = run.started_at
    carried = sum(1 for doc in documents if started and doc.verified_at and doc.verified_at < started)
    if not carried:
        return Carried()
    failed = {canonical_url(error.url) for error in errors}
    parents = {doc.url: doc.parent_url for doc in documents}
    verdicts: dict[str, bool] = {}
    behind = sum(_behind_failure(parents.get(url), parents, failed, verdicts) for url in parents)
    return Carried(carried, behind)


def _behind_failure(node: str | None, parents: dict, failed: set[str], verdicts: dict[str, bool]) -> bool:
    """Whether the way to a document, up through the pages that first linked to it, meets a page that failed tonight."""
    path: list[str] = []
    found = False
    while node is not None and node not in path:
        if node in verdicts:
            found = verdicts[node]
            break
        if node in failed:
            found = True
            break
        if node not in parents:  # a start page's parent, or a page the run does not hold
            break
        path.append(node)
        node = parents[node]
    for step in path:
        verdicts[step] = found
    return found


def documents_read(run: Run) -> int:
    return (run.pages or 0) + (run.attachments or 0)


def assess(
    run: Run, baseline: Run | None, previous: Run | None, start_failed: Sequence[str], settings: StoreSettings,
    carried: Carried = Carried(),
) -> Completeness:
    """`baseline` is the last complete run, `previous` the run judged just before this one."""
    if start_failed:
        return Completeness(False, f"首页未能正常打开（{'；'.join(start_failed)}）")
    if baseline is None:
        # nothing to compare with: the first run is complete when its start pages answered
        return Completeness()
    documents = documents_read(run) - carried.behind_failures
    errors = run.fetch_errors or 0
    requests = documents_read(run) - carried.documents + errors
    if requests and errors > settings.complete_max_errors * requests:
        return Completeness(
            False,
            f"{errors:,} 个网址抓取失败，占本次 {requests:,} 次请求的 {errors / requests:.0%}"
            f"（超过 {settings.complete_max_errors:.0%}）",
        )
    expected = documents_read(baseline)
    if documents >= settings.complete_min_documents * expected or _shrank(documents, expected, baseline, previous, settings):
        return Completeness()
    hidden = f"（另有 {carried.behind_failures:,} 份沿用以前核实结果的文件，所在栏目本次未能打开）" if carried.behind_failures else ""
    return Completeness(False, f"{TOO_SMALL}（第 {baseline.id} 次）{expected:,} 份文件中的 {documents:,} 份{hidden}")


def _shrank(documents: int, expected: int, baseline: Run, previous: Run | None, settings: StoreSettings) -> bool:
    """The night before was just as small, with its start pages and few errors: the site
    really shrank, and this run is the new baseline."""
    if previous is None or previous.id == baseline.id or not (previous.incomplete_reason or "").startswith(TOO_SMALL):
        return False
    before = documents_read(previous)
    share = settings.complete_min_documents
    return before < share * expected and documents >= share * before
