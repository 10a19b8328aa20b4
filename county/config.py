"""The county configuration (TOML, INTERFACE.md), validated into plain dataclasses.

Every problem is reported as one ConfigError whose message names the key path
(`units[3].aliases`, units and list items counted from 1), so the nightly job
fails with one readable line instead of a traceback or, worse, a silent default.

Each table is a dataclass whose fields carry their own check (`setting`): the
table accepts exactly those keys, so adding a key is one line in its dataclass.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import ipaddress
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

ROLES = ("county", "department", "township", "enforcement")

# (raw TOML value, key path) -> the validated value; raises ConfigError
Check = Callable[[Any, str], Any]

# the bundled Public Suffix List: gov.cn, com.cn, hn.cn … are suffixes, not sites
_SUFFIXES = PublicSuffixList()
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ConfigError(Exception):
    pass


def setting(check: Check, default: Any = MISSING) -> Any:
    """A dataclass field read from the key of the same name, validated by `check`."""
    return field(default=default, metadata={"check": check})


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD date; the ValueError says whether the format is wrong or the day does not exist."""
    if not _ISO_DATE.fullmatch(text.strip()):
        raise ValueError(f"日期格式应为 YYYY-MM-DD: {text!r}")
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"日期不存在: {text.strip()}") from None


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "一个表"
    return str(value)


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where} 应为字符串，现为 {_shown(value)}")
    return value.strip()


def text(value: Any, where: str) -> str:
    return _string(value, where)


def nonblank(value: Any, where: str) -> str:
    value = _string(value, where)
    if not value:
        raise ConfigError(f"{where} 不能为空")
    return value


def boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} 应为 true 或 false，现为 {_shown(value)}")
    return value


