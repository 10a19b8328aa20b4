"""The baseline: a bare Scrapy spider that only follows links (``python bench/bare.py URL CONCURRENCY``)."""

from __future__ import annotations

import sys

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, url: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [url]
        self.allowed_domains = ["127.0.0.1"]

    def parse(self, response):
        if isinstance(response, TextResponse):
            yield from response.follow_all(css="a", callback=self.parse)


if __name__ == "__main__":
    process = CrawlerProcess(
        {
            "LOG_LEVEL": "WARNING",
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": int(sys.argv[2]),
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "ROBOTSTXT_OBEY": False,
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, url=sys.argv[1])
    process.start()
    print(crawler.stats.get_value("response_received_count", 0))
