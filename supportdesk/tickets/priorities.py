"""Who set a request's priority: the customer (then lowering it is rule 4 or a rule-3
correction with a definition and the customer's recourse) or staff and rule 1 (then any
staff member may correct it with a reason). Read from the request's PriorityChange rows."""

from __future__ import annotations

from supportdesk.staff.models import StaffMember
from supportdesk.tickets.models import (
    ObjectionState,
    PriorityChange,
    PriorityChangeKind,
    PriorityObjection,
    Request,
)

# Priorities that stand by the customer's word: asked for and registered as asked, agreed
# to in a downgrade, or restored on their objection.
_CUSTOMER_KINDS = (PriorityChangeKind.DOWNGRADE, PriorityChangeKind.RESTORE)


def latest_change(request: Request) -> PriorityChange | None:
    return request.priority_changes.order_by("-at", "-id").first()


def set_by_customer(request: Request) -> bool:
    """Whether the priority in force is the customer's."""
    change = latest_change(request)
    return change is not None and is_customers(change, request)


def is_customers(change: PriorityChange, request: Request) -> bool:
    """Whether this change set a priority by the customer's word."""
    if change.kind in _CUSTOMER_KINDS:
        return True
    if change.kind != PriorityChangeKind.INTAKE:
        return False
    if change.to_priority != request.requested_priority:
        return False  # rule 1 set it (P4 for want of a detailed description)
    by_staff = (
        change.actor_id is not None and StaffMember.objects.filter(user_id=change.actor_id).exists()
    )
    return not by_staff


def pending_objection(request: Request) -> PriorityObjection | None:
    return (
        PriorityObjection.objects.filter(request=request, state=ObjectionState.PENDING)
        .select_related("correction", "contact")
        .first()
    )
