"""The issue's case: a Premium customer sends an undetailed P1 on Saturday. Rule 1 makes it
P4, whose reaction clock runs on business hours, so it does not start until Monday. The
page and the acknowledgement e-mail say so in the same words (they used to disagree: the
page read the plan's 24/7 intake hours and said nothing)."""

from __future__ import annotations

import time_machine
from django.test import Client

from supportdesk.tickets.models import Request
from tests.notifications.conftest import Inbox
from tests.notifications.conftest import smtp as smtp
from tests.tickets.conftest import Desk, at

SATURDAY_NOON = at(28, 12)
NOTICE_RU = (
    "Обращение зарегистрировано вне часов поддержки для его приоритета: время реакции "
    "начнёт отсчитываться 30.11.2026 в 10:00 (Europe/Moscow)."
)


def test_a_premium_customers_undetailed_p1_on_saturday_page_and_mail_agree(
    desk: Desk,
    smtp: Inbox,
    django_capture_on_commit_callbacks,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.MEDIA_ROOT = settings.VAR_DIR / "media-notice-test"
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    client.force_login(desk.vera)
    data = {
        "request_type": "incident", "environment": "production", "requested_priority": "P1",
        "subject": "Ничего не работает", "description": "Помогите",
    }  # fmt: skip
    with (
        time_machine.travel(SATURDAY_NOON, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = client.post("/portal/new/", data, follow=True).text

    request = Request.objects.get()
    assert (request.requested_priority, request.priority) == ("P1", "P4")
    assert NOTICE_RU in page
    (ack,) = smtp.messages
    assert NOTICE_RU in str(ack.get_content())
