"""Support contracts: what a customer bought (SPEC section 10)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.customers.models import Organization
from supportdesk.sla.models import PolicyVersion


class AddOn(models.TextChoices):
    """Stable codes: the price list and the contracts' JSON refer to them; never rename."""

    TEST_DEV = "test_dev", _("test/dev environment support")
    CHATBOT_SMARTAPP = "chatbot_smartapp", _("ChatBot and SmartApp support")
    ADMINISTRATION = "administration", _("administration services")
    DEDICATED_ENGINEER = "dedicated_engineer", _("dedicated engineer")
    PERSONAL_MANAGER = "personal_manager", _("personal manager")
    REMOTE_ACCESS = "remote_access", _("remote-access organization")
    ONSITE = "onsite", _("on-site support")
    EXTENDED_REPORTING = "extended_reporting", _("extended reporting and analytics")
    DEVELOPMENT_SUPPORT = (
        "development_support",
        _("support of the development of new functionality (integrations, bots, SmartApps)"),
    )
    PREVENTIVE_MAINTENANCE = "preventive_maintenance", _("preventive maintenance")
    COMPLEX_ADMINISTRATION = (
        "complex_administration",
        _("engineers in complex administration (version upgrades, server tuning)"),
    )
    PERFORMANCE_ANALYSIS = (
        "performance_analysis",
        _("performance analysis with recommendations"),
    )
    CLIENT_APP_PUBLICATION = (
        "client_app_publication",
        _("publication of client-app updates"),
    )


class Contract(models.Model):
    number = models.CharField(_("number"), max_length=50, unique=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="contracts"
    )
    policy_version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("plan and SLA version"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    users = models.PositiveIntegerField(_("number of users"), default=0)
    cts_servers = models.PositiveIntegerField(_("number of CTS servers"), default=1)
    fault_tolerance = models.BooleanField(_("fault-tolerance option"), default=False)
    add_ons = models.JSONField(_("add-ons"), default=list, blank=True)
    dedicated_engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dedicated engineer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engineered_contracts",
    )
    personal_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personal manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_contracts",
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ("organization__name", "-valid_from")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="contract_validity_ordered",
            ),
        )

    def __str__(self) -> str:
        return f"{self.number} ({self.organization})"

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until
