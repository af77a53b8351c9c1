"""Changes to SLA policies: a new version is drafted, edited while not yet in force."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max

from supportdesk.audit.record import record
from supportdesk.sla.models import PolicyTarget, PolicyVersion
from supportdesk.staff.permissions import Capability, require

DRAFT_LEAD = timedelta(days=7)


def draft_policy_version(
    *, source: PolicyVersion, actor: User | None, now: datetime
) -> PolicyVersion:
    """A copy of ``source`` as the plan's next version, in force a week from now unless edited."""
    if actor is not None:
        require(actor, Capability.MANAGE_POLICIES)
    with transaction.atomic():
        latest = PolicyVersion.objects.select_for_update().filter(plan=source.plan)
        number = (latest.aggregate(top=Max("number"))["top"] or 0) + 1
        draft = PolicyVersion.objects.create(
            plan=source.plan,
            number=number,
            effective_from=now + DRAFT_LEAD,
            notes=f"Drafted from version {source.number}.",
            bug_clock_stop=source.bug_clock_stop,
        )
        PolicyTarget.objects.bulk_create(
            PolicyTarget(
                version=draft,
                request_type=target.request_type,
                priority=target.priority,
                reaction_minutes=target.reaction_minutes,
                reaction_calendar_id=target.reaction_calendar_id,
                resolution_minutes=target.resolution_minutes,
                resolution_calendar_id=target.resolution_calendar_id,
            )
            for target in source.targets.all()
        )
        record(
            at=now,
            actor=actor,
            action="policy.drafted",
            subject=draft,
            data={"from": source.number},
        )
        return draft
