"""The OpenAPI schema says what the server enforces: every text in a body documents its
NUL rule as a ``pattern`` and its lengths, and the server accepts a text exactly when the
documented rules do; subjects and token names say they are trimmed; each operation lists
the error statuses it can answer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from supportdesk.api import schemas
from tests.api.helpers import JSON, Api
from tests.tickets.conftest import Desk

# A valid body of each body schema; a text field is then replaced by the value under test.
VALID: dict[str, dict[str, Any]] = {
    "RequestIn": {"request_type": "incident", "subject": "s", "requested_priority": "P3"},
    "BodyIn": {"body": "b"},
    "StatusIn": {"status": "open"},
    "PriorityIn": {"priority": "P2", "reason": "r"},
    "CorrectionIn": {"priority": "P2", "reason": "r"},
    "ResolveIn": {"summary": "s"},
    "ReopenIn": {"reason": "r"},
    "DecisionIn": {"reason": "r"},
    "TokenIn": {"name": "n"},
}
# Whitespace of both regular-expression dialects, NUL, and ordinary letters.
CHARACTERS = [
    "a", "é", "я", " ", "\t", "\n", "\x0b", "\x1c", "\x85", "\xa0", "\u2007", "\u3000",
    "\ufeff", "\x00", "\x01",
]  # fmt: skip


def served_schema() -> dict[str, Any]:
    return Api().client.get("/api/openapi.json").json()  # type: ignore[no-any-return]


def body_texts(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(body schema, field, the field's schema) for every string field of every body."""
    names = set()
    for operations in schema["paths"].values():
        for operation in operations.values():
            body = operation.get("requestBody", {}).get("content", {}).get(JSON)
            if body:
                names.add(body["schema"]["$ref"].removeprefix("#/components/schemas/"))
    found = []
    for name in sorted(names):
        for field, prop in schema["components"]["schemas"][name]["properties"].items():
            if prop.get("type") == "string" and "format" not in prop and "enum" not in prop:
                found.append((name, field, prop))
    return found


def documented_ok(prop: dict[str, Any], value: str) -> bool:
    return (
        prop.get("minLength", 0) <= len(value) <= prop["maxLength"]
        and re.search(prop["pattern"], value) is not None
    )


def server_ok(name: str, field: str, value: str) -> bool:
    model = getattr(schemas, name)
    try:
        model.model_validate({**VALID[name], field: value})
    except ValidationError as error:
        return all(problem["loc"] != (field,) for problem in error.errors())
    return True


@pytest.fixture(scope="module")
def texts(django_db_blocker: Any) -> list[tuple[str, str, dict[str, Any]]]:
    with django_db_blocker.unblock():
        return body_texts(served_schema())


def test_every_text_in_a_body_documents_its_rules(
    texts: list[tuple[str, str, dict[str, Any]]],
) -> None:
    assert {(name, field) for name, field, _ in texts} == {
        ("RequestIn", "subject"), ("RequestIn", "description"),
        ("RequestIn", "priority_reason"), ("BodyIn", "body"),
        ("StatusIn", "reason"), ("PriorityIn", "reason"), ("ResolveIn", "summary"),
        ("CorrectionIn", "reason"), ("DecisionIn", "reason"),
        ("ReopenIn", "reason"), ("TokenIn", "name"),
    }  # fmt: skip
    for name, field, prop in texts:
        assert prop["maxLength"] > 0, (name, field)
        assert re.search(prop["pattern"], "a\x00b") is None, (name, field)
        assert re.search(prop["pattern"], "a b") is not None, (name, field)
        assert "No NUL characters" in prop["description"], (name, field)


@given(data=st.data())
def test_the_server_accepts_a_text_exactly_when_its_documented_rules_do(
    texts: list[tuple[str, str, dict[str, Any]]], data: st.DataObject
) -> None:
    name, field, prop = data.draw(st.sampled_from(texts))
    value = data.draw(st.text(alphabet=st.sampled_from(CHARACTERS), max_size=8))
    assert server_ok(name, field, value) == documented_ok(prop, value), (name, field, value)


def test_lengths_count_the_text_as_sent(texts: list[tuple[str, str, dict[str, Any]]]) -> None:
    for name, field, prop in texts:
        longest = prop["maxLength"]
        for value in ("a" * longest, "a" * (longest - 1) + " ", "a" * longest + " "):
            assert server_ok(name, field, value) == documented_ok(prop, value), (name, field)


def test_subjects_and_token_names_say_they_are_trimmed(
    texts: list[tuple[str, str, dict[str, Any]]],
) -> None:
    trimmed = {(name, field) for name, field, prop in texts if "removed" in prop["description"]}
    assert trimmed == {("RequestIn", "subject"), ("TokenIn", "name")}
    subject = schemas.RequestIn.model_validate({**VALID["RequestIn"], "subject": "\u3000 Help\n"})
    assert subject.subject == "Help"


def test_each_operation_lists_the_errors_it_can_answer(desk: Desk) -> None:
    for path, operations in served_schema()["paths"].items():
        for method, operation in operations.items():
            statuses = {int(status) for status in operation["responses"]}
            assert 401 in statuses, (method, path)
            if method == "get":  # reads never refuse a body or a permission
                assert not statuses & {400, 403, 413, 415}, (method, path)
            else:
                assert {400, 401, 403, 413, 422} <= statuses, (method, path)
            if "{" in path:
                assert {404, 422} <= statuses, (method, path)
