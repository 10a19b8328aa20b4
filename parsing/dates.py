"""Dates as Chinese government pages write them, comment windows and signature dates.

All offsets in the results refer to the text as given: normalisation (full-width
characters, NBSP and other odd spaces) maps one character to one character.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import cn2an

MIN_YEAR, MAX_YEAR = 1900, 2100

_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"
_ONE_TO_ONE = {0xFF01 + i: 0x21 + i for i in range(0x5E)}  # full-width ASCII block
_ONE_TO_ONE.update({ord(c): " " for c in _SPACES})

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0}
_YEAR_CHAR = "[0-9〇○零O一二三四五六七八九]"
_YEAR = rf"(?<![0-9〇○零O一二三四五六七八九十]){_YEAR_CHAR}(?:\s{{0,3}}{_YEAR_CHAR}){{3}}"
_NUM = r"(?:\d(?:\s?\d)?(?!\d)|[一二三四五六七八九十]{1,3})"
_TIME = r"(?:[T\s]*\d{1,2}:\d{2}(?::\d{2})?(?!\d))?"

_CHINESE_FULL = re.compile(
    rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*[日号]{_TIME}"
)
_CHINESE_NO_YEAR = re.compile(
    rf"(?<![0-9〇一二三四五六七八九十年])(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*[日号]{_TIME}"
)
# A separator and digit right after a date is a longer number (2021.4.9.1), unless
# another date follows, as in 2021-05-06-2021-05-14.
_NUMERIC_BODY = (
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    rf"(?!\d|(?P=sep)\d(?!\d{{3}}[-/.])){_TIME}"
)
_NUMERIC = re.compile(r"(?<![0-9A-Za-z/.\-_])" + _NUMERIC_BODY)
_NUMERIC_AFTER_DASH = re.compile(r"(?<![0-9A-Za-z/._])" + _NUMERIC_BODY)
_NUMERIC_NO_YEAR = re.compile(r"(?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d|[-/.]\d)")
_DAY_ONLY = re.compile(rf"(?P<d>{_NUM})\s*[日号]{_TIME}")

_PAREN_NOTE = r"(?:\s*[(（]\s*(?:星期|周|礼拜)[一二三四五六日天]\s*[)）])?"
_CLOCK_NOTE = r"(?:\s*(?:上午|下午|晚上|中午)?\s*\d{1,2}\s*(?:[时点](?:\s*\d{1,2}\s*分|半|整)?|:\d{2}))?"
_AFTER_DATE = re.compile(_PAREN_NOTE + _CLOCK_NOTE)
_RANGE_JOIN = re.compile(r"\s*起?\s*(?:至|到|~|〜|-+|—+|–|―|‐|‑|‒|−)\s*")
_BEFORE = re.compile(r"\s*(?:之前|以前|前|止)")
# 截止…DATE, and a window opening on the day the notice appears: 自即日起至 / 自公告之日起至 DATE
_DEADLINE_LEAD = re.compile(
    r"截[止至][^。；;\n]{0,12}$"
    r"|(?:即日|(?:本)?(?:公告|通知|公示|通告)?(?:发布|公布|公告|公示|印发|刊登|发出)之日)\s*起?\s*(?:至|到)\s*$"
)
_WINDOW_WORDS = re.compile(r"征求|征集|反馈|报送|提出|公示期|期限")
_SENTENCE_AFTER = re.compile(r"\s*(?:[至到起前止，,、的及和与~〜以之—–-]|期间)")
_SENTENCE_BEFORE = re.compile(r"(?:于|在|自|从|截至|截止|至|到|为|是)\s*$")


@dataclass(frozen=True)
class DateMatch:
    value: date
    start: int
    end: int
    raw: str
    has_year: bool


@dataclass(frozen=True)
class Window:
    """`start` None: the window opens on the notice's published date. A "length" window
    (征求意见期为30天，自…起) has no `end`: `days` (working days when `working`) give it."""

    start: date | None
    end: date | None
    raw: str
    kind: Literal["range", "deadline", "length"]
    days: int | None = None
    working: bool = False


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    year: int | None
    month: int
    day: int


def normalize(text: str) -> str:
    """Full-width forms and odd spaces to ASCII, keeping every offset."""
    return text.translate(_ONE_TO_ONE)


def find_dates(text: str, default_year: int | None = None) -> list[DateMatch]:
    """Every written date in `text`, in order; `M月D日` only when `default_year` is given."""
    found = []
    for hit in _scan(normalize(text)):
        has_year = hit.year is not None
        value = _make_date(hit.year if has_year else default_year, hit.month, hit.day)
        if value is not None:
            found.append(DateMatch(value, hit.start, hit.end, text[hit.start : hit.end], has_year))
    return found


def parse_date(text: str, default_year: int | None = None) -> date | None:
    """The first date written in `text`."""
    found = find_dates(text, default_year)
    return found[0].value if found else None


def last_date(text: str) -> date | None:
    """The signature date (落款/成文日期): the last full date standing on its own.

    Dates inside a sentence (于…召开, 自…至…, …前反馈, 截至…，) are not signatures.
    """
    norm = normalize(text)
    for hit in reversed(_scan(norm)):
        if hit.year is None or _in_sentence(norm, hit):
            continue
        value = _make_date(hit.year, hit.month, hit.day)
        if value is not None:
            return value
    return None


def parse_window(text: str, published: date | None = None) -> Window | None:
    """The comment window (征求意见时间 自…至…, 截止…, 请于…前反馈) in a notice.

    A date without a year takes the year that puts it nearest to `published`;
    an end without a year takes the start's year (the next year if it would end
    before it starts). A deadline alone gives `start=None`; one before `published`
    is not a deadline.
    """
    norm = normalize(text)
    candidates = []
    for hit in _scan(norm):
        start = _resolve(hit, published)
        if start is None:
            continue
        window = _range_from(norm, text, hit, start) or _deadline_at(norm, text, hit, start)
        if window is not None and not _stale_deadline(window, published):
            candidates.append((not _near_window_words(norm, hit), window.kind != "range", hit.start, window))
    if candidates:
        return min(candidates, key=lambda c: c[:3])[3]
    return _stated_length(norm, text, published)


# 征求意见期为30天 / 征求意见时间为七个工作日 / 公示期5个工作日 / 自发布之日起30日内
_LENGTH = re.compile(
    r"(?:征求意见|意见征集|征集意见|公开征求|公示|公告|反馈)[^。；;\n\d一二三四五六七八九十]{0,10}?"
    r"(?P<n>\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:个)?\s*(?P<unit>工作日|自然日|天|日)"
)
# where a stated length starts: 自2021年5月10日起, or the day the notice appears (自即日起, 自公告之日起)
_FROM_PUBLICATION = re.compile(r"(?:自|从)\s*(?:即日|(?:本)?(?:公告|通知|公示|通告)?(?:发布|公布|公告|公示|印发|刊登|发出)之日)\s*起")
_FROM_DATE = re.compile(r"(?:自|从|于)\s*$")
_LENGTH_REACH = 40


def _stated_length(norm: str, text: str, published: date | None) -> Window | None:
    """A window given as a length and a start; without a start it cannot be read."""
    for found in _LENGTH.finditer(norm):
        days = int(cn2an.cn2an(found["n"], "smart"))
        if not days:
            continue
        low, high = max(0, found.start() - _LENGTH_REACH), min(len(norm), found.end() + _LENGTH_REACH)
        start = _length_start(norm, low, high, published)
        if start is not False:
            raw = text[min(found.start(), start[1]) : max(found.end(), start[2])]
            return Window(start[0], None, raw, "length", days, found["unit"] == "工作日")
    return None


def _length_start(norm: str, low: int, high: int, published: date | None):
    """(start or None for the published date, span start, span end), or False when none is written."""
    opening = _FROM_PUBLICATION.search(norm, low, high)
    if opening:
        return (None, opening.start(), opening.end())
    for hit in _scan(norm[:high]):
        if hit.start < low:
            continue
        after = _AFTER_DATE.match(norm, hit.end).end()
        if _FROM_DATE.search(norm, max(0, hit.start - 3), hit.start) and re.match(r"\s*起", norm[after:]):
            start = _resolve(hit, published)
            if start is not None:
                return (start, hit.start, after)
    return False


def _scan(norm: str) -> list[_Hit]:
    hits = []
    for pattern in (_NUMERIC, _CHINESE_FULL, _CHINESE_NO_YEAR):
        for m in pattern.finditer(norm):
            hit = _hit_from(m)
            if hit is not None:
                hits.append(hit)
    hits.sort(key=lambda h: (h.start, -h.end))
    kept: list[_Hit] = []
    for hit in hits:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def _hit_from(m: re.Match[str]) -> _Hit | None:
    groups = m.groupdict()
    year = _year_value(groups["y"]) if groups.get("y") else None
    month, day = _small_number(groups["m"]), _small_number(groups["d"])
    if month is None or day is None or not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year is not None and (not MIN_YEAR <= year <= MAX_YEAR or _make_date(year, month, day) is None):
        return None
    return _Hit(m.start(), m.end(), year, month, day)


def _year_value(raw: str) -> int:
    digits = [c for c in raw if not c.isspace()]
    return int("".join(str(_CN_DIGITS[c]) if c in _CN_DIGITS else c for c in digits))


def _small_number(raw: str) -> int | None:
    """1–31 written as digits or Chinese numerals (十, 十二, 二十, 三十一)."""
    raw = "".join(raw.split())
    if raw.isdigit():
        return int(raw)
    tens, _, units = raw.rpartition("十")
    if "十" not in raw:
        return _CN_DIGITS.get(raw) if len(raw) == 1 else None
    if len(tens) > 1 or len(units) > 1 or "十" in tens:
        return None
    ten_value = _CN_DIGITS.get(tens, 0) if tens else 1
    unit_value = _CN_DIGITS.get(units, 0) if units else 0
    if (tens and not ten_value) or (units and not unit_value):
        return None
    return ten_value * 10 + unit_value


def _make_date(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve(hit: _Hit, published: date | None) -> date | None:
    if hit.year is not None:
        return _make_date(hit.year, hit.month, hit.day)
    if published is None:
        return None
    options = [_make_date(y, hit.month, hit.day) for y in (published.year - 1, published.year, published.year + 1)]
    return min((d for d in options if d), key=lambda d: abs(d - published), default=None)


def _range_from(norm: str, text: str, hit: _Hit, start: date) -> Window | None:
    pos = _AFTER_DATE.match(norm, hit.end).end()
    join = _RANGE_JOIN.match(norm, pos)
    if join is None:
        return None
    end_at = _end_date(norm, join.end(), start)
    if end_at is None:
        return None
    end, stop = end_at
    return Window(start, end, text[hit.start : stop], "range") if end >= start else None


def _end_date(norm: str, pos: int, start: date) -> tuple[date, int] | None:
    for pattern in (_NUMERIC_AFTER_DASH, _CHINESE_FULL, _CHINESE_NO_YEAR, _NUMERIC_NO_YEAR):
        m = pattern.match(norm, pos)
        hit = _hit_from(m) if m else None
        if hit is not None:
            end = _make_date(hit.year or start.year, hit.month, hit.day)
            if end is not None and hit.year is None and end < start:
                end = _make_date(start.year + 1, hit.month, hit.day)
            return (end, hit.end) if end else None
    m = _DAY_ONLY.match(norm, pos)
    day = _small_number(m["d"]) if m else None
    if day is None:
        return None
    end = _make_date(start.year, start.month, day)
    if end is not None and end < start:
        following = start.replace(day=1) + timedelta(days=32)
        end = _make_date(following.year, following.month, day)
    return (end, m.end()) if end else None


def _deadline_at(norm: str, text: str, hit: _Hit, end: date) -> Window | None:
    before = _DEADLINE_LEAD.search(norm, max(0, hit.start - 16), hit.start)
    after = _BEFORE.match(norm, _AFTER_DATE.match(norm, hit.end).end())
    if before is None and after is None:
        return None
    first = before.start() if before else hit.start
    last = after.end() if after else hit.end
    return Window(None, end, text[first:last], "deadline")


def _stale_deadline(window: Window, published: date | None) -> bool:
    """截至2020年底，全县… states a count, not a deadline, when it precedes publication."""
    return window.kind == "deadline" and published is not None and window.end < published


def _near_window_words(norm: str, hit: _Hit) -> bool:
    return bool(_WINDOW_WORDS.search(norm, max(0, hit.start - 20), min(len(norm), hit.end + 20)))


def _in_sentence(norm: str, hit: _Hit) -> bool:
    return bool(
        _SENTENCE_AFTER.match(norm, _AFTER_DATE.match(norm, hit.end).end())
        or _SENTENCE_BEFORE.search(norm, max(0, hit.start - 6), hit.start)
    )


def months_before(day: date, months: int) -> date:
    """The same calendar day `months` earlier, or that month's last day (31 May less 3 months is 28/29 Feb)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
