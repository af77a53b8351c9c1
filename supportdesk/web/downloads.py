"""The one way a stored attachment leaves the desk: the API, the portal and the workspace
fetch it through ``tickets.access.get_attachment`` (the permission check) and answer with
``attachment_response``. The file is read through the storage API, so the same response
streams from the filesystem or from a private S3 bucket."""

from __future__ import annotations

from django.http import FileResponse

from supportdesk.tickets.access import NotFound
from supportdesk.tickets.models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download under its own name and stored type. NotFound when the
    storage no longer has it."""
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise NotFound(f"the file of attachment {attachment.pk} is missing") from None
    # Always a download, never shown inline: a customer's HTML or SVG must not run as a
    # page of the desk's origin, and the browser must not guess another type than stored.
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The answer depends on who asks: no shared cache may keep it for the next one.
    response["Cache-Control"] = "private, no-store"
    return response
