"""Downloader middlewares: stay in scope, and back off before retrying."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
from scrapy.exceptions import IgnoreRequest

from crawler.urls import in_domains, is_private_host

OFFSITE = "offsite"
PRIVATE = "private address"


class ScopeMiddleware:
    """Refuse any request, redirects included, outside allowed_domains or to private networks.

    Links are filtered in the spider already; this catches redirects and robots.txt
    fetches, so the crawler can never be led off the configured sites.
    """

    def __init__(self, domains: tuple[str, ...], allow_private: bool):
        self.domains = domains
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler):
        config = crawler.settings["FAZHI_CONFIG"]
        return cls(config.crawl.allowed_domains, crawler.settings.getbool("FAZHI_ALLOW_PRIVATE"))

    def process_request(self, request):
        if not in_domains(request.url, self.domains):
            raise IgnoreRequest(OFFSITE)
        if not self.allow_private and is_private_host(urlsplit(request.url).hostname or ""):
            raise IgnoreRequest(PRIVATE)
        return None


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
