"""The per-unit and per-item kinds of check (CHECKS.md A, C) and what they share.

A per-unit check (:class:`PerUnitCheck`) judges one unit at a time: the engine
calls it once for each unit of its `roles`. A yearly report with a deadline is
a :class:`YearlyItemCheck` declaring its phrases and due date. A per-item check
(:class:`PerItemCheck`) gives each item a verdict; its finding for a unit is the
worst of that unit's items. Also here: telling a column or list page from an item. Which documents a unit
holds and their dates are the run's view (rules/corpus.py); the words of one
subject live in rules/topics/.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rules.base import Check, CheckContext, Doc, Evidence, Result
from rules.corpus import Corpus, corpus_of
from rules.matching import Match, Phrase, find_years, normalise_title
from storage.statuses import worst


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "日期不明"


def cn_date(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


class PerUnitCheck(Check):
    """Per-unit check: one finding for each unit of `roles`, judged by `judge_unit`.

    The engine does the loop, handing each unit its own view of the run, so a
    crash on one unit's documents leaves every other unit's finding as it is."""

    scope = "per_unit"

    def judge(self, ctx: CheckContext) -> Iterator[Result]:
        yield self.judge_unit(ctx, corpus_of(ctx), ctx.only_unit)

    def judge_unit(self, ctx: CheckContext, corpus: Corpus, unit: str) -> Result:
        raise NotImplementedError


# ---- yearly reports with a deadline (51, 93, 31) ----------------------------


@dataclass(frozen=True)
class YearlyItem:
    """One report or catalogue a unit must publish for `year` by `due`."""

    name: str  # 法治政府建设情况报告
    year: int
    due: dt.date
    late_fails: bool = True  # 31's catalogue: any publication for the year counts


class YearlyItemCheck(PerUnitCheck):
    """Per-unit check: the unit's report (or catalogue) for a year, published by a due date."""

    statuses = ("pass", "fail", "warn", "unknown")
    phrases: ClassVar[tuple[Phrase, ...]]
    item_name: ClassVar[str]
    # (month, day) of the as-of year by which the item is due
    due: ClassVar[tuple[int, int]]
    # a report covers the year before the as-of year; a catalogue (31) the as-of year itself
    years_back: ClassVar[int] = 1
    late_fails: ClassVar[bool] = True

    def judge_unit(self, ctx: CheckContext, corpus: Corpus, unit: str) -> Result:
        year = ctx.as_of.year
        item = YearlyItem(self.item_name, year - self.years_back, dt.date(year, *self.due), self.late_fails)
        candidates = self.candidates(ctx, corpus, unit)
        result = judge_yearly(self, ctx, unit, candidates, item, corpus, lambda doc: self.year_of(corpus, doc))
        self.amend(ctx, corpus, item, candidates, result)
        return result

    def candidates(self, ctx: CheckContext, corpus: Corpus, unit: str) -> list[Doc]:
        """The unit's documents that are the item, whatever year they cover."""
        return [doc for doc, _ in corpus.titled(self.phrases, unit=unit)]

    def year_of(self, corpus: Corpus, doc: Doc) -> int | None:
        return covered_year(doc)

    def amend(self, ctx: CheckContext, corpus: Corpus, item: YearlyItem, candidates: Sequence[Doc], result: Result) -> None:
        """What the indicator asks beyond the yearly item (history, a county-level rule)."""


def covered_year(doc: Doc) -> int | None:
    """The year a report or catalogue is for: the first year its title names
    (…2020年工作总结和2021年工作计划 reports on 2020)."""
    years = find_years(doc.title)
    return years[0] if years else None


def judge_yearly(
    check: Check,
    ctx: CheckContext,
    unit: str,
    candidates: Sequence[Doc],
    item: YearlyItem,
    corpus: Corpus,
    year_of: Callable[[Doc], int | None] = covered_year,
) -> Result:
    """Present for the year and on time (CHECKS.md A: 93, 51, 31)."""
    reports = [doc for doc in candidates if year_of(doc) == item.year]
    label = f"{item.year}年度{item.name}"
    if not reports:
        return _missing_yearly(check, ctx, unit, [year_of(doc) for doc in candidates], item, label)
    # one report posted in two columns has two documents of one date: order by date alone
    dated = sorted(((corpus.published(doc), doc) for doc in reports if corpus.published(doc)), key=lambda pair: pair[0])
    on_time = [(day, doc) for day, doc in dated if day <= item.due or not item.late_fails]
    if on_time:
        day, doc = on_time[0]
        return check.result(ctx, unit, "pass", f"{label}已公开（{iso(day)}）", [Evidence.of(doc, f"发布于 {iso(day)}")])
    if dated and ctx.as_of > item.due:
        day, doc = dated[0]
        message = f"{label}发布于{iso(day)}，晚于{cn_date(item.due)}"
        return check.result(ctx, unit, "fail", message, [Evidence.of(doc, f"发布于 {iso(day)}，期限 {iso(item.due)}")])
    if dated:
        day, doc = dated[0]
        return check.result(ctx, unit, "pass", f"{label}已公开（{iso(day)}）", [Evidence.of(doc, f"发布于 {iso(day)}")])
    doc = reports[0]
    message = f"找到{label}，但无法确定发布日期，请人工确认是否于{iso(item.due)}前公开"
    return check.result(ctx, unit, "warn", message, [Evidence.of(doc, "发布日期不明")])


