from __future__ import annotations

from datetime import date

import pytest

from supportdesk.slamath.hours import (
    CalendarDataError,
    DayException,
    DayKind,
    HoursRules,
    format_hours,
    parse_hours,
    shorten,
)

H = 3600
OFFICE = parse_hours("09:00-13:00, 14:00-18:00")
WEEK = (OFFICE,) * 5 + ((), ())


def test_parse_lunch_break_night_shift_and_whole_day() -> None:
    assert OFFICE == ((9 * H, 13 * H), (14 * H, 18 * H))
    assert parse_hours("22:00-06:00") == ((22 * H, 30 * H),)
    assert parse_hours("00:00-24:00") == ((0, 24 * H),)
    assert parse_hours("10:00-10:00") == ((10 * H, 34 * H),)  # 24 h from 10:00
    assert parse_hours("") == ()
    assert format_hours(parse_hours("22:00-06:00, 08:00-09:30")) == "08:00-09:30, 22:00-06:00"


@pytest.mark.parametrize(
    "text",
    ["9-18", "09:00", "25:00-26:00", "09:00-13:00, 12:00-14:00", "24:00-02:00", "09:60-10:00"],
)
def test_bad_hours_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(CalendarDataError):
        parse_hours(text)


def test_shorten_cuts_from_the_end_across_intervals() -> None:
    assert shorten(OFFICE, H) == ((9 * H, 13 * H), (14 * H, 17 * H))
    assert shorten(OFFICE, 5 * H) == ((9 * H, 12 * H),)
    assert shorten(OFFICE, 0) == OFFICE


def test_exceptions_win_over_day_types_which_win_over_the_week() -> None:
    rules = HoursRules(
        weekly=WEEK,
        day_types={date(2026, 5, 8): DayKind.SHORTENED, date(2026, 5, 11): DayKind.HOLIDAY},
        exceptions={date(2026, 5, 11): DayException(DayKind.WORKING, parse_hours("10:00-12:00"))},
        shortened_by=H,
    )
    assert rules.hours_on(date(2026, 5, 8)) == shorten(OFFICE, H)
    assert rules.hours_on(date(2026, 5, 11)) == ((10 * H, 12 * H),)
    assert rules.hours_on(date(2026, 5, 9)) == ()  # Saturday


def test_a_working_saturday_gets_the_standard_day() -> None:
    saturday = date(2026, 5, 9)
    rules = HoursRules(weekly=WEEK, day_types={saturday: DayKind.WORKING})
    assert rules.hours_on(saturday) == OFFICE
    custom = HoursRules(
        weekly=WEEK, day_types={saturday: DayKind.WORKING}, standard_day=((10 * H, 15 * H),)
    )
    assert custom.hours_on(saturday) == ((10 * H, 15 * H),)


def test_weekly_hours_need_seven_days() -> None:
    with pytest.raises(CalendarDataError, match="seven"):
        HoursRules(weekly=(OFFICE,) * 5)
