"""The portal's forms: parse and validate what a customer posts; the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from supportdesk.sla.models import PriorityChoices, RequestTypeChoices
from supportdesk.tickets.models import Component, Concern, Environment, Scope
from supportdesk.web.uploads import MultipleFileField


class NewRequestForm(forms.Form):
    request_type = forms.ChoiceField(
        label=_("Type"), choices=RequestTypeChoices.choices, initial=RequestTypeChoices.INCIDENT
    )
    component = forms.ModelChoiceField(
        label=_("Component"),
        queryset=Component.objects.filter(is_active=True),
        required=False,
        empty_label=_("— choose the component —"),
    )
    scope = forms.ChoiceField(
        label=_("Who is affected"),
        choices=Scope.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    environment = forms.ChoiceField(
        label=_("Environment"), choices=Environment.choices, initial=Environment.PRODUCTION
    )
    concern = forms.ChoiceField(
        label=_("What is it about"),
        choices=Concern.choices,
        initial=Concern.PLATFORM,
        widget=forms.RadioSelect,
        required=False,  # left out: the platform (base support)
        help_text=_(
            "A failure of the platform's own chatbot or SmartApp function is base support; "
            "work on a chatbot or SmartApp your company had built needs the ChatBot/SmartApp "
            "add-on."
        ),
    )
    requested_priority = forms.ChoiceField(
        label=_("Priority"),
        choices=PriorityChoices.choices,
        initial=PriorityChoices.P3,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8, "aria-describedby": "description-hint"}),
        required=False,
    )
    attachments = MultipleFileField(label=_("Files (optional)"))


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = MultipleFileField(label=_("Files (optional)"))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the problem not solved?"), widget=forms.Textarea(attrs={"rows": 3})
    )
