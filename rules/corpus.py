"""One view of a run, built once per run and shared by every check.

It holds the run's fetched documents with the unit each belongs to (decided once,
with the reason), their published dates, parents, attachments and columns, and
an index of their titles, so that a check asks for "the documents of unit U
whose title matches phrases P" without a pass over every document.

A document's unit is decided once per run, from the configuration the run is
judged with: a unit's URL prefixes or aliases may have changed since the crawl, so
the unit the crawl stored is not read (it only serves queries on the store). The
engine attributes each document by URL prefix, 发布机构/来源 or 索引号 (Doc.unit, with
Doc.unit_reason); this view
adds what only the whole run can tell (a title naming a unit, an attachment
belonging to its page's unit) and is the only place checks ask.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from rules.base import CheckContext, Doc
from rules.matching import FUZZY_THRESHOLD, MIN_FUZZY_LENGTH, TITLE_CACHE, Match, Phrase, clean_title, is_news_report, match_title

# a name in a title preceded by one of these is a higher-level body (市司法局), not ours
_HIGHER_LEVEL = "市省州"
# a unit name shorter than this (县委) names too much to claim a title by
MIN_NAMED_UNIT = 3
# a column page's URL: a folder, or the folder's index/default page
_COLUMN_INDEX = re.compile(r"^(?:index|default)(?:_\d+)?\.[a-z]+$", re.I)
# entries with a list date that make an undated page outside such a folder a column
MIN_COLUMN_ENTRIES = 2


@dataclass(frozen=True)
class Ownership:
    unit: str
    # 网址前缀 … | 发布机构：… | 来源：… | 索引号 … (Doc.unit_reason) | 标题写明 … | 所在网页 …
    reason: str


class Corpus:
    """The run's fetched documents (HTTP 200), indexed once for every check."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.docs = ctx.present
        self.by_url = {doc.url: doc for doc in self.docs}
        self._attachments: dict[str, list[Doc]] = defaultdict(list)
        self._linked: dict[str, list[Doc]] = defaultdict(list)  # documents first reached from a page
        self._filed: dict[str, list[Doc]] = defaultdict(list)  # dated pages under each folder
        for doc in self.docs:
            if doc.parent_url:
                self._linked[doc.parent_url].append(doc)
                if doc.kind == "attachment":
                    self._attachments[doc.parent_url].append(doc)
            if doc.kind == "page" and doc.published_on:
                for folder in _folders(doc.url):
                    self._filed[folder].append(doc)
        self._columns: dict[str, list[Doc] | None] = {}
        self._content: dict[str, str] = {}
        self._units = _UnitNames(ctx)
        self._owners: dict[str, Ownership] = {}
        self._by_unit: dict[str, list[Doc]] = defaultdict(list)
        for doc in self.docs:
            self._by_unit[self.ownership(doc).unit].append(doc)
        self._titles = TitleIndex(self.docs)
        self._titled_by_unit: dict[tuple, dict[str, list[tuple[Doc, Match]]]] = {}

    # ---- units ------------------------------------------------------------------

    def owner(self, doc: Doc) -> str:
        return self.ownership(doc).unit

    def ownership(self, doc: Doc) -> Ownership:
        """Beyond the URL prefix or 发布机构 (Doc.unit), a county-level document whose title
        names a configured unit (鲁山县教育局2020年法治政府建设情况报告 on the portal) is that
        unit's, and an attachment outside any unit's prefix is the unit's of the page linking it."""
        if doc.url not in self._owners:
            self._owners[doc.url] = self._find_owner(doc)
        return self._owners[doc.url]

    def _find_owner(self, doc: Doc) -> Ownership:
        if doc.unit != self.ctx.county_unit.name:
            return Ownership(doc.unit, doc.unit_reason)
        named = self._units.named_in(doc.title)
        if named:
            return Ownership(named[0], f"标题写明“{named[1]}”")
        parent = self.parent_of(doc)
        if doc.kind == "attachment" and parent is not None and parent.url != doc.url:
            return Ownership(self.owner(parent), f"所在网页 {parent.url}（{self.ownership(parent).reason}）")
        return Ownership(doc.unit, doc.unit_reason)

    def named_unit(self, title: str) -> str | None:
        """The configured department or township a title names first, if any."""
        named = self._units.named_in(title)
        return named[0] if named else None

    def documents_of(self, unit: str) -> list[Doc]:
        return self._by_unit.get(unit, [])

    # ---- relations and dates ----------------------------------------------------------

    def attachments_of(self, doc: Doc) -> list[Doc]:
        return self._attachments.get(doc.url, [])

    def parent_of(self, doc: Doc) -> Doc | None:
        return self.by_url.get(doc.parent_url or "")

    def published(self, doc: Doc) -> dt.date | None:
        """CHECKS.md's published date; an attachment without one takes its page's."""
        if doc.published_on or doc.list_date:
            return doc.published_on or doc.list_date
        parent = self.parent_of(doc)
        return (parent.published_on or parent.list_date) if parent is not None else None

    def context_title(self, doc: Doc) -> str:
        """A document's title with its page's title, for attachments named 附件1.xlsx."""
        parent = self.parent_of(doc)
        return f"{parent.title} {doc.title}" if parent is not None and doc.kind == "attachment" else doc.title

    def content(self, doc: Doc) -> str:
        """The text a reader sees on the document and in its attachments, tables included
        (not the pages it links to: a column page's entries are documents of their own)."""
        if doc.url not in self._content:
            parts = [doc.title, doc.text, table_text(doc)]
            for child in self.attachments_of(doc):
                parts += [child.title, child.text, table_text(child)]
            self._content[doc.url] = "\n".join(part for part in parts if part)
        return self._content[doc.url]

    def listed_in(self, doc: Doc) -> list[Doc] | None:
        """The documents a column page lists, or None when `doc` is no column page.

        A column page has no date of its own and either has a column's URL (a
        folder or its index page: …/zcjd/index.html holds …/zcjd/2021-07/1601.html)
        or links several entries with list dates. Its entries are those pages,
        the dated pages filed under its folder, and the files it links."""
        if doc.url not in self._columns:
            self._columns[doc.url] = self._listed(doc)
        return self._columns[doc.url]

    def _listed(self, doc: Doc) -> list[Doc] | None:
        if doc.kind != "page" or doc.published_on is not None:
            return None
        folder = column_folder(doc.url)
        linked = [entry for entry in self._linked.get(doc.url, []) if entry.list_date or entry.kind == "attachment"]
        if folder is None and len([entry for entry in linked if entry.list_date]) < MIN_COLUMN_ENTRIES:
            return None
        filed = [entry for entry in self._filed.get(folder, []) if entry.url != doc.url] if folder else []
        return list({entry.url: entry for entry in linked + filed}.values())

    # ---- titles -----------------------------------------------------------------------

    def titled(self, phrases: Sequence[Phrase], *, unit: str | None = None, allow_news: bool = False) -> list[tuple[Doc, Match]]:
        """Documents (of `unit`, or all) whose own title is the item (CHECKS.md "matches"), in run order."""
        phrases = tuple(phrases)
        if unit is None:
            return self._titles.own_titles(phrases, allow_news)
        if (phrases, allow_news) not in self._titled_by_unit:
            by_unit = self._titled_by_unit[phrases, allow_news] = defaultdict(list)
            for doc, match in self._titles.own_titles(phrases, allow_news):
                by_unit[self.owner(doc)].append((doc, match))
        return self._titled_by_unit[phrases, allow_news].get(unit, [])

    def matching(self, phrases: Sequence[Phrase], allow_news: bool = False) -> list[tuple[Doc, Match]]:
        """Documents any of whose titles (see titles_of) is the item, in run order (match_doc)."""
        return self._titles.any_title(tuple(phrases), allow_news)


