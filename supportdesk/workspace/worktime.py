"""The desk's work-time pages: a request's time (log, estimate, visit), the lead's approval
queue, and a contract's ledger. Thin: parse a form, call an action, render the reads."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.entitlements import actions, reads
from supportdesk.entitlements.errors import EntitlementError
from supportdesk.entitlements.models import Activity, Resource, TimeEntry
from supportdesk.slamath.policy import RequestType
from supportdesk.staff.permissions import ActionDenied, Capability, may
from supportdesk.tickets.access import NotFound, get_request, is_staff
from supportdesk.tickets.models import Request

STAFF_ZONE = ZoneInfo("Europe/Moscow")  # staff enter and read times in the vendor's zone
HOUR = 3600


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not is_staff(user):
        raise Http404("no such page")
    return user


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=STAFF_ZONE)


def _hours_to_seconds(hours: Decimal) -> int:
    return int(hours * HOUR)


class LogTimeForm(forms.Form):
    start = forms.DateTimeField(
        label=gettext_lazy("Start (Moscow time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    end = forms.DateTimeField(
        label=gettext_lazy("End (Moscow time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    activity = forms.ChoiceField(label=gettext_lazy("Activity"), choices=Activity.choices)
    on_site = forms.BooleanField(label=gettext_lazy("On site"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class EstimateForm(forms.Form):
    hours = forms.DecimalField(
        label=gettext_lazy("Estimate, hours"), min_value=Decimal("0.25"), max_value=10000,
        decimal_places=2,
    )  # fmt: skip


class CorrectForm(forms.Form):
    start = forms.DateTimeField(
        required=False,
        label=gettext_lazy("Start (Moscow time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    end = forms.DateTimeField(
        required=False,
        label=gettext_lazy("End (Moscow time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reverse = forms.BooleanField(required=False, label=gettext_lazy("Reverse: nothing counts"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)


class GrantForm(forms.Form):
    resource = forms.ChoiceField(label=gettext_lazy("What"), choices=Resource.choices)
    kind = forms.ChoiceField(
        label=gettext_lazy("How"),
        choices=[("grant", gettext_lazy("grant")), ("purchase", gettext_lazy("purchase"))],
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Hours or visits"), min_value=Decimal("0.25"), max_value=100000,
        decimal_places=2,
    )  # fmt: skip
    day = forms.DateField(
        label=gettext_lazy("For the contract year that holds"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)


# -- a request's time ----------------------------------------------------------------------


def _request_context(user: User, item: Request, now: datetime) -> dict[str, Any]:
    today = reads.local_day(item.contract, now)
    entries = (
        TimeEntry.objects.filter(request=item)
        .select_related("engineer", "approval", "supersedes")
        .order_by("started_at", "pk")
    )
    return {
        "item": item,
        "entries": entries,
        "hours": reads.balance(item.contract, Resource.ADMIN_HOURS, today),
        "visits": reads.balance(item.contract, Resource.ONSITE_VISITS, today),
        "estimate": reads.latest_estimate(item),
        "warning": reads.estimate_warning(item, today=today),
        "is_admin_request": item.request_type == RequestType.ADMIN,
        "may_log": may(user, Capability.LOG_TIME),
        "log_form": LogTimeForm(initial={"activity": Activity.ADMINISTRATION}),
        "estimate_form": EstimateForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def request_time(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _staff(request)
    try:
        item = get_request(user, request_id)
    except NotFound:
        raise Http404("no such request") from None
    now = timezone.now()
    context = _request_context(user, item, now)
    if request.method != "POST":
        return render(request, "workspace/request_time.html", context)
    what = request.POST.get("form", "log")
    form: forms.Form
    try:
        if what == "estimate":
            form = context["estimate_form"] = EstimateForm(request.POST)
            if form.is_valid():
                estimate = actions.set_estimate(
                    actor=user, request=item,
                    seconds=_hours_to_seconds(form.cleaned_data["hours"]), now=now,
                )  # fmt: skip
                if estimate.exceeds_balance:
                    messages.warning(request, _("The estimate exceeds the hours left: the "
                                                "engineer and the manager are told."))  # fmt: skip
                else:
                    messages.success(request, _("Estimate saved."))
                return HttpResponseRedirect(reverse("workspace:time", args=[item.pk]))
        elif what == "visit":
            form = forms.Form(request.POST)
            actions.record_visit(actor=user, request=item, now=now)
            messages.success(request, _("On-site visit recorded."))
            return HttpResponseRedirect(reverse("workspace:time", args=[item.pk]))
        else:
            form = context["log_form"] = LogTimeForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                actions.log_time(
                    actor=user, request=item, start=_aware(data["start"]),
                    end=_aware(data["end"]), activity=Activity(data["activity"]),
                    on_site=data["on_site"], note=data["note"], now=now,
                )  # fmt: skip
                messages.success(request, _("Time logged; it waits for a lead's approval."))
                return HttpResponseRedirect(reverse("workspace:time", args=[item.pk]))
    except (EntitlementError, ActionDenied) as error:
        form.add_error(None, str(error))
        context["error"] = str(error)
    return render(request, "workspace/request_time.html", context, status=400)


# -- the lead's approval queue -------------------------------------------------------------


def _lead(request: HttpRequest) -> User:
    user = _staff(request)
    if not may(user, Capability.APPROVE_TIME):
        raise Http404("no such page")
    return user


@login_required
def approval_queue(request: HttpRequest) -> HttpResponse:
    _lead(request)
    pending = reads.pending_entries().order_by("started_at", "pk")[:500]
    return render(
        request, "workspace/time_queue.html", {"pending": pending, "correct_form": CorrectForm()}
    )


@login_required
@require_POST
def approve(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = _lead(request)
    entry = TimeEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise Http404("no such entry")
    try:
        actions.approve_time(actor=user, entry=entry, now=timezone.now())
        messages.success(request, _("Entry approved."))
    except EntitlementError as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("workspace:time-queue"))


@login_required
@require_POST
def correct(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = _lead(request)
    entry = TimeEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise Http404("no such entry")
    form = CorrectForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.correct_time(
                actor=user, entry=entry, reason=data["reason"], now=timezone.now(),
                start=_aware(data["start"]) if data["start"] else None,
                end=_aware(data["end"]) if data["end"] else None, reverse=data["reverse"],
            )  # fmt: skip
            messages.success(request, _("Entry corrected."))
        except EntitlementError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Say why the entry is corrected."))
    return HttpResponseRedirect(
        (
            request.POST.get("next") == "request"
            and reverse("workspace:time", args=[entry.request_id])
        )
        or reverse("workspace:time-queue")
    )


# -- a contract's ledger -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contract_ledger(request: HttpRequest, contract_id: int) -> HttpResponse:
    user = _staff(request)
    try:
        contract = reads.get_contract(user, contract_id)
    except NotFound:
        raise Http404("no such contract") from None
    now = timezone.now()
    today = reads.local_day(contract, now)
    form = GrantForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            resource = Resource(data["resource"])
            amount = data["hours"]
            try:
                actions.grant_quota(
                    actor=user, contract=contract, resource=resource,
                    amount=_hours_to_seconds(amount) if resource == Resource.ADMIN_HOURS
                    else int(amount),
                    reason=data["reason"], day=data["day"] or today, now=now,
                    purchase=data["kind"] == "purchase",
                )  # fmt: skip
                messages.success(request, _("Ledger entry added."))
                return HttpResponseRedirect(reverse("workspace:ledger", args=[contract.pk]))
            except (EntitlementError, ActionDenied) as error:
                form.add_error(None, str(error))
        status = 400
    year = reads.year_of(contract, today)
    context = {
        "contract": contract,
        "hours": reads.balance(contract, Resource.ADMIN_HOURS, today),
        "visits": reads.balance(contract, Resource.ONSITE_VISITS, today),
        "ledger": reads.ledger_of(contract)[:500],
        "pending": reads.pending_entries(contract).order_by("started_at"),
        "year": year,
        "previous_year_end": year.start - timedelta(days=1),
        "may_grant": may(user, Capability.GRANT_QUOTA),
        "form": form,
        "today": today,
    }
    return render(request, "workspace/ledger.html", context, status=status)
