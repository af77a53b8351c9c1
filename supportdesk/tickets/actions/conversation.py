"""The conversation on a request: public replies and internal notes."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.tickets.access import (
    is_staff,
    require_customer_of,
    require_staff,
)
from supportdesk.tickets.actions._common import lock_request
from supportdesk.tickets.actions._lifecycle import change_status, stop_reaction
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    Channel,
    Message,
    MessageKind,
    Request,
    Status,
)
from supportdesk.tickets.notifications import notify_customer_reply, notify_vendor_reply


def reply(
    *,
    actor: User,
    request: Request,
    body: str,
    now: datetime,
    email_message_id: str = "",
    mail_customer: bool = True,
) -> Message:
    """A public reply. The vendor's first one ends the reaction clock; the customer's
    reply to a request waiting for them resumes the resolution clock. The vendor's reply
    is mailed to the customer (``mail_customer=False``: the caller's own mail carries it),
    the customer's to the assignee. ``email_message_id``: the customer's e-mail that
    brought it, which the next mail to them answers."""
    if not body.strip():
        raise ActionError(_("A reply needs text."))
    vendor = is_staff(actor)
    if not vendor:
        require_customer_of(actor, request)
    with transaction.atomic():
        request = lock_request(request)
        if request.status == Status.CLOSED:
            raise ActionError(_("The request is closed; open a new one."))
        message = request.messages.create(
            kind=MessageKind.PUBLIC,
            author=actor,
            from_vendor=vendor,
            channel=request.channel if not vendor else Channel.PORTAL,
            body=body,
            created_at=now,
        )
        if vendor:
            stop_reaction(request, now=now)
            if request.status == Status.NEW:
                change_status(request, Status.OPEN, now=now)
        elif request.status == Status.WAITING:
            change_status(request, Status.OPEN, now=now, reason="customer replied")
        request.updated_at = now
        if email_message_id and not vendor:
            request.customer_message_id = email_message_id
        request.save(update_fields=["updated_at", "customer_message_id"])
        record(
            at=now,
            actor=actor,
            action="request.replied",
            subject=request,
            data={"message": message.pk},
        )
        if not vendor:
            notify_customer_reply(request, message, actor=actor, now=now)
        elif mail_customer:
            notify_vendor_reply(request, message, actor=actor, now=now)
    return message


def add_internal_note(*, actor: User, request: Request, body: str, now: datetime) -> Message:
    require_staff(actor)
    if not body.strip():
        raise ActionError(_("A note needs text."))
    with transaction.atomic():
        request = lock_request(request)
        message = request.messages.create(
            kind=MessageKind.INTERNAL, author=actor, from_vendor=True, channel=Channel.PORTAL,
            body=body, created_at=now,
        )  # fmt: skip
        record(
            at=now,
            actor=actor,
            action="request.noted",
            subject=request,
            data={"message": message.pk},
        )
    return message
