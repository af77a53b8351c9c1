"""A message finds its request by the subject tag, else by the Message-IDs it answers; a
reply appends, resumes a paused clock and counts as the customer's answer."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings

from supportdesk.audit.models import AuditEvent
from supportdesk.channels.email.actions import process_message
from supportdesk.channels.email.models import Outcome
from supportdesk.notifications.models import Notification
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope, Status
from tests.channels.email.conftest import SUPPORT
from tests.channels.email.mail import corpus, plain
from tests.tickets.conftest import DETAILED, Desk, at


@pytest.fixture
def request_of_anna(desk: Desk) -> Request:
    return actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="VPN", description=DETAILED, requested_priority=Priority.P2,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=at(23, 10),
    )  # fmt: skip


def test_a_reply_to_a_request_waiting_for_the_customer_resumes_its_clock(
    desk: Desk, request_of_anna: Request
) -> None:
    request = request_of_anna
    actions.reply(actor=desk.agent, request=request, body="Send logs, please", now=at(23, 11))
    actions.set_status(actor=desk.agent, request=request, status=Status.WAITING, now=at(23, 11))
    assert request.resolution_clock is not None

    outcome = process_message(
        corpus("outlook_reply_ru.eml", reference=request.reference), mailbox="support",
        now=at(23, 14),
    )  # fmt: skip

    assert (outcome.outcome, outcome.request) == (Outcome.APPENDED, request)
    request.refresh_from_db()
    request.resolution_clock.refresh_from_db()
    assert request.status == Status.OPEN
    assert request.resolution_clock.status == "running"


def test_a_colleague_answering_the_customers_mail_joins_its_request(desk: Desk) -> None:
    """Boris answers Anna's original mail (reply-all): no tag, but its Message-ID."""
    opened = process_message(
        corpus("thunderbird_new_request_ru.eml"), mailbox="support", now=at(23, 10)
    )
    answer = plain(
        sender="boris@alfa.example",
        subject="Re: Задержка сообщений",
        message_id="<b-reply@alfa.example>",
        headers="In-Reply-To: <8a1f3c52-77d4-4e0b-9a51-2b8c1e0d9f44@alfa.example>\r\n"
        "References: <8a1f3c52-77d4-4e0b-9a51-2b8c1e0d9f44@alfa.example>",
        body="У меня тоже.",
    )

    outcome = process_message(answer, mailbox="support", now=at(23, 11))

    assert (outcome.outcome, outcome.request) == (Outcome.APPENDED, opened.request)
    assert opened.request is not None
    assert opened.request.messages.get().contact == desk.contact(desk.boris)


def test_an_id_we_do_not_know_and_no_tag_open_a_new_request(
    desk: Desk, request_of_anna: Request
) -> None:
    raw = plain(headers="In-Reply-To: <never-seen@elsewhere.example>")

    outcome = process_message(raw, mailbox="support", now=at(23, 11))

    assert outcome.outcome == Outcome.OPENED
    assert outcome.request != request_of_anna


def test_a_tag_of_no_request_opens_one_without_the_tag(desk: Desk) -> None:
    outcome = process_message(
        plain(subject="Re: [SD-999999] Старое"), mailbox="support", now=at(23, 11)
    )

    assert outcome.outcome == Outcome.OPENED
    assert outcome.request is not None
    assert outcome.request.subject == "Re: Старое"


def test_a_reply_to_a_closed_request_opens_a_follow_up(
    desk: Desk, request_of_anna: Request
) -> None:
    closed = request_of_anna
    actions.resolve(actor=desk.agent, request=closed, summary="Fixed", now=at(23, 11))
    actions.confirm_resolution(actor=desk.anna, request=closed, now=at(23, 11))
    messages_before = closed.messages.count()

    outcome = process_message(
        corpus("outlook_reply_ru.eml", reference=closed.reference), mailbox="support",
        now=at(23, 13),
    )  # fmt: skip

    assert outcome.outcome == Outcome.OPENED
    follow_up = outcome.request
    assert follow_up is not None
    assert follow_up != closed
    assert follow_up.subject == "RE: Задержка сообщений в основном пространстве"
    assert follow_up.description.startswith(
        f"Продолжение обращения {closed.reference}, которое было закрыто.\n\nДобрый день!"
    )
    assert closed.messages.count() == messages_before


