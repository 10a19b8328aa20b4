"""The store: one row per crawl run, crawled document, fetch error and finding.

Documents are kept per run so that a finding always points at what the site
said in the run that was judged; the raw bytes live once, content-addressed,
in ``snapshots``. What comes from the web (URLs, headers, file names) is Text:
a site sends values of any length, and a database that refuses one loses a row.
The schema changes through Alembic revisions in storage/migrations.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def url_hash(url: str) -> str:
    """What indexes key a URL by: PostgreSQL's btree refuses a key over ~2,700 bytes, and a
    redirect target can be longer than that."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def _url_hash_of_row(context) -> str:
    return url_hash(context.get_current_parameters()["url"])


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Run(Base):
    __tablename__ = "runs"
    # several counties share one store: every query for "the previous night" is one county's
    __table_args__ = (Index("ix_runs_county", "county", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # running → crawled → checked; failed when any step could not complete
    status: Mapped[str] = mapped_column(String(20), default="running")
    error: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    start_urls: Mapped[list[Any]] = mapped_column(default=list)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    attachments: Mapped[int] = mapped_column(Integer, default=0)
    fetch_errors: Mapped[int] = mapped_column(Integer, default=0)
    # complete or incomplete (CHECKS.md, "complete run"), decided when the run is judged
    completeness: Mapped[str | None] = mapped_column(String(20))
    incomplete_reason: Mapped[str | None] = mapped_column(Text)

    documents: Mapped[list[Document]] = relationship(back_populates="run", cascade="all, delete-orphan")
    errors: Mapped[list[FetchError]] = relationship(back_populates="run", cascade="all, delete-orphan")
    partial_lists: Mapped[list[PartialList]] = relationship(back_populates="run", cascade="all, delete-orphan")
    findings: Mapped[list[Finding]] = relationship(back_populates="run", cascade="all, delete-orphan")


class Document(Base):
    """A crawled HTML page or attachment, as the checks see it."""

    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_run_url_hash", "run_id", "url_hash", unique=True),
        Index("ix_documents_run_unit", "run_id", "unit"),
        Index("ix_documents_url_hash_sha256", "url_hash", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    # url_hash(url), filled in on insert: the indexes hold it instead of the URL
    url_hash: Mapped[str] = mapped_column(String(64), default=_url_hash_of_row)
    kind: Mapped[str] = mapped_column(String(20))  # "page" or "attachment"
    http_status: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    # which source gave published_on: meta, index, header, list, signature
    published_source: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the disclosure index table and article header fields: 发布机构, 文号, 成文日期, 索引号 …
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # tables found in the page or attachment: a list of tables, each a list of rows of cell strings
    tables: Mapped[list[Any]] = mapped_column(default=list)
    unit: Mapped[str | None] = mapped_column(Text)
    # why the document is the unit's: 网址前缀 …, 来源：…, 发布机构：…, 索引号 … (county.units.Attribution)
    unit_reason: Mapped[str | None] = mapped_column(Text)
    parent_url: Mapped[str | None] = mapped_column(Text)
    link_text: Mapped[str | None] = mapped_column(Text)
    extension: Mapped[str | None] = mapped_column(Text)
    list_date: Mapped[dt.date | None] = mapped_column(Date)
    sha256: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # when the site last confirmed what the row says (a 200 or 304 answer): the night it was fetched, or for
    # a document carried forward unfetched (crawler.schedule), the earlier night it was last verified —
    # so earlier than its run's started_at exactly when the run did not request it
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # why text could not be extracted (unsupported format, too large, …)
    extraction_note: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    # crawler.extract.EXTRACTOR_VERSION that read title, dates and fields; None before versions were kept
    extractor_version: Mapped[int | None] = mapped_column(Integer)

    run: Mapped[Run] = relationship(back_populates="documents")


class FetchError(Base):
    __tablename__ = "fetch_errors"
    __table_args__ = (Index("ix_fetch_errors_run_unit", "run_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    run: Mapped[Run] = relationship(back_populates="errors")


class PartialList(Base):
    """A list page that claims more records than the crawl could read (its API unknown, failed or capped):
    a missing item of its unit is unknown, not a gap (CHECKS.md Statuses)."""

    __tablename__ = "partial_lists"
    __table_args__ = (Index("ix_partial_lists_run_unit", "run_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    claimed: Mapped[int] = mapped_column(Integer)  # records the list says it has
    read: Mapped[int] = mapped_column(Integer)  # records the crawl read
    reason: Mapped[str] = mapped_column(Text)

    run: Mapped[Run] = relationship(back_populates="partial_lists")


class Finding(Base):
    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_run_indicator", "run_id", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(String(10))
    check: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    responsible: Mapped[list[Any]] = mapped_column(default=list)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    # the check's own title and remedy, so that a report is rendered from findings alone;
    # None in findings stored before revision 0003
    title: Mapped[str | None] = mapped_column(Text)
    remedy: Mapped[str | None] = mapped_column(Text)
    # the night's judgement of the address a unit gave with 已整改 (rules/fix_checks.py); None
    # when no 已整改 answer was open for this finding when it was judged
    fix_check: Mapped[dict[str, Any] | None] = mapped_column()

    run: Mapped[Run] = relationship(back_populates="findings")


class Snapshot(Base):
    """Raw bytes of a fetched document, stored once per sha256."""

    __tablename__ = "snapshots"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed
    content_type: Mapped[str | None] = mapped_column(Text)
    first_fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    url: Mapped[str] = mapped_column(Text)
