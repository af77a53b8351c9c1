"""The demo's part of section 4: a bug handed to development, a feature request with
votes of two organizations, a client release that Beta (with the add-on) has to publish."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from supportdesk.core.demo import load_demo
from supportdesk.development.models import (
    DevelopmentItem,
    FeatureRequest,
    ItemStatus,
    PublicationTask,
)

pytestmark = pytest.mark.django_db


def test_the_demo_shows_development_and_releases() -> None:
    load_demo(now=datetime(2026, 11, 25, 12, tzinfo=ZoneInfo("Europe/Moscow")), password="pw-1")
    item = DevelopmentItem.objects.select_related("request").get()
    assert item.status == ItemStatus.ACCEPTED
    assert item.request.workaround.text
    clock = item.request.resolution_clock
    assert clock is not None
    assert clock.status == "stopped"
    feature = FeatureRequest.objects.get()
    assert feature.votes.count() == 2
    task = PublicationTask.objects.select_related("contract__organization").get()
    assert task.contract.organization.slug == "beta"
    assert task.done_at is None
