from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from supportdesk.channels.email.models import InboundMail, MailboxState


class ReadOnly(admin.ModelAdmin[Any]):
    """What the reader wrote is evidence: changed only by the actions, never by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InboundMail)
class InboundMailAdmin(ReadOnly):
    list_display = ("received_at", "mailbox", "sender", "subject", "outcome", "reason", "state")
    list_filter = ("outcome", "reason", "state", "mailbox")
    search_fields = ("sender", "subject", "message_id")
    date_hierarchy = "received_at"


@admin.register(MailboxState)
class MailboxStateAdmin(ReadOnly):
    list_display = ("name", "uidvalidity", "last_uid", "last_success_at", "last_error_at")
