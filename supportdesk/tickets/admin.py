"""Requests are read-only here: they change through the actions (pages and API) alone.
The component catalogue is configuration and editable."""

from django.contrib import admin
from django.http import HttpRequest

from supportdesk.tickets.models import Component, Message, PriorityChange, Request


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin[Component]):
    list_display = ("code", "name", "name_en", "is_active")


class MessageInline(admin.TabularInline[Message, Request]):
    model = Message
    extra = 0
    fields = ("created_at", "kind", "author", "body")
    readonly_fields = fields
    can_delete = False


class PriorityChangeInline(admin.TabularInline[PriorityChange, Request]):
    model = PriorityChange
    extra = 0
    fields = ("at", "kind", "from_priority", "to_priority", "actor", "reason")
    readonly_fields = fields
    can_delete = False


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin[Request]):
    list_display = (
        "pk",
        "subject",
        "organization",
        "priority",
        "status",
        "assignee",
        "registered_at",
    )
    list_filter = ("status", "priority", "request_type", "channel")
    search_fields = ("subject", "organization__name")
    date_hierarchy = "registered_at"
    inlines = (PriorityChangeInline, MessageInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Request | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Request | None = None) -> bool:
        return False
