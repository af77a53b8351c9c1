"""Read helpers for agents' queues, with the permission check built in.

The SLA-urgency order reads the running resolution clocks through their partial index on
``due_at`` and joins each to its request through the unique ``resolution_clock`` key, so
the first page costs the same at a thousand requests and at a million.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from supportdesk.tickets.access import require_staff
from supportdesk.tickets.models import Request


def by_resolution_due(user: User, *, team_id: int | None = None) -> QuerySet[Request]:
    """Requests whose resolution clock runs, most urgent first (paused ones are not due)."""
    require_staff(user)
    requests = Request.objects.filter(resolution_clock__status="running")
    if team_id is not None:
        requests = requests.filter(team_id=team_id)
    return requests.select_related("organization", "resolution_clock").order_by(
        "resolution_clock__due_at", "resolution_clock_id"
    )
