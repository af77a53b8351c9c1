"""Extended analytics in the portal: a customer admin's own organization's contracts that
carry the add-on. Anyone else gets a 404 (the page is not offered)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from supportdesk.reports.access import analytics_contracts
from supportdesk.reports.analytics import TABLE_NAMES, Analytics, Month, analytics, window
from supportdesk.reports.forms import AnalyticsFilter
from supportdesk.reports.render import export_response, page_context
from supportdesk.tickets.access import is_staff


def _analytics(request: HttpRequest) -> tuple[AnalyticsFilter, Analytics | None]:
    user = request.user
    if not isinstance(user, User) or is_staff(user):
        raise Http404("no such page")
    contracts = analytics_contracts(user)
    if not contracts:
        raise Http404("no such page")
    asked = request.GET.get("contract", "")
    if asked and asked not in {str(c.pk) for c in contracts}:
        raise Http404("no such contract")  # not a form error: its existence must not leak
    form = AnalyticsFilter(request.GET, contracts=contracts)
    if not form.is_valid():
        return form, None
    chosen = form.cleaned_data.get("contract")
    contract = next((c for c in contracts if c.pk == chosen), contracts[0])
    if chosen not in (None, "") and contract.pk != chosen:
        raise Http404("no such contract")
    now = timezone.now()
    zone = ZoneInfo(contract.organization.time_zone)
    month = form.cleaned_data.get("month") or Month.of(now, zone)
    return form, analytics(window([contract.pk], month, zone, now=now))


@login_required
@require_GET
def analytics_page(request: HttpRequest) -> HttpResponse:
    form, result = _analytics(request)
    context = page_context(form, result, export_url="portal:analytics-export")
    return render(request, "portal/analytics.html", context, status=200 if result else 400)


@login_required
@require_GET
def analytics_export(request: HttpRequest, table: str) -> HttpResponse:
    if table not in TABLE_NAMES:
        raise Http404("no such table")
    return export_response(_analytics(request)[1], table)
