"""When each periodic job last finished a run: what /health and /metrics watch."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    job = models.CharField(_("job"), max_length=64, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.job} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"
