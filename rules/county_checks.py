"""Shared machinery of the county-scope checks (CHECKS.md sections B and D).

Most indicators of section B only ask that certain documents exist somewhere on
the county's sites. Such a check is a :class:`PresenceCheck` subclass declaring
its :class:`Requirement` s; the few extra warn/fail conditions of the table are
a `problems` method over what was found. Section D's negative hits are a
:class:`NegativeHitCheck` declaring the events to look for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import ClassVar

import cn2an

from parsing.dates import find_dates, months_before, parse_date
from rules.base import Check, CheckContext, Doc, Evidence, Result
from rules.corpus import Corpus, corpus_of, titles_of
from rules.matching import Match, Phrase, is_news_report, qualifies
from rules.topics.consultation import notice_text
from rules.topics.major_decisions import MAJOR_DECISION_WORDS
from rules.topics.normative import FIRST_NORMATIVE_YEAR, NORMATIVE, SIGNED_DATE_FIELDS
from storage.statuses import worst

# Evidence entries kept per requirement; the message gives the full count.
MAX_EVIDENCE = 8
# Fetch-error units and URLs named in a fail message.
MAX_ERROR_UNITS = 5


@dataclass(frozen=True)
class Requirement:
    """One thing an item needs online: a document whose title matches a phrase.

    `context` lists qualifiers (each with |-alternatives) that the title or the
    text must contain: activity items (a 专家论证会 on a 规范性文件) seldom spell
    out in the title what the activity was about. `accept` is a further test on
    the document (a date window, a number in the text)."""

    name: str
    phrases: tuple[Phrase, ...]
    advice: str
    allow_news: bool = False
    context: tuple[str, ...] = ()
    accept: Callable[[Corpus, Doc], bool] | None = None
    accept_failure: str = ""
    # finds the documents itself, in the order evidence should show them, where
    # the title alone cannot tell (规范性文件 sit in a column under ordinary titles)
    find: Callable[[Corpus], list[Hit]] | None = None


@dataclass(frozen=True, eq=False)
class Hit:
    doc: Doc
    match: Match | None
    published: dt.date | None
    why: str = ""
    years: tuple[int, ...] = ()  # years of the documents it shows (a 规范性文件 list)

    def evidence(self, label: str, extra: str = "") -> Evidence:
        note = f"{label}：{self.why or self._matched()}"
        evidence = Evidence.of(self.doc, note + (f"；{extra}" if extra else ""))
        evidence.published = self.published
        return evidence

    def _matched(self) -> str:
        fuzzy = f"（近似匹配 {self.match.score:g}）" if self.match.how == "fuzzy" else ""
        return f"标题含“{self.match.matched}”{fuzzy}"


def requirement_hits(corpus: Corpus, requirement: Requirement, *, accepted: bool = True) -> list[Hit]:
    """Documents meeting the requirement, newest first (undated last). A column
    page named after the item is not the item: the documents it lists are."""
    if requirement.find:
        return requirement.find(corpus)
    found: dict[str, Hit] = {}
    columns = []
    for doc, match in corpus.matching(requirement.phrases, requirement.allow_news):
        if corpus.listed_in(doc) is not None:
            columns.append((doc, match))
        elif _meets(corpus, requirement, doc, accepted):
            found[doc.url] = Hit(doc, match, corpus.published(doc))
    for column, match in columns:
        for entry in _column_entries(corpus, requirement, column, match):
            if entry.url not in found and _meets(corpus, requirement, entry, accepted):
                found[entry.url] = Hit(entry, match, corpus.published(entry), f"列于“{column.title}”栏目")
    return newest_first(found.values())


def _column_entries(corpus: Corpus, requirement: Requirement, column: Doc, match: Match) -> list[Doc]:
    return [
        entry for entry in corpus.listed_in(column) or []
        if corpus.listed_in(entry) is None
        and any(qualifies(title, match.phrase) for title in titles_of(entry))
        and (requirement.allow_news or not any(is_news_report(title) for title in titles_of(entry)))
    ]


def _meets(corpus: Corpus, requirement: Requirement, doc: Doc, accepted: bool) -> bool:
    if not _in_context(corpus, doc, requirement.context):
        return False
    return not (accepted and requirement.accept and not requirement.accept(corpus, doc))


def _in_context(corpus: Corpus, doc: Doc, context: tuple[str, ...]) -> bool:
    if not context:
        return True
    text = corpus.content(doc)
    return all(any(word in text for word in alternatives.split("|")) for alternatives in context)


def newest_first(hits: Iterable[Hit]) -> list[Hit]:
    return sorted(hits, key=lambda hit: (hit.published is not None, hit.published or dt.date.min), reverse=True)


def fetch_error_note(ctx: CheckContext) -> str:
    """Names the sections whose pages could not be fetched, for a county-scope fail."""
    if not ctx.errors:
        return ""
    by_unit: dict[str, list[str]] = defaultdict(list)
    for error in ctx.errors:
        by_unit[error.unit].append(error.url)
    parts = [f"{unit}（{urls[0]}{f' 等{len(urls)}个网址' if len(urls) > 1 else ''}）" for unit, urls in list(by_unit.items())[:MAX_ERROR_UNITS]]
    return f"另：本次有栏目无法访问，其中可能有相关内容：{'；'.join(parts)}。"


def describe(hits: list[Hit]) -> str:
    newest = next((hit.published for hit in hits if hit.published), None)
    return f"{len(hits)}份" + (f"，最新发布于{newest.isoformat()}" if newest else "")


@dataclass(frozen=True)
class Problem:
    status: str  # "warn" or "fail"
    text: str
    evidence: tuple[Evidence, ...] = ()


class PresenceCheck(Check):
    """County-scope check: every requirement must be met by some document."""

    scope = "county"
    statuses = ("pass", "fail", "warn", "unknown")
    requirements: ClassVar[tuple[Requirement, ...]]

    def judge(self, ctx: CheckContext) -> Iterator[Result]:
        corpus = corpus_of(ctx)
        found = {req.name: requirement_hits(corpus, req) for req in self.requirements}
        evidence = [hit.evidence(name) for name, hits in found.items() for hit in hits[:MAX_EVIDENCE]]
        unit = ctx.county_unit.name
        missing = [req for req in self.requirements if not found[req.name]]
        if missing:
            yield self.result(ctx, unit, "fail", self._missing_message(ctx, corpus, missing, found), evidence)
            return
        problems = list(self.problems(corpus, found))
        summary = "；".join(f"{name}（{describe(hits)}）" for name, hits in found.items())
        if not problems:
            yield self.result(ctx, unit, "pass", f"已在网上找到：{summary}。", evidence)
            return
        status = worst(problem.status for problem in problems)
        text = "；".join(problem.text for problem in problems)
        extra = [item for problem in problems for item in problem.evidence]
        yield self.result(ctx, unit, status, f"{text}。已找到：{summary}。", extra + evidence)

    def problems(self, corpus: Corpus, found: dict[str, list[Hit]]) -> Iterable[Problem]:
        """The table's warn (and extra fail) conditions over what was found."""
        return ()

    def _missing_message(self, ctx: CheckContext, corpus: Corpus, missing: list[Requirement], found) -> str:
        parts = []
        for req in missing:
            rejected = requirement_hits(corpus, req, accepted=False) if req.accept else []
            reason = f"（{req.accept_failure}：{rejected[0].doc.title}）" if rejected and req.accept_failure else ""
            parts.append(f"未找到{req.name}{reason}；{req.advice}")
        present = [f"{name}（{describe(hits)}）" for name, hits in found.items() if hits]
        text = "。".join(parts) + "。"
        if present:
            text += f"已找到：{'；'.join(present)}。"
        return text + fetch_error_note(ctx)


