"""Deciding from its title whether a document *is* an item (CHECKS.md "matches").

A title matches a phrase when, after normalising, it contains the phrase or one
of its variants, or comes close to one under a fuzzy comparison. Qualifiers the
phrase requires must be present, excluding words absent, and a news report
about the item (a meeting, training, inspection visit) is not the item.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Sequence

from rapidfuzz import fuzz

# Chosen from the cases in tests/test_matching.py (rapidfuzz partial_ratio on
# normalised text). True variants that only fuzzy matching finds sit just above:
# 权利和责任清单 for 权力和责任清单 (a one-character typo, 85.7), 公共服务清单 for
# 公共服务事项清单 (85.7), 权力清单及责任清单 (88.9), …法治政府建设情况的报告 for
# 法治政府建设情况报告 (90.0). Near-misses sit just below: 行政事业单位收费目录清单
# for 行政事业性收费目录清单 (81.8), 行政规范性文件清理工作 for 规范性文件清理结果
# (77.8), 新闻发言人 for 新闻发布会 (75.0), 行政处罚决定书 for 行政复议决定书 (71.4).
# A phrase variant of six characters or fewer can therefore only match by
# containment: one changed character already scores 83.3 or less.
FUZZY_THRESHOLD = 85.0
# partial_ratio scores a short spelling against any window of the title, so two
# shared characters of a four-character spelling (政府诚信 in 政府信息公开指南)
# already reach the threshold: short spellings match by containment only.
MIN_FUZZY_LENGTH = 7


@dataclass(frozen=True)
class Phrase:
    """One thing an item may be called.

    `requires`: qualifiers that must all appear in the title; an entry may list
    alternatives separated by "|" ("法治政府|依法行政"). `excludes`: words that
    make the title something else (管理办法 for an actual purchase)."""

    name: str
    variants: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.variants)


@dataclass(frozen=True)
class Match:
    phrase: Phrase
    matched: str
    score: float
    how: Literal["contains", "fuzzy"]


_STRIP_CHARS = re.compile(r"[\s《》〈〉「」『』【】“”‘’\"'`]+")
_EDITION = re.compile(r"\((?:[^()]*?\d{4}[^()]*?|[^()]*?版)\)")
_LEADING = re.compile(r"^关于(?:印发|公布|公开|发布|转发|公示)?")
_TRAILING = re.compile(r"(?:的)?(?:通知|公告|公示|通告)$")
_TRAILING_BRACKET = re.compile(r"\([^()]*\)$")


# a run's titles are matched against many phrases: each is normalised once
TITLE_CACHE = 1 << 17


@lru_cache(maxsize=TITLE_CACHE)
def clean_title(text: str) -> str:
    """Character-level normalisation: NFKC folds full-width forms; spacing,
    quotes and title brackets carry no meaning in a title."""
    return _STRIP_CHARS.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=TITLE_CACHE)
def normalise_title(title: str) -> str:
    """The core of a title: NFKC, no spaces or quotes/《》, without edition
    suffixes such as （2021年版）, a leading 关于印发/公布…, and a trailing
    的通知/公告/公示/通告. 目录 and （征求意见稿） are kept: they distinguish items."""
    text = _EDITION.sub("", clean_title(title))
    previous = None
    while text != previous:
        previous = text
        text = _TRAILING.sub("", _LEADING.sub("", text))
    return text


# Always a report about something: meetings, training, visits, study sessions.
_NEWS_ALWAYS = re.compile(
    "|".join(
        (
            r"召开",
            r"举行",
            r"举办",
            r"(?:培训|部署|推进|座谈|动员|调度|观摩|交流|现场|研讨|专题|联席|汇报|启动|总结|"
            r"表彰|讲评|点评|约谈|协调|务虚|见面|警示教育|工作)会",
            r"会议(?!制度|规则|纪要|议事)",
            r"培训班|专题培训|集中培训|业务培训|开展.{0,12}培训|参加.{0,12}培训",
            r"调研",
            r"督导",
            r"观摩",
            r"学习",
            r"莅临",
            r"视察",
            r"检查指导|指导检查",
            r"组织观看",
            r"(?:检查|督查|督察|督导|调研|考核|评估|考察|工作|巡察)组.{0,20}(?:到|来|赴|深入|莅临|对)",
            r"(?:领导|书记|县长|局长|主任|部长).{0,6}(?:到|赴|深入|走进|带队)",
            r"一行(?:$|到|来|赴|莅临|调研|考察|检查)",
            # a headline's exclamation mark (大力简政放权！河南再取消…); document titles never shout
            r"!",
        )
    )
)
# Newsy phrasing that an official document title may also use ("关于扎实推进…
# 的意见"): counts only when the title does not read as a document.
_NEWS_UNLESS_DOCUMENT = re.compile(
    r"取得.{0,4}(?:成效|实效|成果|进展)|成效(?:显著|明显)|见实效|显成效|"
    r"(?:扎实|稳步|有序|持续|全力|积极|强力|大力|深入)推进|多措并举|"
    r"圆满完成|顺利通过|活动|宣传|走访|慰问|助力|纪实|侧记|掠影|剪影|"
    r"抓好|抓实|切实做好|成立|措施|举措|亮点|"
    # 县市场监管局开展“双公示”专项检查, 我县完成权责清单梳理工作
    r"开展|完成|^我(?:县|市|区|镇|乡|局|委|办)"
)
_DOCUMENT_ENDINGS = (
    "通知", "公告", "公示", "通告", "意见", "方案", "办法", "规定", "细则", "规则", "制度",
    "清单", "目录", "报告", "决定", "决定书", "批复", "函", "通报", "名单", "标准", "指南",
    "规划", "计划", "纲要", "条例", "说明", "解读", "征求意见稿",
)


_CONSULTATION = re.compile(r"征求意见|意见征集|征集意见|意见建议征集")


def _reads_as_document(cleaned: str) -> bool:
    core = _TRAILING_BRACKET.sub("", _EDITION.sub("", cleaned))
    return (
        cleaned.startswith("关于")
        or core.endswith(_DOCUMENT_ENDINGS)
        or bool(_CONSULTATION.search(cleaned))
    )


@lru_cache(maxsize=TITLE_CACHE)
def is_news_report(title: str) -> bool:
    """Whether a title reports *about* something (a meeting, training, visit,
    a work achievement) rather than being the document itself."""
    cleaned = clean_title(title)
    if _NEWS_ALWAYS.search(cleaned):
        return True
    return bool(_NEWS_UNLESS_DOCUMENT.search(cleaned)) and not _reads_as_document(cleaned)


def _present(word: str, cleaned: str) -> bool:
    return any(alternative in cleaned for alternative in _alternatives(word))


@lru_cache(maxsize=4096)
def _alternatives(word: str) -> tuple[str, ...]:
    return tuple(clean_title(alternative) for alternative in word.split("|") if alternative)


def qualifies(title: str, phrase: Phrase) -> bool:
    """The title carries the phrase's required qualifiers and none of its excluding words."""
    return _qualifies(phrase, clean_title(title))


