"""The mailbox reader against a real IMAP server (Dovecot on loopback): it takes in what
is new, moves it to the processed folder and never deletes, keeps its place by
UIDVALIDITY and UID, wakes on IDLE, and speaks TLS and STARTTLS."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from supportdesk.channels.email import reader
from supportdesk.channels.email.actions import process_message as take
from supportdesk.channels.email.mailboxes import imap_lag_seconds
from supportdesk.channels.email.models import InboundMail, MailboxState
from supportdesk.tickets.models import Request
from tests.channels.email.imap import Dovecot
from tests.channels.email.mail import corpus, plain
from tests.tickets.conftest import Desk, at

NOW = at(23, 12)


def test_one_pass_takes_everything_in_and_moves_it_unharmed(
    desk: Desk, dovecot: Dovecot, settings: Settings
) -> None:
    mailbox = dovecot.account()
    settings.MAILBOXES = (mailbox,)
    messages = [
        corpus("thunderbird_new_request_ru.eml"),
        corpus("koi8r_new_request.eml"),
        corpus("unknown_sender.eml"),
        corpus("dsn_bounce.eml"),
    ]
    dovecot.deliver(mailbox, *messages)

    report = reader.poll_once(mailbox)

    assert (report.fetched, report.moved, report.failed) == (4, 4, [])
    assert report.outcomes == {"opened": 2, "unknown-sender": 1, "bounce": 1}
    assert (dovecot.count(mailbox, "INBOX"), dovecot.count(mailbox, "Processed")) == (0, 4)
    # The stored raw messages are the server's bytes.
    stored = {mail.raw.read() for mail in InboundMail.objects.all()}
    assert stored == set(messages)
    with dovecot.client(mailbox) as box:
        box.folder.set("Processed")
        assert {message.obj["Message-ID"] for message in box.fetch(mark_seen=False)} == {
            "<8a1f3c52-77d4-4e0b-9a51-2b8c1e0d9f44@alfa.example>",
            "<1819204133.20261123101542@alfa.example>",
            "<CAJ1kq5sZ8v0yA3oN4m2Wd7fL9pQ1eR6tU0bX3cV5nM8gH2jK4w@mail.gmail.example>",
            "<20261123090509.4Q7H1b0Xyz9sW@mail.desk.example>",
        }
        assert all("\\Seen" not in message.flags for message in box.fetch(mark_seen=False))
    state = MailboxState.objects.get(name=mailbox.name)
    assert state.last_uid == 4
    assert state.uidvalidity is not None
    assert state.last_success_at is not None


def test_the_next_pass_reads_only_what_is_new(
    desk: Desk, dovecot: Dovecot, settings: Settings
) -> None:
    mailbox = dovecot.account()
    settings.MAILBOXES = (mailbox,)
    dovecot.deliver(mailbox, plain(message_id="<n1@alfa.example>"))
    reader.poll_once(mailbox)
    dovecot.deliver(mailbox, plain(message_id="<n2@alfa.example>", subject="Second"))

    report = reader.poll_once(mailbox)

    assert (report.fetched, report.outcomes) == (1, {"opened": 1})
    assert Request.objects.count() == 2
    assert MailboxState.objects.get(name=mailbox.name).last_uid == 2


def test_a_message_that_fails_stays_and_is_taken_next_time(
    desk: Desk, dovecot: Dovecot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox = dovecot.account()
    settings.MAILBOXES = (mailbox,)
    dovecot.deliver(
        mailbox,
        plain(message_id="<f1@alfa.example>", subject="one"),
        plain(message_id="<f2@alfa.example>", subject="two"),
        plain(message_id="<f3@alfa.example>", subject="three"),
    )

    def database_down_for_two(raw: bytes, **kwargs: object) -> object:
        if b"<f2@alfa.example>" in raw:
            raise ConnectionError("the database went away")
        return take(raw, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reader, "process_message", database_down_for_two)
    first = reader.poll_once(mailbox)
    monkeypatch.setattr(reader, "process_message", take)
    second = reader.poll_once(mailbox)

    assert (first.moved, first.failed) == (2, ["UID 2: ConnectionError: the database went away"])
    assert (second.fetched, second.moved, second.failed) == (1, 1, [])
    assert sorted(Request.objects.values_list("subject", flat=True)) == ["one", "three", "two"]
    assert (dovecot.count(mailbox, "INBOX"), dovecot.count(mailbox, "Processed")) == (0, 3)


def test_a_new_uidvalidity_reads_the_folder_again_without_taking_anything_twice(
    desk: Desk, dovecot: Dovecot, settings: Settings
) -> None:
    mailbox = replace(dovecot.account(), folder="Support")
    settings.MAILBOXES = (mailbox,)
    raw = plain(message_id="<u1@alfa.example>")
    dovecot.deliver(mailbox, raw, folder="Support")
    reader.poll_once(mailbox)
    before = MailboxState.objects.get(name=mailbox.name).uidvalidity
    with dovecot.client(mailbox) as box:  # the folder is made anew: its UIDs start over
        box.folder.delete("Support")
        box.folder.create("Support")
    dovecot.deliver(mailbox, raw, plain(message_id="<u2@alfa.example>"), folder="Support")

    report = reader.poll_once(mailbox)

    state = MailboxState.objects.get(name=mailbox.name)
    assert state.uidvalidity != before
    assert (report.fetched, report.moved, report.outcomes) == (2, 2, {"opened": 2})
    assert Request.objects.count() == 2  # the first message again answered its request
    assert InboundMail.objects.count() == 2
    assert dovecot.count(mailbox, "Processed") == 3  # and was moved: nothing is deleted


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_and_starttls_with_the_servers_certificate(
    desk: Desk, dovecot: Dovecot, settings: Settings, security: str
) -> None:
    mailbox = dovecot.account(security=security)
    settings.MAILBOXES = (mailbox,)
    dovecot.deliver(mailbox, plain(message_id=f"<{security}@alfa.example>"))

    report = reader.poll_once(mailbox)

    assert report.outcomes == {"opened": 1}


def test_a_certificate_nobody_vouches_for_is_refused_and_recorded(
    desk: Desk, dovecot: Dovecot, settings: Settings
) -> None:
    mailbox = replace(dovecot.account(security="tls"), ca_file="")  # the system's CAs only
    settings.MAILBOXES = (mailbox,)
    dovecot.deliver(mailbox, plain())

    with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
        reader.poll_once(mailbox)

    state = MailboxState.objects.get(name=mailbox.name)
    assert "CERTIFICATE_VERIFY_FAILED" in state.last_error
    assert state.last_success_at is None
    assert dovecot.count(mailbox, "INBOX") == 1
    assert InboundMail.objects.count() == 0


def test_the_imap_lag_is_the_time_since_the_last_good_pass(
    desk: Desk, dovecot: Dovecot, settings: Settings
) -> None:
    mailbox = dovecot.account()
    never = replace(mailbox, name="never-read")
    settings.MAILBOXES = (mailbox, never)
    with reader.connect(mailbox) as box:
        reader.read_once(box, mailbox, clock=lambda: NOW)

    lag = imap_lag_seconds(now=NOW + timedelta(seconds=90))

    assert lag == {mailbox.name: 90.0, "never-read": float("inf")}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a reader thread beside the test's own writes: PostgreSQL's concurrency",
)
@pytest.mark.django_db(transaction=True)
def test_idle_wakes_the_reader_as_soon_as_mail_arrives(
    desk: Desk, dovecot: Dovecot, settings: Settings
) -> None:
    mailbox = dovecot.account()
    settings.MAILBOXES = (mailbox,)
    stop = threading.Event()
    [watcher] = reader.watch_all((mailbox,), stop, poll_seconds=600)
    try:
        deadline = time.monotonic() + 10
        while not MailboxState.objects.filter(name=mailbox.name, last_success_at__isnull=False):
            assert time.monotonic() < deadline, "the reader never finished its first pass"
            time.sleep(0.1)
        time.sleep(0.5)  # in IDLE now, for up to 600 s
        dovecot.deliver(mailbox, plain(message_id="<idle@alfa.example>"))

        deadline = time.monotonic() + 10
        while not Request.objects.exists():
            assert time.monotonic() < deadline, "IDLE did not wake the reader"
            time.sleep(0.1)
    finally:
        stop.set()
    assert dovecot.count(mailbox, "Processed") == 1
    # Waiting in IDLE it has nothing in hand: stopping does not wait for it.
    assert reader.finish([watcher], grace=5) == []
    assert watcher.thread.is_alive()  # the process's exit ends it (a daemon thread)
