"""Issue 12: the timeline, durations and times of the workspace in one language at a time.
Reasons the system writes are stored as codes and shown in the reader's language; what
people type stays as typed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import translation

from supportdesk.slamath.policy import Priority
from supportdesk.tickets import actions
from supportdesk.tickets.models import Request, Status
from supportdesk.tickets.reasons import decode
from supportdesk.web.display import duration_text, hours_text, when_text
from supportdesk.workspace.timeline import timeline
from tests.tickets.conftest import Desk, at
from tests.workspace.conftest import NOW, browser, open_

RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)+\b|\b[a-z]+_[a-z_]+\b")
ENGLISH = re.compile(
    r"\b(registered|requested|first response|waiting|customer|replied|resolved|reopened|"
    r"clock|target|priority|status|assigned|attached|set by|h|min)\b",
    re.IGNORECASE,
)
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def busy_request(desk: Desk) -> Request:
    request = open_(desk, Priority.P3)
    actions.reply(actor=desk.agent, request=request, body="Мы смотрим.", now=at(23, 10, 30))
    actions.set_status(
        actor=desk.agent, request=request, status=Status.WAITING, reason="", now=at(23, 11)
    )
    actions.reply(actor=desk.anna, request=request, body="Логи приложены.", now=at(23, 11, 30))
    actions.raise_priority(
        actor=desk.agent, request=request, to=Priority.P2, reason="больше пользователей",
        now=at(23, 11, 40),
    )  # fmt: skip
    return Request.objects.get(pk=request.pk)


def lines(request: Request, language: str) -> list[str]:
    with translation.override(language):
        return [f"{entry.title} | {entry.detail}" for entry in timeline(request, now=NOW)]


def test_the_stored_reasons_are_codes_not_sentences(desk: Desk) -> None:
    request = busy_request(desk)
    intake = request.priority_changes.order_by("at").first()
    assert intake is not None
    assert decode(intake.reason) == ("intake.as_requested", {"priority": "P3"})
    reasons = list(request.resolution_clock.events.values_list("reason", flat=True))
    assert reasons[1:3] == ["waiting_for_customer", "customer_replied"]
    assert decode(reasons[3]) == (
        "priority",
        {"from": "P3", "to": "P2", "note": "больше пользователей"},
    )
    assert list(request.reaction_clock.events.values_list("reason", flat=True)) == [
        "",
        "first_response",
    ]


def test_the_russian_timeline_has_no_english_and_no_codes(desk: Desk) -> None:
    shown = lines(busy_request(desk), "ru")
    text = "\n".join(shown)
    assert "зарегистрировано как запрошено (P3)" in text
    assert "первый ответ" in text
    assert "Таймер «Решение»: приостановка | ожидает ответа клиента" in shown
    assert "Таймер «Решение»: возобновление | клиент ответил" in shown
    assert "P3 → P2: больше пользователей" in text  # the agent's words as typed
    assert ENGLISH.findall(text) == []
    assert RAW_CODE.findall(text) == []


def test_the_english_timeline_has_no_russian_but_what_people_typed(desk: Desk) -> None:
    shown = lines(busy_request(desk), "en")
    typed = ("Мы смотрим.", "Логи приложены.", "больше пользователей", "Обмен сообщениями")
    text = "\n".join(shown)
    for words in typed:
        text = text.replace(words, "")
    assert "registered as requested (P3)" in text
    assert "first response" in text
    assert CYRILLIC.findall(text) == []
    assert RAW_CODE.findall(text) == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", ("0 ч 55 мин", "−1 ч 05 мин", "1,5 ч")),
        ("en", ("0 h 55 min", "−1 h 05 min", "1.5 h")),
    ],
)
def test_one_duration_formatter(language: str, expected: tuple[str, str, str]) -> None:
    with translation.override(language):
        assert (
            duration_text(timedelta(minutes=55)),
            duration_text(-timedelta(minutes=65)),
            hours_text(timedelta(minutes=90)),
        ) == expected


def test_a_time_says_its_zone_and_the_customers_beside_it_where_they_differ() -> None:
    instant = at(23, 10)
    with translation.override("en"):
        assert when_text(instant) == "23.11.2026 10:00 MSK"
        assert when_text(instant, "Europe/Moscow") == "23.11.2026 10:00 MSK"
        assert when_text(instant, "Asia/Yekaterinburg") == (
            "23.11.2026 10:00 MSK (12:00 UTC+5 at the customer)"
        )
        assert when_text(at(23, 23), "Asia/Vladivostok") == (
            "23.11.2026 23:00 MSK (24.11.2026 06:00 UTC+10 at the customer)"
        )
    with translation.override("ru"):
        assert when_text(instant, "Europe/Kaliningrad") == (
            "23.11.2026 10:00 MSK (09:00 EET у клиента)"
        )


def test_the_request_page_shows_zones_and_no_english_duration(desk: Desk) -> None:
    request = busy_request(desk)
    page = browser(desk.agent).get(f"/desk/requests/{request.pk}/").text
    assert "MSK" in page
    assert "request.attachment_added" not in page
    assert re.search(r"\d+h \d+m", page) is None


def test_a_component_is_named_in_the_readers_language(desk: Desk) -> None:
    request = open_(desk, Priority.P3)
    agent = browser(desk.agent)
    agent.cookies["django_language"] = "en"
    english = agent.get(f"/desk/requests/{request.pk}/").text
    assert "<dd>Messaging</dd>" in english
    assert "Обмен сообщениями" not in english
    agent.cookies["django_language"] = "ru"
    assert "<dd>Обмен сообщениями</dd>" in agent.get(f"/desk/requests/{request.pk}/").text
