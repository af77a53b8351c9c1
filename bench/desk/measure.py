"""Checks on the loaded data, the agent queue and the SLA sweeper, with their plans."""

from __future__ import annotations

import contextlib
import random
import re
import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import unescape

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Q

from bench.desk.server import Postgres, cpu_used
from supportdesk.audit.models import AuditEvent
from supportdesk.calendars.engine import load_calendars
from supportdesk.notifications.models import Notification
from supportdesk.sla.models import SlaClock
from supportdesk.slamath.clock import ClockEvent, EventKind, evaluate, next_alert
from supportdesk.tickets.models import Request
from supportdesk.tickets.notifications import MailEvent
from supportdesk.tickets.queues import by_resolution_due
from supportdesk.tickets.sweeper import BATCH, OWNER_FIELDS, sweep_sla

QUEUE_PAGE = 50
# Tables with a row per customer, not per request.
PER_CUSTOMER_TABLES = frozenset({"customers_organization", "contracts_contract"})


def seq_scans(plan: str) -> list[str]:
    """The relations a plan reads with a sequential scan."""
    return re.findall(r"Seq Scan on (\w+)", plan)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": max(samples_ms)}


# -- the loaded data --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataCheck:
    sampled: int
    mismatches: list[str]
    invariants: dict[str, int]  # name -> count that must be zero, or the due count
    due: int

    @property
    def ok(self) -> bool:
        return not self.mismatches and not any(self.invariants.values())


def _sample_mismatches(ids: list[int]) -> list[str]:
    """Re-evaluate clocks from their events with ``slamath.clock.evaluate``, at the instant
    ``sla.actions`` last evaluated them, and compare with the stored columns."""
    calendars = load_calendars()
    names = dict(connection_calendars())
    problems = []
    clocks = SlaClock.objects.filter(pk__in=ids).prefetch_related("events").order_by("pk")
    for clock in clocks:
        events = [
            ClockEvent(
                kind=EventKind(event.kind),
                at=event.at,
                target=timedelta(seconds=event.target_seconds) if event.target_seconds else None,
                calendar=names[event.calendar_id] if event.calendar_id else None,
                reason=event.reason,
            )
            for event in clock.events.all()
        ]
        if clock.evaluated_at is None:
            problems.append(f"clock {clock.pk}: never evaluated")
            continue
        state = evaluate(events, clock.evaluated_at, calendars.__getitem__)
        alert = next_alert(state, clock.alerted_percent)
        expected = {
            "status": state.status.value,
            "target_seconds": int(state.target.total_seconds()) if state.target else None,
            "calendar": state.calendar,
            "elapsed_seconds": state.elapsed.total_seconds(),
            "due_at": state.due_at,
            "warning_75_at": state.warnings.get(75),
            "warning_90_at": state.warnings.get(90),
            "breached_at": state.breached_at,
            "next_alert_at": alert[1] if alert else None,
        }
        stored = {
            "status": clock.status,
            "target_seconds": clock.target_seconds,
            "calendar": names.get(clock.calendar_id or 0),
            "elapsed_seconds": clock.elapsed_seconds,
            "due_at": clock.due_at,
            "warning_75_at": clock.warning_75_at,
            "warning_90_at": clock.warning_90_at,
            "breached_at": clock.breached_at,
            "next_alert_at": clock.next_alert_at,
        }
        for name, value in expected.items():
            if stored[name] != value:
                problems.append(f"clock {clock.pk}: {name} {stored[name]!r} != {value!r}")
    return problems


def connection_calendars() -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM calendars_businesscalendar")
        return [(int(row[0]), str(row[1])) for row in cursor.fetchall()]


