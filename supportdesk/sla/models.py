"""SLA policies (versioned matrices) and SLA clocks (event logs with derived deadlines)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.calendars.models import BusinessCalendar
from supportdesk.slamath.clock import ClockStatus, EventKind
from supportdesk.slamath.policy import DEFAULT_BUG_CLOCK_STOP, BugClockStop, Priority, RequestType


class RequestTypeChoices(models.TextChoices):
    INCIDENT = RequestType.INCIDENT.value, _("incident")
    CONSULTATION = RequestType.CONSULTATION.value, _("consultation")
    ADMIN = RequestType.ADMIN.value, _("administration work")
    PROBLEM = RequestType.PROBLEM.value, _("problem modelling")
    BUG = RequestType.BUG.value, _("bug tracking")
    FEATURE = RequestType.FEATURE.value, _("feature request")
    ONSITE = RequestType.ONSITE.value, _("on-site visit")


class PriorityChoices(models.TextChoices):
    P1 = Priority.P1.value, _("P1 critical")
    P2 = Priority.P2.value, _("P2 high")
    P3 = Priority.P3.value, _("P3 medium")
    P4 = Priority.P4.value, _("P4 low")


class BugClockStopChoices(models.TextChoices):
    WORKAROUND = BugClockStop.WORKAROUND.value, _("when a workaround is given")
    HANDOFF = BugClockStop.HANDOFF.value, _("when the bug is handed to development")


class Plan(models.Model):
    code = models.SlugField(_("code"), unique=True)
    title = models.CharField(_("title"), max_length=100)
    intake_calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("intake calendar"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("When requests are accepted and registered."),
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    """One version of a plan's matrix; in force from ``effective_from``, then never edited."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateTimeField(_("in force from"))
    notes = models.TextField(_("notes"), blank=True)
    bug_clock_stop = models.CharField(
        _("a bug's resolution clock stops"),
        max_length=16,
        choices=BugClockStopChoices.choices,
        default=DEFAULT_BUG_CLOCK_STOP.value,
        help_text=_("At the workaround or at the hand-off to the vendor's development."),
    )

    class Meta:
        verbose_name = _("SLA policy version")
        verbose_name_plural = _("SLA policy versions")
        ordering = ("plan__code", "-number")
        constraints = (
            models.UniqueConstraint(fields=("plan", "number"), name="one_policy_version_number"),
        )

    def __str__(self) -> str:
        return f"{self.plan.code} v{self.number}"


class PolicyTarget(models.Model):
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="targets")
    request_type = models.CharField(
        _("request type"), max_length=16, choices=RequestTypeChoices.choices
    )
    priority = models.CharField(_("priority"), max_length=2, choices=PriorityChoices.choices)
    reaction_minutes = models.PositiveIntegerField(_("reaction target (minutes)"))
    reaction_calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("reaction calendar"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution target (minutes)"), null=True, blank=True
    )
    resolution_calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("resolution calendar"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ("request_type", "priority")
        constraints = (
            models.UniqueConstraint(
                fields=("version", "request_type", "priority"), name="one_target_per_cell"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    resolution_minutes__isnull=True, resolution_calendar__isnull=True
                )
                | models.Q(resolution_minutes__gt=0, resolution_calendar__isnull=False),
                name="resolution_target_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(reaction_minutes__gt=0), name="reaction_target_positive"
            ),
        )

    def __str__(self) -> str:
        return f"{self.version} {self.request_type} {self.priority}"


class ClockKind(models.TextChoices):
    REACTION = "reaction", _("reaction")
    RESOLUTION = "resolution", _("resolution")


class ClockStatusChoices(models.TextChoices):
    NOT_STARTED = ClockStatus.NOT_STARTED.value, _("not started")
    RUNNING = ClockStatus.RUNNING.value, _("running")
    PAUSED = ClockStatus.PAUSED.value, _("paused")
    STOPPED = ClockStatus.STOPPED.value, _("stopped")


class SlaClock(models.Model):
    """Persisted, indexed results of evaluating the clock's events (see slamath.clock).

    The events are the truth; these columns are recomputed by the SLA actions whenever an
    event is added or a calendar changes, so queues and the sweeper can use indexes.
    """

    kind = models.CharField(_("clock"), max_length=16, choices=ClockKind.choices)
    policy_version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ClockStatusChoices.choices,
        default=ClockStatus.NOT_STARTED,
    )
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, null=True, blank=True, related_name="clocks"
    )
    target_seconds = models.PositiveIntegerField(_("target (s)"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    elapsed_seconds = models.FloatField(_("elapsed working time (s)"), default=0)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warning_75_at = models.DateTimeField(null=True, blank=True)
    warning_90_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    alerted_percent = models.PositiveSmallIntegerField(
        default=0, help_text=_("Highest threshold already notified: 0, 75, 90 or 100.")
    )
    # The next warning or breach instant still to notify while running; the sweeper's index.
    next_alert_at = models.DateTimeField(null=True, blank=True)
    # Derived like due_at: the figures rely on a year without official production-calendar
    # data (the span from the start to the due instant, else to the last event, touches a
    # draft year). Recomputed with the open clocks when a production calendar changes.
    calendar_draft = models.BooleanField(_("on a draft calendar year"), default=False)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        indexes = (
            models.Index(
                fields=("next_alert_at",),
                name="sla_clock_next_alert",
                condition=models.Q(next_alert_at__isnull=False),
            ),
            models.Index(
                fields=("due_at",),
                name="sla_clock_running_due",
                condition=models.Q(status="running"),
            ),
            # The queue's urgency order: one clock kind's running clocks by due instant.
            models.Index(
                fields=("kind", "due_at"),
                name="sla_clock_running_kind_due",
                condition=models.Q(status="running"),
            ),
            # The queue's "breaching soon" tab: running clocks past their 75 % warning,
            # beside the due index above (a bitmap OR of the two).
            models.Index(
                fields=("warning_75_at",),
                name="sla_clock_running_warning",
                condition=models.Q(status="running"),
            ),
            models.Index(
                fields=("calendar", "status"),
                name="sla_clock_open_by_calendar",
                condition=models.Q(status__in=("running", "paused")),
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} clock #{self.pk} ({self.status})"


class EventKindChoices(models.TextChoices):
    START = EventKind.START.value, _("start")
    PAUSE = EventKind.PAUSE.value, _("pause")
    RESUME = EventKind.RESUME.value, _("resume")
    STOP = EventKind.STOP.value, _("stop")
    TARGET = EventKind.TARGET.value, _("target change")


class SlaClockEvent(models.Model):
    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=EventKindChoices.choices)
    at = models.DateTimeField(_("at"))
    target_seconds = models.PositiveIntegerField(null=True, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("SLA clock event")
        verbose_name_plural = _("SLA clock events")
        ordering = ("at", "id")
        indexes = (
            models.Index(fields=("clock", "at")),
            # The resumes, few among the events: the reopenings' back-fill (tickets/0016)
            # finds the resumed clocks through it (the report reads tickets.Reopening).
            models.Index(
                fields=("at",), condition=models.Q(kind="resume"), name="sla_event_resume_at"
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"
