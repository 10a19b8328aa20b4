"""The county configuration (TOML, INTERFACE.md), validated into plain dataclasses.

Every problem is reported as one ConfigError whose message names the key, so the
nightly job fails with one readable line instead of a traceback.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROLES = ("county", "department", "township", "enforcement")


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class CrawlSettings:
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    max_pages: int = 20000
    max_depth: int = 12
    delay: float = 1.0
    concurrency_per_domain: int = 2
    obey_robots: bool = True
    autothrottle: bool = True
    contact: str = ""
    timeout: float = 30.0
    retries: int = 3
    max_attachment_mb: float = 20.0
    allow_private_addresses: bool = False
    allowed_networks: tuple[str, ...] = ()
    max_pages_per_section: int = 5000
    max_pages_per_pattern: int = 10000
    jobdir: str | None = None
    http_cache: bool = False


@dataclass(frozen=True)
class Unit:
    name: str
    aliases: tuple[str, ...] = ()
    url_prefixes: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


@dataclass(frozen=True)
class CalendarSettings:
    extra_holidays: tuple[dt.date, ...] = ()
    extra_workdays: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class StoreSettings:
    # runs whose documents are kept; older runs keep only their summary and findings
    keep_runs: int = 14


@dataclass(frozen=True)
class Config:
    county: str
    crawl: CrawlSettings
    units: tuple[Unit, ...]
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    # titles of 重大行政决策 the county has listed, so their comment notices are judged under 34
    major_decisions: tuple[str, ...] = ()
    store: StoreSettings = field(default_factory=StoreSettings)
    path: Path | None = None

    @property
    def county_unit(self) -> Unit:
        return next(unit for unit in self.units if unit.has_role("county"))

    def unit(self, name: str) -> Unit:
        for unit in self.units:
            if unit.name == name:
                return unit
        raise KeyError(name)


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"配置文件不存在: {path}") from None
    except OSError as error:
        raise ConfigError(f"无法读取配置文件 {path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"配置文件 {path} 不是有效的 TOML: {error}") from None
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path | None = None) -> Config:
    county = _table(raw, "county")
    name = _text(county, "name", "county.name")
    units = tuple(_unit(entry, index) for index, entry in enumerate(_list(raw, "units", "units")))
    _check_units(units)
    return Config(
        county=name,
        crawl=_crawl(_table(raw, "crawl")),
        units=units,
        calendar=_calendar(raw.get("calendar", {})),
        major_decisions=tuple(_strings(raw.get("major_decisions", {}).get("titles", []), "major_decisions.titles")),
        store=_store(raw.get("store", {})),
        path=path,
    )


def _crawl(table: dict[str, Any]) -> CrawlSettings:
    start_urls = tuple(_strings(table.get("start_urls"), "crawl.start_urls"))
    if not start_urls:
        raise ConfigError("crawl.start_urls 至少需要一个网址")
    for url in start_urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise ConfigError(f"crawl.start_urls 中的网址无效: {url!r}")
    domains = tuple(_strings(table.get("allowed_domains"), "crawl.allowed_domains"))
    if not domains:
        raise ConfigError("crawl.allowed_domains 至少需要一个域名（爬虫不会离开这些域名）")
    for url in start_urls:
        if not _within(urlsplit(url).hostname or "", domains):
            raise ConfigError(f"crawl.start_urls 中的 {url} 不在 crawl.allowed_domains 之内，爬虫不会抓取它")
    known = {key for key in CrawlSettings.__dataclass_fields__} - {"start_urls", "allowed_domains"}
    unknown = set(table) - known - {"start_urls", "allowed_domains"}
    if unknown:
        raise ConfigError(f"crawl 中有未知的设置: {', '.join(sorted(unknown))}")
    options = {key: _option(key, table[key]) for key in known - {"allowed_networks"} if key in table}
    options["allowed_networks"] = tuple(_strings(table.get("allowed_networks"), "crawl.allowed_networks"))
    settings = CrawlSettings(start_urls=start_urls, allowed_domains=domains, **options)
    if settings.concurrency_per_domain < 1 or settings.max_pages < 1 or settings.delay < 0:
        raise ConfigError("crawl.concurrency_per_domain 与 crawl.max_pages 须为正数，crawl.delay 不能为负")
    return settings


def _within(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _option(key: str, value: Any) -> Any:
    """A crawl option of the type its default has (an int is fine where a float is expected)."""
    default = CrawlSettings.__dataclass_fields__[key].default
    expected = str if default is None else type(default)
    fits = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not fits:
        names = {bool: "true 或 false", int: "整数", float: "数字", str: "字符串"}
        raise ConfigError(f"crawl.{key} 应为{names[expected]}，现为 {value!r}")
    return value


def _unit(entry: Any, index: int) -> Unit:
    where = f"units[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} 必须是表（[[units]]）")
    name = _text(entry, "name", f"{where}.name")
    roles = tuple(_strings(entry.get("roles", []), f"{where}.roles"))
    bad = [role for role in roles if role not in ROLES]
    if bad:
        raise ConfigError(f"{where}（{name}）的角色无效: {', '.join(bad)}；可用: {', '.join(ROLES)}")
    return Unit(
        name=name,
        aliases=tuple(_strings(entry.get("aliases", []), f"{where}.aliases")),
        url_prefixes=tuple(_strings(entry.get("url_prefixes", []), f"{where}.url_prefixes")),
        roles=roles,
    )


def _check_units(units: tuple[Unit, ...]) -> None:
    counties = [unit.name for unit in units if unit.has_role("county")]
    if len(counties) != 1:
        raise ConfigError(f"必须恰好有一个角色为 county 的单位（县政府），现有 {len(counties)} 个")
    seen: set[str] = set()
    for unit in units:
        if unit.name in seen:
            raise ConfigError(f"单位名称重复: {unit.name}")
        seen.add(unit.name)


def _calendar(table: Any) -> CalendarSettings:
    if not isinstance(table, dict):
        raise ConfigError("calendar 必须是表")
    settings = CalendarSettings(
        extra_holidays=tuple(_date(value, "calendar.extra_holidays") for value in table.get("extra_holidays", [])),
        extra_workdays=tuple(_date(value, "calendar.extra_workdays") for value in table.get("extra_workdays", [])),
    )
    both = sorted(set(settings.extra_holidays) & set(settings.extra_workdays))
    if both:
        raise ConfigError(f"calendar 中同一天既是放假又是上班: {', '.join(day.isoformat() for day in both)}")
    return settings


def _store(table: Any) -> StoreSettings:
    if not isinstance(table, dict) or set(table) - {"keep_runs"}:
        raise ConfigError("store 只接受 keep_runs（保留文档的最近运行次数）")
    keep_runs = table.get("keep_runs", StoreSettings.keep_runs)
    if not isinstance(keep_runs, int) or isinstance(keep_runs, bool) or keep_runs < 2:
        raise ConfigError(f"store.keep_runs 须为不小于 2 的整数: {keep_runs!r}")
    return StoreSettings(keep_runs=keep_runs)


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where} 中的日期无效: {value!r}（格式 YYYY-MM-DD）") from None


def _table(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise ConfigError(f"配置缺少 [{key}] 表")
    return value


def _list(raw: dict[str, Any], key: str, where: str) -> list[Any]:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        raise ConfigError(f"配置缺少 {where}（至少一个 [[{key}]]）")
    return value


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"配置缺少 {where}")
    return value.strip()


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} 必须是字符串列表")
    return [item.strip() for item in value if item.strip()]
