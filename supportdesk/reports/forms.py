"""The period and scope a reader picks on the analytics pages (GET, so a view is a link)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from supportdesk.contracts.models import Contract
from supportdesk.reports.analytics import Month
from supportdesk.sla.models import Plan


class AnalyticsFilter(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    contract = forms.TypedChoiceField(label=_("Contract"), required=False, coerce=int)

    def __init__(
        self, data: Any, *, contracts: Sequence[Contract], plans: Sequence[Plan] = ()
    ) -> None:
        super().__init__(data)
        field = self.fields["contract"]
        if not isinstance(field, forms.TypedChoiceField):  # pragma: no cover
            raise TypeError(field)
        everyone = [("", _("all"))] if plans else []
        field.choices = everyone + [
            (c.pk, f"{c.number} · {c.organization.name}") for c in contracts
        ]
        if plans:
            self.fields["plan"] = forms.ChoiceField(
                label=_("Plan"),
                required=False,
                choices=[("", _("all")), *((p.code, p.title) for p in plans)],
            )

    def clean_month(self) -> Month | None:
        text = self.cleaned_data.get("month") or ""
        if not text:
            return None
        try:
            return Month.parse(text)
        except ValueError as error:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from error
