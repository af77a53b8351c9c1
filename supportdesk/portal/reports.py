"""The portal's SLA report pages (a month, a quarter or a year: ``reports.periods``): a
customer admin reads the reports of their own organization's contracts
(``reports.access``); anyone else gets a 404."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from supportdesk.contracts.models import Contract
from supportdesk.portal.views import _user, portal_view
from supportdesk.reports import pages
from supportdesk.reports.access import get_report_contract, is_reportable, report_contracts
from supportdesk.reports.listing import contract_rows
from supportdesk.reports.monthly import PORTAL_REPORT
from supportdesk.reports.periods import Period
from supportdesk.tickets.access import NotFound, contact_of
from supportdesk.tickets.links import PORTAL_REQUEST


def _today(request: HttpRequest) -> date:
    contact = contact_of(_user(request))
    zone = ZoneInfo(contact.organization.time_zone) if contact else None
    return timezone.localdate(timezone=zone)


def _contract_month(request: HttpRequest, number: str, month: str) -> tuple[Contract, Period]:
    try:
        contract = get_report_contract(_user(request), number)
        period = Period.parse(month)
    except (NotFound, ValueError):
        raise Http404("no such report") from None
    if not is_reportable(contract, period, today=_today(request)):
        raise Http404("no such report")
    return contract, period


@require_GET
@portal_view
def report_list(request: HttpRequest) -> HttpResponse:
    contracts = report_contracts(_user(request)).order_by("-valid_from")
    if not contact_of(_user(request)) or not contracts.exists():
        raise Http404("no reports")
    rows = contract_rows(contracts, today=_today(request), url=PORTAL_REPORT)
    return render(request, "portal/reports.html", {"contracts": rows})


@require_GET
@portal_view
def report_page(request: HttpRequest, number: str, month: str) -> HttpResponse:
    contract, period = _contract_month(request, number, month)
    context = pages.page_context(
        contract,
        period,
        now=timezone.now(),
        request_link=PORTAL_REQUEST.replace("{request_id}", "{id}"),
        today=_today(request),
        report_url=PORTAL_REPORT,
        breach_page=pages.breach_page_number(request.GET.get("breaches")),
    )
    return render(request, "portal/report.html", context)


@login_required
@require_GET
def report_pdf(request: HttpRequest, number: str, month: str) -> FileResponse:
    contract, period = _contract_month(request, number, month)
    return pages.pdf_response(contract, period, now=timezone.now())


@login_required
@require_GET
def report_xlsx(request: HttpRequest, number: str, month: str) -> FileResponse:
    contract, period = _contract_month(request, number, month)
    return pages.xlsx_response(contract, period, now=timezone.now())
