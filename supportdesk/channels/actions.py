"""One intake for every channel: ``receive`` takes what a channel delivered, recognises a
delivery it has seen before, identifies who sent it, and opens a request or adds a
message to one, through the request actions (``tickets.actions``).

A delivery with an id of its channel (an API ``Idempotency-Key``, an e-mail's Message-ID)
leaves a ``Receipt`` in the transaction that registered it: a retry answers the earlier
outcome and changes nothing. The receipt is written last, so a new delivery costs one
INSERT more than none, and no read: two concurrent ones meet on the unique receipt, and
the later one is rolled back whole and answered with the earlier outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.calendars.engine import Calendars
from supportdesk.channels.inbound import (
    Inbound,
    Outcome,
    Received,
    RefusalReason,
    RefusedFile,
)
from supportdesk.channels.models import Receipt, ReceiptOutcome
from supportdesk.channels.reads import DuplicateMismatch, earlier_outcome, sender_contact
from supportdesk.channels.rules import IntakeNotice, OutsideContract, intake_notice
from supportdesk.contracts.models import AddOn
from supportdesk.customers.models import Contact
from supportdesk.rows import insert
from supportdesk.sla.policies import policy_rule
from supportdesk.tickets import actions
from supportdesk.tickets.access import ActionDenied, contact_of, is_staff
from supportdesk.tickets.attachments import UploadRejected, store_attachment
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Attachment, Message, OutOfContract, Request

__all__ = ["DuplicateMismatch", "receive"]


class _Stored:
    """Files written to storage during a receive, removed again if it rolls back."""

    def __init__(self) -> None:
        self.attachments: list[Attachment] = []

    def discard(self) -> None:
        for attachment in self.attachments:
            attachment.file.delete(save=False)


@contextmanager
def _files_kept_only_on_commit(stored: _Stored) -> Iterator[None]:
    try:
        yield
    except BaseException:
        stored.discard()
        raise


def _refused(reason: RefusalReason) -> Received:
    return Received(
        outcome=Outcome.REFUSED, request=None, message=None, duplicate=False, reason=reason
    )


def _sender(inbound: Inbound, *, now: datetime) -> Contact | RefusalReason | None:
    """Who speaks: the contact, a refusal, or None for staff acting as themselves."""
    if inbound.actor is not None:
        if is_staff(inbound.actor):
            return inbound.contact
        own = contact_of(inbound.actor)
        if own is None:
            raise ActionDenied(_("Only support staff and customers register requests."))
        return inbound.contact or own
    if inbound.sender_address:
        return sender_contact(inbound.sender_address.strip().lower(), thread=inbound.thread, at=now)
    if inbound.contact is not None:  # a channel that identified the contact itself
        return inbound.contact
    return RefusalReason.UNKNOWN_SENDER


def _attach(
    inbound: Inbound, request: Request, message: Message, stored: _Stored, now: datetime
) -> tuple[RefusedFile, ...]:
    """Store the files as the portal would; a refused one is recorded, not fatal."""
    refused = []
    for file in inbound.files:
        upload = file.upload or SimpleUploadedFile(
            file.name, file.data, content_type=file.content_type
        )
        try:
            attachment = store_attachment(
                actor=inbound.actor, request=request, message=message, upload=upload, now=now
            )
        except UploadRejected as error:
            refused.append(RefusedFile(name=file.name, reason=str(error)))
            record(
                at=now,
                actor=inbound.actor,
                action="request.attachment_refused",
                subject=request,
                data={"message": message.pk, "name": file.name, "reason": str(error),
                      "status": error.status_code},
            )  # fmt: skip
        else:
            stored.attachments.append(attachment)
    return tuple(refused)


def _notice(request: Request, calendars: Calendars, now: datetime) -> IntakeNotice | None:
    if request.out_of_contract:  # no clock runs until a lead accepts it
        return None
    rule = policy_rule(request.policy_version_id, request.request_type, request.priority, now=now)
    return intake_notice(
        registered_at=request.registered_at, reaction_calendar=calendars(rule.reaction.calendar)
    )


def outside_of(request: Request) -> OutsideContract | None:
    """What the customer is told about a request outside the contract waiting for a lead."""
    if request.out_of_contract != OutOfContract.PENDING:
        return None
    return OutsideContract(AddOn(request.out_of_contract_add_on))


def _write_receipt(
    inbound: Inbound,
    request: Request,
    message: Message | None,
    outcome: ReceiptOutcome,
    now: datetime,
) -> None:
    if inbound.external_id is None:
        return
    insert([Receipt(
        channel=inbound.id_channel, sender_scope=inbound.sender_scope,
        external_id=inbound.external_id, fingerprint=inbound.fingerprint, outcome=outcome,
        request=request, message=message, received_at=now,
    )])  # fmt: skip


class _Opening:
    """What intake writes in the registration's own transaction, once the request exists:
    the files sent with it, on a first message of the customer's (the description lives
    on the request), and the receipt."""

    def __init__(self, inbound: Inbound, contact: Contact, stored: _Stored, now: datetime):
        self.inbound, self.contact, self.stored, self.now = inbound, contact, stored, now
        self.message: Message | None = None
        self.refused: tuple[RefusedFile, ...] = ()

    def __call__(self, request: Request) -> None:
        inbound = self.inbound
        if inbound.files:
            with translation.override(self.contact.language or "ru"):
                body = _("Attached files")
            self.message = actions.reply(
                actor=inbound.actor, request=request, body=body, contact=self.contact,
                channel=inbound.channel, now=self.now,
            )  # fmt: skip
            self.refused = _attach(inbound, request, self.message, self.stored, self.now)
        _write_receipt(inbound, request, self.message, ReceiptOutcome.OPENED, self.now)


def _open(inbound: Inbound, contact: Contact, stored: _Stored, now: datetime) -> Received:
    calendars = Calendars()
    opening = _Opening(inbound, contact, stored, now)
    request = actions.open_request(
        actor=inbound.actor, contact=contact, request_type=inbound.request_type,
        subject=inbound.subject, description=inbound.description,
        requested_priority=inbound.requested_priority, channel=inbound.channel,
        component=inbound.component, scope=inbound.scope, environment=inbound.environment,
        concern=inbound.concern, registered_at=inbound.registered_at,
        staff_priority=inbound.staff_priority, staff_priority_reason=inbound.staff_priority_reason,
        channel_priority=inbound.channel_priority,
        channel_priority_reason=inbound.channel_priority_reason, calendars=calendars,
        also_write=opening, email_message_id=inbound.email_message_id, now=now,
    )  # fmt: skip
    return Received(
        outcome=Outcome.OPENED, request=request, message=opening.message, duplicate=False,
        notice=_notice(request, calendars, now), refused_files=opening.refused,
        outside=outside_of(request),
    )  # fmt: skip


def _append(
    inbound: Inbound, thread: Request, contact: Contact | None, stored: _Stored, now: datetime
) -> Received:
    with transaction.atomic():
        message = actions.reply(
            actor=inbound.actor, request=thread, body=inbound.body, contact=contact,
            channel=inbound.channel, email_message_id=inbound.email_message_id, now=now,
        )  # fmt: skip
        refused = _attach(inbound, thread, message, stored, now)
        _write_receipt(inbound, thread, message, ReceiptOutcome.APPENDED, now)
    return Received(
        outcome=Outcome.APPENDED, request=thread, message=message, duplicate=False,
        refused_files=refused,
    )  # fmt: skip


def _register(inbound: Inbound, sender: Contact | None, stored: _Stored, now: datetime) -> Received:
    if inbound.thread is not None:
        return _append(inbound, inbound.thread, sender, stored, now)
    if sender is None:
        raise ActionError(_("Staff register a request for a contact: choose the contact."))
    return _open(inbound, sender, stored, now)


def receive(inbound: Inbound, *, now: datetime) -> Received:
    """Take in what a channel delivered: open a request (``inbound.thread`` is None) or add
    a public message to ``inbound.thread``.

    A delivery seen before (same channel, sender and id) answers the earlier outcome with
    ``duplicate`` set and changes nothing; with another fingerprint it raises
    DuplicateMismatch. A sender intake will not take (unknown, staff, another
    organization's) is answered REFUSED with the reason and changes nothing. A file the
    portal would refuse is left out and listed in ``refused_files``; the message stays.
    Raises ActionDenied / ActionError (tickets) for what a signed-in caller may not do."""
    try:
        sender = _sender(inbound, now=now)
    except (ActionDenied, ActionError):
        if (earlier := earlier_outcome(inbound)) is not None:
            return earlier
        raise
    if isinstance(sender, RefusalReason):
        return earlier_outcome(inbound) or _refused(sender)
    stored = _Stored()
    try:
        with _files_kept_only_on_commit(stored):
            received = _register(inbound, sender, stored, now)
    except IntegrityError:
        # A concurrent delivery of the same id won the unique receipt: answer its outcome.
        if (earlier := earlier_outcome(inbound)) is None:
            raise
        return earlier
    except (ActionDenied, ActionError):
        # A request since closed, a contract since ended: a re-delivery still answers
        # what it got the first time.
        if (earlier := earlier_outcome(inbound)) is not None:
            return earlier
        raise
    return received
