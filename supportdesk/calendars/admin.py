"""Admin for calendars. Saving goes through the calendar actions, which bump the revision,
audit the change and recompute the open SLA deadlines on the calendar."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.calendars import actions
from supportdesk.calendars.models import (
    BusinessCalendar,
    CalendarException,
    ProductionCalendar,
    ProductionDay,
)
from supportdesk.core.auth import acting_user


class CalendarExceptionInline(admin.TabularInline[CalendarException, BusinessCalendar]):
    model = CalendarException
    extra = 1
    fields = ("day", "kind", "hours", "note")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    list_display = (
        "name",
        "title",
        "time_zone",
        "monday",
        "saturday",
        "production_calendar",
        "revision",
    )
    search_fields = ("name", "title")
    inlines = (CalendarExceptionInline,)
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
    list_display = ("code", "title", "revision")
    inlines = (ProductionDayInline,)

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
