from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from supportdesk.core.demo import load_demo
from supportdesk.sla.models import SlaClock

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_demo_loads_once_with_clocks_in_every_state() -> None:
    assert len(load_demo(now=NOW, password="pw-for-tests-1")) == 5
    assert load_demo(now=NOW, password="pw-for-tests-1") == []
    assert User.objects.get(username="admin").is_superuser
    assert sorted(SlaClock.objects.values_list("status", flat=True)) == [
        "paused",
        "running",
        "running",
        "stopped",
    ]
