"""Files in a message: attachments, inline images (``cid:``) and Outlook's winmail.dat."""

from __future__ import annotations

from supportdesk.channels.email.parsing import MailKind, parse
from tests.channels.email.mail import RULES, corpus


def test_an_inline_screenshot_is_a_file_the_html_points_to() -> None:
    mail = parse(corpus("outlook_inline_image.eml"), rules=RULES)

    assert mail.kind == MailKind.ORDINARY
    [image] = mail.attachments
    assert (image.name, image.content_type, image.inline) == ("image001.png", "image/png", True)
    assert image.content_id == "image001.png@01DB3D7A.2E4F9C10"
    assert image.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert 'src="cid:image001.png@01DB3D7A.2E4F9C10"' in mail.html
    assert mail.inline_image("image001.png@01DB3D7A.2E4F9C10") == image
    assert mail.reply == (
        "Вот как это выглядит у пользователей:\n\n[cid:image001.png@01DB3D7A.2E4F9C10]\n\nАнна"
    )


def test_winmail_dat_is_unpacked_into_its_files() -> None:
    mail = parse(corpus("outlook_winmail_dat.eml"), rules=RULES)

    assert mail.kind == MailKind.ORDINARY
    assert mail.text == "Логи и отчёт во вложении.\n\nАнна"
    assert [(part.name, part.content_type) for part in mail.attachments] == [
        ("cts-01.log", "text/x-log"),
        ("report.pdf", "application/pdf"),
    ]
    log, pdf = mail.attachments
    assert log.data.startswith(b"2026-11-23 12:14:58,112 WARN  [queue] delivery backlog")
    assert pdf.data.startswith(b"%PDF-1.4")


def test_a_file_sent_as_octet_stream_gets_the_type_of_its_name() -> None:
    raw = (
        b"From: anna@alfa.example\r\nSubject: logs\r\nMessage-ID: <f@alfa.example>\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
        b'Content-Type: application/octet-stream; name="=?utf-8?B?0L7RgtGH0ZHRgi5wZGY=?="\r\n'
        b"Content-Disposition: attachment;\r\n"
        b" filename*=utf-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
    )

    mail = parse(raw, rules=RULES)

    [report] = mail.attachments
    assert (report.name, report.content_type, report.data, report.inline) == (
        "отчёт.pdf",
        "application/pdf",
        b"%PDF-1.4\n",
        False,
    )


def test_a_forwarded_message_stays_one_attachment() -> None:
    inner = b"From: x@y.example\r\nSubject: inner\r\n\r\ninner text\r\n"
    raw = (
        b"From: anna@alfa.example\r\nSubject: Fwd\r\nMessage-ID: <fw@alfa.example>\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nforwarding\r\n--b\r\n"
        b"Content-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--b--\r\n"
    )

    mail = parse(raw, rules=RULES)

    assert mail.text == "forwarding"
    [forwarded] = mail.attachments
    assert (forwarded.name, forwarded.content_type) == ("message-2.eml", "message/rfc822")
    assert b"inner text" in forwarded.data
