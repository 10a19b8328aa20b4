"""Helpers for crawling fixture sites served on 127.0.0.1 (tests, benchmark, demo)."""

from __future__ import annotations

from typing import Any

from fazhi.config import Config, parse_config

# politeness off for local fixture servers only: never for a real county site
FAST: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "FAZHI_RETRY_BACKOFF": 0.05,
    "FAZHI_STORE_INTERVAL": 0.2,
}


def local_config(start_url: str, units: list[dict] | None = None, county: str = "测试县", **crawl: Any) -> Config:
    """A configuration that crawls a site on 127.0.0.1 (private addresses allowed, no delay)."""
    options = {"delay": 0, "retries": 1, "timeout": 10, "allow_private_addresses": True} | crawl
    return parse_config(
        {
            "county": {"name": county},
            "crawl": {"start_urls": [start_url], "allowed_domains": ["127.0.0.1"], **options},
            "units": units or [{"name": "县人民政府", "roles": ["county"]}],
        }
    )
