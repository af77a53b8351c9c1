"""The customer admin's entitlements: hours and visits left, the ledger, what is pending."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from supportdesk.contracts.reads import contract_in_force
from supportdesk.entitlements import reads
from supportdesk.entitlements.models import Resource
from supportdesk.portal.views import _user, portal_view
from supportdesk.staff.permissions import Role, role_of
from supportdesk.tickets.access import NotFound, contact_of


@require_GET
@portal_view
def entitlements(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    contact = contact_of(user)
    if contact is None or role_of(user) != Role.CUSTOMER_ADMIN:
        raise Http404("no such page")
    now = timezone.now()
    organization = contact.organization
    found = contract_in_force(organization.pk, reads.local_day_in(organization.time_zone, now))
    if found is None:
        raise Http404("no contract in force")
    try:
        contract = reads.get_contract(user, found.pk)
    except NotFound:
        raise Http404("no such contract") from None
    today = reads.local_day(contract, now)
    context = {
        "contract": contract,
        "hours": reads.balance(contract, Resource.ADMIN_HOURS, today),
        "visits": reads.balance(contract, Resource.ONSITE_VISITS, today),
        "pending": reads.pending_entries(contract).order_by("started_at"),
        "entries": reads.current_entries(contract)
        .filter(approval__isnull=False)
        .order_by("-started_at")[:200],
        "ledger": reads.ledger_of(contract, reads.year_of(contract, today)),
    }
    return render(request, "portal/entitlements.html", context)
