"""A customer admin's page of their organization's people (invite, deactivate), and the
page behind the invitation link where the invited person chooses a password."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.customers import actions
from supportdesk.customers.invitations import read_invitation_token
from supportdesk.customers.models import Contact
from supportdesk.staff.permissions import ActionDenied, Capability, may
from supportdesk.tickets.access import contact_of
from supportdesk.tickets.links import BadLink


class InviteForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail"))


def _admin(request: HttpRequest) -> tuple[User, Contact]:
    """The signed-in customer admin; others get a 404 (the page is not theirs to know)."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    contact = contact_of(user)
    if contact is None or not may(user, Capability.MANAGE_ORGANIZATION_USERS):
        raise Http404
    return user, contact


def _page(
    request: HttpRequest, contact: Contact, form: InviteForm, status: int = 200
) -> HttpResponse:
    people = Contact.objects.filter(organization_id=contact.organization_id).order_by(
        "-is_active", "name"
    )
    context = {"people": people, "form": form, "me": contact}
    return render(request, "portal/users.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    user, contact = _admin(request)
    if request.method != "POST":
        return _page(request, contact, InviteForm())
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invited = actions.invite_user(
                actor=user, organization=contact.organization, name=form.cleaned_data["name"],
                email=form.cleaned_data["email"], language=contact.language, now=timezone.now(),
            )  # fmt: skip
        except (actions.InvitationError, ActionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invited.email})
            return HttpResponseRedirect(reverse("portal:users"))
    return _page(request, contact, form, status=400)


@login_required
@require_POST
def deactivate(request: HttpRequest, contact_id: int) -> HttpResponse:
    user, contact = _admin(request)
    person = Contact.objects.filter(pk=contact_id, organization_id=contact.organization_id).first()
    if person is None:
        raise Http404
    try:
        actions.deactivate_user(actor=user, contact=person, now=timezone.now())
    except (actions.InvitationError, ActionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": person.name})
    return HttpResponseRedirect(reverse("portal:users"))


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the form (mail scanners open links); POST sets the password."""
    try:
        contact = Contact.objects.select_related("user").get(pk=read_invitation_token(token))
    except (BadLink, Contact.DoesNotExist) as error:
        message = str(error) if isinstance(error, BadLink) else "the link is not valid"
        return render(request, "portal/link_error.html", {"message": message}, status=400)
    user = contact.user
    if user is None or contact.is_active or user.has_usable_password():
        message = _("This invitation was already used: sign in instead.")
        return render(request, "portal/link_error.html", {"message": message}, status=409)
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.accept_invitation(
                contact=contact, password=form.cleaned_data["new_password1"], now=timezone.now()
            )
        except actions.InvitationError as error:
            return render(request, "portal/link_error.html", {"message": str(error)}, status=409)
        messages.success(request, _("Your password is set: sign in."))
        return HttpResponseRedirect(reverse("login"))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "contact": contact}
    return render(request, "portal/invitation.html", context, status=status)
