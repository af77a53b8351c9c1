"""Password reset by e-mail (through the outbox) and password change, for staff and
customers; the sign-in throttle guards the reset form and the current-password check."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from supportdesk.audit.models import AuditEvent
from supportdesk.notifications.models import Notification
from tests.web.conftest import PASSWORD

NEW = "another-long-password-7"


@pytest.fixture(autouse=True)
def empty_counters(db: None) -> None:
    cache.clear()


def russian() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    return client


def test_a_reset_mails_a_link_through_the_outbox_that_sets_the_password_once(anna: User) -> None:
    client = russian()
    response = client.post("/password/reset/", {"email": "ANNA@alfa.example"})
    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"
    mail = Notification.objects.get()
    assert (mail.event, mail.recipient, mail.language) == (
        "account.password_reset_link",
        "anna@alfa.example",
        "ru",
    )
    assert mail.subject == "Сброс пароля"
    link = re.search(r"http\S+/password/reset/\S+/\S+/", mail.body)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert done["Location"] == "/password/reset/done/"
    anna.refresh_from_db()
    assert anna.check_password(NEW)
    assert list(AuditEvent.objects.values_list("action", "actor_id")) == [
        ("account.password_reset", anna.pk)
    ]
    again = Client().get("/" + path, follow=True)
    assert "validlink" in again.context
    assert again.context["validlink"] is False


def test_an_unknown_address_gets_the_same_answer_and_no_mail(db: None) -> None:
    response = russian().post("/password/reset/", {"email": "nobody@example.com"})
    assert (response.status_code, response["Location"]) == (302, "/password/reset/sent/")
    assert Notification.objects.count() == 0


def test_the_throttle_refuses_the_sixth_reset_of_one_address_in_a_window(anna: User) -> None:
    client = russian()
    for _ in range(settings.LOGIN_PAIR_FAILURE_LIMIT):
        assert client.post("/password/reset/", {"email": "anna@alfa.example"}).status_code == 302
    sent = Notification.objects.count()
    refused = client.post("/password/reset/", {"email": "anna@alfa.example"})
    assert refused.status_code == 429
    assert "Слишком много" in refused.content.decode()
    assert Notification.objects.count() == sent


def test_a_signed_in_customer_changes_their_password(anna: User) -> None:
    client = russian()
    client.force_login(anna)
    response = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert (response.status_code, response["Location"]) == (302, "/password/change/done/")
    anna.refresh_from_db()
    assert anna.check_password(NEW)
    assert client.get("/password/change/done/").status_code == 200  # still signed in
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["account.password_changed"]


def test_a_wrong_current_password_changes_nothing_and_is_throttled(admin: User) -> None:
    client = russian()
    client.force_login(admin)
    wrong = {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW}
    for _ in range(settings.LOGIN_PAIR_FAILURE_LIMIT):
        assert client.post("/password/change/", wrong).status_code == 200
    assert client.post("/password/change/", wrong).status_code == 429
    right = {**wrong, "old_password": PASSWORD}
    assert client.post("/password/change/", right).status_code == 429  # not even checked
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)
    assert AuditEvent.objects.count() == 0


def test_the_change_page_needs_a_signed_in_user(db: None) -> None:
    response = Client().get("/password/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
