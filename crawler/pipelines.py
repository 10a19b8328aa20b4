"""Writes crawled documents, reused documents and fetch errors into the store in batches.

A failed write never loses what could be stored: the batch is rolled back, retried
while the failure is transient (a locked database, a dropped connection), and
written row by row when one row is refused, so a bad value loses only itself.
When the store itself cannot take writes (a full disk), the crawl stops and the run
fails with one line saying how many documents were and were not stored.

A row the night carried forward unfetched (crawler.schedule) gives way to what a
fetch of its URL brings, a document or a fetch error, in the same transaction.
"""

from __future__ import annotations

import logging
import time
import zlib
from dataclasses import dataclass

from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import Date, DateTime, bindparam, delete, insert, select, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from county.units import attribute_url, attribution
from crawler.extract import EXTRACTOR_VERSION
from crawler.items import DocumentItem, FetchErrorItem, ReusedItem
from crawler.store import carried_urls, create_tables, save_claims, save_links
from storage.db import open_engine
from storage.models import Document, FetchError, Snapshot

logger = logging.getLogger(__name__)

# a locked database or a dropped connection gets this many more tries, 0.5 s, 1 s, 2 s … apart
RETRIES = 5
BACKOFF = 0.5
STORE_FAILED = "store_failed"  # the Scrapy finish reason of a crawl stopped by the store
STORE_ERROR_STAT = "fazhi/store_error"  # the one-line reason, for crawler.child to hand to the run

_DOCUMENT_COLUMNS = [column.name for column in Document.__table__.columns if column.name != "id"]
_CURRENT = {"run_id", "fetched_at", "parent_url", "link_text", "list_date", "etag", "last_modified"}
_COPY_SQL = text(
    f"INSERT INTO documents ({', '.join(_DOCUMENT_COLUMNS)}) SELECT "
    + ", ".join(
        ":fetched_at" if name == "verified_at"  # the site has just confirmed it
        else f":{name}" if name in ("run_id", "fetched_at") else f"COALESCE(:{name}, {name})" if name in _CURRENT else name
        for name in _DOCUMENT_COLUMNS
    )
    + " FROM documents WHERE id = :previous_id"
).bindparams(bindparam("fetched_at", type_=DateTime), bindparam("list_date", type_=Date))
_TRANSIENT = ("locked", "busy", "deadlock", "could not serialize")
_CAUSES = (("full", "磁盘已满"), ("no space", "磁盘已满"), ("readonly", "数据库只读"), ("read-only", "数据库只读"),
           ("locked", "数据库被占用"), ("disk i/o", "磁盘读写错误"))


@dataclass(slots=True)
class _Entry:
    """The rows one item adds to the store, written together or not at all."""

    url: str
    document: dict | None = None  # values of a documents row
    copy: dict | None = None  # parameters of _COPY_SQL
    error: dict | None = None  # values of a fetch_errors row
    snapshot: dict | None = None  # values of a snapshots row, if the store may not have it yet
    links: tuple[str, str, list] | None = None
    claim: tuple | None = None  # (url, sha256, crawler.cms.ListClaim)
    replaces_carried: bool = False  # the run holds a carried row of this URL, which this one replaces

    @property
    def is_document(self) -> bool:
        return self.error is None


