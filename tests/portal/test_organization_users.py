"""A customer admin manages their organization's people in the portal: invite by e-mail
(an inactive contact and a signed set-password link through the outbox), deactivate
(not themself, not another organization's)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from supportdesk.customers import actions
from supportdesk.customers.models import Contact
from supportdesk.notifications.models import Notification
from supportdesk.staff.permissions import ActionDenied
from tests.tickets.conftest import Desk, at
from tests.tickets.conftest import desk as desk

NOW = at(23, 12)


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_invites_and_the_colleague_sets_a_password(desk: Desk) -> None:
    admin = browser(desk.alfa_admin)
    assert "anna" in admin.get("/portal/users/").text.lower()
    response = admin.post("/portal/users/", {"name": "Dina", "email": "Dina@alfa.example"})
    assert response.status_code == 302
    dina = Contact.objects.get(email="dina@alfa.example")
    assert (dina.organization, dina.is_active, dina.user.is_active) == (desk.alfa, False, False)
    mail = Notification.objects.get(event="contact.invitation")
    assert mail.recipient == "dina@alfa.example"
    token = re.search(r"/portal/invitation/([^/\s]+)/", mail.body)
    assert token is not None
    page = Client()
    assert page.get(f"/portal/invitation/{token.group(1)}/").status_code == 200
    done = page.post(
        f"/portal/invitation/{token.group(1)}/",
        {"new_password1": "a-long-password-9", "new_password2": "a-long-password-9"},
    )
    assert done.status_code == 302
    dina.refresh_from_db()
    assert dina.is_active
    assert dina.user.is_active
    assert Client().login(username="dina@alfa.example", password="a-long-password-9")
    assert page.get(f"/portal/invitation/{token.group(1)}/").status_code == 409


def test_a_user_who_is_no_admin_has_no_users_page(desk: Desk) -> None:
    assert browser(desk.anna).get("/portal/users/").status_code == 404
    assert (
        browser(desk.anna).post("/portal/users/", {"name": "X", "email": "x@a.ex"}).status_code
        == 404
    )
    assert not Contact.objects.filter(email="x@a.ex").exists()


def test_the_admin_deactivates_a_colleague_not_themself_nor_another_organization(
    desk: Desk,
) -> None:
    admin = browser(desk.alfa_admin)
    boris = desk.contact(desk.boris)
    assert admin.post(f"/portal/users/{boris.pk}/deactivate/").status_code == 302
    boris.refresh_from_db()
    desk.boris.refresh_from_db()
    assert (boris.is_active, desk.boris.is_active) == (False, False)
    vera = desk.contact(desk.vera)
    assert admin.post(f"/portal/users/{vera.pk}/deactivate/").status_code == 404
    with pytest.raises(ActionDenied):
        actions.deactivate_user(actor=desk.alfa_admin, contact=vera, now=NOW)
    with pytest.raises(actions.InvitationError):
        actions.deactivate_user(
            actor=desk.alfa_admin, contact=desk.contact(desk.alfa_admin), now=NOW
        )
    vera.refresh_from_db()
    assert vera.is_active


def test_an_invitation_to_an_address_in_use_is_refused(desk: Desk) -> None:
    with pytest.raises(actions.InvitationError):
        actions.invite_user(
            actor=desk.alfa_admin, organization=desk.alfa, name="Anna",
            email=desk.anna.username, now=NOW,
        )  # fmt: skip
    with pytest.raises(ActionDenied):
        actions.invite_user(
            actor=desk.alfa_admin, organization=desk.beta, name="Eve", email="eve@b.ex", now=NOW
        )


def test_the_contract_page_shows_what_is_included(desk: Desk) -> None:
    page = browser(desk.alfa_admin).get("/portal/contract/").text
    assert "A-1" in page
    assert "Egor" in page  # the dedicated engineer
