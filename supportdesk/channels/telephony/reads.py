"""What the workspace shows of calls: every staff member sees them (require HANDLE_CALLS);
a customer never does."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from supportdesk.channels.telephony.models import Call, CallState
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.models import OPEN_STATUSES, Request

RINGING_FOR = timedelta(minutes=10)  # a ringing call without a later event is stale after this


def _calls() -> QuerySet[Call]:
    return Call.objects.select_related("contact__organization", "request", "integration")


def callback_queue() -> QuerySet[Call]:
    """Missed calls nobody has called back yet, the oldest first."""
    return _calls().filter(state=CallState.MISSED, called_back_at=None).order_by("started_at")


def calls_for(user: User | AnonymousUser, *, now: datetime) -> dict[str, list[Call]]:
    """The workspace's calls page: ringing or in conversation now, finished calls waiting
    for a request or a link, the call-back queue."""
    require(user, Capability.HANDLE_CALLS)
    live = _calls().filter(
        state__in=(CallState.RINGING, CallState.ANSWERED), started_at__gte=now - RINGING_FOR
    )
    unlinked = _calls().filter(state=CallState.ENDED, request=None).order_by("-started_at")
    return {
        "live": list(live.order_by("-started_at")[:20]),
        "unlinked": list(unlinked[:50]),
        "callback": list(callback_queue()[:100]),
    }


def open_requests_of(call: Call) -> list[Request]:
    """The caller's organization's open requests (the caller's own first)."""
    if call.contact is None:
        return []
    requests = Request.objects.filter(
        organization_id=call.contact.organization_id, status__in=OPEN_STATUSES
    ).order_by("-registered_at")[:20]
    return sorted(requests, key=lambda r: r.contact_id != call.contact_id)


def get_call(user: User | AnonymousUser, call_id: int) -> Call:
    require(user, Capability.HANDLE_CALLS)
    return _calls().get(pk=call_id)
