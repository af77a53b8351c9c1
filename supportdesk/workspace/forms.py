"""Forms of the workspace: they parse and validate input; actions do the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from supportdesk.customers.models import Contact, Organization
from supportdesk.sla.models import Plan, PriorityChoices, RequestTypeChoices
from supportdesk.slamath.request_clocks import RequestStatus, can_become
from supportdesk.staff.models import Team
from supportdesk.tickets.models import (
    Component,
    Concern,
    Environment,
    Incident,
    IncidentState,
    Macro,
    PriorityDefinition,
    Request,
    Scope,
    Status,
)
from supportdesk.web.uploads import MultipleFileField, MultipleFileInput

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
WORKING_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.WAITING)


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class FilterForm(forms.Form):
    q = forms.CharField(
        required=False, max_length=200, label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "SD-123"}),
    )  # fmt: skip
    organization = forms.ModelChoiceField(
        Organization.objects.all(), required=False, label=_("Organization"), empty_label="—"
    )
    plan = forms.ChoiceField(required=False, label=_("Plan"))
    priority = forms.ChoiceField(
        choices=_blank(PriorityChoices.choices), required=False, label=_("Priority")
    )
    type = forms.ChoiceField(
        choices=_blank(RequestTypeChoices.choices), required=False, label=_("Type")
    )
    component = forms.ModelChoiceField(
        Component.objects.all(), required=False, label=_("Component"), empty_label="—"
    )
    status = forms.ChoiceField(choices=_blank(Status.choices), required=False, label=_("Status"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = self.fields["plan"]
        if isinstance(plans, forms.ChoiceField):
            plans.choices = _blank(Plan.objects.values_list("code", "title"))


class BodyForm(forms.Form):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    # Two of these forms are on one page: Django ties each field to its own hint.
    attachments = MultipleFileField(label=_("Files (optional)"), widget=MultipleFileInput())


def status_choices(current: str) -> list[tuple[str, Any]]:
    """The request's status first (preselected), then the working states it may become."""
    now = Status(current)
    others = [
        (s.value, s.label)
        for s in WORKING_STATUSES
        if s != now and can_become(RequestStatus(now), RequestStatus(s))
    ]
    return [(now.value, now.label), *others]


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[(s.value, s.label) for s in WORKING_STATUSES]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args: Any, current: str = Status.OPEN, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"status": current})
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        if isinstance(field, forms.ChoiceField):
            field.choices = status_choices(current)


class TakeForm(forms.Form):
    """ "Take it": assign the request to me (no fields)."""


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))


class MacroForm(forms.Form):
    macro = forms.ModelChoiceField(
        Macro.objects.filter(is_active=True), label=_("Canned reply"), empty_label="—"
    )


def parse_reference(text: str) -> int | None:
    number = text.strip().upper().removeprefix("SD-")
    return int(number) if number.isdigit() else None


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Duplicate of"),
        max_length=20,
        help_text=_("A request of the same organization, e.g. SD-12: this one is closed into it."),
    )

    def clean_into(self) -> int:
        number = parse_reference(self.cleaned_data["into"])
        if number is None:
            raise forms.ValidationError(_("A reference such as SD-12."))
        return number


class IncidentLinkForm(forms.Form):
    incident = forms.ModelChoiceField(
        Incident.objects.filter(state=IncidentState.OPEN), label=_("Incident"), empty_label="—"
    )


def staff_users() -> Any:
    return User.objects.filter(staff__isnull=False, is_active=True).order_by(
        "first_name", "username"
    )


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class AssignForm(forms.Form):
    """Opened with the request's assignee and team selected: saving it unchanged changes
    nothing."""

    assignee = StaffChoiceField(
        staff_users(), required=False, label=_("Assignee"), empty_label=_("nobody")
    )
    team = forms.ModelChoiceField(
        Team.objects.all(), required=False, label=_("Team"), empty_label=_("no team")
    )


