"""A phone call as the vendor's answer: an answered call linked to a request that was open
before it counts as that request's first response (issue 11, telephony)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from supportdesk.audit.record import record
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.actions._common import lock_request
from supportdesk.tickets.actions._lifecycle import change_status, stop_reaction
from supportdesk.tickets.models import Request, Status


def count_call_as_first_response(
    *, actor: User, request: Request, answered_at: datetime, now: datetime
) -> bool:
    """True when the call (answered at ``answered_at``) ended the reaction clock: the
    request was registered before it and had no first response yet."""
    require(actor, Capability.HANDLE_CALLS)
    with transaction.atomic():
        request = lock_request(request)
        if request.first_response_at is not None or request.registered_at >= answered_at:
            return False
        stop_reaction(request, now=answered_at)
        if request.status == Status.NEW:
            change_status(request, Status.OPEN, now=now)
        record(
            at=now, actor=actor, action="request.call_first_response", subject=request,
            data={"answered_at": answered_at.isoformat()},
        )  # fmt: skip
    return True
