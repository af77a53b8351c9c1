"""A request outside the contract: a support lead accepts it as a billable exception (its
SLA clocks start then) or declines it (closed, left out of the SLA report). Intake marks
it (``intake.open_request`` through ``channels.rules.outside_contract``)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.calendars.engine import Calendars
from supportdesk.sla.actions import start_unstarted_clock
from supportdesk.sla.policies import policy_rule
from supportdesk.slamath.clock import ClockStatus
from supportdesk.staff.permissions import Capability, require
from supportdesk.tickets.actions._common import lock_request
from supportdesk.tickets.actions._lifecycle import change_status
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import OPEN_STATUSES, OutOfContract, Request, Status
from supportdesk.tickets.notifications import notify_out_of_contract_decided

ACCEPTED_REASON = "accepted_outside_contract"


def _pending(request: Request) -> Request:
    locked = lock_request(request)
    if locked.out_of_contract != OutOfContract.PENDING:
        raise ActionError(
            _("%(ref)s is not a request outside the contract waiting for a decision.")
            % {"ref": locked.reference}
        )
    return locked


def accept_out_of_contract(*, actor: User, request: Request, reason: str, now: datetime) -> Request:
    """Take the request as a billable exception: its clocks start now, on the targets of
    its current priority in the policy version it was opened under. Not once it is
    resolved or closed: there is nothing left to measure."""
    require(actor, Capability.ACCEPT_OUT_OF_CONTRACT)
    with transaction.atomic():
        request = _pending(request)
        if request.status not in OPEN_STATUSES:
            raise ActionError(
                _("%(ref)s is %(status)s: decline it or reopen it first.")
                % {"ref": request.reference, "status": Status(request.status).label}
            )
        rule = policy_rule(
            request.policy_version_id, request.request_type, request.priority, now=now
        )
        calendars = Calendars()
        reaction = request.reaction_clock
        if reaction is not None and reaction.status == ClockStatus.NOT_STARTED:
            request.reaction_clock = start_unstarted_clock(
                clock=reaction, target=rule.reaction, at=now, now=now, reason=ACCEPTED_REASON,
                calendars=calendars,
            )  # fmt: skip
        resolution = request.resolution_clock
        if (
            resolution is not None
            and resolution.status == ClockStatus.NOT_STARTED
            and rule.resolution is not None
        ):
            request.resolution_clock = start_unstarted_clock(
                clock=resolution, target=rule.resolution, at=now, now=now,
                reason=ACCEPTED_REASON, calendars=calendars,
            )  # fmt: skip
        request.out_of_contract = OutOfContract.ACCEPTED
        request.out_of_contract_decided_at = now
        request.out_of_contract_decided_by = actor
        request.out_of_contract_reason = reason.strip()
        request.updated_at = now
        request.save(
            update_fields=[
                "out_of_contract", "out_of_contract_decided_at", "out_of_contract_decided_by",
                "out_of_contract_reason", "updated_at",
            ]
        )  # fmt: skip
        record(
            at=now, actor=actor, action="request.out_of_contract_accepted", subject=request,
            data={"add_on": request.out_of_contract_add_on, "reason": reason.strip()},
        )  # fmt: skip
        notify_out_of_contract_decided(
            request, actor=actor, accepted=True, reason=reason.strip(), now=now
        )
    return request


def decline_out_of_contract(
    *, actor: User, request: Request, reason: str, now: datetime
) -> Request:
    """Decline the request: closed with the reason, left out of the SLA report (no clock
    ever ran), the customer told."""
    require(actor, Capability.ACCEPT_OUT_OF_CONTRACT)
    if not reason.strip():
        raise ActionError(_("Say why the request is declined: the customer reads it."))
    with transaction.atomic():
        request = _pending(request)
        reason = reason.strip()
        change_status(request, Status.RESOLVED, now=now, reason="declined_outside_contract")
        change_status(request, Status.CLOSED, now=now, reason="declined_outside_contract")
        request.out_of_contract = OutOfContract.DECLINED
        request.out_of_contract_decided_at = now
        request.out_of_contract_decided_by = actor
        request.out_of_contract_reason = reason
        request.sla_excluded_at = now
        request.sla_excluded_by = actor
        request.sla_excluded_reason = _("declined: outside the contract")
        request.save(
            update_fields=[
                "out_of_contract", "out_of_contract_decided_at", "out_of_contract_decided_by",
                "out_of_contract_reason", "sla_excluded_at", "sla_excluded_by",
                "sla_excluded_reason",
            ]
        )  # fmt: skip
        record(
            at=now, actor=actor, action="request.out_of_contract_declined", subject=request,
            data={"add_on": request.out_of_contract_add_on, "reason": reason},
        )  # fmt: skip
        notify_out_of_contract_decided(request, actor=actor, accepted=False, reason=reason, now=now)
    return request
