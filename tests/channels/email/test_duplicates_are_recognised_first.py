"""Duplicates are recognised before anything is stored: the same Message-ID from the same
sender answers the earlier outcome and changes nothing; from another sender it is
quarantined as ``duplicate-id``; a message without one dedupes on its bytes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection

from supportdesk.channels.email.actions import MailOutcome, process_message
from supportdesk.channels.email.models import InboundMail, Outcome, QuarantineReason
from supportdesk.tickets.models import Request
from tests.channels.email.conftest import snapshot
from tests.channels.email.mail import corpus, plain
from tests.tickets.conftest import Desk, at

NOW = at(23, 12)


def test_the_same_message_again_answers_its_outcome_and_changes_nothing(desk: Desk) -> None:
    raw = corpus("thunderbird_new_request_ru.eml")
    first = process_message(raw, mailbox="support", now=NOW)
    before = snapshot()

    again = process_message(raw, mailbox="support", now=NOW + timedelta(minutes=5))

    assert first.as_json() == again.as_json()
    assert (again.outcome, again.duplicate) == (Outcome.OPENED, True)
    assert again.request is not None
    assert snapshot() == before


def test_the_same_message_by_another_route_is_the_same_message(desk: Desk) -> None:
    """Delivered twice (to two of our addresses, say): other Received headers, same id."""
    raw = corpus("thunderbird_new_request_ru.eml")
    first = process_message(raw, mailbox="support", now=NOW)
    before = snapshot()

    again = process_message(b"Received: from relay.example\r\n" + raw, mailbox="sales", now=NOW)

    assert (again.outcome, again.request, again.duplicate) == (Outcome.OPENED, first.request, True)
    assert snapshot() == before


def test_a_quarantined_message_again_answers_its_quarantine(desk: Desk) -> None:
    raw = corpus("unknown_sender.eml")
    process_message(raw, mailbox="support", now=NOW)
    before = snapshot()

    again = process_message(raw, mailbox="support", now=NOW)

    assert again.as_json() == {
        "outcome": "quarantined",
        "request": None,
        "reason": "unknown-sender",
    }
    assert snapshot() == before


def test_the_same_message_id_from_another_sender_is_quarantined(desk: Desk) -> None:
    process_message(plain(sender="anna@alfa.example", message_id="<x1@alfa.example>"),
                    mailbox="support", now=NOW)  # fmt: skip
    requests = Request.objects.count()

    outcome = process_message(
        plain(sender="boris@alfa.example", message_id="<x1@alfa.example>", body="Other text"),
        mailbox="support",
        now=NOW,
    )

    assert (outcome.outcome, outcome.reason) == (Outcome.QUARANTINED, QuarantineReason.DUPLICATE_ID)
    assert Request.objects.count() == requests
    duplicate = InboundMail.objects.get(reason=QuarantineReason.DUPLICATE_ID)
    assert (duplicate.sender, duplicate.detail) == (
        "boris@alfa.example",
        "the same Message-ID came first from anna@alfa.example",
    )
    assert duplicate.raw.read().endswith(b"Other text\r\n")


def test_without_a_message_id_the_bytes_decide(desk: Desk) -> None:
    raw = plain(message_id=None, subject="No id")
    first = process_message(raw, mailbox="support", now=NOW)

    again = process_message(raw, mailbox="support", now=NOW)
    other = process_message(plain(message_id=None, subject="No id, other text"),
                            mailbox="support", now=NOW)  # fmt: skip

    assert (first.outcome, again.duplicate, again.request) == ("opened", True, first.request)
    assert (other.outcome, other.duplicate) == ("opened", False)
    assert other.request != first.request
    assert InboundMail.objects.get(pk=first.mail.pk).dedupe_key.startswith("sha256:")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers are PostgreSQL's; the embedded SQLite runs one writer at a time",
)
@pytest.mark.django_db(transaction=True)
def test_two_readers_taking_the_same_message_at_once_store_it_once(desk: Desk) -> None:
    raw = corpus("thunderbird_new_request_ru.eml")
    start = threading.Barrier(4)
    outcomes: list[MailOutcome] = []
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            start.wait()
            outcomes.append(process_message(raw, mailbox="support", now=NOW))
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert {outcome.as_json()["outcome"] for outcome in outcomes} == {"opened"}
    assert len({outcome.request for outcome in outcomes}) == 1
    assert sum(not outcome.duplicate for outcome in outcomes) == 1
    assert InboundMail.objects.count() == 1
    assert Request.objects.count() == 1
