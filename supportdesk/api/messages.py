"""A request's messages and their attachments: read, upload, download."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import File, Router, Status
from ninja.files import UploadedFile

from supportdesk.api import reads, render
from supportdesk.api.auth import acting_user
from supportdesk.api.schemas import READ_ERRORS, UPLOAD_ERRORS, AttachmentOut, Id, MessageOut
from supportdesk.tickets.access import get_attachment, get_request
from supportdesk.tickets.attachments import add_attachment
from supportdesk.web.downloads import attachment_response

router = Router(tags=["messages"])


@router.get("/requests/{request_id}/messages", response={200: list[MessageOut], **READ_ERRORS})
def list_messages(request: HttpRequest, request_id: Id) -> list[MessageOut]:
    """The conversation, oldest first; customers never see internal notes."""
    user = acting_user(request)
    ticket = get_request(user, request_id)
    return [render.message(row) for row in reads.visible_messages(user, ticket)]


# What each refusal of an upload means (docs/uploads.md); the body is ``{"detail": ...}``.
UPLOAD_REFUSALS = {
    413: "The file is over SUPPORTDESK_ATTACHMENT_MAX_BYTES (10 MiB), the request carries "
    "more files than SUPPORTDESK_UPLOAD_MAX_FILES (10), or the body is over "
    "SUPPORTDESK_REQUEST_MAX_BYTES (refused before it is read).",
    415: "The file part declares no type, a type not in SUPPORTDESK_ATTACHMENT_TYPES, or one "
    "its bytes or its name contradict (an executable declared image/png, a PNG declared "
    "application/pdf, a zip named .log).",
    422: "No file part, or an empty file.",
}


@router.post(
    "/requests/{request_id}/messages/{message_id}/attachments",
    response={201: AttachmentOut, **UPLOAD_ERRORS},
    openapi_extra={
        "responses": {code: {"description": text} for code, text in UPLOAD_REFUSALS.items()}
    },
)
def upload_attachment(
    request: HttpRequest, request_id: Id, message_id: Id, file: File[UploadedFile]
) -> Status[AttachmentOut]:
    """Multipart upload (field ``file``, one file). The declared type must be allowed and
    agree with the file's bytes; text files (logs, JSON, CSV, XML, YAML) need no magic
    bytes."""
    user, now = acting_user(request), timezone.now()
    ticket = get_request(user, request_id)
    message = reads.get_message(user, ticket, message_id)
    attachment = add_attachment(actor=user, message=message, upload=file, now=now)
    return Status(201, render.attachment(attachment))


@router.get(
    "/attachments/{attachment_id}",
    response={200: None, **READ_ERRORS},
    url_name="attachment-download",
    openapi_extra={"responses": {200: {"description": "the file"}}},
)
def download_attachment(request: HttpRequest, attachment_id: Id) -> FileResponse:
    return attachment_response(get_attachment(acting_user(request), attachment_id))
