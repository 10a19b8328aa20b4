from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.workdays import CALENDAR_YEARS, CalendarGap, WorkCalendar

CAL = WorkCalendar()
LAST_KNOWN = max(CALENDAR_YEARS)


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2021, 6, 1), True),  # Tuesday
        (date(2021, 6, 5), False),  # Saturday
        (date(2021, 10, 1), False),  # 国庆
        (date(2021, 10, 7), False),  # 国庆, a Thursday
        (date(2021, 10, 9), True),  # Saturday, 调休上班
        (date(2021, 9, 26), True),  # Sunday, 调休上班
        (date(2021, 2, 12), False),  # 春节, a Friday
        (date(2021, 2, 20), True),  # Saturday, 调休上班
        (date(2021, 6, 14), False),  # 端午, a Monday
    ],
)
def test_is_workday_follows_the_official_arrangement(day, expected):
    assert CAL.is_workday(day) is expected


@pytest.mark.parametrize(
    "first, last, working, calendar",
    [
        (date(2021, 6, 1), date(2021, 6, 9), 7, 9),  # exactly 7: Tue … next Wed
        (date(2021, 6, 1), date(2021, 6, 8), 6, 8),  # one short
        (date(2021, 9, 28), date(2021, 10, 12), 7, 15),  # across 国庆, 9 Oct counts
        (date(2021, 9, 28), date(2021, 10, 8), 4, 11),
        (date(2021, 2, 8), date(2021, 2, 22), 7, 15),  # across 春节, 20 Feb counts
        (date(2021, 5, 6), date(2021, 5, 14), 8, 9),  # after 劳动节, Sat 8 May counts
        (date(2021, 6, 1), date(2021, 6, 1), 1, 1),
        (date(2021, 6, 5), date(2021, 6, 5), 0, 1),
        (date(2021, 6, 9), date(2021, 6, 1), 0, 0),  # reversed
        (date(2021, 4, 1), date(2021, 4, 30), 22, 30),
    ],
)
def test_window_counts_both_ends(first, last, working, calendar):
    assert CAL.working_days_between(first, last) == working
    assert CAL.calendar_days_between(first, last) == calendar


@pytest.mark.parametrize(
    "decision, published, expected",
    [
        (date(2021, 6, 2), date(2021, 6, 9), 5),  # Wednesday to next Wednesday
        (date(2021, 6, 1), date(2021, 6, 10), 7),  # on the 7th working day: in time
        (date(2021, 6, 1), date(2021, 6, 11), 8),  # on the 8th working day: late
        (date(2021, 6, 1), date(2021, 6, 14), 8),  # 端午 12–14 June adds nothing
        (date(2021, 9, 30), date(2021, 10, 9), 2),  # 8 Oct and the 调休 Saturday
        (date(2021, 6, 4), date(2021, 6, 6), 0),  # Friday, published over the weekend
        (date(2021, 6, 2), date(2021, 6, 2), 0),  # same day
        (date(2021, 6, 9), date(2021, 6, 2), 0),  # published before the decision
    ],
)
def test_working_days_after_never_counts_the_decision_day(decision, published, expected):
    assert CAL.working_days_after(decision, published) == expected


def test_unknown_year_raises_gap_naming_the_year():
    with pytest.raises(CalendarGap) as caught:
        CAL.is_workday(date(2090, 3, 1))
    assert caught.value.year == 2090
    assert "2090" in str(caught.value)
    assert "[calendar]" in str(caught.value)


def test_year_before_the_calendar_is_a_gap_too():
    with pytest.raises(CalendarGap) as caught:
        CAL.is_workday(date(min(CALENDAR_YEARS) - 1, 6, 1))
    assert caught.value.year == min(CALENDAR_YEARS) - 1


def test_window_running_into_an_unknown_year_is_a_gap():
    with pytest.raises(CalendarGap) as caught:
        CAL.working_days_between(date(LAST_KNOWN, 12, 28), date(LAST_KNOWN + 1, 1, 8))
    assert caught.value.year == LAST_KNOWN + 1


def test_extras_make_a_year_known():
    # 2090-01-01 is a Sunday; 2090-01-07 a Saturday
    cal = WorkCalendar(extra_holidays=[date(2090, 1, 2)], extra_workdays=[date(2090, 1, 7)])
    assert 2090 in cal.known_years
    assert cal.known_years >= CALENDAR_YEARS
    assert cal.is_workday(date(2090, 1, 2)) is False
    assert cal.is_workday(date(2090, 1, 7)) is True
    assert cal.is_workday(date(2090, 1, 3)) is True
    assert cal.is_workday(date(2090, 1, 8)) is False
    assert cal.working_days_between(date(2090, 1, 1), date(2090, 1, 9)) == 6
    with pytest.raises(CalendarGap):
        cal.is_workday(date(2091, 1, 3))


def test_extras_override_chinesecalendar():
    cal = WorkCalendar(extra_holidays=[date(2021, 6, 1)], extra_workdays=[date(2021, 10, 2)])
    assert cal.is_workday(date(2021, 6, 1)) is False
    assert cal.is_workday(date(2021, 10, 2)) is True
    assert cal.working_days_between(date(2021, 6, 1), date(2021, 6, 9)) == 6


def test_a_day_both_off_and_on_is_refused():
    with pytest.raises(ValueError, match="2021-06-01"):
        WorkCalendar(extra_holidays=[date(2021, 6, 1)], extra_workdays=[date(2021, 6, 1)])


known_days = st.dates(min_value=date(min(CALENDAR_YEARS), 1, 1), max_value=date(LAST_KNOWN, 12, 31))


@given(known_days, st.integers(min_value=-5, max_value=120))
def test_between_is_the_sum_of_workdays(first, length):
    last = first + timedelta(days=length)
    if last.year > LAST_KNOWN:
        return
    expected = sum(CAL.is_workday(first + timedelta(days=i)) for i in range(length + 1))
    assert CAL.working_days_between(first, last) == expected
    assert 0 <= CAL.working_days_between(first, last) <= CAL.calendar_days_between(first, last)


@given(known_days, st.integers(min_value=0, max_value=60))
def test_after_equals_between_from_the_next_day(decision, length):
    published = decision + timedelta(days=length)
    if published.year > LAST_KNOWN:
        return
    after = CAL.working_days_after(decision, published)
    assert after == CAL.working_days_between(decision, published) - CAL.is_workday(decision)
