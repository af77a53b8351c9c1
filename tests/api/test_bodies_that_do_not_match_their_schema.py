"""Every endpoint that takes a JSON body refuses one that does not match its schema with a
422 and changes nothing: a body that is not an object (``[]``, ``"x"``, ``42``, ``null``,
``true``) and an object with a key the schema does not have. The endpoints are read from
the OpenAPI schema, so a new one is covered as soon as it exists."""

from __future__ import annotations

import json
from typing import Any

import pytest

from supportdesk.tickets import actions
from supportdesk.tickets.models import Request
from tests.api.helpers import JSON, NOW, Api, snapshot
from tests.tickets.conftest import Desk

NOT_OBJECTS: list[Any] = [[], "x", 42, None, True]


def json_operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, the body's schema) of every operation taking a JSON body."""
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if JSON in content:
                found.append((method, path, content[JSON]["schema"]))
    return found


def resolved(schema: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    reference = body["$ref"].removeprefix("#/components/schemas/")
    return schema["components"]["schemas"][reference]  # type: ignore[no-any-return]


@pytest.fixture
def assigned(desk: Desk, anna_request: Request) -> Request:
    """Anna's request with an assignee and a team: a body read as "all defaults" would
    unassign it."""
    return actions.assign(
        actor=desk.agent, request=anna_request, assignee=desk.engineer, team=desk.team, now=NOW
    )


def test_every_json_body_is_an_object_without_unknown_keys_in_the_schema(desk: Desk) -> None:
    schema = Api().client.get("/api/openapi.json").json()
    operations = json_operations(schema)
    # create, 9 request actions, 2 out-of-contract decisions, token, price quote
    assert len(operations) == 14
    for method, path, body in operations:
        shape = resolved(schema, body)
        assert (shape["type"], shape["additionalProperties"]) == ("object", False), (method, path)


@pytest.mark.parametrize("body", NOT_OBJECTS, ids=json.dumps)
def test_a_body_that_is_not_an_object_is_refused_everywhere(
    desk: Desk, assigned: Request, body: Any
) -> None:
    staff = Api(desk.agent)
    operations = json_operations(staff.client.get("/api/openapi.json").json())
    before = snapshot()
    for method, path, _ in operations:
        url = path.format(request_id=assigned.pk)
        answer = getattr(staff.client, method)(url, json.dumps(body), content_type=JSON)
        assert answer.status_code == 422, (method, path, answer.content)
        assert answer.json()["detail"] == "body.data: Input should be a JSON object", path
        assert snapshot() == before, (method, path)


def test_an_object_with_only_unknown_keys_is_refused_everywhere(
    desk: Desk, assigned: Request
) -> None:
    staff = Api(desk.agent)
    operations = json_operations(staff.client.get("/api/openapi.json").json())
    before = snapshot()
    for method, path, _ in operations:
        url = path.format(request_id=assigned.pk)
        answer = getattr(staff.client, method)(url, {"assignee": 1}, content_type=JSON)
        assert answer.status_code == 422, (method, path, answer.content)
        reasons = answer.json()["detail"].split("; ")
        assert "body.data.assignee: Extra inputs are not permitted" in reasons, path
        assert snapshot() == before, (method, path)


@pytest.mark.parametrize("body", NOT_OBJECTS, ids=json.dumps)
def test_assign_with_a_body_that_is_not_an_object_keeps_the_assignment(
    desk: Desk, assigned: Request, body: Any
) -> None:
    answer = Api(desk.agent).client.post(
        f"/api/v1/requests/{assigned.pk}/assign", json.dumps(body), content_type=JSON
    )
    assert answer.status_code == 422, answer.content
    assigned.refresh_from_db()
    assert (assigned.assignee, assigned.team) == (desk.engineer, desk.team)


def test_an_empty_object_still_clears_the_assignment(desk: Desk, assigned: Request) -> None:
    """``{}`` is a valid ``AssignIn`` (both fields default to nobody), as documented."""
    answer = Api(desk.agent).post(f"/requests/{assigned.pk}/assign", {})
    assert (answer.status_code, answer.json()["assignee_id"], answer.json()["team_id"]) == (
        200,
        None,
        None,
    )