# --- conditions shared by several checks ---------------------------------------


def stale_problem(hits: list[Hit], as_of: dt.date, months: int, what: str, status: str = "warn") -> Problem | None:
    """The newest version is older than `months` before the as-of date (动态更新)."""
    dated = [hit for hit in hits if hit.published]
    limit = months_before(as_of, months)
    if not dated:
        return Problem("warn", f"{what}均无法确定发布日期，请人工确认是否在{_period(months)}内更新过")
    newest = dated[0]
    if newest.published >= limit:
        return None
    note = f"最新版本发布于{newest.published.isoformat()}，早于{limit.isoformat()}"
    return Problem(status, f"{what}最新版本发布于{newest.published.isoformat()}，已超过{_period(months)}未更新，请动态更新", (newest.evidence(what, note),))


def _period(months: int) -> str:
    return f"{months // 12}年" if months % 12 == 0 and months > 12 else f"{months}个月"


def missing_words(text: str, labelled: Iterable[tuple[str, str]]) -> list[str]:
    """Labels whose words (|-alternatives) do not occur in `text`."""
    return [label for label, words in labelled if not any(word in text for word in words.split("|"))]


def within_months(months: int) -> Callable[[Corpus, Doc], bool]:
    """Accepts documents published within `months` before the as-of date."""

    def accept(corpus: Corpus, doc: Doc) -> bool:
        published = corpus.published(doc)
        return published is not None and months_before(corpus.ctx.as_of, months) <= published <= corpus.ctx.as_of

    return accept


