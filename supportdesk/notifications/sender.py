"""The sender: claims due outbox rows, hands each to the mail server, records the outcome.

A claim marks a batch ``sending`` under a lease (a token and an expiry) in one short
transaction: ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers take disjoint
rows without waiting; a conditional ``UPDATE`` that re-checks the state on SQLite, which
runs one writer at a time. Each outcome is recorded right after its row was handed over,
and only while the lease is still this worker's. A worker that dies leaves its rows
``sending``; they come due again when the lease runs out and are sent then, with the same
Message-ID, so a message the server took just before the worker died arrives twice at most
and mail clients recognise the copy.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from supportdesk.notifications.models import (
    UNSENT,
    Notification,
    NotificationChannel,
    NotificationState,
)
from supportdesk.notifications.transport import PATIENCE, Delivery, Transport, Verdict

log = logging.getLogger(__name__)

BATCH = 10
RETRY_FOR = timedelta(hours=24)  # transient failures are retried at least this long
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8 ... minutes
LONGEST_RETRY = timedelta(hours=1)
LEASE_MARGIN = timedelta(minutes=1)
# One run of the job stops claiming after this long, so runs do not pile up.
RUN_BUDGET_SECONDS = 50.0


# How a row of another channel than e-mail is sent: the app of that channel registers it.
type Deliverer = Callable[[Notification], Delivery]
_TRANSPORTS: dict[str, Deliverer] = {}


def register_transport(channel: str, deliver: Deliverer) -> None:
    """``deliver(row)`` hands one row of ``channel`` over and says how it went, as SMTP does."""
    _TRANSPORTS[channel] = deliver


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


def deliver_due(*, budget_seconds: float = RUN_BUDGET_SECONDS) -> BatchResult:
    """Send batches until nothing is due or the budget is spent. The job's edge: it reads
    the clock once per batch."""
    total = BatchResult()
    started = time.monotonic()
    while True:
        result = send_batch(now=timezone.now())
        total.claimed += result.claimed
        total.sent += result.sent
        total.retried += result.retried
        total.failed += result.failed
        if result.claimed < BATCH or time.monotonic() - started > budget_seconds:
            return total


def send_batch(*, now: datetime, limit: int = BATCH) -> BatchResult:
    with Transport() as transport:
        # The lease covers the worst case: every row waits out the connection and a
        # patient answer.
        lease = LEASE_MARGIN + timedelta(seconds=limit * transport.timeout * (PATIENCE + 1))
        rows = claim(now=now, limit=limit, lease=lease)
        result = BatchResult(claimed=len(rows))
        mails = any(row.channel == NotificationChannel.EMAIL for row in rows)
        unreachable = transport.open() if mails else None
        for row in rows:
            if row.channel != NotificationChannel.EMAIL:
                delivery = _deliver_other(row)
            else:
                delivery = unreachable or _deliver(transport, row)
            state = record(row, delivery, now=now)
            if state == NotificationState.SENT:
                result.sent += 1
            elif state == NotificationState.PENDING:
                result.retried += 1
            elif state == NotificationState.FAILED:
                result.failed += 1
    if result.claimed:
        log.info(
            "outbox: %s claimed, %s sent, %s to retry, %s failed",
            result.claimed, result.sent, result.retried, result.failed,
        )  # fmt: skip
    return result


def claim(*, now: datetime, limit: int, lease: timedelta) -> list[Notification]:
    """Mark up to ``limit`` due rows ``sending`` for this worker until ``now + lease``."""
    token = secrets.token_hex(8)
    until = now + lease
    due = Notification.objects.filter(state__in=UNSENT, next_attempt_at__lte=now)
    with transaction.atomic():
        picked = due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)
        if connection.features.has_select_for_update_skip_locked:
            picked = picked.select_for_update(skip_locked=True)
        ids = list(picked[:limit])
        if not ids:
            return []
        due.filter(pk__in=ids).update(
            state=NotificationState.SENDING,
            lease=token,
            claimed_until=until,
            next_attempt_at=until,  # a lease that runs out makes the row due again
            attempts=F("attempts") + 1,
            first_attempt_at=Coalesce("first_attempt_at", Value(now, output_field=DateTimeField())),
        )
    return list(Notification.objects.filter(pk__in=ids, lease=token).order_by("pk"))


def _deliver(transport: Transport, row: Notification) -> Delivery:
    try:
        message = build_message(row)
    except FileNotFoundError as error:
        return Delivery(Verdict.PERMANENT, f"an attachment is missing from storage: {error}")
    except OSError as error:  # the storage is unreachable for now
        return Delivery(Verdict.RETRY, f"reading an attachment: {error}")
    try:
        return transport.send(message, patient=row.answers_lost > 0)
    except Exception as error:  # a bug must not strand the batch's other rows
        log.exception("outbox: sending notification %s failed", row.pk)
        return Delivery(Verdict.RETRY, f"{type(error).__name__}: {error}")


def _deliver_other(row: Notification) -> Delivery:
    deliver = _TRANSPORTS.get(row.channel)
    if deliver is None:
        return Delivery(Verdict.RETRY, f"no transport for the channel {row.channel!r}")
    try:
        return deliver(row)
    except Exception as error:  # a bug must not strand the batch's other rows
        log.exception("outbox: sending notification %s failed", row.pk)
        return Delivery(Verdict.RETRY, f"{type(error).__name__}: {error}")


def build_message(row: Notification) -> EmailMessage:
    headers = {**row.headers, "Message-ID": f"<{row.message_id}>", "X-Supportdesk-Event": row.event}
    if row.thread:
        headers["X-Supportdesk-Request"] = row.thread
    if row.in_reply_to:
        headers["In-Reply-To"] = f"<{row.in_reply_to}>"
    if row.references:
        headers["References"] = " ".join(f"<{ref}>" for ref in row.references.split())
    message = EmailMessage(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient],
        headers=headers,
    )
    for file in row.attachments:
        with default_storage.open(file["path"], "rb") as handle:
            message.attach(file["name"], handle.read(), file["content_type"])
    return message


def record(row: Notification, delivery: Delivery, *, now: datetime) -> NotificationState | None:
    """Write the outcome if the lease is still ours; the row's new state, or None when
    another worker took it over after the lease ran out."""
    verdict = delivery.verdict
    changes: dict[str, object] = {"claimed_until": None, "lease": ""}
    if verdict is Verdict.SENT:
        state = NotificationState.SENT
        changes.update(sent_at=now, next_attempt_at=None, last_error="")
    elif failure := _final_failure(row, delivery, now=now):
        state = NotificationState.FAILED
        changes.update(next_attempt_at=None, last_error=failure)
    else:
        state = NotificationState.PENDING
        changes.update(next_attempt_at=now + backoff(row.attempts), last_error=delivery.error)
        if verdict is Verdict.ANSWER_LOST:
            changes["answers_lost"] = row.answers_lost + 1
    updated = Notification.objects.filter(
        pk=row.pk, lease=row.lease, state=NotificationState.SENDING
    ).update(state=state, **changes)
    if not updated:
        log.warning(
            "outbox: notification %s was taken over before its outcome was recorded", row.pk
        )
        return None
    return state


def _final_failure(row: Notification, delivery: Delivery, *, now: datetime) -> str:
    """Why the row is not tried again, or "" when it is."""
    if delivery.verdict is Verdict.PERMANENT:
        return f"refused: {delivery.error}"
    if delivery.verdict is Verdict.ANSWER_LOST and row.answers_lost >= 1:
        return (
            "the mail server's answer was lost again after it had the message, so it may have "
            f"arrived twice; not sent a third time ({delivery.error})"
        )
    if now - (row.first_attempt_at or now) >= RETRY_FOR:
        hours = RETRY_FOR.total_seconds() / 3600
        return f"not sent in {row.attempts} attempts over {hours:.0f} hours: {delivery.error}"
    return ""


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after the first, second, third ... attempt, at most an hour."""
    delay: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_RETRY)
