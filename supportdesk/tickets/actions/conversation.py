"""The conversation on a request: public replies and internal notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.customers.models import Contact
from supportdesk.rows import insert
from supportdesk.slamath.request_clocks import CUSTOMER_REPLIED
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.access import (
    ActionDenied,
    is_staff,
    require_customer_of,
)
from supportdesk.tickets.actions._common import lock_request
from supportdesk.tickets.actions._lifecycle import change_status, stop_reaction
from supportdesk.tickets.attachments import files_for_post, save_attachments
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.mentions import mentioned_staff
from supportdesk.tickets.models import (
    Channel,
    Message,
    MessageKind,
    Request,
    Status,
)
from supportdesk.tickets.notifications import (
    notify_customer_reply,
    notify_mentioned,
    notify_vendor_reply,
)


def _customer_author(actor: User | None, contact: Contact | None, request: Request) -> Contact:
    """The customer's person replying: the signed-in account's contact (the requester or a
    customer admin), or a contact without an account whom a channel identified (an e-mail
    from their address), who must be an active contact of the request's organization."""
    if actor is not None:
        return require_customer_of(actor, request)
    if contact is None:
        raise ActionDenied(_("Only the customer may do this."))
    if not contact.is_active or contact.organization_id != request.organization_id:
        raise ActionDenied(_("Only the customer may do this."))
    return contact


def reply(
    *,
    actor: User | None,
    request: Request,
    body: str,
    now: datetime,
    contact: Contact | None = None,
    channel: Channel | None = None,
    files: Sequence[UploadedFile[bytes]] = (),
    email_message_id: str = "",
    mail_customer: bool = True,
) -> Message:
    """A public reply. The vendor's first one ends the reaction clock; the customer's
    reply to a request waiting for them resumes the resolution clock and counts as their
    answer. ``actor`` is None for a contact without an account (``contact``) whom a
    channel identified; ``channel`` is where a customer's reply came from (by default the
    request's own channel). Its ``files`` are stored with it or not at all: one refused
    file (UploadRejected) refuses the reply. The vendor's reply is mailed to the customer
    with its files (``mail_customer=False``: the caller's own mail carries it), the
    customer's to the assignee. ``email_message_id``: the customer's e-mail that brought it,
    which the next mail to them answers."""
    if actor is not None:
        require(actor, Capability.REPLY)
    if not body.strip():
        raise ActionError(_("A reply needs text."))
    vendor = actor is not None and is_staff(actor)
    author = None if vendor else _customer_author(actor, contact, request)
    with files_for_post(files) as attachments, transaction.atomic():
        request = lock_request(request)
        if request.status == Status.CLOSED:
            raise ActionError(_("The request is closed; open a new one."))
        (message,) = insert(
            [
                Message(
                    request=request,
                    kind=MessageKind.PUBLIC,
                    author=actor,
                    contact=author,
                    from_vendor=vendor,
                    channel=Channel.PORTAL if vendor else channel or request.channel,
                    body=body,
                    created_at=now,
                )
            ]
        )
        save_attachments(
            actor=actor, request=request, message=message, attachments=attachments, now=now
        )
        if vendor:
            stop_reaction(request, now=now)
            if request.status == Status.NEW:
                change_status(request, Status.OPEN, now=now)
        elif request.status == Status.WAITING:
            change_status(request, Status.OPEN, now=now, reason=CUSTOMER_REPLIED)
        request.updated_at = now
        if email_message_id and not vendor:
            request.customer_message_id = email_message_id
        request.save(update_fields=["updated_at", "customer_message_id"])
        record(
            at=now,
            actor=actor,
            action="request.replied",
            subject=request,
            data={"message": message.pk, **({"contact": author.pk} if author else {})},
        )
        if not vendor:
            notify_customer_reply(request, message, actor=actor, now=now)
        elif mail_customer and actor is not None:
            notify_vendor_reply(request, message, actor=actor, now=now)
    return message


def add_internal_note(
    *,
    actor: User,
    request: Request,
    body: str,
    now: datetime,
    files: Sequence[UploadedFile[bytes]] = (),
) -> Message:
    """A note staff alone see; its ``files`` are stored with it or not at all. Colleagues
    named in it with @ (``tickets.mentions``) are told by e-mail."""
    require(actor, Capability.WRITE_INTERNAL_NOTE)
    if not body.strip():
        raise ActionError(_("A note needs text."))
    with files_for_post(files) as attachments, transaction.atomic():
        request = lock_request(request)
        message = request.messages.create(
            kind=MessageKind.INTERNAL, author=actor, from_vendor=True, channel=Channel.PORTAL,
            body=body, created_at=now,
        )  # fmt: skip
        save_attachments(
            actor=actor, request=request, message=message, attachments=attachments, now=now
        )
        mentioned = list(mentioned_staff(body))
        record(
            at=now,
            actor=actor,
            action="request.noted",
            subject=request,
            data={
                "message": message.pk,
                **({"mentioned": [u.pk for u in mentioned]} if mentioned else {}),
            },
        )
        if mentioned:
            notify_mentioned(request, message, mentioned=mentioned, actor=actor, now=now)
    return message
