"""The eXpress bot's data: bot accounts (configuration per customer's CTS server), who is
who in the messenger, each command as BotX delivered it (stored by ``sync_id`` before the
bot acts), the dialogue in progress, where a request's answers go, and what BotX's
callbacks said about each message sent. Only ``channels.express.actions`` and the outbox
transport write these; the admin edits the accounts and links users through the actions."""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.customers.models import Contact, Organization
from supportdesk.notifications.models import Notification
from supportdesk.tickets.models import Request


class AuthVersion(models.TextChoices):
    V1 = "v1", _("v1: token from the CTS")
    V2 = "v2", _("v2: signed by the bot")


class BotAccount(models.Model):
    """One bot registered on one customer's CTS server."""

    name = models.CharField(_("name"), max_length=100)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="bot_accounts",
        verbose_name=_("organization"),
    )  # fmt: skip
    bot_id = models.UUIDField(_("bot id"))
    secret_key = models.CharField(_("secret key"), max_length=200)
    cts_url = models.URLField(_("CTS address"), help_text=_("For example https://cts.example.ru"))
    auth_version = models.CharField(
        _("auth version"), max_length=2, choices=AuthVersion.choices, default=AuthVersion.V2
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("bot account")
        verbose_name_plural = _("bot accounts")
        constraints = (
            models.UniqueConstraint(fields=("bot_id", "cts_url"), name="express_one_bot_per_cts"),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.host})"

    @property
    def host(self) -> str:
        return urlparse(self.cts_url).hostname or ""


class UserState(models.TextChoices):
    LINKED = "linked", _("linked to a contact")
    HELD = "held", _("unknown: waiting for a support lead")
    DISCARDED = "discarded", _("ignored")


class MessengerUser(models.Model):
    """A messenger user as the bot saw them; linked to a contact, or held for a lead."""

    account = models.ForeignKey(BotAccount, on_delete=models.CASCADE, related_name="users")
    huid = models.UUIDField("HUID")
    ad_login = models.CharField(_("AD login"), max_length=200, blank=True)
    ad_domain = models.CharField(_("AD domain"), max_length=200, blank=True)
    username = models.CharField(_("name in the messenger"), max_length=200, blank=True)
    host = models.CharField(_("host"), max_length=200, blank=True)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="messenger_users",
        verbose_name=_("contact"),
    )  # fmt: skip
    state = models.CharField(_("state"), max_length=16, choices=UserState.choices)
    first_seen_at = models.DateTimeField(_("first seen at"))
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("messenger user")
        verbose_name_plural = _("messenger users")
        constraints = (
            models.UniqueConstraint(fields=("account", "huid"), name="express_one_user_per_huid"),
            models.CheckConstraint(
                condition=~models.Q(state="linked") | models.Q(contact__isnull=False),
                name="express_linked_user_has_contact",
            ),
        )

    def __str__(self) -> str:
        return self.username or self.ad_login or str(self.huid)


class CommandState(models.TextChoices):
    PENDING = "pending", _("waiting for the job")
    DONE = "done", _("done")
    FAILED = "failed", _("failed after retries: for a support lead")


class Command(models.Model):
    """A command (a message or a button) as BotX delivered it, stored before the bot acts:
    unique per (account, sync_id), so a retried delivery is answered, not acted on twice."""

    account = models.ForeignKey(BotAccount, on_delete=models.CASCADE, related_name="commands")
    sync_id = models.UUIDField("sync_id")
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"))
    state = models.CharField(
        _("state"), max_length=16, choices=CommandState.choices, default=CommandState.PENDING
    )
    outcome = models.TextField(_("outcome"), blank=True)
    request = models.ForeignKey(
        Request, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # A job that failed on the command: how many tries so far, when the next one is due
    # (backing off), and the last error; after the last try the command is ``failed``.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("bot command")
        verbose_name_plural = _("bot commands")
        ordering = ("-received_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=("account", "sync_id"), name="express_one_command"),
        )

    def __str__(self) -> str:
        return f"{self.sync_id} ({self.state})"


class RejectedDelivery(models.Model):
    """An authenticated delivery the bot could not read: kept for inspection."""

    endpoint = models.CharField(_("endpoint"), max_length=64)
    account = models.ForeignKey(
        BotAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("body"))  # as received, cut at 64 KiB
    reason = models.TextField(_("reason"))
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("rejected bot delivery")
        verbose_name_plural = _("rejected bot deliveries")
        ordering = ("-received_at", "-id")

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.reason[:60]}"


class Dialogue(models.Model):
    """Where a user's conversation with the bot is in one chat: the step and what it has
    collected so far (a new request's type, component, scope, description)."""

    account = models.ForeignKey(BotAccount, on_delete=models.CASCADE, related_name="+")
    chat_id = models.UUIDField(_("chat"))
    huid = models.UUIDField("HUID")
    step = models.CharField(_("step"), max_length=32, blank=True)
    data = models.JSONField(_("collected"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("bot dialogue")
        verbose_name_plural = _("bot dialogues")
        constraints = (
            models.UniqueConstraint(
                fields=("account", "chat_id", "huid"), name="express_one_dialogue"
            ),
        )

    def __str__(self) -> str:
        return f"{self.huid} in {self.chat_id}: {self.step or '-'}"


class ChatThread(models.Model):
    """The chat a request's public replies and notifications go back to."""

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="express_chat")
    account = models.ForeignKey(BotAccount, on_delete=models.CASCADE, related_name="+")
    chat_id = models.UUIDField(_("chat"))

    class Meta:
        verbose_name = _("request chat")
        verbose_name_plural = _("request chats")

    def __str__(self) -> str:
        return f"{self.request_id} -> {self.chat_id}"


class CallbackStatus(models.TextChoices):
    WAITING = "", _("waiting for the callback")
    OK = "ok", _("delivered")
    ERROR = "error", _("refused by BotX")


class Delivery(models.Model):
    """One message the outbox handed to BotX and what BotX's callback said about it, met by
    ``sync_id`` whichever comes first: a callback that arrives before the transport has
    written its row (BotX faster than our commit) makes the row, without the message yet,
    and the transport fills it in (``actions.record_sent``)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True,
        related_name="express_deliveries",
    )  # fmt: skip
    account = models.ForeignKey(BotAccount, on_delete=models.CASCADE, related_name="+")
    sync_id = models.UUIDField("sync_id", unique=True)
    # Which message of the notification: 0 the text (with its first file), 1... each
    # further file; a retried notification sends only the parts not recorded yet.
    part = models.PositiveSmallIntegerField(_("part"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    callback_status = models.CharField(
        _("callback"), max_length=8, choices=CallbackStatus.choices, blank=True, default=""
    )
    callback_reason = models.CharField(_("reason"), max_length=200, blank=True)
    callback_errors = models.JSONField(_("errors"), default=list, blank=True)
    callback_at = models.DateTimeField(_("callback at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bot delivery")
        verbose_name_plural = _("bot deliveries")
        ordering = ("-sent_at", "-id")

    def __str__(self) -> str:
        return f"{self.sync_id}: {self.callback_status or 'waiting'}"
