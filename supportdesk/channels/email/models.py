"""Every message read from a support mailbox, kept raw, and where it went. Only
``channels.email.actions`` writes these (and the reader its mailbox bookkeeping)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.tickets.models import Message, Request


class Outcome(models.TextChoices):
    OPENED = "opened", _("opened a request")
    APPENDED = "appended", _("added to a request")
    QUARANTINED = "quarantined", _("quarantined")


class QuarantineReason(models.TextChoices):
    """The exact codes of the command line and the quarantine list."""

    AUTO_REPLY = "auto-reply", _("automatic reply")
    BOUNCE = "bounce", _("delivery failure report")
    UNKNOWN_SENDER = "unknown-sender", _("unknown sender")
    FOREIGN_ORGANIZATION = "foreign-organization", _("sender from another organization")
    STAFF_SENDER = "staff-sender", _("sent from a staff address")
    LOOP = "loop", _("our own mail came back")
    TOO_LARGE = "too-large", _("too large")
    UNPARSEABLE = "unparseable", _("cannot be read")
    DUPLICATE_ID = "duplicate-id", _("Message-ID already used by another sender")


class QuarantineState(models.TextChoices):
    HELD = "held", _("waiting for a decision")
    RELEASED = "released", _("released to a request")
    DISCARDED = "discarded", _("discarded")


class InboundMail(models.Model):
    """One message as received (duplicates are answered, not stored again)."""

    mailbox = models.CharField(_("mailbox"), max_length=64)
    # The Message-ID, or "sha256:<hex>" of the raw bytes for a message without one.
    dedupe_key = models.CharField(max_length=255)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    raw = models.FileField(_("raw message"), upload_to="mail/%Y/%m/", max_length=255)
    size = models.PositiveBigIntegerField(_("size"))  # as received, even when only the head is kept
    sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("received at"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.CharField(
        _("quarantine reason"), max_length=32, choices=QuarantineReason.choices, blank=True
    )
    detail = models.TextField(_("detail"), blank=True)  # why, in the reader's words
    request = models.ForeignKey(
        Request, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_mails"
    )
    added_message = models.ForeignKey(  # the message an appended mail became
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("quarantine state"), max_length=16, choices=QuarantineState.choices, blank=True
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ("-received_at", "-id")
        constraints = (
            # The same message from the same sender is stored once ...
            models.UniqueConstraint(
                fields=("dedupe_key", "sender"), name="email_one_mail_per_id_and_sender"
            ),
            # ... and only one sender owns a Message-ID; the others are duplicate-id.
            models.UniqueConstraint(
                fields=("dedupe_key",),
                condition=~models.Q(reason="duplicate-id"),
                name="email_one_owner_per_id",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(outcome="quarantined") & ~models.Q(reason="") & ~models.Q(state="")
                )
                | (~models.Q(outcome="quarantined") & models.Q(reason="") & models.Q(state="")),
                name="email_quarantined_has_reason_and_state",
            ),
        )
        indexes = (models.Index(fields=("state", "-received_at")),)

    def __str__(self) -> str:
        return f"{self.sender or '?'}: {self.subject or '-'} ({self.outcome})"


class MailboxState(models.Model):
    """Where the reader is in one configured mailbox."""

    name = models.CharField(_("mailbox"), max_length=64, unique=True)
    uidvalidity = models.PositiveBigIntegerField(null=True, blank=True)
    last_uid = models.PositiveBigIntegerField(default=0)
    last_success_at = models.DateTimeField(_("last successful poll"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailbox state")
        verbose_name_plural = _("mailbox states")

    def __str__(self) -> str:
        return f"{self.name}: UID {self.last_uid} of {self.uidvalidity}"
