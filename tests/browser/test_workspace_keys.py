"""The agent workspace in a real browser: keyboard shortcuts, the htmx refresh of the
queue, and a phone-width screen."""

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


def two_requests(desk: Desk) -> list[Request]:
    return [
        actions.open_request(
            actor=desk.agent,
            contact=desk.contact(desk.anna),
            request_type=RequestType.INCIDENT,
            subject=f"Case {n}",
            description=DETAILED,
            requested_priority=Priority.P3,
            channel=Channel.PHONE,
            component=desk.messaging,
            scope=Scope.MASS,
            now=timezone.now(),
        )
        for n in (1, 2)
    ]


def test_j_k_walk_the_queue_and_slash_focuses_the_filter(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    two_requests(desk)
    agent: Page = sign_in(browser, live_server, console, "oleg")
    agent.goto("/desk/?tab=all")
    agent.keyboard.press("j")
    expect(agent.locator("#queue-rows tr.selected")).to_have_count(1)
    first = agent.evaluate("document.activeElement.textContent")
    agent.keyboard.press("j")
    assert agent.evaluate("document.activeElement.textContent") != first
    agent.keyboard.press("k")
    assert agent.evaluate("document.activeElement.textContent") == first
    agent.keyboard.press("/")
    assert agent.evaluate("document.activeElement.id") == "id_q"  # the search box
    assert console == []


def test_the_queue_refreshes_in_place(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    agent = sign_in(browser, live_server, console, "oleg")
    agent.goto("/desk/?tab=all")
    expect(agent.locator("#queue-rows a.row-link")).to_have_count(0)
    two_requests(desk)
    # What the 30-second timer does, now: htmx re-fetches the rows and swaps them in.
    agent.evaluate(
        "htmx.ajax('GET', document.querySelector('#queue-rows').getAttribute('hx-get'),"
        " {target: '#queue-rows', swap: 'innerHTML'})"
    )
    expect(agent.locator("#queue-rows a.row-link")).to_have_count(2)
    assert console == []


def test_the_workspace_fits_a_phone(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    request = two_requests(desk)[0]
    agent = sign_in(browser, live_server, console, "oleg", width=375)
    for path in ("/desk/?tab=all", f"/desk/requests/{request.pk}/", "/desk/new/"):
        agent.goto(path)
        assert agent.evaluate("document.documentElement.scrollWidth") <= 375, path
