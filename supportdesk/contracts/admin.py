from typing import Any

from django import forms
from django.contrib import admin

from supportdesk.contracts.models import AddOn, Contract


class ContractForm(forms.ModelForm[Contract]):
    add_ons = forms.MultipleChoiceField(
        choices=AddOn.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Contract
        fields = (
            "number", "organization", "policy_version", "valid_from", "valid_until", "users",
            "cts_servers", "fault_tolerance", "add_ons", "dedicated_engineer", "personal_manager",
        )  # fmt: skip

    def clean_add_ons(self) -> list[Any]:
        return sorted(self.cleaned_data["add_ons"])


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin[Contract]):
    form = ContractForm
    list_display = ("number", "organization", "policy_version", "valid_from", "valid_until")
    list_filter = ("policy_version__plan",)
    search_fields = ("number", "organization__name")
    raw_id_fields = ("dedicated_engineer", "personal_manager")
