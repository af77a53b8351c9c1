"""The SLA report's entitlement section: hours used and left in the contract year that
holds the report's last day (1x and 2x parts), and that day's quarter's visits."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Sum

from supportdesk.contracts.models import Contract
from supportdesk.entitlements.figures import EntitlementFigures
from supportdesk.entitlements.models import Resource, TimeApproval
from supportdesk.entitlements.reads import balance, current_entries, day_start


def entitlement_figures(
    contract: Contract, last_moment: datetime, *, using: str | None = None
) -> EntitlementFigures:
    """As the ledger stood on the local date of ``last_moment`` (the report's cut-off)."""
    day = last_moment.date()
    hours = balance(contract, Resource.ADMIN_HOURS, day, using=using)
    visits = balance(contract, Resource.ONSITE_VISITS, day, using=using)
    year = hours.periods[0]
    approved = (
        current_entries(contract, using=using)
        .filter(
            debits_hours=True,
            started_at__gte=day_start(contract, year.start),
            started_at__lt=day_start(contract, day + timedelta(days=1)),
            pk__in=TimeApproval.objects.using(using)
            .filter(approved_at__lt=day_start(contract, day + timedelta(days=1)))
            .values("entry_id"),
        )
        .aggregate(
            inside=Sum("in_hours_seconds"),
            outside=Sum("off_hours_seconds"),
            charged=Sum("charged_seconds"),
        )
    )
    inside, outside = int(approved["inside"] or 0), int(approved["outside"] or 0)
    quarter = visits.periods[-1]
    return EntitlementFigures(
        year_start=year.start,
        year_end=year.end,
        hours_available_seconds=hours.quota + hours.granted,
        hours_used_seconds=hours.used,
        hours_left_seconds=hours.left,
        in_hours_seconds=inside,
        off_hours_seconds=outside,
        off_hours_charged_seconds=int(approved["charged"] or 0) - inside,
        quarter_start=quarter.start,
        quarter_end=quarter.end,
        visits_used=visits.used,
        visits_left=visits.left,
    )
