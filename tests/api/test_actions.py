"""One endpoint per request action: each calls its action and maps its refusals."""

from __future__ import annotations

from supportdesk.audit.models import AuditEvent
from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.models import DowngradeProposal, Message, Request
from tests.api.helpers import NOW, Api, open_request, snapshot
from tests.tickets.conftest import Desk


def fresh(request: Request) -> Request:
    return Request.objects.select_related("reaction_clock", "resolution_clock").get(pk=request.pk)


def test_reply_and_note(desk: Desk, anna_request: Request) -> None:
    path = f"/requests/{anna_request.pk}"
    answer = Api(desk.agent).post(f"{path}/reply", {"body": "We are on it."})
    assert answer.status_code == 201
    assert (answer.json()["kind"], answer.json()["from_vendor"]) == ("public", True)
    request = fresh(anna_request)
    assert (request.status, request.first_response_at) == ("open", NOW)
    note = Api(desk.agent).post(f"{path}/notes", {"body": "Looks like the queue."})
    assert (note.status_code, note.json()["kind"]) == (201, "internal")
    customer = Api(desk.anna).post(f"{path}/reply", {"body": "Thanks"})
    assert (customer.status_code, customer.json()["author_name"]) == (201, "Anna")
    before = snapshot()
    refused = Api(desk.anna).post(f"{path}/notes", {"body": "sneaky"})
    assert (refused.status_code, refused.json()) == (
        403,
        {"detail": "Your role may not do this: write_internal_note."},
    )
    assert Api(desk.agent).post(f"{path}/reply", {"body": "  "}).status_code == 422  # schema
    assert snapshot() == before


def test_assign(desk: Desk, anna_request: Request) -> None:
    path = f"/requests/{anna_request.pk}/assign"
    answer = Api(desk.agent).post(path, {"assignee_id": desk.engineer.pk, "team_id": desk.team.pk})
    assert answer.status_code == 200
    assert (answer.json()["assignee_id"], answer.json()["team_id"]) == (
        desk.engineer.pk,
        desk.team.pk,
    )
    assert Api(desk.agent).post(path, {"assignee_id": desk.anna.pk}).status_code == 409
    assert Api(desk.agent).post(path, {"assignee_id": 999999}).status_code == 404
    assert Api(desk.agent).post(path, {"team_id": 999999}).status_code == 404
    before = snapshot()
    assert Api(desk.anna).post(path, {"assignee_id": desk.engineer.pk}).status_code == 403
    assert Api(desk.anna).post(path, {"assignee_id": 999999}).status_code == 403  # no probing
    assert snapshot() == before
    cleared = Api(desk.agent).post(path, {"assignee_id": None, "team_id": None})
    assert (cleared.json()["assignee_id"], cleared.json()["team_id"]) == (None, None)


def test_status(desk: Desk, anna_request: Request) -> None:
    path = f"/requests/{anna_request.pk}/status"
    answer = Api(desk.agent).post(path, {"status": "waiting", "reason": "need logs"})
    assert (answer.status_code, answer.json()["status"]) == (200, "waiting")
    assert fresh(anna_request).resolution_clock.status == "paused"
    refused = Api(desk.agent).post(path, {"status": "resolved"})
    assert refused.status_code == 409
    assert "resolved" in refused.json()["detail"]
    assert Api(desk.agent).post(path, {"status": "gone"}).status_code == 422
    assert Api(desk.agent).post(path, {"status": "open", "reason": "x" * 201}).status_code == 422
    assert Api(desk.anna).post(path, {"status": "open"}).status_code == 403


def test_priority_changes(desk: Desk, anna_request: Request) -> None:
    path = f"/requests/{anna_request.pk}"
    raised = Api(desk.engineer).post(f"{path}/raise-priority", {"priority": "P2", "reason": "mass"})
    assert (raised.status_code, raised.json()["priority"]) == (200, "P2")
    lower = Api(desk.engineer).post(f"{path}/raise-priority", {"priority": "P4", "reason": "x"})
    assert (lower.status_code, lower.json()) == (409, {"detail": "P4 is not higher than P2."})
    assert Api(desk.engineer).post(f"{path}/raise-priority", {"priority": "P1"}).status_code == 422
    corrected = Api(desk.engineer).post(
        f"{path}/correct-priority", {"priority": "P4", "reason": "single user"}
    )
    assert (corrected.status_code, corrected.json()["priority"]) == (200, "P4")
    assert (
        Api(desk.anna).post(f"{path}/correct-priority", {"priority": "P1", "reason": "!"})
    ).status_code == 403
    assert list(fresh(anna_request).priority_changes.values_list("kind", flat=True)) == [
        "intake",
        "raise",
        "correct",
    ]


