"""Chats and the chat posts that could not be read. Only ``channels.chat.actions`` writes
these.

A chat is a window on one request: its transcript is the request's public messages from
the chat's start on (``after_message``), so the database is the one truth the live page,
a reconnecting page and the request's timeline all read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.customers.models import Contact
from supportdesk.tickets.models import Request


class ChatState(models.TextChoices):
    WAITING = "waiting", _("waiting for an agent")
    ACTIVE = "active", _("an agent is answering")
    CLOSED = "closed", _("closed")


class Chat(models.Model):
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="+", verbose_name=_("contact")
    )
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="chats", verbose_name=_("request")
    )
    # The request's last message when the chat began: the transcript is what follows.
    after_message = models.PositiveBigIntegerField(_("after message"), default=0)
    state = models.CharField(
        _("state"), max_length=16, choices=ChatState.choices, default=ChatState.WAITING
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    # The out-of-hours notice of a chat that opened a request: when the reaction clock starts.
    clock_starts_at = models.DateTimeField(_("reaction clock starts"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        indexes = (
            models.Index(
                fields=("started_at",),
                name="chat_waiting",
                condition=models.Q(state="waiting"),
            ),
        )

    def __str__(self) -> str:
        return f"chat {self.pk} on {self.request_id}"


class RejectedPost(models.Model):
    """A chat post that could not be read (no text and no file, a field too long, a
    malformed id), kept for inspection: answered 400 with the reason, nothing else changed."""

    chat = models.ForeignKey(
        Chat, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("chat"),
    )  # fmt: skip
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("author"),
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=200)
    # The form fields as posted (file names and sizes, not their bytes).
    fields = models.JSONField(_("fields"), default=dict)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("rejected chat post")
        verbose_name_plural = _("rejected chat posts")

    def __str__(self) -> str:
        return f"{self.reason} at {self.received_at:%Y-%m-%d %H:%M}"