def _count(query: str, params: tuple[datetime, ...] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def check_data(*, now: datetime, clocks: int, sample: int, seed: int) -> DataCheck:
    rng = random.Random(seed)
    ids = rng.sample(range(1, clocks + 1), min(sample, clocks))
    mismatches = _sample_mismatches(ids)
    due = _count(
        "SELECT count(*) FROM sla_slaclock WHERE status = 'running' AND next_alert_at <= %s",
        (now,),
    )
    invariants = {
        "running clocks with no next alert": _count(
            "SELECT count(*) FROM sla_slaclock WHERE status = 'running' AND next_alert_at IS NULL"
        ),
        "clocks not running with a next alert": _count(
            "SELECT count(*) FROM sla_slaclock "
            "WHERE status <> 'running' AND next_alert_at IS NOT NULL"
        ),
        "clocks owned by no request": _count(
            "SELECT (SELECT count(*) FROM sla_slaclock) - (SELECT count(*) + "
            "count(resolution_clock_id) FROM tickets_request)"
        ),
        "clocks without a start event": _count(
            "SELECT count(*) FROM sla_slaclock c WHERE NOT EXISTS (SELECT 1 FROM "
            "sla_slaclockevent e WHERE e.clock_id = c.id AND e.kind = 'start')"
        ),
        "due clocks other than 1,000": due - 1000,
    }
    return DataCheck(sampled=len(ids), mismatches=mismatches, invariants=invariants, due=due)


# -- the agent queue --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueResult:
    runs: int
    ms: dict[str, float]
    plan: str
    seq_scans: list[str]
    problems: list[str]


def _check_page(page: list[Request], team_id: int) -> list[str]:
    problems = []
    if len(page) != QUEUE_PAGE:
        problems.append(f"team {team_id}: {len(page)} rows, not {QUEUE_PAGE}")
    dues = []
    for request in page:
        clock = request.resolution_clock
        if request.team_id != team_id or clock is None or clock.status != "running":
            problems.append(f"request {request.pk} does not belong in team {team_id}'s queue")
        elif clock.due_at is not None:
            dues.append(clock.due_at)
    if dues != sorted(dues):
        problems.append(f"team {team_id}: page not ordered by due_at")
    return problems


def time_queue(
    user: User, team_ids: tuple[int, ...], *, runs: int, warm_up: int, seed: int
) -> QueueResult:
    rng = random.Random(seed)
    problems: list[str] = []
    for team_id in team_ids:  # warm-up: every team once, then random ones
        problems += _check_page(
            list(by_resolution_due(user, team_id=team_id)[:QUEUE_PAGE]), team_id
        )
    for _ in range(warm_up):
        list(by_resolution_due(user, team_id=rng.choice(team_ids))[:QUEUE_PAGE])
    samples = []
    for _ in range(runs):
        team_id = rng.choice(team_ids)
        started = time.perf_counter()
        page = list(by_resolution_due(user, team_id=team_id)[:QUEUE_PAGE])
        samples.append((time.perf_counter() - started) * 1000)
        if len(page) != QUEUE_PAGE:
            problems.append(f"team {team_id}: {len(page)} rows")
    plan = by_resolution_due(user, team_id=rng.choice(team_ids))[:QUEUE_PAGE].explain(
        analyze=True, buffers=True
    )
    return QueueResult(runs, percentiles(samples), plan, seq_scans(plan), problems)


# -- the sweeper ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SweepResult:
    seconds: float
    # CPU of the pass in this process and in PostgreSQL's backends: what a shared machine's
    # other load does not change.
    cpu_seconds: float
    postgres_cpu_seconds: float
    rehearsals: list[float]  # the same pass before it, each rolled back
    alerted: int
    mails: int  # outbox rows written: one per alert and recipient
    mailed_requests: int  # requests with at least one of them
    breaches: int  # sla.breached audit events written
    left_due: int
    claim_plan: str
    owners_plan: str

    @property
    def seq_scans(self) -> list[str]:
        """Sequential scans of tables that grow with the requests. The owners lookup joins
        each owner's organization and contract: 50 rows each, which PostgreSQL rightly
        reads whole into a hash table."""
        scans = seq_scans(self.claim_plan) + seq_scans(self.owners_plan)
        return [table for table in scans if table not in PER_CUSTOMER_TABLES]


# Passes run and rolled back before the timed one: a worker sweeps every minute, so the
# code and the database pages it reads are warm in a running desk.
REHEARSALS = 5


class _Rehearsal(Exception):
    pass


def time_sweep(now: datetime, postgres: Postgres) -> SweepResult:
    due = SlaClock.objects.filter(next_alert_at__lte=now)
    with transaction.atomic():  # FOR UPDATE needs a transaction; nothing is changed
        claim_plan = (
            SlaClock.objects.select_for_update(skip_locked=True)
            .filter(next_alert_at__lte=now)
            .order_by("next_alert_at")[:BATCH]
            .explain(analyze=True, buffers=True)
        )
    ids = list(due.order_by("next_alert_at").values_list("pk", flat=True)[:BATCH])
    owners_plan = (
        Request.objects.filter(Q(reaction_clock_id__in=ids) | Q(resolution_clock_id__in=ids))
        .order_by()
        .values_list(*OWNER_FIELDS)
        .explain(analyze=True, buffers=True)
    )
    rehearsals = []
    for _ in range(REHEARSALS):
        with contextlib.suppress(_Rehearsal), transaction.atomic():
            started = time.perf_counter()
            sweep_sla(now=now)
            rehearsals.append(time.perf_counter() - started)
            raise _Rehearsal
    breaches = AuditEvent.objects.filter(action="sla.breached")
    sla_mails = Notification.objects.filter(event__in=(MailEvent.SLA_WARNING, MailEvent.SLA_BREACH))
    breaches_before, mails_before = breaches.count(), sla_mails.count()
    backends, cpu_started = postgres.cpu(), time.process_time()
    started = time.perf_counter()
    alerted = sweep_sla(now=now)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    postgres_cpu = cpu_used(backends, postgres.cpu())
    return SweepResult(
        seconds=seconds,
        cpu_seconds=cpu,
        postgres_cpu_seconds=postgres_cpu,
        rehearsals=rehearsals,
        alerted=alerted,
        mails=sla_mails.count() - mails_before,
        mailed_requests=sla_mails.values("thread").distinct().count(),
        breaches=breaches.count() - breaches_before,
        left_due=due.count(),
        claim_plan=claim_plan,
        owners_plan=owners_plan,
    )


# -- the workspace page -----------------------------------------------------------------------


@dataclass(frozen=True)
class PageResult:
    runs: int
    ms: dict[str, float]
    second_page_ms: dict[str, float]
    problems: list[str]


_NEXT = re.compile(r'rel="next" href="(\?[^"]*after=[^"]+)"')


def time_workspace_pages(user: User, *, runs: int) -> PageResult:
    """The whole agent queue page (``/desk/?tab=all``, 50 rows with both countdowns) as the
    browser gets it, then the next page through its keyset link, rendered in-process."""
    from django.test import Client

    browser = Client(HTTP_HOST="localhost")
    browser.force_login(user)
    problems: list[str] = []
    first, second = [], []
    for _ in range(runs + 5):
        started = time.perf_counter()
        response = browser.get("/desk/?tab=all")
        first_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            problems.append(f"/desk/ answered {response.status_code}")
            break
        link = _NEXT.search(response.content.decode())
        if link is None:
            problems.append("no next-page link on the first page")
            break
        started = time.perf_counter()
        response = browser.get("/desk/" + unescape(link.group(1)))
        second_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            problems.append(f"page 2 answered {response.status_code}")
            break
        first.append(first_ms)
        second.append(second_ms)
    if problems:
        return PageResult(runs, {}, {}, problems)
    return PageResult(runs, percentiles(first[5:]), percentiles(second[5:]), problems)
