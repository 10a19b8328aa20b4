"""Which generated list pages to fetch: as many as the list really shows, not as many as it claims.

A pager announces its pages from a count (createPageHTML(99999 …), 尾页 = 99999, a
dataproxy totalRecord); a broken or hostile site claims far more pages than it has,
and past the end every page shows the same entries again, or none. So the pages of
one list (a family: the same URL but for the page number) are released a few at a
time, in page order: more while pages bring item links not seen before, and none
once DRY_PAGES answered pages in a row brought nothing new. The highest page a list
names (its 尾页) goes with the first pages: one request, and a list whose middle
pages fail still has its end read.

A list whose records come from an API (a Hanweb dataproxy, a TRS search) says how many
it has; ListTally counts what was read of each, so a list read short is known.

On a night that carries the list's known pages forward (crawler.schedule) only new
items matter, and they come on top: the pages are released from the first on, two
at a time, without the end.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from crawler.cms import ListClaim, list_key

FIRST_PAGES = 10  # released as soon as a list announces its pages
KNOWN_LIST_FIRST_PAGES = 2  # the same, on a night the list's pages are known already
GROWTH = 3  # further pages each page with new items releases: a 2,000-page list is reached within ~7 levels of depth
DRY_PAGES = 3


@dataclass
class Family:
    waiting: list[tuple[int, str]] = field(default_factory=list)  # a heap: the lowest page number first
    offered: set[str] = field(default_factory=set)
    allowance: int = FIRST_PAGES
    dry: int = 0
    last: tuple[int, str] | None = None  # the highest page announced, until it is released
    last_released: bool = False

    @property
    def stopped(self) -> bool:
        return self.dry >= DRY_PAGES


class PagerFamilies:
    def __init__(self, first_pages: int = FIRST_PAGES, read_end: bool = True):
        self.families: dict[tuple, Family] = {}
        self.first_pages = first_pages
        self.read_end = read_end

    def offer(self, key: tuple, number: int, url: str) -> None:
        """A page a list announces; it waits until the list has shown it is worth fetching."""
        family = self.families.setdefault(key, Family(allowance=self.first_pages))
        if family.stopped or url in family.offered:
            return
        family.offered.add(url)
        heapq.heappush(family.waiting, (number, url))
        if self.read_end and (family.last is None or number > family.last[0]):
            family.last = (number, url)

    def answered(self, key: tuple, new_items: int) -> None:
        """A page of the family was read and linked to ``new_items`` items not seen before."""
        family = self.families.get(key)
        if family is None or family.stopped:
            return
        family.dry = 0 if new_items else family.dry + 1
        family.allowance += GROWTH if new_items else 1
        if family.stopped:
            family.waiting.clear()
            family.offered.clear()

    def next_page(self, key: tuple) -> str | None:
        """The next page to try, while the family's allowance lasts (call ``spent`` once it is scheduled)."""
        family = self.families.get(key)
        if family is None or family.stopped or family.allowance <= 0 or not family.waiting:
            return None
        # the end takes the first release's last place
        if not family.last_released and family.last is not None and (family.allowance == 1 or len(family.waiting) == 1):
            family.last_released = True
            return family.last[1]
        return heapq.heappop(family.waiting)[1]

    def spent(self, key: tuple) -> None:
        self.families[key].allowance -= 1


@dataclass
class ListCount:
    """One list's claim and the records read of it so far."""

    url: str  # the list page
    total: int
    read: int
    why_not: str = ""
    answered: set[str] = field(default_factory=set)  # its API answers already counted

    @property
    def reason(self) -> str:
        return self.why_not or "其余记录由站内列表接口提供，本次未能全部读到（接口出错、无应答或超出抓取上限）"


class ListTally:
    """Each list that claims more records than its page holds, and what its API answers brought:
    a list read short of its claim is recorded, so its unit's missing items are unknown, not gaps."""

    def __init__(self):
        self.lists: dict[str, ListCount] = {}

    def claimed(self, url: str, claim: ListClaim) -> None:
        if claim.key not in self.lists:
            self.lists[claim.key] = ListCount(url, claim.total, claim.on_page, claim.why_not)

    def answered(self, url: str, records: int) -> None:
        count = self.lists.get(list_key(url) or "")
        if count is not None and url not in count.answered:
            count.answered.add(url)
            count.read += records

    def partly_read(self) -> list[ListCount]:
        return [count for count in self.lists.values() if count.read < count.total]
