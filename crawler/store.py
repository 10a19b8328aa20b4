"""The crawler's side of the store: last night's documents, and links of unchanged pages.

A page that did not change since the previous run is not parsed again; its
outgoing links come from ``crawl_links``, and what a list page claims beyond the
records it holds from ``crawl_list_claims``, both keyed by URL (its hash: a redirect
target can be longer than PostgreSQL indexes take) and content hash, so the crawl
still reaches everything behind it and counts what it could not read. Counties
sharing a store share the caches: what a page says depends on its bytes alone.
Documents a night does not request (crawler.schedule) are copied forward into its run
in one statement.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, LargeBinary, String, Text, distinct, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from crawler.cms import ListClaim
from storage.models import Document, Run, url_hash


# statuses of a run whose crawl went through
_THROUGH = ("crawled", "checked")


class CrawlBase(DeclarativeBase):
    pass


class PageLinks(CrawlBase):
    __tablename__ = "crawl_links"

    url_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # storage.models.url_hash(url)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    links: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed JSON [[url, text, list_date], …]


class PageClaim(CrawlBase):
    __tablename__ = "crawl_list_claims"

    url_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # storage.models.url_hash(url)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    claim: Mapped[str] = mapped_column(Text)  # JSON of crawler.cms.ListClaim


@dataclass(frozen=True, slots=True)
class Previous:
    id: int
    sha256: str | None
    etag: str | None
    last_modified: str | None
    links: bytes | None = None  # compressed, as in crawl_links
    extractor_version: int | None = None  # crawler.extract.EXTRACTOR_VERSION that read it
    # where and how it was found, for a night that requests it directly instead of through a link
    kind: str = "page"
    parent_url: str | None = None
    link_text: str | None = None
    list_date: dt.date | None = None
    published_on: dt.date | None = None
    published_source: str | None = None
    verified_at: dt.datetime | None = None

    def outgoing(self) -> list[list] | None:
        """The cached links of this version of the page, if the cache has them."""
        return json.loads(zlib.decompress(self.links)) if self.links is not None else None


def create_tables(engine: Engine) -> None:
    CrawlBase.metadata.create_all(engine)


def _earlier_runs(run_id: int, newest: int):
    """The ids of the same county's ``newest`` last runs before ``run_id`` whose crawl went through, newest first."""
    county = select(Run.county).where(Run.id == run_id).scalar_subquery()
    return select(Run.id).where(Run.county == county, Run.id < run_id, Run.status.in_(_THROUGH)).order_by(Run.id.desc()).limit(newest)


def previous_run(session: Session, run_id: int) -> int | None:
    """The same county's last run before ``run_id`` whose crawl went through."""
    return session.scalars(_earlier_runs(run_id, 1)).first()


def previous_documents(session: Session, previous: int | None) -> dict[str, Previous]:
    """That run's successfully fetched documents, by URL, with their cached links.

    The links come in the same query (a few hundred compressed bytes a page) because
    asking for them page by page cost an unchanged re-crawl more than its downloads.
    """
    if previous is None:
        return {}
    rows = session.execute(
        select(Document.id, Document.url, Document.sha256, Document.etag, Document.last_modified, PageLinks.links,
               Document.extractor_version, Document.kind, Document.parent_url, Document.link_text, Document.list_date,
               Document.published_on, Document.published_source, Document.verified_at)
        .outerjoin(PageLinks, (PageLinks.url_hash == Document.url_hash) & (PageLinks.sha256 == Document.sha256))
        .where(Document.run_id == previous, Document.http_status == 200)
    )
    return {row.url: Previous(*row[:1], *row[2:]) for row in rows}


def changed_lately(session: Session, run_id: int, runs: int) -> set[str]:
    """URLs whose content differed between any two of the last ``runs`` + 1 runs before ``run_id``,
    or that appeared after the oldest of them: pages an editor is working on."""
    window = session.scalars(_earlier_runs(run_id, runs + 1)).all()
    if len(window) < 2:
        return set()
    rows = session.execute(
        select(Document.url)
        .where(Document.run_id.in_(window), Document.http_status == 200)
        .group_by(Document.url)
        .having(or_(func.count(distinct(Document.sha256)) > 1, func.min(Document.run_id) > min(window)))
    )
    return set(rows.scalars())


_CARRIED_COLUMNS = [column.name for column in Document.__table__.columns if column.name != "id"]
_CARRY_SQL = text(
    f"INSERT INTO documents ({', '.join(_CARRIED_COLUMNS)}) SELECT "
    + ", ".join(":run_id" if name == "run_id" else f"p.{name}" for name in _CARRIED_COLUMNS)
    + " FROM documents p JOIN fazhi_carry c ON c.url_hash = p.url_hash WHERE p.run_id = :previous"
    " AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.run_id = :run_id AND d.url_hash = p.url_hash)"
)


def carry_forward(session: Session, previous: int, run_id: int, urls: Iterable[str]) -> int:
    """Copy the previous run's rows of these URLs into the run, as they were (verified_at
    included), unless the run has them already; returns how many rows were copied."""
    # keyed by the URL's hash, as documents are: PostgreSQL indexes refuse very long URLs
    session.execute(text("CREATE TEMPORARY TABLE IF NOT EXISTS fazhi_carry (url_hash VARCHAR(64) PRIMARY KEY)"))
    session.execute(text("DELETE FROM fazhi_carry"))
    values = [{"url_hash": hashed} for hashed in {url_hash(url) for url in urls}]
    if values:
        session.execute(text("INSERT INTO fazhi_carry (url_hash) VALUES (:url_hash)"), values)
    copied = session.execute(_CARRY_SQL, {"run_id": run_id, "previous": previous}).rowcount
    session.execute(text("DROP TABLE fazhi_carry"))
    session.commit()
    return copied


def carried_urls(session: Session, run_id: int) -> set[str]:
    """The run's documents that were carried forward, not fetched: verified before the run began."""
    rows = session.execute(
        select(Document.url).join(Run, Run.id == Document.run_id)
        .where(Document.run_id == run_id, Document.verified_at < Run.started_at)
    )
    return set(rows.scalars())


def save_links(session: Session, rows: list[tuple[str, str, list[list]]]) -> None:
    if not rows:
        return
    values = [
        {"url_hash": url_hash(url), "url": url, "sha256": sha, "links": zlib.compress(json.dumps(links, ensure_ascii=False).encode())}
        for url, sha, links in rows
    ]
    _insert_new(session, PageLinks, values)


def save_claims(session: Session, rows: list[tuple[str, str, ListClaim]]) -> None:
    values = [
        {"url_hash": url_hash(url), "url": url, "sha256": sha, "claim": json.dumps(claim.to_json(), ensure_ascii=False)}
        for url, sha, claim in rows
    ]
    if values:
        _insert_new(session, PageClaim, values)


def _insert_new(session: Session, cache: type[CrawlBase], values: list[dict]) -> None:
    # counties sharing a host cache the same page at once: the second insert is a no-op, not a refused batch
    insert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(cache).on_conflict_do_nothing(), values)


def run_claims(session: Session, run_id: int | None) -> dict[str, ListClaim]:
    """What the list pages of a run (as stored, by URL) claim beyond the records they hold."""
    if run_id is None:
        return {}
    rows = session.execute(
        select(Document.url, PageClaim.claim)
        .join(PageClaim, (PageClaim.url_hash == Document.url_hash) & (PageClaim.sha256 == Document.sha256))
        .where(Document.run_id == run_id)
    )
    return {row.url: ListClaim.from_json(json.loads(row.claim)) for row in rows}

