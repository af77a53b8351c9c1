"""Web chat in Debian's Chromium, two browser contexts against uvicorn on a free loopback
port (Django's threaded test server cannot stream): the customer starts a chat, the agent
takes it from the queue, messages appear live on both sides without a reload, and a page
whose connection dropped catches up without showing a message twice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from pytest_django.fixtures import Settings

from supportdesk.channels.chat.models import Chat
from tests.browser.conftest import Console
from tests.browser.test_request_journey import PASSWORD
from tests.channels.chat.test_stream import Address
from tests.channels.chat.test_stream import server as server
from tests.tickets.conftest import Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db(transaction=True)
TEXT = "The mail server rejects every message since 9:40, users see error 550."


def sign_in(browser: Browser, address: Address, console: Console, username: str) -> Page:
    context = browser.new_context(base_url=f"http://{address[0]}:{address[1]}")
    page = context.new_page()

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            console.append(message.text)

    page.on("console", keep)
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return page


def send(page: Page, text: str) -> None:
    page.locator("form.chat-post textarea[name=text]").fill(text)
    page.locator("form.chat-post button[type=submit]").click()
    expect(page.locator("form.chat-post textarea[name=text]")).to_have_value("")


def test_customer_and_agent_chat_live(
    browser: Browser, server: Address, desk: Desk, console: Console, settings: Settings
) -> None:
    settings.CHAT_PUBSUB_URL = ""
    # Every poll reads the chat from a thread of its own; the tests' shared-cache SQLite
    # refuses a write to a table another thread is reading at that instant ("database
    # table is locked": no busy wait in that mode), which a poll every 200 ms met once in
    # CI while the agent took the chat. The file database of production waits instead.
    settings.CHAT_POLL_MILLISECONDS = 1000
    customer = sign_in(browser, server, console, "anna")
    customer.goto("/portal/chat/")
    customer.locator("textarea[name=text]").fill(TEXT)
    customer.locator("main form button[type=submit]").click()
    expect(customer).to_have_url(re.compile(r"/portal/chat/\d+/$"))
    chat = Chat.objects.get()
    expect(customer.locator("#chat-state")).to_contain_text("Ждём")

    agent = sign_in(browser, server, console, desk.agent.username)
    agent.goto("/desk/chats/")
    expect(agent.locator("table.chats")).to_contain_text(chat.request.reference)
    agent.locator(f"form[action='/desk/chats/{chat.pk}/take'] button").click()
    expect(agent).to_have_url(f"{agent.url.split('/desk')[0]}/desk/chats/{chat.pk}/")
    expect(agent.locator("#chat-transcript")).to_contain_text(TEXT)
    # "agent joined", live on the customer's page
    expect(customer.locator("#chat-state")).to_contain_text("присоединил", timeout=5000)

    send(agent, "Hello, we are looking at it.")
    expect(customer.locator("#chat-transcript")).to_contain_text("we are looking at it")
    send(customer, "Thank you!")
    expect(agent.locator("#chat-transcript")).to_contain_text("Thank you!")

    # The customer's connection drops; what the agent writes meanwhile arrives after it.
    customer.evaluate("document.querySelector('[sse-connect]')['htmx-internal-data']"
                      ".sseEventSource.close()")  # fmt: skip
    send(agent, "Please restart the service.")
    # the extension sees the error and opens a new connection from the last message id
    customer.evaluate(
        "(() => { const source = document.querySelector('[sse-connect]')"
        "['htmx-internal-data'].sseEventSource; source.onerror(new Event('error')); })()"
    )
    expect(customer.locator("#chat-transcript")).to_contain_text("restart the service")
    send(agent, "And tell us.")
    expect(customer.locator("#chat-transcript")).to_contain_text("And tell us.")
    # the first message (the description) and four messages, each once
    expect(customer.locator("#chat-transcript > li")).to_have_count(5)
    expect(agent.locator("#chat-transcript > li")).to_have_count(5)
    # the extension logs the connection error we caused, and Chromium may report the cut
    # stream as an incomplete chunked answer; nothing else (CSP) was logged
    caused = ("[object Event]", "net::ERR_INCOMPLETE_CHUNKED_ENCODING")
    assert [line for line in console if not line.endswith(caused)] == []
