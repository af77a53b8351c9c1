"""Registering a request from a phone call keeps the call's time."""

from __future__ import annotations

from supportdesk.tickets.models import Channel, Request
from supportdesk.tickets.reasons import render_in
from tests.tickets.conftest import DETAILED, Desk, at
from tests.workspace.conftest import browser


def form(desk: Desk, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "contact": desk.contact(desk.vera).pk,
        "request_type": "incident",
        "component": desk.messaging.pk,
        "scope": "mass",
        "priority": "P2",
        "subject": "Calls drop",
        "description": DETAILED,
        "registered_at": "2026-11-23T09:30",
    }
    data.update(changes)
    return data


def test_the_form_groups_contacts_and_defaults_to_now(desk: Desk) -> None:
    response = browser(desk.agent).get("/desk/new/")
    assert response.status_code == 200
    assert '<optgroup label="Alfa">' in response.text
    assert '<optgroup label="Beta">' in response.text
    assert 'type="datetime-local"' in response.text
    assert 'value="2026-11-23T12:00"' in response.text  # now, in Moscow


def test_a_phone_request_keeps_the_call_time(desk: Desk) -> None:
    response = browser(desk.agent).post("/desk/new/", form(desk))
    assert response.status_code == 302
    request = Request.objects.get()
    assert response.headers["Location"] == f"/desk/requests/{request.pk}/"
    assert request.registered_at == at(23, 9, 30)
    assert request.channel == Channel.PHONE
    assert request.organization_id == desk.beta.pk
    assert (request.priority, request.created_by_id) == ("P2", desk.agent.pk)
    assert request.reaction_clock.started_at == at(23, 9, 30)


def test_a_call_in_the_future_or_a_missing_subject_is_refused(desk: Desk) -> None:
    agent = browser(desk.agent)
    response = agent.post("/desk/new/", form(desk, registered_at="2026-11-23T13:00"))
    assert response.status_code == 400
    assert "будущим временем" in response.text  # the page speaks Russian
    response = agent.post("/desk/new/", form(desk, subject=""))
    assert response.status_code == 400
    assert response.context["form"].errors["subject"]
    response = agent.post("/desk/new/", form(desk, contact=987654))
    assert response.status_code == 400
    assert not Request.objects.exists()


def test_the_agents_priority_stands_for_an_undetailed_call_with_a_reason(desk: Desk) -> None:
    agent = browser(desk.agent)
    brief = form(desk, priority="P1", component="", description="Всё лежит")
    response = agent.post("/desk/new/", brief)
    assert response.status_code == 400
    assert "правилу 1" in response.text  # the page asks why, in Russian
    assert not Request.objects.exists()

    response = agent.post("/desk/new/", {**brief, "priority_reason": "Down for every user"})
    assert response.status_code == 302
    request = Request.objects.get()
    assert (request.priority, request.is_detailed) == ("P1", False)
    change = request.priority_changes.get()
    assert (change.actor_id, render_in("en", change.reason)) == (
        desk.agent.pk,
        "set by staff at registration: P1 (rule 1 gives P4): Down for every user",
    )
