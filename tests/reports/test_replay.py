"""Replay: random request lifecycles driven through the real actions and the sweeper,
then every stored outcome and the report's figures recomputed from the clocks' event logs
with the engine alone (``slamath.clock.evaluate``), by the counting rule."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

import pytest

from supportdesk.calendars.engine import Calendars
from supportdesk.reports.sla_report import build_sla_report, nearest_rank, share
from supportdesk.sla.models import SlaClockEvent
from supportdesk.sla.reads import to_clock_event
from supportdesk.slamath.clock import ClockEvent, ClockStatus, EventKind, evaluate
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import OPEN_STATUSES, Channel, ClockOutcome, Request, Scope, Status
from supportdesk.tickets.sweeper import sweep_sla
from tests.tickets.conftest import DETAILED, MOSCOW, Desk

pytestmark = pytest.mark.django_db

FIRST = datetime(2026, 10, 26, 9, tzinfo=MOSCOW)
END = datetime(2026, 12, 20, 12, tzinfo=MOSCOW)
STEPS = ("reply", "wait", "customer", "raise", "resolve", "reopen")


def schedule(rng: random.Random, count: int) -> list[tuple[datetime, int, str]]:
    plan: list[tuple[datetime, int, str]] = []
    for index in range(count):
        moment = FIRST + timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 12 * 60))
        plan.append((moment, index, "open"))
        for _ in range(rng.randint(1, 7)):
            moment += timedelta(minutes=rng.randint(10, 24 * 60))
            plan.append((moment, index, rng.choice(STEPS)))
    sweep = FIRST
    while sweep < END:
        plan.append((sweep, -1, "sweep"))
        sweep += timedelta(hours=3)
    return sorted(plan, key=lambda step: (step[0], step[1]))


def step(desk: Desk, request: Request, what: str, now: datetime, rng: random.Random) -> None:
    status = Status(request.status)
    live = status in OPEN_STATUSES
    if what == "reply" and live:
        actions.reply(actor=desk.agent, request=request, body="Looking", now=now)
    elif what == "wait" and status in (Status.NEW, Status.OPEN, Status.IN_PROGRESS):
        actions.set_status(
            actor=desk.agent, request=request, status=Status.WAITING, reason="logs", now=now
        )
    elif what == "customer" and status is Status.WAITING:
        actions.reply(actor=desk.anna, request=request, body="Here", now=now)
    elif what == "raise" and live and request.priority != "P1":
        higher = Priority(f"P{int(request.priority[1]) - 1}")
        actions.raise_priority(
            actor=desk.agent, request=request, to=higher, reason="worse", now=now
        )
    elif what == "resolve" and live:
        actions.resolve(actor=desk.agent, request=request, summary="Fixed", now=now)
    elif what == "reopen" and status is Status.RESOLVED and rng.random() < 0.7:
        actions.reopen(actor=desk.anna, request=request, reason="Again", now=now)


def drive(desk: Desk, seed: int, count: int) -> list[Request]:
    rng = random.Random(seed)  # noqa: S311 (a reproducible test, not a secret)
    requests: dict[int, Request] = {}
    for now, index, what in schedule(rng, count):
        if what == "sweep":
            sweep_sla(now=now)
        elif what == "open":
            requests[index] = actions.open_request(
                actor=desk.anna, contact=desk.contact(desk.anna),
                request_type=RequestType.INCIDENT, subject=f"R{index}", description=DETAILED,
                requested_priority=rng.choice(list(Priority)), channel=Channel.PORTAL,
                component=desk.messaging, scope=Scope.MASS, now=now,
            )  # fmt: skip
        else:
            step(desk, Request.objects.get(pk=requests[index].pk), what, now, rng)
    # Every clock stops by the end, so every outcome is final.
    for request in Request.objects.filter(status__in=OPEN_STATUSES):
        if request.first_response_at is None:
            actions.reply(actor=desk.agent, request=request, body="Sorry", now=END)
        actions.resolve(actor=desk.agent, request=request, summary="Fixed", now=END)
    return list(Request.objects.order_by("pk"))


class Counted(NamedTuple):
    clock_id: int
    kind: str
    counted_at: datetime
    met: bool
    stopped_at: datetime
    elapsed: int
    target: int


def replayed(requests: list[Request]) -> set[Counted]:
    """Every counted episode, from the event logs alone."""
    calendars = Calendars()
    clocks = {r.reaction_clock_id: "reaction" for r in requests}
    clocks.update({r.resolution_clock_id: "resolution" for r in requests if r.resolution_clock_id})
    logs: dict[int, list[ClockEvent]] = defaultdict(list)
    for stored in SlaClockEvent.objects.filter(clock_id__in=clocks):
        logs[stored.clock_id].append(to_clock_event(stored, calendars.names))
    outcomes = set()
    for clock_id, events in logs.items():
        episode_start = events[0].at
        status = ClockStatus.NOT_STARTED
        for index, event in enumerate(events):
            if event.kind is EventKind.RESUME and status is ClockStatus.STOPPED:
                episode_start = event.at
            state = evaluate(events[: index + 1], event.at, calendars)
            status = state.status
            if event.kind is not EventKind.STOP:
                continue
            assert state.target is not None
            counted = event.at
            if state.breached:
                assert state.due_at is not None
                counted = max(state.due_at, episode_start)
            outcomes.add(Counted(
                clock_id, clocks[clock_id], counted.astimezone(UTC), not state.breached,
                event.at.astimezone(UTC), round(state.elapsed.total_seconds()),
                round(state.target.total_seconds()),
            ))  # fmt: skip
    return outcomes


def reopenings(requests: list[Request]) -> list[datetime]:
    """When each resolution clock was resumed from stopped, from the event logs alone."""
    calendars = Calendars()
    clocks = {r.resolution_clock_id for r in requests if r.resolution_clock_id}
    logs: dict[int, list[ClockEvent]] = defaultdict(list)
    for stored in SlaClockEvent.objects.filter(clock_id__in=clocks):
        logs[stored.clock_id].append(to_clock_event(stored, calendars.names))
    instants = []
    for events in logs.values():
        for index, event in enumerate(events):
            before = evaluate(events[:index], event.at, calendars).status if index else None
            if event.kind is EventKind.RESUME and before is ClockStatus.STOPPED:
                instants.append(event.at)
    return instants


@pytest.mark.parametrize("seed", [7, 2026])
def test_stored_outcomes_and_the_report_match_a_replay(desk: Desk, seed: int) -> None:
    requests = drive(desk, seed, count=24)

    expected = replayed(requests)
    reopened = reopenings(requests)
    assert reopened
    stored = set(
        ClockOutcome.objects.values_list(
            "clock_id", "kind", "counted_at", "met", "stopped_at", "elapsed_seconds",
            "target_seconds",
        )
    )  # fmt: skip
    assert stored == expected
    assert any(not row.met for row in expected)
    assert any(row.met for row in expected)

    for month in (date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)):
        start = datetime(month.year, month.month, 1, tzinfo=MOSCOW)
        end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=MOSCOW)
        report = build_sla_report(desk.alfa_contract, month, now=END + timedelta(days=30))
        for kind, figures in (("reaction", report.reaction), ("resolution", report.resolution)):
            mine = [row for row in expected if row.kind == kind and start <= row.counted_at < end]
            elapsed = [row.elapsed for row in mine]
            met = sum(1 for row in mine if row.met)
            assert (figures.total, figures.met, figures.share) == (
                len(mine), met, share(met, len(mine))
            )  # fmt: skip
            assert (figures.median_seconds, figures.p90_seconds, figures.max_seconds) == (
                nearest_rank(elapsed, Decimal("0.5")), nearest_rank(elapsed, Decimal("0.9")),
                max(elapsed, default=None),
            )  # fmt: skip
            assert len([b for b in report.breaches if b.clock == kind]) == len(mine) - met
        assert report.reopened == sum(1 for at in reopened if start <= at < end)
