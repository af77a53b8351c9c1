"""``parse`` reads what Outlook, Thunderbird, The Bat! and Gmail send: every charset,
encoded-words and raw UTF-8 headers, plain text preferred, HTML made safe."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from supportdesk.channels.email.bodies import html_to_text, sanitize_html, unflow
from supportdesk.channels.email.parsing import MailKind, parse
from tests.channels.email.mail import RULES, corpus


def test_a_thunderbird_mail_in_russian_reads_whole() -> None:
    mail = parse(corpus("thunderbird_new_request_ru.eml"), rules=RULES)

    assert mail.kind == MailKind.ORDINARY
    assert mail.problem == ""
    assert mail.sender == "anna@alfa.example"
    assert mail.sender_name == "Анна Смирнова"
    assert mail.subject == "Задержка сообщений в основном пространстве"
    assert mail.message_id == "8a1f3c52-77d4-4e0b-9a51-2b8c1e0d9f44@alfa.example"
    assert mail.sent_at == datetime(2026, 11, 23, 7, 2, 7, tzinfo=UTC)
    assert mail.recipients == ("support@desk.example",)
    # format=flowed: the soft line breaks are joined again
    assert mail.text.splitlines()[2] == (
        "С 09:40 все пользователи основного пространства получают сообщения с задержкой "
        "около 10 минут. Перезапуск клиента не помогает, очередь на сервере CTS-01 растёт."
    )
    assert mail.text.endswith("Анна Смирнова\nИТ-отдел, ООО «Альфа»\n+7 495 000-00-00")
    assert mail.html == ""
    assert mail.attachments == ()


def test_koi8_r_body_and_headers() -> None:
    mail = parse(corpus("koi8r_new_request.eml"), rules=RULES)

    assert mail.kind == MailKind.ORDINARY
    assert mail.subject == "Не открывается консоль администратора"
    assert mail.sender_name == "Алла Кузнецова"
    assert "консоль администратора на CTS-02 после обновления отвечает ошибкой 502." in mail.text


def test_windows_1251_quoted_printable_body() -> None:
    mail = parse(corpus("cp1251_new_request.eml"), rules=RULES)

    assert mail.subject == "Не приходят push-уведомления на iOS"
    assert mail.sender_name == "Борис Петров"
    assert mail.text == (
        "Добрый день.\n\nС утра на iPhone не приходят push-уведомления о новых сообщениях ни у "
        "кого из сотрудников (около 300 человек). На Android всё работает.\n\n"
        "Борис Петров\nООО «Альфа»"
    )


def test_raw_utf8_headers_of_rfc_6532() -> None:
    mail = parse(corpus("raw_utf8_headers.eml"), rules=RULES)

    assert mail.kind == MailKind.ORDINARY
    assert mail.subject == "Вопрос по настройке маршрутизации"
    assert mail.sender == "anna@alfa.example"
    assert mail.sender_name == "Анна Смирнова"


def test_raw_8_bit_headers_in_the_body_charset_of_an_old_client() -> None:
    raw = (
        b"From: \xe1\xce\xce\xc1 <anna@alfa.example>\r\nTo: support@desk.example\r\n"
        b"Subject: \xf0\xd2\xc9\xd7\xc5\xd4\r\nMessage-ID: <old@alfa.example>\r\n"
        b"Content-Type: text/plain; charset=koi8-r\r\n\r\n\xf4\xc5\xd3\xd4\r\n"
    )

    mail = parse(raw, rules=RULES)

    assert (mail.sender_name, mail.subject, mail.text) == ("Анна", "Привет", "Тест")


def test_the_plain_part_is_preferred_and_the_html_is_kept_safe() -> None:
    mail = parse(corpus("outlook_reply_ru.eml", reference="SD-41"), rules=RULES)

    assert mail.subject == "RE: [SD-41] Задержка сообщений в основном пространстве"
    assert mail.tag == 41
    assert mail.text.startswith("Добрый день!\n\nПроблема повторилась сегодня в 12:15")
    assert "<p>Проблема повторилась сегодня в 12:15" in mail.html
    # no script, no style, no classes, and the tracking pixel lost its address
    for unsafe in ("<script", "alert(", "<style", "font-face", "class=", "tracker.example"):
        assert unsafe not in mail.html
    assert '<img width="1" height="1" alt="">' in mail.html


def test_an_html_only_mail_gets_its_text_from_the_html() -> None:
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>Сервер&nbsp;недоступен</p>"
        "<ul><li>CTS-01</li><li>CTS-02</li></ul><blockquote><p>старое</p></blockquote></body></html>"
    )
    raw = (
        "From: anna@alfa.example\r\nSubject: x\r\nMessage-ID: <h@alfa.example>\r\n"
        'Content-Type: text/html; charset="utf-8"\r\n\r\n' + html
    ).encode()

    mail = parse(raw, rules=RULES)

    assert mail.text == "Сервер недоступен\n- CTS-01\n- CTS-02\n> старое"
    assert mail.reply == "Сервер недоступен\n- CTS-01\n- CTS-02"


def test_sanitizing_shows_inline_images_from_the_message_and_blocks_remote_ones() -> None:
    html = (
        '<p onclick="x()">Hi <a href="javascript:alert(1)">a</a> <a href="https://ok.example/">b</a>'
        '<img src="cid:image001.png@01DB"><img src="https://evil.example/pixel.gif">'
        '<img src="data:image/png;base64,AAAA"><form action="/x"><input name="p"></form></p>'
    )

    shown = sanitize_html(html, image_url=lambda cid: f"/desk/mail/7/parts/{cid}")

    assert shown == (
        '<p>Hi <a rel="noopener noreferrer nofollow">a</a> '
        '<a href="https://ok.example/" rel="noopener noreferrer nofollow">b</a>'
        '<img src="/desk/mail/7/parts/image001.png@01DB"><img><img></p><p></p>'
    )


def test_format_flowed_with_quotes_and_delsp() -> None:
    flowed = "Первая строка \r\nпродолжение.\r\n> цитата \r\n> дальше\r\n-- \r\nподпись"

    assert unflow(flowed, delsp=False) == (
        "Первая строка продолжение.\n> цитата дальше\n-- \nподпись"
    )
    assert unflow("длин-\r\nно", delsp=True) == "длин-\nно"
    assert unflow("слит \r\nно", delsp=True) == "слитно"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<div>a<br>b</div><div>c</div>", "a\nb\nc"),
        ("<table><tr><td>x</td><td>y</td></tr></table>", "x y"),
        ("<pre>  keep   spaces</pre>", "  keep   spaces"),
        ('<p><img src="cid:x" alt="схема"></p>', "[схема]"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text
