"""The shipped plans are the offer's table (SPEC section 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from supportdesk.slamath.policy import Priority, RequestType, shipped_plans

HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("plan", "priority", "hours", "calendar"),
    [
        ("8x5", Priority.P1, 5, "ru-support"),
        ("8x5", Priority.P2, 8, "ru-support"),
        ("8x5", Priority.P3, 16, "ru-support"),
        ("8x5", Priority.P4, 40, "ru-support"),
        ("24x7", Priority.P1, 5, "24x7"),
        ("24x7", Priority.P2, 8, "24x7"),
        ("24x7", Priority.P3, 16, "24x7"),
        ("24x7", Priority.P4, 40, "ru-support"),
        ("premium", Priority.P1, 4, "24x7"),
        ("premium", Priority.P2, 6, "24x7"),
        ("premium", Priority.P3, 16, "24x7"),
        ("premium", Priority.P4, 40, "ru-support"),
    ],
)
def test_incident_resolution_targets(
    plan: str, priority: Priority, hours: int, calendar: str
) -> None:
    rule = shipped_plans()[plan].rule(RequestType.INCIDENT, priority)
    assert rule.resolution is not None
    assert rule.resolution.duration == hours * HOUR
    assert rule.resolution.calendar == calendar


@pytest.mark.parametrize(("plan", "minutes"), [("8x5", 60), ("24x7", 60), ("premium", 15)])
def test_reaction_targets(plan: str, minutes: int) -> None:
    for request_type in RequestType:
        for priority in Priority:
            rule = shipped_plans()[plan].rule(request_type, priority)
            assert rule.reaction.duration == timedelta(minutes=minutes)


@pytest.mark.parametrize("plan", ["8x5", "24x7", "premium"])
def test_consultations_run_on_business_hours_on_every_plan(plan: str) -> None:
    for priority in Priority:
        rule = shipped_plans()[plan].rule(RequestType.CONSULTATION, priority)
        assert rule.reaction.calendar == "ru-support"
        assert rule.resolution is not None
        assert rule.resolution.calendar == "ru-support"


def test_intake_is_business_hours_on_8x5_and_around_the_clock_otherwise() -> None:
    assert shipped_plans()["8x5"].intake_calendar == "ru-support"
    assert shipped_plans()["24x7"].intake_calendar == "24x7"
    assert shipped_plans()["premium"].intake_calendar == "24x7"


def test_feature_requests_have_no_resolution_clock() -> None:
    assert shipped_plans()["premium"].rule(RequestType.FEATURE, Priority.P3).resolution is None
