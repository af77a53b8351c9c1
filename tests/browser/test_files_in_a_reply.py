"""In a real browser, two people: an agent picks a file for a reply on the workspace
request page and sends it; the customer opens the request on the portal and downloads the
file under its own name with the bytes the agent sent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, FilePayload, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from supportdesk.tickets.models import Attachment
from tests.api.helpers import open_request
from tests.browser.conftest import Console
from tests.browser.test_request_journey import sign_in
from tests.tickets.conftest import Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db(transaction=True)
CONFIG = b"queue: fast\nworkers: 4\n"


def test_an_agent_attaches_a_file_to_a_reply_and_the_customer_downloads_it(
    browser: Browser,
    live_server: LiveServer,
    desk: Desk,
    console: Console,
    settings: Settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    request = open_request(desk, now=timezone.now())

    agent = sign_in(browser, live_server, console, "oleg")
    agent.goto(f"/desk/requests/{request.pk}/")
    agent.locator("#id_reply-body").fill("The fixed configuration is attached.")
    config: FilePayload = {
        "name": "конфиг брокера.yaml",
        "mimeType": "text/plain",
        "buffer": CONFIG,
    }
    agent.locator("#id_reply-attachments").set_input_files(files=[config])
    agent.locator("#form-reply button[type=submit]").click()
    expect(agent).to_have_url(re.compile(rf"/desk/requests/{request.pk}/$"))
    expect(agent.locator("main")).to_contain_text("Ответ отправлен")
    attachment = Attachment.objects.get()
    link = agent.get_by_role("link", name="конфиг брокера.yaml")
    expect(link).to_have_attribute("href", f"/desk/attachments/{attachment.pk}/")
    expect(link.locator("xpath=..")).to_contain_text("23\xa0байт")

    customer = sign_in(browser, live_server, console, "anna")
    customer.goto(f"/portal/requests/{request.pk}/")
    expect(customer.locator("main")).to_contain_text("The fixed configuration is attached.")
    with customer.expect_download() as started:
        customer.get_by_role("link", name="конфиг брокера.yaml").click()
    download = started.value
    assert download.suggested_filename == "конфиг брокера.yaml"
    assert Path(download.path()).read_bytes() == CONFIG
    assert console == []
