from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from supportdesk.channels.express.models import BotAccount
from supportdesk.core.demo import load_demo
from supportdesk.staff.models import Absence
from supportdesk.tickets.models import Macro, Request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("hour", [3, 12, 22])
def test_demo_loads_once_with_requests_in_every_state(hour: int) -> None:
    now = datetime(2026, 11, 25, hour, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    created = load_demo(now=now, password="pw-for-tests-1")
    assert any(line.startswith("request") for line in created)
    assert load_demo(now=now, password="pw-for-tests-1") == []
    statuses = set(Request.objects.values_list("status", flat=True))
    assert statuses == {"new", "open", "in_progress", "waiting", "resolved", "closed"}
    assert Request.objects.filter(organization__slug="beta", priority="P1").exists()
    assert Request.objects.filter(downgrade_proposals__state="pending").exists()
    # Roles (issue 10): the customer's objection to a correction waits for the lead; the
    # dedicated engineer got the contracts' requests; an absence is on the desk's page.
    objected = Request.objects.get(objections__state="pending")
    assert (objected.priority, objected.organization.slug) == ("P2", "beta")
    assert Absence.objects.filter(member__user__username="agent").exists()
    # Issue 12: canned replies a lead keeps.
    assert "canned reply Запросить журналы" in created
    assert Macro.objects.filter(is_active=True).count() == 2


def test_demo_shows_a_bot_account_that_does_nothing() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    created = load_demo(now=now, password="pw-for-tests-1")
    bot = BotAccount.objects.get()
    assert f"bot account {bot.name} (switched off)" in created
    assert (bot.organization.slug, bot.is_active, bot.host) == ("alfa", False, "cts.alfa.example")
    assert "not-a-secret" in bot.secret_key
    assert load_demo(now=now, password="pw-for-tests-1") == []
    assert BotAccount.objects.count() == 1


def test_the_migrations_create_no_user() -> None:
    """A production start (migrate, then the servers) leaves no account with a known
    password: only the demo, loaded by hand or by `./dev run` on the embedded database,
    creates users."""
    assert not User.objects.exists()
