"""The one place where a request changes status or priority, and its clocks follow.

Private to the actions: only ``tickets.actions`` calls these, inside its transaction,
after its permission checks. What each change does to the clocks is decided by
``slamath.request_clocks``, which the replay (``supportdesk sla replay``) asks too.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from supportdesk.sla.actions import apply_step
from supportdesk.sla.models import SlaClock, SlaClockEvent
from supportdesk.sla.policies import policy_of, policy_rule
from supportdesk.slamath.clock import ClockStatus, EventKind
from supportdesk.slamath.policy import BugClockStop, Priority
from supportdesk.slamath.request_clocks import (
    MERGED_AS_DUPLICATE,
    RequestStatus,
    can_become,
    is_held,
    on_bug_milestone,
    on_first_response,
    on_merged,
    on_priority_change,
    on_status_change,
    priority_reason,
)
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    PriorityChange,
    PriorityChangeKind,
    Reopening,
    Request,
    Status,
    StatusChange,
)
from supportdesk.tickets.outcomes import record_running_breach, record_stop


def _clock_status(clock: SlaClock | None) -> ClockStatus | None:
    return ClockStatus(clock.status) if clock is not None else None


def _last_stop_reason(clock: SlaClock) -> str | None:
    """Asked only of a stopped clock: whether a bug's milestone stopped it (``is_held``)."""
    if clock.status != ClockStatus.STOPPED:
        return None
    stop = SlaClockEvent.objects.filter(clock=clock, kind=EventKind.STOP).order_by("at", "id")
    return stop.values_list("reason", flat=True).last()


def _record_reopening(request: Request, clock: SlaClock) -> None:
    """The RESUME just written resumed a stopped clock: the SLA report's reopening."""
    resume = SlaClockEvent.objects.filter(clock=clock).order_by("at", "id").last()
    if resume is None or resume.kind != EventKind.RESUME:
        raise RuntimeError(f"clock {clock.pk}: a reopening without its resume event")
    Reopening.objects.create(
        event=resume, request=request, contract_id=request.contract_id, at=resume.at
    )


def bug_milestone(request: Request, milestone: BugClockStop, *, now: datetime) -> None:
    """A workaround given or a hand-off to development: the resolution clock stops when
    the request's policy version stops a bug's clock at this milestone."""
    policy = policy_of(request.policy_version_id, now=now)
    clock = request.resolution_clock
    step = on_bug_milestone(milestone, policy.bug_clock_stop, _clock_status(clock))
    if clock is not None and step is not None:
        request.resolution_clock = apply_step(clock=clock, step=step, at=now, now=now)
        record_stop(request, request.resolution_clock, now=now)


def change_status(request: Request, to: Status, *, now: datetime, reason: str = "") -> None:
    """Move the request and keep its resolution clock in step: waiting for the customer
    pauses it, leaving that state resumes it, resolving stops it, reopening resumes it."""
    current, to = Status(request.status), Status(to)
    if to == current:
        return
    if not can_become(RequestStatus(current), RequestStatus(to)):
        raise ActionError(
            _("A %(current)s request cannot become %(to)s.")
            % {"current": current.label, "to": to.label}
        )
    clock = request.resolution_clock
    state = _clock_status(clock)
    held = clock is not None and is_held(state, _last_stop_reason(clock))
    step = on_status_change(RequestStatus(to), state, reason=reason, held=held)
    if clock is not None and step is not None:
        request.resolution_clock = apply_step(clock=clock, step=step, at=now, now=now)
        if step.kind is EventKind.STOP:
            record_stop(request, request.resolution_clock, now=now)
        elif step.kind is EventKind.PAUSE or state is ClockStatus.STOPPED:
            # Paused before any sweep saw the breach, or reopened: a breached clock counts now.
            record_running_breach(request, request.resolution_clock, now=now)
        if step.kind is EventKind.RESUME and state is ClockStatus.STOPPED:
            _record_reopening(request, request.resolution_clock)
    request.status = to
    if to is Status.RESOLVED:
        request.resolved_at = now
    elif to is Status.CLOSED:
        request.closed_at = now
    elif current is Status.RESOLVED:
        request.resolved_at = None
    request.updated_at = now
    request.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
    StatusChange.objects.create(request=request, from_status=current, to_status=to, at=now)


def change_priority(
    request: Request,
    to: Priority,
    *,
    kind: PriorityChangeKind,
    reason: str,
    actor: User | None,
    now: datetime,
    definition: str = "",
) -> PriorityChange:
    """The new priority's targets apply from the original start; elapsed time is kept."""
    if not reason.strip():
        raise ActionError(_("A priority change needs a reason."))
    rule = policy_rule(request.policy_version_id, request.request_type, to.value, now=now)
    reaction_step, resolution_step = on_priority_change(
        rule,
        reaction=_clock_status(request.reaction_clock),
        resolution=_clock_status(request.resolution_clock),
        reason=priority_reason(request.priority, to, reason),
    )
    if request.reaction_clock is not None and reaction_step is not None:
        request.reaction_clock = apply_step(
            clock=request.reaction_clock, step=reaction_step, at=now, now=now
        )
    if request.resolution_clock is not None and resolution_step is not None:
        request.resolution_clock = apply_step(
            clock=request.resolution_clock, step=resolution_step, at=now, now=now
        )
    change = PriorityChange.objects.create(
        request=request,
        kind=kind,
        from_priority=request.priority,
        to_priority=to.value,
        actor=actor,
        reason=reason,
        definition=definition,
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
    if _clock_status(request.reaction_clock) is ClockStatus.NOT_STARTED:
        # Outside the contract and not accepted yet: the reaction is measured from the
        # acceptance, so a reply before it is not the first response.
        return
    step = on_first_response(_clock_status(request.reaction_clock))
    if request.reaction_clock is not None and step is not None:
        request.reaction_clock = apply_step(
            clock=request.reaction_clock, step=step, at=now, now=now
        )
        record_stop(request, request.reaction_clock, now=now)
    request.first_response_at = now
    request.save(update_fields=["first_response_at"])


def close_as_duplicate(request: Request, *, now: datetime) -> None:
    """A duplicate merged into another request: both clocks stop with the reason and the
    request is closed (through resolved, as ``can_become`` allows)."""
    for name in ("reaction_clock", "resolution_clock"):
        clock = getattr(request, name)
        step = on_merged(_clock_status(clock))
        if clock is not None and step is not None:
            setattr(request, name, apply_step(clock=clock, step=step, at=now, now=now))
            record_stop(request, getattr(request, name), now=now)
    if request.status != Status.RESOLVED:
        change_status(request, Status.RESOLVED, now=now, reason=MERGED_AS_DUPLICATE)
    change_status(request, Status.CLOSED, now=now, reason=MERGED_AS_DUPLICATE)
