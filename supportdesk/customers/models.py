"""Customer organizations and their contacts (the people who file requests)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.calendars.models import validate_time_zone


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A customer's person. A portal account is optional: e-mail and phone contacts exist
    before they ever sign in."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="contacts"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_customer_admin = models.BooleanField(
        _("customer admin"),
        default=False,
        help_text=_("Sees all requests of the organization, SLA reports and balances."),
    )
    language = models.CharField(_("language"), max_length=8, default="ru")
    # Set by e-mail in when a delivery failure report names this address; staff clear it
    # once the address is fixed.
    email_bounced_at = models.DateTimeField(
        _("e-mail bounced at"),
        null=True,
        blank=True,
        help_text=_("Mail to this address came back undelivered. Clear once it is fixed."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ("organization__name", "name")

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"
