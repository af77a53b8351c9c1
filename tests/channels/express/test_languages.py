"""Russian first: the bot speaks Russian to a customer unless their contact's language is
English. Every text of the conversation comes from the catalogue."""

from __future__ import annotations

import re
from typing import Any

import time_machine

from supportdesk.tickets.models import Component, Request
from tests.channels.express.conftest import Messenger
from tests.tickets.conftest import DETAILED, Desk

# What may stay Latin in a Russian chat: names and codes, not words of our catalogue.
NOT_WORDS = re.compile(
    r"https?://\S+|SD-\d+|\bP[1-4]\b|/\w+|\bSLA\b|\bSmartApp\b|\bDLPS\b|\bpush\b|\bCTS\b|\bMSK\b"
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _new_request(chat: Messenger, desk: Desk) -> list[str]:
    """The whole new-request conversation; every text the chat showed (bodies and
    buttons)."""
    with time_machine.travel("2026-03-03 10:00 +03:00", tick=False):  # within support hours
        chat.send("/new")
        chat.send("/pick", data={"field": "type", "value": "incident"})
        chat.send("/pick", data={"field": "component", "value": str(desk.messaging.pk)})
        chat.send("/pick", data={"field": "scope", "value": "mass"})
        chat.send(DETAILED)
        chat.send("/pick", data={"field": "priority", "value": "P2"})
        chat.send("/my")
        chat.send("/cancel")
        chat.send("hello?")  # not a step's answer: the help
        sent = chat.answers()
    texts = []
    for message in sent:
        notification: dict[str, Any] = message["notification"]
        texts.append(notification["body"])
        texts += [button["label"] for row in notification.get("bubble", []) for button in row]
    return texts


def _names(text: str) -> str:
    """The text without what is data, not language: component names, the customer's own
    subject, codes, links."""
    data = [*Component.objects.values_list("name", flat=True), DETAILED]
    for name in data:
        text = text.replace(name, "")
    return NOT_WORDS.sub("", text)


def test_a_russian_contact_hears_russian(anna_in_chat: Messenger, desk: Desk) -> None:
    assert desk.anna.contact.language == "ru"
    texts = _new_request(anna_in_chat, desk)
    reference = Request.objects.get().reference
    assert texts[0] == "Новое обращение. Какого оно типа?"
    assert "инцидент" in texts
    assert f"Обращение {reference} зарегистрировано с приоритетом P2." in texts
    assert "Отменено." in texts
    english = {text: LATIN_WORD.findall(_names(text)) for text in texts}
    assert {text: words for text, words in english.items() if words} == {}


def test_an_english_contact_hears_english(anna_in_chat: Messenger, desk: Desk) -> None:
    contact = desk.anna.contact
    contact.language = "en"
    contact.save(update_fields=["language"])
    texts = _new_request(anna_in_chat, desk)
    reference = Request.objects.get().reference
    assert texts[0] == "New request. What kind of request is it?"
    assert "incident" in texts
    assert f"Request {reference} is registered with priority P2." in texts
    assert "Cancelled." in texts
    assert [text for text in texts if CYRILLIC.search(_names(text))] == []
