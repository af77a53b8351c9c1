from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from supportdesk.web.uploads import MultipleFileField

TEXT_MAX_LENGTH = 10_000
POST_ID = r"^[A-Za-z0-9_-]{8,64}$"


class ChatPostForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), required=False, max_length=TEXT_MAX_LENGTH, strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    attachments = MultipleFileField(label=_("Files"))
    # A new id per message, made by the page: a post sent twice (a retry, a double click)
    # is taken once.
    post_id = forms.RegexField(regex=POST_ID, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        empty = not (cleaned.get("text") or "").strip() and not cleaned.get("attachments")
        if empty and "text" not in self.errors and "attachments" not in self.errors:
            raise forms.ValidationError(_("Write a message or attach a file."))
        return cleaned
