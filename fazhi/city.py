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
from pathlib import Path

from county.config import ConfigError
from county.deployment import County, Deployment
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


def run_county(deployment: Deployment, county: County, as_of: dt.date, out_root: Path, db_url: str) -> Path:
    """One county's nightly job (crawl, check, prune, report) into out_root/<slug>/; returns its index.html.
    Raises as `fazhi run --config` does (JobError, StoreError, Busy)."""
    return nightly(county.config, db_url, as_of, Path(out_root) / county.slug)


def rollup_step(deployment: Deployment, db_url: str, as_of: dt.date, out_root: Path) -> Path:
    """The roll-up of every county of the deployment, from the store, into out_root; returns its index.html."""
    from reports.rollup_render import write_rollup

    out_root = Path(out_root)
    with folder_lock(out_root, "汇总报告目录", JobError):
        engine = open_engine(db_url)
        try:
            with session_factory(engine)() as session:
                return write_rollup(session, deployment, as_of, out_root)
        except OSError as error:
            raise JobError(f"汇总报告无法写入 {out_root}：{error.strerror or error}") from error
        finally:
            engine.dispose()


def city_night(deployment: Deployment, counties: tuple[County, ...], as_of: dt.date, out_root: Path, db_url: str) -> int:
    """Run the counties one after another, then the roll-up; prints each county's report and returns the worst status."""
    statuses = [_one_county(deployment, county, as_of, out_root, db_url) for county in counties]
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