def integer(minimum: int) -> Check:
    def check(value: Any, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{where} 应为整数，现为 {_shown(value)}")
        if value < minimum:
            raise ConfigError(f"{where} 应不小于 {minimum}，现为 {value}")
        return value

    return check


def number(minimum: float, *, above: bool = False) -> Check:
    """A finite number ≥ minimum (> minimum when `above`); a whole number is fine where seconds are expected."""

    def check(value: Any, where: str) -> float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ConfigError(f"{where} 应为数字，现为 {_shown(value)}")
        if not math.isfinite(value):
            raise ConfigError(f"{where} 应为有限的数字，现为 {_shown(value)}")
        if value < minimum or (above and value == minimum):
            raise ConfigError(f"{where} 应{'大于' if above else '不小于'} {minimum:g}，现为 {value:g}")
        return float(value)

    return check


def share(value: Any, where: str) -> float:
    """A proportion between 0 and 1, both allowed."""
    proportion = number(0)(value, where)
    if proportion > 1:
        raise ConfigError(f"{where} 应为 0 到 1 之间的比例，现为 {proportion:g}")
    return proportion


def list_of(item: Check, *, at_least: int = 0) -> Check:
    def check(value: Any, where: str) -> tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{where} 应为列表（[...]），现为 {_shown(value)}")
        if len(value) < at_least:
            raise ConfigError(f"{where} 至少需要 {at_least} 项")
        return tuple(item(entry, f"{where}[{n}]") for n, entry in enumerate(value, start=1))

    return check


def strings(value: Any, where: str) -> tuple[str, ...]:
    """Names and titles: blank entries (an emptied template line) are dropped."""
    return tuple(entry for entry in list_of(text)(value, where) if entry)


def choice(options: tuple[str, ...]) -> Check:
    def check(value: Any, where: str) -> str:
        value = _string(value, where)
        if value not in options:
            raise ConfigError(f"{where} 无效: {_shown(value)}；可用: {', '.join(options)}")
        return value

    return check


def day(value: Any, where: str) -> dt.date:
    """A TOML date (2027-01-01) or a "YYYY-MM-DD" string."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
        raise ConfigError(f"{where} 应为日期（2027-01-01 或 \"2027-01-01\"），现为 {_shown(value)}")
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(value)
    except ValueError as error:
        raise ConfigError(f"{where} {error}") from None


def web_url(value: Any, where: str) -> str:
    url = _string(value, where)
    try:
        parts = urlsplit(url)
        # a port out of range raises only when read
        port_ok = parts.port != 0
    except ValueError:
        port_ok = False
    if not port_ok:
        raise ConfigError(f"{where} 不是有效的网址: {_shown(url)}")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where} 应为 http:// 或 https:// 开头的网址，现为 {_shown(url)}")
    return url


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_host_name(host: str) -> bool:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    # an all-numeric last label is a mistyped IP address (999.1.1.1), not a name
    return len(ascii_host) <= 253 and all(_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()


def domain(value: Any, where: str) -> str:
    """A site's host name (or IP address); a bare public suffix like cn or gov.cn would let the crawler roam."""
    host = _string(value, where).lower()
    if _is_ip(host):
        return host
    if not _is_host_name(host):
        raise ConfigError(f"{where} 应为域名（如 www.example.gov.cn，不含 http:// 和路径），现为 {_shown(host)}")
    if _SUFFIXES.privatesuffix(host) is None:
        raise ConfigError(f"{where} 是公共后缀 {_shown(host)}，不是某个网站的域名（如 hnls.gov.cn）")
    return host


def network(value: Any, where: str) -> str:
    entry = _string(value, where).lower()
    try:
        ipaddress.ip_network(entry)
    except ValueError:
        if not _is_host_name(entry):
            raise ConfigError(f"{where} 应为主机名或网段（如 intranet.example.gov.cn 或 10.0.0.0/8），现为 {_shown(entry)}") from None
    return entry


@dataclass(frozen=True)
class CountySettings:
    name: str = setting(nonblank)


@dataclass(frozen=True)
class CrawlSettings:
    start_urls: tuple[str, ...] = setting(list_of(web_url, at_least=1))
    allowed_domains: tuple[str, ...] = setting(list_of(domain, at_least=1))
    max_pages: int = setting(integer(1), 20000)
    # ≥ 1: Scrapy reads a DEPTH_LIMIT of 0 as "no limit", which a typo must not turn on
    max_depth: int = setting(integer(1), 12)
    delay: float = setting(number(0), 1.0)
    concurrency_per_domain: int = setting(integer(1), 2)
    obey_robots: bool = setting(boolean, True)
    autothrottle: bool = setting(boolean, True)
    contact: str = setting(text, "")
    timeout: float = setting(number(0, above=True), 30.0)
    retries: int = setting(integer(0), 3)
    # > 0: the crawler reads 0 as "no limit"
    max_attachment_mb: float = setting(number(0, above=True), 20.0)
    # an attachment whose parts unpack to more is a decompression bomb
    max_unpacked_mb: float = setting(number(1), 100.0)
    # text extraction time per attachment
    attachment_seconds: float = setting(number(1), 60.0)
    # address space of the extraction worker; below ~100 MB Python itself cannot start
    attachment_memory_mb: float = setting(number(128), 320.0)
    allow_private_addresses: bool = setting(boolean, False)
    # host names or networks that may be crawled although they are private
    allowed_networks: tuple[str, ...] = setting(list_of(network), ())
    # most pages taken from one URL directory, and from one URL shape (numbers blanked). A county
    # portal keeps a whole column in one folder and every article in one shape
    # (/contents/12/3456.html), so by default a shape may take the whole crawl (max_pages):
    # max_depth already stops a generator of endless pages
    max_pages_per_section: int = setting(integer(1), 10000)
    max_pages_per_pattern: int | None = setting(integer(1), None)
    jobdir: str | None = setting(nonblank, None)
    http_cache: bool = setting(boolean, False)
    # a document that is no list, no evidence and did not change lately is re-verified once in this
    # many nights (crawler.schedule); 1 re-requests every known document every night
    reverify_days: int = setting(integer(1), 7)

    @property
    def pattern_cap(self) -> int:
        return self.max_pages_per_pattern or self.max_pages


@dataclass(frozen=True)
class Unit:
    name: str = setting(nonblank)
    aliases: tuple[str, ...] = setting(strings, ())
    url_prefixes: tuple[str, ...] = setting(list_of(web_url), ())
    # how the unit's 索引号 begin (lsx31/): they name the publishing unit where the URL does not
    index_prefixes: tuple[str, ...] = setting(strings, ())
    roles: tuple[str, ...] = setting(list_of(choice(ROLES)), ())

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


@dataclass(frozen=True)
class CalendarSettings:
    extra_holidays: tuple[dt.date, ...] = setting(list_of(day), ())
    extra_workdays: tuple[dt.date, ...] = setting(list_of(day), ())


@dataclass(frozen=True)
class MajorDecisions:
    # titles of 重大行政决策 the county has listed, so their comment notices are judged under 34
    titles: tuple[str, ...] = setting(strings, ())


@dataclass(frozen=True)
class StoreSettings:
    # runs whose documents are kept; older runs keep only their summary and findings
    keep_runs: int = setting(integer(2), 14)
    # a run is complete (CHECKS.md) with at least this share of the last complete run's documents …
    complete_min_documents: float = setting(share, 0.5)
    # … and fetch errors on at most this share of its requests
    complete_max_errors: float = setting(share, 0.2)


TABLES = ("county", "crawl", "units", "calendar", "major_decisions", "store")


@dataclass(frozen=True)
class Config:
    county: str
    crawl: CrawlSettings
    units: tuple[Unit, ...]
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
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
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"配置文件不存在: {path}") from None
    except OSError as error:
        raise ConfigError(f"无法读取配置文件 {path}: {error.strerror or error}") from None
    try:
        # utf-8-sig: Windows Notepad may put a byte-order mark in front
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码{_encoding_guess(data)}，请另存为 UTF-8") from None
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"配置文件 {path} 不是有效的 TOML: {error}") from None
    return parse_config(raw, path)


