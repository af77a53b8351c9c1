"""The calculator pages: ``/desk/price/`` for staff, ``/price/`` for anyone when
``SUPPORTDESK_PUBLIC_CALCULATOR`` is on (else 404). A GET form; nothing is stored. Bad
input is the form again with its reasons (400)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from supportdesk.billing import reads
from supportdesk.billing.calculate import Calculation, calculate
from supportdesk.billing.display import (
    PLAN_TITLES,
    add_on_label,
    advice_text,
    line_text,
    money,
    rate,
    rules,
)
from supportdesk.billing.models import PriceList
from supportdesk.pricing import calculator, pricelist
from supportdesk.staff.permissions import Capability, may

ADD_ON_PREFIX = "addon_"


class CalculatorForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"), choices=list(PLAN_TITLES.items()), initial="8x5")
    users = forms.IntegerField(
        label=_("Users"), min_value=0, max_value=calculator.MAX_USERS, initial=100
    )
    spread_over_time_zones = forms.BooleanField(
        label=_("The company is spread over time zones"), required=False
    )
    servers = forms.IntegerField(
        label=_("CTS servers"), min_value=1, max_value=calculator.MAX_SERVERS, initial=1
    )
    fault_tolerance = forms.BooleanField(label=_("Fault tolerance"), required=False)
    period_start = forms.DateField(
        label=_("Service from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    months = forms.IntegerField(
        label=_("Term, months"), min_value=1, max_value=calculator.MAX_MONTHS, initial=12
    )
    without_vat = forms.BooleanField(label=_("Without VAT"), required=False)

    def __init__(self, *args: Any, price_list: pricelist.PriceList, today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].initial = today
        for code, item in price_list.add_ons.items():
            name = ADD_ON_PREFIX + code
            if item.unit is pricelist.Unit.YEAR:
                self.fields[name] = forms.BooleanField(label=add_on_label(code), required=False)
            else:
                unit = (
                    _("visits")
                    if item.unit is pricelist.Unit.VISIT
                    else pgettext("quantity", "hours")
                )
                self.fields[name] = forms.IntegerField(
                    label=f"{add_on_label(code)} ({unit})",
                    min_value=0,
                    max_value=calculator.MAX_QUANTITY,
                    required=False,
                )
            self.fields[name].widget.attrs["data-add-on"] = code

    def inputs(self) -> calculator.Inputs:
        data = self.cleaned_data
        add_ons = {}
        for name, value in data.items():
            if name.startswith(ADD_ON_PREFIX) and value:
                add_ons[name.removeprefix(ADD_ON_PREFIX)] = 1 if value is True else int(value)
        return calculator.Inputs(
            plan=data["plan"],
            users=data["users"],
            servers=data["servers"],
            period_start=data["period_start"],
            months=data["months"],
            fault_tolerance=data["fault_tolerance"],
            add_ons=add_ons,
            with_vat=not data["without_vat"],
            spread_over_time_zones=data["spread_over_time_zones"],
        )


def _page(
    request: HttpRequest, *, template: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    today = timezone.localdate(timezone.now())
    try:
        row, data = reads.in_force(today)
    except reads.NoPriceList as error:
        return render(request, template, {"missing": str(error), **(extra or {})}, status=503)
    bound = bool(request.GET)
    form = CalculatorForm(request.GET if bound else None, price_list=data, today=today)
    result: Calculation | None = None
    status = 200
    if bound and form.is_valid():
        try:
            result = calculate(form.inputs(), today=today)
        except calculator.InputError as error:
            form.add_error(None, str(error))
    if bound and not form.is_valid():
        status = 400
    return render(
        request,
        template,
        {"form": form, "row": row, "view": _view(result, row) if result else None, **(extra or {})},
        status=status,
    )


def _view(result: Calculation, row: PriceList) -> dict[str, Any]:
    currency = row.currency
    quote = result.quote
    return {
        "lines": [
            {"text": line_text(line, currency), "net": money(line.net, currency), "line": line}
            for line in quote.lines
        ],
        "net": money(quote.net, currency),
        "vat_rate": None if quote.vat_rate is None else rate(quote.vat_rate),
        "with_vat": quote.inputs.with_vat,
        # The illustrative mark stands above the calculator already.
        "rules": rules(illustrative=False, version=row.version, with_vat=quote.inputs.with_vat),
        "vat_parts": [
            {
                "start": part.start,
                "end": part.end,
                "months": part.months,
                "rate": rate(part.rate),
                "vat": money(part.vat, currency),
            }
            for part in quote.vat_parts
        ],
        "vat": money(quote.vat, currency),
        "gross": money(quote.gross, currency),
        "period_end": quote.period_end,
        "plans": [
            {
                "code": plan,
                "title": PLAN_TITLES[plan],
                "net": money(other.net, currency),
                "gross": money(other.gross, currency),
                "chosen": plan == quote.inputs.plan,
            }
            for plan, other in result.plans.items()
        ],
        "advice": {item.field: advice_text(item) for item in result.advice},
    }


@require_GET
@login_required
def desk_calculator(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Capability.SEE_PRICES):
        raise PermissionDenied
    return _page(
        request,
        template="billing/desk_calculator.html",
        extra={"may_quote": may(request.user, Capability.MANAGE_QUOTES)},
    )


@require_GET
def public_calculator(request: HttpRequest) -> HttpResponse:
    if not settings.PUBLIC_CALCULATOR:
        raise Http404
    return _page(request, template="billing/public_calculator.html")
