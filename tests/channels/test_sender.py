"""Who an address speaks for: an active contact, case-insensitive; on a thread, one of the
thread's organization; for a new request, one of an organization with a contract in
force. A reply written by a contact without an account shows their name."""

from __future__ import annotations

from datetime import date

from supportdesk.channels.actions import receive
from supportdesk.channels.inbound import Outcome, RefusalReason
from supportdesk.customers.models import Contact
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel
from supportdesk.workspace.timeline import timeline
from tests.api.helpers import Api
from tests.channels.conftest import new_by_mail, reply_by_mail
from tests.tickets.conftest import Desk, at


def test_an_address_on_two_organizations_speaks_for_the_threads_one(desk: Desk) -> None:
    """An integrator's engineer is a contact of both Alfa and Beta."""
    at_alfa = Contact.objects.create(organization=desk.alfa, name="Ivan", email="ivan@int.example")
    at_beta = Contact.objects.create(organization=desk.beta, name="Ivan", email="IVAN@int.example")
    alfa_request = receive(new_by_mail("ivan@int.example"), now=at(23, 11)).request
    assert alfa_request is not None
    assert alfa_request.contact == at_alfa  # the earliest contact with a contract
    beta_request = actions.open_request(
        actor=desk.agent, contact=at_beta, request_type=RequestType.INCIDENT,
        subject="Calls drop", description="", requested_priority=Priority.P3,
        channel=Channel.PHONE, now=at(23, 11),
    )  # fmt: skip

    on_beta = receive(reply_by_mail("ivan@int.example", beta_request), now=at(23, 12))
    assert on_beta.message is not None
    assert on_beta.message.contact == at_beta


def test_a_contact_whose_organization_has_no_contract_in_force_is_unknown(
    desk: Desk, pavel: Contact
) -> None:
    desk.alfa_contract.valid_until = date(2026, 11, 22)
    desk.alfa_contract.save()
    received = receive(new_by_mail("pavel@alfa.example"), now=at(23, 11))
    assert (received.outcome, received.reason) == (Outcome.REFUSED, RefusalReason.UNKNOWN_SENDER)


def test_a_contact_of_an_inactive_organization_is_unknown(desk: Desk, pavel: Contact) -> None:
    desk.alfa.is_active = False
    desk.alfa.save()
    received = receive(new_by_mail("pavel@alfa.example"), now=at(23, 11))
    assert received.reason == RefusalReason.UNKNOWN_SENDER


def test_an_inactive_staff_members_address_is_not_staff(desk: Desk) -> None:
    desk.agent.is_active = False
    desk.agent.save()
    received = receive(new_by_mail("oleg@vendor.example"), now=at(23, 11))
    assert received.reason == RefusalReason.UNKNOWN_SENDER


def test_a_reply_by_a_contact_without_an_account_shows_their_name(
    desk: Desk, pavel: Contact
) -> None:
    request = receive(new_by_mail("pavel@alfa.example"), now=at(23, 11)).request
    assert request is not None
    receive(reply_by_mail("pavel@alfa.example", request), now=at(23, 12))
    (message,) = Api(desk.agent).get(f"/requests/{request.pk}/messages").json()
    assert (message["author_id"], message["contact_id"], message["author_name"]) == (
        None,
        pavel.pk,
        "Pavel",
    )
    replies = [entry for entry in timeline(request, now=at(23, 13)) if entry.kind == "message"]
    assert [entry.actor for entry in replies] == ["Pavel"]
