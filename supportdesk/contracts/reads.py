"""Read helpers for contracts."""

from __future__ import annotations

from datetime import date

from supportdesk.contracts.models import Contract


def contract_in_force(organization_id: int, day: date) -> Contract | None:
    """The organization's contract valid on ``day`` (the latest signed, if they overlap)."""
    return (
        Contract.objects.filter(
            organization_id=organization_id, valid_from__lte=day, valid_until__gte=day
        )
        .select_related(
            "policy_version__plan__intake_calendar", "dedicated_engineer", "personal_manager"
        )
        .order_by("-valid_from")
        .first()
    )
