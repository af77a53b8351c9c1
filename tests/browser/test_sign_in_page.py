"""The sign-in page in a real browser: Russian first, English on request, no CSP errors,
usable at 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import Console, open_page
from tests.tickets.conftest import Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_switch_language_and_land_in_the_portal(
    page: Page, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.select_option("#language", "en")
    page.locator(".language button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/portal/")
    assert console == []


def test_the_sign_in_form_fits_a_phone(
    browser: Browser, live_server: LiveServer, console: Console
) -> None:
    phone = open_page(browser, live_server, console, width=375)
    phone.goto("/login/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip"
    phone.context.close()
