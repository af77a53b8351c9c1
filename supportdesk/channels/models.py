"""Receipts: what intake has taken in, so a retry or a re-delivery is answered with the
earlier outcome instead of registering twice. Only ``channels.actions`` writes these."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.tickets.models import Channel, Message, Request


class ReceiptOutcome(models.TextChoices):
    OPENED = "opened", _("opened a request")
    APPENDED = "appended", _("added a message")


class Receipt(models.Model):
    """One thing a channel delivered under its own id (an API ``Idempotency-Key``, an
    e-mail's Message-ID, a chat message's id), written in the transaction that registered
    it. Unique per (channel, sender, id): the same id from another sender is another
    receipt."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    sender_scope = models.CharField(_("sender"), max_length=320)
    # RFC 5322 lines are at most 998 characters, so is a Message-ID.
    external_id = models.CharField(_("id in the channel"), max_length=998)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReceiptOutcome.choices)
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="+", verbose_name=_("request")
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("message"),
    )
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = (
            models.UniqueConstraint(
                fields=("channel", "sender_scope", "external_id"), name="one_receipt_per_id"
            ),
        )

    def __str__(self) -> str:
        return f"{self.channel} {self.sender_scope} {self.external_id}"