class StorePipeline:
    def __init__(self, crawler, db_url: str, run_id: int, config, batch: int, interval: float, retries: int, backoff: float):
        self.crawler = crawler
        self.db_url = db_url
        self.run_id = run_id
        self.config = config
        self.batch = batch
        self.interval = interval
        self.retries = retries
        self.backoff = backoff

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            crawler,
            settings["FAZHI_DB_URL"],
            settings.getint("FAZHI_RUN_ID"),
            settings["FAZHI_CONFIG"],
            settings.getint("FAZHI_STORE_BATCH"),
            settings.getfloat("FAZHI_STORE_INTERVAL"),
            settings.getint("FAZHI_STORE_RETRIES", RETRIES),
            settings.getfloat("FAZHI_STORE_BACKOFF", BACKOFF),
        )

    def open_spider(self):
        self.engine = open_engine(self.db_url)
        create_tables(self.engine)
        self.session = Session(self.engine, autoflush=False)
        # a resumed crawl already stored some URLs of this run: never twice
        self.carried = carried_urls(self.session, self.run_id)
        self.stored = set(self.session.scalars(select(Document.url).where(Document.run_id == self.run_id))) - self.carried
        self.stored_errors = set(self.session.scalars(select(FetchError.url).where(FetchError.run_id == self.run_id)))
        self.session.rollback()  # no read transaction held open between batches: it would keep the WAL from checkpointing
        self.known_snapshots: set[str] = set()
        self.pending: list[_Entry] = []
        self.saved = self.unsaved = 0
        self.cause: str | None = None  # why documents could not be stored
        self.broken = False  # the store takes no more writes: the crawl is stopping
        self.last_flush = time.monotonic()

    def process_item(self, item):
        entry = self._entry(item)
        if entry is None:
            return item
        if self.broken:
            self.unsaved += entry.is_document
            return item
        self.pending.append(entry)
        if len(self.pending) >= self.batch or time.monotonic() - self.last_flush > self.interval:
            self.flush()
        return item

    def close_spider(self):
        self.flush()
        self.session.close()
        self.engine.dispose()
        if self.cause is not None:
            line = f"数据库写入失败：{self.cause}，已保存 {self.saved} 篇，未保存 {self.unsaved} 篇"
            logger.error(line)
            self.crawler.stats.set_value(STORE_ERROR_STAT, line)

    def _entry(self, item) -> _Entry | None:
        entry = self._new_entry(item)
        if entry is not None and item.url in self.carried:
            self.carried.discard(item.url)
            entry.replaces_carried = True
        return entry

    def _new_entry(self, item) -> _Entry | None:
        if isinstance(item, FetchErrorItem):
            if item.url in self.stored_errors:
                return None
            self.stored_errors.add(item.url)
            unit = attribute_url(item.url, self.config)
            return _Entry(item.url, error=_without_nul({"run_id": self.run_id, "url": item.url, "unit": unit,
                                                        "reason": item.reason, "http_status": item.http_status}))
        if item.url in self.stored:
            return None
        self.stored.add(item.url)
        if isinstance(item, ReusedItem):
            return _Entry(item.url, copy=self._copy(item))
        return self._document(item)

    def _document(self, item: DocumentItem) -> _Entry:
        entry = _Entry(item.url)
        if item.body is not None and item.sha256 not in self.known_snapshots:
            entry.snapshot = {"sha256": item.sha256, "content": item.body, "content_type": item.content_type, "url": item.url}
        if item.links is not None and item.sha256:
            entry.links = (item.url, item.sha256, item.links)
        if item.list_claim is not None and item.sha256:
            entry.claim = (item.url, item.sha256, item.list_claim)
        values = {name: getattr(item, name) for name in _DOCUMENT_COLUMNS if hasattr(item, name)}
        credited = attribution(item.url, item.fields | _publisher_meta(item.meta), self.config)
        values["unit"], values["unit_reason"] = credited.unit, credited.reason
        entry.document = _without_nul(values) | {"run_id": self.run_id, "extractor_version": EXTRACTOR_VERSION,
                                                 "verified_at": item.fetched_at}
        return entry

    def _copy(self, item: ReusedItem) -> dict:
        return {
            "run_id": self.run_id,
            "previous_id": item.previous_id,
            "fetched_at": item.fetched_at,
            "parent_url": item.parent_url,
            "link_text": item.link_text,
            "list_date": item.list_date,
            "etag": item.etag,
            "last_modified": item.last_modified,
        }

    # ---- writing --------------------------------------------------------------

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        self.last_flush = time.monotonic()
        if not batch:
            return
        try:
            self._write_retrying(batch)
        except OperationalError as error:
            self._stop(error, batch)
        except SQLAlchemyError:
            self._one_by_one(batch)

    def _one_by_one(self, batch: list[_Entry]) -> None:
        """A refused row must not take its neighbours with it: each item on its own."""
        for position, entry in enumerate(batch):
            try:
                self._write_retrying([entry])
            except OperationalError as error:
                self._stop(error, batch[position:])
                return
            except SQLAlchemyError as error:
                self._lose(entry, error)

    def _write_retrying(self, entries: list[_Entry]) -> None:
        for attempt in range(self.retries + 1):
            try:
                self._write(entries)
                return
            except SQLAlchemyError as error:
                self.session.rollback()
                if attempt == self.retries or not _transient(error):
                    raise
                wait = self.backoff * 2**attempt
                logger.warning("数据库暂时无法写入（%s），%g 秒后重试", _first_line(error), wait)
            time.sleep(wait)

    def _write(self, entries: list[_Entry]) -> None:
        replaced = [entry.url for entry in entries if entry.replaces_carried]
        if replaced:
            self.session.execute(delete(Document).where(Document.run_id == self.run_id, Document.url.in_(replaced)))
        snapshots = {entry.snapshot["sha256"]: entry.snapshot for entry in entries if entry.snapshot}
        if snapshots:
            present = set(self.session.scalars(select(Snapshot.sha256).where(Snapshot.sha256.in_(list(snapshots)))))
            self.session.add_all(
                Snapshot(**values | {"content": zlib.compress(values["content"])})
                for digest, values in snapshots.items() if digest not in present
            )
        documents = [entry.document for entry in entries if entry.document]
        if documents:
            self.session.execute(insert(Document), documents)
        errors = [entry.error for entry in entries if entry.error]
        if errors:
            self.session.execute(insert(FetchError), errors)
        copies = [entry.copy for entry in entries if entry.copy]
        if copies:
            self.session.execute(_COPY_SQL, copies)
        save_links(self.session, [entry.links for entry in entries if entry.links])
        save_claims(self.session, [entry.claim for entry in entries if entry.claim])
        self.session.commit()
        self.known_snapshots.update(snapshots)
        self.saved += sum(entry.is_document for entry in entries)

    def _lose(self, entry: _Entry, error: SQLAlchemyError) -> None:
        logger.warning("数据库拒绝保存 %s：%s", entry.url, _first_line(error))
        if entry.is_document:
            self.unsaved += 1
            self.cause = self.cause or f"数据库拒绝了 {entry.url[:200]}（{_first_line(error)}）"

    def _stop(self, error: OperationalError, unsaved: list[_Entry]) -> None:
        """The store takes no writes: stop the crawl instead of fetching what cannot be kept."""
        self.unsaved += sum(entry.is_document for entry in unsaved)
        self.cause = _cause(error)
        self.broken = True
        logger.error("数据库写入失败：%s，停止抓取", self.cause)
        self._closing = deferred_from_coro(self.crawler.engine.close_spider_async(reason=STORE_FAILED))


def _without_nul(values: dict) -> dict:
    # a text file or PDF from the web may hold NUL characters, which PostgreSQL refuses in text
    return {name: value.replace("\x00", "") if isinstance(value, str) else value for name, value in values.items()}


def _transient(error: SQLAlchemyError) -> bool:
    if getattr(error, "connection_invalidated", False):
        return True
    return isinstance(error, OperationalError) and any(word in _first_line(error).lower() for word in _TRANSIENT)


def _cause(error: SQLAlchemyError) -> str:
    message = _first_line(error)
    named = next((name for word, name in _CAUSES if word in message.lower()), None)
    return f"{named}（{message}）" if named else message


def _first_line(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0][:300]


def _publisher_meta(meta: dict) -> dict:
    # TRS pages name the publishing body in <meta name="ContentSource">
    return {key: value for key, value in meta.items() if key.lower() == "contentsource"}
