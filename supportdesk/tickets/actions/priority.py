"""Priority after registration (SPEC 6 rules 2 to 4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from supportdesk.audit.record import record
from supportdesk.customers.models import Contact
from supportdesk.slamath.policy import Priority
from supportdesk.slamath.priority import (
    PriorityRuleError,
    check_correction,
    check_downgrade,
    check_raise,
)
from supportdesk.tickets.access import (
    ActionDenied,
    require_staff,
)
from supportdesk.tickets.actions._common import lock_request
from supportdesk.tickets.actions._lifecycle import change_priority
from supportdesk.tickets.errors import ActionError
from supportdesk.tickets.models import (
    DowngradeProposal,
    PriorityChangeKind,
    ProposalState,
    Request,
    Status,
)
from supportdesk.tickets.notifications import (
    notify_downgrade_proposed,
    notify_priority_corrected,
)


def raise_priority(
    *, actor: User, request: Request, to: Priority, reason: str, now: datetime
) -> Request:
    """Rule 2: during diagnosis or when the customer adds information."""
    require_staff(actor)
    with transaction.atomic():
        request = lock_request(request)
        _refuse_closed(request)
        _check(check_raise, request, to)
        change_priority(
            request, to, kind=PriorityChangeKind.RAISE, reason=reason, actor=actor, now=now
        )
        _withdraw_pending_proposals(request, now=now)
        record(
            at=now,
            actor=actor,
            action="request.priority_raised",
            subject=request,
            data={"to": to.value, "reason": reason},
        )
    return request


def correct_priority(
    *, actor: User, request: Request, to: Priority, reason: str, now: datetime
) -> Request:
    """Rule 3: the priority did not match the definitions; the customer is told why."""
    require_staff(actor)
    with transaction.atomic():
        request = lock_request(request)
        _refuse_closed(request)
        before = request.priority
        _check(check_correction, request, to)
        change_priority(
            request, to, kind=PriorityChangeKind.CORRECT, reason=reason, actor=actor, now=now
        )
        _withdraw_pending_proposals(request, now=now)
        record(
            at=now,
            actor=actor,
            action="request.priority_corrected",
            subject=request,
            data={"from": before, "to": to.value, "reason": reason},
        )
        notify_priority_corrected(
            request, actor=actor, before=before, after=to.value, reason=reason, now=now
        )
    return request


def propose_downgrade(
    *, actor: User, request: Request, to: Priority, reason: str, now: datetime
) -> DowngradeProposal:
    """Rule 4: the engineer proposes; the priority stays until the customer accepts."""
    require_staff(actor)
    if not reason.strip():
        raise ActionError(_("A downgrade proposal needs a reason."))
    with transaction.atomic():
        request = lock_request(request)
        _refuse_closed(request)
        _check(check_downgrade, request, to)
        if request.downgrade_proposals.filter(state=ProposalState.PENDING).exists():
            raise ActionError(_("A downgrade proposal is already waiting for the customer."))
        proposal = request.downgrade_proposals.create(
            from_priority=request.priority, to_priority=to.value, reason=reason,
            proposed_by=actor, proposed_at=now,
        )  # fmt: skip
        record(
            at=now,
            actor=actor,
            action="request.downgrade_proposed",
            subject=request,
            data={"proposal": proposal.pk, "to": to.value},
        )
        notify_downgrade_proposed(request, proposal, actor=actor, now=now)
    return proposal


def decide_downgrade(
    *, by: Contact, proposal: DowngradeProposal, accept: bool, now: datetime
) -> DowngradeProposal:
    """The customer accepts (the priority goes down, targets re-apply from the start) or
    declines (nothing changes). Callers establish ``by``: the signed-in contact, or the
    contact a signed e-mail link was made for."""
    request = proposal.request
    if by.organization_id != request.organization_id or not (
        by.pk == request.contact_id or by.is_customer_admin
    ):
        raise ActionDenied(_("Only the requester or a customer admin decides a downgrade."))
    with transaction.atomic():
        request = lock_request(request)
        proposal = DowngradeProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.state != ProposalState.PENDING:
            raise ActionError(
                _("The proposal is already %(state)s.") % {"state": proposal.get_state_display()}
            )
        if request.priority != proposal.from_priority:
            raise ActionError(_("The priority changed since the proposal; it no longer applies."))
        proposal.state = ProposalState.ACCEPTED if accept else ProposalState.DECLINED
        proposal.decided_by, proposal.decided_at = by.user, now
        proposal.save(update_fields=["state", "decided_by", "decided_at"])
        if accept:
            change_priority(
                request, Priority(proposal.to_priority), kind=PriorityChangeKind.DOWNGRADE,
                reason=f"accepted by {by.name}: {proposal.reason}", actor=by.user, now=now,
            )  # fmt: skip
        record(
            at=now, actor=by.user, action="request.downgrade_" + proposal.state, subject=request,
            data={"proposal": proposal.pk, "contact": by.pk},
        )  # fmt: skip
    return proposal


def _check(rule: Callable[[Priority, Priority], None], request: Request, to: Priority) -> None:
    """Apply one of the pure priority rules; its refusal, in the reader's language."""
    current = Priority(request.priority)
    try:
        rule(current, to)
    except PriorityRuleError:
        refusals: dict[Callable[[Priority, Priority], None], str] = {
            check_raise: _("%(to)s is not higher than %(current)s."),
            check_correction: _("The priority is already %(current)s."),
            check_downgrade: _("A downgrade goes P1->P2 or P2->P3 only, not %(current)s->%(to)s."),
        }
        raise ActionError(refusals[rule] % {"to": to, "current": current}) from None


def _refuse_closed(request: Request) -> None:
    if request.status in (Status.RESOLVED, Status.CLOSED):
        raise ActionError(
            _("The priority of a %(status)s request is final.")
            % {"status": Status(request.status).label}
        )


def _withdraw_pending_proposals(request: Request, *, now: datetime) -> None:
    request.downgrade_proposals.filter(Q(state=ProposalState.PENDING)).update(
        state=ProposalState.WITHDRAWN, decided_at=now
    )
