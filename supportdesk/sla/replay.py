"""``supportdesk sla replay``: a request's history as JSON in, its clocks as JSON out.

Reading the input is strict, because scripts rely on the answer: every problem is a
``ReplayError`` naming the field or the event. The policy is the plan's version in force
at the ``opened`` instant; the calendars are the database's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from supportdesk.calendars.engine import Calendars
from supportdesk.core.script import ScriptError, parse_instant
from supportdesk.sla.models import Plan
from supportdesk.sla.policies import as_policy, version_in_force
from supportdesk.slamath.clock import ClockStatus
from supportdesk.slamath.policy import PolicyRule, Priority, RequestType
from supportdesk.slamath.replay import (
    Happened,
    Replayed,
    ReplayedClock,
    ReplayError,
    RequestEvent,
    replay,
)

_TOP = frozenset({"plan", "type", "events", "now"})
_FIELDS: dict[Happened, frozenset[str]] = {
    Happened.OPENED: frozenset({"at", "event", "priority"}),
    Happened.PRIORITY: frozenset({"at", "event", "to", "reason"}),
}
_REQUIRED: dict[Happened, frozenset[str]] = {
    Happened.OPENED: frozenset({"at", "event", "priority"}),
    Happened.PRIORITY: frozenset({"at", "event", "to"}),
}
_PLAIN = frozenset({"at", "event"})
_KINDS = tuple(kind.value for kind in Happened)
_PRIORITIES = tuple(priority.value for priority in Priority)


def _instant(value: object, where: str) -> datetime:
    if not isinstance(value, str):
        raise ReplayError(f"{where} must be an ISO 8601 instant as a string")
    try:
        return parse_instant(value, option=where)
    except ScriptError as error:
        raise ReplayError(str(error)) from None


def _priority(value: object, where: str) -> Priority:
    if isinstance(value, str) and value in _PRIORITIES:
        return Priority(value)
    raise ReplayError(f"{where} must be one of {', '.join(_PRIORITIES)}, not {value!r}")


def _event(number: int, raw: object) -> RequestEvent:
    where = f"event {number}"
    if not isinstance(raw, dict):
        raise ReplayError(f"{where} must be an object")
    name = raw.get("event")
    if not isinstance(name, str) or name not in _KINDS:
        raise ReplayError(f"{where}: 'event' must be one of {', '.join(_KINDS)}, not {name!r}")
    kind = Happened(name)
    allowed, required = _FIELDS.get(kind, _PLAIN), _REQUIRED.get(kind, _PLAIN)
    missing, unknown = sorted(required - raw.keys()), sorted(raw.keys() - allowed)
    if missing:
        raise ReplayError(f"{where} ({kind.value}) lacks {', '.join(map(repr, missing))}")
    if unknown:
        raise ReplayError(f"{where} ({kind.value}) has unknown {', '.join(map(repr, unknown))}")
    at = _instant(raw["at"], f"{where}: 'at'")
    if kind is Happened.OPENED:
        return RequestEvent(kind, at, _priority(raw["priority"], f"{where}: 'priority'"))
    if kind is Happened.PRIORITY:
        reason = raw.get("reason", "")
        if not isinstance(reason, str):
            raise ReplayError(f"{where}: 'reason' must be a string")
        return RequestEvent(kind, at, _priority(raw["to"], f"{where}: 'to'"), reason.strip())
    return RequestEvent(kind, at)


def parse(text: str) -> tuple[str, RequestType, list[RequestEvent], datetime | None]:
    """The plan code, the request type, the events and ``now`` of a replay's input."""
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise ReplayError(f"the input is not JSON ({error})") from None
    if not isinstance(raw, dict):
        raise ReplayError("the input must be a JSON object with 'plan', 'type' and 'events'")
    missing = sorted({"plan", "type", "events"} - raw.keys())
    if missing:
        raise ReplayError(f"the input lacks {', '.join(map(repr, missing))}")
    unknown = sorted(raw.keys() - _TOP)
    if unknown:
        raise ReplayError(f"the input has unknown {', '.join(map(repr, unknown))}")
    if not isinstance(raw["plan"], str):
        raise ReplayError("'plan' must be a plan code such as '8x5'")
    types = tuple(request_type.value for request_type in RequestType)
    if not isinstance(raw["type"], str) or raw["type"] not in types:
        raise ReplayError(f"'type' must be one of {', '.join(types)}, not {raw['type']!r}")
    request_type = RequestType(raw["type"])
    if not isinstance(raw["events"], list):
        raise ReplayError("'events' must be a list")
    events = [_event(number, item) for number, item in enumerate(raw["events"], start=1)]
    now = _instant(raw["now"], "'now'") if raw.get("now") is not None else None
    return raw["plan"], request_type, events, now


def replay_input(text: str) -> Replayed:
    """Replay a request given as the command's JSON, under the plan's policy in force at
    its opening, on the database's calendars."""
    plan, request_type, events, now = parse(text)
    if not events or events[0].kind is not Happened.OPENED:
        raise ReplayError("the first event must be 'opened'")
    bug_only = (Happened.WORKAROUND, Happened.HANDED_TO_DEVELOPMENT)
    for number, event in enumerate(events, start=1):
        if event.kind in bug_only and request_type is not RequestType.BUG:
            raise ReplayError(f"event {number} ({event.kind.value}) happens to a bug only")
    if not Plan.objects.filter(code=plan).exists():
        raise ReplayError(f"unknown plan {plan!r}")
    policy = as_policy(version_in_force(plan, events[0].at))

    def rule(priority: Priority) -> PolicyRule:
        return policy.rule(request_type, priority)

    return replay(
        events, rule=rule, calendars=Calendars(), now=now, bug_clock_stop=policy.bug_clock_stop
    )


def _utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _seconds(duration: timedelta | None) -> int | float | None:
    if duration is None:
        return None
    seconds = round(duration.total_seconds(), 6)
    return int(seconds) if seconds.is_integer() else seconds


def clock_json(clock: ReplayedClock) -> dict[str, Any]:
    state = clock.state
    return {
        "status": state.status.value,
        "target_seconds": _seconds(state.target),
        "calendar": state.calendar,
        "due": _utc(state.due_at) if state.status is ClockStatus.RUNNING else None,
        "stopped_at": _utc(clock.stopped_at),
        "elapsed_seconds": _seconds(state.elapsed),
        "paused_seconds": _seconds(clock.paused),
        "breached": state.breached,
        "breached_at": _utc(state.breached_at),
        "timeline": [
            {
                "at": _utc(event.at),
                "event": event.kind.value,
                "target_seconds": _seconds(event.target),
                "calendar": event.calendar,
                "reason": event.reason,
            }
            for event in clock.events
        ],
    }


def replayed_json(replayed: Replayed) -> Mapping[str, Any]:
    resolution = replayed.resolution
    return {
        "reaction": clock_json(replayed.reaction),
        "resolution": clock_json(resolution) if resolution is not None else None,
    }
