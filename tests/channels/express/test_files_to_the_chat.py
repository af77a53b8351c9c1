"""A reply of the desk with files reaches the chat with the files themselves (pybotx
attachments, one a message), not only as text."""

from __future__ import annotations

import base64

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from supportdesk.channels.express.models import Delivery
from supportdesk.notifications.models import Notification
from supportdesk.tickets import actions
from tests.channels.express.conftest import Messenger
from tests.channels.express.test_bot import _open_p2
from tests.tickets.conftest import Desk


def _content(sent_file: dict[str, str]) -> bytes:
    header, _comma, data = sent_file["data"].partition(",")
    assert header.endswith(";base64")
    return base64.b64decode(data)


def test_the_desks_files_go_to_the_chat_as_files(anna_in_chat: Messenger, desk: Desk) -> None:
    chat = anna_in_chat
    request = _open_p2(chat, desk)
    actions.reply(
        actor=desk.engineer, request=request, body="The trace and the fixed config attached.",
        files=[SimpleUploadedFile("trace.log", b"trace line\n", "text/plain"),
               SimpleUploadedFile("server.yaml", b"port: 5222\n", "text/plain")],
        now=timezone.now(),
    )  # fmt: skip
    sent = chat.answers()
    assert len(sent) == 2  # the text with the first file, then the second file
    text, second = sent
    assert "The trace and the fixed config attached." in text["notification"]["body"]
    assert text["file"]["file_name"] == "trace.log"
    assert _content(text["file"]) == b"trace line\n"
    assert second["notification"]["body"] == ""
    assert (second["file"]["file_name"], _content(second["file"])) == (
        "server.yaml", b"port: 5222\n",
    )  # fmt: skip
    row = Notification.objects.get(channel="express", event="request.vendor_replied")
    assert sorted(Delivery.objects.filter(notification=row).values_list("part", flat=True)) == [
        0, 1,
    ]  # fmt: skip


def test_a_retry_sends_only_the_files_botx_did_not_take(
    anna_in_chat: Messenger, desk: Desk
) -> None:
    chat = anna_in_chat
    request = _open_p2(chat, desk)
    # BotX takes the text with the first file, then answers 503 to the second file
    chat.botx.next_status_codes.extend([202, 503])
    actions.reply(
        actor=desk.engineer, request=request, body="Two files.",
        files=[SimpleUploadedFile("a.txt", b"a", "text/plain"),
               SimpleUploadedFile("b.txt", b"b", "text/plain")],
        now=timezone.now(),
    )  # fmt: skip
    chat.answers()
    row = Notification.objects.get(channel="express", event="request.vendor_replied")
    assert (row.state, row.last_error) == ("pending", "BotX answered 503")
    assert [s.body.get("file", {}).get("file_name") for s in chat.botx.sent[-2:]] == [
        "a.txt", "b.txt",
    ]  # fmt: skip
    before = len(chat.botx.sent)
    with time_machine.travel(row.next_attempt_at, tick=False):
        chat.answers()  # the retry
    retried = chat.botx.sent[before:]
    assert [(s.body["notification"]["body"], s.body["file"]["file_name"]) for s in retried] == [
        ("", "b.txt")
    ]
    row.refresh_from_db()
    assert row.state == "sent"
