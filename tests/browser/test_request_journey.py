"""The whole journey in a real browser, two people in two windows: a customer files a
request without details and sees it registered P4; an agent raises it to P2 with a reason
and the countdown shows; the agent proposes a downgrade and the customer accepts it; the
agent resolves and the customer confirms. Another customer cannot open the page (404).

With SUPPORTDESK_SCREENSHOTS=<folder> (``./dev screenshots``) it also saves screenshots of
the main pages there."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from supportdesk.tickets.models import Request
from tests.browser.conftest import Console, open_page
from tests.tickets.conftest import Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-password-1"
SHOTS = os.environ.get("SUPPORTDESK_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def sign_in(
    browser: Browser, live_server: LiveServer, console: Console, username: str, *, width: int = 1280
) -> Page:
    page = open_page(browser, live_server, console, width=width)
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return page


def test_customer_and_agent_take_a_request_from_p4_to_closed(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    customer = sign_in(browser, live_server, console, "anna")
    customer.goto("/portal/new/")
    shot(customer, "portal-new-request")
    customer.locator("input[name=requested_priority][value=P1]").check()
    customer.locator("#id_subject").fill("Nothing works")
    customer.locator("#id_description").fill("Help!")
    customer.locator("main form button[type=submit]").click()
    expect(customer).to_have_url(re.compile(r"/portal/requests/\d+/$"))
    request_id = int(customer.url.rstrip("/").rsplit("/", 1)[1])
    expect(customer.locator("main")).to_contain_text("P4")
    assert Request.objects.get(pk=request_id).requested_priority == "P1"

    agent = sign_in(browser, live_server, console, "oleg")
    agent.goto(f"/desk/requests/{request_id}/")
    agent.locator("#fold-raise > summary").click()  # the rarely used forms fold away
    agent.locator("#id_raise-to").select_option("P2")
    agent.locator("#id_raise-reason").fill("Mass failure confirmed by the logs")
    agent.locator("#form-raise button[type=submit]").click()
    expect(agent.locator("main")).to_contain_text("Mass failure confirmed by the logs")
    assert Request.objects.get(pk=request_id).priority == "P2"
    agent.goto("/desk/?tab=all")
    row = agent.locator("tr", has=agent.locator(f"a[href='/desk/requests/{request_id}/']"))
    expect(row.locator(".clock").first).to_be_visible()

    agent.goto(f"/desk/requests/{request_id}/")
    agent.locator("#fold-downgrade > summary").click()
    agent.locator("#id_downgrade-to").select_option("P3")
    agent.locator("#id_downgrade-reason").fill("Workaround: restart the client")
    agent.locator("#form-downgrade button[type=submit]").click()
    shot(agent, "desk-request")
    assert Request.objects.get(pk=request_id).priority == "P2"  # until the customer agrees

    customer.goto(f"/portal/requests/{request_id}/")
    customer.locator("button[name=decision][value=accept]").click()
    customer.wait_for_load_state()
    assert Request.objects.get(pk=request_id).priority == "P3"

    agent.goto(f"/desk/requests/{request_id}/")
    agent.locator("#id_resolve-summary").fill("Fixed in client 2.4.1")
    agent.locator("#form-resolve button[type=submit]").click()
    agent.wait_for_load_state()
    assert Request.objects.get(pk=request_id).status == "resolved"

    customer.goto(f"/portal/requests/{request_id}/")
    shot(customer, "portal-request-resolved")
    customer.locator(f"form[action='/portal/requests/{request_id}/confirm/'] button").click()
    customer.wait_for_load_state()
    assert Request.objects.get(pk=request_id).status == "closed"

    stranger = sign_in(browser, live_server, console, "vera")
    response = stranger.goto(f"/portal/requests/{request_id}/")
    assert response is not None
    assert response.status == 404
    console[:] = [line for line in console if "404" not in line]  # the expected one
    assert console == []

    phone = sign_in(browser, live_server, console, "anna", width=375)
    phone.goto(f"/portal/requests/{request_id}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "portal-request-phone")
