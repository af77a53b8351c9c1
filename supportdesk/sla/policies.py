"""Read helper: the SLA policy in force, as pure PlanPolicy objects."""

from __future__ import annotations

import threading
from datetime import datetime

from supportdesk.sla.models import PolicyVersion
from supportdesk.sla.plain_reads import plan_policy
from supportdesk.slamath.policy import PlanPolicy, PolicyError, PolicyRule, Priority, RequestType


def version_in_force(plan_code: str, at: datetime) -> PolicyVersion:
    version = (
        PolicyVersion.objects.select_related("plan", "plan__intake_calendar")
        .filter(plan__code=plan_code, effective_from__lte=at)
        .order_by("-effective_from", "-number")
        .first()
    )
    if version is None:
        raise PolicyError(f"no SLA policy of plan {plan_code!r} in force at {at.isoformat()}")
    return version


def as_policy(version: PolicyVersion) -> PlanPolicy:
    targets = version.targets.select_related("reaction_calendar", "resolution_calendar")
    return plan_policy(
        plan=version.plan.code,
        title=version.plan.title,
        intake_calendar=version.plan.intake_calendar.name,
        bug_clock_stop=version.bug_clock_stop,
        targets=(
            (
                row.request_type,
                row.priority,
                row.reaction_minutes,
                row.reaction_calendar.name,
                row.resolution_minutes,
                row.resolution_calendar.name if row.resolution_calendar else None,
            )
            for row in targets
        ),
    )


# Versions that were in force when read, by id. A version in force is never edited or
# deleted (the admin refuses both, and requests keep it by a protected key), so an entry
# can never go stale; a draft is not cached, since it may still be edited.
_in_force: dict[int, PlanPolicy] = {}
_lock = threading.Lock()


def policy_of(version_id: int, *, now: datetime) -> PlanPolicy:
    """The version's matrix. Read from the cache when the version was in force when first
    read; otherwise from the database, and cached if it is in force at ``now``."""
    cached = _in_force.get(version_id)
    if cached is not None:
        return cached
    version = PolicyVersion.objects.select_related("plan__intake_calendar").get(pk=version_id)
    policy = as_policy(version)
    if version.effective_from <= now:
        with _lock:
            _in_force[version_id] = policy
    return policy


def policy_rule(
    policy_version_id: int, request_type: str, priority: str, *, now: datetime
) -> PolicyRule:
    """The targets of a (type, priority) cell. Versions in force at ``now`` are cached per
    process (they never change); drafts are read from the database each time."""
    policy = policy_of(policy_version_id, now=now)
    return policy.rule(RequestType(request_type), Priority(priority))
