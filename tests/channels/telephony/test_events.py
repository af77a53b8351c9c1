"""Call events: the neutral webhook and Mango Office build one call per call id, in any
order of arrival, once per event; the caller's number finds the contact; calls never
open requests by themselves; refused and malformed events change nothing but the kept."""

from __future__ import annotations

import itertools
import json

import pytest

from supportdesk.channels.telephony.events import normalize
from supportdesk.channels.telephony.models import Call, CallEvent, CallState, TelephonyIntegration
from supportdesk.customers.models import Contact
from supportdesk.tickets.models import Request
from tests.api.helpers import snapshot
from tests.channels.telephony.conftest import PAVEL, event, mango_json, post_event, post_mango
from tests.tickets.conftest import Desk

EVENTS = [
    event("incoming", at="2026-11-23T11:00:00+03:00"),
    event("answered", at="2026-11-23T11:00:15+03:00"),
    event("hung_up", at="2026-11-23T11:04:15+03:00", duration=240),
    event("recording_ready", at="2026-11-23T11:04:20+03:00",
          recording_url="https://pbx.example/rec/c-1.mp3"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("written", "normalized"),
    [("8 (495) 123-45-67", PAVEL), ("+7 495 123 45 67", PAVEL), ("74951234567", PAVEL),
     ("101", "101"), ("", "")],
)  # fmt: skip
def test_numbers_are_normalized(written: str, normalized: str) -> None:
    assert normalize(written, "RU") == normalized


def _call_fields(call: Call) -> tuple[object, ...]:
    return (call.state, call.started_at, call.answered_at, call.ended_at, call.duration,
            call.from_number, call.contact_id, call.recording_url)  # fmt: skip


def test_any_order_of_events_gives_the_same_call(
    desk: Desk, pbx: TelephonyIntegration, pavel: Contact, settings: object
) -> None:
    finals = set()
    for number, order in enumerate(itertools.islice(itertools.permutations(EVENTS), 0, 24, 5)):
        for body in order:
            answer = post_event({**body, "call_id": f"c-{number}"})
            assert answer.status_code == 200, answer.content
        call = Call.objects.get(call_id=f"c-{number}")
        finals.add(_call_fields(call)[:-1])
    assert len(finals) == 1
    (state, _started, answered, ended, duration, number_from, contact) = finals.pop()
    assert (state, duration, number_from, contact) == (CallState.ENDED, 240, PAVEL, pavel.pk)
    assert answered is not None
    assert ended is not None
    assert not Request.objects.exists()  # calls never start SLA clocks by themselves


def test_a_repeated_event_acts_once(desk: Desk, pbx: TelephonyIntegration) -> None:
    first = post_event(EVENTS[0])
    again = post_event(EVENTS[0])
    assert (first.json()["outcome"], again.json()["outcome"]) == ("taken", "duplicate")
    assert CallEvent.objects.count() == 1


def test_unauthenticated_or_wrongly_signed_events_change_nothing(
    desk: Desk, pbx: TelephonyIntegration, mango: TelephonyIntegration
) -> None:
    before = snapshot()
    assert post_event(EVENTS[0], token=None).status_code == 401
    assert post_event(EVENTS[0], token="wrong").status_code == 403
    assert post_mango("call", mango_json("call_appeared"), salt="wrong").status_code == 403
    assert post_mango("call", mango_json("call_appeared"), key="other").status_code == 403
    assert snapshot() == before
    assert (Call.objects.count(), CallEvent.objects.count()) == (0, 0)


def test_a_malformed_event_is_answered_400_and_kept(desk: Desk, pbx: TelephonyIntegration) -> None:
    for body, reason in (
        (b"[1, 2", "not JSON"),
        (json.dumps(event("ringing", at="2026-11-23T11:00:00+03:00")).encode(), "event must be"),
        (json.dumps(event("incoming", at="2026-11-23T11:00:00")).encode(), "time zone"),
        (json.dumps(event("recording_ready", at="2026-11-23T11:00:00Z")).encode(), "recording_url"),
    ):
        answer = post_event(body)
        assert answer.status_code == 400
        assert reason in answer.json()["detail"]
    assert not Call.objects.exists()
    assert CallEvent.objects.exclude(quarantine_reason="").count() == 4


def test_mango_recorded_events_build_an_answered_call_and_a_missed_one(
    desk: Desk, mango: TelephonyIntegration, pavel: Contact
) -> None:
    for path, name in (("call", "call_disconnected"), ("call", "call_appeared"),
                       ("summary", "summary_answered"), ("call", "call_connected"),
                       ("summary", "summary_missed")):  # fmt: skip
        answer = post_mango(path, mango_json(name))
        assert answer.status_code == 200, answer.content
    assert post_mango("summary", mango_json("summary_answered")).json()["outcome"] == "duplicate"
    answered, missed = Call.objects.order_by("started_at")
    assert (answered.state, answered.duration, answered.contact, answered.from_number) == (
        CallState.ENDED, 240, pavel, PAVEL,
    )  # fmt: skip
    assert (missed.state, missed.contact) == (CallState.MISSED, pavel)
    assert not Request.objects.exists()
