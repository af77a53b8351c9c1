"""Which clock events a request's events cause: the one copy of the rules.

Live requests (``tickets.actions._lifecycle``) and the replay (``slamath.replay``) both ask
these functions, given the clocks' statuses, what to append to the reaction and the
resolution clock. Pure: no Django, no database, no clock.

- Waiting for the customer pauses the resolution clock; leaving that state resumes it.
- Resolving stops it; reopening resumes it.
- The first response of the vendor stops the reaction clock.
- A priority change is a TARGET event: the new priority's targets apply from the
  original start over the same active time.
- A bug's milestone (a workaround given, the bug handed to development) stops the
  resolution clock when the policy version says the clock stops there
  (``policy.BugClockStop``); a clock stopped so is *held*: no later status change
  resumes it (the support part of the bug is done; development's work is tracked apart).

(Not named ``lifecycle``: that name is the actions' private module, and a test keeps
everything outside the actions from importing it.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from supportdesk.slamath.clock import ClockStatus, EventKind
from supportdesk.slamath.policy import BugClockStop, PolicyRule, Target


class RequestStatus(StrEnum):
    """A request's status, as ``tickets.models.Status`` stores it."""

    NEW = "new"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


_NEW, _OPEN, _IN_PROGRESS, _WAITING, _RESOLVED, _CLOSED = RequestStatus
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    _NEW: frozenset({_OPEN, _IN_PROGRESS, _WAITING, _RESOLVED}),
    _OPEN: frozenset({_IN_PROGRESS, _WAITING, _RESOLVED}),
    _IN_PROGRESS: frozenset({_OPEN, _WAITING, _RESOLVED}),
    _WAITING: frozenset({_OPEN, _IN_PROGRESS, _RESOLVED}),
    _RESOLVED: frozenset({_OPEN, _CLOSED}),
    _CLOSED: frozenset(),
}

# The reasons the clocks' events carry, as the live actions write them: codes, rendered in
# the reader's language by ``tickets.reasons`` (a status change without a typed reason
# carries the status's value, also a code there).
FIRST_RESPONSE = "first_response"
WAITING_FOR_CUSTOMER = "waiting_for_customer"
CUSTOMER_REPLIED = "customer_replied"
RESOLVED = "resolved"
REOPENED = "reopened"
WORKAROUND_GIVEN = "workaround_given"
HANDED_TO_DEVELOPMENT = "handed_to_development"
MERGED_AS_DUPLICATE = "merged_as_duplicate"

_MILESTONE_REASONS = {
    BugClockStop.WORKAROUND: WORKAROUND_GIVEN,
    BugClockStop.HANDOFF: HANDED_TO_DEVELOPMENT,
}

_MOVING = (ClockStatus.RUNNING, ClockStatus.PAUSED)


@dataclass(frozen=True, slots=True)
class ClockStep:
    """One event to append to a clock; ``target`` for a TARGET event only."""

    kind: EventKind
    reason: str
    target: Target | None = None


def can_become(current: RequestStatus, to: RequestStatus) -> bool:
    return to in TRANSITIONS[current]


def is_held(resolution: ClockStatus | None, last_stop_reason: str | None) -> bool:
    """A resolution clock stopped by a bug's milestone: status changes leave it stopped."""
    return resolution is ClockStatus.STOPPED and last_stop_reason in _MILESTONE_REASONS.values()


def on_bug_milestone(
    milestone: BugClockStop, stops_at: BugClockStop, resolution: ClockStatus | None
) -> ClockStep | None:
    """A workaround given or a hand-off to development: a STOP of a running or paused
    resolution clock when the policy's ``stops_at`` is this milestone, else nothing."""
    if milestone is not stops_at or resolution not in _MOVING:
        return None
    return ClockStep(EventKind.STOP, _MILESTONE_REASONS[milestone])


def on_status_change(
    to: RequestStatus, resolution: ClockStatus | None, *, reason: str = "", held: bool = False
) -> ClockStep | None:
    """What a move to ``to`` does to the resolution clock (None: it has none, or nothing;
    a ``held`` clock, see ``is_held``, stays stopped)."""
    if resolution is None or held:
        return None
    if to in (RequestStatus.WAITING, RequestStatus.RESOLVED, RequestStatus.CLOSED) and (
        resolution is ClockStatus.RUNNING
    ):
        if to is RequestStatus.WAITING:
            return ClockStep(EventKind.PAUSE, reason or WAITING_FOR_CUSTOMER)
        return ClockStep(EventKind.STOP, reason or to.value)
    if to in (RequestStatus.OPEN, RequestStatus.IN_PROGRESS) and resolution in (
        ClockStatus.PAUSED,
        ClockStatus.STOPPED,
    ):
        return ClockStep(EventKind.RESUME, reason or to.value)
    if to is RequestStatus.RESOLVED and resolution is ClockStatus.PAUSED:
        return ClockStep(EventKind.STOP, reason or to.value)
    return None


def on_first_response(reaction: ClockStatus | None) -> ClockStep | None:
    """The vendor's first public reply stops the reaction clock."""
    if reaction in _MOVING:
        return ClockStep(EventKind.STOP, FIRST_RESPONSE)
    return None


def on_merged(clock: ClockStatus | None) -> ClockStep | None:
    """A duplicate merged into another request: a clock still moving stops (the request
    leaves the SLA report; the other request's clocks measure the work)."""
    if clock in _MOVING:
        return ClockStep(EventKind.STOP, MERGED_AS_DUPLICATE)
    return None


def priority_reason(before: str, after: str, reason: str) -> str:
    """A priority change's TARGET reason as data (``tickets.reasons.encode``'s format):
    the two priorities and the words the person typed."""
    return json.dumps(
        {"code": "priority", "from": before, "note": reason, "to": after},
        ensure_ascii=False,
        sort_keys=True,
    )


def on_priority_change(
    rule: PolicyRule,
    *,
    reaction: ClockStatus | None,
    resolution: ClockStatus | None,
    reason: str,
) -> tuple[ClockStep | None, ClockStep | None]:
    """The new priority's ``rule`` as TARGET events (reaction, resolution): a stopped
    reaction clock keeps its outcome; a type without a resolution target keeps none."""
    reaction_step = None
    if reaction in _MOVING:
        reaction_step = ClockStep(EventKind.TARGET, reason, rule.reaction)
    resolution_step = None
    # A clock not started yet (a request outside the contract, until a lead accepts it)
    # takes the priority's targets when it starts.
    if resolution not in (None, ClockStatus.NOT_STARTED) and rule.resolution is not None:
        resolution_step = ClockStep(EventKind.TARGET, reason, rule.resolution)
    return reaction_step, resolution_step
