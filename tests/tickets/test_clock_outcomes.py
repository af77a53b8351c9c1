"""Each clock episode that counts leaves one outcome row: written at the stop, or by the
sweeper at a running breach and closed at the stop, or at a reopening of a breached clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.sla.models import SlaClockEvent
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, ClockOutcome, Reopening, Request, Scope, Status
from supportdesk.tickets.sweeper import sweep_sla
from tests.tickets.conftest import DETAILED, Desk, at


def open_p2(desk: Desk) -> Request:
    return actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Push notifications do not arrive", description=DETAILED,
        requested_priority=Priority.P2, channel=Channel.PORTAL, component=desk.messaging,
        scope=Scope.MASS, now=at(23, 10),
    )  # fmt: skip


def outcomes(request: Request) -> list[tuple[object, ...]]:
    return list(
        ClockOutcome.objects.filter(request=request)
        .order_by("kind", "episode_started_at")
        .values_list(
            "kind", "met", "episode_started_at", "due_at", "breached_at", "stopped_at",
            "counted_at", "elapsed_seconds", "paused_seconds", "target_seconds", "priority",
        )
    )  # fmt: skip


def utc(day: int, hour: int, minute: int = 0):  # type: ignore[no-untyped-def]
    return at(day, hour, minute).astimezone(UTC)


def test_a_met_reaction_and_resolution_are_written_when_they_stop(desk: Desk) -> None:
    request = open_p2(desk)
    actions.reply(actor=desk.agent, request=request, body="Looking", now=at(23, 10, 30))
    actions.set_status(
        actor=desk.agent, request=request, status=Status.WAITING, now=at(23, 11), reason="logs"
    )
    actions.reply(actor=desk.anna, request=request, body="Logs attached", now=at(23, 12))
    actions.resolve(actor=desk.agent, request=request, summary="Fixed", now=at(23, 15))

    assert outcomes(request) == [
        ("reaction", True, utc(23, 10), utc(23, 11), None, utc(23, 10, 30), utc(23, 10, 30),
         1800, 0, 3600, "P2"),
        # 10-11 and 12-15 ran (4 h), 11-12 was paused (1 h); 4 h left from 15:00 is 19:00.
        ("resolution", True, utc(23, 10), utc(23, 19), None, utc(23, 15), utc(23, 15),
         4 * 3600, 3600, 8 * 3600, "P2"),
    ]  # fmt: skip
    row = ClockOutcome.objects.get(request=request, kind="reaction")
    assert (row.contract_id, row.calendar.name, row.calendar_revision) == (
        desk.alfa_contract.pk,
        "ru-support",
        row.calendar_revision,
    )
    assert row.calendar_revision.count("/") == 1  # on the production calendar


def test_a_breach_seen_by_the_sweeper_is_closed_at_the_stop(desk: Desk) -> None:
    request = open_p2(desk)
    assert sweep_sla(now=at(23, 11, 30)) == 1  # the reaction breached at 11:00
    assert sweep_sla(now=at(23, 11, 31)) == 0
    assert outcomes(request) == [
        ("reaction", False, utc(23, 10), utc(23, 11), utc(23, 11), None, utc(23, 11),
         5400, 0, 3600, "P2"),
    ]  # fmt: skip
    actions.reply(actor=desk.agent, request=request, body="Looking", now=at(23, 12))
    assert outcomes(request) == [
        ("reaction", False, utc(23, 10), utc(23, 11), utc(23, 11), utc(23, 12), utc(23, 11),
         7200, 0, 3600, "P2"),
    ]  # fmt: skip


def test_a_reopened_breached_clock_counts_again_at_the_reopening(desk: Desk) -> None:
    request = open_p2(desk)
    actions.reply(actor=desk.agent, request=request, body="Looking", now=at(23, 10, 30))
    assert sweep_sla(now=at(24, 10)) == 1  # resolution breached Monday 18:00 (95% of 8h)
    actions.resolve(actor=desk.agent, request=request, summary="Fixed", now=at(24, 11))
    actions.reopen(actor=desk.anna, request=request, reason="Still broken", now=at(25, 10))
    rows = outcomes(request)[1:]
    assert [row[:7] for row in rows] == [
        ("resolution", False, utc(23, 10), utc(23, 18), utc(23, 18), utc(24, 11), utc(23, 18)),
        ("resolution", False, utc(25, 10), utc(23, 18), utc(23, 18), None, utc(25, 10)),
    ]
    # The sweeper does not write the reopened episode a second time.
    sweep_sla(now=at(25, 12))
    actions.resolve(actor=desk.agent, request=request, summary="Fixed again", now=at(25, 12))
    assert [row[5] for row in outcomes(request)[1:]] == [utc(24, 11), utc(25, 12)]
    assert ClockOutcome.objects.filter(request=request).count() == 3


def test_a_breach_paused_before_any_sweep_counts_at_the_pause(desk: Desk) -> None:
    request = open_p2(desk)
    actions.reply(actor=desk.agent, request=request, body="Looking", now=at(23, 10, 30))
    # The resolution breached at 18:00; no sweep ran before it waited for the customer.
    actions.set_status(
        actor=desk.agent, request=request, status=Status.WAITING, now=at(24, 11), reason="logs"
    )
    assert [row[:7] for row in outcomes(request)[1:]] == [
        ("resolution", False, utc(23, 10), utc(23, 18), utc(23, 18), None, utc(23, 18)),
    ]
    assert sweep_sla(now=at(24, 12)) == 0  # paused: nothing to alert, nothing written twice


def test_a_second_pass_writes_no_second_row(desk: Desk) -> None:
    for _ in range(3):
        open_p2(desk)
    assert sweep_sla(now=at(23, 11, 30)) == 3
    assert sweep_sla(now=at(23, 11, 31)) == 0
    # The breach instant passed again for nobody: a pass over claimed clocks adds nothing.
    assert sweep_sla(now=at(23, 12)) == 0
    assert ClockOutcome.objects.filter(stopped_at__isnull=True).count() == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are PostgreSQL's; the embedded SQLite runs one writer at a time",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_write_each_breach_once(desk: Desk) -> None:
    for _ in range(30):
        open_p2(desk)
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            results.append(sweep_sla(now=at(23, 11, 30), batch=7))
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert sum(results) == 30
    assert sweep_sla(now=at(23, 11, 31)) == 0
    rows = ClockOutcome.objects.filter(kind="reaction", stopped_at__isnull=True)
    assert rows.count() == rows.values("clock").distinct().count() == 30


def statements_of_a_pass(desk: Desk, *, new: int, alerted: int, now: datetime) -> list[str]:
    for _ in range(new):
        open_p2(desk)
    with CaptureQueriesContext(connection) as queries:
        assert sweep_sla(now=now) == alerted
    return [query["sql"] for query in queries.captured_queries]


def test_a_batch_of_breaches_costs_three_statements_more_whatever_its_size(desk: Desk) -> None:
    warnings = statements_of_a_pass(desk, new=2, alerted=2, now=at(23, 10, 50))  # 75 %
    four = statements_of_a_pass(desk, new=2, alerted=4, now=at(23, 11, 30))  # all breach
    twelve = statements_of_a_pass(desk, new=12, alerted=12, now=at(23, 11, 31))
    # A breach's audit events (one INSERT, as before outcomes existed), then the outcomes:
    # the breaches' events, the calendars' revisions, and one INSERT for the batch.
    assert len(four) == len(twelve) == len(warnings) + 1 + 3
    writes = [sql for sql in twelve if "tickets_clockoutcome" in sql]
    assert len(writes) == 1
    assert writes[0].startswith("INSERT")
    assert ClockOutcome.objects.filter(stopped_at__isnull=True).count() == 16


def test_a_reopening_is_recorded_with_its_resume_and_a_customer_reply_is_not(
    desk: Desk,
) -> None:
    request = open_p2(desk)
    actions.set_status(
        actor=desk.agent, request=request, status=Status.WAITING, now=at(23, 11), reason="logs"
    )
    actions.reply(actor=desk.anna, request=request, body="Logs attached", now=at(23, 12))
    actions.resolve(actor=desk.agent, request=request, summary="Fixed", now=at(23, 15))
    assert not Reopening.objects.exists()  # the reply resumed a paused clock: no reopening

    actions.reopen(actor=desk.anna, request=request, reason="Not fixed", now=at(24, 9))

    resume = SlaClockEvent.objects.filter(clock=request.resolution_clock_id).last()
    assert resume is not None
    assert resume.kind == "resume"
    assert list(Reopening.objects.values_list("event", "request", "contract", "at")) == [
        (resume.pk, request.pk, request.contract_id, utc(24, 9))
    ]
