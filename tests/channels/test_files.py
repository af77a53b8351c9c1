"""Files that arrive with a request or a message are stored with the portal's limits; a file
intake will not store is left out and said so, and the message it came with is kept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pytest_django.fixtures import Settings

from supportdesk.audit.models import AuditEvent
from supportdesk.channels.actions import receive
from supportdesk.channels.inbound import InboundFile, Outcome
from supportdesk.channels.models import Receipt
from supportdesk.customers.models import Contact
from supportdesk.tickets.models import Attachment
from tests.channels.conftest import new_by_mail, reply_by_mail
from tests.tickets.conftest import Desk, at

LOG = InboundFile(name="relay.log", content_type="text/plain", data=b"09:40 queue 1200\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_files_sent_with_a_new_request_go_on_a_first_message_of_the_customers(
    desk: Desk, pavel: Contact
) -> None:
    received = receive(new_by_mail("pavel@alfa.example", files=(LOG,)), now=at(23, 11))
    message = received.message
    assert received.outcome == Outcome.OPENED
    assert message is not None
    assert (message.body, message.contact, message.channel) == (
        "Прикреплённые файлы",
        pavel,
        "email",
    )
    attachment = Attachment.objects.get()
    assert (attachment.message, attachment.name, attachment.size) == (message, "relay.log", 17)
    assert attachment.file.read() == LOG.data
    assert Receipt.objects.get().message == message


def test_an_oversize_or_refused_file_is_left_out_and_the_message_kept(
    desk: Desk, pavel: Contact, settings: Settings
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 64
    request = receive(new_by_mail("pavel@alfa.example"), now=at(23, 11)).request
    assert request is not None
    files = (
        InboundFile(name="dump.log", content_type="text/plain", data=b"x" * 65),
        InboundFile(name="setup.exe", content_type="application/x-msdownload", data=b"MZ\x90"),
        InboundFile(name="screen.png", content_type="image/png", data=PNG),
    )

    received = receive(reply_by_mail("pavel@alfa.example", request, files=files), now=at(23, 12))

    assert received.outcome == Outcome.APPENDED
    assert received.message is not None
    assert received.message.body == "Here are the logs."
    assert [file.name for file in received.refused_files] == ["dump.log", "setup.exe"]
    assert "larger than 64 bytes" in received.refused_files[0].reason
    assert "not accepted" in received.refused_files[1].reason
    assert [a.name for a in Attachment.objects.all()] == ["screen.png"]
    refusals = AuditEvent.objects.filter(action="request.attachment_refused").order_by("pk")
    assert [(e.data["name"], e.data["status"]) for e in refusals] == [
        ("dump.log", 413),
        ("setup.exe", 415),
    ]


def test_a_re_delivery_with_files_stores_no_second_copy(
    desk: Desk, pavel: Contact, settings: Settings, tmp_path: Path
) -> None:
    inbound = new_by_mail("pavel@alfa.example", files=(LOG,))
    receive(inbound, now=at(23, 11))
    stored = sorted((tmp_path / "media").rglob("*.log"))
    again = receive(replace(inbound), now=at(23, 12))
    assert again.duplicate
    assert Attachment.objects.count() == 1
    assert sorted((tmp_path / "media").rglob("*.log")) == stored  # the retry's copy is gone
