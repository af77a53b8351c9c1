"""For every endpoint, Vera (a customer of Beta) cannot see or touch Alfa's objects: she
gets 404 or an empty list, and nothing changes. The list below is checked against the
OpenAPI schema, so a new endpoint without an isolation case fails here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supportdesk.api.actions import create_token
from supportdesk.contracts.models import AddOn
from supportdesk.development import actions as development
from supportdesk.development.models import Platform
from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from tests.api.helpers import NOW, Api, open_request, snapshot
from tests.tickets.conftest import Desk


@dataclass
class Alfa:
    """Alfa's objects, by id."""

    request: int
    message: int
    attachment: int
    proposal: int
    token: int
    organization: int
    contact: int
    contract: int
    feature: int


@pytest.fixture
def alfa(desk: Desk) -> Alfa:
    request = open_request(desk, requested_priority=Priority.P2)
    message = actions.reply(actor=desk.anna, request=request, body="See the log", now=NOW)
    upload = Api(desk.anna).upload(
        f"/requests/{request.pk}/messages/{message.pk}/attachments",
        SimpleUploadedFile("a.log", b"log", content_type="text/plain"),
    )
    proposal = actions.propose_downgrade(
        actor=desk.engineer, request=request, to=Priority.P3, reason="workaround", now=NOW
    )
    token, _ = create_token(user=desk.anna, name="ci", now=NOW)
    # Alfa's own proposal (not taken up by the vendor) and a publication task of Alfa's.
    feature = development.file_feature_request(actor=desk.anna, title="Alfa's wish", now=NOW)
    desk.alfa_contract.add_ons = [AddOn.CLIENT_APP_PUBLICATION.value]
    desk.alfa_contract.save()
    development.publish_client_release(
        actor=desk.lead, platform=Platform.IOS, version="5.3", now=NOW
    )
    return Alfa(
        request=request.pk, message=message.pk, attachment=upload.json()["id"],
        proposal=proposal.pk, token=token.pk, organization=desk.alfa.pk,
        contact=desk.contact(desk.anna).pk, contract=desk.alfa_contract.pk,
        feature=feature.pk,
    )  # fmt: skip


def a_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("b.log", b"beta's", content_type="text/plain")


R = "/requests/{request}"
# (method, path, body, what Vera gets: 404, or "own" for a list of her own things only)
CASES: list[tuple[str, str, Any, int | str]] = [
    ("GET", "/requests", None, "own"),
    ("POST", "/requests", {"contact_id": "{contact}"}, 404),
    ("GET", R, None, 404),
    ("GET", R + "/sla", None, 404),
    ("GET", R + "/messages", None, 404),
    ("POST", R + "/messages/{message}/attachments", a_file, 404),
    ("GET", "/attachments/{attachment}", None, 404),
    ("POST", R + "/reply", {"body": "hello?"}, 404),
    ("POST", R + "/notes", {"body": "note"}, 404),
    ("POST", R + "/assign", {"assignee_id": None}, 404),
    ("POST", R + "/status", {"status": "open"}, 404),
    ("POST", R + "/raise-priority", {"priority": "P1", "reason": "x"}, 404),
    ("POST", R + "/correct-priority", {"priority": "P4", "reason": "x"}, 404),
    ("POST", R + "/propose-downgrade", {"priority": "P3", "reason": "x"}, 404),
    ("GET", R + "/downgrade-proposals", None, 404),
    ("POST", R + "/resolve", {"summary": "done"}, 404),
    ("POST", R + "/confirm", None, 404),
    ("POST", R + "/reopen", {"reason": "again"}, 404),
    ("POST", R + "/out-of-contract/accept", {"reason": "x"}, 404),
    ("POST", R + "/out-of-contract/decline", {"reason": "x"}, 404),
    ("POST", "/downgrade-proposals/{proposal}/accept", None, 404),
    ("POST", "/downgrade-proposals/{proposal}/decline", None, 404),
    ("GET", "/organizations", None, "own"),
    ("GET", "/organizations/{organization}", None, 404),
    ("GET", "/contacts", None, "own"),
    ("GET", "/contacts/{contact}", None, 404),
    ("GET", "/contracts", None, "own"),
    ("GET", "/contracts/{contract}", None, 404),
    ("GET", "/contracts/{contract}/entitlements", None, 404),
    ("GET", "/tokens", None, "own"),
    ("POST", "/tokens", {"name": "mine"}, "own"),
    ("DELETE", "/tokens/{token}", None, 404),
    ("GET", R + "/development", None, 404),
    ("GET", "/feature-requests", None, "own"),
    ("GET", "/feature-requests/{feature}", None, 404),
    ("GET", "/client-releases", None, "own"),
    ("GET", "/publication-tasks", None, "own"),
    # prices are no tenant's data: a customer is refused while the public calculator is off
    ("POST", "/price-quotes", {"plan": "8x5", "users": 10, "servers": 1}, 404),
]


def _body(body: Any, ids: dict[str, int]) -> Any:
    if callable(body):
        return body()
    if isinstance(body, dict):
        return {
            key: ids[value[1:-1]] if isinstance(value, str) and value.startswith("{") else value
            for key, value in {**_defaults(body), **body}.items()
        }
    return body


def _defaults(body: dict[str, Any]) -> dict[str, Any]:
    if "contact_id" in body:  # a complete registration, so only the contact is wrong
        return {"request_type": "incident", "subject": "x", "requested_priority": "P3"}
    return {}


@pytest.mark.parametrize(("method", "path", "body", "expected"), CASES)
def test_a_customer_of_another_organization_gets_404_and_changes_nothing(
    desk: Desk, alfa: Alfa, method: str, path: str, body: Any, expected: int | str
) -> None:
    ids = vars(alfa)
    url = path.format(**ids)
    vera = Api(desk.vera)
    before = snapshot()
    answer = vera.call(method, url, _body(body, ids))
    if expected == 404:
        assert answer.status_code == 404, answer.content
        assert set(answer.json()) == {"detail"}
        assert snapshot() == before
        return
    assert answer.status_code in (200, 201), answer.content
    if method == "GET":
        payload = answer.json()
        items = payload["items"] if isinstance(payload, dict) else payload
        assert all(str(alfa.organization) != str(item.get("organization_id")) for item in items)
        assert all(item.get("id") != alfa.token for item in items if path == "/tokens")
        assert snapshot() == before


def test_every_endpoint_has_an_isolation_case(desk: Desk) -> None:
    schema = Api(desk.agent).client.get("/api/openapi.json").json()
    documented = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    names = {"request": "request_id", "message": "message_id", "attachment": "attachment_id",
             "proposal": "proposal_id", "organization": "organization_id",
             "contact": "contact_id", "contract": "contract_id", "token": "token_id",
             "feature": "feature_id"}  # fmt: skip
    covered = {(method, path.format(**{k: f"{{{v}}}" for k, v in names.items()}))
               for method, path, _, _ in CASES}  # fmt: skip
    assert covered == documented


def test_the_objects_exist_for_their_own_people(desk: Desk, alfa: Alfa) -> None:
    """The 404s above are about Vera, not about missing objects."""
    anna, staff = Api(desk.anna), Api(desk.agent)
    assert anna.get(f"/requests/{alfa.request}").status_code == 200
    assert anna.get(f"/attachments/{alfa.attachment}").status_code == 200
    assert staff.get(f"/contacts/{alfa.contact}").status_code == 200
    assert staff.get(f"/requests/{alfa.request}/downgrade-proposals").json()[0]["id"] == (
        alfa.proposal
    )
    assert Api(desk.boris).get(f"/requests/{alfa.request}").status_code == 404
