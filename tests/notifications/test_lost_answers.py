"""A mail server that answers after the client's timeout has taken the message: the try
after it waits longer for the answer and sends the same Message-ID, so the customer sees
one duplicate at most, which mail clients recognise; if that answer is lost too, the row
fails rather than send a third copy."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from pytest_django.fixtures import Settings

from supportdesk.notifications.models import Notification, NotificationState
from supportdesk.notifications.outbox import OutgoingMail, Queued, enqueue_many
from supportdesk.notifications.sender import send_batch
from supportdesk.notifications.transport import PATIENCE
from tests.notifications.conftest import SmtpServer, mailer

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TIMEOUT = 1.0


def one_mail() -> Queued:
    with transaction.atomic():
        (row,) = enqueue_many(
            [OutgoingMail(to="anna@alfa.example", language="ru", event="test.event",
                          subject="Slow", body="Text\n", thread="SD-7")],
            now=T0,
        )  # fmt: skip
    return row


def test_a_late_answer_costs_one_copy_with_the_same_message_id(
    db: None, smtp_server: SmtpServer, settings: Settings
) -> None:
    settings.MAILERS = mailer(smtp_server.port, timeout=TIMEOUT)
    smtp_server.inbox.answer_delay = TIMEOUT * 2  # late, but within the patient try's wait
    smtp_server.start()
    row = one_mail()

    first = send_batch(now=T0)

    lost = Notification.objects.get(pk=row.pk)
    assert (first.retried, lost.state, lost.answers_lost) == (1, NotificationState.PENDING, 1)
    assert "timed out" in lost.last_error
    assert lost.next_attempt_at is not None

    second = send_batch(now=lost.next_attempt_at)

    assert second.sent == 1
    assert smtp_server.inbox.message_ids() == [row.message_id, row.message_id]
    assert send_batch(now=lost.next_attempt_at).claimed == 0


def test_an_answer_lost_twice_fails_without_a_third_copy(
    db: None, smtp_server: SmtpServer, settings: Settings
) -> None:
    settings.MAILERS = mailer(smtp_server.port, timeout=TIMEOUT)
    smtp_server.inbox.answer_delay = TIMEOUT * PATIENCE + 1  # later than even the patient try
    smtp_server.start()
    row = one_mail()

    send_batch(now=T0)
    retry_at = Notification.objects.get(pk=row.pk).next_attempt_at
    assert retry_at is not None
    assert send_batch(now=retry_at).failed == 1

    failed = Notification.objects.get(pk=row.pk)
    assert failed.state == NotificationState.FAILED
    assert "not sent a third time" in failed.last_error
    assert smtp_server.inbox.message_ids() == [row.message_id, row.message_id]
