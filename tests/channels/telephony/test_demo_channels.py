"""The demo shows the live channels: a call to register, a missed call to call back, a
firing alert's P1 incident and an alert group proposed for resolution."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from supportdesk.channels.alertmanager.models import AlertGroup
from supportdesk.channels.telephony.models import Call
from supportdesk.channels.telephony.reads import callback_queue
from supportdesk.core.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_calls_and_alerts() -> None:
    load_demo(now=datetime(2026, 11, 25, 12, tzinfo=ZoneInfo("Europe/Moscow")), password="pw-1")
    finished = Call.objects.get(state="ended")
    assert finished.contact is not None
    assert finished.request is None
    assert [call.call_id for call in callback_queue()] == ["demo-2"]
    firing, proposed = AlertGroup.objects.order_by("resolution_proposed")
    assert (firing.request.priority, firing.request.channel) == ("P1", "monitoring")
    assert proposed.resolution_proposed