def published_since(year: int) -> Callable[[Corpus, Doc], bool]:
    def accept(corpus: Corpus, doc: Doc) -> bool:
        published = corpus.published(doc)
        return published is None or published.year >= year

    return accept


# --- numbers of days ------------------------------------------------------------

_CN_NUMBER = "零〇一二两三四五六七八九十百半"
# 日 alone is a date (3月5日) unless 内 follows (3日内办结)
_DAYS = re.compile(
    rf"(?<![月\d.])(?P<n>\d+(?:\.\d+)?|[{_CN_NUMBER}]+)\s*个?\s*(?P<unit>工作日|自然日|小时|天|日(?=\s*(?:内|以内|之内)))"
)
_LEAD = re.compile(r"(?:压缩|缩短|减少|降|提速|控制|承诺|不超过|不超|最多|只需|仅需)[至到在为]?\s*$|[至到为]\s*$")
_TAIL = re.compile(r"^\s*(?:以内|之内|内)")
_HOURS_PER_WORKING_DAY = 8


def committed_days(sentence: str) -> tuple[float, str] | None:
    """The time a sentence commits to, in working days, with the words stating it:
    the duration after 压缩至/不超过/控制在… or before 以内, else the shortest one
    named ("由15个工作日压缩至3个工作日" commits to 3)."""
    targeted = []
    plain = []
    for match in _DAYS.finditer(sentence):
        number = _number(match["n"])
        if number is None:
            continue
        days = number / _HOURS_PER_WORKING_DAY if match["unit"] == "小时" else number
        lead = sentence[max(0, match.start() - 6) : match.start()]
        is_target = _LEAD.search(lead) or _TAIL.match(sentence[match.end() :])
        (targeted if is_target else plain).append((days, match.group(0)))
    candidates = targeted or plain
    return min(candidates) if candidates else None


def _number(raw: str) -> float | None:
    if raw == "半":
        return 0.5
    try:
        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError):
        return None


_SENTENCE = re.compile(r"[^。；;！!？?\n]+")


def sentences_with(text: str, words: Iterable[str]) -> list[str]:
    words = tuple(words)
    return [s.strip() for s in _SENTENCE.findall(text) if any(word in s for word in words)]


# --- negative hits (section D) ----------------------------------------------------

MAX_NOTE = 160


