"""The quarantine: a support lead sees what the desk did not take in, reads it as it
arrived, and releases it to a request or discards it; staff download the raw message."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.channels.email import actions
from supportdesk.channels.email.actions import process_message
from supportdesk.channels.email.models import InboundMail, QuarantineState
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions as ticket_actions
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Channel, Request, Scope
from tests.channels.email.conftest import snapshot
from tests.channels.email.mail import corpus, plain
from tests.tickets.conftest import DETAILED, Desk, at

NOW = at(23, 12)


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stranger(desk: Desk) -> InboundMail:
    """A new customer's question: nobody knows the address."""
    process_message(corpus("unknown_sender.eml"), mailbox="support", now=NOW)
    return InboundMail.objects.get()


@pytest.fixture
def anna_request(desk: Desk) -> Request:
    return ticket_actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="VPN", description=DETAILED, requested_priority=Priority.P2,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=at(23, 10),
    )  # fmt: skip


def test_the_lead_sees_the_list_with_reason_sender_subject_and_date(
    desk: Desk, stranger: InboundMail
) -> None:
    process_message(corpus("out_of_office_ru.eml"), mailbox="support", now=at(23, 13))

    page = browser(desk.lead).get("/desk/mail/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Карантин почты" in text
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", text)
    shown = [(re.sub(r"<[^>]+>", "", when), reason, sender) for when, reason, sender in rows]
    assert shown == [  # staff times name their zone
        ("23.11.2026 13:00 MSK", "автоответ", "boris@alfa.example"),
        ("23.11.2026 12:00 MSK", "неизвестный отправитель", "ivan.ivanov@gmail.example"),
    ]
    assert "Хочу подключиться к eXpress" in text
    assert f'href="/desk/mail/{stranger.pk}/"' in text


@pytest.mark.parametrize("who", ["agent", "engineer", "anna"])
def test_the_list_is_the_leads_alone(desk: Desk, stranger: InboundMail, who: str) -> None:
    assert browser(getattr(desk, who)).get("/desk/mail/").status_code == 404


def test_staff_read_a_message_with_its_inline_image_and_files(desk: Desk) -> None:
    process_message(corpus("outlook_inline_image.eml", reference="SD-999"), mailbox="support",
                    now=NOW)  # fmt: skip
    mail = InboundMail.objects.get()  # no such request: a new request was opened
    agent = browser(desk.agent)

    page = agent.get(f"/desk/mail/{mail.pk}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Вот как это выглядит у пользователей:" in text
    image_tag = f'<img width="16" height="16" src="/desk/mail/{mail.pk}/parts/0" alt="screenshot">'
    assert image_tag in text
    assert "Выпустить" not in text  # decisions are the lead's, and only for held mail
    image = agent.get(f"/desk/mail/{mail.pk}/parts/0")
    assert (image.status_code, image["Content-Type"]) == (200, "image/png")
    assert image["Content-Disposition"] == "inline; filename*=UTF-8''image001.png"
    assert image.content.startswith(b"\x89PNG")


def test_staff_download_the_raw_message_exactly_as_received(desk: Desk) -> None:
    raw = corpus("koi8r_new_request.eml")
    process_message(raw, mailbox="support", now=NOW)
    mail = InboundMail.objects.get()

    download = browser(desk.engineer).get(f"/desk/mail/{mail.pk}/raw")

    assert download.status_code == 200
    assert download["Content-Type"] == "message/rfc822"
    assert download["Content-Disposition"] == f'attachment; filename="mail-{mail.pk}.eml"'
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == raw  # type: ignore[attr-defined]
    assert browser(desk.anna).get(f"/desk/mail/{mail.pk}/raw").status_code == 404


def test_a_file_that_is_no_image_is_only_downloaded(desk: Desk) -> None:
    process_message(corpus("outlook_winmail_dat.eml", reference="SD-999"), mailbox="support",
                    now=NOW)  # fmt: skip
    mail = InboundMail.objects.get()

    log = browser(desk.agent).get(f"/desk/mail/{mail.pk}/parts/0")

    assert log["Content-Type"] == "application/octet-stream"
    assert log["Content-Disposition"] == "attachment; filename*=UTF-8''cts-01.log"


def test_releasing_opens_a_request_for_the_chosen_contact(
    desk: Desk, stranger: InboundMail
) -> None:
    vera = desk.contact(desk.vera)  # the lead knows: Ivan writes for Beta, as Vera

    response = browser(desk.lead).post(
        f"/desk/mail/{stranger.pk}/release", {"release-request": "", "release-contact": vera.pk}
    )

    request = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/requests/{request.pk}/"
    assert (request.contact, request.channel, request.priority, request.created_by) == (
        vera,
        "email",
        "P4",
        None,
    )
    assert request.subject == "Хочу подключиться к eXpress"
    stranger.refresh_from_db()
    assert (stranger.state, stranger.request, stranger.handled_by) == (
        QuarantineState.RELEASED,
        request,
        desk.lead,
    )
    released = AuditEvent.objects.get(action="mail.released")
    assert (released.actor, released.data["request"], released.data["contact"]) == (
        desk.lead,
        request.reference,
        vera.pk,
    )


def test_releasing_to_a_request_adds_the_contacts_message(
    desk: Desk, anna_request: Request
) -> None:
    process_message(
        plain(sender="anna.smirnova@gmail.example", subject="Логи", body="Логи с домашнего адреса"),
        mailbox="support",
        now=NOW,
    )
    mail = InboundMail.objects.get()
    anna = desk.contact(desk.anna)

    outcome = actions.release(actor=desk.lead, mail=mail, contact=anna, request=anna_request,
                              now=at(23, 13))  # fmt: skip

    assert (outcome.outcome, outcome.request) == ("appended", anna_request)
    message = anna_request.messages.get()
    assert (message.body, message.contact, message.from_vendor) == (
        "Логи с домашнего адреса",
        anna,
        False,
    )
    mail.refresh_from_db()
    assert (mail.state, mail.added_message) == (QuarantineState.RELEASED, message)


def test_a_released_message_cannot_be_released_or_discarded_again(
    desk: Desk, stranger: InboundMail
) -> None:
    actions.release(actor=desk.lead, mail=stranger, contact=desk.contact(desk.anna), request=None,
                    now=NOW)  # fmt: skip
    before = snapshot()

    with pytest.raises(ActionError, match="already released or discarded"):
        actions.release(actor=desk.lead, mail=stranger, contact=desk.contact(desk.anna),
                        request=None, now=NOW)  # fmt: skip
    with pytest.raises(ActionError, match="already released or discarded"):
        actions.discard(actor=desk.lead, mail=stranger, note="", now=NOW)

    assert snapshot() == before


def test_the_contact_must_belong_to_the_request(
    desk: Desk, stranger: InboundMail, anna_request: Request
) -> None:
    before = snapshot()

    response = browser(desk.lead).post(
        f"/desk/mail/{stranger.pk}/release",
        {"release-request": anna_request.reference, "release-contact": desk.contact(desk.vera).pk},
    )

    assert response.status_code == 400
    assert "Контакт должен принадлежать организации обращения." in response.content.decode()
    assert snapshot() == before


def test_an_unknown_request_reference_is_a_form_error(desk: Desk, stranger: InboundMail) -> None:
    response = browser(desk.lead).post(
        f"/desk/mail/{stranger.pk}/release",
        {"release-request": "SD-424242", "release-contact": desk.contact(desk.anna).pk},
    )

    assert response.status_code == 400
    assert "Обращения SD-424242 нет." in response.content.decode()


def test_discarding_keeps_the_message_and_says_who_and_why(
    desk: Desk, stranger: InboundMail
) -> None:
    with time_machine.travel(at(23, 15), tick=False):
        response = browser(desk.lead).post(
            f"/desk/mail/{stranger.pk}/discard", {"discard-note": "Спам"}
        )

    assert (response.status_code, response["Location"]) == (302, "/desk/mail/")
    stranger.refresh_from_db()
    assert (stranger.state, stranger.handled_by, stranger.handled_at) == (
        QuarantineState.DISCARDED,
        desk.lead,
        at(23, 15),
    )
    assert stranger.raw.read().startswith(b"Return-Path: <ivan.ivanov@gmail.example>")
    discarded = AuditEvent.objects.get(action="mail.discarded")
    assert (discarded.actor, discarded.data) == (
        desk.lead,
        {"reason": "unknown-sender", "note": "Спам"},
    )


@pytest.mark.parametrize("who", ["agent", "manager"])
def test_only_a_lead_decides(desk: Desk, stranger: InboundMail, who: str) -> None:
    before = snapshot()

    with pytest.raises(ActionDenied):
        actions.discard(actor=getattr(desk, who), mail=stranger, note="", now=NOW)
    response = browser(getattr(desk, who)).post(f"/desk/mail/{stranger.pk}/discard", {})

    assert response.status_code == 302
    assert snapshot() == before
