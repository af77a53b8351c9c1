"""The SLA sweeper: notify each warning and breach exactly once.

It reads only clocks whose ``next_alert_at`` has passed, through a partial index, so its
cost grows with what is due, not with what is open. Each batch is claimed with
``SELECT ... FOR UPDATE SKIP LOCKED``: two workers racing on PostgreSQL take disjoint
clocks, and the claim (``alerted_percent``) commits with the batch's outbox rows, written
in one insert.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from supportdesk.audit.record import record_many
from supportdesk.sla.models import ClockKind, SlaClock
from supportdesk.tickets.models import Request
from supportdesk.tickets.notifications import STAFF_RELATED, SlaAlert, notify_sla_alerts

BATCH = 500
BREACHED = "sla.breached"


def _thresholds(clock: SlaClock) -> list[tuple[int, datetime | None]]:
    return [(75, clock.warning_75_at), (90, clock.warning_90_at), (100, clock.due_at)]


def _claim(clock: SlaClock, now: datetime) -> int:
    """Move the clock past every threshold reached by ``now``; returns the highest."""
    reached = [
        p
        for p, at in _thresholds(clock)
        if at is not None and at <= now and p > clock.alerted_percent
    ]
    highest = max(reached)
    clock.alerted_percent = highest
    upcoming = [at for p, at in _thresholds(clock) if p > highest and at is not None]
    clock.next_alert_at = min(upcoming) if upcoming else None
    return highest


def sweep_sla(*, now: datetime, batch: int = BATCH) -> int:
    """One pass; returns how many clocks were alerted. Safe to run in several workers."""
    alerted = 0
    while True:
        with transaction.atomic():
            due = list(
                SlaClock.objects.select_for_update(skip_locked=True)
                .filter(next_alert_at__lte=now)
                .order_by("next_alert_at")[:batch]
            )
            if not due:
                return alerted
            percents = {clock.pk: _claim(clock, now) for clock in due}
            SlaClock.objects.bulk_update(due, ["alerted_percent", "next_alert_at"])
            clocks = {clock.pk: clock for clock in due}
            owners = (
                Request.objects.filter(
                    Q(reaction_clock_id__in=percents) | Q(resolution_clock_id__in=percents)
                )
                .select_related(
                    "organization",
                    f"assignee__{STAFF_RELATED}",
                    f"contract__dedicated_engineer__{STAFF_RELATED}",
                    f"contract__personal_manager__{STAFF_RELATED}",
                )
                .order_by()
            )
            alerts = [
                SlaAlert(request, kind, percents[clock_id], clocks[clock_id].due_at)
                for request in owners
                for clock_id, kind in (
                    (request.reaction_clock_id, ClockKind.REACTION),
                    (request.resolution_clock_id, ClockKind.RESOLUTION),
                )
                if clock_id in percents
            ]
            record_many(
                at=now,
                actor=None,
                action=BREACHED,
                subjects=[
                    (a.request, {"clock": a.clock.value}) for a in alerts if a.percent == 100
                ],
            )
            notify_sla_alerts(alerts, now=now)
            alerted += len(due)
        if len(due) < batch:
            return alerted
