"""Every change the API makes outside the request actions: tokens and idempotency keys.
One function each: permission, transaction, audit event."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from supportdesk.api.models import ApiToken, IdempotencyKey
from supportdesk.audit.record import record
from supportdesk.tickets.access import ActionDenied, get_request, is_lead
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import Request

TOKEN_PREFIX_LENGTH = 8
# A token's last use is written at most this often: a busy client is not a write per call.
LAST_USED_PRECISION = timedelta(minutes=1)


class IdempotencyMismatch(ValueError):
    """An ``Idempotency-Key`` reused with a different body (a 422 for the API)."""


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


# -- idempotent registration -------------------------------------------------------------


def _replayed(actor: User, key: str, fingerprint: str) -> Request | None:
    row = IdempotencyKey.objects.filter(user=actor, key=key).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise IdempotencyMismatch("the Idempotency-Key was already used with a different body")
    return get_request(actor, row.request_id)


def open_request_once(
    *,
    actor: User,
    key: str,
    fingerprint: str,
    register: Callable[[], Request],
    now: datetime,
) -> tuple[Request, bool]:
    """Run ``register`` (a call of ``tickets.actions.open_request``) once per key and
    user. Returns the request and whether it was registered now. A concurrent retry that
    loses the race on the unique key is rolled back whole and gets the winner's request."""
    earlier = _replayed(actor, key, fingerprint)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            request = register()
            IdempotencyKey.objects.create(
                user=actor, key=key, fingerprint=fingerprint, request=request, created_at=now
            )
    except IntegrityError:
        earlier = _replayed(actor, key, fingerprint)
        if earlier is None:
            raise
        return earlier, False
    return request, True
