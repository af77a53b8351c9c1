"""Shipped plans (SPEC section 3) into the database; used by a data migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from supportdesk.slamath.policy import shipped_plans

FIRST_VERSION_FROM = datetime(2019, 1, 1, tzinfo=UTC)


def seed_shipped_plans(apps: Any, schema_editor: Any) -> None:
    plan_model = apps.get_model("sla", "Plan")
    version_model = apps.get_model("sla", "PolicyVersion")
    target_model = apps.get_model("sla", "PolicyTarget")
    calendars = {
        row.name: row for row in apps.get_model("calendars", "BusinessCalendar").objects.all()
    }
    for code, policy in shipped_plans().items():
        plan, created = plan_model.objects.get_or_create(
            code=code,
            defaults={"title": policy.title, "intake_calendar": calendars[policy.intake_calendar]},
        )
        if not created:
            continue
        version = version_model.objects.create(
            plan=plan,
            number=1,
            effective_from=FIRST_VERSION_FROM,
            notes="Shipped with supportdesk (SPEC 3).",
        )
        target_model.objects.bulk_create(
            target_model(
                version=version,
                request_type=request_type.value,
                priority=priority.value,
                reaction_minutes=int(rule.reaction.duration.total_seconds() // 60),
                reaction_calendar=calendars[rule.reaction.calendar],
                resolution_minutes=int(rule.resolution.duration.total_seconds() // 60)
                if rule.resolution
                else None,
                resolution_calendar=calendars[rule.resolution.calendar]
                if rule.resolution
                else None,
            )
            for (request_type, priority), rule in policy.rules.items()
        )
