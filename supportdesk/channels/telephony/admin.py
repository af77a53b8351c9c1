from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from supportdesk.channels.telephony.models import Call, CallEvent, TelephonyIntegration


@admin.register(TelephonyIntegration)
class TelephonyIntegrationAdmin(admin.ModelAdmin[TelephonyIntegration]):
    list_display = ("name", "slug", "provider", "region", "is_active")
    list_filter = ("provider", "is_active")
    search_fields = ("name", "slug")


class ReadOnly(admin.ModelAdmin[Any]):
    """What the webhook and the agents' actions wrote is evidence: never changed by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(ReadOnly):
    list_display = ("started_at", "integration", "from_number", "contact", "state", "request")
    list_filter = ("state", "integration")
    search_fields = ("from_number", "call_id")
    date_hierarchy = "started_at"


@admin.register(CallEvent)
class CallEventAdmin(ReadOnly):
    list_display = ("received_at", "integration", "key", "quarantine_reason")
    list_filter = ("integration",)
    search_fields = ("key",)
