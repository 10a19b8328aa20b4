"""Which known documents a night requests, and which it carries forward unrequested.

Re-requesting every known URL every night costs a 20,000-page portal 22,000
requests to learn that 1 % changed. A night instead requests:

- the start pages, and the list and column pages: pages within one link of a start
  page, and pages through which documents were found (the first page to link to a
  page, or to several attachments) — so a new item under any list is found that night;
- every document tonight's findings may rest on and every fix a unit announced
  (crawler.seeds), and pages read by an older extractor (to re-read them);
- pages whose content changed, or that appeared, within the last RECENT_RUNS runs;
- its share of the rest: each document once in ``reverify_days`` nights, on the
  night its URL hash names, or any night it is overdue (a night was skipped).

Everything else is carried forward: its row is copied into tonight's run as it was,
with the date it was last verified, so the checks judge the whole site as the site
last said it. The numbered pages of a list (index_3.html, ?page=3) are carried too,
but they are not taken as known: the list's first page announces them, and the
frontier (crawler.frontier) fetches as many as show items not seen before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from crawler.cms import is_pager_text, pager_family
from crawler.store import Previous
from parsing.urls import canonical_url

# a page that changed or appeared within this many runs is re-verified every night
RECENT_RUNS = 3
# a page that first linked to this many attachments lists them (a download column); an article
# with its one or two attachments is no list
ATTACHMENT_LIST = 3
# the crawl runs in the county's time: a night's date and a verification's date are Beijing dates
BEIJING = dt.timezone(dt.timedelta(hours=8))

# why a URL is requested tonight, in the order the requests are sent
FIX, START, LIST, EVIDENCE, REREAD, RECENT, DUE = "fix", "start", "list", "evidence", "reread", "recent", "due"
REASONS = (FIX, START, LIST, EVIDENCE, REREAD, RECENT, DUE)


@dataclass
class Plan:
    requests: dict[str, str] = field(default_factory=dict)  # URL → its reason, in sending order
    carried: set[str] = field(default_factory=set)  # copied forward and taken as known: no link to them is followed
    pager_pages: set[str] = field(default_factory=set)  # copied forward; the frontier may still fetch them
    depths: dict[str, int] = field(default_factory=dict)  # link depth of each known URL

    def count(self, reason: str) -> int:
        return sum(1 for why in self.requests.values() if why == reason)

    def summary(self) -> str:
        asked = "、".join(f"{_LABELS[reason]} {self.count(reason):,}" for reason in REASONS if self.count(reason))
        return f"今晚请求 {len(self.requests):,} 个网址（{asked}），沿用上次核实结果 {len(self.carried) + len(self.pager_pages):,} 份"


_LABELS = {FIX: "已整改网址", START: "首页", LIST: "栏目和列表页", EVIDENCE: "证据", REREAD: "需重新解析",
           RECENT: "近期有变化", DUE: "轮到核实"}


def plan_night(
    known: Mapping[str, Previous],
    *,
    night: dt.date,
    reverify_days: int,
    start_urls: Iterable[str],
    wanted: Mapping[str, str],
    changed: set[str],
    extractor_version: int,
    allowed: Callable[[str], bool],
) -> Plan:
    """``known``: the previous run's documents; ``wanted``: URL → FIX or EVIDENCE (crawler.seeds);
    ``changed``: URLs that changed lately; ``allowed``: whether tonight's scope takes a URL."""
    plan = Plan()
    for url, reason in wanted.items():
        if reason == FIX:
            plan.requests.setdefault(url, FIX)
    for url in start_urls:
        plan.requests.setdefault(canonical_url(url), START)
    plan.depths = link_depths({url: document.parent_url for url, document in known.items()})
    lists = list_pages(known, plan.depths)
    for url in sorted(lists):
        plan.requests.setdefault(url, LIST)
    for url, reason in wanted.items():
        plan.requests.setdefault(url, reason)
    slot = night.toordinal() % reverify_days
    for url, document in known.items():
        if not allowed(url):
            continue  # outside tonight's scope or limits: neither fetched nor kept
        reason = _reason(url, document, night, slot, reverify_days, changed, extractor_version)
        if reason is not None:
            plan.requests.setdefault(url, reason)
        elif url not in plan.requests:
            (plan.pager_pages if is_pager_page(url, document) else plan.carried).add(url)
    return plan


def _reason(url: str, document: Previous, night: dt.date, slot: int, reverify_days: int, changed: set[str],
            extractor_version: int) -> str | None:
    if document.extractor_version != extractor_version:
        return REREAD
    # a list's numbered pages change whenever an item is added on top: that is no sign of an editor at work
    if url in changed and not is_pager_page(url, document):
        return RECENT
    if url_slot(url, reverify_days) == slot or _overdue(document.verified_at, night, reverify_days):
        return DUE
    return None


def list_pages(known: Mapping[str, Previous], depths: Mapping[str, int]) -> set[str]:
    """Pages through which documents arrive: near a start page, or the first to link to a page or
    to ATTACHMENT_LIST attachments; a list's numbered pages are left to the frontier."""
    pages_found = {document.parent_url for document in known.values() if document.kind == "page"}
    attachments_found = Counter(document.parent_url for document in known.values() if document.kind != "page")
    parents = pages_found | {parent for parent, count in attachments_found.items() if count >= ATTACHMENT_LIST}
    return {
        url for url, document in known.items()
        if document.kind == "page" and not is_pager_page(url, document) and (url in parents or depths[url] <= 1)
    }


def is_pager_page(url: str, document: Previous) -> bool:
    """A numbered page of a list, reached through a pager (its link had no title of its own)."""
    return (document.link_text is None or is_pager_text(document.link_text)) and pager_family(url) is not None


def url_slot(url: str, reverify_days: int) -> int:
    """The night in each cycle of ``reverify_days`` on which the URL is due: stable across processes
    and spread evenly, so every night verifies about the same share."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % reverify_days


def _overdue(verified_at: dt.datetime | None, night: dt.date, reverify_days: int) -> bool:
    if verified_at is None:
        return True
    return (night - night_of(verified_at)).days >= reverify_days


def night_of(moment: dt.datetime) -> dt.date:
    """The Beijing date of a naive UTC time: the night a run belongs to."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(BEIJING).date()


def link_depths(parents: Mapping[str, str | None]) -> dict[str, int]:
    """Link depth of each stored URL, counted along the pages that first linked to it."""
    depths: dict[str, int] = {}
    for url in parents:
        chain, current = [], url
        while current in parents and current not in depths and current not in chain:
            chain.append(current)
            current = parents[current]
        depth = depths.get(current, -1)  # a start page, or a parent the store lacks, begins at 0
        for linked in reversed(chain):
            depth += 1
            depths[linked] = depth
    return depths
