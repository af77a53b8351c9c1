"""Telephony integrations, calls and the events that built them. Only
``channels.telephony.actions`` (and its recording job) writes calls and events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.customers.models import Contact
from supportdesk.tickets.models import Request


class Provider(models.TextChoices):
    NEUTRAL = "neutral", _("neutral webhook (bearer token)")
    MANGO = "mango", _("Mango Office")


class TelephonyIntegration(models.Model):
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    token = models.CharField(_("bearer token"), max_length=200, blank=True)  # neutral
    api_key = models.CharField(_("API key"), max_length=200, blank=True)  # Mango: vpbx_api_key
    api_salt = models.CharField(
        _("API salt"), max_length=200, blank=True
    )  # Mango: the signature's salt
    region = models.CharField(
        _("default country"), max_length=2, default="RU",
        help_text=_("Numbers without a country code are read as this country's."),
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("telephony integration")
        verbose_name_plural = _("telephony integrations")

    def __str__(self) -> str:
        return self.name


class CallState(models.TextChoices):
    RINGING = "ringing", _("ringing")
    ANSWERED = "answered", _("in conversation")
    ENDED = "ended", _("ended")
    MISSED = "missed", _("missed")


class Call(models.Model):
    """One incoming call, built from its events in whatever order they came."""

    integration = models.ForeignKey(
        TelephonyIntegration, on_delete=models.PROTECT, related_name="calls"
    )
    call_id = models.CharField(_("call id"), max_length=128)
    from_number = models.CharField(_("from"), max_length=64, blank=True)  # E.164 when it parses
    to_number = models.CharField(_("to"), max_length=64, blank=True)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("caller"),
    )  # fmt: skip
    state = models.CharField(_("state"), max_length=16, choices=CallState.choices)
    started_at = models.DateTimeField(_("started at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    missed = models.BooleanField(default=False)  # the provider said so
    duration = models.PositiveIntegerField(_("talk time, s"), null=True, blank=True)
    recording_url = models.URLField(_("recording URL"), max_length=1000, blank=True)
    recording = models.FileField(_("recording"), upload_to="calls/%Y/%m/", blank=True)
    recording_error = models.TextField(blank=True)
    request = models.ForeignKey(
        Request, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("request"),
    )  # fmt: skip
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    first_response = models.BooleanField(_("counted as first response"), default=False)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ("-started_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=("integration", "call_id"), name="telephony_one_call"),
        )
        indexes = (
            models.Index(fields=("state", "-started_at")),
            models.Index(fields=("from_number",)),
        )

    def __str__(self) -> str:
        return f"{self.from_number or '?'} {self.started_at:%Y-%m-%d %H:%M} ({self.state})"


class EventKind(models.TextChoices):
    INCOMING = "incoming", _("incoming call")
    ANSWERED = "answered", _("answered")
    HUNG_UP = "hung_up", _("hung up")
    MISSED = "missed", _("missed")
    RECORDING = "recording_ready", _("recording ready")
    SUMMARY = "summary", _("summary")


class CallEvent(models.Model):
    """One event as received: idempotent on (integration, call id, event key); a malformed
    one is kept with the reason (``call`` empty)."""

    integration = models.ForeignKey(
        TelephonyIntegration, on_delete=models.CASCADE, related_name="events"
    )
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    key = models.CharField(max_length=200)  # "<call id>/<event>" (Mango: with its seq)
    received_at = models.DateTimeField(_("received at"))
    payload = models.TextField(_("payload"))
    quarantine_reason = models.TextField(_("quarantine reason"), blank=True)

    class Meta:
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        ordering = ("-received_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=("integration", "key"),
                condition=models.Q(quarantine_reason=""),
                name="telephony_one_event",
            ),
        )

    def __str__(self) -> str:
        return self.key
