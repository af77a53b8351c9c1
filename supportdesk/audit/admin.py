from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from supportdesk.audit.labels import action_label
from supportdesk.audit.models import AuditEvent


class ActionFilter(admin.SimpleListFilter):
    """The actions recorded, by their names in the reader's language."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        actions = AuditEvent.objects.values_list("action", flat=True).distinct()
        return sorted(((code, action_label(code)) for code in actions), key=lambda row: row[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> Any:
        value = self.value()
        return queryset.filter(action=value) if value else queryset


class SubjectFilter(admin.SimpleListFilter):
    """What the event is about, by the model's name in the reader's language."""

    title = _("subject type")
    parameter_name = "subject_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        labels = AuditEvent.objects.values_list("subject_type", flat=True).distinct()
        return sorted(((label, subject_name(label)) for label in labels), key=lambda row: row[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> Any:
        value = self.value()
        return queryset.filter(subject_type=value) if value else queryset


def subject_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "what", "subject", "subject_id", "actor")
    list_filter = (ActionFilter, SubjectFilter)
    search_fields = ("subject_id", "action")
    date_hierarchy = "at"

    @admin.display(description=_("action"), ordering="action")
    def what(self, obj: AuditEvent) -> str:
        """The action's name in the reader's language, not its code."""
        return action_label(obj.action)

    fields = ("at", "what", "subject", "subject_id", "actor", "data")
    readonly_fields = fields

    @admin.display(description=_("subject type"), ordering="subject_type")
    def subject(self, obj: AuditEvent) -> str:
        return subject_name(obj.subject_type)

    # Append-only: the log is evidence, nobody edits it.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
