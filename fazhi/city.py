"""A city's or province's night: each county's nightly job in turn, then the roll-up.

Each county's report goes to <out>/<slug>/, published as `fazhi run --config` publishes
it; the roll-up (index.html, rollup.json, rollup.xlsx) goes to <out>/ itself and links
into them. One county's failure is reported and the others go on; the exit status is
the worst of the counties' (README, "市、省部署").
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from county.config import Config, ConfigError
from county.deployment import County, Deployment
from crawler.politeness import politeness_settings
from fazhi.jobs import JobError, incomplete_reason, nightly
from storage.db import StoreError, open_engine, session_factory
from storage.locks import Busy, folder_lock

log = logging.getLogger(__name__)

# INTERFACE.md's exit statuses; a city's night ends with the worst of its counties'
OK, FAILED, BAD_INPUT, INCOMPLETE, BUSY = 0, 1, 2, 3, 4
# worst first: a setup to fix, a night that could not complete, a county that did not run, a partial crawl
SEVERITY = {BAD_INPUT: 4, FAILED: 3, BUSY: 2, INCOMPLETE: 1, OK: 0}


def worst_status(statuses: Iterable[int]) -> int:
    return max(statuses, key=SEVERITY.__getitem__, default=OK)


def county_store(deployment: Deployment, county: County) -> str:
    """The deployment's shared store, or the county's own SQLite file beside the deployment file."""
    if deployment.db:
        return deployment.db
    folder = deployment.path.parent / "stores"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / county.slug}.db"


def with_jobdir(deployment: Deployment, county: County) -> Config:
    """Every county crawls with a jobdir, so that a job handed out again resumes its run."""
    if county.config.crawl.jobdir:
        return county.config
    jobdir = deployment.path.parent / "jobs" / county.slug
    return replace(county.config, crawl=replace(county.config.crawl, jobdir=str(jobdir)))


def run_county(deployment: Deployment, county: County, as_of: dt.date, out_root: Path, db_url: str) -> Path:
    """The county's night into out_root/<slug>, with a jobdir and the deployment's shared host budget."""
    config = with_jobdir(deployment, county)
    settings = deployment.settings
    overrides = politeness_settings(settings.politeness, settings.host_rate, settings.host_rates) if settings else {}
    return nightly(config, db_url, as_of, Path(out_root) / county.slug, overrides)


def rollup_step(deployment: Deployment, db_url: str | None, as_of: dt.date, out_root: Path) -> Path:
    """The roll-up of every county of the deployment, from the store (db_url; None: each county's
    own, as county_store gives it), into out_root; returns its index.html."""
    from reports.rollup_render import write_rollup

    out_root = Path(out_root)
    urls = {county.slug: db_url or county_store(deployment, county) for county in deployment.counties}
    engines = {url: open_engine(url) for url in set(urls.values())}
    with folder_lock(out_root, "汇总报告目录", JobError), ExitStack() as stack:
        sessions = {url: stack.enter_context(session_factory(engine)()) for url, engine in engines.items()}
        try:
            return write_rollup({slug: sessions[url] for slug, url in urls.items()}, deployment, as_of, out_root)
        except OSError as error:
            raise JobError(f"汇总报告无法写入 {out_root}：{error.strerror or error}") from error
        finally:
            for engine in engines.values():
                engine.dispose()


def city_night(deployment: Deployment, counties: tuple[County, ...], as_of: dt.date, out_root: Path, db_url: str | None) -> int:
    """Run the counties one after another, then the roll-up; prints each county's report and returns the worst status.
    db_url: the store of every county (None: county_store's)."""
    statuses = [_one_county(deployment, county, as_of, out_root, db_url or county_store(deployment, county)) for county in counties]
    try:
        print(rollup_step(deployment, db_url, as_of, out_root))
    except (JobError, StoreError) as error:
        print(f"fazhi: 汇总报告：{error}", file=sys.stderr)
        statuses.append(FAILED)
    except Busy as error:
        print(f"fazhi: 汇总报告：{error}", file=sys.stderr)
        statuses.append(BUSY)
    return worst_status(statuses)


def _one_county(deployment: Deployment, county: County, as_of: dt.date, out_root: Path, db_url: str) -> int:
    name = county.config.county
    try:
        print(run_county(deployment, county, as_of, out_root, db_url))
    except (ConfigError, StoreError) as error:
        return _failed(name, error, BAD_INPUT)
    except JobError as error:
        return _failed(name, error, FAILED)
    except Busy as error:
        return _failed(name, error, BUSY)
    except Exception as error:  # a bug in one county's night must not cost the others theirs
        log.exception("%s的夜间任务出错", name)
        return _failed(name, f"内部错误：{type(error).__name__}: {error}", FAILED)
    reason = incomplete_reason(db_url, name)
    if reason is not None:
        print(f"fazhi: {name}：本次抓取不完整（{reason}），报告已生成但缺失项无法判断", file=sys.stderr)
        return INCOMPLETE
    return OK


def _failed(name: str, error: object, status: int) -> int:
    print(f"fazhi: {name}：{error}", file=sys.stderr)
    return status
