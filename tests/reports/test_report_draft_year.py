"""A report over a year without official production-calendar data says so in its header
and lists the drafted days off (docs/ru-production-calendar.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from supportdesk.reports.figures import CalendarInfo, SlaReport
from supportdesk.reports.sla_report import build_sla_report
from tests.tickets.conftest import Desk

pytestmark = pytest.mark.django_db


def _support_calendar(report: SlaReport) -> CalendarInfo:
    return next(info for info in report.calendars if info.name == "ru-support")


def test_a_month_of_a_drafted_year_is_marked_and_lists_the_drafted_holidays(desk: Desk) -> None:
    report = build_sla_report(
        desk.alfa_contract, date(2028, 1, 1), now=datetime(2028, 2, 10, tzinfo=UTC)
    )
    info = _support_calendar(report)
    assert info.draft is True
    # 1-8 January 2028 are days off in the draft; the 1st, 2nd and 8th fall on a weekend.
    days = [day for day, _ in info.holidays]
    assert days[:5] == [date(2028, 1, day) for day in (3, 4, 5, 6, 7)]


def test_a_month_of_an_official_year_is_not(desk: Desk) -> None:
    report = build_sla_report(
        desk.alfa_contract, date(2026, 11, 1), now=datetime(2026, 12, 2, tzinfo=UTC)
    )
    info = _support_calendar(report)
    assert info.draft is False
    assert [day for day, _ in info.holidays] == [date(2026, 11, 4)]
