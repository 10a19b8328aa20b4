"""What a person may write into a verdict, checked the same way whether it comes from a form in
`fazhi serve` or from a cell of the 台账: a reason where one is needed, a waiver that has not
ended already, a due date in working days, a 已整改 address on the county's own sites."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import chinese_calendar

from reports.model import safe_link
from storage.review import ACTIONS, REVIEWER, REVIEWER_ACTIONS, UNIT_ACTIONS

NEEDS_REASON = ("dismiss", "waive", "waiver_request")
MAX_WORKDAYS = 365
_COLON = "[：:]"
_DATE = r"(\d{4}-\d{1,2}-\d{1,2})"
# the 台账's words (reports/export_xlsx.py OPINION_FORMS and ANSWER_FORMS), each with its action
_OPINIONS = (
    (re.compile(rf"^确认(?:{_COLON}(?P<reason>.*))?$"), "confirm"),
    (re.compile(rf"^误报(?:{_COLON}(?P<reason>.*))?$"), "dismiss"),
    (re.compile(rf"^豁免至\s*{_DATE}(?:{_COLON}(?P<reason>.*))?$"), "waive"),
    (re.compile(rf"^限期\s*(?P<workdays>\d+)\s*个工作日(?:{_COLON}(?P<reason>.*))?$"), "due"),
    (re.compile(rf"^限期至\s*{_DATE}(?:{_COLON}(?P<reason>.*))?$"), "due"),
)
_ANSWERS = (
    (re.compile(rf"^已整改(?:{_COLON}\s*(?P<url>.*))?$"), "fixed"),
    (re.compile(rf"^申请豁免(?:{_COLON}(?P<reason>.*))?$"), "waiver_request"),
)


class InputError(Exception):
    """What a person wrote cannot be a verdict; the message is one line for that person."""


@dataclass
class Decision:
    """A verdict's own fields, checked."""

    action: str
    reason: str = ""
    expires_on: dt.date | None = None
    due_on: dt.date | None = None
    fix_url: str | None = None


def may_act(role: str, action: str) -> None:
    if action not in ACTIONS:
        raise InputError("未知的复核操作，未作任何更改")
    if action not in (REVIEWER_ACTIONS if role == REVIEWER else UNIT_ACTIONS):
        raise InputError(f"{'复核人员' if role == REVIEWER else '单位用户'}不能执行“{ACTIONS[action]}”")


def require_reason(action: str, reason: str) -> str:
    if action in NEEDS_REASON and not reason.strip():
        raise InputError(f"“{ACTIONS[action]}”须填写理由")
    return reason.strip()


def expiry(text: str, today: dt.date) -> dt.date:
    return _day_to_come(text, today, "“豁免”须填写截止日期（YYYY-MM-DD）", "豁免截止日期 {} 已过")


def due_in_workdays(text: str, today: dt.date) -> dt.date:
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_WORKDAYS:
        raise InputError(f"“限期整改”须填写 1 至 {MAX_WORKDAYS} 个工作日")
    return chinese_calendar.find_workday(int(text), today)


def due_on_day(text: str, today: dt.date) -> dt.date:
    return _day_to_come(text, today, "整改期限须写成 YYYY-MM-DD", "整改期限 {} 已过")


def _day_to_come(text: str, today: dt.date, unreadable: str, past: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(_padded(text.strip()))
    except ValueError:
        raise InputError(unreadable) from None
    if day < today:
        raise InputError(past.format(day))
    return day


def fix_url(url: str, domains: tuple[str, ...]) -> str:
    url = url.strip()
    if safe_link(url) is None:
        raise InputError("“已整改”须填写整改后发布的网址（http 或 https）")
    host = (urlsplit(url).hostname or "").lower()
    # the same rule as the configuration's own URLs: the nightly crawl never leaves these sites
    if not any(host == domain or host.endswith("." + domain) for domain in domains):
        raise InputError(f"网址 {url} 不在本县检查的网站之内（crawl.allowed_domains），夜间检查不会抓取它")
    return url


def parse_opinion(text: str, today: dt.date) -> Decision:
    """A 复核意见 cell: 确认 / 误报：理由 / 豁免至YYYY-MM-DD：理由 / 限期N个工作日 (or 限期至YYYY-MM-DD)."""
    action, match = _match(_OPINIONS, text, "复核意见只能写 确认 / 误报：理由 / 豁免至YYYY-MM-DD：理由 / 限期N个工作日")
    decision = Decision(action, require_reason(action, match.groupdict().get("reason") or ""))
    if action == "waive":
        decision.expires_on = expiry(match.group(1), today)
    elif action == "due":
        workdays = match.groupdict().get("workdays")
        decision.due_on = due_in_workdays(workdays, today) if workdays else due_on_day(match.group(1), today)
    return decision


def parse_answer(text: str, domains: tuple[str, ...]) -> Decision:
    """An 整改情况 cell: 已整改：网址 / 申请豁免：理由."""
    action, match = _match(_ANSWERS, text, "整改情况只能写 已整改：网址 / 申请豁免：理由")
    if action == "fixed":
        return Decision(action, fix_url=fix_url(match.group("url") or "", domains))
    return Decision(action, require_reason(action, match.group("reason") or ""))


def _match(forms, text: str, expected: str):
    for pattern, action in forms:
        match = pattern.match(text.strip())
        if match:
            return action, match
    raise InputError(f"看不懂“{text.strip()}”：{expected}")


def _padded(text: str) -> str:
    """2021-9-5 as 2021-09-05: people type dates without leading zeros."""
    parts = text.split("-")
    return "-".join(part.zfill(2) for part in parts) if len(parts) == 3 else text
