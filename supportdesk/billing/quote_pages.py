"""The quote pages in the staff workspace (``/desk/price/quotes/``), for those who may
price quotes (``MANAGE_QUOTES``: personal managers and support leads); other staff get
403, anyone else 404. Thin: forms parse, ``billing.quotes`` decides, ``billing.document``
says what a quote shows (the same as its PDF and spreadsheet)."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.billing import quotes, reads
from supportdesk.billing.display import money
from supportdesk.billing.document import QuoteDocument, quote_document
from supportdesk.billing.models import Quote, QuoteStatus, overdue
from supportdesk.billing.views import CalculatorForm
from supportdesk.contracts.models import Contract
from supportdesk.customers.models import Organization
from supportdesk.staff.models import StaffRole
from supportdesk.staff.permissions import ActionDenied, Capability, may
from supportdesk.tickets.access import staff_member
from supportdesk.tickets.whatif import PlanAgainstActual, full_months_before, plan_against_actual

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 100


def _quoter(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_active or staff_member(user) is None:
        raise Http404("no such page")
    if not may(user, Capability.MANAGE_QUOTES):
        raise PermissionDenied(_("Quotes are for personal managers and support leads."))
    return user


def _quote(quote_id: int) -> Quote:
    quote = (
        Quote.objects.select_related("organization", "price_list", "contract", "previous")
        .filter(pk=quote_id)
        .first()
    )
    if quote is None:
        raise Http404("no such quote")
    return quote


def _page(quote: Quote) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("price-desk:quote", args=[quote.pk]))


def _language() -> str:
    return (translation.get_language() or "ru").split("-")[0]


# -- forms ---------------------------------------------------------------------------------


class QuoteForm(CalculatorForm):
    """The calculator's inputs and, for a new quote, the organization."""

    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization"), queryset=Organization.objects.order_by("name")
    )

    def __init__(self, *args: Any, with_organization: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Advice is the calculator's; a quote stores what is sold.
        del self.fields["spread_over_time_zones"]
        if with_organization:
            self.order_fields(["organization"])
        else:
            del self.fields["organization"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["spread_over_time_zones"] = False
        return data


def _initial(quote: Quote) -> dict[str, Any]:
    data = quote.inputs
    initial: dict[str, Any] = {
        "plan": data["plan"], "users": data["users"], "servers": data["servers"],
        "fault_tolerance": data["fault_tolerance"],
        "period_start": date.fromisoformat(data["period_start"]), "months": data["months"],
        "without_vat": not data["with_vat"],
    }  # fmt: skip
    for code, quantity in data["add_ons"].items():
        initial[f"addon_{code}"] = quantity
    return initial


class PersonField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class ContractForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Number of the new contract"), max_length=50)
    dedicated_engineer = PersonField(
        label=gettext_lazy("Dedicated engineer"), required=False, queryset=User.objects.none()
    )
    personal_manager = PersonField(
        label=gettext_lazy("Personal manager"), required=False, queryset=User.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True).order_by("first_name", "username")
        engineers = staff.filter(staff__role__in=(StaffRole.ENGINEER, StaffRole.LEAD))
        managers = staff.filter(staff__role__in=(StaffRole.MANAGER, StaffRole.LEAD))
        for name, queryset in (("dedicated_engineer", engineers), ("personal_manager", managers)):
            field = self.fields[name]
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = queryset


# -- the list ------------------------------------------------------------------------------


def _with_status(rows: QuerySet[Quote], status: str, today: date) -> QuerySet[Quote]:
    """The filter as the pages read statuses: a sent quote past its validity is expired
    (``Quote.status_on``) before the hourly job stores it."""
    if status == QuoteStatus.EXPIRED:
        return rows.filter(Q(status=QuoteStatus.EXPIRED) | overdue(today))
    if status == QuoteStatus.SENT:
        return rows.filter(status=QuoteStatus.SENT).exclude(overdue(today))
    return rows.filter(status=status)


@login_required
@require_GET
def quote_list(request: HttpRequest) -> HttpResponse:
    _quoter(request)
    today = quotes.today_of(timezone.now())
    status = request.GET.get("status", "")
    rows = Quote.objects.select_related("organization", "price_list")
    if status:
        if status not in QuoteStatus.values:
            status = ""
        else:
            rows = _with_status(rows, status, today)
    shown = [
        {
            "quote": quote,
            "status": QuoteStatus(quote.status_on(today)).label,
            "total": money(quote.gross, quote.price_list.currency)
            if quote.gross is not None and quote.price_list
            else "—",
        }
        for quote in rows[:PER_PAGE]
    ]
    return render(
        request,
        "billing/quotes.html",
        {"rows": shown, "status": status, "statuses": QuoteStatus.choices, "limit": PER_PAGE},
    )


# -- new and edit --------------------------------------------------------------------------


def _form_page(
    request: HttpRequest, *, quote: Quote | None, user: User
) -> HttpResponse | tuple[QuoteForm, int]:
    now = timezone.now()
    today = quotes.today_of(now)
    try:
        _row, data = reads.in_force(today)
    except reads.NoPriceList as error:
        return render(request, "billing/quote_form.html", {"missing": str(error)}, status=503)
    initial = _initial(quote) if quote else {}
    form = QuoteForm(
        request.POST if request.method == "POST" else None,
        price_list=data, today=today, with_organization=quote is None, initial=initial,
    )  # fmt: skip
    if request.method != "POST":
        return form, 200
    if form.is_valid():
        try:
            if quote is None:
                created = quotes.draft_quote(
                    actor=user, organization=form.cleaned_data["organization"],
                    inputs=form.inputs(), now=now,
                )  # fmt: skip
                return _page(created)
            quotes.edit_draft(actor=user, quote=quote, inputs=form.inputs(), now=now)
            messages.success(request, _("The draft is saved."))
            return _page(quote)
        except (quotes.QuoteRefused, reads.NoPriceList) as error:
            form.add_error(None, str(error))
    return form, 400


@login_required
@require_http_methods(["GET", "POST"])
def quote_new(request: HttpRequest) -> HttpResponse:
    user = _quoter(request)
    result = _form_page(request, quote=None, user=user)
    if isinstance(result, HttpResponse):
        return result
    form, status = result
    return render(request, "billing/quote_form.html", {"form": form, "quote": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def quote_edit(request: HttpRequest, quote_id: int) -> HttpResponse:
    user = _quoter(request)
    quote = _quote(quote_id)
    if quote.status != QuoteStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return _page(quote)
    result = _form_page(request, quote=quote, user=user)
    if isinstance(result, HttpResponse):
        return result
    form, status = result
    return render(request, "billing/quote_form.html", {"form": form, "quote": quote}, status=status)


# -- the quote page ------------------------------------------------------------------------


def what_if_of(user: User, quote: Quote, *, now: datetime) -> PlanAgainstActual | None:
    """For an existing customer (one with a contract), the last 12 full months of its
    requests on the quoted plan next to how their clocks ran; None for a new one."""
    organization = quote.organization
    if not Contract.objects.filter(organization=organization).exists():
        return None
    zone = ZoneInfo(organization.time_zone)
    start, end = full_months_before(now.astimezone(zone).date(), zone)
    return plan_against_actual(
        user, organization, quote.inputs["plan"], start=start, end=end, now=now
    )


@login_required
@require_GET
def quote_page(request: HttpRequest, quote_id: int) -> HttpResponse:
    user = _quoter(request)
    quote = _quote(quote_id)
    now = timezone.now()
    today = quotes.today_of(now)
    try:
        document: QuoteDocument | None = quote_document(quote, today=today)
        missing = ""
    except reads.NoPriceList as error:
        document, missing = None, str(error)
    status = quote.status_on(today)
    newer = Quote.objects.filter(previous=quote).first()
    context = {
        "quote": quote,
        "document": document,
        "missing": missing,
        "status": status,
        "newer": newer,
        "may_edit": status == QuoteStatus.DRAFT,
        "may_issue": status == QuoteStatus.DRAFT and document is not None,
        "may_decide": status == QuoteStatus.SENT,
        "may_revise": status in (QuoteStatus.DECLINED, QuoteStatus.EXPIRED) and newer is None,
        "may_contract": status == QuoteStatus.ACCEPTED and quote.contract_id is None,
        "contract_form": ContractForm(),
        "downloads": quote.status != QuoteStatus.DRAFT,
        "what_if": what_if_of(user, quote, now=now),
    }
    return render(request, "billing/quote.html", context)


@login_required
@require_POST
def quote_action(request: HttpRequest, quote_id: int, action: str) -> HttpResponse:
    user = _quoter(request)
    quote = _quote(quote_id)
    now = timezone.now()
    try:
        if action == "issue":
            quotes.issue_quote(actor=user, quote=quote, now=now)
            messages.success(request, _("The quote is issued."))
        elif action in ("accept", "decline"):
            quotes.decide_quote(actor=user, quote=quote, accepted=action == "accept", now=now)
            messages.success(request, _("The decision is recorded."))
        elif action == "revise":
            revision = quotes.revise_quote(actor=user, quote=quote, now=now)
            messages.success(request, _("A new revision is drafted."))
            return _page(revision)
        elif action == "contract":
            form = ContractForm(request.POST)
            if not form.is_valid():
                messages.error(
                    request, " ".join(str(e) for errors in form.errors.values() for e in errors)
                )
                return _page(quote)
            contract = quotes.contract_from_quote(actor=user, quote=quote, now=now,
                                                  **form.cleaned_data)  # fmt: skip
            messages.success(request, _("Contract %(number)s is made.") % {
                "number": contract.number})  # fmt: skip
            return HttpResponseRedirect(reverse("workspace:contract", args=[contract.pk]))
        else:
            raise Http404("no such action")
    except (quotes.QuoteRefused, reads.NoPriceList, ActionDenied) as error:
        messages.error(request, str(error))
    return _page(quote)


# -- downloads -----------------------------------------------------------------------------


def _issued(quote_id: int) -> tuple[Quote, QuoteDocument, datetime]:
    quote = _quote(quote_id)
    if quote.status == QuoteStatus.DRAFT or quote.issued_at is None:
        raise Http404("a draft has no document yet")
    return quote, quote_document(quote, today=quotes.today_of(timezone.now())), quote.issued_at


def _filename(quote: Quote, extension: str) -> str:
    name = slugify(f"kp-{quote.year}-{quote.serial:04d}") if quote.serial else f"quote-{quote.pk}"
    if quote.revision > 1:
        name += f"-r{quote.revision}"
    return f"{name}.{extension}"


def _download(handle: io.BytesIO, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def quote_pdf(request: HttpRequest, quote_id: int) -> FileResponse:
    from supportdesk.billing.files import render_pdf

    _quoter(request)
    quote, document, issued_at = _issued(quote_id)
    pdf = render_pdf(document, language=_language(), issued_at=issued_at)
    return _download(io.BytesIO(pdf), _filename(quote, "pdf"), "application/pdf")


@login_required
@require_GET
def quote_xlsx(request: HttpRequest, quote_id: int) -> FileResponse:
    from supportdesk.billing.files import write_xlsx

    _quoter(request)
    quote, document, issued_at = _issued(quote_id)
    buffer = io.BytesIO()
    write_xlsx(document, buffer, language=_language(), issued_at=issued_at)
    buffer.seek(0)
    return _download(buffer, _filename(quote, "xlsx"), XLSX_TYPE)
