"""A year the production calendar has no official data for follows the `holidays` draft
and everything computed over it says so; loading the official year removes the marks."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from supportdesk.audit.models import AuditEvent
from supportdesk.calendars import actions
from supportdesk.calendars.engine import draft_years_between, get_calendar, official_years
from supportdesk.calendars.models import DraftDay, ProductionCalendar
from supportdesk.slamath.russia import draft_year_from_holidays, parse_year

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")
LAST_WORKING_HOUR_OF_2027 = datetime(2027, 12, 30, 18, tzinfo=MOSCOW)  # 31.12.2027 is off


def ru() -> ProductionCalendar:
    return ProductionCalendar.objects.get(code="ru")


def test_the_shipped_years_are_official_and_the_next_one_is_drafted() -> None:
    assert official_years(ru()) == frozenset(range(2019, 2028))
    drafted = set(DraftDay.objects.values_list("day", flat=True))
    assert {day.year for day in drafted} == {2028}
    assert {date(2028, 1, d) for d in range(3, 8)} <= drafted  # the weekdays of 1-8 January


def test_a_deadline_into_2028_skips_the_drafted_new_year_holidays() -> None:
    calendar = get_calendar("ru-support")

    due = calendar.add(LAST_WORKING_HOUR_OF_2027, timedelta(hours=3))

    # 1 h on 30 December, then nothing until Monday 10 January (3-7 January are drafted
    # days off, 1-2 and 8-9 a weekend), 2 h there. Plain weekdays would give 3 January.
    assert due == datetime(2028, 1, 10, 12, tzinfo=MOSCOW)
    assert calendar.draft_years_between(LAST_WORKING_HOUR_OF_2027, due) == {2028}
    assert draft_years_between("ru-support", LAST_WORKING_HOUR_OF_2027, due) == {2028}


def test_a_2026_deadline_is_not_a_draft() -> None:
    start = datetime(2026, 12, 30, 18, tzinfo=MOSCOW)
    due = get_calendar("ru-support").add(start, timedelta(hours=2))

    assert due == datetime(2027, 1, 11, 11, tzinfo=MOSCOW)
    assert draft_years_between("ru-support", start, due) == set()


def test_a_calendar_without_production_calendar_has_no_draft_years() -> None:
    start = datetime(2028, 3, 1, tzinfo=MOSCOW)
    assert draft_years_between("24x7", start, start + timedelta(days=400)) == set()


def test_a_year_nothing_drafted_yet_is_still_a_draft_on_plain_weekdays() -> None:
    start = datetime(2029, 1, 1, 10, tzinfo=MOSCOW)  # a Monday; 2029 has neither kind of data
    calendar = get_calendar("ru-support")

    assert calendar.add(start, timedelta(hours=9)) == datetime(2029, 1, 1, 19, tzinfo=MOSCOW)
    assert draft_years_between("ru-support", start, start) == {2029}


def test_drafting_a_year_bumps_the_revision_and_moves_the_deadlines() -> None:
    start = datetime(2029, 1, 1, 10, tzinfo=MOSCOW)
    now = datetime(2028, 10, 1, 9, tzinfo=MOSCOW)
    revision = ru().revision

    assert actions.draft_production_year(production=ru(), year=2029, actor=None, now=now)
    assert actions.draft_production_year(production=ru(), year=2029, actor=None, now=now) is False

    assert ru().revision == revision + 1
    # 1-8 January 2029 are drafted days off: Monday 1 January opens on Wednesday 9th.
    assert get_calendar("ru-support").next_open(start) == datetime(2029, 1, 9, 10, tzinfo=MOSCOW)
    event = AuditEvent.objects.get(action="production.year_drafted")
    assert event.data["year"] == 2029


def test_an_official_year_is_never_drafted() -> None:
    now = datetime(2026, 12, 1, tzinfo=MOSCOW)
    assert actions.draft_production_year(production=ru(), year=2027, actor=None, now=now) is False
    assert not DraftDay.objects.filter(day__year=2027).exists()


def test_loading_the_official_year_replaces_the_draft_and_its_marks(tmp_path: Path) -> None:
    due = get_calendar("ru-support").add(LAST_WORKING_HOUR_OF_2027, timedelta(hours=3))
    assert draft_years_between("ru-support", LAST_WORKING_HOUR_OF_2027, due) == {2028}
    drafted = draft_year_from_holidays(2028)
    drafted["years"]["2028"]["act"] = "ПП о переносе выходных дней в 2028 году"
    drafted["years"]["2028"]["non_working"].remove("2028-01-03")  # the official data differs
    path = tmp_path / "2028.json"
    path.write_text(json.dumps(drafted))

    call_command("calendar", "load-production", "--file", str(path))

    assert not DraftDay.objects.filter(day__year=2028).exists()
    assert official_years(ru()) == frozenset(range(2019, 2029))
    assert draft_years_between("ru-support", LAST_WORKING_HOUR_OF_2027, due) == set()
    assert get_calendar("ru-support").add(
        LAST_WORKING_HOUR_OF_2027, timedelta(hours=3)
    ) == datetime(2028, 1, 3, 12, tzinfo=MOSCOW)


def test_the_load_action_drops_the_years_drafts_too() -> None:
    year = parse_year(2028, draft_year_from_holidays(2028)["years"]["2028"])
    now = datetime(2027, 10, 2, tzinfo=MOSCOW)

    actions.load_production_year(production=ru(), year=year, actor=None, now=now)

    assert DraftDay.objects.count() == 0
