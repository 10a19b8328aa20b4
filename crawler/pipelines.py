"""Writes crawled documents, reused documents and fetch errors into the store in batches."""

from __future__ import annotations

import time

from sqlalchemy import Date, DateTime, bindparam, select, text
from sqlalchemy.orm import Session

from crawler.items import DocumentItem, FetchErrorItem, ReusedItem
from crawler.store import create_tables, save_links
from fazhi.units import attribute, attribute_url
from storage.db import open_engine, store_snapshot
from storage.models import Document, FetchError

_DOCUMENT_COLUMNS = [column.name for column in Document.__table__.columns if column.name != "id"]
_CURRENT = {"run_id", "fetched_at", "parent_url", "link_text", "list_date", "etag", "last_modified"}
_COPY_SQL = text(
    f"INSERT INTO documents ({', '.join(_DOCUMENT_COLUMNS)}) SELECT "
    + ", ".join(
        f":{name}" if name in ("run_id", "fetched_at") else f"COALESCE(:{name}, {name})" if name in _CURRENT else name
        for name in _DOCUMENT_COLUMNS
    )
    + " FROM documents WHERE id = :previous_id"
).bindparams(bindparam("fetched_at", type_=DateTime), bindparam("list_date", type_=Date))


class StorePipeline:
    def __init__(self, db_url: str, run_id: int, config, batch: int, interval: float):
        self.db_url = db_url
        self.run_id = run_id
        self.config = config
        self.batch = batch
        self.interval = interval

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            settings["FAZHI_DB_URL"],
            settings.getint("FAZHI_RUN_ID"),
            settings["FAZHI_CONFIG"],
            settings.getint("FAZHI_STORE_BATCH"),
            settings.getfloat("FAZHI_STORE_INTERVAL"),
        )

    def open_spider(self):
        self.engine = open_engine(self.db_url)
        create_tables(self.engine)
        self.session = Session(self.engine, autoflush=False)
        # a resumed crawl already stored some URLs of this run: never twice
        self.stored = set(self.session.scalars(select(Document.url).where(Document.run_id == self.run_id)))
        self.stored_errors = set(self.session.scalars(select(FetchError.url).where(FetchError.run_id == self.run_id)))
        self.known_snapshots: set[str] = set()
        self.pending: list[object] = []
        self.copies: list[dict] = []
        self.links: list[tuple[str, str, list]] = []
        self.last_flush = time.monotonic()

    def process_item(self, item):
        if isinstance(item, FetchErrorItem):
            self._add_error(item)
        elif item.url not in self.stored:
            self.stored.add(item.url)
            if isinstance(item, ReusedItem):
                self._add_copy(item)
            else:
                self._add_document(item)
        if len(self.pending) + len(self.copies) >= self.batch or time.monotonic() - self.last_flush > self.interval:
            self.flush()
        return item

    def close_spider(self):
        self.flush()
        self.session.close()
        self.engine.dispose()

    def _add_document(self, item: DocumentItem) -> None:
        if item.body is not None and item.sha256 not in self.known_snapshots:
            store_snapshot(self.session, item.body, item.url, item.content_type)
            self.known_snapshots.add(item.sha256)
        if item.links is not None and item.sha256:
            self.links.append((item.url, item.sha256, item.links))
        values = {name: getattr(item, name) for name in _DOCUMENT_COLUMNS if hasattr(item, name)}
        values["unit"] = attribute(item.url, item.fields | _publisher_meta(item.meta), self.config)
        self.pending.append(Document(run_id=self.run_id, **values))

    def _add_copy(self, item: ReusedItem) -> None:
        self.copies.append({
            "run_id": self.run_id,
            "previous_id": item.previous_id,
            "fetched_at": item.fetched_at,
            "parent_url": item.parent_url,
            "link_text": item.link_text,
            "list_date": item.list_date,
            "etag": item.etag,
            "last_modified": item.last_modified,
        })

    def _add_error(self, item: FetchErrorItem) -> None:
        if item.url in self.stored_errors:
            return
        self.stored_errors.add(item.url)
        unit = attribute_url(item.url, self.config)
        self.pending.append(FetchError(run_id=self.run_id, url=item.url, unit=unit, reason=item.reason, http_status=item.http_status))

    def flush(self) -> None:
        self.session.add_all(self.pending)
        if self.copies:
            self.session.execute(_COPY_SQL, self.copies)
        save_links(self.session, self.links)
        self.session.commit()
        self.pending, self.copies, self.links = [], [], []
        self.last_flush = time.monotonic()


def _publisher_meta(meta: dict) -> dict:
    # TRS pages name the publishing body in <meta name="ContentSource">
    return {key: value for key, value in meta.items() if key.lower() == "contentsource"}