def _missing_yearly(
    check: Check, ctx: CheckContext, unit: str, years: Sequence[int | None], item: YearlyItem, label: str
) -> Result:
    others = sorted(set(years) - {item.year, None})
    seen = f"（仅找到{'、'.join(f'{year}年' for year in others)}的，不能代替）" if others else ""
    if ctx.as_of <= item.due:
        message = f"尚未找到本单位{label}，应于{iso(item.due)}前公开{seen}"
        return check.result(ctx, unit, "warn", message, absence=True)
    return check.result(ctx, unit, "fail", f"未找到本单位{label}（期限 {iso(item.due)}）{seen}", absence=True)


# ---- per-item checks (23, 34, 52, 84): one finding per unit -----------------


@dataclass
class ItemVerdict:
    unit: str
    # pass | fail | warn; unknown when a date lies outside the working-day calendar
    status: str
    doc: Doc
    note: str
    # the year the working-day calendar lacks, for an unknown item
    missing_year: int | None = None


@dataclass(frozen=True)
class ItemWords:
    noun: str  # 执法决定
    bad: str  # 公开超期
    good: str  # 按时公开


class PerItemCheck(Check):
    """Per-item check: each item of the run gets a verdict (`verdicts`); a unit's
    finding is the worst of its items."""

    scope = "per_item"
    statuses = ("pass", "fail", "warn", "unknown")
    words: ClassVar[ItemWords]

    def judge(self, ctx: CheckContext) -> Iterator[Result]:
        return per_item_results(self, ctx, self.verdicts(ctx, corpus_of(ctx)), self.words)

    def verdicts(self, ctx: CheckContext, corpus: Corpus) -> Iterable[ItemVerdict]:
        raise NotImplementedError


def per_item_results(check: Check, ctx: CheckContext, verdicts: Iterable[ItemVerdict], words: ItemWords) -> Iterator[Result]:
    """CHECKS.md C: the unit's status is the worst of its items; evidence lists
    exactly its late, defective and unjudgeable items — or, for a pass, the
    documents whose items were all on time."""
    by_unit: dict[str, list[ItemVerdict]] = defaultdict(list)
    for verdict in verdicts:
        by_unit[verdict.unit].append(verdict)
    for unit, items in by_unit.items():
        status = worst(item.status for item in items)
        yield check.result(ctx, unit, status, _item_message(items, words), _item_evidence(items, status, words))


def _item_message(items: Sequence[ItemVerdict], words: ItemWords) -> str:
    counts = {status: sum(item.status == status for item in items) for status in ("fail", "unknown", "warn", "pass")}
    parts = [
        f"{counts['fail']}项{words.bad}" if counts["fail"] else "",
        f"{counts['unknown']}项因工作日历缺少{_years(items)}年的放假安排无法判断（可在配置 [calendar] 中补充）"
        if counts["unknown"]
        else "",
        f"{counts['warn']}项无法判断或需人工确认" if counts["warn"] else "",
        f"{counts['pass']}项{words.good}" if counts["pass"] else "",
    ]
    return f"共{len(items)}项{words.noun}：" + "，".join(part for part in parts if part)


def _years(items: Sequence[ItemVerdict]) -> str:
    return "、".join(str(year) for year in sorted({item.missing_year for item in items if item.missing_year}))


def _item_evidence(items: Sequence[ItemVerdict], status: str, words: ItemWords) -> list[Evidence]:
    if status != "pass":
        return [Evidence.of(item.doc, item.note) for item in items if item.status != "pass"]
    per_doc: dict[str, list[ItemVerdict]] = defaultdict(list)
    for item in items:
        per_doc[item.doc.url].append(item)
    return [
        Evidence.of(group[0].doc, f"{len(group)}项均{words.good}" if len(group) > 1 else group[0].note)
        for group in per_doc.values()
    ]


# ---- pages that are lists or columns ---------------------------------------

# a list page shows many numeric dates (one per entry); a decision writes few, in words
LIST_PAGE_DATES = 5
_NUMERIC_DATE = re.compile(r"\d{4}\s*[-/.]\s*\d{1,2}")
COLUMN_WORDS = "公示公开信息栏目专栏决定书"


def is_column_title(title: str, match: Match) -> bool:
    """A title that is only the item's name (行政处罚决定公示) may be the column listing them."""
    rest = normalise_title(title).replace(match.matched, "", 1)
    return not rest.strip(COLUMN_WORDS)


def looks_like_list(doc: Doc) -> bool:
    """A column page listing many entries, each with its date, is not a notice."""
    return len(_NUMERIC_DATE.findall(doc.text)) >= LIST_PAGE_DATES
