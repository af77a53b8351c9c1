"""Who may see which contracts' SLA reports and analytics: one place for the rules the
portal and the workspace read.

- SLA reports: staff every contract; a customer admin their own organization's.
- Analytics: support leads every contract; a customer admin the contracts of their own
  organization that carry the extended analytics add-on.

Nobody else sees any; a contract the user may not see is "not found", so its existence
does not leak.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db.models import QuerySet

from supportdesk.contracts.models import AddOn, Contract
from supportdesk.reports.periods import Period, PeriodKind, previous_month
from supportdesk.tickets.access import NotFound, contact_of, is_lead, is_staff

MONTHS_LISTED = 24


def has_analytics(contract: Contract) -> bool:
    return AddOn.EXTENDED_REPORTING.value in (contract.add_ons or [])


def analytics_contracts(user: User) -> list[Contract]:
    """The contracts whose analytics ``user`` may read, newest first per organization.
    (The add-ons are a JSON list, which SQLite cannot search: an organization has a
    handful of contracts, so they are filtered here.)"""
    contracts = Contract.objects.select_related("organization", "policy_version__plan")
    if is_lead(user):
        return list(contracts.order_by("organization__name", "-valid_from"))
    contact = contact_of(user)
    if contact is None or not contact.is_customer_admin:
        return []
    own = contracts.filter(organization_id=contact.organization_id).order_by("-valid_from")
    return [contract for contract in own if has_analytics(contract)]


def get_analytics_contract(user: User, contract_id: int) -> Contract:
    for contract in analytics_contracts(user):
        if contract.pk == contract_id:
            return contract
    raise NotFound(f"no contract {contract_id}")


# -- SLA reports ----------------------------------------------------------------------------


def report_contracts(user: User) -> QuerySet[Contract]:
    contracts = Contract.objects.select_related("organization", "policy_version__plan")
    if is_staff(user):
        return contracts
    contact = contact_of(user)
    if contact is None or not contact.is_customer_admin:
        return contracts.none()
    return contracts.filter(organization_id=contact.organization_id)


def get_report_contract(user: User, number: str) -> Contract:
    """The contract if ``user`` may read its reports; NotFound otherwise (existence never
    leaks to another organization)."""
    contract = report_contracts(user).filter(number=number).first()
    if contract is None:
        raise NotFound(f"no contract {number}")
    return contract


def report_months(contract: Contract, *, today: date) -> list[date]:
    """The months with a report, newest first: from the contract's first month to the
    current one (so far) or its last, at most ``MONTHS_LISTED``."""
    first = contract.valid_from.replace(day=1)
    last = min(today, contract.valid_until).replace(day=1)
    months: list[date] = []
    month = last
    while month >= first and len(months) < MONTHS_LISTED:
        months.append(month)
        month = previous_month(month)
    return months


def is_reportable(contract: Contract, period: Period | date, *, today: date) -> bool:
    """A period (a month: its first day) the contract was valid in, begun by ``today``."""
    if not isinstance(period, Period):
        period = Period.month(period)
    return (
        period.start <= today
        and period.end > contract.valid_from
        and period.start <= contract.valid_until
    )


def report_years(contract: Contract, *, today: date) -> list[Period]:
    """The calendar years with a report, newest first."""
    last = min(today, contract.valid_until).year
    return [
        Period(PeriodKind.YEAR, date(year, 1, 1))
        for year in range(last, contract.valid_from.year - 1, -1)
    ]
