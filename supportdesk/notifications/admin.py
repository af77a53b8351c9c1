"""The outbox, read-only: rows change through the sender and the retry action alone
(support leads send failed ones again on the workspace's outbox page)."""

from django.contrib import admin
from django.http import HttpRequest

from supportdesk.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("pk", "created_at", "event", "thread", "recipient", "state", "attempts")
    list_filter = ("state", "event", "channel")
    search_fields = ("thread", "recipient", "message_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
