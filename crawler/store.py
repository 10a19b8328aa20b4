"""The crawler's side of the store: last night's documents, and links of unchanged pages.

A page that did not change since the previous run is not parsed again; its
outgoing links come from ``crawl_links``, and what a list page claims beyond the
records it holds from ``crawl_list_claims``, both keyed by URL (its hash: a redirect
target can be longer than PostgreSQL indexes take) and content hash, so the crawl
still reaches everything behind it and counts what it could not read. Counties
sharing a store share the caches: what a page says depends on its bytes alone.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

from sqlalchemy import Engine, LargeBinary, String, Text, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from crawler.cms import ListClaim
from storage.models import Document, Run, url_hash


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

    def outgoing(self) -> list[list] | None:
        """The cached links of this version of the page, if the cache has them."""
        return json.loads(zlib.decompress(self.links)) if self.links is not None else None


def create_tables(engine: Engine) -> None:
    CrawlBase.metadata.create_all(engine)


def previous_documents(session: Session, run_id: int) -> dict[str, Previous]:
    """The county's last completed run's successfully fetched documents, by URL, with their cached links.

    The links come in the same query (a few hundred compressed bytes a page) because
    asking for them page by page cost an unchanged re-crawl more than its downloads.
    """
    previous = previous_run_id(session, run_id)
    if previous is None:
        return {}
    rows = session.execute(
        select(Document.id, Document.url, Document.sha256, Document.etag, Document.last_modified, PageLinks.links,
               Document.extractor_version)
        .outerjoin(PageLinks, (PageLinks.url_hash == Document.url_hash) & (PageLinks.sha256 == Document.sha256))
        .where(Document.run_id == previous, Document.http_status == 200)
    )
    return {row.url: Previous(row.id, row.sha256, row.etag, row.last_modified, row.links, row.extractor_version) for row in rows}


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


def previous_run_id(session: Session, run_id: int) -> int | None:
    """The same county's last completed run before `run_id`."""
    county = select(Run.county).where(Run.id == run_id).scalar_subquery()
    return session.scalars(
        select(Run.id)
        .where(Run.county == county, Run.id < run_id, Run.status.in_(("crawled", "checked")))
        .order_by(Run.id.desc())
        .limit(1)
    ).first()
