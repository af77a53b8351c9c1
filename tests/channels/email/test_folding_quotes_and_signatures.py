"""A reply's own words: quoted history and signatures are folded away (the whole text is
kept beside them), in the shapes Outlook, Thunderbird, Gmail and The Bat! write."""

from __future__ import annotations

import pytest

from supportdesk.channels.email.bodies import reply_part
from supportdesk.channels.email.parsing import parse
from tests.channels.email.mail import RULES, corpus


def test_outlook_reply_in_russian_stops_at_the_from_sent_block() -> None:
    mail = parse(corpus("outlook_reply_ru.eml"), rules=RULES)

    assert mail.reply == (
        "Добрый день!\n\nПроблема повторилась сегодня в 12:15, задержка снова около 10 минут. "
        "Логи с CTS-01 пришлю отдельным письмом.\n\nС уважением,\nАнна Смирнова\n"
        "ИТ-отдел, ООО «Альфа»"
    )
    assert "Пожалуйста, пришлите логи сервера CTS-01 за сегодня." in mail.text


def test_thunderbird_reply_below_the_quote_keeps_what_follows_it() -> None:
    mail = parse(corpus("thunderbird_reply_ru.eml"), rules=RULES)

    assert mail.reply == ("Версия клиента 3.14.2 (Windows 11), у коллег на macOS та же проблема.")
    assert mail.text.startswith("23.11.2026 12:05, Служба поддержки пишет:\n> Здравствуйте!")


def test_the_bat_signature_is_folded() -> None:
    mail = parse(corpus("koi8r_new_request.eml"), rules=RULES)

    assert mail.reply.endswith("Браузеры Яндекс и Chrome, очистка кэша не помогла.")
    assert "mailto:alla@alfa.example" in mail.text


@pytest.mark.parametrize(
    ("text", "own"),
    [
        (
            "Спасибо, заработало.\n\n-----Исходное сообщение-----\nОт: Поддержка\n"
            "Отправлено: 23 ноября 2026 г. 12:05\nТема: SD-4\n\nПроверьте.",
            "Спасибо, заработало.",
        ),
        (
            "Thanks.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nCheck it.",
            "Thanks.",
        ),
        (
            "Works now.\n\n________________________________\nFrom: Support <s@desk.example>\n"
            "Sent: Monday, November 23, 2026 12:05\nTo: Anna\nSubject: SD-4\n\nCheck it.",
            "Works now.",
        ),
        (
            "Да, всё так.\n\nпн, 23 нояб. 2026 г. в 12:05, Служба поддержки <s@desk.example>:\n"
            "> Подтвердите, пожалуйста.",
            "Да, всё так.",
        ),
        (
            "Yes.\n\nOn Mon, Nov 23, 2026 at 12:05 PM Support Desk <support@desk.example>\n"
            "wrote:\n\n> Please confirm.\n> Thanks",
            "Yes.",
        ),
        (
            "Понедельник, 23 ноября 2026, 12:05 +03:00 от Служба поддержки <s@desk.example>:\n"
            "> Вопрос?\n\nОтвет ниже цитаты.\n\n--\nАнна",
            "Ответ ниже цитаты.",
        ),
        (
            "> вопрос один\nответ один\n> вопрос два\nответ два",
            "ответ один\nответ два",
        ),
        ("> всё письмо — цитата\n> и только", "> всё письмо — цитата\n> и только"),
        ("-- \nтолько подпись", "-- \nтолько подпись"),
    ],
    ids=[
        "Исходное сообщение",
        "Original Message",
        "Outlook on the web rule and From/Sent",
        "Gmail in Russian",
        "Gmail wrapped attribution",
        "Mail.ru, answer below the quote",
        "inline answers",
        "all quote",
        "all signature",
    ],
)
def test_reply_part(text: str, own: str) -> None:
    assert reply_part(text) == own


def test_a_line_ending_in_a_colon_that_quotes_nothing_stays() -> None:
    text = "Проверили следующее:\n- очередь\n- сеть\nОт: отдела эксплуатации тоже ждём ответа."

    assert reply_part(text) == text