class PriorityForm(forms.Form):
    to = forms.ChoiceField(label=_("New priority"), choices=PriorityChoices.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CorrectForm(PriorityForm):
    """Rule 3. Lowering a priority the customer set names the definition it matches."""

    definition = forms.ChoiceField(
        label=_("Definition the request matches"),
        choices=[("", "—"), *PriorityDefinition.choices],
        required=False,
        help_text=_("Required to lower a priority the customer set (SPEC section 5)."),
    )


class ObjectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("uphold", _("Uphold the correction")), ("revert", _("Revert the correction"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DowngradeForm(PriorityForm):
    to = forms.ChoiceField(
        label=_("New priority"),
        choices=[("P2", _("P1 → P2")), ("P3", _("P2 → P3"))],
    )


class ExcludeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: a duplicate of another request."),
    )


class ResolveForm(forms.Form):
    summary = forms.CharField(
        label=_("Resolution summary"), widget=forms.Textarea(attrs={"rows": 3})
    )


def contact_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = {}
    contacts = Contact.objects.filter(is_active=True, organization__is_active=True)
    for contact in contacts.select_related("organization").order_by("organization__name", "name"):
        label = f"{contact.name} <{contact.email}>" if contact.email else contact.name
        groups.setdefault(contact.organization.name, []).append((contact.pk, label))
    return list(groups.items())


class NewRequestForm(forms.Form):
    contact = forms.TypedChoiceField(label=_("Contact"), coerce=int)
    request_type = forms.ChoiceField(label=_("Type"), choices=RequestTypeChoices.choices)
    component = forms.ModelChoiceField(
        Component.objects.filter(is_active=True),
        required=False,
        label=_("Component"),
        empty_label="—",
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=_blank(Scope.choices), required=False)
    environment = forms.ChoiceField(
        label=_("Environment"),
        choices=Environment.choices,
        initial=Environment.PRODUCTION,
        required=False,
    )
    concern = forms.ChoiceField(
        label=_("What is it about"),
        choices=Concern.choices,
        initial=Concern.PLATFORM,
        required=False,
        help_text=_("Test/dev environments and custom chatbots need their add-ons."),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=PriorityChoices.choices, initial="P3")
    priority_reason = forms.CharField(
        label=_("Why this priority"),
        max_length=200,
        required=False,
        help_text=_(
            "Needed when the description is not detailed (no component, no scope, or too "
            "short) and you judge the request more urgent than P4."
        ),
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    registered_at = forms.DateTimeField(
        label=_("Call time (Moscow)"),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "—"), *contact_choices()]

    def clean_contact(self) -> Contact:
        pk = self.cleaned_data["contact"]
        contact = Contact.objects.filter(pk=pk, is_active=True).first()
        if contact is None:
            raise forms.ValidationError(_("Pick a contact."))
        return contact


class ReleaseForm(forms.Form):
    """Where a quarantined mail goes: a message on a request, or a new request."""

    request = forms.CharField(
        label=_("Add to request"),
        required=False,
        max_length=20,
        help_text=_("A reference such as SD-12; leave empty to open a new request."),
    )
    contact = forms.TypedChoiceField(label=_("From contact"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "—"), *contact_choices()]

    def clean_request(self) -> Request | None:
        text = self.cleaned_data["request"].strip()
        if not text:
            return None
        number = text.upper().removeprefix("SD-")
        request = Request.objects.filter(pk=int(number)).first() if number.isdigit() else None
        if request is None:
            raise forms.ValidationError(_("There is no request %(ref)s.") % {"ref": text})
        return request

    def clean_contact(self) -> Contact:
        contact = Contact.objects.filter(pk=self.cleaned_data["contact"], is_active=True).first()
        if contact is None:
            raise forms.ValidationError(_("Pick a contact."))
        return contact


class DiscardForm(forms.Form):
    note = forms.CharField(
        label=_("Why"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutOfContractForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The customer reads it; required to decline."),
    )


class MacroEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Placeholders: {customer_name}, {reference}, {subject}, {organization}, {agent_name}."
        ),
    )
    status = forms.ChoiceField(
        label=_("Then set the status"),
        required=False,
        choices=[("", "—"), (Status.IN_PROGRESS.value, Status.IN_PROGRESS.label),
                 (Status.WAITING.value, Status.WAITING.label)],
    )  # fmt: skip


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description (staff only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LinkRequestForm(forms.Form):
    request = forms.CharField(label=_("Request"), max_length=20, help_text=_("e.g. SD-12"))

    def clean_request(self) -> int:
        number = parse_reference(self.cleaned_data["request"])
        if number is None:
            raise forms.ValidationError(_("A reference such as SD-12."))
        return number


class BroadcastForm(forms.Form):
    body = forms.CharField(
        label=_("Update to every customer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent as a public reply on each open linked request."),
    )


class IncidentResolveForm(forms.Form):
    summary = forms.CharField(
        label=_("Resolution summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Each open linked request is resolved with it."),
    )
