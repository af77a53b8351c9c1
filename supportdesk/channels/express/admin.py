from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone

from supportdesk.channels.email.admin import ReadOnly
from supportdesk.channels.express import actions
from supportdesk.channels.express.models import (
    BotAccount,
    Command,
    Delivery,
    MessengerUser,
    RejectedDelivery,
)
from supportdesk.tickets.errors import ActionError


class BotAccountForm(forms.ModelForm[BotAccount]):
    secret_key = forms.CharField(widget=forms.PasswordInput(render_value=True))

    class Meta:
        model = BotAccount
        fields = ("name", "organization", "bot_id", "secret_key", "cts_url", "auth_version",
                  "is_active")  # fmt: skip


@admin.register(BotAccount)
class BotAccountAdmin(admin.ModelAdmin[BotAccount]):
    """Configuration: one row per bot on a customer's CTS server."""

    form = BotAccountForm
    list_display = ("name", "organization", "bot_id", "cts_url", "auth_version", "is_active")
    list_filter = ("is_active", "auth_version")


@admin.register(MessengerUser)
class MessengerUserAdmin(admin.ModelAdmin[MessengerUser]):
    """The quarantine of unknown users: a support lead picks the contact; the link is the
    ``link_user`` action, which checks who may."""

    list_display = ("__str__", "account", "ad_login", "host", "state", "contact", "first_seen_at")
    list_filter = ("state", "account")
    search_fields = ("ad_login", "username", "huid")
    fields = ("account", "huid", "ad_login", "ad_domain", "username", "host", "state",
              "contact", "first_seen_at", "linked_by", "linked_at")  # fmt: skip
    readonly_fields = ("account", "huid", "ad_login", "ad_domain", "username", "host", "state",
                       "first_seen_at", "linked_by", "linked_at")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: MessengerUser, form: Any, change: bool) -> None:
        if obj.contact is None:
            return
        try:
            actions.link_user(
                actor=request.user,  # type: ignore[arg-type]
                user=obj, contact=obj.contact, now=timezone.now(),
            )  # fmt: skip
        except (ActionError, PermissionError) as error:
            self.message_user(request, str(error), messages.ERROR)


@admin.register(Command)
class CommandAdmin(ReadOnly):
    """What BotX delivered and what the bot made of it; a command that failed every try
    is ``failed`` here, with its last error, for a support lead."""

    list_display = ("received_at", "account", "sync_id", "state", "attempts", "outcome",
                    "last_error", "request")  # fmt: skip
    list_filter = ("state", "account")
    search_fields = ("sync_id",)


@admin.register(RejectedDelivery)
class RejectedDeliveryAdmin(ReadOnly):
    list_display = ("received_at", "endpoint", "account", "reason")
    list_filter = ("endpoint",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    """BotX's verdicts; a row without a notification is a callback whose message the
    transport has not recorded (yet)."""

    list_display = ("sent_at", "account", "sync_id", "notification", "callback_status",
                    "callback_reason")  # fmt: skip
    list_filter = ("callback_status", ("notification", admin.EmptyFieldListFilter))
