"""How a domain sends a notification: ``enqueue`` / ``enqueue_many`` insert outbox rows in
the caller's transaction, so a notification exists exactly when the change that caused it
committed. After the commit a kick asks the job queue to send them at once; when the queue
cannot take the kick, the periodic pickup sends them within a minute. Nothing here knows
requests or people: the domains compose their mails (``tickets/notifications.py``)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, Replace

from supportdesk.notifications.models import Notification, NotificationChannel

log = logging.getLogger(__name__)

# Stands for ".n<row id>." in a Message-ID until the insert has given the row its id.
_ROW_ID = ".n#."


@dataclass(frozen=True)
class StoredFile:
    """A file in the default storage that goes with the mail as an attachment."""

    path: str
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    language: str
    event: str  # what happened, e.g. "request.acknowledged"; the X-Supportdesk-Event header
    subject: str
    body: str
    thread: str = ""  # the request reference, "SD-123"; "" for mail about no request
    # Sent by the product on its own (RFC 3834 Auto-Submitted), not written by a person.
    automatic: bool = True
    in_reply_to: str = ""  # Message-IDs without angle brackets
    references: tuple[str, ...] = ()
    attachments: tuple[StoredFile, ...] = ()


def enqueue(mail: OutgoingMail, *, now: datetime) -> Notification:
    return enqueue_many([mail], now=now)[0]


def enqueue_many(mails: Sequence[OutgoingMail], *, now: datetime) -> list[Notification]:
    """Insert one row per mail (one INSERT, one UPDATE for the Message-IDs), due at ``now``."""
    if not mails:
        return []
    domain = settings.MAIL_DOMAIN
    rows = [
        Notification(
            channel=NotificationChannel.EMAIL,
            event=mail.event,
            thread=mail.thread,
            recipient=mail.to,
            language=mail.language,
            # A header is one line: a subject typed with a line break still sends.
            subject=" ".join(mail.subject.split()),
            body=mail.body,
            headers=_headers(mail),
            attachments=[
                {"path": f.path, "name": f.name, "content_type": f.content_type, "size": f.size}
                for f in mail.attachments
            ],
            message_id=f"{(mail.thread or 'sd').lower()}{_ROW_ID}{secrets.token_hex(6)}@{domain}",
            in_reply_to=mail.in_reply_to,
            references=" ".join(mail.references),
            next_attempt_at=now,
            created_at=now,
        )
        for mail in mails
    ]
    Notification.objects.bulk_create(rows)
    with_row_id = Concat(Value(".n"), Cast("id", CharField()), Value("."))
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
        # django-stubs type the replacement as a Value; Django takes any expression.
        message_id=Replace("message_id", Value(_ROW_ID), with_row_id)  # type: ignore[arg-type]
    )
    for row in rows:
        row.message_id = row.message_id.replace(_ROW_ID, f".n{row.pk}.")
    kick_after_commit()
    return rows


def _headers(mail: OutgoingMail) -> dict[str, str]:
    headers = {"Reply-To": settings.SUPPORT_ADDRESS, "X-Supportdesk-Event": mail.event}
    if mail.thread:
        headers["X-Supportdesk-Request"] = mail.thread
    if mail.automatic:
        headers["Auto-Submitted"] = "auto-generated"
        # Exchange and Outlook send no out-of-office reply to a mail carrying this.
        headers["X-Auto-Response-Suppress"] = "All"
    return headers


def kick_after_commit() -> None:
    transaction.on_commit(_kick, robust=True)


def _kick() -> None:
    """Ask the job queue to send now. Never raises: the rows are committed, and a queue
    that is busy or down only delays them until the periodic pickup."""
    try:
        from supportdesk.notifications.tasks import send_outbox_now

        send_outbox_now()
    except Exception as error:  # any failure of the queue: the rows wait for the pickup
        log.warning("outbox: the job queue did not take the kick (%s); the periodic pickup "
                    "sends the mail", str(error).strip() or type(error).__name__)  # fmt: skip
