"""Keeping the store's size bounded on a server that crawls every night.

A county portal of 20,000 pages copies 20,000 document rows, text included, into
every run. Old runs keep their summary and findings forever (the report's trend
and 新发现/已整改 need them), but only the newest runs keep their documents, fetch
errors, partly read lists and the snapshots nothing else refers to.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import column, delete, inspect, select, table
from sqlalchemy.orm import Session

from storage.db import is_complete
from storage.models import Document, FetchError, Finding, PartialList, Run, Snapshot

# the next crawl reuses the previous run's documents, and a report compares two runs
MIN_KEEP_RUNS = 2


@dataclass(frozen=True)
class Pruned:
    runs: int
    documents: int
    snapshots: int


def prune(session: Session, keep_runs: int, county: str) -> Pruned:
    """Drop documents, fetch errors and orphaned snapshots of all but the county's newest `keep_runs`
    runs. Other counties sharing the store are not touched, nor the snapshots their runs need."""
    keep_runs = max(keep_runs, MIN_KEEP_RUNS)
    mine = Run.county == county
    kept = select(Run.id).where(mine, Run.status.in_(("crawled", "checked"))).order_by(Run.id.desc()).limit(keep_runs)
    kept_ids = set(session.scalars(kept)) | _compared_runs(session, county)
    running = set(session.scalars(select(Run.id).where(mine, Run.status == "running")))
    old = [run_id for run_id in session.scalars(select(Run.id).where(mine)) if run_id not in kept_ids | running]
    documents = 0
    if old:
        documents = session.execute(delete(Document).where(Document.run_id.in_(old))).rowcount
        session.execute(delete(FetchError).where(FetchError.run_id.in_(old)))
        session.execute(delete(PartialList).where(PartialList.run_id.in_(old)))
    snapshots = _drop_orphaned_snapshots(session, kept_ids | running | _other_counties_runs(session, county))
    _drop_orphaned_link_caches(session)
    session.commit()
    return Pruned(runs=len(old), documents=documents or 0, snapshots=snapshots)


def _compared_runs(session: Session, county: str) -> set[int]:
    """The newest checked run and the two newest complete ones: the report compares a night with
    the complete night before it, and an outage's 无法判断 names where an item was last seen, however
    many crawls went unchecked or incomplete since."""
    checked = select(Run.id).where(Run.county == county, Run.status == "checked")
    newest = checked.order_by(Run.id.desc()).limit(1)
    complete = checked.where(is_complete()).order_by(Run.id.desc()).limit(2)
    return set(session.scalars(newest)) | set(session.scalars(complete))


def _other_counties_runs(session: Session, county: str) -> set[int]:
    """Runs of the store's other counties whose evidence may still need a snapshot: those that keep
    their documents (their own pruning keeps them) and those their reports compare with."""
    others = list(session.scalars(select(Run.county).where(Run.county != county).distinct()))
    with_documents = select(Run.id).where(Run.county != county, select(Document.id).where(Document.run_id == Run.id).exists())
    held = set(session.scalars(with_documents))
    for other in others:
        held |= _compared_runs(session, other)
    return held


def _drop_orphaned_snapshots(session: Session, kept_runs: set[int]) -> int:
    referenced = set(session.scalars(select(Document.sha256).where(Document.sha256.is_not(None)).distinct()))
    for evidence in session.scalars(select(Finding.evidence).where(Finding.run_id.in_(kept_runs))):
        referenced.update(item["sha256"] for item in evidence or [] if item.get("sha256"))
    orphaned = [digest for digest in session.scalars(select(Snapshot.sha256)) if digest not in referenced]
    for start in range(0, len(orphaned), 500):
        session.execute(delete(Snapshot).where(Snapshot.sha256.in_(orphaned[start : start + 500])))
    return len(orphaned)


def _drop_orphaned_link_caches(session: Session) -> None:
    """The crawler's caches of unchanged pages' links (crawl_links) and list claims (crawl_list_claims)
    live as long as a document of that version."""
    for name in ("crawl_links", "crawl_list_claims"):
        if not inspect(session.bind).has_table(name):
            continue
        cache = table(name, column("url_hash"), column("sha256"))
        in_use = select(Document.id).where(Document.url_hash == cache.c.url_hash, Document.sha256 == cache.c.sha256)
        session.execute(delete(cache).where(~in_use.exists()))
