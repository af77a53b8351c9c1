"""Files attached to messages: the one place they are accepted and stored.

A post with files (``actions.reply`` or ``actions.add_internal_note`` with ``files=``)
takes them whole or not at all: ``files_for_post`` checks every file before any is
written, writes them to the storage outside the post's transaction (an upload to object
storage does not hold the request's row lock), and deletes them again when the
transaction does not commit; ``save_attachments`` writes their rows and audit events
inside it. The API's one-file upload calls ``add_attachment``, the same two steps."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.tickets import filetypes
from supportdesk.tickets.access import NotFound, get_request, is_staff
from supportdesk.tickets.models import Attachment, Message, MessageKind, Request


class UploadRejected(ValueError):
    """An upload the desk does not store; ``status_code`` is the HTTP answer (413, 415, 422)."""

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


def _clean_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(char for char in base if char.isprintable()).strip()
    return cleaned[:255] or "attachment"


def _head(upload: UploadedFile[bytes]) -> bytes:
    upload.seek(0)
    head = bytes(upload.read(filetypes.HEAD_BYTES))
    upload.seek(0)
    return head


def check_upload(upload: UploadedFile[bytes]) -> str:
    """The upload's content type, or UploadRejected with the reason: size, emptiness, a
    type not in ``settings.ATTACHMENT_TYPES``, or bytes or a name that contradict the
    declared type. Forms check files with it before anything is saved."""
    name = upload.name or _("the file")
    size = upload.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise UploadRejected(
            _("%(name)s is larger than %(limit)s bytes.")
            % {"name": name, "limit": settings.ATTACHMENT_MAX_BYTES},
            status_code=413,
        )
    if size == 0:
        raise UploadRejected(_("%(name)s is empty.") % {"name": name}, status_code=422)
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    allowed = ", ".join(sorted(settings.ATTACHMENT_TYPES))
    if not content_type:
        raise UploadRejected(
            _("%(name)s: the file's type is not given; allowed: %(allowed)s.")
            % {"name": name, "allowed": allowed},
            status_code=415,
        )
    if content_type not in settings.ATTACHMENT_TYPES:
        raise UploadRejected(
            _("%(name)s: files of type %(type)s are not accepted; allowed: %(allowed)s.")
            % {"name": name, "type": content_type, "allowed": allowed},
            status_code=415,
        )
    head = _head(upload)
    found = filetypes.detect(head)
    if filetypes.has_signature(content_type):
        contradicted = found != filetypes.canonical(content_type)
    else:  # a text format: refused only when the bytes are binary after all
        contradicted = found is not None and not filetypes.looks_like_text(head)
    if contradicted and found is None:
        raise UploadRejected(
            _("%(name)s: its contents are not %(type)s.") % {"name": name, "type": content_type},
            status_code=415,
        )
    if contradicted:
        raise UploadRejected(
            _("%(name)s: its contents are %(found)s, not %(type)s.")
            % {"name": name, "found": found, "type": content_type},
            status_code=415,
        )
    if not filetypes.name_fits(upload.name or "", content_type):
        raise UploadRejected(
            _("%(name)s: the name does not fit a file of type %(type)s.")
            % {"name": name, "type": content_type},
            status_code=415,
        )
    return content_type


def check_post(uploads: Sequence[UploadedFile[bytes]]) -> list[str]:
    """The content types of one post's files, or UploadRejected for the first refusal:
    more files than ``DATA_UPLOAD_MAX_NUMBER_FILES`` (413), or a file ``check_upload``
    refuses."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    if limit is not None and len(uploads) > limit:
        raise UploadRejected(
            _("At most %(count)d files can be attached at once.") % {"count": limit},
            status_code=413,
        )
    return [check_upload(upload) for upload in uploads]


@contextmanager
def files_for_post(uploads: Sequence[UploadedFile[bytes]]) -> Iterator[list[Attachment]]:
    """Check every file of one post (``check_post``: one refused file refuses the post,
    and nothing is written), write them to the storage under random names, and hand the
    block their unsaved rows for ``save_attachments``. Open it outside the post's
    transaction: when the block raises (the transaction rolled back or did not commit),
    the written files are deleted again."""
    content_types = check_post(uploads)
    written: list[Attachment] = []
    try:
        for upload, content_type in zip(uploads, content_types, strict=True):
            name = _clean_name(upload.name or "")
            suffix = "".join(PurePath(name).suffixes[-1:])[:10]
            attachment = Attachment(name=name, size=upload.size or 0, content_type=content_type)
            attachment.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
            written.append(attachment)
        yield written
    except BaseException:
        for attachment in written:
            attachment.file.delete(save=False)
        raise


def save_attachments(
    *,
    actor: User | None,
    request: Request,
    message: Message,
    attachments: Sequence[Attachment],
    now: datetime,
) -> None:
    """The rows of files written by ``files_for_post``, inside the caller's transaction,
    each with its audit event."""
    for attachment in attachments:
        attachment.message = message
        attachment.save()
        record(
            at=now,
            actor=actor,
            action="request.attachment_added",
            subject=request,
            data={"message": message.pk, "attachment": attachment.pk, "name": attachment.name},
        )


def add_attachment(
    *, actor: User, message: Message, upload: UploadedFile[bytes], now: datetime
) -> Attachment:
    """Attach a file to a message of a request the actor sees; a customer only to a
    public message. The file is stored under a random name; its own name is kept."""
    request = get_request(actor, message.request_id)
    if message.kind != MessageKind.PUBLIC and not is_staff(actor):
        raise NotFound(f"no message {message.pk}")
    return store_attachment(actor=actor, request=request, message=message, upload=upload, now=now)


def store_attachment(
    *,
    actor: User | None,
    request: Request,
    message: Message,
    upload: UploadedFile[bytes],
    now: datetime,
) -> Attachment:
    """Check and store one file on ``message`` of ``request`` in its own transaction; the
    caller has checked who may (``add_attachment``, or intake for a contact without an
    account)."""
    with files_for_post([upload]) as written, transaction.atomic():
        save_attachments(
            actor=actor, request=request, message=message, attachments=written, now=now
        )
    return written[0]
