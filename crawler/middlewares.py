"""Downloader middlewares: stay in scope, and back off before retrying."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.exceptions import IgnoreRequest

from crawler.urls import Scope
from parsing.urls import canonical_url

OFFSITE = "offsite"
PRIVATE = "private address"
REPEATED = "repeated under a random parameter"


class ScopeMiddleware:
    """Refuse any request, redirects included, outside the scope or to special-use addresses.

    Links are filtered in the spider already; this catches redirects and robots.txt
    fetches, so the crawler can never be led off the configured sites, onto another
    port of them, or into a local network or a cloud's metadata service. Host names
    are resolved here, before Scrapy connects, and judged by every address they have.
    """

    def __init__(self, scope: Scope):
        self.scope = scope

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Scope.of(crawler.settings["FAZHI_CONFIG"].crawl))

    def process_request(self, request):
        if not self.scope.in_scope(request.url):
            raise IgnoreRequest(OFFSITE)
        if self.scope.refuses_address(urlsplit(request.url).hostname or ""):
            raise IgnoreRequest(PRIVATE)
        return None


class VolatileParamMiddleware:
    """Fetch a link scheduled with a random parameter under its stable URL, once.

    The spider learns that a parameter changes on every visit only after a few
    visits; the links it scheduled before that would each still be fetched.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        spider = self.crawler.spider
        stable = spider.stable_url(request.url)
        if stable == canonical_url(request.url):
            return None
        if stable in spider.seen:
            raise IgnoreRequest(REPEATED)
        spider.seen.add(stable)
        return request.replace(url=stable)


class BackoffMiddleware:
    """Wait before a retry: 1 s, 2 s, 4 s … (a struggling county server needs air, not hammering)."""

    def __init__(self, base: float, cap: float):
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getfloat("FAZHI_RETRY_BACKOFF"), crawler.settings.getfloat("FAZHI_RETRY_BACKOFF_MAX"))

    async def process_request(self, request):
        retries = request.meta.get("retry_times", 0)
        if retries and self.base > 0:
            await asyncio.sleep(min(self.cap, self.base * 2 ** (retries - 1)))
        return None


class MetaRefreshMiddleware(ScrapyMetaRefresh):
    """Scrapy's meta-refresh redirect, without decoding the empty body of every 304."""

    def process_response(self, request, response):
        if not response.body:
            return response
        return super().process_response(request, response)
