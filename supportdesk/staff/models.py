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

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.role})"
