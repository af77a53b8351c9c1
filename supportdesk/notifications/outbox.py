"""How a domain sends a notification: ``enqueue`` / ``enqueue_many`` insert outbox rows in
the caller's transaction, so a notification exists exactly when the change that caused it
committed. After the commit a kick asks the job queue to send them at once; when the queue
cannot take the kick, the periodic pickup sends them within a minute. Nothing here knows
requests or people: the domains compose their mails (``tickets/notifications.py``)."""

from __future__ import annotations

import functools
import json
import logging
import operator
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction

from supportdesk.notifications.models import (
    Notification,
    NotificationChannel,
    NotificationState,
)
from supportdesk.rows import insert_values

log = logging.getLogger(__name__)


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
    # Another channel than e-mail: ``to`` is that channel's address, and ``options`` what
    # its transport reads (a chat message's buttons), stored in place of the mail headers.
    channel: str = NotificationChannel.EMAIL
    options: Mapping[str, Any] | None = None


class Queued(NamedTuple):
    pk: int
    message_id: str


def enqueue(mail: OutgoingMail, *, now: datetime) -> Queued:
    return enqueue_many([mail], now=now)[0]


def enqueue_many(mails: Sequence[OutgoingMail], *, now: datetime) -> list[Queued]:
    """Write one row per mail, due at ``now``: one INSERT whatever the number. A job's
    batch on PostgreSQL (``COPY_FROM`` rows or more) takes its ids first and is copied in,
    which costs a fraction of an INSERT's Python work."""
    if not mails:
        return []
    if len(mails) >= COPY_FROM and connection.vendor == "postgresql":
        queued = _copy(mails, now=now)
    else:
        queued = _insert(mails, now=now)
    kick_after_commit()
    return queued


# A batch at least this large is copied in on PostgreSQL (the SLA sweeper's are).
COPY_FROM = 100
# What every new row starts with, beside what the mail says.
_FRESH = {
    "channel": NotificationChannel.EMAIL.value,
    "state": NotificationState.PENDING.value,
    "attempts": 0,
    "answers_lost": 0,
    "claimed_until": None,
    "lease": "",
    "first_attempt_at": None,
    "sent_at": None,
    "last_error": "",
}


def _values(mail: OutgoingMail, message_id: str, now: datetime) -> dict[str, object]:
    return {
        **_FRESH,
        "channel": mail.channel,
        "event": mail.event,
        "thread": mail.thread,
        "recipient": mail.to,
        "language": mail.language,
        # A header is one line: a subject typed with a line break still sends.
        "subject": " ".join(mail.subject.split()),
        "body": mail.body,
        "headers": _headers(mail),
        "attachments": [
            {"path": f.path, "name": f.name, "content_type": f.content_type, "size": f.size}
            for f in mail.attachments
        ],
        "message_id": message_id,
        "in_reply_to": mail.in_reply_to,
        "references": " ".join(mail.references),
        "next_attempt_at": now,
        "created_at": now,
    }


def _message_id(mail: OutgoingMail) -> str:
    """``sd-123.9f1e2d3c4b5a69788796@desk.example``: the request and 80 random bits, unique
    without knowing the row's id (so a create writes its mails with one INSERT; the unique
    column would refuse the never-seen collision rather than send two mails as one)."""
    thread = (mail.thread or "sd").lower()
    return f"{thread}.{secrets.token_hex(10)}@{settings.MAIL_DOMAIN}"


def _insert(mails: Sequence[OutgoingMail], *, now: datetime) -> list[Queued]:
    rows = [_values(mail, _message_id(mail), now) for mail in mails]
    ids = insert_values(Notification, rows)
    return [Queued(pk, str(row["message_id"])) for pk, row in zip(ids, rows, strict=True)]


def _copy(mails: Sequence[OutgoingMail], *, now: datetime) -> list[Queued]:
    table = Notification._meta.db_table
    fields = [str(f.column) for f in Notification._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(column) for column in ["id", *fields])
    values_of = operator.itemgetter(*fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(mails)],
        )
        ids = [row_id for (row_id,) in cursor.fetchall()]
        queued = [
            Queued(row_id, _message_id(mail)) for row_id, mail in zip(ids, mails, strict=True)
        ]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for (row_id, message_id), mail in zip(queued, mails, strict=True):
                values = _values(mail, message_id, now)
                values["headers"] = (
                    _headers_json(tuple(_headers(mail).items()))
                    if mail.channel == NotificationChannel.EMAIL
                    else json.dumps(_headers(mail))
                )
                files = values["attachments"]
                values["attachments"] = json.dumps(files) if files else "[]"
                copy.write_row((row_id, *values_of(values)))
    return queued


@functools.lru_cache(maxsize=16)
def _headers_json(headers: tuple[tuple[str, str], ...]) -> str:
    """A job's mails share a few sets of headers: each is encoded once."""
    return json.dumps(dict(headers))


def _headers(mail: OutgoingMail) -> dict[str, str]:
    """The headers no column holds (the sender adds X-Supportdesk-Event and -Request from
    ``event`` and ``thread``, the Message-ID and the thread's from theirs); another
    channel's options."""
    if mail.channel != NotificationChannel.EMAIL:
        return dict(mail.options or {})
    headers = {"Reply-To": settings.SUPPORT_ADDRESS}
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
