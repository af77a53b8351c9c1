"""Every change the API makes outside the request actions and intake: its tokens. One
function each: permission, transaction, audit event."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from supportdesk.api.models import ApiToken
from supportdesk.audit.record import record
from supportdesk.tickets.access import ActionDenied, is_lead
from supportdesk.tickets.errors import ActionError

TOKEN_PREFIX_LENGTH = 8
# A token's last use is written at most this often: a busy client is not a write per call.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# -- tokens ------------------------------------------------------------------------------


def create_token(*, user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token for ``user``; the raw token is returned here and never again."""
    if not user.is_active:
        raise ActionDenied("an inactive user cannot have API tokens")
    if not name.strip():
        raise ActionError("a token needs a name")
    prefix = secrets.token_hex(TOKEN_PREFIX_LENGTH // 2)
    raw = f"sd_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip(), prefix=prefix, token_hash=hash_token(raw), created_at=now
        )
        record(
            at=now,
            actor=user,
            action="api_token.created",
            subject=token,
            data={"name": token.name, "prefix": prefix},
        )
    return token, raw


def revoke_token(*, actor: User, token: ApiToken, now: datetime) -> ApiToken:
    """The owner or a support lead revokes a token; it stops working at once."""
    if actor.pk != token.user_id and not is_lead(actor):
        raise ActionDenied("only the token's owner or a support lead may revoke it")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ActionError("the token is already revoked")
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record(
            at=now,
            actor=actor,
            action="api_token.revoked",
            subject=token,
            data={"user": token.user_id, "prefix": token.prefix},
        )
    return token


def mark_token_used(*, token: ApiToken, now: datetime) -> None:
    """Bookkeeping, not audited: the time of the token's last use, to the minute."""
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
