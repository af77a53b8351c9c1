"""Every message of the corpus ends where it should, and nothing is lost: each message in
is a request opened, a message appended, or a quarantined mail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from supportdesk.channels.email.actions import process_message
from supportdesk.channels.email.models import InboundMail, Outcome, QuarantineReason
from supportdesk.customers.models import Contact
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Attachment, Channel, Message, Request, Scope
from tests.channels.email.mail import corpus
from tests.tickets.conftest import DETAILED, Desk, at

NOW = at(23, 12)

# file -> (outcome, reason, whether it lands on the prepared request)
EXPECTED = {
    "thunderbird_new_request_ru.eml": ("opened", None, False),
    "koi8r_new_request.eml": ("opened", None, False),
    "cp1251_new_request.eml": ("opened", None, False),
    "raw_utf8_headers.eml": ("opened", None, False),
    "outlook_reply_ru.eml": ("appended", None, True),
    "thunderbird_reply_ru.eml": ("appended", None, True),
    "outlook_inline_image.eml": ("appended", None, True),
    "outlook_winmail_dat.eml": ("appended", None, True),
    "out_of_office_ru.eml": ("quarantined", "auto-reply", False),
    "dsn_bounce.eml": ("quarantined", "bounce", False),
    "own_notification_back.eml": ("quarantined", "loop", False),
    "broken_boundary.eml": ("quarantined", "unparseable", False),
    "unknown_charset.eml": ("quarantined", "unparseable", False),
    "foreign_organization_reply.eml": ("quarantined", "foreign-organization", False),
    "unknown_sender.eml": ("quarantined", "unknown-sender", False),
    "staff_sender.eml": ("quarantined", "staff-sender", False),
}


def thirty_mib_message() -> bytes:
    """A customer's 30 MiB core dump: generated, not committed."""
    head = (
        "From: anna@alfa.example\r\nTo: support@desk.example\r\nSubject: core dump\r\n"
        "Message-ID: <core-dump@alfa.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="dump"\r\n\r\n'
        "--dump\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nДамп во вложении.\r\n"
        "--dump\r\nContent-Type: application/octet-stream; name=core\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode()
    line = b"Q" * 76 + b"\r\n"
    return head + line * (30 * 2**20 // len(line) + 1) + b"--dump--\r\n"


@pytest.fixture
def prepared(desk: Desk) -> Request:
    """Anna's request from the portal, which the replies of the corpus answer."""
    return actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Задержка сообщений в основном пространстве", description=DETAILED,
        requested_priority=Priority.P2, channel=Channel.PORTAL, component=desk.messaging,
        scope=Scope.MASS, now=at(23, 10),
    )  # fmt: skip


def test_the_corpus(desk: Desk, prepared: Request) -> None:
    requests_before = Request.objects.count()
    messages_before = Message.objects.count()
    arrived = [(name, corpus(name, reference=prepared.reference)) for name in EXPECTED]
    arrived.append(("30 MiB", thirty_mib_message()))
    # The same Message-ID as Anna's Outlook reply, from someone else.
    reused = corpus("outlook_reply_ru.eml", reference=prepared.reference).replace(
        b"<anna@alfa.example>", b"<alla@alfa.example>", 1
    )
    arrived.append(("reused Message-ID", reused))

    ended = {}
    for offset, (name, raw) in enumerate(arrived):
        outcome = process_message(raw, mailbox="support", now=NOW + timedelta(seconds=offset))
        ended[name] = (
            outcome.outcome.value,
            outcome.reason.value if outcome.reason else None,
            outcome.request == prepared,
        )

    assert ended == {
        **EXPECTED,
        "30 MiB": ("quarantined", "too-large", False),
        "reused Message-ID": ("quarantined", "duplicate-id", False),
    }
    opened = Request.objects.count() - requests_before
    appended = Message.objects.count() - messages_before
    quarantined = InboundMail.objects.filter(outcome=Outcome.QUARANTINED).count()
    assert (opened, appended, quarantined) == (4, 4, 10)
    assert opened + appended + quarantined == len(arrived)
    # every one of them is kept raw
    assert InboundMail.objects.count() == len(arrived)
    for mail in InboundMail.objects.all():
        with mail.raw.open("rb") as handle:
            assert handle.read(5) in {b"Retur", b"From:", b"Recei", b"Date:", b"MIME-"}


def test_what_the_replies_and_new_requests_carry(desk: Desk, prepared: Request) -> None:
    for name in (
        "thunderbird_new_request_ru.eml",
        "outlook_reply_ru.eml",
        "outlook_inline_image.eml",
        "outlook_winmail_dat.eml",
    ):
        process_message(corpus(name, reference=prepared.reference), mailbox="support", now=NOW)

    opened = Request.objects.exclude(pk=prepared.pk).get()
    assert (opened.subject, opened.channel, opened.request_type) == (
        "Задержка сообщений в основном пространстве",
        "email",
        "incident",
    )
    assert opened.priority == "P4"  # free text: rule 1 until triage
    assert opened.description.startswith("Добрый день!\n\nС 09:40 все пользователи")
    replies = list(prepared.messages.order_by("pk"))
    assert [message.body for message in replies] == [
        "Добрый день!\n\nПроблема повторилась сегодня в 12:15, задержка снова около 10 минут. "
        "Логи с CTS-01 пришлю отдельным письмом.\n\nС уважением,\nАнна Смирнова\n"
        "ИТ-отдел, ООО «Альфа»",
        "Вот как это выглядит у пользователей:\n\n[cid:image001.png@01DB3D7A.2E4F9C10]\n\nАнна",
        "Логи и отчёт во вложении.\n\nАнна",
    ]
    assert all(not message.from_vendor and message.channel == "email" for message in replies)
    files = {
        (a.message_id, a.name, a.content_type)
        for a in Attachment.objects.filter(message__request=prepared)
    }
    assert files == {
        (replies[1].pk, "image001.png", "image/png"),
        (replies[2].pk, "cts-01.log", "text/x-log"),
        (replies[2].pk, "report.pdf", "application/pdf"),
    }
    taken = InboundMail.objects.get(message_id__startswith="AM9PR01MB7345E0F1")
    assert (taken.outcome, taken.request, taken.added_message) == ("appended", prepared, replies[2])


def test_a_bounce_links_the_request_and_flags_the_address(desk: Desk, prepared: Request) -> None:
    outcome = process_message(
        corpus("dsn_bounce.eml", reference=prepared.reference), mailbox="support", now=NOW
    )

    assert (outcome.outcome, outcome.reason) == (Outcome.QUARANTINED, QuarantineReason.BOUNCE)
    mail = InboundMail.objects.get()
    assert (mail.request, mail.state, mail.detail) == (
        prepared,
        "held",
        "delivery failed for anna@alfa.example (5.1.1)",
    )
    anna = Contact.objects.get(email="anna@alfa.example")
    assert anna.email_bounced_at == NOW
    assert Contact.objects.exclude(pk=anna.pk).filter(email_bounced_at__isnull=False).count() == 0
