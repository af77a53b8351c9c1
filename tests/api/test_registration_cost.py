"""Registering a request through the API reads what it needs once and writes each row once:
the same short list of statements for every registration, whoever registers."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.api.actions import create_token
from supportdesk.tickets.models import Request
from tests.api.helpers import NOW, Api
from tests.tickets.conftest import DETAILED, Desk

BODY = {
    "request_type": "incident", "subject": "Messages are delayed", "description": DETAILED,
    "requested_priority": "P3", "component": "messaging", "scope": "mass",
}  # fmt: skip

# Read: the token with its user, staff membership and contact (with its organization, whose
# time zone dates the contract); the component; the calendars' ids and revisions; the
# contract in force with its plan and whether its dedicated engineer is away (an EXISTS in
# the same statement); the add-on catalogue (whose gates decide whether the
# contract covers the request). Written: both clocks in one INSERT, their START events in one, the
# request, its intake priority record, the audit event. Then the notifications: the staff
# told of the new request with their preferences, the outbox rows in one INSERT.
STATEMENTS = [
    "SELECT api_apitoken",
    "SELECT tickets_component",
    "SELECT calendars_businesscalendar",
    "SELECT contracts_contract",  # with whether the dedicated engineer is away today
    "SELECT contracts_addondefinition",
    "SAVEPOINT",  # the action's transaction (BEGIN outside the test's own)
    "INSERT sla_slaclock",
    "INSERT sla_slaclockevent",
    "INSERT tickets_request",
    "INSERT tickets_prioritychange",
    "INSERT audit_auditevent",
    "SELECT auth_user",
    "INSERT notifications_notification",
    "RELEASE SAVEPOINT",  # COMMIT
]


def statement(sql: str) -> str:
    """``SELECT api_apitoken``: the verb and the first table outside subqueries."""
    if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
        return sql.rsplit(" ", 1)[0]
    verb = sql.split(" ", 1)[0]
    while (inner := re.sub(r"\([^()]*\)", "", sql)) != sql:  # subqueries (EXISTS ...) out
        sql = inner
    table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql)
    return f"{verb} {table.group(1) if table else '?'}"


def register(api: Api, **changes: Any) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        answer = api.post("/requests", {**BODY, **changes})
    return answer, [statement(query["sql"]) for query in queries.captured_queries]


def test_a_customer_registration_runs_fourteen_statements(desk: Desk) -> None:
    _, token = create_token(user=desk.anna, name="portal sync", now=NOW)
    api = Api(token=token)
    first, _ = register(api)  # compiles the calendars and reads the policy once
    assert first.status_code == 201, first.content

    answer, statements = register(api, subject="Calls drop")

    assert answer.status_code == 201, answer.content
    assert statements == STATEMENTS
    assert Request.objects.count() == 2


def test_an_idempotency_key_costs_one_insert_and_no_read(desk: Desk) -> None:
    """The key's receipt is written in the registration's transaction; a retry finds it
    there (the unique receipt refuses the second), so a new key needs no read first."""
    _, token = create_token(user=desk.anna, name="portal sync", now=NOW)
    api = Api(token=token)
    assert register(api)[0].status_code == 201

    with CaptureQueriesContext(connection) as queries:
        answer = api.post(
            "/requests", {**BODY, "subject": "Calls drop"}, **{"Idempotency-Key": "k"}
        )

    assert answer.status_code == 201, answer.content
    statements = [statement(query["sql"]) for query in queries.captured_queries]
    assert statements == [*STATEMENTS[:-1], "INSERT channels_receipt", STATEMENTS[-1]]


def test_a_staff_registration_for_a_contact_adds_only_the_contact_read(desk: Desk) -> None:
    _, token = create_token(user=desk.agent, name="phone desk", now=NOW)
    api = Api(token=token)
    contact = desk.contact(desk.vera).pk
    assert register(api, contact_id=contact)[0].status_code == 201

    answer, statements = register(api, contact_id=contact, channel="phone")

    assert answer.status_code == 201, answer.content
    assert statements == [*STATEMENTS[:1], "SELECT customers_contact", *STATEMENTS[1:]]


def test_the_answer_is_what_reading_the_request_returns(desk: Desk) -> None:
    staff = Api(desk.agent)
    answer = staff.post(
        "/requests",
        {**BODY, "contact_id": desk.contact(desk.anna).pk, "channel": "phone",
         "registered_at": "2026-11-23T10:30:00+03:00"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    read = staff.get(f"/requests/{answer.json()['id']}")
    assert read.json() == answer.json()
    assert answer.json()["reaction_due"].endswith("Z")
