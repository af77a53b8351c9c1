"""The analytics page in a real browser: the vendored Chart.js draws the charts from
json_script data, and the page logs no CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from supportdesk.slamath.policy import Priority
from tests.browser.conftest import Console
from tests.tickets.conftest import Desk, at
from tests.tickets.conftest import desk as desk
from tests.workspace.conftest import open_

pytestmark = pytest.mark.django_db(transaction=True)


def test_charts_render_under_the_csp(
    page: Page, live_server: LiveServer, desk: Desk, console: Console
) -> None:
    open_(desk, Priority.P3, "charted", when=at(23, 10))
    page.goto("/login/")
    page.fill("#id_username", "lena")
    page.fill("#id_password", "a-long-password-1")
    page.locator("form:not(.language) button[type=submit]").last.click()
    page.goto("/desk/analytics/?month=2026-11")
    canvas = page.locator('canvas[data-chart="chart-by_channel"]')
    expect(canvas).to_have_attribute("data-drawn", "true")
    assert canvas.bounding_box()["height"] > 100  # type: ignore[index]
    assert console == []
