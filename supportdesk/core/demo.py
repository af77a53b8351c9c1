"""Demo data for the embedded default: a support lead who can sign in, and SLA clocks in
every state so the admin shows deadlines, pauses and a priority change. Idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from supportdesk.sla.actions import change_clock_target, pause_clock, start_clock, stop_clock
from supportdesk.sla.models import ClockKind, SlaClock
from supportdesk.slamath.policy import Target

DEMO_LEAD = "admin"


def load_demo(*, now: datetime, password: str) -> list[str]:
    """Returns what was created, one line each."""
    created = []
    with transaction.atomic():
        if not User.objects.filter(username=DEMO_LEAD).exists():
            User.objects.create_superuser(DEMO_LEAD, "lead@supportdesk.invalid", password)
            created.append(f"support lead {DEMO_LEAD!r}")
        if not SlaClock.objects.exists():
            created.extend(_demo_clocks(now))
    return created


def _demo_clocks(now: datetime) -> list[str]:
    business = Target(timedelta(hours=16), "ru-support")
    around_the_clock = Target(timedelta(hours=5), "24x7")
    running = start_clock(
        kind=ClockKind.RESOLUTION, target=business, at=now - timedelta(hours=3), now=now
    )
    waiting = start_clock(
        kind=ClockKind.RESOLUTION, target=business, at=now - timedelta(days=2), now=now
    )
    pause_clock(clock=waiting, at=now - timedelta(days=1), now=now, reason="waiting for customer")
    raised = start_clock(
        kind=ClockKind.RESOLUTION,
        target=Target(timedelta(hours=40), "ru-support"),
        at=now - timedelta(hours=4),
        now=now,
    )
    change_clock_target(
        clock=raised,
        target=around_the_clock,
        at=now - timedelta(hours=1),
        now=now,
        reason="P4 -> P1: messaging down for all users",
    )
    met = start_clock(
        kind=ClockKind.REACTION,
        target=Target(timedelta(hours=1), "24x7"),
        at=now - timedelta(minutes=50),
        now=now,
    )
    stop_clock(clock=met, at=now - timedelta(minutes=20), now=now, reason="first reply")
    return [f"SLA clock #{clock.pk}" for clock in (running, waiting, raised, met)]
