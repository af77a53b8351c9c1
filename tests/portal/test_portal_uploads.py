"""Files on the portal's forms: more than one post may carry is refused with a message on
the page (not Django's 400 page) and nothing stored; a file whose bytes contradict its
declared type is refused on the form, which keeps what the customer typed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from supportdesk.tickets.models import Attachment, Request
from tests.multipart import PNG
from tests.portal.test_portal import MONDAY_NOON, file_request, new_request_data
from tests.tickets.conftest import Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday() -> Iterator[None]:
    with time_machine.travel(MONDAY_NOON, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def browser(user: User, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def logs(count: int) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"log-{n}.log", b"line\n", content_type="text/plain")
        for n in range(count)
    ]


def test_eleven_files_on_a_new_request_are_refused_with_a_message(desk: Desk, media: Path) -> None:
    data = new_request_data(attachments=logs(11))
    response = browser(desk.anna).post("/portal/new/", data, follow=True)
    assert response.redirect_chain == [("/portal/new/", 302)]
    assert response.status_code == 200
    assert (
        "Nothing was sent: at most 10 files can be attached at once. "
        "Attach fewer files and send again." in response.text
    )
    assert not Request.objects.exists()
    assert not Attachment.objects.exists()
    assert not media.exists()


def test_eleven_files_on_a_reply_are_refused_in_the_pages_language(desk: Desk, media: Path) -> None:
    ticket = file_request(desk, desk.anna)
    response = browser(desk.anna, "ru").post(
        f"/portal/requests/{ticket.pk}/reply/",
        {"body": "Logs", "attachments": logs(11)},
        follow=True,
    )
    assert response.redirect_chain == [(f"/portal/requests/{ticket.pk}/", 302)]
    assert "Ничего не отправлено: за один раз можно приложить не больше 10 файлов." in (
        response.text
    )
    assert ticket.messages.count() == 0
    assert not media.exists()


def test_ten_files_go_through(desk: Desk) -> None:
    ticket = file_request(desk, desk.anna)
    browser(desk.anna).post(
        f"/portal/requests/{ticket.pk}/reply/", {"body": "Logs", "attachments": logs(10)}
    )
    assert Attachment.objects.filter(message__request=ticket).count() == 10


def test_a_file_whose_bytes_contradict_its_type_is_refused_on_the_form(
    desk: Desk, media: Path
) -> None:
    disguised = SimpleUploadedFile("report.pdf", PNG, content_type="application/pdf")
    data = new_request_data(subject="Relay down", attachments=disguised)
    response = browser(desk.anna).post("/portal/new/", data)
    assert response.status_code == 400
    assert "report.pdf: its contents are image/png, not application/pdf." in response.text
    assert 'value="Relay down"' in response.text  # what was typed stays
    assert not Request.objects.exists()
    assert not media.exists()


def test_the_forms_say_the_limits(desk: Desk) -> None:
    hint = "Up to 10 files, each at most 10.0\xa0MB."
    assert hint in browser(desk.anna).get("/portal/new/").text
    ticket = file_request(desk, desk.anna)
    assert hint in browser(desk.anna).get(f"/portal/requests/{ticket.pk}/").text
