"""The desk's contract pages: every contract with its plan version and installation, the
requests outside a contract waiting for a lead, the servers a "fixed in version X" still
affects; a contract's page with what it includes and its CTS servers (staff who may edit
the installation add and change them); a lead's bulk move to another SLA policy version.
Thin: forms parse, ``contracts.actions`` decide."""

from __future__ import annotations

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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.contracts.actions import (
    ContractError,
    add_server,
    change_server,
    move_contracts_to_policy_version,
    remove_server,
    renew_contract,
)
from supportdesk.contracts.models import Contract, Server, ServerEnvironment
from supportdesk.contracts.reads import affected_contracts, included_add_ons, servers_of
from supportdesk.contracts.versions import Version, VersionError
from supportdesk.sla.models import PolicyVersion
from supportdesk.staff.permissions import ActionDenied, Capability, may
from supportdesk.tickets.access import staff_member
from supportdesk.tickets.models import OutOfContract, Request


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_active or staff_member(user) is None:
        raise Http404("no such page")
    return user


class ServerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name or host"), max_length=200)
    environment = forms.ChoiceField(
        label=gettext_lazy("Environment"), choices=ServerEnvironment.choices
    )
    platform_version = forms.CharField(
        label=gettext_lazy("Platform version"), max_length=40, help_text="3.14.2"
    )
    fault_tolerant_pair = forms.BooleanField(
        label=gettext_lazy("Part of a fault-tolerant pair"), required=False
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, max_length=1000)


class RenewForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Number of the new contract"), max_length=50)
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: one year."),
    )


class MoveForm(forms.Form):
    version = forms.ModelChoiceField(
        label=gettext_lazy("SLA policy version"),
        queryset=PolicyVersion.objects.select_related("plan").order_by("plan__code", "-number"),
    )
    contracts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Contracts"),
        queryset=Contract.objects.select_related("organization", "policy_version__plan"),
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


@login_required
@require_http_methods(["GET", "POST"])
def contract_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    now = timezone.now()
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moved = move_contracts_to_policy_version(
                actor=user, contracts=form.cleaned_data["contracts"],
                version=form.cleaned_data["version"], reason=form.cleaned_data["reason"],
                now=now,
            )  # fmt: skip
        except (ContractError, ActionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(count)d contracts moved to %(version)s.")
                % {"count": len(moved), "version": form.cleaned_data["version"]},
            )
            return HttpResponseRedirect(reverse("workspace:contracts"))
    version_text = request.GET.get("fixed_in", "").strip()
    affected, version_error = None, ""
    if version_text:
        try:
            Version(version_text)
        except VersionError as error:
            version_error = str(error)
        else:
            affected = affected_contracts(version_text, on=timezone.localdate(now))
    contracts = Contract.objects.select_related(
        "organization", "policy_version__plan"
    ).prefetch_related("servers")
    pending = (
        Request.objects.filter(out_of_contract=OutOfContract.PENDING)
        .select_related("organization")
        .order_by("registered_at")
    )
    return render(
        request,
        "workspace/contracts.html",
        {
            "contracts": contracts,
            "pending": pending,
            "fixed_in": version_text,
            "affected": affected,
            "version_error": version_error,
            "form": form,
            "may_move": may(user, Capability.MOVE_POLICY_VERSION),
        },
        status=400 if request.method == "POST" else 200,
    )


def _contract(contract_id: int) -> Contract:
    contract = (
        Contract.objects.select_related("organization", "policy_version__plan")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        raise Http404("no such contract")
    return contract


@login_required
@require_GET
def contract_page(request: HttpRequest, contract_id: int) -> HttpResponse:
    user = _staff(request)
    contract = _contract(contract_id)
    return render(
        request,
        "workspace/contract.html",
        {
            "contract": contract,
            "included": included_add_ons(contract),
            "servers": servers_of(contract),
            "form": ServerForm(),
            "renew_form": RenewForm(),
            "may_edit": may(user, Capability.EDIT_INSTALLATION),
            "may_renew": may(user, Capability.MOVE_POLICY_VERSION),
        },
    )


@login_required
@require_POST
def server_save(request: HttpRequest, contract_id: int, server_id: int = 0) -> HttpResponse:
    user = _staff(request)
    contract = _contract(contract_id)
    back = HttpResponseRedirect(reverse("workspace:contract", args=[contract.pk]))
    now = timezone.now()
    server = None
    if server_id:
        server = Server.objects.filter(pk=server_id, contract=contract).first()
        if server is None:
            raise Http404("no such server")
    if server is not None and request.POST.get("remove"):
        try:
            remove_server(actor=user, server=server, now=now)
        except ActionDenied as error:
            messages.error(request, str(error))
        return back
    form = ServerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return back
    data = form.cleaned_data
    try:
        if server is None:
            add_server(actor=user, contract=contract, now=now, **data)
        else:
            change_server(actor=user, server=server, now=now, **data)
    except (ContractError, ActionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The installation is saved."))
    return back


@login_required
@require_POST
def renew(request: HttpRequest, contract_id: int) -> HttpResponse:
    """The next term, on the newest SLA policy version of the plan in force then."""
    user = _staff(request)
    contract = _contract(contract_id)
    form = RenewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return HttpResponseRedirect(reverse("workspace:contract", args=[contract.pk]))
    try:
        renewed = renew_contract(
            actor=user, contract=contract, number=form.cleaned_data["number"],
            valid_until=form.cleaned_data["valid_until"], now=timezone.now(),
        )  # fmt: skip
    except (ContractError, ActionDenied) as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("workspace:contract", args=[contract.pk]))
    messages.success(
        request,
        _("Contract %(number)s is the next term, on %(version)s.")
        % {"number": renewed.number, "version": renewed.policy_version},
    )
    return HttpResponseRedirect(reverse("workspace:contract", args=[renewed.pk]))
