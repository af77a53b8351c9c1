"""Who sees which contract's SLA reports: staff every contract; a customer admin their own
organization's; nobody else. One place for the rule, read by the portal and the desk."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db.models import QuerySet

from supportdesk.contracts.models import Contract
from supportdesk.reports.sla_report import next_month, previous_month
from supportdesk.tickets.access import NotFound, contact_of, is_staff

MONTHS_LISTED = 24


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


def is_reportable(contract: Contract, month: date, *, today: date) -> bool:
    """A month the contract was valid in, not in the future."""
    return (
        month <= today.replace(day=1)
        and next_month(month) > contract.valid_from
        and month <= contract.valid_until
    )
