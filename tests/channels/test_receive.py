"""One intake: a delivery opens a request or adds a message; a re-delivery answers the
earlier outcome; a sender intake does not take is refused and nothing changes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from supportdesk.audit.models import AuditEvent
from supportdesk.channels.actions import DuplicateMismatch, receive
from supportdesk.channels.inbound import Outcome, RefusalReason
from supportdesk.channels.models import Receipt
from supportdesk.customers.models import Contact
from supportdesk.tickets import actions
from supportdesk.tickets.models import Request, Status
from tests.api.helpers import snapshot
from tests.channels.conftest import new_by_mail, new_in_portal, reply_by_mail
from tests.tickets.conftest import Desk, at


def test_a_signed_in_customer_opens_a_request(desk: Desk) -> None:
    received = receive(new_in_portal(desk), now=at(23, 11))
    assert (received.outcome, received.duplicate, received.reason) == (Outcome.OPENED, False, None)
    request = received.request
    assert request is not None
    assert (request.contact, request.created_by, request.priority) == (
        desk.contact(desk.anna),
        desk.anna,
        "P2",
    )
    assert received.message is None
    assert not Receipt.objects.exists()  # no id from the channel: nothing to dedupe


def test_a_contact_without_an_account_opens_a_request_by_mail(desk: Desk, pavel: Contact) -> None:
    received = receive(new_by_mail("pavel@ALFA.example"), now=at(23, 11))
    request = received.request
    assert received.outcome == Outcome.OPENED
    assert request is not None
    assert (request.contact, request.created_by, request.channel) == (pavel, None, "email")
    assert request.priority == "P4"  # free text: no component, no scope
    receipt = Receipt.objects.get()
    assert (receipt.sender_scope, receipt.external_id, receipt.outcome, receipt.request) == (
        "email:pavel@alfa.example",
        "<m1@alfa.example>",
        "opened",
        request,
    )
    opened = AuditEvent.objects.get(action="request.opened")
    assert (opened.actor, opened.data["contact"]) == (None, pavel.pk)


def test_a_reply_by_mail_appends_resumes_the_clock_and_is_the_customers_answer(
    desk: Desk, pavel: Contact
) -> None:
    request = receive(new_by_mail("pavel@alfa.example"), now=at(23, 11)).request
    assert request is not None
    actions.set_status(actor=desk.agent, request=request, status=Status.WAITING, now=at(23, 12))

    received = receive(reply_by_mail("pavel@alfa.example", request), now=at(23, 15))

    assert (received.outcome, received.request) == (Outcome.APPENDED, request)
    message = received.message
    assert message is not None
    assert (message.contact, message.author, message.from_vendor, message.channel) == (
        pavel,
        None,
        False,
        "email",
    )
    request.refresh_from_db()
    assert request.status == Status.OPEN
    assert request.resolution_clock is not None
    assert request.resolution_clock.status == "running"


def test_a_re_delivery_answers_the_earlier_outcome_and_changes_nothing(
    desk: Desk, pavel: Contact
) -> None:
    first = receive(new_by_mail("pavel@alfa.example"), now=at(23, 11))
    before = snapshot()
    again = receive(new_by_mail("pavel@alfa.example"), now=at(23, 12))
    assert (again.outcome, again.request, again.duplicate) == (Outcome.OPENED, first.request, True)
    assert snapshot() == before
    assert Request.objects.count() == 1


def test_the_same_id_with_other_content_is_refused(desk: Desk, pavel: Contact) -> None:
    receive(new_by_mail("pavel@alfa.example", fingerprint="a"), now=at(23, 11))
    before = snapshot()
    with pytest.raises(DuplicateMismatch):
        receive(new_by_mail("pavel@alfa.example", fingerprint="b"), now=at(23, 12))
    assert snapshot() == before


def test_a_re_delivered_reply_to_a_request_closed_since_answers_the_earlier_outcome(
    desk: Desk, pavel: Contact
) -> None:
    request = receive(new_by_mail("pavel@alfa.example"), now=at(23, 11)).request
    assert request is not None
    first = receive(reply_by_mail("pavel@alfa.example", request), now=at(23, 12))
    actions.resolve(actor=desk.agent, request=request, summary="Fixed", now=at(23, 13))
    actions.confirm_resolution(actor=desk.alfa_admin, request=request, now=at(23, 14))
    before = snapshot()
    again = receive(reply_by_mail("pavel@alfa.example", request), now=at(23, 15))
    assert (again.duplicate, again.message) == (True, first.message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("nobody@example.org", RefusalReason.UNKNOWN_SENDER),
        ("oleg@VENDOR.example", RefusalReason.STAFF_SENDER),
    ],
)
def test_unknown_and_staff_senders_are_refused_and_nothing_changes(
    desk: Desk, address: str, reason: RefusalReason
) -> None:
    before = snapshot()
    received = receive(new_by_mail(address), now=at(23, 11))
    assert (received.outcome, received.reason, received.request) == (Outcome.REFUSED, reason, None)
    assert snapshot() == before
    assert not Receipt.objects.exists()


def test_a_reply_from_another_organizations_address_is_refused(desk: Desk, pavel: Contact) -> None:
    request = receive(new_by_mail("pavel@alfa.example"), now=at(23, 11)).request
    assert request is not None
    before = snapshot()
    received = receive(reply_by_mail("vera@beta.example", request), now=at(23, 12))
    assert (received.outcome, received.reason) == (
        Outcome.REFUSED,
        RefusalReason.FOREIGN_ORGANIZATION,
    )
    assert snapshot() == before


def test_an_inactive_contact_is_an_unknown_sender(desk: Desk, pavel: Contact) -> None:
    pavel.is_active = False
    pavel.save()
    received = receive(new_by_mail("pavel@alfa.example"), now=at(23, 11))
    assert received.reason == RefusalReason.UNKNOWN_SENDER


def test_the_same_id_from_two_senders_is_two_deliveries(desk: Desk, pavel: Contact) -> None:
    first = receive(new_by_mail("pavel@alfa.example"), now=at(23, 11))
    other = receive(replace(new_by_mail("anna@alfa.example")), now=at(23, 11))
    assert first.request != other.request
    assert not other.duplicate
