"""Listing, registering (with Idempotency-Key), reading, and the SLA state of requests."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from supportdesk.api.schemas import RequestIn
from supportdesk.audit.models import AuditEvent
from supportdesk.channels.models import Receipt
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Request, Status
from tests.api.helpers import NOW, Api, open_request, snapshot
from tests.tickets.conftest import DETAILED, Desk, at, without_dedicated_engineers


def ids(answer: Any) -> list[int]:
    assert answer.status_code == 200, answer.content
    return [item["id"] for item in answer.json()["items"]]


# -- listing -----------------------------------------------------------------------------


def test_each_caller_lists_what_they_may_see(desk: Desk) -> None:
    anna = open_request(desk).pk
    boris = open_request(desk, desk.boris).pk
    vera = open_request(desk, desk.vera).pk
    assert ids(Api(desk.agent).get("/requests")) == [vera, boris, anna]  # newest first
    assert ids(Api(desk.alfa_admin).get("/requests")) == [boris, anna]
    assert ids(Api(desk.anna).get("/requests")) == [anna]
    assert ids(Api(desk.vera).get("/requests")) == [vera]


def test_filters(desk: Desk) -> None:
    without_dedicated_engineers()
    first = open_request(desk)
    second = open_request(desk, requested_priority=Priority.P2, now=at(23, 10, 30))
    third = open_request(
        desk, desk.vera, request_type=RequestType.CONSULTATION, component=None, now=at(23, 11)
    )
    actions.assign(actor=desk.agent, request=second, assignee=desk.agent, team=desk.team,
                   now=at(23, 11))  # fmt: skip
    actions.set_status(actor=desk.agent, request=first, status=Status.WAITING, now=at(23, 11))
    staff = Api(desk.agent)
    assert ids(staff.get("/requests", status=["waiting"])) == [first.pk]
    assert ids(staff.get("/requests", status=["waiting", "new"])) == [third.pk, second.pk, first.pk]
    assert ids(staff.get("/requests", priority="P2")) == [second.pk]
    assert ids(staff.get("/requests", type="consultation")) == [third.pk]
    assert ids(staff.get("/requests", organization=desk.beta.pk)) == [third.pk]
    assert ids(staff.get("/requests", team=desk.team.pk)) == [second.pk]
    assert ids(staff.get("/requests", assignee="me")) == [second.pk]
    assert ids(staff.get("/requests", assignee=str(desk.agent.pk))) == [second.pk]
    assert ids(Api(desk.engineer).get("/requests", assignee="me")) == []
    assert ids(staff.get("/requests", component="messaging")) == [second.pk, first.pk]
    assert ids(staff.get("/requests", component="nothing")) == []


def test_orderings_put_requests_without_a_deadline_last(desk: Desk) -> None:
    slow = open_request(desk, requested_priority=Priority.P4, now=at(23, 10))
    urgent = open_request(desk, requested_priority=Priority.P2, now=at(23, 10, 30))
    feature = open_request(desk, request_type=RequestType.FEATURE, now=at(23, 11))
    staff = Api(desk.agent)
    assert ids(staff.get("/requests", ordering="registered_at")) == [slow.pk, urgent.pk, feature.pk]
    assert ids(staff.get("/requests")) == [feature.pk, urgent.pk, slow.pk]
    assert ids(staff.get("/requests", ordering="resolution_due")) == [
        urgent.pk, slow.pk, feature.pk,
    ]  # fmt: skip
    reaction = staff.get("/requests", ordering="reaction_due").json()["items"]
    dues = [item["reaction_due"] for item in reaction]
    assert dues == sorted(dues)
    assert staff.get("/requests", ordering="priority").status_code == 422


def test_pagination(desk: Desk) -> None:
    created = [open_request(desk, now=at(23, 10, minute)).pk for minute in range(5)]
    staff = Api(desk.agent)
    page = staff.get("/requests", limit=2, offset=1).json()
    assert (page["count"], page["limit"], page["offset"]) == (5, 2, 1)
    assert [item["id"] for item in page["items"]] == created[::-1][1:3]
    assert staff.get("/requests", limit=101).status_code == 422
    assert staff.get("/requests", limit=0).status_code == 422
    assert staff.get("/requests", offset=-1).status_code == 422
    assert ids(staff.get("/requests", limit=100, offset=5)) == []


# -- registering -------------------------------------------------------------------------


def new(**changes: Any) -> dict[str, Any]:
    body = {
        "request_type": "incident",
        "subject": "Calls drop",
        "description": DETAILED,
        "requested_priority": "P2",
        "component": "messaging",
        "scope": "mass",
    }
    body.update(changes)
    return body


def test_a_customer_registers_for_themself(desk: Desk) -> None:
    answer = Api(desk.anna).post("/requests", new())
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["contact_id"], body["priority"], body["channel"]) == (
        desk.contact(desk.anna).pk,
        "P2",
        "api",
    )
    assert body["reaction_due"] is not None
    request = Request.objects.get(pk=body["id"])
    assert request.created_by == desk.anna
    assert AuditEvent.objects.filter(action="request.opened", subject_id=str(request.pk)).exists()


def test_a_customer_cannot_backdate_but_staff_register_a_call_at_its_time(desk: Desk) -> None:
    before = snapshot()
    customer = Api(desk.anna).post("/requests", new(registered_at="2026-11-23T10:30:00+03:00"))
    assert (customer.status_code, customer.json()["detail"]) == (
        422,
        "body.data.registered_at: registered_at is for staff registering a phone call; "
        "a customer's request is registered when it arrives",
    )
    assert snapshot() == before
    staff = Api(desk.agent).post(
        "/requests",
        new(contact_id=desk.contact(desk.anna).pk, registered_at="2026-11-23T10:30:00+03:00",
            channel="phone"),
    )  # fmt: skip
    assert staff.status_code == 201, staff.content
    assert (staff.json()["registered_at"], staff.json()["channel"]) == (
        "2026-11-23T07:30:00Z",
        "phone",
    )
    future = Api(desk.agent).post(
        "/requests", new(contact_id=desk.contact(desk.anna).pk, registered_at="2026-11-24T10:00Z")
    )
    assert future.status_code == 409
    naive = Api(desk.agent).post(
        "/requests", new(contact_id=desk.contact(desk.anna).pk, registered_at="2026-11-23T10:00")
    )
    assert naive.status_code == 422


def test_staff_must_name_the_contact(desk: Desk) -> None:
    answer = Api(desk.agent).post("/requests", new())
    assert answer.status_code == 422
    assert "contact_id" in answer.json()["detail"]


def test_a_customer_admin_registers_for_a_colleague_and_a_user_cannot(desk: Desk) -> None:
    colleague = desk.contact(desk.boris).pk
    assert Api(desk.alfa_admin).post("/requests", new(contact_id=colleague)).status_code == 201
    before = snapshot()
    assert Api(desk.anna).post("/requests", new(contact_id=colleague)).status_code == 403
    assert snapshot() == before


def test_someone_without_a_contact_or_staff_role_cannot_register(desk: Desk) -> None:
    desk.contact(desk.anna).delete()  # no requests yet, so the contact can go
    assert Api(desk.anna).post("/requests", new()).status_code == 403


def test_an_unknown_component_is_404(desk: Desk) -> None:
    assert Api(desk.anna).post("/requests", new(component="nothing")).status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": ""},
        {"subject": "   "},
        {"subject": "x" * 301},
        {"requested_priority": "P5"},
        {"request_type": "rant"},
        {"scope": "everyone"},
        {"description": "nul \x00 byte"},
        {"contact_id": 0},
        {"contact_id": 2**63},
        {"contact_id": "me"},
        {"registered_at": "yesterday"},
    ],
)
def test_invalid_bodies_are_422_and_change_nothing(desk: Desk, changes: dict[str, Any]) -> None:
    before = snapshot()
    answer = Api(desk.anna).post("/requests", new(**changes))
    assert answer.status_code == 422, answer.content
    assert isinstance(answer.json()["detail"], str)
    assert snapshot() == before


def test_the_same_idempotency_key_returns_the_same_request(desk: Desk) -> None:
    client = Api(desk.anna)
    first = client.post("/requests", new(), **{"Idempotency-Key": "retry-1"})
    assert first.status_code == 201
    before = snapshot()
    again = client.post("/requests", new(), **{"Idempotency-Key": "retry-1"})
    assert (again.status_code, again.json()) == (200, first.json())
    assert snapshot() == before
    other = client.post("/requests", new(subject="Other"), **{"Idempotency-Key": "retry-1"})
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["detail"]
    assert snapshot() == before


def test_idempotency_keys_are_per_user(desk: Desk) -> None:
    first = Api(desk.anna).post("/requests", new(), **{"Idempotency-Key": "k"})
    second = Api(desk.boris).post("/requests", new(), **{"Idempotency-Key": "k"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


def test_a_failed_registration_does_not_burn_the_key(desk: Desk) -> None:
    client = Api(desk.agent)
    body = new(contact_id=desk.contact(desk.anna).pk)
    future = {**body, "registered_at": "2030-01-01T00:00Z"}
    assert client.post("/requests", future, **{"Idempotency-Key": "k"}).status_code == 409
    assert client.post("/requests", body, **{"Idempotency-Key": "k"}).status_code == 201


def test_an_invalid_idempotency_key_is_422(desk: Desk) -> None:
    client = Api(desk.anna)
    assert client.post("/requests", new(), **{"Idempotency-Key": "x" * 256}).status_code == 422
    assert client.post("/requests", new(), **{"Idempotency-Key": "a b"}).status_code == 422


# -- reading -----------------------------------------------------------------------------


def test_detail(desk: Desk, anna_request: Request) -> None:
    answer = Api(desk.anna).get(f"/requests/{anna_request.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["reference"], body["status"], body["component"]) == (
        f"SD-{anna_request.pk}",
        "new",
        "messaging",
    )
    assert body["reaction_due"] == "2026-11-23T08:00:00Z"  # 1 h from Monday 10:00 Moscow
    assert Api(desk.boris).get(f"/requests/{anna_request.pk}").status_code == 404
    assert Api(desk.anna).get("/requests/999999").json() == {"detail": "no request 999999"}


def test_sla_is_evaluated_at_now_from_the_events(desk: Desk, anna_request: Request) -> None:
    actions.set_status(
        actor=desk.agent, request=anna_request, status=Status.WAITING, now=at(23, 11)
    )
    answer = Api(desk.anna).get(f"/requests/{anna_request.pk}/sla")
    assert answer.status_code == 200
    body = answer.json()
    assert body["evaluated_at"] == "2026-11-23T09:00:00Z"
    reaction, resolution = body["clocks"]
    assert (reaction["kind"], reaction["status"], reaction["calendar"]) == (
        "reaction",
        "running",
        "ru-support",
    )
    # Running since 10:00, now 12:00: two hours against a one-hour target.
    assert (reaction["elapsed_seconds"], reaction["remaining_seconds"]) == (7200, -3600)
    assert reaction["breached_at"] == reaction["due_at"] == "2026-11-23T11:00:00+03:00"
    assert reaction["warning_75_at"] == "2026-11-23T10:45:00+03:00"
    assert resolution["status"] == "paused"
    assert resolution["elapsed_seconds"] == 3600  # paused at 11:00
    assert [event["kind"] for event in resolution["events"]] == ["start", "pause"]
    assert resolution["events"][1] == {
        "kind": "pause",
        "at": "2026-11-23T08:00:00Z",
        "target_seconds": None,
        "calendar": None,
        "reason": "waiting for customer",
    }
    assert resolution["events"][0]["target_seconds"] == resolution["target_seconds"]


def test_a_feature_request_has_only_a_reaction_clock(desk: Desk) -> None:
    feature = open_request(desk, request_type=RequestType.FEATURE)
    clocks = Api(desk.agent).get(f"/requests/{feature.pk}/sla").json()["clocks"]
    assert [clock["kind"] for clock in clocks] == ["reaction"]


def test_a_key_stored_before_keys_became_receipts_keeps_working(
    desk: Desk, anna_request: Request
) -> None:
    """The row the migration writes for an old idempotency key answers its retry."""
    body = RequestIn(**new()).model_dump(mode="json")
    del body["priority"], body["priority_reason"]  # the body as fingerprinted back then
    stored = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    Receipt.objects.create(
        channel="api", sender_scope=f"user:{desk.anna.pk}", external_id="k",
        fingerprint=stored, outcome="opened",
        request=anna_request, received_at=NOW,
    )  # fmt: skip
    before = snapshot()
    again = Api(desk.anna).post("/requests", new(), **{"Idempotency-Key": "k"})
    assert (again.status_code, again.json()["id"]) == (200, anna_request.pk)
    assert snapshot() == before  # the retry's registration was rolled back with its receipt
    other = Api(desk.anna).post("/requests", new(subject="Other"), **{"Idempotency-Key": "k"})
    assert other.status_code == 422


def test_a_staff_phone_call_and_its_retry_as_another_channel_share_the_key(desk: Desk) -> None:
    """A key is the client's, whatever channel its body names."""
    client = Api(desk.agent)
    body = new(contact_id=desk.contact(desk.anna).pk, channel="phone")
    assert client.post("/requests", body, **{"Idempotency-Key": "call-7"}).status_code == 201
    changed = {**body, "channel": "api"}
    assert client.post("/requests", changed, **{"Idempotency-Key": "call-7"}).status_code == 422


def test_staff_register_at_the_priority_they_judged(desk: Desk) -> None:
    body = new(
        contact_id=desk.contact(desk.vera).pk, channel="phone", component=None,
        requested_priority="P1", priority="P1",
    )  # fmt: skip
    client = Api(desk.agent)
    refused = client.post("/requests", body)
    assert refused.status_code == 409
    assert "rule 1 gives P4" in refused.json()["detail"]
    answer = client.post("/requests", {**body, "priority_reason": "Every user is down"})
    assert answer.status_code == 201, answer.content
    assert (answer.json()["priority"], answer.json()["is_detailed"]) == ("P1", False)


def test_a_customer_sending_a_priority_is_422_and_changes_nothing(desk: Desk) -> None:
    before = snapshot()
    answer = Api(desk.anna).post("/requests", new(priority="P1"))
    assert answer.status_code == 422
    assert "requested_priority" in answer.json()["detail"]
    assert snapshot() == before
