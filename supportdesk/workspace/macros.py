"""Canned replies on the desk: every staff member reads the list; support leads create,
edit and retire them (``tickets.actions.macros``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.staff.permissions import Capability, may
from supportdesk.tickets import actions
from supportdesk.tickets.macros import PLACEHOLDERS
from supportdesk.tickets.models import Macro, Status
from supportdesk.workspace.forms import MacroEditForm
from supportdesk.workspace.views import DOMAIN_ERRORS, _staff


def _save(request: HttpRequest, form: MacroEditForm, macro: Macro | None) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        actions.save_macro(
            actor=_staff(request), macro=macro, name=data["name"], body=data["body"],
            status=Status(data["status"]) if data["status"] else None, now=timezone.now(),
        )  # fmt: skip
    except DOMAIN_ERRORS as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, _("Canned reply saved."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def macro_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = MacroEditForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _save(request, form, None):
        return HttpResponseRedirect(reverse("workspace:macros"))
    context = {
        "macros": Macro.objects.filter(is_active=True),
        "retired": Macro.objects.filter(is_active=False),
        "form": form,
        "manage": may(user, Capability.MANAGE_MACROS),
        "placeholders": PLACEHOLDERS.items(),
    }
    return render(request, "workspace/macros.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def macro_page(request: HttpRequest, macro_id: int) -> HttpResponse:
    user = _staff(request)
    if not may(user, Capability.MANAGE_MACROS):
        raise Http404("no such page")
    macro = get_object_or_404(Macro, pk=macro_id)
    initial = {"name": macro.name, "body": macro.body, "status": macro.status}
    form = MacroEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and _save(request, form, macro):
        return HttpResponseRedirect(reverse("workspace:macros"))
    context = {"macro": macro, "form": form, "placeholders": PLACEHOLDERS.items()}
    return render(request, "workspace/macro.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def macro_retire(request: HttpRequest, macro_id: int) -> HttpResponse:
    user = _staff(request)
    macro = get_object_or_404(Macro, pk=macro_id)
    try:
        actions.retire_macro(actor=user, macro=macro, now=timezone.now())
    except DOMAIN_ERRORS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Canned reply retired."))
    return HttpResponseRedirect(reverse("workspace:macros"))
