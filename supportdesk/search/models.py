"""What an agent keeps for finding requests: named queue views and when they last
looked at each request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.tickets.models import Request


class SavedView(models.Model):
    """A named queue query (tab, filters, search text) of one agent."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("query"), max_length=1000)  # a URL query string, parsed on use
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ("name", "id")
        constraints = (
            models.UniqueConstraint(fields=("owner", "name"), name="saved_view_unique_name"),
        )

    def __str__(self) -> str:
        return self.name


class LastSeen(models.Model):
    """When a staff member last opened a request's page: what changed since is marked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("last look")
        verbose_name_plural = _("last looks")
        constraints = (
            models.UniqueConstraint(fields=("user", "request"), name="last_seen_unique"),
        )

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.request_id} at {self.seen_at:%Y-%m-%d %H:%M}"
