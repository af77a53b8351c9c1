"""The request page: header, timeline, and every form calling its action."""

from __future__ import annotations

from django.test import Client

from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.models import (
    DowngradeProposal,
    MessageKind,
    Request,
    Status,
)
from tests.tickets.conftest import Desk, at
from tests.workspace.conftest import browser, open_


def fresh(request: Request) -> Request:
    return Request.objects.select_related("resolution_clock").get(pk=request.pk)


def post(client: Client, request: Request, action: str, **data: object):
    fields = {f"{action}-{key}": value for key, value in data.items()}
    return client.post(f"/desk/requests/{request.pk}/{action}/", fields)


def test_header_shows_contract_people_and_policy(desk: Desk) -> None:
    request = open_(desk, Priority.P2)
    response = browser(desk.agent).get(f"/desk/requests/{request.pk}/")
    assert response.status_code == 200
    text = response.text
    assert "Alfa" in text
    assert "A-1" in text
    assert "Egor" in text  # dedicated engineer
    assert "Maria" in text  # personal manager
    rule = response.context["rule"]
    assert rule is not None
    assert rule.resolution is not None
    assert rule.reaction.calendar in text


def test_reply_note_status_assign_resolve(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    agent = browser(desk.agent)
    assert post(agent, request, "reply", body="We are on it.").status_code == 302
    assert post(agent, request, "note", body="Check the broker.").status_code == 302
    kinds = list(request.messages.values_list("kind", "body"))
    assert kinds == [
        (MessageKind.PUBLIC, "We are on it."),
        (MessageKind.INTERNAL, "Check the broker."),
    ]
    post(agent, request, "status", status="waiting", reason="need logs")
    assert fresh(request).status == Status.WAITING
    assert fresh(request).resolution_clock.status == "paused"
    post(agent, request, "assign", assignee=desk.engineer.pk, team=desk.team.pk)
    assigned = fresh(request)
    assert (assigned.assignee_id, assigned.team_id) == (desk.engineer.pk, desk.team.pk)
    post(agent, request, "assign", assignee="", team="")
    assert fresh(request).assignee_id is None
    response = post(agent, request, "resolve", summary="Broker restarted.")
    assert response.status_code == 302
    assert fresh(request).status == Status.RESOLVED


def test_priority_raise_correct_and_downgrade(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    agent = browser(desk.agent)
    post(agent, request, "raise", to="P2", reason="more users affected")
    assert fresh(request).priority == "P2"
    post(agent, request, "correct", to="P1", reason="production is down")
    assert fresh(request).priority == "P1"
    post(agent, request, "downgrade", to="P2", reason="workaround in place")
    proposal = DowngradeProposal.objects.get(request=request)
    assert (proposal.to_priority, proposal.state) == ("P2", "pending")
    assert fresh(request).priority == "P1"  # until the customer accepts


def test_a_priority_change_needs_a_reason(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    agent = browser(desk.agent)
    for action in ("raise", "correct", "downgrade"):
        response = post(agent, request, action, to="P2", reason="  ")
        assert response.status_code == 400
        assert response.context["forms"][action].errors["reason"]
    assert fresh(request).priority == "P3"
    assert not DowngradeProposal.objects.exists()


def test_a_refused_action_is_a_message_not_an_error(desk: Desk) -> None:
    request = open_(desk, Priority.P2)
    agent = browser(desk.agent)
    response = post(agent, request, "raise", to="P3", reason="lower is not a raise")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/desk/requests/{request.pk}/"
    page = agent.get(response.headers["Location"])
    assert "не выше, чем" in page.text  # the page speaks Russian
    assert fresh(request).priority == "P2"
    # A downgrade two steps at once, and resolving twice, are refused the same way.
    post(agent, request, "resolve", summary="Done.")
    response = post(agent, request, "resolve", summary="Again.")
    assert response.status_code == 302
    assert "Обращение уже решено." in agent.get(f"/desk/requests/{request.pk}/").text


def test_timeline_merges_messages_priority_status_and_clock(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    actions.reply(actor=desk.agent, request=request, body="Looking now.", now=at(23, 10, 30))
    actions.raise_priority(
        actor=desk.agent, request=request, to=Priority.P2, reason="whole office down",
        now=at(23, 11),
    )  # fmt: skip
    actions.set_status(
        actor=desk.agent, request=request, status=Status.WAITING, reason="need logs",
        now=at(23, 11, 30),
    )  # fmt: skip
    response = browser(desk.agent).get(f"/desk/requests/{request.pk}/")
    entries = response.context["timeline"]
    kinds = [entry.kind for entry in entries]
    assert {"message", "priority", "status", "clock"} <= set(kinds)
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    details = " ".join(f"{entry.title} {entry.detail}" for entry in entries)
    assert "Looking now." in details
    assert "whole office down" in details
    assert "need logs" in details
    pauses = [e for e in entries if e.kind == "clock" and e.at == at(23, 11, 30)]
    assert pauses, "the resolution clock's pause is on the timeline"
    assert entries[-1].at == at(23, 11, 30)  # newest last


def test_user_text_is_escaped(desk: Desk) -> None:
    request = open_(desk, Priority.P3, "<script>alert(1)</script>")
    actions.add_internal_note(actor=desk.agent, request=request, body="<b>bold</b>", now=at(23, 11))
    agent = browser(desk.agent)
    for url in (f"/desk/requests/{request.pk}/", "/desk/?tab=all", "/desk/rows?tab=all"):
        text = agent.get(url).text
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>bold</b>" not in agent.get(f"/desk/requests/{request.pk}/").text


def test_unknown_request_or_action_is_404(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    agent = browser(desk.agent)
    assert agent.get("/desk/requests/999999/").status_code == 404
    assert post(agent, request, "nonsense", body="x").status_code == 404
    assert agent.get(f"/desk/requests/{request.pk}/reply/").status_code == 405


def test_timeline_shows_warnings_and_the_breach(desk: Desk) -> None:
    import time_machine

    from supportdesk.tickets.sweeper import sweep_sla

    request = open_(desk, Priority.P1)
    clock = fresh(request).resolution_clock
    assert clock is not None
    assert clock.due_at is not None
    later = clock.due_at + (clock.due_at - at(23, 10))
    sweep_sla(now=later)
    with time_machine.travel(later, tick=False):
        response = browser(desk.agent).get(f"/desk/requests/{request.pk}/")
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert "warning" in kinds
    breaches = [e.title for e in response.context["timeline"] if e.kind == "breach"]
    assert breaches  # each clock's breach once: from the clock, not again from the audit
    assert len(breaches) == 2  # reaction and resolution, each once (not again from the audit)
    assert all(entry.at <= later for entry in response.context["timeline"])
    assert 'class="clock breached"' in response.text
