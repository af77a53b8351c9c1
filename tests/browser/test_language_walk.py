"""Issue 12's language walk: every page of the portal, the workspace and the admin that a
customer admin, a support lead and a superuser can reach by following links, rendered in
Chromium in Russian and in English. A page fails on words of the other language (a word
list for English, any Cyrillic letter for Russian) outside what people typed, and on any
raw code such as ``request.attachment_added``.

With SUPPORTDESK_WALK_LIMIT=<n> the walk visits at most n pages per area and language."""

from __future__ import annotations

import os
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from supportdesk.calendars.seed import RU_TITLE
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Scope, Status
from supportdesk.tickets.seed import COMPONENTS
from tests.browser.conftest import Console, open_page
from tests.tickets.conftest import Desk, at
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT = int(os.environ.get("SUPPORTDESK_WALK_LIMIT", "60"))

# What people typed in this walk's data: shown as typed in either language.
TYPED = (
    "Сообщения задерживаются на 10 минут у всех пользователей основного пространства.",
    "Задержка сообщений",
    "Мы смотрим.",
    "Логи приложены.",
    "больше пользователей",
    "Delayed messages",
    "Messages to all users are delayed by ten minutes.",
    "We are looking into it.",
    # The language switch names each language in itself.
    "Русский",
    # The Russian production calendar's own title and the decrees it cites: Russian data.
    RU_TITLE,
    *(name for _code, name in COMPONENTS),  # the catalogue's Russian names, in its admin
)
# Words that give an English page away on a Russian one (names, codes and units aside).
ENGLISH = re.compile(
    r"\b(the|and|of|request|requests|status|priority|reply|clock|resolved|waiting|due|"
    r"assigned|nobody|save|delete|search|add|change|history|home|filter|action|actions|"
    r"registered|reaction|resolution|target|paused|stopped|breached|customer|contract|"
    r"report|reports|new|open|closed|none|yes|no|all|team|calendar|hours|minutes|min|h|select|option)\b",
    re.IGNORECASE,
)
CYRILLIC = re.compile(r"[А-Яа-яЁё]+")
RAW_CODE = re.compile(
    r"\b(?:request|sla|contract|chat|call|mail|account|calendar|feature|development|release|"
    r"installation|express|api_token|staff|contact|entitlement|policy|notification|report)"
    r"\.[a-z]+(?:_[a-z]+)*\b"
)
SKIP = re.compile(
    r"(/logout/|/i18n/|\.csv$|/pdf$|/xlsx$|/raw$|/parts/|/attachments/|/delete/|/history/|"
    r"/password/|/admin/logout/|/rows$|/incoming$|/stream|/r/|\?_changelist_filters=|"
    r"\?o=|\?q=|\?e=|/desk/chats/|/portal/chat/)"
)


def busy_desk(desk: Desk) -> None:
    """A request with a conversation, a pause, a priority raise and a resolution."""
    request = actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Задержка сообщений", description=TYPED[0], requested_priority=Priority.P3,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=at(23, 10),
    )  # fmt: skip
    actions.reply(actor=desk.agent, request=request, body="Мы смотрим.", now=at(23, 10, 30))
    actions.set_status(
        actor=desk.agent, request=request, status=Status.WAITING, reason="", now=at(23, 11)
    )
    actions.reply(actor=desk.anna, request=request, body="Логи приложены.", now=at(23, 11, 30))
    actions.raise_priority(
        actor=desk.agent, request=request, to=Priority.P2, reason="больше пользователей",
        now=at(23, 11, 40),
    )  # fmt: skip
    english = actions.open_request(
        actor=desk.boris, contact=desk.contact(desk.boris), request_type=RequestType.INCIDENT,
        subject="Delayed messages", description=TYPED[6], requested_priority=Priority.P2,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=at(23, 12),
    )  # fmt: skip
    actions.reply(actor=desk.agent, request=english, body=TYPED[7], now=at(23, 12, 30))
    actions.resolve(actor=desk.agent, request=english, summary=TYPED[7], now=at(23, 13))


def signed_in(
    browser: Browser, live_server: LiveServer, console: Console, user: User, language: str
) -> Page:
    client = Client()
    client.force_login(user)
    page = open_page(browser, live_server, console)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            },
            {"name": "django_language", "value": language, "url": live_server.url},
        ]
    )
    return page


def problems_of(text: str, language: str) -> list[str]:
    for typed in TYPED:
        text = text.replace(typed, " ")
    found = [f"raw code {code!r}" for code in RAW_CODE.findall(text)]
    if language == "ru":
        found += [f"English {word!r}" for word in ENGLISH.findall(text)]
    else:
        found += [f"Russian {word!r}" for word in CYRILLIC.findall(text)]
    return found


def walk(page: Page, start: str, language: str) -> tuple[int, dict[str, list[str]]]:
    prefix = start
    queue, seen, failures = deque([start]), {start}, {}
    visited = 0
    while queue and visited < LIMIT:
        path = queue.popleft()
        response = page.goto(path)
        visited += 1
        assert response is not None
        assert response.status < 500, f"{path}: {response.status}"
        # Codes shown as codes (<code>: an e-mail's event header) are not words of a language.
        page.eval_on_selector_all("code", "els => els.forEach(e => e.remove())")
        text = page.locator("body").inner_text()
        text = re.sub(r"Постановление Правительства РФ[^\n]*", " ", text)
        if found := problems_of(text, language):
            failures[path] = sorted(set(found))
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            parts = urlsplit(href)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if (
                parts.path.startswith(prefix)
                and target not in seen
                and not SKIP.search(target)
                and parts.netloc == urlsplit(page.url).netloc
            ):
                seen.add(target)
                queue.append(target)
    return visited, failures


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_page_speaks_one_language(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console, language: str
) -> None:
    busy_desk(desk)
    # The shipped price list comes with a data migration, which a flushed database lost.
    from django.apps import apps

    from supportdesk.billing.seed import seed_price_list

    seed_price_list(apps, None)
    admin = User.objects.create_superuser("root", "root@vendor.example", "a-long-password-1")
    failures: dict[str, list[str]] = {}
    counts = {}
    for user, start in ((desk.alfa_admin, "/portal/"), (desk.lead, "/desk/"), (admin, "/admin/")):
        page = signed_in(browser, live_server, console, user, language)
        counts[start], found = walk(page, start, language)
        failures.update(found)
    assert min(counts.values()) >= 8, counts
    report = "\n".join(f"{path}: {', '.join(words)}" for path, words in sorted(failures.items()))
    assert not failures, report
