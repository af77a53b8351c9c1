"""tickets/0013: the English sentences the system stored before become codes with their
parameters; what people typed is left alone."""

from __future__ import annotations

import importlib

import pytest

from supportdesk.tickets.reasons import decode, render_in

code_of = importlib.import_module("supportdesk.tickets.migrations.0013_reasons_as_codes").code_of


@pytest.mark.parametrize(
    ("sentence", "english"),
    [
        ("first response", "first response"),
        ("waiting for customer", "waiting for customer"),
        ("customer replied", "customer replied"),
        ("handed to development", "handed to development"),
        ("confirmed by the customer", "confirmed by the customer"),
        ("accepted outside the contract", "accepted outside the contract"),
        ("auto-closed after 5 business days", "closed automatically after 5 business days"),
        ("registered as requested (P2)", "registered as requested (P2)"),
        (
            "requested P1; registered P4: no detailed description (missing: component, "
            "description of at least 50 characters)",
            "requested P1; registered P4: no detailed description (missing: the component, "
            "a description of at least 50 characters)",
        ),
        (
            "set by staff at registration: P1 (rule 1 gives P4): Down for all",
            "set by staff at registration: P1 (rule 1 gives P4): Down for all",
        ),
        ("set by staff at registration: P4", "set by staff at registration: P4"),
        (
            "set by the channel's mapping: P1 (severity=critical)",
            "set by the channel's mapping: P1 (severity=critical)",
        ),
        ("objection by Anna: it is urgent", "objection by Anna: it is urgent"),
        ("correction upheld: checked", "correction upheld: checked"),
        ("P3 -> P2: wider", "P3 → P2: wider"),
        (
            "P2 -> P3: objection by Anna: it is urgent",
            "P2 → P3: objection by Anna: it is urgent",
        ),
    ],
)
def test_a_known_sentence_becomes_a_code_and_reads_the_same(sentence: str, english: str) -> None:
    stored = code_of(sentence)
    assert decode(stored) is not None
    assert render_in("en", stored) == english


@pytest.mark.parametrize("typed", ["need logs", "Клиент просил подождать", "resolved by restart"])
def test_what_people_typed_stays(typed: str) -> None:
    assert code_of(typed) == typed
    assert render_in("ru", typed) == typed


def test_a_russian_reader_reads_the_migrated_reason_in_russian() -> None:
    assert render_in("ru", code_of("registered as requested (P2)")) == (
        "зарегистрировано как запрошено (P2)"
    )
