"""Notifications of one new group at the same moment (an HA pair, a storm), and the first
events of one call: they meet on the unique group (call) and one request (call) is made;
the later ones are taken again as additions."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from supportdesk.channels.alertmanager.actions import take
from supportdesk.channels.alertmanager.models import AlertGroup, AlertIntegration
from supportdesk.channels.telephony.actions import take_event
from supportdesk.channels.telephony.events import CallEventData
from supportdesk.channels.telephony.models import Call, CallEvent, TelephonyIntegration
from supportdesk.tickets.models import Request
from tests.channels.alertmanager.conftest import payload, with_alert
from tests.tickets.conftest import Desk, at

WORKERS = 4
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers are PostgreSQL's; the embedded SQLite runs one at a time",
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(work: Callable[[int], object]) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def worker(index: int) -> None:
        try:
            start.wait()
            work(index)
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_four_first_notifications_of_a_group_open_one_request(
    desk: Desk, monitoring: AlertIntegration
) -> None:
    bodies = [
        json.dumps(with_alert(payload("firing"), f"{index:016d}", instance=f"h{index}")).encode()
        for index in range(WORKERS)
    ]
    _race(lambda index: take(monitoring, bodies[index], now=at(23, 11)))
    request = Request.objects.get()
    group = AlertGroup.objects.get()
    assert group.request == request
    assert len(group.firing) == 1 + WORKERS
    assert group.notifications == WORKERS


def test_four_first_events_of_a_call_make_one_call(desk: Desk) -> None:
    pbx = TelephonyIntegration.objects.create(slug="pbx", name="PBX", provider="neutral", token="t")
    kinds = ["incoming", "answered", "hung_up", "recording_ready"]

    def event(index: int) -> object:
        kind = kinds[index]
        return take_event(
            pbx,
            CallEventData(
                call_id="c-1", kind=kind, key=f"c-1/{kind}", at=at(23, 11, index),
                from_number="+74951234567", recording_url="https://pbx.example/r.mp3",
            ),
            "{}",
            now=at(23, 12),
        )  # fmt: skip

    _race(event)
    call = Call.objects.get()
    assert CallEvent.objects.count() == WORKERS
    assert (call.state, call.answered_at, call.ended_at) == ("ended", at(23, 11, 1), at(23, 11, 2))
