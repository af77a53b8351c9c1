"""What a bug request's portal page shows of its development."""

from __future__ import annotations

from typing import Any

from supportdesk.development import reads
from supportdesk.development.notifications import status_text
from supportdesk.tickets.models import Request


def bug_status(ticket: Request) -> dict[str, Any]:
    """The request page's part about development: only for a bug; the tracker link and
    the notes are the vendor's and not shown."""
    if ticket.request_type != "bug":
        return {}
    view = reads.bug_view(ticket)
    return {
        "bug": view,
        "bug_status": status_text(view.item) if view.item is not None else "",
    }