def test_the_mailbox_sets_the_type_of_the_requests_it_opens(desk: Desk, settings: Settings) -> None:
    settings.MAILBOXES = (
        SUPPORT,
        replace(SUPPORT, name="consult", request_type="consultation"),
    )

    by_support = process_message(plain(message_id="<a@alfa.example>"), mailbox="support",
                                 now=at(23, 11))  # fmt: skip
    by_consult = process_message(plain(message_id="<b@alfa.example>"), mailbox="consult",
                                 now=at(23, 11))  # fmt: skip

    assert by_support.request is not None
    assert by_consult.request is not None
    assert (by_support.request.request_type, by_consult.request.request_type) == (
        "incident",
        "consultation",
    )
    assert by_consult.request.priority == "P4"


def test_a_file_the_portal_would_refuse_is_left_out_and_the_message_kept(
    desk: Desk, request_of_anna: Request
) -> None:
    raw = (
        f"From: anna@alfa.example\r\nSubject: Re: [{request_of_anna.reference}] VPN\r\n"
        "Message-ID: <exe@alfa.example>\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nПрограмма для диагностики.\r\n"
        "--b\r\nContent-Type: application/x-msdownload; name=tool.exe\r\n"
        "Content-Disposition: attachment; filename=tool.exe\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=\r\n--b--\r\n"
    ).encode()

    outcome = process_message(raw, mailbox="support", now=at(23, 11))

    assert (outcome.outcome, outcome.request) == (Outcome.APPENDED, request_of_anna)
    message = request_of_anna.messages.get()
    assert (message.body, message.attachments.count()) == ("Программа для диагностики.", 0)
    received = AuditEvent.objects.get(action="mail.received")
    assert received.data["refused_files"] == [
        "tool.exe: tool.exe: files of type application/x-msdownload are not accepted; allowed: "
        + ", ".join(sorted(settings.ATTACHMENT_TYPES))
        + "."
    ]


def test_a_reply_to_our_notification_finds_its_request_by_the_message_id(
    desk: Desk, request_of_anna: Request
) -> None:
    """No tag in the subject: the Message-ID of the acknowledgement we sent is enough."""
    sent = (
        Notification.objects.filter(thread=request_of_anna.reference)
        .values_list("message_id", flat=True)
        .first()
    )
    assert sent is not None
    raw = plain(
        subject="Re: Ваше обращение", message_id="<no-tag@alfa.example>",
        headers=f"In-Reply-To: <{sent}>\r\nReferences: <{sent}>",
    )  # fmt: skip

    outcome = process_message(raw, mailbox="support", now=at(23, 11))

    assert (outcome.outcome, outcome.request) == (Outcome.APPENDED, request_of_anna)


def test_our_next_mail_answers_the_customers_own_message(
    desk: Desk, request_of_anna: Request
) -> None:
    """The customer's mail client keeps one conversation: the vendor's reply to a mail
    answers (In-Reply-To) that mail's Message-ID, and keeps our thread in References."""
    raw = plain(
        subject=f"Re: [{request_of_anna.reference}] Ваше обращение",
        message_id="<answer-1@alfa.example>",
    )
    assert process_message(raw, mailbox="support", now=at(23, 11)).outcome == Outcome.APPENDED
    request_of_anna.refresh_from_db()
    assert request_of_anna.customer_message_id == "answer-1@alfa.example"

    actions.reply(actor=desk.engineer, request=request_of_anna, body="Смотрим", now=at(23, 12))

    reply_mail = Notification.objects.filter(
        thread=request_of_anna.reference, recipient=desk.anna.email
    ).latest("pk")
    assert reply_mail.in_reply_to == "answer-1@alfa.example"
