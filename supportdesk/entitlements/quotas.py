"""What each plan includes, as data: the shipped defaults of the offer (SPEC section 10).

Premium: 120 hours of administration per contract year and one on-site visit per calendar
quarter. 8x5 and 24x7 include none: hours are purchased with the ``administration``
add-on, visits with the ``onsite`` add-on (a lead records the purchase in the ledger). A
vendor with other terms changes this table; entries already in the ledger keep the
amounts they were written with.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportdesk.contracts.models import AddOn, Contract

HOUR = 3600


@dataclass(frozen=True, slots=True)
class PlanQuota:
    admin_seconds_per_year: int = 0
    visits_per_quarter: int = 0


PLAN_QUOTAS: dict[str, PlanQuota] = {
    "premium": PlanQuota(admin_seconds_per_year=120 * HOUR, visits_per_quarter=1),
    "8x5": PlanQuota(),
    "24x7": PlanQuota(),
}


def plan_quota(contract: Contract) -> PlanQuota:
    return PLAN_QUOTAS.get(contract.policy_version.plan.code, PlanQuota())


def may_purchase_hours(contract: Contract) -> bool:
    return plan_quota(contract).admin_seconds_per_year > 0 or (
        AddOn.ADMINISTRATION.value in (contract.add_ons or [])
    )


def may_purchase_visits(contract: Contract) -> bool:
    return plan_quota(contract).visits_per_quarter > 0 or (
        AddOn.ONSITE.value in (contract.add_ons or [])
    )
