"""The portal's forms: parse and validate what a customer posts; the actions decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from supportdesk.sla.models import PriorityChoices, RequestTypeChoices
from supportdesk.tickets.attachments import UploadRejected, check_upload
from supportdesk.tickets.models import Component, Environment, Scope


def _files_hint() -> str:
    return gettext("Up to %(count)d files, each at most %(size)s.") % {
        "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
    }


files_hint = lazy(_files_hint, str)  # read when the page is drawn


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files under one field name; each checked like the API checks it."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"aria-describedby": "files-hint"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", files_hint())
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[UploadedFile[bytes]]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        files: list[UploadedFile[bytes]] = []
        for item in items:
            upload = super().clean(item, initial)
            if not upload:
                continue
            try:
                check_upload(upload)
            except UploadRejected as error:
                raise forms.ValidationError(str(error)) from None
            files.append(upload)
        return files


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