class NegativeHitCheck(Check):
    """County-scope check: documents whose title reports a negative event, for a person to review."""

    scope = "county"
    statuses = ("pass", "warn", "unknown")
    events: ClassVar[tuple[Phrase, ...]]
    # words whose sentence in the text is quoted as the trigger
    trigger_words: ClassVar[tuple[str, ...]]
    what: ClassVar[str]

    def judge(self, ctx: CheckContext) -> Iterator[Result]:
        corpus = corpus_of(ctx)
        hits = newest_first(
            Hit(doc, match, corpus.published(doc))
            for doc, match in corpus.matching(self.events)
            if corpus.listed_in(doc) is None
        )
        unit = ctx.county_unit.name
        if not hits:
            yield self.result(ctx, unit, "pass", f"未在网上发现{self.what}的信息。")
            return
        evidence = [Evidence.of(hit.doc, self._trigger(hit)) for hit in hits]
        for item, hit in zip(evidence, hits):
            item.published = hit.published
        titles = "、".join(f"《{hit.doc.title}》" for hit in hits[:3])
        more = f"等{len(hits)}份" if len(hits) > 3 else ""
        yield self.result(
            ctx, unit, "warn",
            f"发现{len(hits)}份可能涉及{self.what}的文件：{titles}{more}；请逐一核实，属实的应整改并说明处理结果，不属实的可忽略。",
            evidence,
        )

    def _trigger(self, hit: Hit) -> str:
        sentences = sentences_with(hit.doc.text, self.trigger_words)
        quoted = sentences[0][:MAX_NOTE] if sentences else hit.doc.title
        return f"标题含“{hit.match.matched}”；原文：{quoted}"


# --- 规范性文件 (24, 25) -------------------------------------------------------------

NORMATIVE_LIST = Phrase(
    NORMATIVE,
    requires=("目录|清单|一览表|汇编|文件库",),
    excludes=("后评估", "备案审查", "征求意见", "管理办法", "实施办法", "制定程序", "制定主体"),
)
# field or meta values naming the column or category a document is filed under
_MAX_CATEGORY_LENGTH = 20
_REGISTRATION = re.compile(r"(?:规范性文件)?(?:统一)?登记(?:编)?号|[A-Z]{2,8}DR\s*[-—–－]?\s*\d{4}")
_DOC_NUMBER_YEAR = re.compile(r"[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]")


def normative_hits(corpus: Corpus) -> list[Hit]:
    """规范性文件 online: lists of them, and documents filed as one (column,
    category field, registration number), each with the years it shows;
    one document per year first (newest year first), then the rest."""
    return corpus.ctx.shared(_normative_hits)


def _normative_hits(ctx: CheckContext) -> list[Hit]:
    corpus = corpus_of(ctx)
    lists = dict((doc.url, match) for doc, match in corpus.matching((NORMATIVE_LIST,)))
    hits = [hit for doc in corpus.docs if (hit := _normative_hit(corpus, doc, lists.get(doc.url)))]
    by_year: dict[int, list[Hit]] = defaultdict(list)
    for hit in newest_first(hits):
        for year in hit.years:
            by_year[year].append(hit)
    firsts = list(dict.fromkeys(by_year[year][0] for year in sorted(by_year, reverse=True)))
    return firsts + [hit for hit in newest_first(hits) if hit not in firsts]


def normative_years(hits: Iterable[Hit]) -> set[int]:
    return {year for hit in hits for year in hit.years}


def missing_normative_years(hits: Iterable[Hit], as_of: dt.date) -> list[int]:
    covered = normative_years(hits)
    return [year for year in range(FIRST_NORMATIVE_YEAR, as_of.year + 1) if year not in covered]


def _normative_hit(corpus: Corpus, doc: Doc, match: Match | None) -> Hit | None:
    """`match`: the document's title is a list of 规范性文件 (NORMATIVE_LIST)."""
    published = corpus.published(doc)
    if match is not None:
        years = _listed_years(corpus.content(doc), corpus.ctx.as_of) or ({published.year} if published else set())
        return Hit(doc, match, published, _years_note("规范性文件目录", years), tuple(sorted(years)))
    reason = _filed_as_normative(doc)
    if reason is None:
        return None
    year = published.year if published else _document_year(doc)
    years = {year} if year else set()
    return Hit(doc, None, published, _years_note(reason, years), tuple(years))