class _UnitNames:
    """The configured units' names, to tell which unit a title names."""

    def __init__(self, ctx: CheckContext) -> None:
        self._names = [
            (name, unit.name)
            for unit in ctx.config.units
            if not unit.has_role("county")
            for name in unit.names
            if len(name) >= MIN_NAMED_UNIT
        ]
        # most titles name no unit at all: one search says so
        names = sorted({name for name, _ in self._names}, key=len, reverse=True)
        self._any = re.compile("|".join(map(re.escape, names))) if names else None

    def named_in(self, title: str) -> tuple[str, str] | None:
        """(unit, the name the title uses) for the unit named first (the longest name at a place),
        not as a higher-level body."""
        if self._any is None or not self._any.search(title):
            return None
        hits = []
        for name, unit in self._names:
            for found in re.finditer(re.escape(name), title):
                if found.start() == 0 or title[found.start() - 1] not in _HIGHER_LEVEL:
                    hits.append((found.start(), -len(name), unit, name))
                    break
        return min(hits)[2:] if hits else None


class TitleIndex:
    """Every title the run's documents are known by, indexed by the characters it holds.

    A title can only contain a spelling, or come within FUZZY_THRESHOLD of it, when it
    holds most of the spelling's characters; the index hands match_title those titles only."""

    def __init__(self, docs: Sequence[Doc]) -> None:
        self._docs = docs
        self._ids: dict[str, int] = {}
        self._strings: list[str] = []
        self._own: list[list[int]] = []  # string id → positions of documents with it as their own title
        self._known_by: list[list[int]] = []  # string id → positions of documents known by it
        self._by_char: dict[str, list[int]] = defaultdict(list)
        for position, doc in enumerate(docs):
            titles = titles_of(doc)
            for title in titles:
                self._known_by[self._id(title)].append(position)
            if doc.title:
                self._own[self._id(doc.title)].append(position)
        self._found: dict[tuple, list] = {}

    def _id(self, title: str) -> int:
        if title not in self._ids:
            self._ids[title] = len(self._strings)
            self._strings.append(title)
            self._own.append([])
            self._known_by.append([])
            for char in set(clean_title(title)):
                self._by_char[char].append(self._ids[title])
        return self._ids[title]

    def own_titles(self, phrases: tuple[Phrase, ...], allow_news: bool) -> list[tuple[Doc, Match]]:
        key = ("own", phrases, allow_news)
        if key not in self._found:
            positions = sorted(
                (position, match)
                for string_id, match in self._matches(phrases, allow_news)
                for position in self._own[string_id]
            )
            self._found[key] = [(self._docs[position], match) for position, match in positions]
        return self._found[key]

    def any_title(self, phrases: tuple[Phrase, ...], allow_news: bool) -> list[tuple[Doc, Match]]:
        key = ("any", phrases, allow_news)
        if key not in self._found:
            positions = sorted({position for string_id, _ in self._matches(phrases, allow_news) for position in self._known_by[string_id]})
            found = ((self._docs[position], match_doc(self._docs[position], phrases, allow_news)) for position in positions)
            self._found[key] = [(doc, match) for doc, match in found if match is not None]
        return self._found[key]

    def _matches(self, phrases: tuple[Phrase, ...], allow_news: bool) -> list[tuple[int, Match]]:
        candidates = set().union(*(self._candidates(spelling) for phrase in phrases for spelling in phrase.spellings))
        found = ((string_id, match_title(self._strings[string_id], phrases, allow_news=allow_news)) for string_id in candidates)
        return [(string_id, match) for string_id, match in found if match is not None]

    def _candidates(self, spelling: str) -> set[int]:
        wanted = clean_title(spelling)
        if not wanted:
            return set()
        chars = sorted(set(wanted), key=lambda char: len(self._by_char.get(char, ())))
        if len(wanted) < MIN_FUZZY_LENGTH:
            return set(self._by_char.get(chars[0], ()))  # contained: holds every character, the rarest too
        misses = fuzzy_misses(len(wanted))
        if len(chars) <= misses:
            return set(range(len(self._strings)))
        return set().union(*(self._by_char.get(char, ()) for char in chars[: misses + 1]))


