"""The back-fill migration replays the stored events into the same outcome rows the live
writers leave (the running breach's elapsed time is measured when each was written)."""

from __future__ import annotations

from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.db import connection

from supportdesk.tickets.models import ClockOutcome, Reopening
from tests.reports.test_month_by_hand import REPORT_NOW, november
from tests.tickets.conftest import Desk

backfill = import_module("supportdesk.tickets.migrations.0007_backfill_clock_outcomes").backfill

FIELDS = (
    "request_id", "contract_id", "clock_id", "kind", "priority", "request_type",
    "policy_version_id", "calendar_id", "calendar_revision", "target_seconds",
    "episode_started_at", "due_at", "breached_at", "stopped_at", "counted_at", "met",
    "paused_seconds",
)  # fmt: skip


def rows() -> set[tuple[object, ...]]:
    return set(ClockOutcome.objects.values_list(*FIELDS))


@pytest.mark.django_db
def test_the_backfill_writes_what_the_live_writers_wrote(desk: Desk) -> None:
    november(desk)
    live = rows()
    closed = set(ClockOutcome.objects.filter(stopped_at__isnull=False).values_list(
        "clock_id", "episode_started_at", "elapsed_seconds"
    ))  # fmt: skip
    assert len(live) == 11  # R1-R3 two each, R4 one, R5 three, R6 one (open)
    ClockOutcome.objects.all().delete()

    with time_machine.travel(REPORT_NOW, tick=False):
        backfill(apps, None)

    assert rows() == live
    assert set(ClockOutcome.objects.filter(stopped_at__isnull=False).values_list(
        "clock_id", "episode_started_at", "elapsed_seconds"
    )) == closed  # fmt: skip


reopenings_backfill = import_module("supportdesk.tickets.migrations.0016_reopening").backfill


@pytest.mark.django_db
def test_the_reopenings_backfill_writes_what_the_reopen_action_wrote(desk: Desk) -> None:
    november(desk)
    fields = ("event_id", "request_id", "contract_id", "at")
    live = set(Reopening.objects.values_list(*fields))
    assert len(live) == 1  # R5, reopened on the 26th
    Reopening.objects.all().delete()

    reopenings_backfill(apps, connection.schema_editor())

    assert set(Reopening.objects.values_list(*fields)) == live
