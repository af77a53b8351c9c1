"""The outbox: every notification is a row, written in the transaction of the action that
caused it, with everything needed to send it. The sender job claims rows and records what
happened to each; nothing else changes them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    # A channel that answers back delivers through rows of its own, sent by the transport
    # its app registers (``sender.register_transport``).
    EXPRESS = "express", _("eXpress bot")


class NotificationState(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


UNSENT = (NotificationState.PENDING, NotificationState.SENDING)


class Notification(models.Model):
    channel = models.CharField(
        _("channel"),
        max_length=16,
        choices=NotificationChannel.choices,
        default=NotificationChannel.EMAIL,
    )
    event = models.CharField(_("event"), max_length=64)
    # The request reference ("SD-123"), or "" for a notification about no request.
    thread = models.CharField(_("request"), max_length=32, blank=True)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("text"))
    # Headers no column holds: Reply-To, and Auto-Submitted on automatic mail.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # Files in the default storage: [{"path", "name", "content_type", "size"}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # Without angle brackets: "sd-123.9f1e2d3c4b5a69788796@desk.example".
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)  # space-separated, no brackets
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Attempts whose outcome was lost after the server may have taken the message.
    answers_lost = models.PositiveSmallIntegerField(_("answers lost"), default=0)
    # Pending: when to try. Sending: when the lease runs out and another worker may take it.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    lease = models.CharField(max_length=32, blank=True)  # the claiming worker's token
    first_attempt_at = models.DateTimeField(_("first attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-id",)
        indexes = (
            # The sender's claim and the backlog metrics read only unsent rows.
            models.Index(
                fields=("next_attempt_at",),
                condition=models.Q(state__in=("pending", "sending")),
                name="notification_due",
            ),
            models.Index(
                fields=("created_at",),
                condition=models.Q(state__in=("pending", "sending")),
                name="notification_unsent_age",
            ),
            models.Index(
                fields=("id",),
                condition=models.Q(state="failed"),
                name="notification_failed",
            ),
            # A request's thread: its acknowledgement is the root of later mails.
            models.Index(fields=("thread", "event"), name="notification_thread"),
        )

    def __str__(self) -> str:
        return f"{self.event} to {self.recipient} ({self.state})"
