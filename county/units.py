"""Which unit (责任单位) a URL or a document belongs to (CHECKS.md, "unit"), and why.

A document under a unit's URL prefix is that unit's whatever its 来源 says (a department's
own section names the department, and a 来源 left empty or filled in wrongly must not move
it); elsewhere the publisher fields (发布机构, 来源 …) and then the 索引号 prefix decide; what
names no configured department or township is the county government's. The reason goes
with the unit into the store and the report's evidence, so a unit can see why a page counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from county.config import Config, Unit

# index-table and meta fields that name the publishing body
PUBLISHER_FIELDS = ("发布机构", "来源", "信息来源", "发文机关", "ContentSource", "contentsource", "source")
INDEX_FIELDS = ("索引号", "信息索引号")
# what a report shows for a document that names no other unit
COUNTY_DEFAULT = "未归入其他单位（不在部门或乡镇的网址前缀下，发布机构、来源、索引号也未写明）"


@dataclass(frozen=True)
class Attribution:
    """The unit a document is credited to and why: 网址前缀 …, 发布机构：…, 来源：…, 索引号 …"""

    unit: str
    reason: str


class UnitFinder:
    """The configured units indexed once, for attributing every document of a crawl or a run."""

    def __init__(self, units: tuple[Unit, ...]) -> None:
        self._county = next(unit for unit in units if unit.has_role("county"))
        others = [unit for unit in units if not unit.has_role("county")]
        prefixes = sorted(((_strip_scheme(prefix), unit) for unit in others for prefix in unit.url_prefixes),
                          key=lambda pair: -len(pair[0]))
        self._unit_of_prefix: dict[str, Unit] = {}
        self._configured_prefix = {_strip_scheme(prefix): prefix for unit in others for prefix in unit.url_prefixes}
        for prefix, unit in prefixes:
            self._unit_of_prefix.setdefault(prefix, unit)
        # the longest prefix first: the first alternative that matches is the longest
        self._prefixes = re.compile("|".join(re.escape(prefix) for prefix, _ in prefixes)) if prefixes else None
        self._names = [(name, unit) for unit in others for name in unit.names if name]
        self._index_prefixes = sorted(((prefix.lower(), unit) for unit in others for prefix in unit.index_prefixes),
                                      key=lambda pair: -len(pair[0]))

    def attribute(self, url: str, fields: Mapping[str, Any]) -> str:
        """Canonical name of the unit a document belongs to; the county government by default."""
        return self.attribution(url, fields).unit

    def attribution(self, url: str, fields: Mapping[str, Any]) -> Attribution:
        """The unit a document belongs to, with the prefix, field or 索引号 that decided it."""
        found = self._prefix_of(url)
        if found is not None:
            return Attribution(self._unit_of_prefix[found].name, f"网址前缀 {self._configured_prefix.get(found, found)}")
        unit = self.by_publisher(fields)
        if unit is not None:
            label, value = next((key, str(fields[key]).strip()) for key in PUBLISHER_FIELDS
                                if fields.get(key) and any(name in str(fields[key]) for name in unit.names))
            # (a name always sits in one field: the fields are joined with spaces and names have none)
            return Attribution(unit.name, f"{label}：{value}")
        indexed = self._by_index(fields)
        if indexed is not None:
            return Attribution(indexed[0].name, f"索引号 {indexed[1]}")
        return Attribution(self._county.name, COUNTY_DEFAULT)

    def attribute_url(self, url: str) -> str:
        return (self.by_url(url) or self._county).name

    def by_url(self, url: str) -> Unit | None:
        """The non-county unit with the longest URL prefix containing ``url``."""
        found = self._prefix_of(url)
        return self._unit_of_prefix[found] if found is not None else None

    def _prefix_of(self, url: str) -> str | None:
        found = self._prefixes.match(_strip_scheme(url)) if self._prefixes else None
        return found.group(0) if found else None

    def _by_index(self, fields: Mapping[str, Any]) -> tuple[Unit, str] | None:
        """The unit whose configured 索引号 prefix (lsx31/ …) the document's 索引号 starts with."""
        number = next((str(fields[key]).strip() for key in INDEX_FIELDS if fields.get(key)), "")
        if not number:
            return None
        return next(((unit, number) for prefix, unit in self._index_prefixes if number.lower().startswith(prefix)), None)

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


def attribution(url: str, fields: Mapping[str, Any], config: Config) -> Attribution:
    return unit_finder(config.units).attribution(url, fields)


def attribute_url(url: str, config: Config) -> str:
    return unit_finder(config.units).attribute_url(url)


def _strip_scheme(url: str) -> str:
    # http and https copies of one portal are the same unit's pages
    return url.split("://", 1)[-1].lower()
