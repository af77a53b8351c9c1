"""Alertmanager integrations, their alert groups and every notification received. Only
``channels.alertmanager.actions`` writes groups and deliveries; integrations are
configuration (the admin)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from supportdesk.customers.models import Contact, Organization
from supportdesk.tickets.models import Request

PRIORITIES = [(p, p) for p in ("P1", "P2", "P3", "P4")]


def default_priority_map() -> dict[str, str]:
    return {"critical": "P1", "error": "P2", "warning": "P3", "info": "P4"}


class AlertIntegration(models.Model):
    """One Alertmanager receiver: ``POST /api/v1/alerts/alertmanager/<slug>``, with bearer
    or basic auth. Its incidents are opened for ``contact`` of ``organization``."""

    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contact"),
        help_text=_("The organization's contact the incidents are registered for."),
    )
    # Secrets as Alertmanager's http_config sends them (it needs them in clear text too).
    bearer_token = models.CharField(_("bearer token"), max_length=200, blank=True)
    basic_username = models.CharField(_("basic auth user"), max_length=200, blank=True)
    basic_password = models.CharField(_("basic auth password"), max_length=200, blank=True)
    severity_label = models.CharField(_("severity label"), max_length=100, default="severity")
    priority_map = models.JSONField(
        _("priority by severity"),
        default=default_priority_map,
        help_text=_('The label\'s value to a priority, e.g. {"critical": "P1"}.'),
    )
    default_priority = models.CharField(
        _("priority of other values"), max_length=2, choices=PRIORITIES, default="P4"
    )
    reopen_window = models.DurationField(
        _("reopen window"),
        default=timedelta(hours=24),
        help_text=_("A resolved group firing again within this time reopens its request."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Alertmanager integration")
        verbose_name_plural = _("Alertmanager integrations")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The admin's check: the contact is the organization's, the mapping maps to
        priorities, some credential is set."""
        errors: dict[str, str] = {}
        unset = self.contact_id is None or self.organization_id is None
        if not unset and self.contact.organization_id != self.organization_id:
            errors["contact"] = gettext("The contact must be one of the organization's.")
        if not isinstance(self.priority_map, dict) or not all(
            value in ("P1", "P2", "P3", "P4") for value in self.priority_map.values()
        ):
            errors["priority_map"] = gettext(
                'An object of label values to P1-P4, e.g. {"critical": "P1"}.'
            )
        if not self.bearer_token and not (self.basic_username and self.basic_password):
            errors["bearer_token"] = gettext(
                "Set a bearer token or a basic auth user and password."
            )
        if errors:
            raise ValidationError(errors)


class AlertGroup(models.Model):
    """One Alertmanager group (``groupKey``) of an integration: one request at a time."""

    integration = models.ForeignKey(
        AlertIntegration, on_delete=models.CASCADE, related_name="groups"
    )
    group_key = models.TextField(_("group key"))
    key_sha256 = models.CharField(max_length=64)  # the unique index of a long key
    request = models.ForeignKey(
        Request, on_delete=models.PROTECT, related_name="+", verbose_name=_("request")
    )
    firing = models.JSONField(default=list)  # fingerprints firing now, sorted
    seen = models.JSONField(default=list)  # every fingerprint of the request, sorted
    resolved_at = models.DateTimeField(_("all resolved at"), null=True, blank=True)
    # All its alerts resolved: the agent is proposed to resolve the request.
    resolution_proposed = models.BooleanField(_("resolution proposed"), default=False)
    notifications = models.PositiveIntegerField(_("notifications"), default=0)
    last_notified_at = models.DateTimeField(_("last notification"))

    class Meta:
        verbose_name = _("alert group")
        verbose_name_plural = _("alert groups")
        constraints = (
            models.UniqueConstraint(
                fields=("integration", "key_sha256"), name="alertmanager_one_group_per_key"
            ),
        )
        indexes = (models.Index(fields=("resolution_proposed", "-last_notified_at")),)

    def __str__(self) -> str:
        return self.group_key


class DeliveryOutcome(models.TextChoices):
    OPENED = "opened", _("opened a request")
    ADDED = "added", _("added alerts")
    REPEAT = "repeat", _("nothing new")
    RESOLVED = "resolved", _("all resolved: resolution proposed")
    REOPENED = "reopened", _("reopened the request")
    QUARANTINED = "quarantined", _("quarantined")


class AlertDelivery(models.Model):
    """One notification as received: the evidence, and the quarantine of the malformed."""

    integration = models.ForeignKey(
        AlertIntegration, on_delete=models.CASCADE, related_name="deliveries"
    )
    received_at = models.DateTimeField(_("received at"))
    body = models.TextField(_("body"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=DeliveryOutcome.choices)
    reason = models.TextField(_("reason"), blank=True)  # why it was quarantined
    group = models.ForeignKey(
        AlertGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("alert notification")
        verbose_name_plural = _("alert notifications")
        ordering = ("-received_at", "-id")
        indexes = (models.Index(fields=("outcome", "-received_at")),)

    def __str__(self) -> str:
        return f"{self.integration_id} {self.received_at:%Y-%m-%d %H:%M:%S} {self.outcome}"
