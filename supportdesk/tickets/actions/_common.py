"""Shared by the actions: the row lock and the actor of jobs."""

from __future__ import annotations

from supportdesk.tickets.models import Channel, Request

SYSTEM = None  # the actor of jobs: no person
# Only staff register phone calls; monitoring alerts arrive through their own channel.
STAFF_CHANNELS = (Channel.PHONE, Channel.MONITORING)


def lock_request(request: Request) -> Request:
    """Re-read the request under a row lock: two agents never interleave on one request."""
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("reaction_clock", "resolution_clock", "contact")
        .get(pk=request.pk)
    )
