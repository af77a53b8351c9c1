"""Work time entries and the entitlement ledger (docs/worktime.md). Both are append-only:
the actions only ever insert; a correction is a new entry that supersedes the old one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.contracts.models import Contract
from supportdesk.tickets.models import Request


class Activity(models.TextChoices):
    ADMINISTRATION = "administration", _("administration")
    DIAGNOSIS = "diagnosis", _("diagnosis")
    CONSULTATION = "consultation", _("consultation")
    UPGRADE = "upgrade", _("version upgrade")
    MAINTENANCE = "maintenance", _("preventive maintenance")
    TRAVEL = "travel", _("travel")
    OTHER = "other", _("other")


class EntryKind(models.TextChoices):
    LOGGED = "logged", _("logged")
    CORRECTION = "correction", _("correction")
    REVERSAL = "reversal", _("reversal")


class TimeEntry(models.Model):
    """Work on a request, split on the vendor's business calendar when it was logged."""

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="time_entries")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="time_entries")
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    # The entry this one corrects or reverses; an entry is corrected at most once.
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    started_at = models.DateTimeField(_("start"))
    ended_at = models.DateTimeField(_("end"))
    activity = models.CharField(_("activity"), max_length=16, choices=Activity.choices)
    on_site = models.BooleanField(_("on site"), default=False)
    note = models.TextField(_("note"), blank=True)
    # The split, as computed when the entry was made, and the rule that charged it.
    in_hours_seconds = models.PositiveIntegerField(_("seconds in business hours"))
    off_hours_seconds = models.PositiveIntegerField(_("seconds outside business hours"))
    rule = models.CharField(_("charge rule"), max_length=32)
    off_hours_multiplier = models.PositiveSmallIntegerField(_("off-hours multiplier"))
    charged_seconds = models.PositiveIntegerField(_("charged seconds"))
    calendar_name = models.CharField(_("calendar"), max_length=64)
    calendar_revision = models.CharField(_("calendar revision"), max_length=32)
    debits_hours = models.BooleanField(_("counts against administration hours"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("logged at"))
    reason = models.TextField(_("reason for the correction"), blank=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ("started_at", "pk")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(ended_at__gte=models.F("started_at")),
                name="time_entry_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="logged", supersedes__isnull=True)
                | (~models.Q(kind="logged") & models.Q(supersedes__isnull=False)),
                name="time_entry_correction_links",
            ),
        )
        indexes = (models.Index(fields=("contract", "started_at")),)

    def __str__(self) -> str:
        return f"{self.request.reference} {self.started_at:%Y-%m-%d %H:%M} ({self.kind})"

    @property
    def off_hours_charged_seconds(self) -> int:
        return self.charged_seconds - self.in_hours_seconds


class TimeApproval(models.Model):
    """A lead's approval of a logged entry (corrections are approved as they are made)."""

    entry = models.OneToOneField(TimeEntry, on_delete=models.PROTECT, related_name="approval")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("time approval")
        verbose_name_plural = _("time approvals")

    def __str__(self) -> str:
        return f"approval of time entry {self.entry_id}"


class Resource(models.TextChoices):
    ADMIN_HOURS = "admin_hours", _("administration hours")
    ONSITE_VISITS = "onsite_visits", _("on-site visits")


class LedgerKind(models.TextChoices):
    QUOTA = "quota", _("quota")
    GRANT = "grant", _("grant")
    PURCHASE = "purchase", _("purchase")
    DEBIT = "debit", _("debit")
    REVERSAL = "reversal", _("reversal")


class LedgerEntry(models.Model):
    """One movement of a contract's entitlement: seconds of administration or visits.

    ``period_start``/``period_end`` are the contract year (hours, purchased visits) or the
    calendar quarter (Premium's visit) it belongs to; a balance on a date sums the entries
    of the periods that hold that date, so unused hours do not carry over."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="ledger")
    resource = models.CharField(_("resource"), max_length=16, choices=Resource.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=LedgerKind.choices)
    amount = models.BigIntegerField(_("amount"))  # seconds or visits; debits negative
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until (exclusive)"))
    at = models.DateTimeField(_("at"))
    time_entry = models.ForeignKey(
        TimeEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
    request = models.ForeignKey(
        Request, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ("at", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=("contract", "resource", "period_start"),
                condition=models.Q(kind="quota"),
                name="one_quota_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="ledger_period_ordered",
            ),
        )
        indexes = (models.Index(fields=("contract", "resource", "period_start")),)

    def __str__(self) -> str:
        return f"{self.contract.number} {self.resource} {self.kind} {self.amount}"


class Estimate(models.Model):
    """An engineer's estimate of an administration request; the latest one counts."""

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="estimates")
    seconds = models.PositiveIntegerField(_("estimate (seconds)"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"))
    # The administration hours left when it was set, and whether it exceeded them.
    balance_seconds = models.BigIntegerField(_("balance when set"))
    exceeds_balance = models.BooleanField(_("exceeds the balance"))

    class Meta:
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")
        ordering = ("-set_at", "-pk")

    def __str__(self) -> str:
        return f"estimate of request {self.request_id}: {self.seconds} s"
