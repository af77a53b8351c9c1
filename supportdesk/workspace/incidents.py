"""Platform-wide incidents on the desk (staff only): the list, one incident with its
customers' requests, linking a request, one update to all, the resolution of all. The
changes are ``tickets.actions.incidents``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.staff.permissions import Capability, may
from supportdesk.tickets import actions
from supportdesk.tickets.access import NotFound, get_request
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Incident
from supportdesk.workspace.forms import (
    BroadcastForm,
    IncidentForm,
    IncidentResolveForm,
    LinkRequestForm,
)
from supportdesk.workspace.views import DOMAIN_ERRORS, _staff

FORMS: dict[str, type[forms.Form]] = {
    "link": LinkRequestForm,
    "broadcast": BroadcastForm,
    "resolve": IncidentResolveForm,
}


@login_required
@require_http_methods(["GET", "POST"])
def incident_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = IncidentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = actions.open_incident(
                actor=user, title=form.cleaned_data["title"],
                description=form.cleaned_data["description"], now=timezone.now(),
            )  # fmt: skip
        except DOMAIN_ERRORS as error:
            form.add_error(None, str(error))
        else:
            return HttpResponseRedirect(reverse("workspace:incident", args=[incident.pk]))
    context = {
        "incidents": Incident.objects.all(),
        "form": form,
        "manage": may(user, Capability.MANAGE_INCIDENTS),
    }
    return render(request, "workspace/incidents.html", context, status=400 if form.errors else 200)


def _context(user: User, incident: Incident, bound: dict[str, forms.Form]) -> dict[str, Any]:
    page_forms = {name: form_class(prefix=name) for name, form_class in FORMS.items()}
    page_forms.update(bound)
    return {
        "incident": incident,
        "requests": incident.requests.select_related("organization", "assignee").order_by("pk"),
        "forms": page_forms,
        "manage": may(user, Capability.MANAGE_INCIDENTS) and incident.state == "open",
    }


@login_required
def incident_page(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = _staff(request)
    incident = get_object_or_404(Incident, pk=incident_id)
    return render(request, "workspace/incident.html", _context(user, incident, {}))


def _run(name: str, user: User, incident: Incident, data: dict[str, Any]) -> str:
    now = timezone.now()
    if name == "link":
        try:
            item = get_request(user, data["request"])
        except NotFound:
            raise ActionError(
                _("There is no request %(ref)s.") % {"ref": f"SD-{data['request']}"}
            ) from None
        actions.link_to_incident(actor=user, incident=incident, request=item, now=now)
        return _("%(ref)s linked.") % {"ref": item.reference}
    if name == "broadcast":
        sent = actions.broadcast_incident_update(
            actor=user, incident=incident, body=data["body"], now=now
        )
        return _("Update sent on %(count)s requests.") % {"count": len(sent)}
    actions.resolve_incident(actor=user, incident=incident, summary=data["summary"], now=now)
    return _("Incident resolved with its requests.")


@login_required
@require_POST
def incident_action(request: HttpRequest, incident_id: int, action: str) -> HttpResponse:
    user = _staff(request)
    incident = get_object_or_404(Incident, pk=incident_id)
    form_class = FORMS.get(action)
    if form_class is None:
        return HttpResponseRedirect(reverse("workspace:incident", args=[incident.pk]))
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        try:
            done = _run(action, user, incident, form.cleaned_data)
        except DOMAIN_ERRORS as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("workspace:incident", args=[incident.pk]))
    context = _context(user, incident, {action: form})
    return render(request, "workspace/incident.html", context, status=400)
