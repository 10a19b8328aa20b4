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
        self.failed: list[str] = []
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.get("FAZHI_PROGRESS", "off"))

    def opened(self, spider):
        plan = getattr(spider, "plan", None)
        if self.mode != "off" and plan is not None:
            sys.stderr.write(f"[fazhi crawl] {plan.summary()}\n")
        if self.mode != "off":
            self.loop.start(0.5 if self.mode == "bar" else 30.0, now=False)

    def closed(self, spider, reason):
        if self.loop.running:
            self.loop.stop()
        if self.mode != "off":
            self.show(end="\n")
            self.list_failures()

    def scraped(self, item, response, spider):
        if isinstance(item, FetchErrorItem):
            self.errors += 1
            self.failed.append(f"{item.url}（{item.reason}）")
        elif isinstance(item, (DocumentItem, ReusedItem)) and item.kind == "attachment":
            self.attachments += 1
        elif isinstance(item, (DocumentItem, ReusedItem)):
            self.pages += 1

    def list_failures(self, most: int = 10) -> None:
        for failure in self.failed[:most]:
            sys.stderr.write(f"[fazhi crawl] 抓取失败：{failure}\n")
        if len(self.failed) > most:
            sys.stderr.write(f"[fazhi crawl] …… 另有 {len(self.failed) - most} 个网址抓取失败\n")
        sys.stderr.flush()

    def line(self) -> str:
        rate = self.pages / max(time.monotonic() - self.started, 1e-6)
        return f"网页 {self.pages}  附件 {self.attachments}  错误 {self.errors}  {rate:.1f} 页/秒"

    def show(self, end: str | None = None) -> None:
        if self.mode == "bar":
            sys.stderr.write("\r" + self.line() + (end or ""))
        else:
            sys.stderr.write(f"[fazhi crawl] {self.line()}\n")
        sys.stderr.flush()
