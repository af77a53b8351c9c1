"""The SLA sweeper notifies each warning and the breach exactly once, even when two
workers race (on PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from supportdesk.audit.models import AuditEvent
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope, Status
from supportdesk.tickets.sweeper import sweep_sla
from tests.tickets.conftest import DETAILED, Desk, at


def open_p2(desk: Desk, now=None) -> Request:  # type: ignore[no-untyped-def]
    request = actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Push notifications do not arrive", description=DETAILED,
        requested_priority=Priority.P2, channel=Channel.PORTAL, component=desk.messaging,
        scope=Scope.MASS, now=now or at(23, 10),
    )  # fmt: skip
    actions.assign(
        actor=desk.agent, request=request, assignee=desk.agent, team=desk.team, now=at(23, 10)
    )
    return request


def alerts() -> list[tuple[str, str]]:
    """(recipient, subject) of every SLA mail sent, sorted."""
    return sorted((m.to[0], str(m.subject)) for m in mail.outbox if "SLA" in m.subject)


def test_warnings_then_breach_each_once(desk: Desk, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    ref = open_p2(desk).reference  # reaction due 11:00 (75 % at 10:45), resolution at 18:00
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for person in (desk.agent, desk.engineer, desk.manager, desk.lead):
            person.staff.language = "en"
            person.staff.save()
        assert sweep_sla(now=at(23, 10, 44)) == 0
        assert sweep_sla(now=at(23, 10, 46)) == 1
        assert sweep_sla(now=at(23, 10, 47)) == 0
    warning = f"[{ref}] SLA warning 75%: reaction of {ref}"
    # One mail each: the assignee, the dedicated engineer and the personal manager.
    assert alerts() == sorted(
        (person.email, warning) for person in (desk.agent, desk.engineer, desk.manager)
    )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # A sweep missed for a while: only the highest threshold passed is sent.
        assert sweep_sla(now=at(23, 11, 30)) == 1
    breach = f"[{ref}] SLA breached: reaction of {ref}"
    # A breach escalates to the support leads.
    assert alerts() == sorted(
        (person.email, breach) for person in (desk.agent, desk.engineer, desk.manager, desk.lead)
    )
    assert AuditEvent.objects.filter(action="sla.breached").count() == 1


def test_a_paused_clock_is_not_swept(desk: Desk) -> None:
    request = open_p2(desk)
    actions.reply(actor=desk.agent, request=request, body="Please send logs", now=at(23, 10, 5))
    actions.set_status(actor=desk.agent, request=request, status=Status.WAITING, now=at(23, 10, 6))
    assert sweep_sla(now=at(30, 10)) == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are PostgreSQL's; the embedded SQLite runs one writer at a time",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_alert_each_clock_exactly_once(desk: Desk) -> None:
    for _ in range(30):
        open_p2(desk)
    # Every reaction clock is past 75 % at 10:50; every resolution clock is not.
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            results.append(sweep_sla(now=at(23, 10, 50), batch=7))
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
    assert Request.objects.filter(reaction_clock__alerted_percent=75).count() == 30
    assert sweep_sla(now=at(23, 10, 50)) == 0


def test_a_pass_reads_only_what_is_due(desk: Desk, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        open_p2(desk)
    with django_assert_max_num_queries(4):
        assert sweep_sla(now=at(23, 10, 30)) == 0
