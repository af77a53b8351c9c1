"""Personal API tokens: created from a session, used as bearer, revoked -> 401, hashed."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import time_machine
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from supportdesk.api.models import ApiToken
from supportdesk.audit.models import AuditEvent
from supportdesk.staff.models import StaffMember, StaffRole
from tests.api.helpers import NOW, Api
from tests.tickets.conftest import Desk


def make_token(desk: Desk, name: str = "ci") -> tuple[int, str]:
    answer = Api(desk.anna).post("/tokens", {"name": name})
    assert answer.status_code == 201, answer.content
    return answer.json()["id"], answer.json()["token"]


def test_a_token_is_shown_once_and_stored_only_as_its_hash(desk: Desk) -> None:
    answer = Api(desk.anna).post("/tokens", {"name": "laptop"})
    assert answer.status_code == 201
    body = answer.json()
    raw = body["token"]
    assert raw.startswith(f"sd_{body['prefix']}_")
    assert len(body["prefix"]) == 8
    token = ApiToken.objects.get(pk=body["id"])
    assert (token.user, token.name, token.prefix) == (desk.anna, "laptop", body["prefix"])
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    # The raw token is nowhere in the database.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        assert raw not in repr(cursor.fetchall())
    assert "token" not in Api(desk.anna).get("/tokens").json()[0]
    assert AuditEvent.objects.filter(action="api_token.created", subject_id=str(token.pk)).exists()


def test_the_token_authenticates_and_its_use_is_recorded(desk: Desk) -> None:
    token_id, raw = make_token(desk)
    client = Api(token=raw)
    answer = client.get("/organizations")
    assert answer.status_code == 200
    assert [item["name"] for item in answer.json()["items"]] == ["Alfa"]
    assert ApiToken.objects.get(pk=token_id).last_used_at == NOW


def test_a_token_needs_no_csrf_but_a_session_does(desk: Desk) -> None:
    _, raw = make_token(desk)
    assert Api(token=raw, csrf=True).post("/requests", {}).status_code == 422  # reached parsing
    session = Api(desk.anna, csrf=True)
    refused = session.post("/tokens", {"name": "x"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert session.get("/tokens").status_code == 200  # safe methods need no CSRF token
    secret = get_token(RequestFactory().get("/"))
    session.client.cookies["csrftoken"] = secret
    assert session.post("/tokens", {"name": "x"}, **{"X-CSRFToken": secret}).status_code == 201


def test_revoked_and_unknown_tokens_are_refused_with_a_reason(desk: Desk) -> None:
    token_id, raw = make_token(desk)
    client = Api(token=raw)
    assert client.delete(f"/tokens/{token_id}").status_code == 200
    answer = client.get("/requests")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "the API token was revoked"}
    unknown = Api(token=raw + "x").get("/requests")
    assert (unknown.status_code, unknown.json()) == (401, {"detail": "unknown API token"})
    assert AuditEvent.objects.filter(action="api_token.revoked", subject_id=str(token_id)).exists()


def test_a_bad_token_is_refused_even_with_a_session(desk: Desk) -> None:
    client = Api(desk.anna, token="sd_nothing_here")
    assert client.get("/requests").status_code == 401


def test_tokens_of_an_inactive_user_stop_working(desk: Desk) -> None:
    _, raw = make_token(desk)
    desk.anna.is_active = False
    desk.anna.save()
    assert Api(token=raw).get("/requests").status_code == 401


def test_anonymous_calls_get_401(desk: Desk) -> None:
    answer = Api().get("/requests")
    assert (answer.status_code, answer.json()) == (401, {"detail": "Unauthorized"})
    assert Api().post("/requests", {}).status_code == 401


def test_a_token_cannot_create_tokens(desk: Desk) -> None:
    _, raw = make_token(desk)
    assert Api(token=raw).post("/tokens", {"name": "more"}).status_code == 401


def test_listing_shows_only_your_tokens(desk: Desk) -> None:
    make_token(desk, "anna's")
    Api(desk.vera).post("/tokens", {"name": "vera's"})
    assert [row["name"] for row in Api(desk.anna).get("/tokens").json()] == ["anna's"]


def test_revoking_is_for_the_owner_or_a_support_lead(desk: Desk) -> None:
    token_id, _ = make_token(desk)
    assert Api(desk.vera).delete(f"/tokens/{token_id}").status_code == 404
    assert Api(desk.agent).delete(f"/tokens/{token_id}").status_code == 404
    assert ApiToken.objects.get(pk=token_id).revoked_at is None
    answer = Api(desk.lead).delete(f"/tokens/{token_id}")
    assert (answer.status_code, answer.json()["revoked_at"]) == (200, "2026-11-23T09:00:00Z")
    again = Api(desk.anna).delete(f"/tokens/{token_id}")
    assert (again.status_code, again.json()) == (409, {"detail": "the token is already revoked"})


def test_last_use_is_written_at_most_once_a_minute(desk: Desk) -> None:
    token_id, raw = make_token(desk)
    Api(token=raw).get("/tokens")
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        Api(token=raw).get("/tokens")
    assert ApiToken.objects.get(pk=token_id).last_used_at == NOW
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        Api(token=raw).get("/tokens")
    assert ApiToken.objects.get(pk=token_id).last_used_at == NOW + timedelta(minutes=2)


def test_token_names_are_validated(desk: Desk) -> None:
    assert Api(desk.anna).post("/tokens", {"name": ""}).status_code == 422
    assert Api(desk.anna).post("/tokens", {"name": "x" * 101}).status_code == 422
    assert Api(desk.anna).post("/tokens", {"name": "  "}).status_code == 422


def test_the_admin_lists_tokens_read_only_and_revokes_through_the_action(desk: Desk) -> None:
    token_id, _ = make_token(desk)
    model_admin = admin.site._registry[ApiToken]
    assert {"prefix", "user", "revoked_at"} <= set(model_admin.list_display)
    superuser = User.objects.create_superuser("root", "root@vendor.example", "a-long-password-1")
    StaffMember.objects.create(user=superuser, role=StaffRole.LEAD)
    client = Client()
    client.force_login(superuser)
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200
    page = client.get(f"/admin/api/apitoken/{token_id}/change/")
    assert page.status_code == 200
    assert b'name="token_hash"' not in page.content  # shown, not editable
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [str(token_id)]})
    assert ApiToken.objects.get(pk=token_id).revoked_at == NOW
