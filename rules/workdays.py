"""Mainland China working days: chinesecalendar's official arrangements plus config extras."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import holidays as _calendar_holidays

# chinesecalendar validates dates against the years of its own holiday table;
# reading the same table tells us its range without probing or guessing.
CALENDAR_YEARS = frozenset(
    range(min(_calendar_holidays).year, max(_calendar_holidays).year + 1)
)


class CalendarGap(Exception):
    """A date falls in a year whose official holiday arrangement is not known."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(f"工作日历缺少{year}年的放假安排（可在配置 [calendar] 中补充）")


class WorkCalendar:
    """Mon–Fri work, statutory holidays off, make-up days (调休上班) on.

    Config extras win over chinesecalendar, and a year they mention becomes known:
    outside chinesecalendar's years only the extras and weekends decide.
    """

    def __init__(self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> None:
        self._extra_holidays = frozenset(extra_holidays)
        self._extra_workdays = frozenset(extra_workdays)
        both = self._extra_holidays & self._extra_workdays
        if both:
            raise ValueError(f"日期同时列为放假和上班: {', '.join(sorted(d.isoformat() for d in both))}")
        extra_years = {d.year for d in self._extra_holidays | self._extra_workdays}
        self.known_years: frozenset[int] = CALENDAR_YEARS | extra_years

    def is_workday(self, day: date) -> bool:
        if day in self._extra_workdays:
            return True
        if day in self._extra_holidays:
            return False
        if day.year in CALENDAR_YEARS:
            return chinese_calendar.is_workday(day)
        if day.year in self.known_years:
            return day.weekday() < 5
        raise CalendarGap(day.year)

    def working_days_between(self, first: date, last: date) -> int:
        """Working days from `first` to `last`, both counted (a comment window)."""
        return sum(self.is_workday(first + timedelta(days=i)) for i in range(self.calendar_days_between(first, last)))

    def working_days_after(self, decision: date, published: date) -> int:
        """Working days after the decision day up to and including the publication day."""
        return self.working_days_between(decision + timedelta(days=1), published)

    def nth_working_day(self, first: date, count: int) -> date:
        """The day on which `count` working days from `first` (counted if it is one) are complete."""
        day, seen = first, int(self.is_workday(first))
        while seen < count:
            day += timedelta(days=1)
            seen += self.is_workday(day)
        return day

    def calendar_days_between(self, first: date, last: date) -> int:
        """Calendar days from `first` to `last`, both counted; 0 if `last` is before `first`."""
        return max((last - first).days + 1, 0)