def _filed_as_normative(doc: Doc) -> str | None:
    for key, value in list(doc.meta.items()) + list(doc.fields.items()):
        if isinstance(value, str) and NORMATIVE in value and len(value) <= _MAX_CATEGORY_LENGTH:
            return f"归入“{value}”（{_field_label(key)}）"
    for key, value in doc.fields.items():
        if value and _is_registration_label(str(key)):
            return f"有规范性文件登记号 {value}"
    match = _REGISTRATION.search(doc.text[:2000]) if NORMATIVE in doc.text else None
    return f"正文有规范性文件登记号（{match.group(0)}）" if match else None


@lru_cache(maxsize=1024)
def _is_registration_label(key: str) -> bool:
    return bool(_REGISTRATION.search(key))


# the report is read by civil servants: a CMS's meta tag name means nothing to them
_META_LABELS = {"columnname": "所属栏目", "columntype": "栏目类型", "contentsource": "来源", "keywords": "关键词"}


def _field_label(key: str) -> str:
    if key.isascii():
        return _META_LABELS.get(key.lower(), "网页元数据")
    return key


def _document_year(doc: Doc) -> int | None:
    for key in SIGNED_DATE_FIELDS:
        if value := parse_date(str(doc.fields.get(key, ""))):
            return value.year
    number = _DOC_NUMBER_YEAR.search(str(doc.fields.get("文号", "")))
    return int(number.group(1)) if number else None


def _listed_years(text: str, as_of: dt.date) -> set[int]:
    """Years of the documents a list shows: their dates and document numbers (〔2021〕)."""
    years = {found.value.year for found in find_dates(text)}
    years |= {int(year) for year in _DOC_NUMBER_YEAR.findall(text)}
    return {year for year in years if 2000 <= year <= as_of.year}


def _years_note(reason: str, years: set[int]) -> str:
    shown = "、".join(str(year) for year in sorted(years)) or "年份不明"
    return f"{reason}，年份：{shown}"



NORMATIVE_DOCUMENTS = Requirement(
    name=f"{FIRST_NORMATIVE_YEAR}年以来的行政规范性文件（目录或栏目）",
    phrases=(NORMATIVE_LIST,),
    advice=f"请在政府信息公开“规范性文件”栏目公开{FIRST_NORMATIVE_YEAR}年以来县政府及各部门制定的行政规范性文件或其目录，并标明发布日期",
    find=normative_hits,
)


def normative_year_problem(hits: list[Hit], as_of: dt.date) -> Problem | None:
    """A year since 2019 without any 规范性文件 online."""
    missing = missing_normative_years(hits, as_of)
    if not missing:
        return None
    years = "、".join(str(year) for year in missing)
    return Problem("warn", f"{years}年未找到任何行政规范性文件，请补充公开该年度制定的规范性文件（确无制定的请在栏目中说明）")


# --- 重大行政决策 (33, 35, 36) and 行政复议 (83, 84) ----------------------------------

def about_major_decision(corpus: Corpus, doc: Doc) -> bool:
    """The document or its attachments speak of a 重大行政决策, or name one the configuration lists
    (a draft pasted below a notice speaks of its own subject, not of the notice)."""
    text = corpus.content(replace(doc, text=notice_text(doc)))
    return any(word in text for word in MAJOR_DECISION_WORDS + tuple(corpus.ctx.config.major_decisions))


EXPERT_PHRASES = (Phrase("专家论证", ("专家评审", "专家咨询", "专家意见", "论证会", "论证意见", "论证报告", "专家评估")),)

RECONSIDERATION = Phrase("行政复议", ("复议",), excludes=("决定书", "复议决定", "答复书"))
RECONSIDERATION_TERMS = Requirement(
    name="行政复议受理范围、受理条件和程序",
    phrases=(RECONSIDERATION,),
    advice="请公开行政复议案件的受理范围、受理条件和办理程序（如行政复议指南、申请须知）",
    context=("范围", "条件", "程序|流程"),
)
