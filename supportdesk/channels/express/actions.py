"""Every state change of the eXpress bot, one function each.

``take_command`` stores what BotX delivered under its ``sync_id`` before anything is done
(a retried delivery meets the unique row and is answered as accepted, nothing more);
``process_command`` is the job's work on one stored command (the dialogue, intake, the
request actions, the answers written to the outbox in the same transaction);
``reject`` keeps an authenticated delivery the bot could not read; ``record_callback``
writes BotX's verdict on a message the outbox sent; ``link_user`` is a support lead
linking a messenger user from the quarantine to a contact.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.channels.express.models import (
    BotAccount,
    CallbackStatus,
    Command,
    CommandState,
    Delivery,
    MessengerUser,
    RejectedDelivery,
    UserState,
)
from supportdesk.customers.models import Contact
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.errors import ActionError

log = logging.getLogger(__name__)

KEPT_BYTES = 64 * 1024


class BotEvent:
    """The audit events of the bot."""

    COMMAND_REJECTED = "express.command_rejected"
    USER_QUARANTINED = "express.user_quarantined"
    USER_LINKED = "express.user_linked"
    CALLBACK = "express.callback"


@dataclass(frozen=True)
class Taken:
    command: Command
    duplicate: bool


def take_command(account: BotAccount, payload: dict[str, Any], *, now: datetime) -> Taken:
    """Store a verified command; the job is queued after the commit. A second delivery of
    the same ``sync_id`` changes nothing and says so."""
    sync_id = UUID(str(payload["sync_id"]))
    try:
        with transaction.atomic():
            command = Command.objects.create(
                account=account, sync_id=sync_id, payload=payload, received_at=now
            )
            transaction.on_commit(lambda: _queue(command.pk), robust=True)
    except IntegrityError:
        earlier = Command.objects.get(account=account, sync_id=sync_id)
        return Taken(earlier, duplicate=True)
    return Taken(command, duplicate=False)


def _queue(command_id: int) -> None:
    from supportdesk.channels.express.tasks import handle_command

    handle_command(command_id)


def reject(
    endpoint: str, body: bytes, reason: str, *, account: BotAccount | None, now: datetime
) -> RejectedDelivery:
    with transaction.atomic():
        kept = RejectedDelivery.objects.create(
            endpoint=endpoint, account=account, reason=reason, received_at=now,
            body=body[:KEPT_BYTES].decode("utf-8", "replace"),
        )  # fmt: skip
        record(
            at=now, actor=None, action=BotEvent.COMMAND_REJECTED, subject=kept,
            data={"endpoint": endpoint, "reason": reason},
        )  # fmt: skip
    return kept


def process_command(command_id: int, *, now: datetime) -> Command | None:
    """The job's work on one stored command, once: the row is locked and must be pending.
    Everything the command changes, and the bot's answers (outbox rows), commit together."""
    from supportdesk.channels.express.dialogue import handle

    with transaction.atomic():
        command = (
            Command.objects.select_for_update().select_related("account").filter(pk=command_id)
        ).first()
        if command is None or command.state != CommandState.PENDING:
            return command
        outcome, request = handle(command, now=now)
        command.state = CommandState.DONE
        command.outcome = outcome
        command.request = request
        command.processed_at = now
        command.save(update_fields=["state", "outcome", "request", "processed_at"])
    return command


def record_callback(
    sync_id: UUID, *, ok: bool, reason: str, errors: list[str], now: datetime
) -> Delivery | None:
    """BotX's verdict on a message we sent; None when it names no message of ours."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(sync_id=sync_id).first()
        if delivery is None:
            return None
        delivery.callback_status = CallbackStatus.OK if ok else CallbackStatus.ERROR
        delivery.callback_reason = reason[:200]
        delivery.callback_errors = errors
        delivery.callback_at = now
        delivery.save(
            update_fields=["callback_status", "callback_reason", "callback_errors", "callback_at"]
        )
        if not ok:
            record(
                at=now, actor=None, action=BotEvent.CALLBACK, subject=delivery.notification,
                data={"sync_id": str(sync_id), "reason": reason, "errors": errors},
            )  # fmt: skip
    return delivery


def link_user(
    *, actor: User, user: MessengerUser, contact: Contact, now: datetime
) -> MessengerUser:
    """A support lead says who a messenger user is: the contact must belong to the bot
    account's organization and be active."""
    require(actor, Capability.LINK_MESSENGER_USER)
    if contact.organization_id != user.account.organization_id:
        raise ActionError(_("The contact must belong to the bot account's organization."))
    if not contact.is_active:
        raise ActionError(_("The contact is not active."))
    with transaction.atomic():
        user = MessengerUser.objects.select_for_update().get(pk=user.pk)
        user.contact = contact
        user.state = UserState.LINKED
        user.linked_by = actor
        user.linked_at = now
        user.save(update_fields=["contact", "state", "linked_by", "linked_at"])
        record(
            at=now, actor=actor, action=BotEvent.USER_LINKED, subject=user,
            data={"contact": contact.pk, "huid": str(user.huid), "ad_login": user.ad_login},
        )  # fmt: skip
    return user
