"""One config-driven spider for every county portal.

It follows every in-scope link and every list page a pager script announces,
turns each HTML page and attachment into a DocumentItem, and every failed fetch
into a FetchErrorItem — including a 200 answer that is not the page (an empty,
cut-short, maintenance, login or challenge page: crawler.soft_errors). Documents unchanged since the previous run (304, or the
same bytes) become ReusedItems and their links come from the link cache. A list whose
records come from the site's own list API is followed through it (a Hanweb dataproxy
by POST, as jpage.js asks); one read short of the count it claims is stored as a
PartialList when the crawl finishes.

After the first night it requests only what crawler.schedule plans (fixes first) and
copies the rest of the previous run forward before any request. A carried document
that a page re-read tonight no longer links to, and no page read tonight does, is
requested before the crawl ends: a withdrawn item must not stay present until its turn.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.web._newclient import ResponseFailed

from county.units import attribute_url
from crawler.attachments import sniff
from crawler.cms import ListClaim, hanweb_post, is_hanweb_proxy, is_pager_text, pager_family
from crawler.extract import EXTRACTOR_VERSION, Link, extract_page
from crawler.frontier import KNOWN_LIST_FIRST_PAGES, ListTally, PagerFamilies
from crawler.items import DocumentItem, FetchErrorItem, ReusedItem
from crawler.middlewares import OFFSITE, PRIVATE, REPEATED
from crawler.schedule import FIX, RECENT_RUNS, START, Plan, link_depths, night_of, plan_night
from crawler.seeds import wanted_urls
from crawler.soft_errors import soft_error
from crawler.store import (
    PageLinks,
    Previous,
    carry_forward,
    changed_lately,
    create_tables,
    previous_documents,
    previous_run,
    run_claims,
)
from crawler.urls import (
    Scope,
    VolatileParams,
    extension_of,
    is_attachment_url,
    is_skipped,
    is_trap,
    url_pattern,
    url_section,
)
from parsing.urls import canonical_url
from storage.db import load_snapshot, open_engine
from storage.models import Document, FetchError, PartialList, Run

_ATTACHMENT_TYPES = re.compile(r"pdf|msword|officedocument|ms-excel|ms-works|wps|ofd|zip|octet-stream|rtf|kswps|\bet\b")
_GENERIC_LINK_TEXT = re.compile(r"^(?:附件\d*[:：]?|点击)?(?:下载|查看|附件|打开|详情|原文)?(?:附件)?$")
_ATTACHMENT_PREFIX = re.compile(r"^(?:附件\s*\d*\s*[:：.、]?\s*)")
_FILENAME = re.compile(r"filename\*?=(?:UTF-8'')?[\"']?([^\"';]+)", re.I)
# 已整改 addresses go before everything else a night requests
FIX_PRIORITY = 1
# pages that changed tonight into the same bytes, from the third on, are soft errors
SAME_BODY_PAGES = 3


class PortalSpider(scrapy.Spider):
    name = "portal"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.config = settings["FAZHI_CONFIG"]
        spider.scope = Scope.of(spider.config.crawl)
        spider.max_pages = settings.getint("FAZHI_MAX_PAGES")
        spider.attachment_bytes = settings.getint("FAZHI_MAX_ATTACHMENT_BYTES")
        spider.engine = open_engine(settings["FAZHI_DB_URL"])
        create_tables(spider.engine)
        spider.session = Session(spider.engine)
        spider.run_id = settings.getint("FAZHI_RUN_ID")
        last = previous_run(spider.session, spider.run_id)
        spider.previous = previous_documents(spider.session, last)
        spider.previous_claims = run_claims(spider.session, last)
        # here, before the pipeline opens: it must tell the carried rows from the fetched ones
        night = dt.date.fromisoformat(settings["FAZHI_NIGHT"]) if settings.get("FAZHI_NIGHT") else night_of(_now())
        spider.plan = spider._plan(last, night) if last is not None else None
        spider.session.rollback()  # no read transaction left open: it would keep the WAL from checkpointing
        crawler.signals.connect(spider._recheck_when_idle, signal=signals.spider_idle)
        return spider

    def _plan(self, last: int, night: dt.date) -> Plan:
        """Tonight's requests; the previous run's other rows are copied into this run at once."""
        crawl = self.config.crawl
        plan = plan_night(
            self.previous, night=night, reverify_days=crawl.reverify_days, start_urls=crawl.start_urls,
            wanted=wanted_urls(self.session, self.run_id, self.scope),
            changed=changed_lately(self.session, self.run_id, RECENT_RUNS),
            extractor_version=EXTRACTOR_VERSION, allowed=self._allowed,
        )
        carry_forward(self.session, last, self.run_id, plan.carried | plan.pager_pages)
        return plan

    def _allowed(self, url: str) -> bool:
        return self.scope.in_scope(url) and not is_skipped(url) and not is_trap(url)

    @property
    def seen(self) -> set[str]:
        # kept in the JOBDIR state, so a resumed crawl does not schedule twice
        return self._state().setdefault("seen", set())

    def _state(self) -> dict:
        if not hasattr(self, "state"):
            self.state = {}
        return self.state

    async def start(self):
        if not self._state():  # no saved state: a fresh crawl, or a resume after a hard kill
            for request in self._resume_from_store():
                yield request
            if self.plan is not None:
                self._take_as_known(self.plan.carried)
        for request in self._planned():
            yield request

    def _planned(self) -> Iterator[scrapy.Request]:
        if self.plan is None:
            requests = (self._follow_one(Link(url, ""), parent=None, published=None) for url in self.config.crawl.start_urls)
        else:
            requests = (self._known_request(url, reason) for url, reason in self.plan.requests.items())
        yield from (request for request in requests if request is not None)

    def _known_request(self, url: str, reason: str) -> scrapy.Request | None:
        """A request for a URL the plan names, made as the link that found it made it (parent, text, depth)."""
        known = self.previous.get(url)
        if known is None or reason == START:
            request = self._follow_one(Link(url, ""), parent=None, published=None)
            depth = 0
        else:
            published = known.published_on if known.published_source == "parent" else None
            request = self._follow_one(Link(url, known.link_text or "", known.list_date), known.parent_url, published, known.kind)
            depth = self.plan.depths.get(url, 0)
        if request is not None:
            request.meta["depth"] = depth
            request.priority = FIX_PRIORITY if reason == FIX else -depth * self.settings.getint("DEPTH_PRIORITY")
        return request

    def _take_as_known(self, urls: set[str]) -> None:
        """Carried documents: no link to them is followed, and they count against the crawl's limits."""
        state = self._state()
        self.seen.update(urls)
        state["scheduled"] = state.get("scheduled", 0) + len(urls)
        for url in urls:
            self._within_caps(url, state)

    def _resume_from_store(self) -> Iterator[scrapy.Request]:
        """What is left to crawl of this run, rebuilt from the documents already stored.

        After a hard kill Scrapy's queue is gone (runner discards it) and pages fetched
        but not yet committed are lost: every stored URL counts as seen and the stored
        pages' links are followed again, at the depth the page had, so the crawl reaches
        what an uninterrupted one would and fetches no stored document twice. Rows
        carried forward (verified before the run began) were not fetched: their links
        are not followed, and PortalSpider.start takes them as known."""
        run_id = self.run_id
        parents = dict(self.session.execute(select(Document.url, Document.parent_url).where(Document.run_id == run_id)).all())
        started = select(Run.started_at).where(Run.id == run_id).scalar_subquery()
        fetched = self.session.execute(
            select(Document.url, Document.kind, Document.http_status, Document.sha256, Document.parent_url,
                   Document.published_on, PageLinks.links)
            .outerjoin(PageLinks, (PageLinks.url_hash == Document.url_hash) & (PageLinks.sha256 == Document.sha256))
            .where(Document.run_id == run_id, or_(Document.verified_at.is_(None), Document.verified_at >= started))
        ).all()
        failed = self.session.scalars(select(FetchError.url).where(FetchError.run_id == run_id)).all()
        claims = run_claims(self.session, run_id)
        self.session.rollback()
        seen = self.seen
        seen.update(document.url for document in fetched)
        seen.update(failed)
        self._state()["scheduled"] = len(seen)
        if self.plan is not None:  # carried rows already replaced by a fetch are not requested again
            self._state()["rechecked"] = {document.url for document in fetched} & (self.plan.carried | self.plan.pager_pages)
        depths = link_depths(parents)
        fresh = frozenset(document.url for document in fetched if document.url not in self.previous)
        limit, priority = self.settings.getint("DEPTH_LIMIT"), self.settings.getint("DEPTH_PRIORITY")
        for document in fetched:
            depth = depths[document.url] + 1
            previous = self.previous.get(document.url)
            if document.http_status in (404, 410):
                self._note_dropped(previous, None)
            if document.kind != "page" or document.sha256 is None or (limit and depth > limit):
                continue
            if document.links is not None:
                links = json.loads(zlib.decompress(document.links))
            else:
                links = self._links_from_snapshot(document.url, document.sha256)
            self._tally(document.url, claims.get(document.url), links)
            if previous is not None and previous.sha256 != document.sha256:
                self._note_dropped(previous, links)
            for request in self._follow(links, document.url, document.published_on, fresh=fresh):
                request.meta["depth"] = depth
                request.priority = -depth * priority  # as DepthMiddleware would have queued it
                yield request

    def _note_dropped(self, previous: Previous | None, links: list[list] | None) -> None:
        """The links a page re-read tonight had last time and has no more (all of them when it is gone)."""
        if self.plan is None or previous is None or previous.links is None:
            return
        kept = {row[0] for row in links or ()}
        self._state().setdefault("dropped", set()).update(row[0] for row in previous.outgoing() if row[0] not in kept)

    def _recheck_when_idle(self) -> None:
        """Before the crawl ends: request the carried documents re-read pages dropped and no page read tonight links to."""
        if self.plan is None:
            return
        state = self._state()
        rechecked = state.setdefault("rechecked", set())
        unlinked = state.get("dropped", set()) - state.get("linked", set()) - rechecked
        requests = []
        for url in sorted(unlinked & (self.plan.carried | self.plan.pager_pages)):
            rechecked.add(url)
            self.seen.discard(url)
            request = self._known_request(url, "recheck")
            if request is not None:
                requests.append(request)
        if not requests:
            return
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def closed(self, reason):
        if reason == "finished":
            self._save_partial_lists()
        self.session.close()
        self.engine.dispose()

    def _save_partial_lists(self) -> None:
        """The lists read short of their claim, written once the crawl is whole (the pipelines
        have closed by now: a stopped crawl, resumed later, writes them when it finishes)."""
        run_id = self.settings.getint("FAZHI_RUN_ID")
        rows = [
            PartialList(run_id=run_id, url=count.url, unit=attribute_url(count.url, self.config), claimed=count.total,
                        read=count.read, reason=count.reason)
            for count in self._frontier("lists", ListTally).partly_read()
        ]
        self.session.execute(delete(PartialList).where(PartialList.run_id == run_id))
        self.session.add_all(rows)
        self.session.commit()

    def _tally(self, url: str, claim: ListClaim | None, links: Iterable[list]) -> None:
        tally = self._frontier("lists", ListTally)
        if claim is not None:
            tally.claimed(url, claim)
        tally.answered(url, sum(1 for _target, text, _date in links if not is_pager_text(text)))

    # ---- responses -------------------------------------------------------------

    def parse(self, response):
        # a POSTed list API group is known by the URL that names its column too
        url = canonical_url(response.meta.get("fazhi_url") or response.url)
        previous = self.previous.get(canonical_url(response.meta.get("fazhi_url") or response.request.url)) or self.previous.get(url)
        if response.status == 304 and previous is not None:
            yield from self._unchanged(response, url, previous)
            return
        if response.status in (404, 410) or response.status == 304:
            self._note_dropped(previous, None)
            yield self._absent(response, url)
            return
        digest = hashlib.sha256(response.body).hexdigest()
        if previous is not None and previous.sha256 == digest:
            yield from self._unchanged(response, url, previous)
            return
        yield from self._extract(response, url, digest, previous)

    def _extract(self, response, url: str, digest: str, previous: Previous | None = None) -> Iterator:
        if self._is_attachment(response):
            yield self._attachment(response, url, digest)
            return
        page = extract_page(response.body, url, header_charset=_charset(response), list_date=response.meta.get("list_date"))
        reason = soft_error(
            response.body, page, declared_length=_declared_length(response), previous_length=lambda: self._size_of(previous)
        ) or self._same_as_other_pages(url, digest, previous)
        if reason is not None:
            # a redirect's failure belongs to the URL the site linked to, as in on_error
            linked = _linked_url(response.request)
            yield FetchErrorItem(url=linked, reason=reason, http_status=response.status)
            return
        yield from self._page(response, url, digest, page, previous)

    def _same_as_other_pages(self, url: str, digest: str, previous: Previous | None) -> str | None:
        """A page that changed tonight into the very bytes other pages changed into tonight: a frame,
        block or maintenance page served for every address, not the page. (Two are let through:
        one page is often published under two addresses.)"""
        if previous is None or previous.sha256 == digest:
            return None
        changed_into = self._state().setdefault("changed_into", {}).setdefault(digest, [])
        if len(changed_into) >= SAME_BODY_PAGES - 1:
            return f"与 {changed_into[0]} 等页面返回的内容完全相同，不是这个网址原来的页面（网站可能在维护、改版或拦截抓取）"
        changed_into.append(url)
        return None

    def _unchanged(self, response, url: str, previous: Previous) -> Iterator:
        """Copy what the same extractor made of these bytes last time; re-read them if the extractor changed."""
        stored = None if previous.extractor_version == EXTRACTOR_VERSION else self._stored_response(response, previous)
        if stored is None:
            yield from self._reuse(response, url, previous)
            return
        yield from self._extract(stored, url, previous.sha256)

    def _stored_response(self, response, previous: Previous) -> Response | None:
        """The response as it was when the snapshot was taken: a 304 has no body or Content-Type."""
        snapshot = self._snapshot(previous)
        if snapshot is None:
            return None
        body, content_type = snapshot
        headers = response.headers.copy()
        if content_type and not headers.get("Content-Type"):
            headers["Content-Type"] = content_type
        for name, value in (("ETag", previous.etag), ("Last-Modified", previous.last_modified)):
            if value and not headers.get(name):
                headers[name] = value
        return Response(response.url, status=200, headers=headers, body=body, request=response.request)

    def _size_of(self, previous: Previous | None) -> int | None:
        snapshot = self._snapshot(previous) if previous is not None else None
        return len(snapshot[0]) if snapshot is not None else None

    def _snapshot(self, previous: Previous) -> tuple[bytes, str | None] | None:
        snapshot = load_snapshot(self.session, previous.sha256) if previous.sha256 else None
        self.session.rollback()  # no read transaction left open: it would keep the WAL from checkpointing
        return snapshot

    def _page(self, response, url: str, digest: str, page, previous: Previous | None = None) -> Iterator:
        meta = response.meta
        links = _link_rows(page)
        if previous is not None and previous.sha256 != digest:
            self._note_dropped(previous, links)
        yield DocumentItem(
            **self._common(response, url, "page"),
            title=page.title or meta.get("link_text") or "",
            published_on=page.published_on,
            published_source=page.published_source,
            text=page.text,
            meta=page.meta,
            fields=page.fields,
            tables=page.tables,
            encoding=page.encoding,
            body=response.body,
            sha256=digest,
            links=links,
            list_claim=page.list_claim,
        )
        self._tally(url, page.list_claim, links)
        yield from self._follow(links, url, page.published_on, page.text)

    def _attachment(self, response, url: str, digest: str) -> DocumentItem:
        """The attachment without its text: crawler.extract_worker fills that in out of the reactor."""
        extension = self._extension(response, url)
        meta = response.meta
        return DocumentItem(
            **self._common(response, url, "attachment"),
            title=_attachment_title(meta.get("link_text"), self._filename(response, url)),
            published_on=meta.get("parent_published"),
            published_source="parent" if meta.get("parent_published") else None,
            body=response.body,
            sha256=digest,
            extension=extension,
        )

    def _reuse(self, response, url: str, previous: Previous) -> Iterator:
        meta = response.meta
        yield ReusedItem(
            url=url,
            previous_id=previous.id,
            fetched_at=_now(),
            kind=meta.get("kind", "page"),
            parent_url=meta.get("parent_url"),
            link_text=meta.get("link_text"),
            list_date=meta.get("list_date"),
            etag=_header(response, "ETag") or previous.etag,
            last_modified=_header(response, "Last-Modified") or previous.last_modified,
        )
        if meta.get("kind") == "attachment" or previous.sha256 is None:
            return
        links = previous.outgoing()
        if links is None:
            links = self._links_from_snapshot(url, previous.sha256)
        self._tally(url, self.previous_claims.get(url), links)
        yield from self._follow(links, url, None)

    def _links_from_snapshot(self, url: str, digest: str) -> list[list]:
        snapshot = load_snapshot(self.session, digest)
        if snapshot is None:
            return []
        page = extract_page(snapshot[0], url)
        return _link_rows(page)

    def _absent(self, response, url: str) -> DocumentItem:
        kind = response.meta.get("kind", "page")
        return DocumentItem(**self._common(response, url, kind), extension=extension_of(url) or None)

    def _common(self, response, url: str, kind: str) -> dict:
        meta = response.meta
        return {
            "url": url,
            "kind": kind,
            "http_status": response.status,
            "parent_url": meta.get("parent_url"),
            "link_text": meta.get("link_text"),
            "list_date": meta.get("list_date"),
            "content_type": _header(response, "Content-Type"),
            "etag": _header(response, "ETag"),
            "last_modified": _header(response, "Last-Modified"),
            "fetched_at": _now(),
        }

    def _is_attachment(self, response) -> bool:
        if response.meta.get("kind") == "attachment":
            return True
        content_type = (_header(response, "Content-Type") or "").lower()
        if "html" in content_type:
            return False
        if "attachment" in (_header(response, "Content-Disposition") or "").lower():
            return True
        if content_type:
            return bool(_ATTACHMENT_TYPES.search(content_type))
        return sniff(response.body, "") not in ("html", "txt")

    def _extension(self, response, url: str) -> str:
        name = self._filename(response, url)
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return extension or sniff(response.body, "")

    def _filename(self, response, url: str) -> str:
        disposition = _header(response, "Content-Disposition") or ""
        match = _FILENAME.search(disposition)
        if match:
            return unquote(match.group(1)).strip()
        return unquote(urlsplit(url).path.rsplit("/", 1)[-1])

    # ---- requests ---------------------------------------------------------------

    def _follow(self, links: Iterable[list], parent: str, published: dt.date | None, text: str = "",
                fresh: frozenset[str] = frozenset()) -> Iterator[scrapy.Request]:
        """Requests for a page's new links; its list pages only as far as the list keeps showing new items.

        fresh: URLs first fetched tonight before a hard kill; a resumed crawl counts them as the new
        items they were when this page was first read, or the list would seem to have run dry."""
        seen, families = self.seen, self._frontier("families", self._pager_families)
        self._frontier("volatile", VolatileParams).observe(parent, text)
        if self.plan is not None:
            links = list(links)
            self._state().setdefault("linked", set()).update(row[0] for row in links)
        new_items, announced = 0, set()
        for target, link_text, list_date in links:
            page = pager_family(target) if is_pager_text(link_text) else None
            if page is not None:
                families.offer(page[0], page[1], target)
                announced.add(page[0])
            elif target not in seen:  # a seen URL is canonical already; most links of a page are seen
                request = self._follow_one(Link(target, link_text, _date(list_date)), parent, published)
                if request is not None:
                    new_items += 1
                    yield request
            elif target in fresh:
                new_items += 1
        own = pager_family(parent)
        if own is not None:
            families.answered(own[0], new_items)
            announced.add(own[0])
        for key in announced:
            yield from self._release(families, key, parent, published)

    def _release(self, families: PagerFamilies, key: tuple, parent: str, published: dt.date | None) -> Iterator[scrapy.Request]:
        while (target := families.next_page(key)) is not None:
            request = self._follow_one(Link(target, ""), parent, published)
            if request is not None:
                families.spent(key)
                yield request

    def _frontier(self, name: str, kind: Callable):
        # kept in the JOBDIR state with `seen`, so a resumed crawl keeps what it learnt of the site
        state = self._state()
        if name not in state:
            state[name] = kind()
        return state[name]

    def _pager_families(self) -> PagerFamilies:
        if self.plan is None:
            return PagerFamilies()
        return PagerFamilies(first_pages=KNOWN_LIST_FIRST_PAGES, read_end=False)

    def stable_url(self, url: str) -> str:
        """The canonical URL without the parameters found to change on every visit."""
        return canonical_url(self._frontier("volatile", VolatileParams).strip(url))

    def _follow_one(self, link: Link, parent: str | None, published: dt.date | None, kind: str | None = None) -> scrapy.Request | None:
        try:
            url = self.stable_url(link.url)
        except ValueError:
            return None
        if url in self.seen or not url.startswith(("http://", "https://")):
            return None
        if not self.scope.in_scope(url) or is_skipped(url) or is_trap(url):
            return None
        state = self._state()
        if state.get("scheduled", 0) >= self.max_pages or not self._within_caps(url, state):
            return None
        self.seen.add(url)
        state["scheduled"] = state.get("scheduled", 0) + 1
        kind = kind or ("attachment" if is_attachment_url(url) else "page")
        meta = {"kind": kind, "parent_url": parent, "link_text": link.text or None, "list_date": link.list_date,
                "parent_published": published}
        if kind == "attachment":
            meta["download_maxsize"] = self.attachment_bytes
        if is_hanweb_proxy(url):
            address, form = hanweb_post(url)
            meta["fazhi_url"] = url
            return scrapy.FormRequest(address, formdata=form, callback=self.parse, errback=self.on_error, meta=meta)
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, headers=self._conditional(url), meta=meta)

    def _within_caps(self, url: str, state: dict) -> bool:
        """Count the URL against its directory's and its pattern's page caps; False once either is full."""
        crawl = self.config.crawl
        sections, patterns = state.setdefault("sections", {}), state.setdefault("patterns", {})
        section, pattern = url_section(url), url_pattern(url)
        if sections.get(section, 0) >= crawl.max_pages_per_section or patterns.get(pattern, 0) >= crawl.pattern_cap:
            return False
        sections[section] = sections.get(section, 0) + 1
        patterns[pattern] = patterns.get(pattern, 0) + 1
        return True

    def _conditional(self, url: str) -> dict[str, str]:
        previous = self.previous.get(url)
        headers = {}
        if previous is not None and previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous is not None and previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
        return headers

    # ---- failures ---------------------------------------------------------------

    def on_error(self, failure):
        request = failure.request
        url = _linked_url(request)
        if failure.check(IgnoreRequest) and str(failure.value) == OFFSITE and not request.meta.get("redirect_urls"):
            return
        if failure.check(IgnoreRequest) and str(failure.value) == REPEATED:
            return
        if failure.check(DownloadCancelledError, CancelledError) and request.meta.get("kind") == "attachment":
            limit = self.attachment_bytes / 1024 / 1024
            yield DocumentItem(
                url=url,
                kind="attachment",
                http_status=200,
                title=_attachment_title(request.meta.get("link_text"), unquote(urlsplit(url).path.rsplit("/", 1)[-1])),
                parent_url=request.meta.get("parent_url"),
                link_text=request.meta.get("link_text"),
                extension=extension_of(url) or None,
                published_on=request.meta.get("parent_published"),
                extraction_note=f"附件超过 {limit:g} MB 上限，未下载",
                fetched_at=_now(),
            )
            return
        reason, status = _failure_reason(failure)
        yield FetchErrorItem(url=url, reason=reason, http_status=status)


