"""SLA policy: (plan, request type, priority) -> reaction and resolution targets.

Pure data and lookups. The database keeps versions of these matrices (a request keeps
the version it was opened under); ``data/plans.json`` is the shipped first version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any


class RequestType(StrEnum):
    INCIDENT = "incident"
    CONSULTATION = "consultation"
    ADMIN = "admin"
    PROBLEM = "problem"
    BUG = "bug"
    FEATURE = "feature"
    ONSITE = "onsite"


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class BugClockStop(StrEnum):
    """Where a bug request's resolution clock stops (policy data, per version): when the
    customer gets a workaround, or when the bug is handed to the vendor's development."""

    WORKAROUND = "workaround"
    HANDOFF = "handoff"


# What versions that predate the choice stop at (the migration's default).
DEFAULT_BUG_CLOCK_STOP = BugClockStop.HANDOFF


class PolicyError(LookupError):
    """No target for that plan, request type and priority."""


@dataclass(frozen=True, slots=True)
class Target:
    duration: timedelta
    calendar: str


@dataclass(frozen=True, slots=True)
class PolicyRule:
    reaction: Target
    resolution: Target | None  # None: this request type has no resolution clock


@dataclass(frozen=True, slots=True)
class PlanPolicy:
    plan: str
    title: str
    intake_calendar: str
    rules: Mapping[tuple[RequestType, Priority], PolicyRule]
    bug_clock_stop: BugClockStop = DEFAULT_BUG_CLOCK_STOP

    def rule(self, request_type: RequestType, priority: Priority) -> PolicyRule:
        try:
            return self.rules[request_type, priority]
        except KeyError:
            raise PolicyError(
                f"plan {self.plan!r} has no target for {request_type} {priority}"
            ) from None


def parse_plan(code: str, raw: Mapping[str, Any]) -> PlanPolicy:
    reaction = timedelta(minutes=raw["reaction_minutes"])
    rules = {}
    for type_code, by_priority in raw["resolution"].items():
        for priority_code, value in by_priority.items():
            if value is None:
                calendar = raw["reaction_calendar_without_resolution"]
                rule = PolicyRule(Target(reaction, calendar), None)
            else:
                minutes, calendar = value
                rule = PolicyRule(
                    Target(reaction, calendar), Target(timedelta(minutes=minutes), calendar)
                )
            rules[RequestType(type_code), Priority(priority_code)] = rule
    missing = {(t, p) for t in RequestType for p in Priority} - rules.keys()
    if missing:
        raise PolicyError(f"plan {code!r} misses targets for {sorted(missing)[0]}")
    stop = BugClockStop(raw.get("bug_clock_stop", DEFAULT_BUG_CLOCK_STOP))
    return PlanPolicy(code, raw["title"], raw["intake_calendar"], rules, stop)


@cache
def shipped_plans() -> dict[str, PlanPolicy]:
    text = resources.files("supportdesk.slamath.data").joinpath("plans.json").read_text()
    return {code: parse_plan(code, raw) for code, raw in json.loads(text)["plans"].items()}
