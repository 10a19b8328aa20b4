"""What the spider hands to the store pipeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DocumentItem:
    """A freshly fetched and parsed page or attachment (columns of storage.models.Document)."""

    url: str
    kind: str
    http_status: int
    title: str = ""
    published_on: dt.date | None = None
    published_source: str | None = None
    text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    tables: list[Any] = field(default_factory=list)
    parent_url: str | None = None
    link_text: str | None = None
    extension: str | None = None
    list_date: dt.date | None = None
    content_type: str | None = None
    encoding: str | None = None
    extraction_note: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: dt.datetime | None = None
    body: bytes | None = None  # raw bytes for the evidence snapshot
    sha256: str | None = None
    links: list[list[Any]] | None = None  # outgoing links, cached for unchanged re-crawls
    list_claim: Any = None  # crawler.cms.ListClaim of a list page, cached with the links


@dataclass
class ReusedItem:
    """A document unchanged since the previous run: its stored fields are copied, not re-parsed."""

    url: str
    previous_id: int
    fetched_at: dt.datetime
    kind: str = "page"
    parent_url: str | None = None
    link_text: str | None = None
    list_date: dt.date | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchErrorItem:
    url: str
    reason: str
    http_status: int | None = None