def _qualifies(phrase: Phrase, cleaned: str) -> bool:
    if any(_present(word, cleaned) for word in phrase.excludes):
        return False
    return all(_present(word, cleaned) for word in phrase.requires)


def _fuzzy_score(variant: str, core: str) -> float:
    # partial_ratio aligns the shorter string inside the longer; a title shorter
    # than the variant ("清单") must not score 100 for being inside it.
    if len(core) < len(variant):
        return fuzz.ratio(variant, core)
    return fuzz.partial_ratio(variant, core)


def match_title(
    title: str, phrases: Sequence[Phrase], *, allow_news: bool = False
) -> Match | None:
    """The best phrase the title matches, or None.

    A contained spelling beats any fuzzy one; among several, the longest
    (most specific) spelling wins. `allow_news` is for activity items (宪法宣传周,
    新闻发布会), whose evidence is news by nature."""
    if not allow_news and is_news_report(title):
        return None
    cleaned = clean_title(title)
    core = normalise_title(title)
    best: Match | None = None
    for phrase in phrases:
        if not _qualifies(phrase, cleaned):
            continue
        for spelling in phrase.spellings:
            candidate = _match_spelling(phrase, spelling, cleaned, core)
            if candidate and (best is None or _rank(candidate) > _rank(best)):
                best = candidate
    return best


def _match_spelling(phrase: Phrase, spelling: str, cleaned: str, core: str) -> Match | None:
    variant = clean_title(spelling)
    if not variant:
        return None
    if variant in cleaned or variant in core:
        return Match(phrase, spelling, 100.0, "contains")
    if len(variant) < MIN_FUZZY_LENGTH:
        return None
    score = _fuzzy_score(variant, core)
    if score >= FUZZY_THRESHOLD:
        return Match(phrase, spelling, round(score, 1), "fuzzy")
    return None


def _rank(match: Match) -> tuple[bool, float, int]:
    return (match.how == "contains", match.score, len(match.matched))


_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "o": 0, "O": 0, "0": 0, "一": 1, "二": 2, "三": 3,
              "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DIGIT_CLASS = "〇○零oO0一二三四五六七八九"
_YEAR = re.compile(
    rf"(?<![\d〔\[])(20\d\d)(?!\d)|二[〇○零oO0]([{_CN_DIGIT_CLASS}])([{_CN_DIGIT_CLASS}])(?=年)"
)


def find_years(title: str) -> list[int]:
    """Years 2000–2099 a title mentions ("2020年度", "2020年", "二〇二〇年"),
    in order of first mention. Years in a document number (〔2021〕) are not the
    year a document covers and are skipped."""
    years: list[int] = []
    for match in _YEAR.finditer(unicodedata.normalize("NFKC", title)):
        if match[1]:
            year = int(match[1])
        else:
            year = 2000 + _CN_DIGITS[match[2]] * 10 + _CN_DIGITS[match[3]]
        if year not in years:
            years.append(year)
    return years
