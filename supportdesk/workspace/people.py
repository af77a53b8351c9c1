"""Staff pages about people: the personal manager's customers, and absences."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.development.reads import features_of_customers
from supportdesk.staff import absences
from supportdesk.staff.models import Absence, StaffMember
from supportdesk.staff.permissions import ActionDenied, Capability, may
from supportdesk.tickets.access import is_staff
from supportdesk.tickets.managed import managed_view

MOSCOW = ZoneInfo("Europe/Moscow")  # staff read dates in the vendor's zone


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not is_staff(user):
        raise Http404("no such page")
    return user


@login_required
@require_GET
def my_customers(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not may(user, Capability.SEE_MANAGED_CUSTOMERS):
        raise Http404("no such page")
    view = managed_view(user)
    features = features_of_customers(user, [c.organization_id for c in view.contracts])
    return render(request, "workspace/customers.html", {"view": view, "features": features})


DAY = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


class AbsenceForm(forms.Form):
    member = forms.ModelChoiceField(
        label=gettext_lazy("Who"), queryset=StaffMember.objects.select_related("user")
    )
    starts_on = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput({"type": "date"})
    )
    ends_on = forms.DateField(label=gettext_lazy("Until"), widget=forms.DateInput({"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


def _absence_form(user: User, data: QueryDict | None = None) -> AbsenceForm:
    form = AbsenceForm(data, initial={"member": StaffMember.objects.filter(user=user).first()})
    if not may(user, Capability.SET_OTHERS_ABSENCE):  # only themself to choose
        form.fields["member"] = forms.ModelChoiceField(
            label=gettext_lazy("Who"), queryset=StaffMember.objects.filter(user=user)
        )
    return form


def _absence_page(
    request: HttpRequest, user: User, form: AbsenceForm, status: int = 200
) -> HttpResponse:
    today = timezone.localdate(timezone=MOSCOW)
    listed = absences.absences_from(today)
    if not may(user, Capability.SET_OTHERS_ABSENCE):
        listed = listed.filter(member__user=user)
    context = {
        "form": form,
        "absences": listed,
        "may_others": may(user, Capability.SET_OTHERS_ABSENCE),
    }
    return render(request, "workspace/absences.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def absence_page(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not may(user, Capability.SET_ABSENCE):
        raise Http404("no such page")
    if request.method != "POST":
        return _absence_page(request, user, _absence_form(user))
    form = _absence_form(user, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            absences.set_absence(
                actor=user, member=data["member"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], note=data["note"], now=timezone.now(),
            )  # fmt: skip
        except (absences.AbsenceError, ActionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Absence saved."))
            return HttpResponseRedirect(reverse("workspace:absences"))
    return _absence_page(request, user, form, status=400)


@login_required
@require_POST
def absence_remove(request: HttpRequest, absence_id: int) -> HttpResponse:
    user = _staff(request)
    absence = Absence.objects.select_related("member").filter(pk=absence_id).first()
    if absence is None:
        raise Http404("no such absence")
    try:
        absences.remove_absence(actor=user, absence=absence, now=timezone.now())
    except ActionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Absence removed."))
    return HttpResponseRedirect(reverse("workspace:absences"))
