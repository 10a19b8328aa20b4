"""Which unit (责任单位) a URL or a document belongs to (CHECKS.md, "unit")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from county.config import Config, Unit

# index-table and meta fields that name the publishing body
PUBLISHER_FIELDS = ("发布机构", "来源", "信息来源", "发文机关", "ContentSource", "contentsource", "source")


def unit_by_url(url: str, config: Config) -> Unit | None:
    """The non-county unit with the longest URL prefix containing ``url``."""
    best: tuple[int, Unit] | None = None
    for unit in config.units:
        if unit.has_role("county"):
            continue
        for prefix in unit.url_prefixes:
            if _under(url, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), unit)
    return best[1] if best else None


def unit_by_publisher(fields: Mapping[str, Any], config: Config) -> Unit | None:
    """The non-county unit whose name or alias the publisher fields name (longest name wins)."""
    publisher = " ".join(str(fields.get(key, "")) for key in PUBLISHER_FIELDS if fields.get(key))
    if not publisher:
        return None
    best: tuple[int, Unit] | None = None
    for unit in config.units:
        if unit.has_role("county"):
            continue
        for name in unit.names:
            if name and name in publisher and (best is None or len(name) > best[0]):
                best = (len(name), unit)
    return best[1] if best else None


def attribute(url: str, fields: Mapping[str, Any], config: Config) -> str:
    """Canonical name of the unit a document belongs to; the county government by default."""
    unit = unit_by_url(url, config) or unit_by_publisher(fields, config)
    return (unit or config.county_unit).name


def attribute_url(url: str, config: Config) -> str:
    unit = unit_by_url(url, config)
    return (unit or config.county_unit).name


def _under(url: str, prefix: str) -> bool:
    return _strip_scheme(url).startswith(_strip_scheme(prefix))


def _strip_scheme(url: str) -> str:
    # http and https copies of one portal are the same unit's pages
    return url.split("://", 1)[-1].lower()