def _linked_url(request) -> str:
    """The URL a failure belongs to: the one the site linked to, before redirects; a POSTed
    list API group's own name."""
    if request.meta.get("fazhi_url"):
        return canonical_url(request.meta["fazhi_url"])
    return canonical_url(request.meta.get("redirect_urls", [request.url])[0])


def _failure_reason(failure) -> tuple[str, int | None]:
    if failure.check(HttpError):
        status = failure.value.response.status
        return f"HTTP {status}", status
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        if message == OFFSITE:
            return "重定向到 allowed_domains 以外的网址，未跟随", None
        if message == PRIVATE:
            return "地址属于本机、内网或云元数据服务，未抓取（可在 crawl.allowed_networks 中列出允许的主机或网段）", None
        if "robots" in message.lower():
            return "robots.txt 禁止抓取", None
        return f"未抓取: {message}", None
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return "超时", None
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "域名解析失败", None
    if failure.check(DownloadConnectionRefusedError, ConnectError):
        return "连接失败", None
    if failure.check(ResponseDataLossError, DownloadFailedError, ResponseFailed):
        return "连接中断", None
    return f"{failure.type.__name__}: {failure.value}"[:300], None


def _link_rows(page) -> list[list]:
    rows = [[link.url, link.text, _iso(link.list_date)] for link in page.links]
    return rows + [[target, "", None] for target in page.pagination]


def _attachment_title(link_text: str | None, filename: str) -> str:
    text = _ATTACHMENT_PREFIX.sub("", (link_text or "").strip())
    if len(text) >= 4 and not _GENERIC_LINK_TEXT.match(text):
        return text
    return filename


def _charset(response) -> str | None:
    match = re.search(r"charset=([\w-]+)", _header(response, "Content-Type") or "", re.I)
    return match.group(1) if match else None


def _declared_length(response) -> int | None:
    value = _header(response, "Content-Length")
    return int(value) if value and value.strip().isdigit() else None


def _header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