def fuzzy_misses(length: int) -> int:
    """How many characters of a spelling of `length` a title may lack and still score
    FUZZY_THRESHOLD: ratio = 2·common / (length + window), the window at most `length`
    long and holding the common characters, so common ≥ t·length / (2 − t)."""
    share = FUZZY_THRESHOLD / 100
    return length - math.floor(share * length / (2 - share))


@lru_cache(maxsize=TITLE_CACHE)
def cached_match(title: str, phrases: tuple[Phrase, ...], allow_news: bool) -> Match | None:
    return match_title(title, phrases, allow_news=allow_news)


def titles_of(doc: Doc) -> list[str]:
    """An attachment is known by its link text or file name as well as its title."""
    titles = [doc.title, doc.link_text or ""]
    if doc.kind == "attachment":
        titles.append(PurePosixPath(unquote(urlsplit(doc.url).path)).stem)
    return [title for title in dict.fromkeys(titles) if title]


def match_doc(doc: Doc, phrases: Iterable[Phrase], allow_news: bool = False) -> Match | None:
    """The match of the first of the document's titles that is the item."""
    titles = titles_of(doc)
    # a list's shortened link text (河南再取消…事项) does not make a news headline a document
    if not allow_news and any(is_news_report(title) for title in titles):
        return None
    phrases = tuple(phrases)
    for title in titles:
        match = cached_match(title, phrases, allow_news)
        if match is not None:
            return match
    return None


def column_folder(url: str) -> str | None:
    """The folder whose pages a column page at `url` lists, if its URL is a column's."""
    parts = urlsplit(url)
    if parts.query:
        return None
    head, _, last = parts.path.rpartition("/")
    if last and not _COLUMN_INDEX.match(last):
        return None
    return f"{parts.scheme}://{parts.netloc}{head}/"


def _folders(url: str) -> Iterable[str]:
    """Every prefix of `url` ending in a slash (a column's folder that may hold it)."""
    start = url.find("://") + 3
    position = url.find("/", start)
    while position != -1:
        yield url[: position + 1]
        position = url.find("/", position + 1)


def table_text(doc: Doc) -> str:
    return "\n".join(" ".join(str(cell) for cell in row) for table in doc.tables for row in table)


def corpus_of(ctx: CheckContext) -> Corpus:
    """The run's view, built by the first check that asks for it."""
    return ctx.shared(Corpus)
