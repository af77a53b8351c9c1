"""The admin shows one time zone per page and names it: policy versions "take effect at
3:00 MSK", not at a bare "3:00"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from supportdesk.sla.models import PolicyVersion
from tests.tickets.conftest import ensure_shipped_data

pytestmark = pytest.mark.django_db


def admin_client(admin: User, language: str) -> Client:
    client = Client()
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize(
    ("language", "note", "when"),
    [
        ("ru", "Всё время на этой странице — московское (MSK).", "1 января 2026 г. 3:00 MSK"),
        ("en", "All times on this page are Moscow time (MSK).", "Jan. 1, 2026, 3 a.m. MSK"),
    ],
)
def test_policy_versions_take_effect_in_moscow_time_with_the_zone_named(
    admin: User, language: str, note: str, when: str
) -> None:
    ensure_shipped_data()
    version = PolicyVersion.objects.order_by("pk").first()
    assert version is not None
    PolicyVersion.objects.filter(pk=version.pk).update(
        effective_from=datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    )
    page = admin_client(admin, language).get("/admin/sla/policyversion/").content.decode()
    assert note in page
    assert when in page
    assert "web/admin.css" in page  # hides Django's "N hours ahead of server time" note
