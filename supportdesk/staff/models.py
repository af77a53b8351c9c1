"""The vendor's people: teams and roles (SPEC section 2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    AGENT = "agent", _("agent (L1)")
    ENGINEER = "engineer", _("engineer (L2/L3)")
    MANAGER = "manager", _("personal support manager")
    LEAD = "lead", _("support lead")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    # The language of the e-mails this person gets.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ru"
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.role})"


class StaffEvent(models.TextChoices):
    """What staff may be told by e-mail; each person chooses (all on by default)."""

    NEW_REQUEST = "new_request", _("a new request I should know of")
    CUSTOMER_REPLIED = "customer_replied", _("the customer answered on a request of mine")
    ASSIGNED = "assigned", _("a request was assigned to me")
    SLA_WARNING = "sla_warning", _("an SLA warning (75 % and 90 % of a target)")
    SLA_BREACH = "sla_breach", _("an SLA breach")
    MENTIONED = "mentioned", _("a colleague mentioned me in an internal note")


class NotificationPreferences(models.Model):
    """One staff member's choice of e-mails. No row: every e-mail, as the defaults say."""

    member = models.OneToOneField(
        StaffMember,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preferences",
    )
    new_request = models.BooleanField(StaffEvent.NEW_REQUEST.label, default=True)
    customer_replied = models.BooleanField(StaffEvent.CUSTOMER_REPLIED.label, default=True)
    assigned = models.BooleanField(StaffEvent.ASSIGNED.label, default=True)
    sla_warning = models.BooleanField(StaffEvent.SLA_WARNING.label, default=True)
    sla_breach = models.BooleanField(StaffEvent.SLA_BREACH.label, default=True)
    mentioned = models.BooleanField(StaffEvent.MENTIONED.label, default=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"notification preferences of {self.member}"

    def wants(self, event: StaffEvent) -> bool:
        return bool(getattr(self, StaffEvent(event).value))


class Absence(models.Model):
    """A staff member away (leave, sickness, a trip) on the local dates from..until,
    both included: intake does not give them the contracts' requests then."""

    member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ("starts_on",)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_it_starts",
            ),
        )
        indexes = (models.Index(fields=("member", "ends_on")),)

    def __str__(self) -> str:
        return f"{self.member}: {self.starts_on}..{self.ends_on}"