def _encoding_guess(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "（看起来是 UTF-16）"
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return "（看起来是 GBK）"


def parse_config(raw: dict[str, Any], path: Path | None = None) -> Config:
    _reject_unknown(raw, TABLES, "")
    county = _read(CountySettings, _required(raw, "county"), "county")
    crawl = _read(CrawlSettings, _required(raw, "crawl"), "crawl")
    for n, url in enumerate(crawl.start_urls, start=1):
        _check_within(url, crawl, f"crawl.start_urls[{n}]", "爬虫不会抓取它")
    units = _units(raw.get("units"), crawl)
    calendar = _read(CalendarSettings, raw.get("calendar", {}), "calendar")
    _check_calendar(calendar)
    return Config(
        county=county.name,
        crawl=crawl,
        units=units,
        calendar=calendar,
        major_decisions=_read(MajorDecisions, raw.get("major_decisions", {}), "major_decisions").titles,
        store=_read(StoreSettings, raw.get("store", {}), "store"),
        path=path,
    )


def _required(raw: dict[str, Any], table: str) -> Any:
    if table not in raw:
        raise ConfigError(f"配置缺少 [{table}] 表")
    return raw[table]


def _read(cls: type, table: Any, where: str, form: str = "") -> Any:
    """One TOML table as the dataclass `cls`: every key known and checked, defaults for the rest."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where} 应为表（{form or f'[{where}]'}），现为 {_shown(table)}")
    known = {spec.name: spec for spec in fields(cls)}
    _reject_unknown(table, tuple(known), where)
    values = {}
    for name, spec in known.items():
        if name in table:
            values[name] = spec.metadata["check"](table[name], f"{where}.{name}")
        elif spec.default is MISSING:
            raise ConfigError(f"配置缺少 {where}.{name}")
    return cls(**values)


def _reject_unknown(table: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in table:
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"是不是 {close[0]}？" if close else f"可用: {', '.join(known)}"
        place = f"{where} 中" if where else "配置中"
        raise ConfigError(f"{place}有未知的设置 {key}（{hint}）")


def _units(raw: Any, crawl: CrawlSettings) -> tuple[Unit, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError("配置缺少 units（至少一个 [[units]] 表）")
    units = tuple(_read(Unit, entry, f"units[{n}]", "[[units]]") for n, entry in enumerate(raw, start=1))
    first_seen: dict[str, int] = {}
    for n, unit in enumerate(units, start=1):
        if unit.name in first_seen:
            raise ConfigError(f"units[{n}].name 与 units[{first_seen[unit.name]}] 重复: {unit.name}")
        first_seen[unit.name] = n
        for p, prefix in enumerate(unit.url_prefixes, start=1):
            _check_within(prefix, crawl, f"units[{n}].url_prefixes[{p}]", "这个单位的网页不会被抓取")
    counties = [f"units[{n}]" for n, unit in enumerate(units, start=1) if unit.has_role("county")]
    if len(counties) != 1:
        listed = f": {'、'.join(counties)}" if counties else ""
        raise ConfigError(f"必须恰好有一个单位的 roles 含 county（县政府），现有 {len(counties)} 个{listed}")
    return units


def _check_within(url: str, crawl: CrawlSettings, where: str, consequence: str) -> None:
    host = (urlsplit(url).hostname or "").lower()
    if not any(host == domain or host.endswith("." + domain) for domain in crawl.allowed_domains):
        raise ConfigError(f"{where} 中的 {url} 不在 crawl.allowed_domains 之内，{consequence}")


def _check_calendar(settings: CalendarSettings) -> None:
    both = sorted(set(settings.extra_holidays) & set(settings.extra_workdays))
    if both:
        raise ConfigError(f"calendar 中同一天既是放假又是上班: {', '.join(day.isoformat() for day in both)}")
