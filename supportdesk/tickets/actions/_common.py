"""Shared by the actions: the row lock and the actor of jobs."""

from __future__ import annotations

from django.db.models import IntegerField

from supportdesk.rows import Param, Prepared
from supportdesk.tickets.models import Channel, Request

SYSTEM = None  # the actor of jobs: no person
# Only staff register phone calls; monitoring alerts arrive through their own channel.
STAFF_CHANNELS = (Channel.PHONE, Channel.MONITORING)


# Every change of a request takes it (an e-mail reply, each agent's action): compiled once.
# The organization comes along for the mails' summary line.
_LOCKED = Prepared(
    lambda: (
        Request.objects.select_for_update(of=("self",))
        .select_related("reaction_clock", "resolution_clock", "contact", "organization")
        .filter(pk=Param("pk", IntegerField()))[:1]
    )
)


def lock_request(request: Request) -> Request:
    """Re-read the request under a row lock: two agents never interleave on one request."""
    found = _LOCKED(pk=request.pk)
    if not found:
        raise Request.DoesNotExist(f"request {request.pk} does not exist")
    return found[0]
