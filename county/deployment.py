"""A deployment: the counties a city or province checks the same way, from one file.

A deployment file is TOML. Its ``[deployment]`` table names the city or province and, when
the counties share one store, its database URL; each ``[[counties]]`` table points at a
county configuration as ``fazhi run --config`` reads it, relative to the deployment file:

    [deployment]
    name = "平顶山市"
    db = "postgresql+psycopg://fazhi@127.0.0.1/fazhi"

    [[counties]]
    config = "counties/lushan.toml"
    slug = "lushan"

The slug names the county's report folder and its part of a roll-up; it defaults to the
configuration's file name without ``.toml``.

Workers (``fazhi worker``) take their jobs from ``broker``. Counties that share a provincial
platform share its request budget when ``politeness`` names a Redis database: every crawl
then takes a token for the host before each request, ``host_rate`` requests per second per
host, or the rate ``[deployment.host_rates]`` gives that host:

    politeness = "redis://127.0.0.1:6379/1"
    host_rate = 2.0
    [deployment.host_rates]
    "www.hnzwfw.gov.cn" = 1.0
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from county.config import (
    Config,
    ConfigError,
    _read,
    _reject_unknown,
    _shown,
    domain,
    integer,
    load_config,
    nonblank,
    number,
    setting,
)

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
TABLES = ("deployment", "counties")


def slug(value: Any, where: str) -> str:
    text = nonblank(value, where)
    if not SLUG.fullmatch(text):
        raise ConfigError(f"{where} 只能用小写字母、数字、- 和 _（作为报告目录名），现为 {text!r}")
    return text


def service_url(schemes: tuple[str, ...]) -> Callable[[Any, str], str]:
    def check(value: Any, where: str) -> str:
        url = nonblank(value, where)
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - a port out of range raises only when read
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in schemes or not parts.hostname:
            raise ConfigError(f"{where} 应为 {' 或 '.join(s + '://' for s in schemes)} 开头的地址，现为 {_shown(url)}")
        return url

    return check


def host_key(value: Any, where: str) -> str:
    """A host as the politeness budget counts it: its name, with the port when it is not 80 or 443."""
    text = nonblank(value, where).lower()
    name, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise ConfigError(f"{where} 的端口无效: {_shown(text)}")
    domain(name, where)
    return text


def host_rates(value: Any, where: str) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} 应为表（[deployment.host_rates]，主机 = 每秒请求数），现为 {_shown(value)}")
    return tuple((host_key(host, f"{where} 的主机名"), number(0, above=True)(rate, f"{where}.{host}")) for host, rate in value.items())


@dataclass(frozen=True)
class DeploymentSettings:
    name: str = setting(nonblank)
    # one store for every county; None: each county's job is given its own --db
    db: str | None = setting(nonblank, None)
    # where `fazhi enqueue` puts the night's jobs and `fazhi worker` takes them (Celery's broker)
    broker: str = setting(service_url(("redis", "rediss")), "redis://127.0.0.1:6379/0")
    # a job whose whole worker vanished (machine lost, SIGKILL of every process) is handed out
    # again after this many seconds; a running job keeps its own delivery fresh
    redeliver_after: int = setting(integer(10), 300)
    # the Redis database holding each host's shared request budget; None: each county keeps its own delay
    politeness: str | None = setting(service_url(("redis", "rediss", "unix")), None)
    host_rate: float = setting(number(0, above=True), 2.0)
    # (host, requests per second) for hosts whose budget differs from host_rate
    host_rates: tuple[tuple[str, float], ...] = setting(host_rates, ())


@dataclass(frozen=True)
class CountyEntry:
    config: str = setting(nonblank)
    slug: str | None = setting(slug, None)


@dataclass(frozen=True)
class County:
    slug: str
    config: Config
    config_path: Path


@dataclass(frozen=True)
class Deployment:
    name: str
    db: str | None
    counties: tuple[County, ...]
    path: Path
    settings: DeploymentSettings | None = None

    def select(self, wanted: list[str] | None) -> tuple[County, ...]:
        """The counties named by slug or county name, in the deployment's order; all when none are named."""
        if not wanted:
            return self.counties
        known = {key: county for county in self.counties for key in (county.slug, county.config.county)}
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise ConfigError(f"部署 {self.path} 中没有这些县: {'、'.join(unknown)}（可用: {', '.join(c.slug for c in self.counties)}）")
        chosen = {known[name].slug for name in wanted}
        return tuple(county for county in self.counties if county.slug in chosen)


def load_deployment(path: str | Path) -> Deployment:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"部署文件不存在: {path}") from None
    except OSError as error:
        raise ConfigError(f"无法读取部署文件 {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"部署文件 {path} 不是 UTF-8 编码，请另存为 UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"部署文件 {path} 不是有效的 TOML: {error}") from None
    return parse_deployment(raw, path)


def parse_deployment(raw: dict[str, Any], path: Path) -> Deployment:
    _reject_unknown(raw, TABLES, "")
    if "deployment" not in raw:
        raise ConfigError(f"部署文件 {path} 缺少 [deployment] 表")
    settings = _read(DeploymentSettings, raw["deployment"], "deployment")
    entries = raw.get("counties")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"部署文件 {path} 缺少 counties（至少一个 [[counties]] 表）")
    counties = tuple(_county(path, n, entry) for n, entry in enumerate(entries, start=1))
    _refuse_twice(counties, lambda county: county.slug, "slug")
    _refuse_twice(counties, lambda county: county.config.county, "县名（county.name）")
    return Deployment(settings.name, settings.db, counties, path, settings)


def _county(path: Path, n: int, raw: Any) -> County:
    entry = _read(CountyEntry, raw, f"counties[{n}]", "[[counties]]")
    config_path = (path.parent / entry.config).resolve()
    try:
        config = load_config(config_path)
    except ConfigError as error:
        raise ConfigError(f"counties[{n}]: {error}") from None
    return County(entry.slug or slug(config_path.stem.lower(), f"counties[{n}].config 的文件名"), config, config_path)


def _refuse_twice(counties: tuple[County, ...], key, what: str) -> None:
    seen: dict[str, int] = {}
    for n, county in enumerate(counties, start=1):
        value = key(county)
        if value in seen:
            raise ConfigError(f"counties[{n}] 的{what}与 counties[{seen[value]}] 重复: {value}")
        seen[value] = n
