"""Admin for SLA policies and clocks.

A policy version in force is evidence for every request opened under it, so it is read
only; a change is a new version (admin action "Draft a new version").
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.core.auth import acting_user
from supportdesk.sla import policy_actions
from supportdesk.sla.models import Plan, PolicyTarget, PolicyVersion, SlaClock, SlaClockEvent


class CalendarFilter(admin.RelatedFieldListFilter):
    """The clock's calendar, titled in the reader's language (the field has no label)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = str(_("calendar"))


def _in_force(version: PolicyVersion | None) -> bool:
    return (
        version is not None and version.pk is not None and version.effective_from <= timezone.now()
    )


class PolicyTargetInline(admin.TabularInline[PolicyTarget, PolicyVersion]):
    model = PolicyTarget
    extra = 0
    fields = (
        "request_type", "priority", "reaction_minutes", "reaction_calendar",
        "resolution_minutes", "resolution_calendar",
    )  # fmt: skip

    def has_change_permission(self, request: HttpRequest, obj: PolicyVersion | None = None) -> bool:
        return not _in_force(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: PolicyVersion | None = None) -> bool:
        return not _in_force(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: PolicyVersion | None = None) -> bool:
        return not _in_force(obj) and super().has_delete_permission(request, obj)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin[PolicyVersion]):
    list_display = ("plan", "number", "effective_from", "bug_clock_stop")
    list_filter = ("plan",)
    inlines = (PolicyTargetInline,)
    actions = ("draft_next_version",)

    def has_change_permission(self, request: HttpRequest, obj: PolicyVersion | None = None) -> bool:
        return not _in_force(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: PolicyVersion | None = None) -> bool:
        return not _in_force(obj) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Draft a new version from the selected one"))
    def draft_next_version(self, request: HttpRequest, queryset: QuerySet[PolicyVersion]) -> None:
        for version in queryset:
            draft = policy_actions.draft_policy_version(
                source=version, actor=acting_user(request), now=timezone.now()
            )
            self.message_user(
                request, _("Drafted %(version)s") % {"version": draft}, messages.SUCCESS
            )


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ("code", "title", "intake_calendar")


class SlaClockEventInline(admin.TabularInline[SlaClockEvent, SlaClock]):
    model = SlaClockEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "at", "target_seconds", "calendar", "reason")

    def has_add_permission(self, request: HttpRequest, obj: SlaClock | None = None) -> bool:
        return False


@admin.register(SlaClock)
class SlaClockAdmin(admin.ModelAdmin[SlaClock]):
    """Read only: clocks change through the SLA actions alone."""

    list_display = (
        "pk",
        "kind",
        "status",
        "clock_calendar",
        "target_seconds",
        "due_at",
        "breached_at",
    )
    list_filter = ("kind", "status", ("calendar", CalendarFilter))

    @admin.display(description=_("calendar"), ordering="calendar__name")
    def clock_calendar(self, obj: SlaClock) -> str:
        return str(obj.calendar) if obj.calendar_id else "—"

    inlines = (SlaClockEventInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SlaClock | None = None) -> bool:
        return False
