"""The personal manager's view: every request of the contracts they are named on, and
what needs them (escalations). Read with the permission check built in."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from supportdesk.contracts.models import Contract
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.models import OPEN_STATUSES, ObjectionState, Request

LIST_LIMIT = 200


@dataclass(frozen=True)
class ManagedView:
    contracts: list[Contract]
    requests: list[Request]  # open, newest first
    escalations: list[Request]  # breached, P1, or a priority objection pending
    # Their feature requests are the development app's (above this one):
    # development.reads.features_of_customers, shown beside this on the same page.


def managed_contracts(user: User) -> QuerySet[Contract]:
    require(user, Capability.SEE_MANAGED_CUSTOMERS)
    return Contract.objects.filter(personal_manager=user).select_related("organization")


def managed_view(user: User) -> ManagedView:
    contracts = list(managed_contracts(user))
    open_requests = (
        Request.objects.filter(contract__in=contracts, status__in=OPEN_STATUSES)
        .select_related("organization", "assignee", "reaction_clock", "resolution_clock")
        .order_by("-registered_at")
    )
    escalated = open_requests.filter(
        Q(priority="P1")
        | Q(reaction_clock__breached_at__isnull=False)
        | Q(resolution_clock__breached_at__isnull=False)
        | Q(objections__state=ObjectionState.PENDING)
    ).distinct()
    return ManagedView(
        contracts=contracts,
        requests=list(open_requests[:LIST_LIMIT]),
        escalations=list(escalated[:LIST_LIMIT]),
    )
