"""URLs a night fetches because people or findings need them, whatever the schedule says.

- every 已整改 address a unit gave in `fazhi serve` and no reviewer has decided on
  since: fetched first, so the night judges the fix; only inside the crawl's scope
  (allowed domains, on the start URLs' ports), however it was entered;
- every URL the evidence of the newest judged run points at: a finding rests on
  documents fetched with HTTP 200 in the run it judges (CHECKS.md E).

Seeds are not start URLs: start URLs alone decide whether a run is complete
(rules.completeness), and a fix address that fails is not a failed start page.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.schedule import EVIDENCE, FIX
from crawler.urls import Scope
from parsing.urls import canonical_url
from storage.db import previous_checked_run
from storage.models import Finding, Run
from storage.review import open_fix_urls

log = logging.getLogger(__name__)


def wanted_urls(session: Session, run_id: int, scope: Scope) -> dict[str, str]:
    """URL → FIX or EVIDENCE, fixes first."""
    wanted: dict[str, str] = {}
    run = session.get(Run, run_id)
    for url in open_fix_urls(session, run.county):
        canonical = _canonical(url)
        if canonical is None or not scope.in_scope(canonical):
            log.warning("已整改网址 %s 不在抓取范围（crawl.allowed_domains 及起始网址的端口）之内，未抓取", url)
            continue
        wanted.setdefault(canonical, FIX)
    for url in evidence_urls(session, run):
        wanted.setdefault(url, EVIDENCE)
    return wanted


def evidence_urls(session: Session, run: Run) -> list[str]:
    """Every evidence URL of the county's newest run judged before ``run``."""
    judged = previous_checked_run(session, run)
    if judged is None:
        return []
    urls: dict[str, None] = {}
    for evidence in session.scalars(select(Finding.evidence).where(Finding.run_id == judged.id)):
        for item in evidence or ():
            url = _canonical(item.get("url")) if isinstance(item, dict) else None
            if url is not None:
                urls[url] = None
    return list(urls)


def _canonical(url) -> str | None:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    try:
        return canonical_url(url)
    except ValueError:
        return None
