"""Duplicate filtering for the scheduler, by the spider's own set of seen URLs.

The spider schedules every canonical URL once and keeps that set in the JOBDIR
state, so Scrapy's fingerprint filter (a canonicalisation and a hash per request)
only repeated its work. Redirects are the exception: a redirect's target never
passed through the spider, so it is checked against, and added to, the same set.
"""

from __future__ import annotations

from scrapy.dupefilters import BaseDupeFilter

from parsing.urls import canonical_url


class SeenUrlFilter(BaseDupeFilter):
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def request_seen(self, request) -> bool:
        if not request.meta.get("redirect_urls"):
            return False
        seen = self.crawler.spider.seen
        url = canonical_url(request.url)
        if url in seen:
            return True
        seen.add(url)
        return False
