"""The one place where a request changes status or priority, and its clocks follow.

Private to the actions: only ``tickets.actions`` calls these, inside its transaction,
after its permission checks.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from supportdesk.sla.actions import change_clock_target, pause_clock, resume_clock, stop_clock
from supportdesk.sla.models import SlaClock
from supportdesk.sla.policies import policy_rule
from supportdesk.slamath.clock import ClockStatus
from supportdesk.slamath.policy import Priority
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import PriorityChange, PriorityChangeKind, Request, Status
from supportdesk.tickets.outcomes import record_running_breach, record_stop

TRANSITIONS: dict[Status, set[Status]] = {
    Status.NEW: {Status.OPEN, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED},
    Status.OPEN: {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED},
    Status.IN_PROGRESS: {Status.OPEN, Status.WAITING, Status.RESOLVED},
    Status.WAITING: {Status.OPEN, Status.IN_PROGRESS, Status.RESOLVED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}


def _clock_status(clock: SlaClock | None) -> ClockStatus | None:
    return ClockStatus(clock.status) if clock is not None else None


def change_status(request: Request, to: Status, *, now: datetime, reason: str = "") -> None:
    """Move the request and keep its resolution clock in step: waiting for the customer
    pauses it, leaving that state resumes it, resolving stops it, reopening resumes it."""
    current, to = Status(request.status), Status(to)
    if to == current:
        return
    if to not in TRANSITIONS[current]:
        raise ActionError(
            _("A %(current)s request cannot become %(to)s.")
            % {"current": current.label, "to": to.label}
        )
    clock = request.resolution_clock
    state = _clock_status(clock)
    if clock is not None:
        if to in (Status.WAITING, Status.RESOLVED, Status.CLOSED) and state is ClockStatus.RUNNING:
            if to is Status.WAITING:
                request.resolution_clock = pause_clock(
                    clock=clock, at=now, now=now, reason=reason or "waiting for customer"
                )
                record_running_breach(request, request.resolution_clock, now=now)
            else:
                request.resolution_clock = stop_clock(
                    clock=clock, at=now, now=now, reason=reason or to.value
                )
                record_stop(request, request.resolution_clock, now=now)
        elif to in (Status.OPEN, Status.IN_PROGRESS) and state in (
            ClockStatus.PAUSED,
            ClockStatus.STOPPED,
        ):
            request.resolution_clock = resume_clock(
                clock=clock, at=now, now=now, reason=reason or to.value
            )
            if state is ClockStatus.STOPPED:  # reopened: a breached clock counts again now
                record_running_breach(request, request.resolution_clock, now=now)
        elif to is Status.RESOLVED and state is ClockStatus.PAUSED:
            request.resolution_clock = stop_clock(
                clock=clock, at=now, now=now, reason=reason or to.value
            )
            record_stop(request, request.resolution_clock, now=now)
    request.status = to
    if to is Status.RESOLVED:
        request.resolved_at = now
    elif to is Status.CLOSED:
        request.closed_at = now
    elif current is Status.RESOLVED:
        request.resolved_at = None
    request.updated_at = now
    request.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])


def change_priority(
    request: Request,
    to: Priority,
    *,
    kind: PriorityChangeKind,
    reason: str,
    actor: User | None,
    now: datetime,
) -> PriorityChange:
    """The new priority's targets apply from the original start; elapsed time is kept."""
    if not reason.strip():
        raise ActionError(_("A priority change needs a reason."))
    rule = policy_rule(request.policy_version_id, request.request_type, to.value, now=now)
    why = f"{request.priority} -> {to}: {reason}"
    if _clock_status(request.reaction_clock) in (ClockStatus.RUNNING, ClockStatus.PAUSED):
        request.reaction_clock = change_clock_target(
            clock=request.reaction_clock, target=rule.reaction, at=now, now=now, reason=why
        )
    if request.resolution_clock is not None and rule.resolution is not None:
        request.resolution_clock = change_clock_target(
            clock=request.resolution_clock, target=rule.resolution, at=now, now=now, reason=why
        )
    change = PriorityChange.objects.create(
        request=request,
        kind=kind,
        from_priority=request.priority,
        to_priority=to.value,
        actor=actor,
        reason=reason,
        at=now,
    )
    request.priority = to.value
    request.updated_at = now
    request.save(update_fields=["priority", "updated_at"])
    return change


def stop_reaction(request: Request, *, now: datetime) -> None:
    """The first public reply of a vendor person ends the reaction clock."""
    if request.first_response_at is not None:
        return
    if _clock_status(request.reaction_clock) in (ClockStatus.RUNNING, ClockStatus.PAUSED):
        request.reaction_clock = stop_clock(
            clock=request.reaction_clock, at=now, now=now, reason="first response"
        )
        record_stop(request, request.reaction_clock, now=now)
    request.first_response_at = now
    request.save(update_fields=["first_response_at"])
