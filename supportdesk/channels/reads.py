"""Read helpers for intake: the earlier outcome of a delivery, and who sent it."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import CharField, Exists, Expression, Q, QuerySet
from django.db.models.functions import Upper

from supportdesk.channels.inbound import Inbound, Outcome, Received, RefusalReason
from supportdesk.channels.models import Receipt
from supportdesk.channels.rules import contract_for
from supportdesk.customers.models import Contact
from supportdesk.rows import Param, Prepared
from supportdesk.tickets.access import get_request
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, Message, Request


class DuplicateMismatch(ActionError):
    """The channel's id was already used for another content (the API's 422 "key reused
    with another body")."""


def receipts_of(channel: Channel, external_id: str) -> QuerySet[Receipt]:
    """Every sender's receipt of an id: the e-mail reader tells the same Message-ID from
    another sender (``duplicate-id``) from a re-delivery."""
    return Receipt.objects.filter(channel=channel, external_id=external_id)


def earlier_outcome(inbound: Inbound) -> Received | None:
    """What intake answered the first time this (channel, sender, id) came, or None.
    DuplicateMismatch when it came with another fingerprint."""
    if inbound.external_id is None:
        return None
    receipts = Receipt.objects.filter(
        channel=inbound.id_channel,
        sender_scope=inbound.sender_scope,
        external_id=inbound.external_id,
    ).select_related("message")
    if inbound.actor is None:  # else read below, through the account's access rules
        receipts = receipts.select_related("request")
    receipt = receipts.first()
    if receipt is None:
        return None
    if receipt.fingerprint != inbound.fingerprint:
        raise DuplicateMismatch(
            f"{inbound.id_channel} id {inbound.external_id!r} was already used with other content"
        )
    request = (
        receipt.request
        if inbound.actor is None
        else get_request(inbound.actor, receipt.request_id)  # what it may still see
    )
    message: Message | None = receipt.message
    return Received(
        outcome=Outcome(receipt.outcome), request=request, message=message, duplicate=True
    )


def _staff_with(address: str) -> QuerySet[User]:
    return User.objects.filter(email__iexact=address, is_active=True, staff__isnull=False)


def staff_address(address: str) -> bool:
    return _staff_with(address).exists()


def _same_address(address: Expression) -> Q:
    """``email__iexact`` for a ``Param`` (whose value the lookup cannot escape for LIKE):
    the same comparison as PostgreSQL's iexact, UPPER on both sides; on SQLite, whose
    iexact is a LIKE, as case-blind for ASCII, and an address's ``%`` or ``_`` are
    literal."""
    return Q(upper_email=Upper(address))


# Every e-mail asks it: compiled once, read each time.
_CONTACTS = Prepared(
    lambda: (
        Contact.objects.alias(upper_email=Upper("email"))
        .filter(
            _same_address(Param("address", CharField())),
            is_active=True,
            organization__is_active=True,
        )
        .annotate(
            staff_sender=Exists(
                User.objects.alias(upper_email=Upper("email")).filter(
                    _same_address(Param("address", CharField())),
                    is_active=True,
                    staff__isnull=False,
                )
            )
        )
        .select_related("organization")
        .order_by("pk")
    )
)


def sender_contact(
    address: str, *, thread: Request | None, at: datetime
) -> Contact | RefusalReason:
    """The contact an address speaks for: for a message on ``thread``, an active contact of
    the thread's organization; for a new request, an active contact of an organization with
    a contract in force (the earliest such contact when the address is on several). Else
    why not: a staff address, another organization's address, or an unknown one."""
    # Whether the address is staff's comes with the contacts (an EXISTS in the same
    # statement); only an address that is no contact's asks it on its own.
    contacts = _CONTACTS(address=address)
    if contacts[0].staff_sender if contacts else staff_address(address):
        return RefusalReason.STAFF_SENDER
    if thread is not None:
        for contact in contacts:
            if contact.organization_id == thread.organization_id:
                return contact
        return RefusalReason.FOREIGN_ORGANIZATION if contacts else RefusalReason.UNKNOWN_SENDER
    for contact in contacts:
        if contract_for(contact.organization, at) is not None:
            return contact
    return RefusalReason.UNKNOWN_SENDER
