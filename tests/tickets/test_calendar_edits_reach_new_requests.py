"""Compiled calendars are kept per process, but a calendar edit reaches the very next
request registered: the cache is keyed by the revision every calendar action bumps."""

from __future__ import annotations

from datetime import date

from supportdesk.calendars import actions as calendar_actions
from supportdesk.calendars.models import BusinessCalendar
from supportdesk.slamath.hours import DayKind
from tests.tickets.conftest import Desk, at
from tests.tickets.test_open_request import open_for


def test_a_holiday_added_between_two_registrations_moves_the_second_deadline(
    desk: Desk,
) -> None:
    first = open_for(desk, desk.anna, now=at(23, 11))
    assert first.resolution_clock.due_at == at(23, 19)  # 8 business hours, 11:00-19:00
    calendar = BusinessCalendar.objects.get(name="ru-support")
    calendar_actions.set_calendar_exception(
        calendar=calendar, day=date(2026, 11, 24), kind=DayKind.HOLIDAY, actor=None,
        now=at(23, 11),
    )  # fmt: skip

    second = open_for(desk, desk.anna, now=at(23, 18, 30))

    # Half an hour on Monday, Tuesday off, the rest from Wednesday 10:00.
    assert second.reaction_clock.due_at == at(25, 10, 30)  # 1 business hour
    assert second.resolution_clock.due_at == at(25, 17, 30)  # 8 business hours
