"""What a message is: ordinary, an automatic reply, a bounce, our own mail coming back,
too large, or unreadable. Whatever the bytes, ``parse`` answers; it never raises."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportdesk.channels.email.parsing import (
    FIRST_PART_MAX_BYTES,
    MailKind,
    MailRules,
    head_and_first_part,
    parse,
)
from tests.channels.email.mail import RULES, corpus, plain


def test_an_exchange_out_of_office_reply_is_an_automatic_reply() -> None:
    mail = parse(corpus("out_of_office_ru.eml", reference="SD-5"), rules=RULES)

    assert mail.kind == MailKind.AUTO_REPLY
    assert mail.problem == "Auto-Submitted: auto-generated"
    assert mail.subject == (
        "Автоматический ответ: [SD-5] Задержка сообщений в основном пространстве"
    )
    assert mail.tag == 5
    assert mail.text.startswith("Я в отпуске до 30 ноября")


@pytest.mark.parametrize(
    ("headers", "subject", "problem"),
    [
        ("Auto-Submitted: auto-replied", "Re: x", "Auto-Submitted: auto-replied"),
        ("X-Auto-Response-Suppress: OOF", "x", "X-Auto-Response-Suppress: OOF"),
        ("Precedence: bulk", "x", "Precedence: bulk"),
        ("Precedence: junk", "x", "Precedence: junk"),
        ("Precedence: list", "x", "Precedence: list"),
        ("X-Loop: helpdesk@alfa.example", "x", "X-Loop: helpdesk@alfa.example"),
        ("X-Autoreply: yes", "x", "X-Autoreply: yes"),
        ("", "Out of Office: x", "an out-of-office subject: Out of Office: x"),
        ("", "Автоответ: в отпуске", "an out-of-office subject: Автоответ: в отпуске"),
    ],
)  # fmt: skip
def test_automatic_mail_by_its_headers(headers: str, subject: str, problem: str) -> None:
    mail = parse(plain(subject=subject, headers=headers), rules=RULES)

    assert (mail.kind, mail.problem) == (MailKind.AUTO_REPLY, problem)


def test_auto_submitted_no_is_a_person_writing() -> None:
    mail = parse(plain(headers="Auto-Submitted: no"), rules=RULES)

    assert mail.kind == MailKind.ORDINARY


def test_a_delivery_status_notification_names_the_failed_address_and_our_mail() -> None:
    mail = parse(corpus("dsn_bounce.eml", reference="SD-8"), rules=RULES)

    assert mail.kind == MailKind.BOUNCE
    assert mail.problem == "delivery failed for anna@alfa.example (5.1.1)"
    assert mail.bounce is not None
    assert mail.bounce.failed_recipients == ("anna@alfa.example",)
    assert mail.bounce.original_message_id == "sd-notification.7f3c2a91@desk.example"
    assert mail.bounce.original_tag == 8
    assert mail.bounce.status == "5.1.1"
    assert "User unknown in virtual mailbox table" in mail.bounce.diagnostic


def test_a_bounce_without_a_report_is_known_by_its_sender() -> None:
    raw = plain(sender="MAILER-DAEMON@mx.alfa.example", subject="Returned mail")

    mail = parse(raw, rules=RULES)

    assert (mail.kind, mail.bounce) == (MailKind.BOUNCE, None)


def test_our_own_notification_coming_back_is_a_loop() -> None:
    mail = parse(corpus("own_notification_back.eml"), rules=RULES)

    assert (mail.kind, mail.problem) == (MailKind.LOOP, "its Message-ID is ours (@desk.example)")


@pytest.mark.parametrize(
    ("headers", "sender", "problem"),
    [
        ("X-Supportdesk-Event: opened", "anna@alfa.example",
         "it carries our X-Supportdesk-Event header"),
        ("X-Loop: support@desk.example", "anna@alfa.example",
         "X-Loop names us (support@desk.example)"),
        ("", "support@desk.example", "it is from our own address support@desk.example"),
    ],
)  # fmt: skip
def test_other_signs_of_a_loop(headers: str, sender: str, problem: str) -> None:
    mail = parse(plain(sender=sender, headers=headers), rules=RULES)

    assert (mail.kind, mail.problem) == (MailKind.LOOP, problem)


def test_a_reply_to_our_mail_is_no_loop() -> None:
    mail = parse(corpus("outlook_reply_ru.eml"), rules=RULES)

    assert mail.kind == MailKind.ORDINARY
    assert mail.thread_ids == ("sd-notification.7f3c2a91@desk.example",)


def test_a_broken_mime_boundary_is_unparseable_but_its_headers_are_read() -> None:
    mail = parse(corpus("broken_boundary.eml"), rules=RULES)

    assert mail.kind == MailKind.UNPARSEABLE
    assert mail.problem == "broken MIME: the multipart boundary never appears in the body"
    assert (mail.sender, mail.subject) == ("anna@alfa.example", "CTS-01 logs")
    assert mail.message_id == "001201db3d70$5a4b3c20$0fe1b460$@alfa.example"


def test_an_unknown_charset_is_unparseable() -> None:
    mail = parse(corpus("unknown_charset.eml"), rules=RULES)

    assert (mail.kind, mail.problem) == (
        MailKind.UNPARSEABLE,
        "unknown charset 'x-mac-klingon' in the text",
    )


def test_an_unknown_charset_in_the_subject_is_unparseable() -> None:
    mail = parse(plain(subject="=?x-klingon?B?8NLJ18XU?="), rules=RULES)

    assert (mail.kind, mail.problem) == (MailKind.UNPARSEABLE, "unknown charset 'x-klingon'")


def test_a_message_without_a_sender_is_unparseable() -> None:
    mail = parse(plain(sender="undisclosed-recipients:;"), rules=RULES)

    assert (mail.kind, mail.problem) == (MailKind.UNPARSEABLE, "no sender address in From")


def test_an_oversized_message_keeps_its_headers_and_first_part() -> None:
    boundary = "b1"
    text = "See the dump.\r\n"
    dump = b"A" * 76 + b"\r\n"
    raw = (
        (
            "From: anna@alfa.example\r\nTo: support@desk.example\r\nSubject: dump\r\n"
            f"Message-ID: <big@alfa.example>\r\nMIME-Version: 1.0\r\n"
            f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
            f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
            f"--{boundary}\r\nContent-Type: application/octet-stream; name=core.dump\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + dump * 420_000
        + f"--{boundary}--\r\n".encode()
    )
    assert len(raw) > 30 * 2**20 + 1_000_000  # a 30 MiB message or more

    mail = parse(raw, rules=MailRules(max_bytes=25 * 2**20))

    assert mail.kind == MailKind.TOO_LARGE
    assert mail.size == len(raw)
    assert mail.problem == (
        f"{len(raw)} bytes, over the limit of {25 * 2**20}: headers and first part kept"
    )
    assert len(mail.kept) < 1000
    assert mail.kept.startswith(raw[: raw.index(b"\r\n\r\n")])
    assert (mail.sender, mail.subject, mail.text) == ("anna@alfa.example", "dump", "See the dump.")
    assert mail.attachments == ()


def test_the_first_part_of_an_oversized_message_is_cut_at_a_line() -> None:
    raw = b"From: a@b.example\r\nSubject: s\r\n\r\n" + b"line of text\r\n" * 200_000

    kept = head_and_first_part(raw)

    assert len(kept) <= FIRST_PART_MAX_BYTES + 40
    assert kept.endswith(b"line of text\r\n")


@given(st.binary(max_size=2000))
def test_any_bytes_are_answered_never_raised(raw: bytes) -> None:
    mail = parse(raw, rules=RULES)

    assert mail.kind in MailKind
    assert mail.size == len(raw)


@given(st.text(max_size=300))
def test_any_text_after_headers_is_answered(body: str) -> None:
    raw = b"From: anna@alfa.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
    mail = parse(raw + body.encode("utf-8", "surrogatepass"), rules=RULES)

    assert mail.kind in MailKind
