"""The queue's search, saved views and bulk changes: thin views over ``search`` and the
request actions (each request of a bulk change goes through the same action as its
page's form, in its own transaction, audited there)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from supportdesk.search import actions as search_actions
from supportdesk.staff.models import Team
from supportdesk.staff.permissions import ActionDenied
from supportdesk.tickets import actions
from supportdesk.tickets.access import NotFound, get_request
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Status
from supportdesk.workspace.forms import WORKING_STATUSES, StaffChoiceField, staff_users

MAX_BULK = 200


def _staff(request: HttpRequest) -> User:
    from supportdesk.workspace.views import _staff as staff

    return staff(request)


def _back(query: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("workspace:index") + (f"?{query}" if query else ""))


class SaveViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the view"), max_length=80)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


@login_required
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = SaveViewForm(request.POST)
    query = search_actions.clean_query(parse_qsl(request.POST.get("query", "")))
    if not form.is_valid():
        messages.error(request, _("A saved view needs a name."))
        return _back(query)
    try:
        search_actions.save_view(
            actor=user, name=form.cleaned_data["name"], query=query, now=timezone.now()
        )
    except (ActionError, ActionDenied) as error:
        messages.error(request, str(error))
        return _back(query)
    messages.success(request, _("View saved."))
    return _back(query)


@login_required
@require_POST
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    user = _staff(request)
    try:
        search_actions.delete_view(actor=user, view_id=view_id, now=timezone.now())
    except (ActionError, ActionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("View deleted."))
    return _back("")


class BulkForm(forms.Form):
    operation = forms.ChoiceField(
        label=gettext_lazy("With the selected"),
        choices=[
            ("assign", gettext_lazy("assign")),
            ("status", gettext_lazy("change status")),
        ],
    )
    assignee = StaffChoiceField(
        staff_users(), required=False, label=gettext_lazy("Assignee"),
        empty_label=gettext_lazy("nobody"),
    )  # fmt: skip
    team = forms.ModelChoiceField(
        Team.objects.all(), required=False, label=gettext_lazy("Team"),
        empty_label=gettext_lazy("keep the team"),
    )  # fmt: skip
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", "—"), *((s.value, s.label) for s in WORKING_STATUSES)],
        required=False,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=500)
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    back = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        field = self.fields["ids"]
        if isinstance(field, forms.TypedMultipleChoiceField):
            field.choices = [(value, value) for value in ids if value.isdigit()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("operation") == "status" and not data.get("status"):
            self.add_error("status", _("Choose the new status."))
        if len(data.get("ids", [])) > MAX_BULK:
            self.add_error("ids", _("At most %(count)d requests at once.") % {"count": MAX_BULK})
        return data


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Assign or change the status of the selected requests, one by one through the
    request actions; what each one refused is reported with its reference."""
    user = _staff(request)
    form = BulkForm(request.POST)
    back = request.POST.get("back", "")
    back = search_actions.clean_query(parse_qsl(back)) if back else ""
    if not form.is_valid():
        messages.error(request, _("Select requests and what to do with them."))
        return _back(back)
    data = form.cleaned_data
    now = timezone.now()
    done: list[str] = []
    for request_id in data["ids"]:
        try:
            item = get_request(user, request_id)
        except NotFound:
            messages.error(request, _("SD-%(id)d: no such request.") % {"id": request_id})
            continue
        try:
            if data["operation"] == "assign":
                team = data["team"] or item.team
                actions.assign(
                    actor=user, request=item, assignee=data["assignee"], team=team, now=now
                )
            else:
                actions.set_status(
                    actor=user, request=item, status=Status(data["status"]),
                    reason=data["reason"], now=now,
                )  # fmt: skip
        except (ActionError, ActionDenied) as error:
            messages.error(request, f"{item.reference}: {error}")
            continue
        done.append(item.reference)
    if done:
        messages.success(request, _("Done for %(references)s.") % {"references": ", ".join(done)})
    return _back(back)
