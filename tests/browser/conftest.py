"""Real Chromium (Debian's, never a downloaded one) driven by Playwright against the live
test server. `.ci/run` installs Chromium; elsewhere these tests skip when it is missing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = os.environ.get("SUPPORTDESK_CHROMIUM", "/usr/bin/chromium")
# The machine has no network but loopback: keep Chromium from calling home.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the Django calls the tests
    # make around it are ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


class Console(list[str]):
    """Errors the page logged, e.g. Content-Security-Policy violations."""


@pytest.fixture
def console() -> Console:
    return Console()


# Every context a test opened, closed when it ends: an open workspace page polls the
# server (the incoming-call popup), which must not reach the next tests' live server.
_OPENED: list[BrowserContext] = []


@pytest.fixture(autouse=True)
def _close_opened_pages() -> Iterator[None]:
    yield
    while _OPENED:
        _OPENED.pop().close()


def open_page(
    browser: Browser, live_server: LiveServer, console: Console, *, width: int = 1280
) -> Page:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    _OPENED.append(context)
    page = context.new_page()

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            console.append(message.text)

    page.on("console", keep)
    return page


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, console: Console) -> Page:
    return open_page(browser, live_server, console)  # closed by _close_opened_pages
