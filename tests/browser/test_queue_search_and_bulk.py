"""The queue in Chromium: search (a reference jumps, words list), bulk assign, and the
columns at 1280 px and 375 px."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Request, Scope
from tests.browser.conftest import Console
from tests.browser.test_request_journey import sign_in
from tests.tickets.conftest import DETAILED, Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db(transaction=True)


def open_(desk: Desk, subject: str) -> Request:
    return actions.open_request(
        actor=desk.agent, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject=subject, description=DETAILED, requested_priority=Priority.P2,
        channel=Channel.PHONE, component=desk.messaging, scope=Scope.MASS, now=timezone.now(),
    )  # fmt: skip


def test_search_jumps_to_a_reference_and_lists_words(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    wanted = open_(desk, "Сертификаты просрочены на шлюзе")
    open_(desk, "Другое обращение")
    agent: Page = sign_in(browser, live_server, console, "oleg")
    agent.goto("/desk/")
    agent.keyboard.press("/")
    agent.keyboard.type(f"sd-{wanted.pk}")
    agent.keyboard.press("Enter")
    agent.wait_for_url(f"**/desk/requests/{wanted.pk}/")
    agent.goto("/desk/")
    # Another form of the word: a prefix on SQLite, the same stem on PostgreSQL.
    agent.locator("#id_q").fill("сертификат" if _postgresql() else "сертиф")
    agent.locator("#filters button[type=submit]").click()
    expect(agent.locator("#queue-rows a.row-link")).to_have_count(1)
    expect(agent.locator("#queue-rows")).to_contain_text("Сертификаты просрочены на шлюзе")
    expect(agent.locator("h2.search-title")).to_be_visible()
    assert console == []


def _postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def test_bulk_assign_two_requests(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    first, second = open_(desk, "Первое"), open_(desk, "Второе")
    open_(desk, "Третье")
    agent = sign_in(browser, live_server, console, "oleg")
    agent.goto("/desk/?tab=all")
    agent.locator(f"input[name=ids][value='{first.pk}']").check()
    agent.locator(f"input[name=ids][value='{second.pk}']").check()
    agent.locator("#bulk select[name=operation]").select_option("assign")
    agent.locator("#bulk select[name=assignee]").select_option(str(desk.engineer.pk))
    agent.locator("#bulk button[type=submit]").click()
    agent.wait_for_load_state()
    expect(agent.locator(".flash")).to_contain_text(f"{first.reference}, {second.reference}")
    for item in (first, second):
        item.refresh_from_db()
        assert item.assignee == desk.engineer
    assert console == []


def _inside(page: Page, selector: str, width: int) -> None:
    for box in page.locator(selector).all():
        rect = box.bounding_box()
        assert rect is not None, selector
        assert rect["x"] >= 0, selector
        assert rect["x"] + rect["width"] <= width + 0.5, (selector, rect)


@pytest.mark.parametrize("width", [1280, 375])
def test_countdowns_are_on_screen(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console, width: int
) -> None:
    open_(desk, "A rather long subject that would push the countdown columns off the screen")
    open_(desk, "Short")
    agent = sign_in(browser, live_server, console, "oleg", width=width)
    agent.goto("/desk/?tab=all")
    assert agent.evaluate("document.documentElement.scrollWidth") <= width
    wrap = agent.locator(".table-wrap")
    assert agent.evaluate("(el) => el.scrollWidth <= el.clientWidth", wrap.element_handle())
    _inside(agent, "#queue-rows td.clock-cell .clock", width)
    expect(agent.locator("#queue-rows td.clock-cell .clock").first).to_be_visible()
    if width == 375:  # labelled in the card layout
        label = agent.evaluate(
            "getComputedStyle(document.querySelector('#queue-rows td.clock-cell'),"
            " '::before').content"
        )
        assert label.endswith(': "'), label  # "<column name>: " before the countdown
    assert console == []
