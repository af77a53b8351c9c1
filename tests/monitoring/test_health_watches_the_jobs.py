"""/health says "degraded" (still 200: the web works) when the SLA sweeper or the outbox
sender has not finished a run for five minutes, as their heartbeats tell; the jobs write
a heartbeat at the end of each run."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from supportdesk.jobs.heartbeat import Job, beat
from supportdesk.jobs.models import Heartbeat
from supportdesk.notifications.tasks import send_outbox
from supportdesk.tickets.tasks import sla_sweeper

pytestmark = pytest.mark.django_db


def health() -> tuple[int, dict[str, object]]:
    response = Client().get("/health")
    return response.status_code, response.json()


def test_jobs_that_never_ran_are_late() -> None:
    assert health() == (
        200,
        {"status": "degraded", "database": "ok",
         "jobs": {"sla-sweeper": "late", "outbox-sender": "late"}},
    )  # fmt: skip


def test_each_run_beats_and_five_quiet_minutes_make_it_degraded() -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sla_sweeper.call_local()
        send_outbox.call_local()
        assert set(Heartbeat.objects.values_list("job", "last_run_at")) == {
            ("sla-sweeper", start),
            ("outbox-sender", start),
        }
        assert health()[1]["status"] == "ok"
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        assert health()[1]["status"] == "ok"  # five minutes is the limit, not yet past it
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        beat(Job.OUTBOX_SENDER, now=timezone.now())  # the sender still runs; the sweeper not
        assert health() == (
            200,
            {"status": "degraded", "database": "ok",
             "jobs": {"sla-sweeper": "late", "outbox-sender": "ok"}},
        )  # fmt: skip
