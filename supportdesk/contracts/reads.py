"""Read helpers for contracts."""

from __future__ import annotations

from datetime import date

from supportdesk.contracts.models import Contract


def contract_in_force(organization_id: int, day: date, *, related: bool = True) -> Contract | None:
    """The organization's contract valid on ``day`` (the latest signed, if they overlap).

    With ``related`` (what the pages show) its plan, intake calendar and named people come
    in the same query; registering a request needs the contract row alone."""
    contracts = Contract.objects.filter(
        organization_id=organization_id, valid_from__lte=day, valid_until__gte=day
    ).order_by("-valid_from")
    if related:
        contracts = contracts.select_related(
            "policy_version__plan__intake_calendar", "dedicated_engineer", "personal_manager"
        )
    return contracts.first()
