"""The desk's development pages (docs/development.md): the hand-off, workaround and item
forms on a bug's page, the development items, feature requests, client releases and their
publication tasks. Thin: forms parse, ``development.actions`` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from supportdesk.customers.models import Organization
from supportdesk.development import actions, reads
from supportdesk.development.models import (
    DevelopmentItem,
    FeatureStatus,
    ItemStatus,
    Platform,
)
from supportdesk.staff.permissions import ActionDenied, Capability, may
from supportdesk.tickets.access import NotFound, get_request
from supportdesk.tickets.errors import ActionError
from supportdesk.workspace.bug_forms import HandOffForm, ItemUpdateForm, WorkaroundForm
from supportdesk.workspace.views import _staff

DOMAIN_ERRORS = (ActionError, ActionDenied)


class FeatureForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    request_id = forms.IntegerField(
        label=_("From request number"), required=False, min_value=1,
        help_text=_("A request of type feature: its organization's vote."),
    )  # fmt: skip


class FeatureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FeatureStatus.choices)
    released_version = forms.CharField(
        label=_("Released in version"), max_length=50, required=False
    )


class VoteForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.order_by("name")
    )


class ReleaseForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    version = forms.CharField(label=_("Version"), max_length=50)
    notes = forms.CharField(
        label=_("Release notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _do(request: HttpRequest, form: forms.Form, run: Any, done: str) -> None:
    if not form.is_valid():
        _form_errors(request, form)
        return
    try:
        run(form.cleaned_data)
    except DOMAIN_ERRORS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)


@login_required
@require_POST
def bug_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    user = _staff(request)
    try:
        item = get_request(user, request_id)
    except NotFound:
        raise Http404 from None
    now = timezone.now()
    if action == "handoff":
        _do(request, HandOffForm(request.POST), lambda data: actions.hand_to_development(
            actor=user, request=item, external_url=data["external_url"], note=data["note"],
            now=now,
        ), str(_("Handed to development.")))  # fmt: skip
    elif action == "workaround":
        _do(request, WorkaroundForm(request.POST), lambda data: actions.give_workaround(
            actor=user, request=item, text=data["text"], now=now,
        ), str(_("The workaround is sent to the customer.")))  # fmt: skip
    elif action == "update":
        development = DevelopmentItem.objects.filter(request=item).first()
        if development is None:
            raise Http404("not handed to development")
        _do(request, ItemUpdateForm(request.POST), lambda data: actions.update_development_item(
            actor=user, item=development, status=ItemStatus(data["status"]),
            fix_version=data["fix_version"], note=data["note"], now=now,
        ), str(_("The development status is updated.")))  # fmt: skip
    else:
        raise Http404("no such action")
    return HttpResponseRedirect(reverse("workspace:request", args=[item.pk]))


@login_required
@require_GET
def items_page(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    return render(
        request, "workspace/development_items.html", {"items": reads.development_items(user)}
    )


@login_required
@require_GET
def features_page(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    features = list(reads.visible_features(user))
    rows = [(feature, reads.voters(user, feature)) for feature in features]
    return render(
        request, "workspace/features.html",
        {"rows": rows, "form": FeatureForm(), "status_form": FeatureStatusForm(),
         "vote_form": VoteForm(), "may_manage": may(user, Capability.MANAGE_FEATURE_REQUESTS),
         "may_vote": may(user, Capability.VOTE_FEATURE_REQUEST)},
    )  # fmt: skip


@login_required
@require_POST
def feature_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = FeatureForm(request.POST)

    def run(data: dict[str, Any]) -> None:
        source = None
        if data["request_id"]:
            try:
                source = get_request(user, data["request_id"])
            except NotFound:
                raise ActionError(_("There is no such request.")) from None
        actions.file_feature_request(
            actor=user, title=data["title"], description=data["description"],
            source_request=source, now=timezone.now(),
        )  # fmt: skip

    _do(request, form, run, str(_("The feature request is filed.")))
    return HttpResponseRedirect(reverse("workspace:features"))


@login_required
@require_POST
def feature_action(request: HttpRequest, feature_id: int, action: str) -> HttpResponse:
    user = _staff(request)
    try:
        feature = reads.get_feature(user, feature_id)
    except NotFound:
        raise Http404 from None
    now = timezone.now()
    if action == "status":
        _do(request, FeatureStatusForm(request.POST), lambda data: actions.set_feature_status(
            actor=user, feature=feature, status=FeatureStatus(data["status"]),
            released_version=data["released_version"], now=now,
        ), str(_("The feature request's status is changed.")))  # fmt: skip
    elif action == "vote":
        _do(request, VoteForm(request.POST), lambda data: actions.vote_for_feature(
            actor=user, feature=feature, organization=data["organization"], now=now,
        ), str(_("The vote is counted.")))  # fmt: skip
    else:
        raise Http404("no such action")
    return HttpResponseRedirect(reverse("workspace:features"))


@login_required
@require_GET
def releases_page(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    tasks = list(reads.visible_tasks(user))
    releases = [
        (release, [task for task in tasks if task.release_id == release.pk])
        for release in reads.releases()
    ]
    return render(
        request, "workspace/releases.html",
        {"releases": releases, "form": ReleaseForm(),
         "may_publish": may(user, Capability.PUBLISH_CLIENT_RELEASE),
         "may_complete": may(user, Capability.COMPLETE_PUBLICATION_TASK)},
    )  # fmt: skip


@login_required
@require_POST
def release_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    _do(request, ReleaseForm(request.POST), lambda data: actions.publish_client_release(
        actor=user, platform=Platform(data["platform"]), version=data["version"],
        notes=data["notes"], now=timezone.now(),
    ), str(_("The release is published.")))  # fmt: skip
    return HttpResponseRedirect(reverse("workspace:releases"))


@login_required
@require_POST
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    user = _staff(request)
    try:
        task = reads.get_task(user, task_id)
    except NotFound:
        raise Http404 from None
    try:
        actions.complete_publication_task(actor=user, task=task, now=timezone.now())
    except DOMAIN_ERRORS as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The publication task is done."))
    return HttpResponseRedirect(reverse("workspace:releases"))
