"""Extended analytics over every contract and the support lead's dashboard. Leads only:
anyone else gets a 404, the pages do not exist for them."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from supportdesk.reports.access import analytics_contracts
from supportdesk.reports.analytics import TABLE_NAMES, Analytics, Month, analytics, window
from supportdesk.reports.dashboard import dashboard as build_dashboard
from supportdesk.reports.forms import AnalyticsFilter
from supportdesk.reports.render import display, export_response, page_context
from supportdesk.sla.models import Plan
from supportdesk.tickets.access import is_lead


def _lead(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not is_lead(user):
        raise Http404("no such page")
    return user


def _analytics(request: HttpRequest, user: User) -> tuple[AnalyticsFilter, Analytics | None]:
    now = timezone.now()
    contracts = analytics_contracts(user)
    form = AnalyticsFilter(
        request.GET, contracts=contracts, plans=list(Plan.objects.order_by("code"))
    )
    if not form.is_valid():
        return form, None
    data: dict[str, Any] = form.cleaned_data
    chosen = [c for c in contracts if data.get("contract") in (None, "", c.pk)]
    if data.get("plan"):
        chosen = [c for c in chosen if c.policy_version.plan.code == data["plan"]]
    zone = ZoneInfo(chosen[0].organization.time_zone if len(chosen) == 1 else settings.TIME_ZONE)
    month = data.get("month") or Month.of(now, zone)
    return form, analytics(window((c.pk for c in chosen), month, zone, now=now))


@login_required
@require_GET
def analytics_page(request: HttpRequest) -> HttpResponse:
    form, result = _analytics(request, _lead(request))
    context = page_context(form, result, export_url="workspace:analytics-export")
    return render(request, "workspace/analytics.html", context, status=200 if result else 400)


@login_required
@require_GET
def analytics_export(request: HttpRequest, table: str) -> HttpResponse:
    if table not in TABLE_NAMES:
        raise Http404("no such table")
    return export_response(_analytics(request, _lead(request))[1], table)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _lead(request)
    board = build_dashboard(now=timezone.now(), zone=ZoneInfo(settings.TIME_ZONE))
    plans = [
        (
            plan.title,
            f"{display(plan.reaction_share, 'share')} "
            f"({plan.reaction_met}/{plan.reaction_counted})",
            f"{display(plan.resolution_share, 'share')} "
            f"({plan.resolution_met}/{plan.resolution_counted})",
        )
        for plan in board.plans
    ]
    return render(request, "workspace/dashboard.html", {"board": board, "plans": plans})
