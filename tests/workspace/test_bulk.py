"""Bulk assign and bulk status change: each request through the request actions, each
audited, refusals reported per request, CSRF required."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.models import Request, Status
from tests.tickets.conftest import Desk, at, without_dedicated_engineers
from tests.workspace.conftest import browser, open_


def notes(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_bulk_assign_goes_through_the_action_for_each(desk: Desk) -> None:
    without_dedicated_engineers()
    first, second = open_(desk, Priority.P3, "one"), open_(desk, Priority.P2, "two")
    response = browser(desk.agent).post(
        "/desk/bulk/",
        {"operation": "assign", "assignee": desk.engineer.pk, "team": desk.team.pk,
         "ids": [first.pk, second.pk], "back": "tab=all&after=x"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/desk/?tab=all"
    for item in (first, second):
        item.refresh_from_db()
        assert (item.assignee, item.team) == (desk.engineer, desk.team)
    events = AuditEvent.objects.filter(action="request.assigned", actor=desk.agent)
    assert sorted(int(e.subject_id) for e in events) == sorted([first.pk, second.pk])
    assert notes(response) == [f"Сделано: {first.reference}, {second.reference}."]


def test_bulk_assign_keeps_each_team_unless_one_is_chosen(desk: Desk) -> None:
    without_dedicated_engineers()
    item = open_(desk, Priority.P3, "one")
    actions.assign(actor=desk.agent, request=item, assignee=None, team=desk.team, now=at(23, 11))
    browser(desk.agent).post(
        "/desk/bulk/", {"operation": "assign", "assignee": desk.agent.pk, "ids": [item.pk]}
    )
    item.refresh_from_db()
    assert (item.assignee, item.team) == (desk.agent, desk.team)


def test_bulk_status_reports_each_refusal_and_changes_the_rest(desk: Desk) -> None:
    ok = open_(desk, Priority.P3, "ok")
    done = open_(desk, Priority.P3, "resolved")
    actions.resolve(actor=desk.agent, request=done, summary="Fixed.", now=at(23, 11))
    before = AuditEvent.objects.count()
    response = browser(desk.agent).post(
        "/desk/bulk/",
        {"operation": "status", "status": "in_progress", "ids": [ok.pk, done.pk, 999999]},
    )
    ok.refresh_from_db()
    done.refresh_from_db()
    assert ok.status == Status.IN_PROGRESS
    assert done.status == Status.RESOLVED
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.filter(action="request.status", subject_id=str(ok.pk)).count() == 1
    assert notes(response) == [
        f"{done.reference}: Обращение в статусе «решено» нельзя перевести в статус «в работе».",
        "SD-999999: такого обращения нет.",
        f"Сделано: {ok.reference}.",
    ]


def test_bulk_status_needs_a_status(desk: Desk) -> None:
    item = open_(desk, Priority.P3, "one")
    response = browser(desk.agent).post("/desk/bulk/", {"operation": "status", "ids": [item.pk]})
    assert notes(response) == ["Выберите обращения и что с ними сделать."]
    item.refresh_from_db()
    assert item.status == Status.NEW


def test_bulk_needs_the_csrf_token(desk: Desk) -> None:
    item = open_(desk, Priority.P3, "one")
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.agent)
    response = client.post(
        "/desk/bulk/", {"operation": "status", "status": "in_progress", "ids": [item.pk]}
    )
    assert response.status_code == 403
    assert Request.objects.get(pk=item.pk).status == Status.NEW


def test_customers_cannot_bulk(desk: Desk) -> None:
    item = open_(desk, Priority.P3, "one")
    response = browser(desk.anna).post(
        "/desk/bulk/", {"operation": "status", "status": "in_progress", "ids": [item.pk]}
    )
    assert response.status_code == 404
    assert Request.objects.get(pk=item.pk).status == Status.NEW
