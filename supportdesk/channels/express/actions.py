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
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
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
from supportdesk.notifications.models import Notification
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.errors import ActionError

log = logging.getLogger(__name__)

KEPT_BYTES = 64 * 1024
# A command whose processing raises (or whose job dies) is tried again after 1, 2, 4 and 8
# minutes; after the fifth failed try it is ``failed`` (the admin's bot commands, an audit
# event) and the user is told. A failed try changes nothing: its savepoint is rolled back.
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)


class BotEvent:
    """The audit events of the bot."""

    COMMAND_REJECTED = "express.command_rejected"
    COMMAND_FAILED = "express.command_failed"
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
    """The job's work on one stored command, once: the try is claimed (``_claim``), then
    the row is locked and must still be pending. Everything the command changes, and the
    bot's answers (outbox rows), commit together; if it raises, none of it does and the
    failure is written down (``_failed``)."""
    from supportdesk.channels.express.dialogue import handle

    if not _claim(command_id, now=now):
        return Command.objects.filter(pk=command_id).first()
    with transaction.atomic():
        command = (
            Command.objects.select_for_update().select_related("account").filter(pk=command_id)
        ).first()
        if command is None or command.state != CommandState.PENDING:
            return command
        try:
            with transaction.atomic():
                outcome, request = handle(command, now=now)
        except Exception as error:  # a bug or an outage: retried later, then held
            log.exception("express: command %s failed (try %s)", command.pk, command.attempts)
            _failed(command, error, now=now)
            return command
        command.state = CommandState.DONE
        command.outcome = outcome
        command.request = request
        command.processed_at = now
        command.next_attempt_at = None
        command.save(
            update_fields=["state", "outcome", "request", "processed_at", "next_attempt_at"]
        )
    return command


def retry_delay(attempts: int) -> timedelta:
    """How long after the ``attempts``-th try the next one may start."""
    return FIRST_RETRY * (1 << (attempts - 1))


def _claim(command_id: int, *, now: datetime) -> bool:
    """Count a try before making it, in its own commit, and put the next one off: a worker
    that dies mid-way has used its try up, and the pickup leaves the command alone while
    it runs. False when the command is not pending, not due yet, or out of tries."""
    with transaction.atomic():
        command = (
            Command.objects.select_for_update()
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                    pk=command_id, state=CommandState.PENDING)
            .first()
        )  # fmt: skip
        if command is None:
            return False
        if command.attempts >= MAX_ATTEMPTS:  # the last try never came back
            command.last_error = command.last_error or "the job stopped during the last try"
            _give_up(command, now=now)
            return False
        command.attempts += 1
        command.next_attempt_at = now + retry_delay(command.attempts)
        command.save(update_fields=["attempts", "next_attempt_at"])
    return True


def _failed(command: Command, error: Exception, *, now: datetime) -> None:
    command.last_error = f"{type(error).__name__}: {error}"[:2000]
    if command.attempts < MAX_ATTEMPTS:
        command.save(update_fields=["last_error"])  # the claim has set the next try
    else:
        _give_up(command, now=now)


def _give_up(command: Command, *, now: datetime) -> None:
    """Out of tries: the command is held for a support lead (the admin's bot commands,
    filtered by state), the audit log says so, and the user is told."""
    from supportdesk.channels.express.dialogue import apologize

    command.state = CommandState.FAILED
    command.outcome = "failed"
    command.next_attempt_at = None
    command.processed_at = now
    command.save(
        update_fields=["state", "outcome", "next_attempt_at", "processed_at", "last_error"]
    )
    record(
        at=now, actor=None, action=BotEvent.COMMAND_FAILED, subject=command,
        data={"sync_id": str(command.sync_id), "attempts": command.attempts,
              "error": command.last_error},
    )  # fmt: skip
    apologize(command, now=now)


def record_callback(
    sync_id: UUID,
    *,
    account: BotAccount,
    ok: bool,
    reason: str,
    errors: list[str],
    now: datetime,
) -> Delivery:
    """BotX's verdict on a message we sent. The ``Delivery`` of that ``sync_id`` is made if
    the transport has not written it yet: the verdict waits there for ``record_sent``."""
    with transaction.atomic():
        delivery, _created = Delivery.objects.select_for_update().get_or_create(
            sync_id=sync_id, defaults={"account": account}
        )
        delivery.callback_status = CallbackStatus.OK if ok else CallbackStatus.ERROR
        delivery.callback_reason = reason[:200]
        delivery.callback_errors = errors
        delivery.callback_at = now
        delivery.save(
            update_fields=["callback_status", "callback_reason", "callback_errors", "callback_at"]
        )
        if delivery.notification is not None:
            _refused_by_botx(delivery, now=now)
    return delivery


def record_sent(
    notification: Notification,
    *,
    account: BotAccount,
    sync_id: UUID,
    now: datetime,
    part: int = 0,
) -> Delivery:
    """The transport handed ``notification`` to BotX, which answered ``sync_id``. When the
    callback came first its verdict is already on the row and now belongs to the message."""
    with transaction.atomic():
        delivery, created = Delivery.objects.select_for_update().get_or_create(
            sync_id=sync_id,
            defaults={
                "notification": notification, "account": account, "sent_at": now, "part": part,
            },
        )  # fmt: skip
        if not created:
            delivery.notification = notification
            delivery.account = account
            delivery.sent_at = now
            delivery.part = part
            delivery.save(update_fields=["notification", "account", "sent_at", "part"])
            _refused_by_botx(delivery, now=now)
    return delivery


def _refused_by_botx(delivery: Delivery, *, now: datetime) -> None:
    """An error callback is an audit event on the message, once both are known."""
    if delivery.callback_status != CallbackStatus.ERROR or delivery.notification is None:
        return
    record(
        at=now, actor=None, action=BotEvent.CALLBACK, subject=delivery.notification,
        data={"sync_id": str(delivery.sync_id), "reason": delivery.callback_reason,
              "errors": delivery.callback_errors},
    )  # fmt: skip


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
