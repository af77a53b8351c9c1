"""Replays worked out by hand on the 8x5 plan: its clocks run on ``ru-support``,
10:00-19:00 Moscow on Russian working days (9 working hours a day)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from supportdesk.sla.replay import replay_input, replayed_json

pytestmark = pytest.mark.django_db


def run(*events: dict[str, Any], now: str | None = None) -> dict[str, Any]:
    given = {"plan": "8x5", "type": "incident", "events": list(events)}
    if now:
        given["now"] = now
    return dict(replayed_json(replay_input(json.dumps(given))))


def utc(day: int, hour: int, month: int = 11) -> str:
    return datetime(2026, month, day, hour, tzinfo=UTC).isoformat()


def test_a_raise_makes_a_breach_retroactive_at_the_new_due_instant() -> None:
    # P3 (16 h) from Monday 23 Nov 10:00; on Tuesday at 14:00 (13 h elapsed) it becomes
    # P1 (5 h from the same start: due Monday 15:00, already past). Resolved Tuesday 16:00
    # after 9 + 6 = 15 working hours.
    result = run(
        {"at": "2026-11-23T10:00:00+03:00", "event": "opened", "priority": "P3"},
        {"at": "2026-11-23T10:30:00+03:00", "event": "first_response"},
        {"at": "2026-11-24T14:00:00+03:00", "event": "priority", "to": "P1", "reason": "down"},
        {"at": "2026-11-24T16:00:00+03:00", "event": "resolved"},
    )
    resolution = result["resolution"]
    assert resolution["target_seconds"] == 5 * 3600
    assert resolution["elapsed_seconds"] == 15 * 3600
    assert resolution["breached"] is True
    assert resolution["breached_at"] == utc(23, 12)  # Monday 15:00 Moscow
    assert resolution["due"] is None
    assert resolution["stopped_at"] == utc(24, 13)
    # The first response came before the raise: the reaction clock keeps its outcome.
    reaction = result["reaction"]
    assert (reaction["target_seconds"], reaction["elapsed_seconds"]) == (3600, 1800)
    assert [event["event"] for event in reaction["timeline"]] == ["start", "stop"]


def test_a_russian_holiday_is_not_working_time_nor_paused_time() -> None:
    # Wednesday 4 Nov 2026 is National Unity Day. P2 (8 h) from Tuesday 15:00; waiting from
    # 17:00 (2 h worked) to Thursday 11:00: paused Tue 17-19 and Thu 10-11, 3 h. Running
    # again, 6 h left from Thursday 11:00: due Thursday 17:00.
    result = run(
        {"at": "2026-11-03T15:00:00+03:00", "event": "opened", "priority": "P2"},
        {"at": "2026-11-03T15:20:00+03:00", "event": "first_response"},
        {"at": "2026-11-03T17:00:00+03:00", "event": "waiting"},
        {"at": "2026-11-05T11:00:00+03:00", "event": "customer_replied"},
        now="2026-11-05T12:00:00+03:00",
    )
    resolution = result["resolution"]
    assert resolution["status"] == "running"
    assert resolution["elapsed_seconds"] == 3 * 3600
    assert resolution["paused_seconds"] == 3 * 3600
    assert resolution["due"] == utc(5, 14)
    assert (resolution["breached"], resolution["breached_at"]) == (False, None)


def test_while_paused_there_is_no_due_instant() -> None:
    result = run(
        {"at": "2026-11-03T15:00:00+03:00", "event": "opened", "priority": "P2"},
        {"at": "2026-11-03T17:00:00+03:00", "event": "waiting"},
        now="2026-11-05T12:00:00+03:00",
    )
    resolution = result["resolution"]
    assert (resolution["status"], resolution["due"]) == ("paused", None)
    assert resolution["paused_seconds"] == 4 * 3600  # Tue 17-19, Thu 10-12
    # The reaction clock does not pause: 4 h without an answer, breached Tue 16:00.
    assert result["reaction"]["breached_at"] == utc(3, 13)
    assert result["reaction"]["due"] == utc(3, 13)


def test_resolving_without_a_reply_is_the_first_response_and_a_reopening_resumes() -> None:
    # Resolved Monday 15:00 (5 h) without an earlier answer: the resolution summary is the
    # first response, 4 h late. Reopened Tuesday 10:00; at 12:00, 7 h elapsed, and the
    # stopped night is not a pause. 11 h left from Tuesday 10:00, 9 of them on Tuesday:
    # due Wednesday 12:00.
    result = run(
        {"at": "2026-11-23T10:00:00+03:00", "event": "opened", "priority": "P3"},
        {"at": "2026-11-23T15:00:00+03:00", "event": "resolved"},
        {"at": "2026-11-24T10:00:00+03:00", "event": "reopened"},
        now="2026-11-24T12:00:00+03:00",
    )
    reaction, resolution = result["reaction"], result["resolution"]
    assert reaction["stopped_at"] == utc(23, 12)
    assert (reaction["breached"], reaction["breached_at"]) == (True, utc(23, 8))
    assert resolution["status"] == "running"
    assert resolution["stopped_at"] is None
    assert resolution["elapsed_seconds"] == 7 * 3600
    assert resolution["paused_seconds"] == 0
    assert resolution["due"] == utc(25, 9)
    assert [(e["event"], e["reason"]) for e in resolution["timeline"]] == [
        ("start", ""),
        ("stop", "resolved"),
        ("resume", "reopened"),
    ]


def test_a_stop_exactly_at_the_due_instant_is_met_and_a_second_later_is_not() -> None:
    opened = {"at": "2026-11-23T10:00:00+03:00", "event": "opened", "priority": "P3"}
    on_time = run(opened, {"at": "2026-11-23T11:00:00+03:00", "event": "first_response"})
    assert (on_time["reaction"]["breached"], on_time["reaction"]["breached_at"]) == (False, None)
    late = run(opened, {"at": "2026-11-23T11:00:01+03:00", "event": "first_response"})
    assert late["reaction"]["breached"] is True
    assert late["reaction"]["breached_at"] == utc(23, 8)
    assert late["reaction"]["elapsed_seconds"] == 3601
