from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from supportdesk.channels.alertmanager.models import AlertDelivery, AlertGroup, AlertIntegration


@admin.register(AlertIntegration)
class AlertIntegrationAdmin(admin.ModelAdmin[AlertIntegration]):
    list_display = ("name", "slug", "organization", "contact", "severity_label", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    raw_id_fields = ("organization", "contact")


class ReadOnly(admin.ModelAdmin[Any]):
    """What the webhook wrote is evidence: changed only by the actions, never by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AlertGroup)
class AlertGroupAdmin(ReadOnly):
    list_display = ("integration", "group_key", "request", "resolution_proposed", "notifications")
    list_filter = ("integration", "resolution_proposed")


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(ReadOnly):
    list_display = ("received_at", "integration", "outcome", "reason")
    list_filter = ("outcome", "integration")
    date_hierarchy = "received_at"
