"""What the sign-in throttle must remember for longer than its counters. Only
``web.throttle`` writes these."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class KnownAddress(models.Model):
    """An address (an IPv6 client's /64) from which the user signed in successfully. While
    the user's account is over its failure ceiling, sign-ins from an address known for the
    last ``LOGIN_KNOWN_ADDRESS_DAYS`` are still checked; older rows are deleted at the
    user's next successful sign-in."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    address = models.CharField(_("address"), max_length=64)
    last_success_at = models.DateTimeField(_("last successful sign-in"))

    class Meta:
        verbose_name = _("known sign-in address")
        verbose_name_plural = _("known sign-in addresses")
        constraints = (
            models.UniqueConstraint(fields=("user", "address"), name="one_known_address_per_user"),
        )

    def __str__(self) -> str:
        return f"{self.user_id} from {self.address}"
