"""The shipped Russian production calendar against the official monthly norms and against
the `holidays` package."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from supportdesk.slamath.catalog import RU_PRODUCTION, RU_SUPPORT
from supportdesk.slamath.russia import (
    draft_year_from_holidays,
    parse_production_calendar,
    shipped_years,
)

MOSCOW = ZoneInfo("Europe/Moscow")
YEARS_WITH_NORMS = sorted(year for year, data in shipped_years().items() if data.norm_days)


def test_every_year_from_2019_through_2026_is_shipped() -> None:
    assert set(range(2019, 2027)) <= set(shipped_years())


def test_at_least_two_recent_years_carry_official_norms() -> None:
    assert {2025, 2026} <= set(YEARS_WITH_NORMS)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=MOSCOW)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=MOSCOW)
    return start, end


@pytest.mark.parametrize("year", YEARS_WITH_NORMS)
def test_ru_production_reproduces_the_official_monthly_norm(year: int) -> None:
    calendar = RU_PRODUCTION.build()
    data = shipped_years()[year]
    assert data.norm_days is not None
    assert data.norm_hours_40 is not None
    for month in range(1, 13):
        start, end = month_bounds(year, month)
        assert calendar.working_days(start, end) == data.norm_days[month - 1], (year, month)
        assert calendar.working_time(start, end) == timedelta(
            hours=data.norm_hours_40[month - 1]
        ), (
            year,
            month,
        )


@pytest.mark.parametrize(
    ("year", "days", "hours"),
    [
        (2019, 247, 1970),
        (2020, 248, 1979),
        (2021, 247, 1972),
        (2022, 247, 1973),
        (2023, 247, 1973),
        (2024, 248, 1979),
        (2025, 247, 1972),
        (2026, 247, 1972),
    ],
)
def test_ru_production_reproduces_the_official_annual_norm(
    year: int, days: int, hours: int
) -> None:
    calendar = RU_PRODUCTION.build()
    start, end = datetime(year, 1, 1, tzinfo=MOSCOW), datetime(year + 1, 1, 1, tzinfo=MOSCOW)
    assert calendar.working_days(start, end) == days
    assert calendar.working_time(start, end) == timedelta(hours=hours)


@pytest.mark.parametrize("year", sorted(shipped_years()))
def test_days_off_and_working_weekends_agree_with_the_holidays_package(year: int) -> None:
    """`holidays` knows public holidays and transfers, but not shortened days."""
    data = shipped_years()[year]
    russia = holidays.country_holidays("RU", years=year)
    weekday_days_off = {day for day in russia if day.weekday() < 5}
    assert data.non_working == weekday_days_off
    assert data.working == {day for day in russia.weekend_workdays if day.year == year}


def test_shortened_days_come_from_the_decree_data_not_a_rule() -> None:
    # 2024: five shortened days, one of them a working Saturday (2 Nov). The working
    # Saturday of 28 Dec was a full day: 30-31 Dec were transferred days off, not
    # holidays, so it was not a pre-holiday day. 248 days * 8 h - 5 h = 1979 h.
    assert shipped_years()[2024].shortened == {
        date(2024, 2, 22),
        date(2024, 3, 7),
        date(2024, 5, 8),
        date(2024, 6, 11),
        date(2024, 11, 2),
    }


def test_a_shortened_day_ends_an_hour_early_on_ru_production_only() -> None:
    day_start = datetime(2024, 3, 7, 0, 0, tzinfo=MOSCOW)
    day_end = day_start + timedelta(days=1)
    assert RU_PRODUCTION.build().working_time(day_start, day_end) == timedelta(hours=7)
    assert RU_SUPPORT.build().working_time(day_start, day_end) == timedelta(hours=9)


def test_a_transferred_working_saturday_is_open_with_usual_hours() -> None:
    saturday = datetime(2025, 11, 1, 12, 0, tzinfo=MOSCOW)
    support = RU_SUPPORT.build()
    assert support.is_open(saturday)
    assert support.working_time(saturday.replace(hour=0), saturday.replace(hour=23)) == timedelta(
        hours=9
    )


def test_new_year_holidays_are_closed_and_deadlines_jump_over_them() -> None:
    support = RU_SUPPORT.build()
    assert not support.is_open(datetime(2026, 1, 5, 12, 0, tzinfo=MOSCOW))
    # 30 Dec 2025 18:00 + 2 h: one hour that evening; 31 Dec (a transferred day off)
    # and the holidays to 11 Jan are closed; the second hour is on 12 Jan.
    assert support.add(
        datetime(2025, 12, 30, 18, 0, tzinfo=MOSCOW), timedelta(hours=2)
    ) == datetime(2026, 1, 12, 11, 0, tzinfo=MOSCOW)


def test_a_drafted_year_has_the_transfers_but_leaves_shortened_days_to_the_admin() -> None:
    draft = parse_production_calendar(draft_year_from_holidays(2026))[2026]
    shipped = shipped_years()[2026]
    assert (draft.non_working, draft.working) == (shipped.non_working, shipped.working)
    assert draft.shortened == frozenset()
