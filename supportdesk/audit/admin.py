from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from supportdesk.audit.labels import action_label
from supportdesk.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "what", "subject_type", "subject_id", "actor")
    list_filter = ("action", "subject_type")
    search_fields = ("subject_id", "action")
    date_hierarchy = "at"

    @admin.display(description=_("action"), ordering="action")
    def what(self, obj: AuditEvent) -> str:
        """The action's name in the reader's language, not its code."""
        return action_label(obj.action)

    # Append-only: the log is evidence, nobody edits it.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
