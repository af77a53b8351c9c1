"""The SLA policy in force, built from its rows and read with plain SQL, without Django.

``plan_policy`` is the one place that turns a policy version's rows into a ``PlanPolicy``:
``policies.as_policy`` calls it with model rows, ``sla targets`` on the command line with
rows read here (see ``supportdesk/calendars/plain_reads.py`` for why).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from supportdesk.calendars.plain_reads import Rows
from supportdesk.slamath.policy import (
    BugClockStop,
    PlanPolicy,
    PolicyError,
    PolicyRule,
    Priority,
    RequestType,
    Target,
)

# (request type, priority, reaction minutes, reaction calendar, resolution minutes or None,
# resolution calendar or None)
type TargetRow = tuple[str, str, int, str, int | None, str | None]


def plan_policy(
    *,
    plan: str,
    title: str,
    intake_calendar: str,
    bug_clock_stop: str,
    targets: Iterable[TargetRow],
) -> PlanPolicy:
    rules = {}
    for (
        request_type,
        priority,
        reaction,
        reaction_calendar,
        resolution,
        resolution_calendar,
    ) in targets:
        resolution_target = None
        if resolution is not None and resolution_calendar is not None:
            resolution_target = Target(timedelta(minutes=resolution), resolution_calendar)
        rules[RequestType(request_type), Priority(priority)] = PolicyRule(
            Target(timedelta(minutes=reaction), reaction_calendar), resolution_target
        )
    return PlanPolicy(plan, title, intake_calendar, rules, BugClockStop(bug_clock_stop))


def as_instant(value: datetime | str) -> datetime:
    """A timestamp column's value: aware (PostgreSQL) or naive UTC, as a ``datetime``
    (Django's SQLite) or ISO text (SQLite)."""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


_VERSIONS = (
    "SELECT v.id, v.effective_from, v.number, v.bug_clock_stop, p.code, p.title, c.name "
    "FROM sla_policyversion v JOIN sla_plan p ON p.id = v.plan_id "
    "JOIN calendars_businesscalendar c ON c.id = p.intake_calendar_id WHERE p.code = %s"
)
_TARGETS = (
    "SELECT t.request_type, t.priority, t.reaction_minutes, reaction.name, "
    "t.resolution_minutes, resolution.name FROM sla_policytarget t "
    "JOIN calendars_businesscalendar reaction ON reaction.id = t.reaction_calendar_id "
    "LEFT JOIN calendars_businesscalendar resolution "
    "ON resolution.id = t.resolution_calendar_id WHERE t.version_id = %s"
)


def policy_in_force(rows: Rows, plan_code: str, at: datetime) -> PlanPolicy:
    """The plan's version in force at ``at`` (the latest in force from, then the highest
    number, as ``policies.version_in_force``); PolicyError when there is none."""
    # A plan has a handful of versions: choosing here keeps the SQL free of the two
    # databases' different timestamp comparisons.
    in_force = [
        (as_instant(effective_from), number, pk, stop, code, title, intake)
        for pk, effective_from, number, stop, code, title, intake in rows(_VERSIONS, [plan_code])
        if as_instant(effective_from) <= at
    ]
    if not in_force:
        raise PolicyError(f"no SLA policy of plan {plan_code!r} in force at {at.isoformat()}")
    _from, _number, pk, stop, code, title, intake = max(in_force)
    return plan_policy(
        plan=code,
        title=title,
        intake_calendar=intake,
        bug_clock_stop=stop,
        targets=rows(_TARGETS, [pk]),
    )
