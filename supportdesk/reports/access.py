"""Who may see which contracts' analytics: one rule for the portal and the workspace.

Support leads see every contract; a customer admin sees the contracts of their own
organization that carry the extended analytics add-on; nobody else sees any. A contract
the user may not see is "not found", so its existence does not leak.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from supportdesk.contracts.models import AddOn, Contract
from supportdesk.tickets.access import NotFound, contact_of, is_lead


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
