"""Who works on a request and where it stands: assignment, status, resolution, closing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.calendars.engine import get_calendar
from supportdesk.customers.models import Contact
from supportdesk.slamath.request_clocks import REOPENED, RESOLVED
from supportdesk.staff.models import Team
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.access import (
    is_staff,
    require_customer_of,
)
from supportdesk.tickets.actions._common import SYSTEM, lock_request
from supportdesk.tickets.actions._lifecycle import change_status
from supportdesk.tickets.actions.conversation import _customer_author, reply
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    Channel,
    MessageKind,
    Request,
    Status,
)
from supportdesk.tickets.notifications import (
    notify_assigned,
    notify_closed,
    notify_customer_reply,
    notify_resolved,
    notify_waiting,
)
from supportdesk.tickets.reasons import encode


def assign(
    *, actor: User, request: Request, assignee: User | None, team: Team | None, now: datetime
) -> Request:
    require(actor, Capability.ASSIGN)
    if assignee is not None and not is_staff(assignee):
        raise ActionError(_("Requests are assigned to support staff only."))
    with transaction.atomic():
        request = lock_request(request)
        before = {"assignee": request.assignee_id, "team": request.team_id}
        request.assignee, request.team, request.updated_at = assignee, team, now
        request.save(update_fields=["assignee", "team", "updated_at"])
        record(
            at=now, actor=actor, action="request.assigned", subject=request,
            data={"from": before, "to": {"assignee": request.assignee_id, "team": request.team_id}},
        )  # fmt: skip
        if request.assignee_id != before["assignee"]:
            notify_assigned(request, actor=actor, now=now)
    return request


def set_status(
    *, actor: User, request: Request, status: Status, now: datetime, reason: str = ""
) -> Request:
    """Staff move a request between working states (resolve and close have their own
    actions: they need a summary or the customer)."""
    require(actor, Capability.CHANGE_STATUS)
    if status in (Status.RESOLVED, Status.CLOSED, Status.NEW):
        raise ActionError(
            _("Use the %(action)s action, not a status change.") % {"action": status.value}
        )
    with transaction.atomic():
        request = lock_request(request)
        before = request.status
        change_status(request, status, now=now, reason=reason)
        record(
            at=now, actor=actor, action="request.status", subject=request,
            data={"from": before, "to": status.value, "reason": reason},
        )  # fmt: skip
        if status == Status.WAITING and before != Status.WAITING:
            notify_waiting(request, actor=actor, reason=reason, now=now)
    return request


def resolve(*, actor: User, request: Request, summary: str, now: datetime) -> Request:
    """Restoration: the summary goes to the customer and the resolution clock stops, both
    or neither."""
    require(actor, Capability.RESOLVE)
    with transaction.atomic():
        if lock_request(request).status in (Status.RESOLVED, Status.CLOSED):
            raise ActionError(_("The request is already resolved."))
        reply(actor=actor, request=request, body=summary, now=now, mail_customer=False)
        request = lock_request(request)
        change_status(request, Status.RESOLVED, now=now, reason=RESOLVED)
        record(at=now, actor=actor, action="request.resolved", subject=request, data={})
        notify_resolved(request, actor=actor, summary=summary, now=now)
    return request


def confirm_resolution(*, actor: User, request: Request, now: datetime) -> Request:
    require(actor, Capability.CONFIRM_RESOLUTION)
    require_customer_of(actor, request)
    with transaction.atomic():
        request = lock_request(request)
        if request.status != Status.RESOLVED:
            raise ActionError(_("Only a resolved request can be confirmed."))
        change_status(request, Status.CLOSED, now=now, reason="confirmed_by_customer")
        record(at=now, actor=actor, action="request.confirmed", subject=request, data={})
        notify_closed(request, actor=actor, now=now)
    return request


def reopen(
    *,
    actor: User | None,
    request: Request,
    reason: str,
    now: datetime,
    contact: Contact | None = None,
    channel: Channel = Channel.PORTAL,
) -> Request:
    """The customer (or staff) says the problem is not solved: the resolution clock resumes.
    ``actor`` is None for a contact without an account whom a channel identified
    (``contact``: a monitoring integration's alert firing again), speaking in ``channel``."""
    if actor is not None:
        require(actor, Capability.REOPEN)
    staff = actor is not None and is_staff(actor)
    author = None if staff else _customer_author(actor, contact, request)
    if not reason.strip():
        raise ActionError(_("Say why the request is reopened."))
    with transaction.atomic():
        request = lock_request(request)
        if request.status != Status.RESOLVED:
            raise ActionError(_("Only a resolved request can be reopened."))
        message = request.messages.create(
            kind=MessageKind.PUBLIC, author=actor, contact=author, from_vendor=staff,
            channel=channel, body=reason, created_at=now,
        )  # fmt: skip
        change_status(request, Status.OPEN, now=now, reason=REOPENED)
        record(
            at=now, actor=actor, action="request.reopened", subject=request, data={"reason": reason}
        )
        if not message.from_vendor:
            notify_customer_reply(request, message, actor=actor, now=now)
    return request


def exclude_from_sla(*, request: Request, reason: str, actor: User, now: datetime) -> Request:
    """A support lead leaves the request out of the SLA report (e.g. cancelled as a
    duplicate): its clock outcomes drop out and the report lists it with the reason."""
    require(actor, Capability.EXCLUDE_FROM_SLA)
    reason = reason.strip()
    if not reason:
        raise ActionError(_("Say why the request is excluded from the SLA report."))
    with transaction.atomic():
        request = lock_request(request)
        if request.sla_excluded_at is not None:
            raise ActionError(_("The request is already excluded from the SLA report."))
        request.sla_excluded_at, request.sla_excluded_by, request.sla_excluded_reason = (
            now,
            actor,
            reason,
        )
        request.updated_at = now
        fields = ["sla_excluded_at", "sla_excluded_by", "sla_excluded_reason", "updated_at"]
        request.save(update_fields=fields)
        record(
            at=now, actor=actor, action="request.sla_excluded", subject=request,
            data={"reason": reason},
        )  # fmt: skip
    return request


def auto_close_resolved(*, now: datetime) -> int:
    """Close requests resolved more than N business days ago (the resolution day counts as
    the first) without a word from the customer. A job: safe to run twice or in two
    workers, as each request is claimed under a row lock and re-checked."""
    days = settings.AUTO_CLOSE_BUSINESS_DAYS
    calendar = get_calendar(settings.BUSINESS_CALENDAR)
    # N business days take at least N calendar days: a cheap, indexed first cut.
    candidates = Request.objects.filter(
        status=Status.RESOLVED, resolved_at__lte=now - timedelta(days=days)
    ).values_list("pk", "resolved_at")
    closed = 0
    for request_id, resolved_at in candidates.iterator():
        if resolved_at is None or calendar.working_days(resolved_at, now) <= days:
            continue
        with transaction.atomic():
            request = (
                Request.objects.select_for_update(of=("self",))
                .select_related("reaction_clock", "resolution_clock", "contact")
                .filter(pk=request_id, status=Status.RESOLVED)
                .first()
            )
            if request is None:  # another worker or the customer got there first
                continue
            change_status(request, Status.CLOSED, now=now, reason=encode("auto_closed", days=days))
            record(
                at=now, actor=SYSTEM, action="request.auto_closed", subject=request,
                data={"days": days},
            )  # fmt: skip
            notify_closed(request, actor=SYSTEM, now=now)
            closed += 1
    return closed
