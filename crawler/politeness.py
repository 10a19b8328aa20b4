"""One request budget per host, shared by every crawl of a deployment, kept in Redis.

Counties of a province often publish on one provincial platform; each county's crawl
is polite on its own (DOWNLOAD_DELAY), but twenty of them at once are not. With
FAZHI_POLITENESS_URL set (a deployment's ``politeness``), every request first reserves
the host's next free moment in Redis and waits until then, so that all crawls together,
on any number of workers and machines, send a host at most its rate: requests are
spaced 1/rate seconds apart (a token bucket that holds one token). The reservation is
one atomic Lua script on Redis's own clock, so workers' clocks need not agree, and the
wait is an asyncio sleep: the crawl goes on with other hosts meanwhile.

Without the setting the middleware is not installed and a crawl keeps its own delay.
"""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

KEY_PREFIX = "fazhi:host-budget:"
# slots a request may give up because the crawl woke too late for them (a busy machine), before it goes anyway
LATE_TRIES = 5
# the next free moment of the host, pushed one interval further by each reservation;
# the key expires a minute after it, so hosts no longer crawled leave nothing behind
RESERVE = """
local now = redis.call('TIME')
local clock = tonumber(now[1]) + tonumber(now[2]) / 1000000
local interval = tonumber(ARGV[1])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < clock then slot = clock end
local after = slot + interval
redis.call('SET', KEYS[1], string.format('%.6f', after), 'PX', math.ceil((after - clock) * 1000) + 60000)
return string.format('%.6f', slot - clock)
"""


def host_of(url: str) -> str:
    """The host as budgets are counted: its name, with the port unless it is 80 or 443."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"


class HostBudget:
    """Reserves request slots per host; falls back to pacing within this crawl while Redis is unreachable."""

    def __init__(self, url: str, default_rate: float, rates: dict[str, float]):
        import redis.asyncio

        self.client = redis.asyncio.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.script = self.client.register_script(RESERVE)
        self.default_rate = default_rate
        self.rates = rates
        self.local_slots: dict[str, float] = {}
        self.unreachable = False

    def interval(self, host: str) -> float:
        return 1.0 / self.rates.get(host, self.default_rate)

    async def wait_for_turn(self, host: str) -> None:
        """Wait for a slot of the host; a slot this crawl wakes up too late for is given up for a new one,
        because requests sent late would go out together with those of the slots after them."""
        for _ in range(LATE_TRIES):
            asked = time.monotonic()
            wait = await self.reserve(host)
            if wait > 0:
                await asyncio.sleep(wait)
            if time.monotonic() - (asked + wait) <= self.interval(host) / 2:
                return
        logger.debug("%s: still late after %d slots, sending", host, LATE_TRIES)

    async def reserve(self, host: str) -> float:
        import redis

        try:
            wait = float(await self.script(keys=[KEY_PREFIX + host], args=[f"{self.interval(host):.6f}"]))
        except (redis.RedisError, OSError) as error:
            if not self.unreachable:
                logger.warning("共享礼貌预算（Redis）不可用，本次抓取对每个主机单独限速：%s", error)
            self.unreachable = True
            return self._reserve_locally(host)
        if self.unreachable:
            logger.warning("共享礼貌预算（Redis）已恢复")
            self.unreachable = False
        return wait

    def _reserve_locally(self, host: str) -> float:
        now = time.monotonic()
        slot = max(self.local_slots.get(host, 0.0), now)
        self.local_slots[host] = slot + self.interval(host)
        return slot - now

    async def close(self) -> None:
        await self.client.aclose()


class SharedPolitenessMiddleware:
    """Waits for the host's shared budget before each request leaves for the downloader."""

    def __init__(self, budget: HostBudget):
        self.budget = budget

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        url = settings.get("FAZHI_POLITENESS_URL")
        if not url:
            raise NotConfigured  # without a message: Scrapy would log one warning for every crawl
        budget = HostBudget(url, settings.getfloat("FAZHI_HOST_RATE"), dict(settings.getdict("FAZHI_HOST_RATES")))
        middleware = cls(budget)
        from scrapy import signals

        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_request(self, request):
        await self.budget.wait_for_turn(host_of(request.url))
        return None

    async def spider_closed(self):
        await self.budget.close()


def politeness_settings(politeness: str | None, host_rate: float, host_rates: tuple[tuple[str, float], ...]) -> dict:
    """Scrapy settings for a deployment's shared budget (county.deployment.DeploymentSettings' keys)."""
    if not politeness:
        return {}
    return {"FAZHI_POLITENESS_URL": politeness, "FAZHI_HOST_RATE": host_rate, "FAZHI_HOST_RATES": dict(host_rates)}
