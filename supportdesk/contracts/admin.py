from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from supportdesk.contracts.models import AddOn, AddOnDefinition, Contract, Server


class ContractForm(forms.ModelForm[Contract]):
    add_ons = forms.MultipleChoiceField(
        label=_("add-ons"),
        choices=AddOn.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contract
        fields = (
            "number", "organization", "policy_version", "valid_from", "valid_until", "users",
            "cts_servers", "fault_tolerance", "add_ons", "dedicated_engineer", "personal_manager",
        )  # fmt: skip

    def clean_add_ons(self) -> list[Any]:
        return sorted(self.cleaned_data["add_ons"])


class ServerInline(admin.TabularInline[Server, Contract]):
    """Read-only here: the desk's contract page edits the installation through the actions
    (permission, audit)."""

    model = Server
    extra = 0
    fields = ("name", "environment", "platform_version", "fault_tolerant_pair", "updated_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AddOnDefinition)
class AddOnDefinitionAdmin(admin.ModelAdmin[AddOnDefinition]):
    """The catalogue: one row per stable code (seeded); what each gates and which plans
    include it are editable, the codes are not."""

    list_display = ("code", "label", "unit", "included_in_plans", "position")
    readonly_fields = ("code",)
    ordering = ("position", "code")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin[Contract]):
    form = ContractForm
    inlines = (ServerInline,)
    list_display = ("number", "organization", "policy_version", "valid_from", "valid_until")
    list_filter = ("policy_version__plan",)
    search_fields = ("number", "organization__name")
    raw_id_fields = ("dedicated_engineer", "personal_manager")