def test_downgrade_proposal_accepted_by_the_customer(desk: Desk) -> None:
    request = open_request(desk, requested_priority=Priority.P2)
    proposed = Api(desk.engineer).post(
        f"/requests/{request.pk}/propose-downgrade", {"priority": "P3", "reason": "workaround"}
    )
    assert proposed.status_code == 201
    proposal = proposed.json()
    assert (proposal["state"], proposal["from_priority"], proposal["to_priority"]) == (
        "pending",
        "P2",
        "P3",
    )
    listed = Api(desk.anna).get(f"/requests/{request.pk}/downgrade-proposals").json()
    assert [row["id"] for row in listed] == [proposal["id"]]
    # Staff cannot answer for the customer; a colleague who cannot see the request gets 404.
    assert Api(desk.engineer).post(f"/downgrade-proposals/{proposal['id']}/accept").status_code == (
        403
    )
    assert Api(desk.boris).post(f"/downgrade-proposals/{proposal['id']}/accept").status_code == 404
    accepted = Api(desk.anna).post(f"/downgrade-proposals/{proposal['id']}/accept")
    assert (accepted.status_code, accepted.json()["state"]) == (200, "accepted")
    assert fresh(request).priority == "P3"
    again = Api(desk.anna).post(f"/downgrade-proposals/{proposal['id']}/decline")
    assert again.status_code == 409
    assert Api(desk.anna).post("/downgrade-proposals/999999/accept").status_code == 404


def test_downgrade_proposal_declined_by_a_customer_admin(desk: Desk) -> None:
    request = open_request(desk, requested_priority=Priority.P2)
    proposal = actions.propose_downgrade(
        actor=desk.engineer, request=request, to=Priority.P3, reason="workaround", now=NOW
    )
    declined = Api(desk.alfa_admin).post(f"/downgrade-proposals/{proposal.pk}/decline")
    assert (declined.status_code, declined.json()["state"]) == (200, "declined")
    assert fresh(request).priority == "P2"
    assert DowngradeProposal.objects.get(pk=proposal.pk).decided_by == desk.alfa_admin


def test_a_downgrade_outside_the_steps_is_409(desk: Desk, anna_request: Request) -> None:
    answer = Api(desk.engineer).post(
        f"/requests/{anna_request.pk}/propose-downgrade", {"priority": "P4", "reason": "meh"}
    )
    assert answer.status_code == 409


def test_resolve_confirm_reopen(desk: Desk, anna_request: Request) -> None:
    path = f"/requests/{anna_request.pk}"
    resolved = Api(desk.engineer).post(f"{path}/resolve", {"summary": "Queue restarted."})
    assert (resolved.status_code, resolved.json()["status"]) == (200, "resolved")
    assert Api(desk.anna).post(f"{path}/resolve", {"summary": "self"}).status_code == 403
    reopened = Api(desk.anna).post(f"{path}/reopen", {"reason": "Still delayed."})
    assert (reopened.status_code, reopened.json()["status"]) == (200, "open")
    assert Api(desk.anna).post(f"{path}/reopen", {"reason": "again"}).status_code == 409
    assert Api(desk.anna).post(f"{path}/confirm").status_code == 409
    Api(desk.engineer).post(f"{path}/resolve", {"summary": "Really fixed."})
    assert Api(desk.engineer).post(f"{path}/confirm").status_code == 403
    confirmed = Api(desk.anna).post(f"{path}/confirm")
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "closed")
    closed = Api(desk.anna).post(f"{path}/reply", {"body": "one more thing"})
    assert (closed.status_code, closed.json()) == (
        409,
        {"detail": "The request is closed; open a new one."},
    )
    assert Message.objects.filter(request=anna_request).count() == 3
    assert AuditEvent.objects.filter(
        action="request.confirmed", subject_id=str(anna_request.pk)
    ).exists()
