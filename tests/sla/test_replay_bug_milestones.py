"""``supportdesk sla replay`` knows a bug's milestones: the version's choice (shipped:
the hand-off) stops the resolution clock and holds it; other types refuse them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from supportdesk.sla.replay import replay_input, replayed_json
from supportdesk.slamath.replay import ReplayError

pytestmark = pytest.mark.django_db

OPENED = {"at": "2026-11-23T10:00:00+03:00", "event": "opened", "priority": "P3"}


def run(request_type: str, *events: dict[str, Any]) -> dict[str, Any]:
    given = {"plan": "8x5", "type": request_type, "events": [OPENED, *events]}
    return dict(replayed_json(replay_input(json.dumps(given))))


def test_the_hand_off_stops_and_holds_the_clock_the_workaround_does_not() -> None:
    result = run(
        "bug",
        {"at": "2026-11-23T11:00:00+03:00", "event": "workaround"},
        {"at": "2026-11-23T12:00:00+03:00", "event": "handed_to_development"},
        {"at": "2026-11-23T13:00:00+03:00", "event": "waiting"},
        {"at": "2026-11-23T14:00:00+03:00", "event": "customer_replied"},
    )
    resolution = result["resolution"]
    assert resolution["status"] == "stopped"
    assert resolution["elapsed_seconds"] == 2 * 3600
    assert [(e["event"], e["reason"]) for e in resolution["timeline"]] == [
        ("start", ""),
        ("stop", "handed_to_development"),
    ]


def test_an_incident_has_no_milestones() -> None:
    with pytest.raises(ReplayError, match="bug only"):
        run("incident", {"at": "2026-11-23T11:00:00+03:00", "event": "handed_to_development"})
