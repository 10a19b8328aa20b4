"""Which unit (责任单位) a URL or a document belongs to (CHECKS.md, "unit")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from county.config import Config, Unit

# index-table and meta fields that name the publishing body
PUBLISHER_FIELDS = ("发布机构", "来源", "信息来源", "发文机关", "ContentSource", "contentsource", "source")


class UnitFinder:
    """The configured units indexed once, for attributing every document of a crawl or a run."""

    def __init__(self, units: tuple[Unit, ...]) -> None:
        self._county = next(unit for unit in units if unit.has_role("county"))
        others = [unit for unit in units if not unit.has_role("county")]
        prefixes = sorted(((_strip_scheme(prefix), unit) for unit in others for prefix in unit.url_prefixes),
                          key=lambda pair: -len(pair[0]))
        self._unit_of_prefix: dict[str, Unit] = {}
        for prefix, unit in prefixes:
            self._unit_of_prefix.setdefault(prefix, unit)
        # the longest prefix first: the first alternative that matches is the longest
        self._prefixes = re.compile("|".join(re.escape(prefix) for prefix, _ in prefixes)) if prefixes else None
        self._names = [(name, unit) for unit in others for name in unit.names if name]

    def attribute(self, url: str, fields: Mapping[str, Any]) -> str:
        """Canonical name of the unit a document belongs to; the county government by default."""
        return (self.by_url(url) or self.by_publisher(fields) or self._county).name

    def attribute_url(self, url: str) -> str:
        return (self.by_url(url) or self._county).name

    def by_url(self, url: str) -> Unit | None:
        """The non-county unit with the longest URL prefix containing ``url``."""
        found = self._prefixes.match(_strip_scheme(url)) if self._prefixes else None
        return self._unit_of_prefix[found.group(0)] if found else None

    def by_publisher(self, fields: Mapping[str, Any]) -> Unit | None:
        """The non-county unit whose name or alias the publisher fields name (longest name wins)."""
        publisher = " ".join(str(fields.get(key, "")) for key in PUBLISHER_FIELDS if fields.get(key))
        return self._named_in(publisher) if publisher else None

    @lru_cache(maxsize=4096)
    def _named_in(self, publisher: str) -> Unit | None:
        best: tuple[int, Unit] | None = None
        for name, unit in self._names:
            if name in publisher and (best is None or len(name) > best[0]):
                best = (len(name), unit)
        return best[1] if best else None


@lru_cache(maxsize=8)
def unit_finder(units: tuple[Unit, ...]) -> UnitFinder:
    return UnitFinder(units)


def unit_by_url(url: str, config: Config) -> Unit | None:
    return unit_finder(config.units).by_url(url)


def unit_by_publisher(fields: Mapping[str, Any], config: Config) -> Unit | None:
    return unit_finder(config.units).by_publisher(fields)


def attribute(url: str, fields: Mapping[str, Any], config: Config) -> str:
    return unit_finder(config.units).attribute(url, fields)


def attribute_url(url: str, config: Config) -> str:
    return unit_finder(config.units).attribute_url(url)


def _strip_scheme(url: str) -> str:
    # http and https copies of one portal are the same unit's pages
    return url.split("://", 1)[-1].lower()
