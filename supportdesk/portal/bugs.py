"""What a bug request's portal page shows of its development."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from supportdesk.development import reads
from supportdesk.development.notifications import status_text
from supportdesk.sla.models import SlaClockEvent
from supportdesk.slamath.clock import ClockStatus, EventKind
from supportdesk.slamath.request_clocks import HANDED_TO_DEVELOPMENT, WORKAROUND_GIVEN
from supportdesk.tickets.models import Request


def bug_status(ticket: Request) -> dict[str, Any]:
    """The request page's part about development: only for a bug; the tracker link and
    the notes are the vendor's and not shown. ``bug_clock_stopped``: why the resolution
    clock stopped, when a milestone stopped it (else the page says "resolved")."""
    if ticket.request_type != "bug":
        return {}
    view = reads.bug_view(ticket)
    return {
        "bug": view,
        "bug_status": status_text(view.item) if view.item is not None else "",
        "bug_clock_stopped": _clock_stopped(ticket),
    }


def _clock_stopped(ticket: Request) -> str:
    clock = ticket.resolution_clock
    if clock is None or clock.status != ClockStatus.STOPPED:
        return ""
    stops = SlaClockEvent.objects.filter(clock=clock, kind=EventKind.STOP).order_by("at", "id")
    reason = stops.values_list("reason", flat=True).last()
    if reason == HANDED_TO_DEVELOPMENT:
        return _("stopped: handed to development")
    if reason == WORKAROUND_GIVEN:
        return _("stopped: workaround given")
    return ""
