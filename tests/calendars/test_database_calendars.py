"""Calendars edited in the database: seeded like the catalogue, and every edit takes
effect at once and recomputes the open deadlines on that calendar in bulk."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.calendars import actions
from supportdesk.calendars.engine import get_calendar
from supportdesk.calendars.models import BusinessCalendar, ProductionCalendar
from supportdesk.sla.actions import pause_clock, start_clock
from supportdesk.sla.models import ClockKind, SlaClock
from supportdesk.slamath.catalog import SHIPPED
from supportdesk.slamath.hours import DayKind
from supportdesk.slamath.policy import Target
from supportdesk.slamath.russia import parse_year

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")


def monday(hour: int) -> datetime:
    return datetime(2026, 11, 23, hour, tzinfo=MOSCOW)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_seeded_calendars_compute_like_the_catalogue(name: str) -> None:
    from_db, shipped = get_calendar(name), SHIPPED[name].build()
    for year in (2019, 2024, 2026):
        start, end = datetime(year, 1, 1, tzinfo=MOSCOW), datetime(year + 1, 1, 1, tzinfo=MOSCOW)
        assert from_db.working_time(start, end) == shipped.working_time(start, end)
        assert from_db.working_days(start, end) == shipped.working_days(start, end)


def clocks_on_ru_support(count: int) -> list[SlaClock]:
    target = Target(timedelta(hours=16), "ru-support")
    return [
        start_clock(kind=ClockKind.RESOLUTION, target=target, at=monday(10), now=monday(10))
        for _ in range(count)
    ]


def test_a_holiday_added_to_a_calendar_moves_open_deadlines() -> None:
    clocks = clocks_on_ru_support(3)
    paused = pause_clock(clock=clocks[2], at=monday(12), now=monday(12))
    assert {c.due_at for c in clocks[:2]} == {datetime(2026, 11, 24, 17, tzinfo=MOSCOW)}
    calendar = BusinessCalendar.objects.get(name="ru-support")

    actions.set_calendar_exception(
        calendar=calendar, day=date(2026, 11, 24), kind=DayKind.HOLIDAY, note="company day off",
        actor=None, now=monday(13),
    )  # fmt: skip

    running = SlaClock.objects.filter(pk__in=[c.pk for c in clocks[:2]])
    assert {c.due_at for c in running} == {datetime(2026, 11, 25, 17, tzinfo=MOSCOW)}
    paused.refresh_from_db()
    assert paused.status == "paused"
    assert paused.due_at is None
    event = AuditEvent.objects.get(action="calendar.exception_set")
    assert event.data["clocks_recomputed"] == 3
    assert get_calendar("ru-support").is_open(datetime(2026, 11, 24, 12, tzinfo=MOSCOW)) is False


def test_clocks_on_other_calendars_are_left_alone() -> None:
    other = start_clock(
        kind=ClockKind.RESOLUTION,
        target=Target(timedelta(hours=5), "24x7"),
        at=monday(10),
        now=monday(10),
    )
    calendar = BusinessCalendar.objects.get(name="ru-support")
    actions.set_calendar_exception(
        calendar=calendar, day=date(2026, 11, 23), kind=DayKind.HOLIDAY, actor=None, now=monday(11)
    )
    assert SlaClock.objects.get(pk=other.pk).evaluated_at == monday(10)


def test_removing_the_exception_restores_the_deadline() -> None:
    (clock,) = clocks_on_ru_support(1)
    calendar = BusinessCalendar.objects.get(name="ru-support")
    actions.set_calendar_exception(
        calendar=calendar, day=date(2026, 11, 24), kind=DayKind.SHORTENED, hours="10:00-12:00",
        actor=None, now=monday(11),
    )  # fmt: skip
    clock.refresh_from_db()
    assert clock.due_at == datetime(2026, 11, 25, 15, tzinfo=MOSCOW)  # 9 + 2 + 5
    assert actions.remove_calendar_exception(
        calendar=calendar, day=date(2026, 11, 24), actor=None, now=monday(12)
    )
    clock.refresh_from_db()
    assert clock.due_at == datetime(2026, 11, 24, 17, tzinfo=MOSCOW)


def test_editing_hours_in_the_admin_recomputes_deadlines_and_audits() -> None:
    (clock,) = clocks_on_ru_support(1)
    admin = get_user_model().objects.create_superuser(
        "lead", "lead@example.com", "a-long-password-1"
    )
    browser = Client()
    browser.force_login(admin)
    calendar = BusinessCalendar.objects.get(name="ru-support")
    form = {
        "name": "ru-support", "title": calendar.title, "time_zone": "Europe/Moscow",
        "monday": "10:00-19:00", "tuesday": "09:00-19:00", "wednesday": "10:00-19:00",
        "thursday": "10:00-19:00", "friday": "10:00-19:00", "saturday": "", "sunday": "",
        "standard_hours": "", "production_calendar": calendar.production_calendar_id,
        "shortened_by_minutes": "0",
        "exceptions-TOTAL_FORMS": "0", "exceptions-INITIAL_FORMS": "0",
        "exceptions-MIN_NUM_FORMS": "0", "exceptions-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    response = browser.post(f"/admin/calendars/businesscalendar/{calendar.pk}/change/", form)
    assert response.status_code == 302, response.content[:2000]
    clock.refresh_from_db()
    assert clock.due_at == datetime(2026, 11, 24, 16, tzinfo=MOSCOW)  # Tuesday opens at 9 now
    event = AuditEvent.objects.get(action="calendar.edited")
    assert event.actor == admin
    assert event.data == {"changed": ["tuesday"], "clocks_recomputed": 1}


def test_bad_hours_in_the_admin_are_refused_and_nothing_changes() -> None:
    admin = get_user_model().objects.create_superuser(
        "lead", "lead@example.com", "a-long-password-1"
    )
    browser = Client()
    browser.force_login(admin)
    calendar = BusinessCalendar.objects.get(name="ru-support")
    response = browser.post(
        f"/admin/calendars/businesscalendar/{calendar.pk}/change/",
        {"name": "ru-support", "title": "x", "time_zone": "Mars/Olympus", "monday": "9-18"},
    )
    assert response.status_code == 200
    assert b"Unknown IANA time zone" in response.content or "IANA" in response.content.decode()
    calendar.refresh_from_db()
    assert calendar.monday == "10:00-19:00"
    assert not AuditEvent.objects.exists()


def test_loading_a_year_replaces_its_days_and_recomputes_clocks() -> None:
    (clock,) = clocks_on_ru_support(1)
    production = ProductionCalendar.objects.get(code="ru")
    year = parse_year(2026, {"non_working": ["2026-11-24"], "working": [], "shortened": []})
    recomputed = actions.load_production_year(
        production=production, year=year, actor=None, now=monday(12)
    )
    assert recomputed == 1
    assert production.days.filter(day__year=2026).count() == 1
    clock.refresh_from_db()
    assert clock.due_at == datetime(2026, 11, 25, 17, tzinfo=MOSCOW)
    assert production.days.filter(day__year=2025).exists()
