"""A bug's milestones as clock events: the workaround given and the hand-off to development.

Called by ``development.actions`` inside its transaction, after its permission check and
with the request locked; what the milestone does to the resolution clock is the policy
version's (``PolicyVersion.bug_clock_stop``) and ``slamath.request_clocks``' rule, which
the replay asks too.
"""

from __future__ import annotations

from datetime import datetime

from supportdesk.slamath.policy import BugClockStop
from supportdesk.tickets.actions._common import lock_request
from supportdesk.tickets.actions._lifecycle import bug_milestone
from supportdesk.tickets.models import Request

__all__ = ["handed_to_development", "lock_request", "workaround_given"]


def workaround_given(request: Request, *, now: datetime) -> None:
    bug_milestone(request, BugClockStop.WORKAROUND, now=now)


def handed_to_development(request: Request, *, now: datetime) -> None:
    bug_milestone(request, BugClockStop.HANDOFF, now=now)
