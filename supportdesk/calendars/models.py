"""Calendars as admins edit them; ``engine.py`` turns them into the pure WorkCalendar."""

from __future__ import annotations

from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.calendars.plain_reads import WEEKDAY_COLUMNS
from supportdesk.slamath.hours import CalendarDataError, DayKind, parse_hours


def validate_hours_text(value: str) -> None:
    try:
        parse_hours(value)
    except CalendarDataError as error:
        raise ValidationError(str(error)) from error


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("Unknown IANA time zone: %(zone)s"), params={"zone": value})


class DayKindChoices(models.TextChoices):
    HOLIDAY = DayKind.HOLIDAY.value, _("day off")
    WORKING = DayKind.WORKING.value, _("working day")
    SHORTENED = DayKind.SHORTENED.value, _("shortened working day")


HOURS_HELP = _(
    "Intervals such as 09:00-13:00, 14:00-18:00. An end at or before the start passes "
    "midnight (22:00-06:00); 00:00-24:00 is the whole day; empty means closed."
)


class ProductionCalendar(models.Model):
    """A country's official day types: days off, transferred working days, shortened days."""

    code = models.SlugField(_("code"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    source = models.TextField(_("source"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    class Meta:
        verbose_name = _("production calendar")
        verbose_name_plural = _("production calendars")

    def __str__(self) -> str:
        return self.title


class ProductionDay(models.Model):
    production_calendar = models.ForeignKey(
        ProductionCalendar, on_delete=models.CASCADE, related_name="days"
    )
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=DayKindChoices.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("production calendar day")
        verbose_name_plural = _("production calendar days")
        ordering = ("day",)
        constraints = (
            models.UniqueConstraint(
                fields=("production_calendar", "day"), name="one_type_per_production_day"
            ),
        )

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"


class BusinessCalendar(models.Model):
    """Working hours in one time zone, optionally on a production calendar's day types."""

    name = models.SlugField(
        _("name"), unique=True, help_text=_("Used by SLA policies and the CLI.")
    )
    title = models.CharField(_("title"), max_length=200)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    monday = models.CharField(
        _("Monday"),
        max_length=200,
        blank=True,
        validators=[validate_hours_text],
        help_text=HOURS_HELP,
    )
    tuesday = models.CharField(
        _("Tuesday"), max_length=200, blank=True, validators=[validate_hours_text]
    )
    wednesday = models.CharField(
        _("Wednesday"), max_length=200, blank=True, validators=[validate_hours_text]
    )
    thursday = models.CharField(
        _("Thursday"), max_length=200, blank=True, validators=[validate_hours_text]
    )
    friday = models.CharField(
        _("Friday"), max_length=200, blank=True, validators=[validate_hours_text]
    )
    saturday = models.CharField(
        _("Saturday"), max_length=200, blank=True, validators=[validate_hours_text]
    )
    sunday = models.CharField(
        _("Sunday"), max_length=200, blank=True, validators=[validate_hours_text]
    )
    production_calendar = models.ForeignKey(
        ProductionCalendar,
        verbose_name=_("production calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="business_calendars",
        help_text=_("Its days off, transferred working days and shortened days apply."),
    )
    shortened_by_minutes = models.PositiveIntegerField(
        _("shortened days end earlier by (minutes)"), default=0
    )
    standard_hours = models.CharField(
        _("hours of an extra working day"),
        max_length=200,
        blank=True,
        validators=[validate_hours_text],
        help_text=_("For a working Saturday and the like; empty means Monday's hours."),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    WEEKDAY_FIELDS = WEEKDAY_COLUMNS  # the plain reads select the same columns

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def weekly_hours(self) -> tuple[str, ...]:
        return tuple(getattr(self, field) for field in self.WEEKDAY_FIELDS)


class CalendarException(models.Model):
    """A dated change to one calendar; it wins over the production calendar's day type."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="exceptions"
    )
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=DayKindChoices.choices)
    hours = models.CharField(
        _("hours"),
        max_length=200,
        blank=True,
        validators=[validate_hours_text],
        help_text=_(
            "Optional. Empty: a working day gets the usual hours, a shortened day is cut by "
            "the calendar's setting."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ("day",)
        constraints = (
            models.UniqueConstraint(fields=("calendar", "day"), name="one_exception_per_day"),
        )

    def __str__(self) -> str:
        return f"{self.calendar.name} {self.day} {self.get_kind_display()}"


class DraftDay(models.Model):
    """A day type drafted for a year its production calendar has no official data for yet
    (from the ``holidays`` package). Official data for the year replaces them."""

    production_calendar = models.ForeignKey(
        ProductionCalendar, on_delete=models.CASCADE, related_name="draft_days"
    )
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=DayKindChoices.choices)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("drafted production calendar day")
        verbose_name_plural = _("drafted production calendar days")
        ordering = ("day",)
        constraints = (
            models.UniqueConstraint(
                fields=("production_calendar", "day"), name="one_type_per_draft_day"
            ),
        )

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} (draft)"


class MissingYearNotice(models.Model):
    """The support leads were told that a production calendar lacks a year's official
    data: one row per (production calendar, year), claimed by inserting it, so several
    workers send the mail once."""

    production_calendar = models.ForeignKey(
        ProductionCalendar, on_delete=models.CASCADE, related_name="missing_year_notices"
    )
    year = models.PositiveIntegerField(_("year"))
    notified_at = models.DateTimeField(_("notified at"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("missing-year notice")
        verbose_name_plural = _("missing-year notices")
        constraints = (
            models.UniqueConstraint(
                fields=("production_calendar", "year"), name="one_notice_per_missing_year"
            ),
        )

    def __str__(self) -> str:
        return f"{self.production_calendar_id} {self.year}"
