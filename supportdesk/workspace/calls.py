"""The workspace's calls and alerts: the incoming-call popup (polled), the calls page
(live calls with the caller's open requests, finished calls to register or link in one
click, the call-back queue) and the alert groups proposed for resolution. Thin: read
through ``channels.telephony.reads``, call one action with ``now`` read once, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from supportdesk.channels.alertmanager.actions import resolve_group
from supportdesk.channels.alertmanager.models import AlertGroup
from supportdesk.channels.telephony import actions, reads
from supportdesk.channels.telephony.models import Call
from supportdesk.slamath.policy import Priority, RequestType
from supportdesk.tickets.models import Request, Scope
from supportdesk.workspace.forms import NewRequestForm
from supportdesk.workspace.views import DOMAIN_ERRORS, _staff


class CallRequestForm(NewRequestForm):
    """The phone form without the call time: the call's own start is the registration."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["registered_at"]


class LinkForm(forms.Form):
    request = forms.IntegerField(label=gettext_lazy("Request number"), min_value=1)


class ResolveProposalForm(forms.Form):
    summary = forms.CharField(label=gettext_lazy("Summary for the customer"), max_length=5000)


def _call(request: HttpRequest, call_id: int) -> Call:
    user = _staff(request)
    try:
        return reads.get_call(user, call_id)
    except Call.DoesNotExist:
        raise Http404("no such call") from None


def _with_requests(calls: list[Call]) -> list[tuple[Call, list[Request]]]:
    return [(call, reads.open_requests_of(call)) for call in calls]


@login_required
@require_GET
def calls_page(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    now = timezone.now()
    found = reads.calls_for(user, now=now)
    return render(
        request,
        "workspace/calls.html",
        {
            "live": _with_requests(found["live"]),
            "unlinked": [
                (call, requests, CallRequestForm(initial={"contact": call.contact_id}))
                for call, requests in _with_requests(found["unlinked"])
            ],
            "callback": found["callback"],
            "proposals": AlertGroup.objects.filter(resolution_proposed=True)
            .select_related("request", "integration")
            .order_by("-last_notified_at")[:50],
        },
    )


@login_required
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """The popup's content, polled by every workspace page: calls ringing or in conversation."""
    user = _staff(request)
    live = reads.calls_for(user, now=timezone.now())["live"]
    return render(request, "workspace/_incoming.html", {"live": _with_requests(live)})


@login_required
@require_POST
def register(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    form = CallRequestForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "; ".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return HttpResponseRedirect(reverse("workspace:calls"))
    data = form.cleaned_data
    try:
        made = actions.make_request(
            actor=_staff(request), call=call, contact=data["contact"], subject=data["subject"],
            description=data["description"], request_type=RequestType(data["request_type"]),
            priority=Priority(data["priority"]), component=data["component"],
            scope=Scope(data["scope"]) if data["scope"] else None,
            staff_priority=Priority(data["priority"]),
            staff_priority_reason=data["priority_reason"], now=timezone.now(),
        )  # fmt: skip
    except DOMAIN_ERRORS as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("workspace:calls"))
    return HttpResponseRedirect(reverse("workspace:request", args=[made.pk]))


@login_required
@require_POST
def link(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    form = LinkForm(request.POST)
    target = None
    if form.is_valid():
        target = Request.objects.filter(pk=form.cleaned_data["request"]).first()
    if target is None:
        messages.error(request, _("No such request."))
        return HttpResponseRedirect(reverse("workspace:calls"))
    try:
        linked = actions.link(actor=_staff(request), call=call, request=target, now=timezone.now())
    except DOMAIN_ERRORS as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("workspace:calls"))
    if linked.first_response:
        messages.success(request, _("Linked; the call is the request's first response."))
    else:
        messages.success(request, _("Linked."))
    return HttpResponseRedirect(reverse("workspace:request", args=[target.pk]))


@login_required
@require_POST
def called_back(request: HttpRequest, call_id: int) -> HttpResponse:
    call = _call(request, call_id)
    try:
        actions.called_back(actor=_staff(request), call=call, now=timezone.now())
    except DOMAIN_ERRORS as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("workspace:calls"))


@login_required
@require_POST
def resolve_alert(request: HttpRequest, group_id: int) -> HttpResponse:
    user = _staff(request)
    group = AlertGroup.objects.select_related("request").filter(pk=group_id).first()
    if group is None:
        raise Http404("no such alert group")
    form = ResolveProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a summary for the customer."))
        return HttpResponseRedirect(reverse("workspace:calls"))
    try:
        resolve_group(
            actor=user, group=group, summary=form.cleaned_data["summary"], now=timezone.now()
        )
    except DOMAIN_ERRORS as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("workspace:calls"))
