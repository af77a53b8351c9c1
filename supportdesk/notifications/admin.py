"""The outbox, read-only: rows change through the sender and the retry action alone
(support leads send failed ones again on the workspace's outbox page)."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from supportdesk.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("pk", "created_at", "event_code", "thread", "recipient", "state", "attempts")

    @admin.display(description=_("event"), ordering="event")
    def event_code(self, obj: Notification) -> str:
        """The X-Supportdesk-Event header's value: a code, shown as one."""
        return format_html("<code>{}</code>", obj.event)

    # The event is a header's code: searched for (exactly), not offered as a filter list of
    # codes on a page in Russian or English.
    list_filter = ("state", "channel")
    search_fields = ("thread", "recipient", "message_id", "=event")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
