"""Progress of a crawl: a live line on a terminal, a log line now and then under cron."""

from __future__ import annotations

import sys
import time

from scrapy import signals
from twisted.internet import task

from crawler.items import DocumentItem, FetchErrorItem, ReusedItem


class Progress:
    def __init__(self, crawler, mode: str):
        self.mode = mode  # "bar", "log" or "off"
        self.pages = self.attachments = self.errors = 0
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.get("FAZHI_PROGRESS", "off"))

    def opened(self, spider):
        if self.mode != "off":
            self.loop.start(0.5 if self.mode == "bar" else 30.0, now=False)

    def closed(self, spider, reason):
        if self.loop.running:
            self.loop.stop()
        if self.mode != "off":
            self.show(end="\n")

    def scraped(self, item, response, spider):
        if isinstance(item, FetchErrorItem):
            self.errors += 1
        elif isinstance(item, DocumentItem) and item.kind == "attachment":
            self.attachments += 1
        elif isinstance(item, (DocumentItem, ReusedItem)):
            self.pages += 1

    def line(self) -> str:
        rate = self.pages / max(time.monotonic() - self.started, 1e-6)
        return f"网页 {self.pages}  附件 {self.attachments}  错误 {self.errors}  {rate:.1f} 页/秒"

    def show(self, end: str | None = None) -> None:
        if self.mode == "bar":
            sys.stdout.write("\r" + self.line() + (end or ""))
        else:
            sys.stdout.write(f"[fazhi crawl] {self.line()}\n")
        sys.stdout.flush()
