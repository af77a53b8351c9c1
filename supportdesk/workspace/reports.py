"""The desk's SLA report pages (a month, a quarter or a year: ``reports.periods``): any
staff member reads any contract's reports (support
leads, the personal manager, everyone on the desk); a breach links to the request's page
with its clock timeline."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from supportdesk.contracts.models import Contract
from supportdesk.reports import pages
from supportdesk.reports.access import get_report_contract, is_reportable, report_contracts
from supportdesk.reports.listing import contract_rows
from supportdesk.reports.monthly import DESK_REPORT
from supportdesk.reports.periods import Period
from supportdesk.tickets.access import NotFound
from supportdesk.tickets.links import DESK_REQUEST
from supportdesk.workspace.mail import _member

LIST_MONTHS = 12
STAFF_ZONE = ZoneInfo("Europe/Moscow")  # staff read times in the vendor's zone


def _today() -> date:
    return timezone.localdate(timezone=STAFF_ZONE)


def _contract_month(request: HttpRequest, number: str, month: str) -> tuple[Contract, Period]:
    user = _member(request)[0]
    try:
        contract = get_report_contract(user, number)
        period = Period.parse(month)
    except (NotFound, ValueError):
        raise Http404("no such report") from None
    if not is_reportable(contract, period, today=_today()):
        raise Http404("no such report")
    return contract, period


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    user = _member(request)[0]
    today = _today()
    contracts = (
        report_contracts(user)
        .filter(valid_from__lte=today, valid_until__gte=today.replace(day=1))
        .order_by("organization__name", "number")
    )
    rows = contract_rows(contracts, today=today, url=DESK_REPORT, months=LIST_MONTHS)
    return render(request, "workspace/reports.html", {"contracts": rows})


@login_required
@require_GET
def report_page(request: HttpRequest, number: str, month: str) -> HttpResponse:
    contract, period = _contract_month(request, number, month)
    context = pages.page_context(
        contract,
        period,
        now=timezone.now(),
        request_link=DESK_REQUEST.replace("{request_id}", "{id}"),
        today=_today(),
        report_url=DESK_REPORT,
        breach_page=pages.breach_page_number(request.GET.get("breaches")),
    )
    return render(request, "workspace/report.html", context)


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
