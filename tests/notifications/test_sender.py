"""The sender over real SMTP: each due row once with its headers and files; an outage is
waited out with growing pauses and every mail goes once the server is back; after 24 hours
of failures, or a refusal for good, the row fails with the reason; a lead sends failed
ones again."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from pytest_django.fixtures import Settings

from supportdesk.audit.models import AuditEvent
from supportdesk.notifications.actions import retry_failed
from supportdesk.notifications.models import Notification, NotificationState
from supportdesk.notifications.outbox import (
    COPY_FROM,
    OutgoingMail,
    Queued,
    StoredFile,
    enqueue_many,
)
from supportdesk.notifications.sender import RETRY_FOR, send_batch
from tests.notifications.conftest import Inbox, SmtpServer
from tests.tickets.conftest import Desk

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def mail(n: int, **changes: Any) -> OutgoingMail:
    fields: dict[str, Any] = {
        "to": f"person{n}@alfa.example", "language": "ru", "event": "test.event",
        "subject": f"Mail {n}", "body": f"Text {n}\n", "thread": f"SD-{n}",
    }  # fmt: skip
    fields.update(changes)
    return OutgoingMail(**fields)


def write(mails: list[OutgoingMail], now: datetime = T0) -> list[Queued]:
    with transaction.atomic():
        return enqueue_many(mails, now=now)


def state(row: Queued) -> Notification:
    return Notification.objects.get(pk=row.pk)


@pytest.fixture(autouse=True)
def _media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_each_due_row_is_sent_once_with_the_threads_headers_and_its_files(
    db: None, smtp: Inbox
) -> None:
    path = default_storage.save("attachments/log.txt", ContentFile(b"trace\n"))
    threaded = mail(
        1, in_reply_to="customer.1@alfa.example",
        references=("sd-1.n1.aaaa@127.0.0.1", "customer.1@alfa.example"),
        attachments=(StoredFile(path=path, name="log.txt", content_type="text/plain", size=6),),
    )  # fmt: skip
    written = write([threaded, mail(2, automatic=False, subject="Line\nbreak"), mail(3)])
    later = write([mail(4)], now=T0 + timedelta(minutes=5))

    result = send_batch(now=T0)

    assert (result.claimed, result.sent, result.retried, result.failed) == (3, 3, 0, 0)
    first, second, third = smtp.messages
    row = state(written[0])
    assert first["Message-ID"] == f"<{row.message_id}>"
    assert re.fullmatch(r"sd-1\.[0-9a-f]{20}@127\.0\.0\.1", row.message_id)
    assert row.message_id.endswith("@127.0.0.1")  # SUPPORTDESK_SITE_URL's host by default
    assert first["In-Reply-To"] == "<customer.1@alfa.example>"
    assert first["References"] == "<sd-1.n1.aaaa@127.0.0.1> <customer.1@alfa.example>"
    assert first["Subject"] == "Mail 1"
    assert first["Auto-Submitted"] == "auto-generated"
    assert first["X-Supportdesk-Event"] == "test.event"
    assert first["X-Supportdesk-Request"] == "SD-1"
    assert first["Reply-To"] == "support@supportdesk.invalid"
    (file,) = list(first.iter_attachments())
    assert (file.get_filename(), file.get_content().strip()) == ("log.txt", "trace")
    assert second["Subject"] == "Line break"  # a header is one line
    assert "Auto-Submitted" not in second  # a person's mail may be answered by robots
    assert (row.state, row.attempts, row.sent_at, row.lease) == (NotificationState.SENT, 1, T0, "")
    assert third["To"] == "person3@alfa.example"

    assert send_batch(now=T0).claimed == 0  # sent rows are never claimed again
    assert state(later[0]).state == NotificationState.PENDING  # not due yet
    assert send_batch(now=T0 + timedelta(minutes=5)).sent == 1
    assert len(smtp.messages) == 4


def test_a_server_down_for_hours_gets_every_mail_once_it_is_back(
    db: None, smtp_server: SmtpServer
) -> None:
    rows = write([mail(n) for n in range(1, 6)])
    now, pauses = T0, []
    while now < T0 + timedelta(hours=3):
        result = send_batch(now=now)
        assert result.retried == result.claimed == 5
        due = state(rows[0]).next_attempt_at
        assert due is not None
        pauses.append(due - now)
        now = due
    # 1, 2, 4 ... minutes, then hourly.
    assert pauses[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert "ConnectionRefusedError" in state(rows[0]).last_error

    smtp_server.start()
    assert send_batch(now=now).sent == 5
    assert sorted(smtp_server.inbox.message_ids()) == sorted(r.message_id for r in rows)
    assert send_batch(now=now + timedelta(hours=1)).claimed == 0


def test_after_a_day_of_failures_it_fails_with_the_reason_and_a_lead_sends_it_again(
    desk: Desk, smtp_server: SmtpServer
) -> None:
    (row,) = write([mail(1)])
    now = T0
    while state(row).state == NotificationState.PENDING:
        send_batch(now=now)
        failed = state(row)
        now = failed.next_attempt_at or now
    assert failed.state == NotificationState.FAILED
    assert failed.first_attempt_at == T0
    assert now - T0 >= RETRY_FOR  # retried for at least 24 hours
    assert failed.last_error.startswith(f"not sent in {failed.attempts} attempts over 24 hours")
    assert "Connection refused" in failed.last_error
    assert send_batch(now=now + timedelta(days=1)).claimed == 0  # failed stays failed

    smtp_server.start()
    later = now + timedelta(days=2)
    assert retry_failed(actor=desk.lead, ids=[row.pk], now=later) == 1
    assert AuditEvent.objects.filter(action="notification.retried", actor=desk.lead).count() == 1
    assert send_batch(now=later).sent == 1
    assert smtp_server.inbox.message_ids() == [row.message_id]


def test_a_refusal_for_good_fails_at_once(db: None, smtp: Inbox) -> None:
    refused, fine = write([mail(1, to="nobody@alfa.example"), mail(2)])
    smtp.refuse.add("nobody@alfa.example")

    result = send_batch(now=T0)

    assert (result.sent, result.failed) == (1, 1)
    failed = state(refused)
    assert failed.state == NotificationState.FAILED
    assert failed.last_error.startswith("refused: nobody@alfa.example: 550")
    assert [m["To"] for m in smtp.messages] == ["person2@alfa.example"]
    assert state(fine).state == NotificationState.SENT


def test_a_missing_attachment_fails_the_row_not_the_batch(db: None, smtp: Inbox) -> None:
    gone = StoredFile(
        path="attachments/gone.txt", name="gone.txt", content_type="text/plain", size=1
    )
    broken, fine = write([mail(1, attachments=(gone,)), mail(2)])

    assert send_batch(now=T0).sent == 1

    assert state(broken).state == NotificationState.FAILED
    assert "attachment is missing" in state(broken).last_error
    assert state(fine).state == NotificationState.SENT


def test_a_jobs_large_batch_is_written_like_an_actions_small_one(db: None) -> None:
    """A batch of COPY_FROM rows or more is copied in on PostgreSQL; the rows are the same."""
    file = StoredFile(path="attachments/a.txt", name="a.txt", content_type="text/plain", size=3)
    big = [
        mail(n, attachments=(file,), in_reply_to="c@alfa.example", references=("r1", "r2"))
        for n in range(COPY_FROM)
    ]
    small = big[:2]

    rows = {
        "large": enqueue_many(big, now=T0),
        "small": enqueue_many(small, now=T0),
    }

    for queued in rows.values():
        stored = Notification.objects.get(pk=queued[1].pk)
        assert stored.message_id == queued[1].message_id
        assert re.fullmatch(r"sd-1\.[0-9a-f]{20}@127\.0\.0\.1", stored.message_id)
        assert (stored.recipient, stored.subject, stored.body) == (
            "person1@alfa.example", "Mail 1", "Text 1\n",
        )  # fmt: skip
        assert stored.headers == {
            "Reply-To": "support@supportdesk.invalid", "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        }  # fmt: skip
        assert stored.attachments == [
            {"path": "attachments/a.txt", "name": "a.txt", "content_type": "text/plain", "size": 3}
        ]
        assert (stored.in_reply_to, stored.references) == ("c@alfa.example", "r1 r2")
        assert (stored.state, stored.attempts, stored.next_attempt_at, stored.created_at) == (
            NotificationState.PENDING, 0, T0, T0,
        )  # fmt: skip
    assert Notification.objects.count() == COPY_FROM + 2
    assert len({row.message_id for row in Notification.objects.all()}) == COPY_FROM + 2
