"""Shared fixtures: the bundled sample county portal, served and crawled once per session.

The portal (tests/fixtures/html/, expected findings in its _expected.yaml) and its second
night (tests/fixtures/night2/) are judged as of 2021-09-30, never the wall clock.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest
from hypothesis import settings

from fazhi.sample_portal import SamplePortal, serve_portal

# CI shares two cores with a crawl in another test: a slow example is not a failure
settings.register_profile("fazhi", deadline=None)
settings.load_profile("fazhi")

AS_OF = dt.date(2021, 9, 30)
# the portal is local: no politeness delay, no throttling
FAST_CRAWL = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}


class CrawledPortal(NamedTuple):
    db_url: str
    run_id: int
    findings: list  # storage.models.Finding rows, detached


@pytest.fixture(scope="session")
def sample_portal() -> SamplePortal:
    with serve_portal() as portal:
        yield portal


@pytest.fixture(scope="session")
def crawled_portal(sample_portal: SamplePortal, tmp_path_factory: pytest.TempPathFactory) -> CrawledPortal:
    """Crawl the sample portal into a fresh SQLite store and judge it as of AS_OF."""
    return _crawl_and_judge(sample_portal, tmp_path_factory.mktemp("portal"))


@pytest.fixture(scope="session")
def crawled_night2(tmp_path_factory: pytest.TempPathFactory) -> CrawledPortal:
    """Night 2 of the sample portal (tests/fixtures/night2/_expected.yaml), crawled into
    its own store and judged as of AS_OF."""
    with serve_portal(night=2) as portal:
        return _crawl_and_judge(portal, tmp_path_factory.mktemp("night2"))


def _crawl_and_judge(portal: SamplePortal, directory, night: dt.date | None = None) -> CrawledPortal:
    """`night` picks which documents a crawl after the first re-verifies (crawler.schedule)."""
    from crawler.runner import crawl
    from rules.engine import build_context, judge, to_findings
    from storage.db import open_engine, replace_findings, session_factory
    from storage.models import Run

    db_url = f"sqlite:///{directory / 'fazhi.db'}"
    config = portal.config()
    run_id = crawl(config, db_url, overrides=FAST_CRAWL, night=night)
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        run = session.get(Run, run_id)
        assert run.status == "crawled", f"sample portal crawl did not complete: {run.error}"
        findings = to_findings(judge(build_context(session, run, config, AS_OF)))
        replace_findings(session, run, findings)
        run.status, run.as_of = "checked", AS_OF
        session.commit()
    engine.dispose()
    return CrawledPortal(db_url, run_id, findings)
