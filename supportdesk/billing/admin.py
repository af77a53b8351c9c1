"""Admin for price lists: a lead edits drafts (through ``billing.actions``) and puts one in
force; a list in force or retired is read only, as policy versions are."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.billing import actions
from supportdesk.billing.models import PriceList, PriceListStatus, Quote
from supportdesk.core.auth import acting_user
from supportdesk.staff.permissions import ActionDenied

FIELDS = ("version", "currency", "valid_from", "valid_until", "illustrative", "note", "items")


def _editable(price_list: PriceList | None) -> bool:
    return price_list is None or price_list.status == PriceListStatus.DRAFT


def _document(data: dict[str, Any]) -> dict[str, Any]:
    items = data.get("items")
    return {
        "version": data.get("version", ""),
        "note": data.get("note", ""),
        "currency": data.get("currency", ""),
        "illustrative": bool(data.get("illustrative")),
        "valid_from": data["valid_from"].isoformat() if data.get("valid_from") else None,
        "valid_until": data["valid_until"].isoformat() if data.get("valid_until") else None,
        **(items if isinstance(items, dict) else {}),
    }


class PriceListForm(forms.ModelForm[PriceList]):
    class Meta:
        model = PriceList
        fields = FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is not None:
            data["version"] = self.instance.version
        if not self.errors:
            try:
                actions.check_document(_document(data))
            except actions.PriceListRefused as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin[PriceList]):
    form = PriceListForm
    list_display = ("version", "status", "valid_from", "valid_until", "currency", "illustrative")
    list_filter = ("status",)
    fields = FIELDS
    actions = ("put_in_force",)

    def get_readonly_fields(self, request: HttpRequest, obj: PriceList | None = None) -> Any:
        return ("version",) if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: PriceList | None = None) -> bool:
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: PriceList | None = None) -> bool:
        return _editable(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: PriceList, form: Any, change: bool) -> None:
        saved = actions.load_draft(
            actor=acting_user(request), document=_document(form.cleaned_data), now=timezone.now()
        )
        obj.pk = saved.pk

    @admin.action(description=_("Put the selected draft in force"))
    def put_in_force(self, request: HttpRequest, queryset: QuerySet[PriceList]) -> None:
        for price_list in queryset:
            try:
                actions.put_in_force(
                    actor=acting_user(request), price_list=price_list, now=timezone.now()
                )
            except (actions.PriceListRefused, ActionDenied) as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(version)s is in force") % {"version": price_list},
                    messages.SUCCESS,
                )


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin[Quote]):
    """Read only: quotes change through ``billing.quotes`` alone."""

    list_display = ("__str__", "organization", "status", "gross", "valid_until", "contract")
    list_filter = ("status", "year")
    readonly_fields = (
        "organization", "status", "year", "serial", "revision", "inputs", "valid_until",
        "price_list", "illustrative", "lines", "net", "vat", "gross", "vat_parts",
        "created_at", "issued_at", "decided_at", "contract",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Quote | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Quote | None = None) -> bool:
        return False
