"""The API docs in a real browser: Swagger UI renders every operation under the site's own
Content-Security-Policy, loads nothing from another origin, and "Try it out" works from a
signed-in session (CSRF included)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from supportdesk.api.models import ApiToken
from tests.api.test_errors_and_schema import ENDPOINTS
from tests.browser.conftest import Console
from tests.browser.test_request_journey import sign_in
from tests.tickets.conftest import Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_render_every_operation_with_no_csp_violation(
    page: Page, live_server: LiveServer, console: Console
) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto("/api/docs")
    expect(page.locator(".opblock")).to_have_count(len(ENDPOINTS))  # every served operation
    expect(page.locator(".opblock-summary-path").first).to_contain_text("/api/v1/")
    expect(page.locator(".info .title")).to_contain_text("supportdesk")
    assert console == []
    assert fetched, "the page fetched nothing"
    assert [url for url in fetched if not url.startswith(f"{live_server.url}/")] == []


def test_try_it_out_creates_a_token_from_the_session(
    browser: Browser, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    agent = sign_in(browser, live_server, console, "oleg")
    answers: list[int] = []

    def keep(request: Request) -> None:
        if request.url.endswith("/api/v1/tokens") and request.method == "POST":
            response = request.response()
            answers.append(response.status if response else 0)

    agent.on("requestfinished", keep)
    agent.goto("/api/docs")
    create = agent.locator("#operations-tokens-supportdesk_api_tokens_create_token")
    create.locator(".opblock-summary").click()
    create.get_by_role("button", name="Try it out").click()
    create.locator("textarea.body-param__text").fill('{"name": "from the docs"}')
    create.get_by_role("button", name="Execute").click()
    status = create.locator(".live-responses-table tbody .response-col_status")
    expect(status).to_have_text("201")
    assert answers == [201]
    assert ApiToken.objects.get(user=desk.agent).name == "from the docs"
    assert console == []
