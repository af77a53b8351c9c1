"""Back-fill ``ClockOutcome`` rows for the clocks that counted before outcomes were stored:
every stopped episode, and the running episode of a clock already breached. Each clock's
stored events are replayed with ``sla.outcomes.episode_outcome`` (the function the live
writer uses) on the calendars as they stand; requests are read in batches of 1,000, each
batch's clocks, events and priority changes in one query each, its rows in one insert."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

from supportdesk.calendars.engine import build_calendar, revision_text
from supportdesk.sla.outcomes import EpisodeOutcome, episode_outcome
from supportdesk.slamath.clock import ClockEvent, EventKind

BATCH = 1000


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Request = apps.get_model("tickets", "Request")
    ClockOutcome = apps.get_model("tickets", "ClockOutcome")
    PriorityChange = apps.get_model("tickets", "PriorityChange")
    SlaClock = apps.get_model("sla", "SlaClock")
    SlaClockEvent = apps.get_model("sla", "SlaClockEvent")
    BusinessCalendar = apps.get_model("calendars", "BusinessCalendar")
    if not SlaClockEvent.objects.exists():
        return
    now = timezone.now()
    rows = list(BusinessCalendar.objects.select_related("production_calendar"))
    names = {row.pk: row.name for row in rows}
    ids = {row.name: row.pk for row in rows}
    revisions = {
        row.name: revision_text(
            row.revision, row.production_calendar.revision if row.production_calendar else None
        )
        for row in rows
    }
    engines = {}

    def lookup(name):  # type: ignore[no-untyped-def]
        if name not in engines:
            engines[name] = build_calendar(next(row for row in rows if row.name == name))
        return engines[name]

    fields = (
        "pk", "contract_id", "priority", "request_type", "policy_version_id",
        "reaction_clock_id", "resolution_clock_id",
    )  # fmt: skip
    last = 0
    while True:
        batch = list(Request.objects.filter(pk__gt=last).order_by("pk").values_list(*fields)[:BATCH])
        if not batch:
            return
        last = batch[-1][0]
        owner_of = {}
        for request_id, contract, priority, kind, version, reaction, resolution in batch:
            for clock_id in (reaction, resolution):
                if clock_id is not None:
                    owner_of[clock_id] = (request_id, contract, priority, kind, version)
        clocks = {
            pk: (kind, version)
            for pk, kind, version in SlaClock.objects.filter(pk__in=owner_of).values_list(
                "pk", "kind", "policy_version_id"
            )
        }
        events = defaultdict(list)
        for clock_id, kind, at, target, calendar, reason in (
            SlaClockEvent.objects.filter(clock_id__in=owner_of)
            .order_by("clock_id", "at", "id")
            .values_list("clock_id", "kind", "at", "target_seconds", "calendar_id", "reason")
        ):
            events[clock_id].append(
                ClockEvent(
                    kind=EventKind(kind),
                    at=at,
                    target=timedelta(seconds=target) if target else None,
                    calendar=names[calendar] if calendar else None,
                    reason=reason,
                )
            )
        changes = defaultdict(list)
        for request_id, at, to in (
            PriorityChange.objects.filter(request_id__in=[row[0] for row in batch])
            .order_by("request_id", "at", "id")
            .values_list("request_id", "at", "to_priority")
        ):
            changes[request_id].append((at, to))

        def priority_at(request_id, current, instant):  # type: ignore[no-untyped-def]
            steps = changes[request_id]
            index = bisect_right([at for at, _ in steps], instant)
            return steps[index - 1][1] if index else current

        outcomes = []
        for clock_id, pure in events.items():
            request_id, contract, priority, _type, version = owner_of[clock_id]
            kind, clock_version = clocks[clock_id]
            found: list[EpisodeOutcome] = [
                outcome
                for event in pure
                if event.kind is EventKind.STOP
                and (outcome := episode_outcome(pure, event.at, lookup)) is not None
            ]
            running = episode_outcome(pure, now, lookup)
            if running is not None and running.stopped_at is None and running.breached_at:
                found.append(running)
            for outcome in found:
                counted_at = outcome.counted_at
                if counted_at is None or outcome.due_at is None:
                    continue
                outcomes.append(
                    ClockOutcome(
                        request_id=request_id, contract_id=contract, clock_id=clock_id,
                        kind=kind, priority=priority_at(request_id, priority, counted_at),
                        request_type=_type, policy_version_id=clock_version or version,
                        calendar_id=ids[outcome.calendar],
                        calendar_revision=revisions[outcome.calendar],
                        target_seconds=outcome.target_seconds,
                        episode_started_at=outcome.episode_started_at, due_at=outcome.due_at,
                        breached_at=outcome.breached_at, stopped_at=outcome.stopped_at,
                        counted_at=counted_at, elapsed_seconds=outcome.elapsed_seconds,
                        paused_seconds=outcome.paused_seconds, met=outcome.met, recorded_at=now,
                    )  # fmt: skip
                )
        ClockOutcome.objects.bulk_create(outcomes, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_clock_outcomes"), ("calendars", "0002_shipped_calendars")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
