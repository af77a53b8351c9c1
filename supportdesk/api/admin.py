"""Admin for API tokens: read-only (a token's raw value exists only in its creator's hands);
revoking goes through ``api.actions.revoke_token``."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.api import actions
from supportdesk.api.models import ApiToken
from supportdesk.core.auth import acting_user
from supportdesk.tickets.access import ActionDenied
from supportdesk.tickets.errors import ActionError


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = (
        "user", "name", "prefix", "token_hash", "created_at", "last_used_at", "revoked_at",
    )  # fmt: skip
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are created through the API, where the raw token is shown once

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        now, actor = timezone.now(), acting_user(request)
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                actions.revoke_token(actor=actor, token=token, now=now)
            except (ActionDenied, ActionError) as error:
                self.message_user(request, f"{token}: {error}", messages.ERROR)
            else:
                revoked += 1
        self.message_user(request, _("%(count)d tokens revoked.") % {"count": revoked})
