"""Read helper: the SLA policy in force, as pure PlanPolicy objects."""

from __future__ import annotations

from datetime import datetime, timedelta

from supportdesk.sla.models import PolicyVersion
from supportdesk.slamath.policy import (
    PlanPolicy,
    PolicyError,
    PolicyRule,
    Priority,
    RequestType,
    Target,
)


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
    rules = {}
    for row in version.targets.select_related("reaction_calendar", "resolution_calendar"):
        resolution = None
        if row.resolution_minutes is not None and row.resolution_calendar is not None:
            resolution = Target(
                timedelta(minutes=row.resolution_minutes), row.resolution_calendar.name
            )
        rules[RequestType(row.request_type), Priority(row.priority)] = PolicyRule(
            Target(timedelta(minutes=row.reaction_minutes), row.reaction_calendar.name), resolution
        )
    plan = version.plan
    return PlanPolicy(plan.code, plan.title, plan.intake_calendar.name, rules)
