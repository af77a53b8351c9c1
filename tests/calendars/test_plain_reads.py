"""The command line's plain SQL reads give what the model layer gives.

``calendar list|span|add`` and ``sla targets`` read their rows with plain SQL (so a script's
call does not import Django's models); the engine and the policy reads of the rest of the
product go through the models. These compare the two on the same rows, on whichever
database the suite runs on, and on PostgreSQL also through psycopg as the console script
connects, outside Django.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from supportdesk.calendars import script as calendar_script
from supportdesk.calendars.engine import build_calendar
from supportdesk.calendars.models import (
    BusinessCalendar,
    CalendarException,
    DraftDay,
    ProductionCalendar,
    ProductionDay,
)
from supportdesk.calendars.plain_reads import (
    UnknownCalendar,
    as_date,
    list_calendars,
    read_calendar,
)
from supportdesk.core.commands import django_rows
from supportdesk.core.script import answer_from_database
from supportdesk.sla import script as sla_script
from supportdesk.sla.models import Plan, PolicyTarget
from supportdesk.sla.plain_reads import as_instant, policy_in_force
from supportdesk.sla.policies import as_policy, version_in_force
from supportdesk.sla.policy_actions import draft_policy_version
from supportdesk.slamath.policy import PolicyError
from tests.tickets.conftest import ensure_shipped_data

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def odd_calendar() -> BusinessCalendar:
    """A calendar using every column: its own production calendar with official and
    drafted days, exceptions with and without hours, a shortened day, a standard day."""
    production = ProductionCalendar.objects.create(code="kz", title="Kazakhstan")
    ProductionDay.objects.bulk_create(
        [
            ProductionDay(production_calendar=production, day=date(2030, 3, 8), kind="holiday"),
            ProductionDay(production_calendar=production, day=date(2030, 3, 7), kind="shortened"),
            ProductionDay(production_calendar=production, day=date(2030, 3, 9), kind="working"),
        ]
    )
    DraftDay.objects.bulk_create(
        [  # 2030 is official, so its draft is ignored; 2031's is kept
            DraftDay(production_calendar=production, day=date(2030, 3, 11), kind="holiday"),
            DraftDay(production_calendar=production, day=date(2031, 1, 2), kind="holiday"),
        ]
    )
    calendar = BusinessCalendar.objects.create(
        name="almaty-support",
        title="Almaty support",
        time_zone="Asia/Almaty",
        monday="09:00-13:00, 14:00-18:00",
        tuesday="09:00-18:00",
        wednesday="09:00-18:00",
        thursday="09:00-18:00",
        friday="09:00-17:00",
        saturday="10:00-14:00",
        sunday="",
        production_calendar=production,
        shortened_by_minutes=90,
        standard_hours="10:00-16:00",
    )
    CalendarException.objects.bulk_create(
        [
            CalendarException(calendar=calendar, day=date(2030, 3, 12), kind="holiday", hours=""),
            CalendarException(
                calendar=calendar, day=date(2030, 3, 10), kind="working", hours="22:00-02:00"
            ),
        ]
    )
    return calendar


@pytest.mark.django_db
def test_every_calendar_reads_as_the_engine_compiles_it() -> None:
    odd_calendar()
    rows = BusinessCalendar.objects.select_related("production_calendar")
    assert len(rows) >= 4
    for row in rows:
        engine = build_calendar(row)
        plain = read_calendar(django_rows(), row.name)
        assert plain.rules == engine.rules, row.name
        assert plain.zone == engine.zone
        assert plain.name == engine.name
    odd = read_calendar(django_rows(), "almaty-support")
    assert odd.rules.official_years == frozenset({2030})
    assert date(2031, 1, 2) in odd.rules.day_types
    assert date(2030, 3, 11) not in odd.rules.day_types
    assert odd.rules.exceptions[date(2030, 3, 10)].hours == ((22 * 3600, 26 * 3600),)


@pytest.mark.django_db
def test_an_unknown_calendar_is_named() -> None:
    with pytest.raises(UnknownCalendar, match="'nowhere'"):
        read_calendar(django_rows(), "nowhere")


@pytest.mark.django_db
def test_the_list_is_every_calendar_by_name_as_the_models_have_it() -> None:
    odd_calendar()
    expected = [
        {
            "name": row.name,
            "title": row.title,
            "time_zone": row.time_zone,
            "weekly": dict(zip(row.WEEKDAY_FIELDS, row.weekly_hours(), strict=True)),
            "production_calendar": row.production_calendar.code
            if row.production_calendar
            else None,
            "shortened_by_minutes": row.shortened_by_minutes,
        }
        for row in BusinessCalendar.objects.select_related("production_calendar")
    ]
    assert list_calendars(django_rows()) == expected


@pytest.mark.django_db
def test_the_policy_in_force_is_the_version_the_models_choose() -> None:
    current = version_in_force("8x5", NOW)
    draft = draft_policy_version(source=current, actor=None, now=NOW)
    PolicyTarget.objects.filter(version=draft, request_type="incident", priority="P1").update(
        reaction_minutes=30
    )
    instants = [NOW, draft.effective_from - timedelta(microseconds=1), draft.effective_from]
    for plan in Plan.objects.values_list("code", flat=True):
        for at in instants:
            assert policy_in_force(django_rows(), plan, at) == as_policy(
                version_in_force(plan, at)
            ), (plan, at)
    assert policy_in_force(django_rows(), "8x5", draft.effective_from) == as_policy(draft)
    assert policy_in_force(django_rows(), "8x5", NOW) != as_policy(draft)


@pytest.mark.django_db
def test_no_policy_before_the_first_version() -> None:
    with pytest.raises(PolicyError, match="no SLA policy of plan '8x5' in force"):
        policy_in_force(django_rows(), "8x5", datetime(1990, 1, 1, tzinfo=UTC))
    with pytest.raises(PolicyError, match="'gold'"):
        policy_in_force(django_rows(), "gold", NOW)


def test_column_values_as_sqlite_gives_them() -> None:
    assert as_date("2030-03-08") == date(2030, 3, 8)
    assert as_date(date(2030, 3, 8)) == date(2030, 3, 8)
    assert as_instant("2026-11-25 12:00:00") == NOW
    assert as_instant("2026-11-25 12:00:00.250000") == NOW + timedelta(milliseconds=250)
    assert as_instant(NOW.replace(tzinfo=None)) == NOW  # Django's SQLite cursor
    assert as_instant(datetime(2026, 11, 25, 15, tzinfo=UTC).astimezone()) == NOW.replace(hour=15)


@pytest.mark.django_db(transaction=True)
def test_through_psycopg_the_answers_are_the_django_cursors() -> None:
    """What the console script does on PostgreSQL: its own connection, no Django."""
    if connection.vendor != "postgresql":
        pytest.skip("the console script reads SQLite files; tests/calendars/test_cli.py")
    ensure_shipped_data()  # an earlier transactional test emptied the tables
    odd_calendar()
    draft = draft_policy_version(source=version_in_force("8x5", NOW), actor=None, now=NOW)
    cases = [
        (calendar_script, {"action": "list", "json": True}),
        (
            calendar_script,
            {
                "action": "add",
                "calendar": "almaty-support",
                "start": "2030-03-06T16:00:00+05:00",
                "hours": "30.5",
                "json": True,
            },
        ),
        (
            calendar_script,
            {
                "action": "span",
                "calendar": "almaty-support",
                "start": "2030-03-01T00:00:00+05:00",
                "end": "2031-02-01T00:00:00+05:00",
                "json": False,
            },
        ),
        (
            sla_script,
            {
                "action": "targets",
                "plan": "8x5",
                "type": "bug",
                "priority": "P3",
                "start": draft.effective_from.isoformat(),
                "json": True,
            },
        ),
    ]
    for module, options in cases:
        plain = answer_from_database(module, options, connection.settings_dict)
        assert plain == module.answer(options, django_rows()), options
    assert '"calendar_draft": false' in answer_from_database(*cases[1], connection.settings_dict)
