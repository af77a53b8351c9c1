"""Sign-in, the front door, CSP and the language switch (the throttle has its own file)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel, Scope
from tests.tickets.conftest import DETAILED, Desk
from tests.tickets.conftest import desk as desk

pytestmark = pytest.mark.django_db


def test_sign_in_sends_staff_to_the_desk_and_customers_to_the_portal(desk: Desk) -> None:
    for user, place in ((desk.agent, "/desk/"), (desk.anna, "/portal/")):
        browser = Client()
        response = browser.post(
            "/login/", {"username": user.username, "password": "a-long-password-1"}
        )
        assert response.status_code == 302
        assert browser.get("/").headers["Location"] == place


def test_pages_carry_a_content_security_policy() -> None:
    response = Client().get("/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_forms_need_the_csrf_token() -> None:
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/login/", {"username": "x", "password": "y"}).status_code == 403


def test_russian_by_default_and_english_on_request() -> None:
    browser = Client()
    assert 'lang="ru"' in browser.get("/login/").text
    browser.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert 'lang="en"' in browser.get("/login/").text


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    assert Client().get("/").headers["Location"] == "/login/"
    assert User.objects.count() == 0


def test_refusals_of_the_actions_speak_the_page_language(desk: Desk) -> None:
    request = actions.open_request(
        actor=desk.anna, contact=desk.contact(desk.anna), request_type=RequestType.INCIDENT,
        subject="Calls drop", description=DETAILED, requested_priority=Priority.P3,
        channel=Channel.PORTAL, component=desk.messaging, scope=Scope.MASS, now=timezone.now(),
    )  # fmt: skip
    browser = Client()
    browser.force_login(desk.anna)
    page = browser.post(f"/portal/requests/{request.pk}/confirm/", follow=True)
    assert "Подтвердить можно только решённое обращение." in page.text
