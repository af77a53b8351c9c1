"""The portal's development pages (docs/development.md): feature requests to file and vote
on, and the organization's client-app publication tasks. The bug's status on a request's
page comes from ``portal.bugs``. Thin: the reads filter, the actions decide."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from supportdesk.development import actions, reads
from supportdesk.portal.views import _user, portal_view
from supportdesk.staff.permissions import ActionDenied, Capability, may
from supportdesk.tickets.access import NotFound
from supportdesk.tickets.errors import ActionError

DOMAIN_ERRORS = (ActionError, ActionDenied)


class FeatureForm(forms.Form):
    title = forms.CharField(label=_("What should the product do?"), max_length=300)
    description = forms.CharField(
        label=_("Why it matters to you"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@require_GET
@portal_view
def features(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request, "portal/features.html",
        {"features": reads.visible_features(user), "form": FeatureForm(),
         "may_vote": may(user, Capability.VOTE_FEATURE_REQUEST)},
    )  # fmt: skip


@require_POST
@portal_view
def feature_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = FeatureForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        try:
            actions.file_feature_request(
                actor=user, title=form.cleaned_data["title"],
                description=form.cleaned_data["description"], now=timezone.now(),
            )  # fmt: skip
        except DOMAIN_ERRORS as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you: your wish is filed with your vote."))
    return HttpResponseRedirect(reverse("portal:features"))


@require_POST
@portal_view
def vote(request: HttpRequest, feature_id: int) -> HttpResponse:
    user = _user(request)
    try:
        feature = reads.get_feature(user, feature_id)
        actions.vote_for_feature(actor=user, feature=feature, now=timezone.now())
    except NotFound:
        messages.error(request, _("There is no such feature request."))
    except DOMAIN_ERRORS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your organization's vote is counted."))
    return HttpResponseRedirect(reverse("portal:features"))


@require_GET
@portal_view
def publications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request, "portal/publications.html",
        {"tasks": reads.visible_tasks(user),
         "may_complete": may(user, Capability.COMPLETE_PUBLICATION_TASK)},
    )  # fmt: skip


@require_POST
@portal_view
def publication_done(request: HttpRequest, task_id: int) -> HttpResponse:
    user = _user(request)
    try:
        task = reads.get_task(user, task_id)
        actions.complete_publication_task(actor=user, task=task, now=timezone.now())
    except NotFound:
        messages.error(request, _("There is no such publication task."))
    except DOMAIN_ERRORS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Marked as published."))
    return HttpResponseRedirect(reverse("portal:publications"))
