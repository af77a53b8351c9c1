"""Admin for calendars. Saving goes through the calendar actions, which bump the revision,
audit the change and recompute the open SLA deadlines on the calendar."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from supportdesk.calendars import actions
from supportdesk.calendars.models import (
    BusinessCalendar,
    CalendarException,
    ProductionCalendar,
    ProductionDay,
)
from supportdesk.core.auth import acting_user

# The titles the product ships its calendars with (slamath.catalog, calendars.seed), shown
# through gettext; a title an admin typed is shown as typed.
SHIPPED_TITLES = {
    "Russian production calendar (official norm)": gettext_lazy(
        "Russian production calendar (official norm)"
    ),
    "Vendor business hours, Russian working days 10:00-19:00 MSK": gettext_lazy(
        "Vendor business hours, Russian working days 10:00-19:00 MSK"
    ),
    "Around the clock": gettext_lazy("Around the clock"),
    "Производственный календарь РФ": gettext_lazy("Russian production calendar"),
}


def shipped_title(title: str) -> str:
    return str(SHIPPED_TITLES.get(title, title))


class CalendarExceptionInline(admin.TabularInline[CalendarException, BusinessCalendar]):
    model = CalendarException
    extra = 1
    fields = ("day", "kind", "hours", "note")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    list_display = (
        "name",
        "shown_title",
        "time_zone",
        "monday",
        "saturday",
        "production_calendar",
        "revision",
    )
    search_fields = ("name", "title")
    inlines = (CalendarExceptionInline,)

    @admin.display(description=_("title"), ordering="title")
    def shown_title(self, obj: BusinessCalendar) -> str:
        """A shipped calendar's title in the reader's language; an admin's as typed."""
        return shipped_title(obj.title)

    fieldsets = (
        (None, {"fields": ("name", "title", "time_zone")}),
        (_("Hours"), {"fields": (*BusinessCalendar.WEEKDAY_FIELDS, "standard_hours")}),
        (_("Days"), {"fields": ("production_calendar", "shortened_by_minutes")}),
    )

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[BusinessCalendar],
        formsets: list[BaseFormSet[Any]],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        changed = list(form.changed_data) + [
            "exceptions" for formset in formsets if formset.has_changed()
        ]
        if changed:
            actions.calendar_edited(
                calendar=form.instance,
                actor=acting_user(request),
                now=timezone.now(),
                changed=changed,
            )


class ProductionDayInline(admin.TabularInline[ProductionDay, ProductionCalendar]):
    model = ProductionDay
    extra = 1
    fields = ("day", "kind", "note")


@admin.register(ProductionCalendar)
class ProductionCalendarAdmin(admin.ModelAdmin[ProductionCalendar]):
    list_display = ("code", "shown_title", "revision")
    inlines = (ProductionDayInline,)

    @admin.display(description=_("title"), ordering="title")
    def shown_title(self, obj: ProductionCalendar) -> str:
        return shipped_title(obj.title)

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[ProductionCalendar],
        formsets: list[BaseFormSet[Any]],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            actions.production_calendar_edited(
                production=form.instance, actor=acting_user(request), now=timezone.now()
            )
