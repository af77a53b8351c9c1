"""The what-if page: one organization's requests of a period replayed on every plan, for
support leads and the organization's personal manager (``tickets.whatif``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from supportdesk.customers.models import Organization
from supportdesk.tickets.access import ActionDenied, NotFound
from supportdesk.tickets.whatif import (
    get_what_if_organization,
    last_full_months,
    month_start,
    what_if,
    what_if_organizations,
)

MOSCOW = ZoneInfo("Europe/Moscow")


class WhatIfForm(forms.Form):
    # Any id parses; the read helper answers 404 for one the user may not look at.
    organization = forms.IntegerField(label=gettext_lazy("Organization"), widget=forms.Select)
    first = forms.DateField(
        label=gettext_lazy("From month"), input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )  # fmt: skip
    last = forms.DateField(
        label=gettext_lazy("To month (inclusive)"), input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )  # fmt: skip

    def __init__(self, *args: Any, organizations: Iterable[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["organization"].widget
        if isinstance(widget, forms.Select):
            widget.choices = [(o.pk, o.name) for o in organizations]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first") and data.get("last") and data["first"] > data["last"]:
            raise forms.ValidationError(gettext_lazy("The period ends before it starts."))
        return data


@login_required
@require_GET
def what_if_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):
        raise Http404("no such page")
    try:
        organizations = what_if_organizations(user)
    except NotFound:
        raise Http404("no such page") from None
    except ActionDenied as error:
        raise PermissionDenied(str(error)) from None
    now = timezone.now()
    first, last = last_full_months(now.astimezone(MOSCOW).date())
    form = WhatIfForm(
        request.GET if "organization" in request.GET else None,
        organizations=organizations,
        initial={"first": first, "last": last},
    )
    context: dict[str, Any] = {"form": form, "result": None}
    if not form.is_bound:
        return render(request, "workspace/what_if.html", context)
    if not form.is_valid():
        return render(request, "workspace/what_if.html", context, status=400)
    try:
        organization = get_what_if_organization(user, form.cleaned_data["organization"])
    except NotFound:
        raise Http404("no such organization") from None
    zone = ZoneInfo(organization.time_zone)
    start = datetime.combine(form.cleaned_data["first"], datetime.min.time(), zone)
    end = datetime.combine(month_start(form.cleaned_data["last"], 1), datetime.min.time(), zone)
    context["result"] = what_if(user, organization.pk, start=start, end=end, now=now)
    return render(request, "workspace/what_if.html", context)
