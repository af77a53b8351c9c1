"""Every error is JSON ``{"detail": "<reason>"}`` with the right status, no input gives a
500, and the OpenAPI schema and docs are served."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError
from ninja.errors import HttpError

from supportdesk.api import errors
from supportdesk.channels.reads import DuplicateMismatch
from supportdesk.slamath.clock import ClockError
from supportdesk.slamath.policy import PolicyError
from supportdesk.tickets.access import ActionDenied, NotFound
from supportdesk.tickets.attachments import UploadRejected
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Request
from tests.api.helpers import Api, snapshot
from tests.tickets.conftest import Desk


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("no request 1"), 404),
        (ActionDenied("Only support staff may do this."), 403),
        (ActionError("a closed request"), 409),
        (PolicyError("no target"), 409),
        (ClockError("cannot pause a stopped clock"), 409),
        (IntegrityError("duplicate key"), 409),
        (DuplicateMismatch("different body"), 422),
        (UploadRejected("too big", status_code=413), 413),
        (UploadRejected("wrong type", status_code=415), 415),
        (HttpError(401, "unknown API token"), 401),
        (RequestDataTooBig("big"), 413),
        (SuspiciousOperation("odd"), 400),
        (RuntimeError("bug"), 500),
    ],
)
def test_the_exception_map(error: Exception, status: int) -> None:
    assert errors.status_and_reason(error)[0] == status


def test_an_unexpected_error_is_a_json_500(
    desk: Desk, anna_request: Request, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("supportdesk.api.requests.request_clocks", broken)
    answer = Api(desk.agent).get(f"/requests/{anna_request.pk}/sla")
    assert (answer.status_code, answer.json()) == (500, {"detail": "internal error"})


def test_error_shapes(desk: Desk, anna_request: Request) -> None:
    staff = Api(desk.agent)
    path = f"/requests/{anna_request.pk}"
    no_boundary = staff.client.post(
        f"/api/v1{path}/messages/1/attachments", b"--x\r\n", content_type="multipart/form-data"
    )
    cases = [
        (Api().get("/requests"), 401),
        (Api(desk.anna).post(f"{path}/notes", {"body": "x"}), 403),
        (staff.get("/requests/999999"), 404),
        (staff.post(f"{path}/status", {"status": "resolved"}), 409),
        (staff.post(f"{path}/status", {"status": 7}), 422),
        (staff.post(f"{path}/status", ["not", "an", "object"]), 422),
        (staff.client.post(f"/api/v1{path}/status", "{", content_type="application/json"), 400),
        (staff.client.put(f"/api/v1{path}/status"), 405),
        (staff.client.get("/api/v1/no-such-thing"), 404),
        (staff.client.get("/api/"), 404),
        (staff.post(f"{path}/reply", {"body": "x" * 3_000_000}), 413),  # over Django's limit
        (no_boundary, 400),
    ]
    for answer, status in cases:
        assert answer.status_code == status, (status, answer.content)
        assert answer["Content-Type"].startswith("application/json")
        assert isinstance(answer.json()["detail"], str), answer.content


NASTY: list[Any] = [
    None, "", " ", "\x00", "x" * 60_000, -1, 0, 2**64, 1.5, True, [], {}, "🙂" * 400,
    "'; DROP TABLE tickets_request; --", "9" * 30, "2026-13-45T25:61:00Z",
]  # fmt: skip

BODIES: dict[str, dict[str, Any]] = {
    "/requests": {
        "contact_id": 1, "request_type": "incident", "subject": "s", "description": "d",
        "requested_priority": "P2", "component": "messaging", "scope": "mass",
        "environment": "production", "channel": "api", "registered_at": "2026-11-23T10:00Z",
    },
    "{r}/reply": {"body": "b"},
    "{r}/notes": {"body": "b"},
    "{r}/assign": {"assignee_id": 1, "team_id": 1},
    "{r}/status": {"status": "open", "reason": "r"},
    "{r}/raise-priority": {"priority": "P1", "reason": "r"},
    "{r}/correct-priority": {"priority": "P1", "reason": "r"},
    "{r}/propose-downgrade": {"priority": "P4", "reason": "r"},
    "{r}/resolve": {"summary": "s"},
    "{r}/reopen": {"reason": "r"},
    "/tokens": {"name": "n"},
}  # fmt: skip


@pytest.mark.parametrize("endpoint", list(BODIES))
def test_no_body_gives_a_500(desk: Desk, anna_request: Request, endpoint: str) -> None:
    path = endpoint.format(r=f"/requests/{anna_request.pk}")
    for client in (Api(desk.agent), Api(desk.anna)):
        for field in BODIES[endpoint]:
            for value in NASTY:
                answer = client.post(path, {**BODIES[endpoint], field: value})
                assert answer.status_code < 500, (path, field, value, answer.content)
                if answer.status_code >= 400:
                    assert isinstance(answer.json()["detail"], str)
        for body in NASTY:
            assert client.post(path, body).status_code < 500, (path, body)


QUERIES = {
    "status": ["new"], "priority": "P1", "type": "bug", "organization": 1, "team": 1,
    "assignee": "me", "component": "messaging", "ordering": "reaction_due", "limit": 5,
    "offset": 0,
}  # fmt: skip


def test_no_query_or_path_gives_a_500(desk: Desk, anna_request: Request) -> None:
    staff = Api(desk.agent)
    for field in QUERIES:
        for value in NASTY:
            if value is None or value in ([], {}):
                continue
            answer = staff.get("/requests", **{**QUERIES, field: value})
            assert answer.status_code < 500, (field, value, answer.content)
    paths = ["/requests/{}", "/requests/{}/sla", "/requests/{}/messages", "/attachments/{}",
             "/contacts/{}", "/contracts/{}", "/organizations/{}"]  # fmt: skip
    for value in ["0", "-1", "abc", "9" * 30, "1.5", "%00", "1%2F", str(2**63)]:
        for path in paths:
            answer = staff.get(path.format(value))
            assert answer.status_code < 500, (path, value, answer.content)
            assert answer.status_code in (404, 422)


def test_a_refused_call_changes_nothing(desk: Desk, anna_request: Request) -> None:
    before = snapshot()
    Api(desk.anna).post(f"/requests/{anna_request.pk}/status", {"status": "waiting"})
    Api(desk.agent).post(f"/requests/{anna_request.pk}/status", {"status": "closed"})
    assert snapshot() == before


# -- the schema and the docs -------------------------------------------------------------

ENDPOINTS = {
    ("get", "/api/v1/requests"), ("post", "/api/v1/requests"),
    ("get", "/api/v1/requests/{request_id}"), ("get", "/api/v1/requests/{request_id}/sla"),
    ("post", "/api/v1/requests/{request_id}/reply"),
    ("post", "/api/v1/requests/{request_id}/notes"),
    ("post", "/api/v1/requests/{request_id}/assign"),
    ("post", "/api/v1/requests/{request_id}/status"),
    ("post", "/api/v1/requests/{request_id}/raise-priority"),
    ("post", "/api/v1/requests/{request_id}/correct-priority"),
    ("post", "/api/v1/requests/{request_id}/propose-downgrade"),
    ("get", "/api/v1/requests/{request_id}/downgrade-proposals"),
    ("post", "/api/v1/requests/{request_id}/resolve"),
    ("post", "/api/v1/requests/{request_id}/confirm"),
    ("post", "/api/v1/requests/{request_id}/reopen"),
    ("post", "/api/v1/requests/{request_id}/out-of-contract/accept"),
    ("post", "/api/v1/requests/{request_id}/out-of-contract/decline"),
    ("post", "/api/v1/downgrade-proposals/{proposal_id}/accept"),
    ("post", "/api/v1/downgrade-proposals/{proposal_id}/decline"),
    ("get", "/api/v1/requests/{request_id}/messages"),
    ("post", "/api/v1/requests/{request_id}/messages/{message_id}/attachments"),
    ("get", "/api/v1/attachments/{attachment_id}"),
    ("get", "/api/v1/organizations"), ("get", "/api/v1/organizations/{organization_id}"),
    ("get", "/api/v1/contacts"), ("get", "/api/v1/contacts/{contact_id}"),
    ("get", "/api/v1/contracts"), ("get", "/api/v1/contracts/{contract_id}"),
    ("get", "/api/v1/contracts/{contract_id}/entitlements"),
    ("get", "/api/v1/tokens"), ("post", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{token_id}"),
    ("get", "/api/v1/requests/{request_id}/development"),
    ("get", "/api/v1/feature-requests"), ("get", "/api/v1/feature-requests/{feature_id}"),
    ("get", "/api/v1/client-releases"), ("get", "/api/v1/publication-tasks"),
    ("post", "/api/v1/price-quotes"),
}  # fmt: skip


def test_the_openapi_schema_is_served_with_every_endpoint(desk: Desk) -> None:
    answer = Api().client.get("/api/openapi.json")
    assert answer.status_code == 200
    schema = answer.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1"
    served = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert served == ENDPOINTS
    schemes = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}
    upload = schema["paths"]["/api/v1/requests/{request_id}/messages/{message_id}/attachments"]
    assert {"413", "415"} <= set(upload["post"]["responses"])


def test_the_docs_page_is_served(desk: Desk) -> None:
    answer = Api().client.get("/api/docs")
    assert answer.status_code == 200
    assert b"/api/openapi.json" in answer.content
