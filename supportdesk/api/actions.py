"""Every change the API makes outside the request actions: tokens, idempotency keys and
attachments. One function each: permission, transaction, audit event."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from supportdesk.api.models import ApiToken, IdempotencyKey
from supportdesk.audit.record import record
from supportdesk.tickets.access import ActionDenied, NotFound, get_request, is_lead, is_staff
from supportdesk.tickets.lifecycle import ActionError
from supportdesk.tickets.models import Attachment, Message, MessageKind, Request

TOKEN_PREFIX_LENGTH = 8
# A token's last use is written at most this often: a busy client is not a write per call.
LAST_USED_PRECISION = timedelta(minutes=1)

ALLOWED_CONTENT_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "text/csv",
        "text/x-log",
        "application/zip",
        "application/x-zip-compressed",
        "application/gzip",
        "application/x-gzip",
    }
)


class UploadRejected(ValueError):
    """An upload the desk does not store; ``status_code`` is the HTTP answer (413, 415, 422)."""

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


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


# -- attachments -------------------------------------------------------------------------


def max_attachment_bytes() -> int:
    limit = settings.ATTACHMENT_MAX_BYTES
    return limit


def _clean_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(char for char in base if char.isprintable()).strip()
    return cleaned[:255] or "attachment"


def _check_upload(upload: UploadedFile[bytes]) -> str:
    size = upload.size or 0
    if size > max_attachment_bytes():
        raise UploadRejected(
            f"the file is larger than {max_attachment_bytes()} bytes", status_code=413
        )
    if size == 0:
        raise UploadRejected("the file is empty", status_code=422)
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise UploadRejected(
            f"files of type {content_type or 'unknown'!r} are not accepted; allowed: "
            + ", ".join(sorted(ALLOWED_CONTENT_TYPES)),
            status_code=415,
        )
    return content_type


def add_attachment(
    *, actor: User, message: Message, upload: UploadedFile[bytes], now: datetime
) -> Attachment:
    """Attach a file to a message of a request the actor sees; a customer only to a
    public message. The file is stored under a random name; its own name is kept."""
    request = get_request(actor, message.request_id)
    if message.kind != MessageKind.PUBLIC and not is_staff(actor):
        raise NotFound(f"no message {message.pk}")
    content_type = _check_upload(upload)
    name = _clean_name(upload.name or "")
    suffix = "".join(PurePath(name).suffixes[-1:])[:10]
    attachment = Attachment(
        message=message, name=name, size=upload.size or 0, content_type=content_type
    )
    attachment.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            record(
                at=now,
                actor=actor,
                action="request.attachment_added",
                subject=request,
                data={"message": message.pk, "attachment": attachment.pk, "name": name},
            )
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment
