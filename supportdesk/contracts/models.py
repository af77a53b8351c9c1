"""Support contracts: what a customer bought (SPEC section 10)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
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


class AddOnUnit(models.TextChoices):
    """How an add-on is sold (the price list, a later issue, prices it per unit)."""

    PER_YEAR = "year", _("per contract year")
    PER_HOUR = "hour", _("per hour")
    PER_VISIT = "visit", _("per visit")


class AddOnDefinition(models.Model):
    """The add-on catalogue as data: one row per ``AddOn`` code (a data migration seeds
    every code; a test keeps the two complete). What an add-on gates is data too: a request
    on one of ``gated_environments``, of one of ``gated_request_types`` or about one of
    ``gated_concerns`` (``tickets.models.Concern``) needs the add-on, unless its contract has
    it or its plan includes it (``included_in_plans``: plan codes). The rule that reads
    these lives in ``channels.rules``."""

    code = models.CharField(_("code"), max_length=32, choices=AddOn.choices, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    unit = models.CharField(_("unit"), max_length=8, choices=AddOnUnit.choices)
    gated_environments = models.JSONField(_("gated environments"), default=list, blank=True)
    gated_request_types = models.JSONField(_("gated request types"), default=list, blank=True)
    gated_concerns = models.JSONField(_("gated concerns"), default=list, blank=True)
    included_in_plans = models.JSONField(_("included in plans"), default=list, blank=True)

    class Meta:
        verbose_name = _("add-on")
        verbose_name_plural = _("add-on catalogue")
        ordering = ("position", "code")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """The add-on's name in the active language (the code's translated label)."""
        return str(AddOn(self.code).label)

    @property
    def gates_anything(self) -> bool:
        return bool(self.gated_environments or self.gated_request_types or self.gated_concerns)


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


class ServerEnvironment(models.TextChoices):
    """The same values as a request's ``tickets.models.Environment``."""

    PRODUCTION = "production", _("production")
    TEST = "test", _("test")
    DEVELOPMENT = "development", _("development")


# "3", "3.4", "3.4.12", "3.4.12.7", optionally "-rc1" and the like (semver-like).
PLATFORM_VERSION = RegexValidator(
    r"^\d{1,6}(\.\d{1,6}){0,3}(-[0-9A-Za-z.]{1,20})?$",
    _("A platform version is numbers separated by dots, e.g. 3.14.2 (optionally -rc1)."),
)


class Server(models.Model):
    """One CTS server of a customer's installation, recorded on its contract. Written only
    by ``contracts.actions`` (add, change, remove)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="servers")
    name = models.CharField(_("name or host"), max_length=200)
    environment = models.CharField(
        _("environment"),
        max_length=16,
        choices=ServerEnvironment.choices,
        default=ServerEnvironment.PRODUCTION,
    )
    platform_version = models.CharField(
        _("platform version"), max_length=40, validators=[PLATFORM_VERSION]
    )
    fault_tolerant_pair = models.BooleanField(_("part of a fault-tolerant pair"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("CTS server")
        verbose_name_plural = _("CTS servers")
        ordering = ("contract", "environment", "name")
        constraints = (
            models.UniqueConstraint(
                fields=("contract", "name"), name="one_server_name_per_contract"
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.environment}, {self.platform_version})"
